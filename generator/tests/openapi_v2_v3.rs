//! The same API read from OpenAPI v2 (`swagger-1.35.json`) and from the
//! OpenAPI v3 group-version documents of the same release gives the same IR.
//! Every difference is listed; the ones that remain are justified below.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should stop at the failure

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubegen_generator::Builder;
use kubegen_templates::ir::{Api, TypeDef};

fn shared_specs() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing; CI must provide it",
        dir.display()
    );
    eprintln!(
        "\n!!! SKIPPING openapi_v2_v3: {} is missing\n",
        dir.display()
    );
    None
}

/// A flat description of an IR, one line per fact, keyed for comparison.
fn facts(api: &Api) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (group, version) in api.versions() {
        let gv = format!("{}/{}", group.name, version.name);
        for resource in &version.resources {
            let mut resource = resource.clone();
            resource.docs = None;
            out.insert(
                format!("{gv} resource {}", resource.kind),
                format!("{resource:?}"),
            );
        }
        for ty in &version.types {
            match ty {
                TypeDef::Struct(def) => {
                    for field in &def.fields {
                        let mut field = field.clone();
                        field.docs = None;
                        // Justified: the v3 documents publish Go's zero values as
                        // `default` (`""`, `{}`, `0`) where swagger.json says nothing.
                        // Defaults are data for docs and servers, never part of a type.
                        field.default = None;
                        out.insert(
                            format!("{gv} {}.{}", def.name, field.wire_name),
                            format!("{field:?}"),
                        );
                    }
                }
                TypeDef::Enum(def) => {
                    let values: Vec<&str> =
                        def.variants.iter().map(|v| v.wire_value.as_str()).collect();
                    out.insert(format!("{gv} enum {}", def.name), values.join(","));
                }
            }
        }
    }
    out
}

#[test]
fn v2_and_v3_give_the_same_ir() {
    let Some(specs) = shared_specs() else { return };
    let v2 = Builder::new()
        .input(specs.join("kubernetes/swagger-1.35.json"))
        .api()
        .unwrap();
    let v3 = Builder::new()
        .input(specs.join("kubernetes/v3"))
        .api()
        .unwrap();
    let (a, b) = (facts(&v2), facts(&v3));
    let mut differences = Vec::new();
    for (key, value) in &a {
        match b.get(key) {
            None => differences.push(format!("only in v2: {key}")),
            Some(other) if other != value => {
                differences.push(format!("differs: {key}\n    v2: {value}\n    v3: {other}"))
            }
            Some(_) => {}
        }
    }
    for key in b.keys() {
        if !a.contains_key(key) {
            differences.push(format!("only in v3: {key}"));
        }
    }
    println!(
        "{} facts from v2, {} from v3, {} differences:",
        a.len(),
        b.len(),
        differences.len()
    );
    for difference in &differences {
        println!("  {difference}");
    }
    assert!(differences.is_empty());
}
