//! Every CRD of `../shared/specs/crds` generates, compiles with zero
//! warnings, and every example object of `../shared/specs/objects` whose CRD
//! is in the corpus round-trips exactly through the generated types.
//!
//! The allowed differences, each listed in the test output: a field the
//! CRD's schema does not declare (a real API server prunes it), a `null`
//! dropped from an optional field, and a `null` in a required list or map
//! read as empty (Go's decoder does the same).

use std::collections::BTreeMap;

use kubegen_generator::Builder;
use kubegen_templates::ir::{Api, TypeDef, TypeRef, UnknownFields};
use kubegen_tests::corpus;
use serde_json::Value;

/// What the IR says about a JSON pointer into an object of some kind.
#[derive(Debug, PartialEq)]
enum Declared {
    /// The schema declares it, so losing it is a defect.
    Yes,
    /// The schema does not declare it: the server would prune it.
    No,
}

fn declared(api: &Api, api_version: &str, kind: &str, pointer: &str) -> Declared {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let Some((group, version)) = api.groups.iter().find(|g| g.name == group).and_then(|g| {
        g.versions
            .iter()
            .find(|v| v.name == version)
            .map(|v| (g, v))
    }) else {
        return Declared::Yes;
    };
    let Some(resource) = version.resources.iter().find(|r| r.kind == kind) else {
        return Declared::Yes;
    };
    let mut current = TypeRef::Named(kubegen_templates::ir::TypePath {
        group_module: group.module.clone(),
        version_module: version.module.clone(),
        name: resource.type_name.clone(),
    });
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        current = match current {
            TypeRef::Named(path) => match api.type_def(&path) {
                Some(TypeDef::Struct(def)) => {
                    match def.fields.iter().find(|f| f.wire_name == segment) {
                        Some(field) => field.ty.clone(),
                        None if def.unknown_fields == UnknownFields::Drop => return Declared::No,
                        None => return Declared::Yes,
                    }
                }
                _ => return Declared::Yes,
            },
            TypeRef::Array(item) | TypeRef::Map(item) => *item,
            _ => return Declared::Yes,
        };
    }
    Declared::Yes
}

#[test]
fn every_crd_generates_compiles_and_round_trips() {
    let Some(specs) = kubegen_tests::shared_specs("crd_corpus") else {
        return;
    };
    let projects = corpus::generate_workspace(&specs);

    let mut exceptions = Vec::new();
    let mut kinds = 0;
    let mut lines = 0;
    for project in &projects {
        match &project.generated {
            Ok(count) => {
                kinds += project.kinds;
                lines += count;
            }
            Err(error) => exceptions.push(format!("{}: generation failed: {error}", project.name)),
        }
    }
    let generated = projects.iter().filter(|p| p.generated.is_ok()).count();
    println!(
        "generated {generated}/{} corpus projects: {kinds} kinds, {lines} lines of Rust",
        projects.len()
    );

    let (built, _, stderr) = corpus::cargo(&["build", "--workspace", "--quiet"]);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning") || l.starts_with("error"))
        .collect();
    assert!(
        built && warnings.is_empty(),
        "the generated corpus does not build warning-free:\n{stderr}"
    );
    println!("compiled {generated} generated crates with -D warnings");

    let objects = specs.join("objects");
    let (ran, stdout, stderr) = corpus::cargo(&[
        "run",
        "--quiet",
        "-p",
        "corpus-runner",
        "--",
        &objects.display().to_string(),
    ]);
    assert!(ran, "the round-trip runner failed:\n{stderr}");

    let apis: BTreeMap<&str, Api> = projects
        .iter()
        .filter(|p| p.generated.is_ok())
        .map(|p| {
            (
                p.name.as_str(),
                Builder::new()
                    .inputs(&p.files)
                    .api()
                    .expect("generated before"),
            )
        })
        .collect();
    let mut decoded = 0;
    let mut not_in_corpus = Vec::new();
    let mut pruned = Vec::new();
    for line in stdout.lines() {
        let report: Value = serde_json::from_str(line).expect("the runner prints JSON lines");
        let at = format!(
            "{}/{} #{} ({} {})",
            report["project"].as_str().unwrap_or(""),
            report["file"].as_str().unwrap_or(""),
            report["document"],
            report["apiVersion"].as_str().unwrap_or(""),
            report["kind"].as_str().unwrap_or("")
        );
        match report["status"].as_str() {
            Some("decoded") => decoded += 1,
            Some("not-in-corpus") => {
                not_in_corpus.push(at);
                continue;
            }
            _ => {
                exceptions.push(format!("{at}: {} {}", report["status"], report["error"]));
                continue;
            }
        }
        let api = &apis[report["project"].as_str().unwrap_or("")];
        for difference in report["differences"].as_array().into_iter().flatten() {
            let pointer = difference["pointer"].as_str().unwrap_or("");
            let change = difference["change"].as_str().unwrap_or("");
            let null_dropped = change == "missing" && difference["original"].is_null();
            // A required list or map given as `null` reads as empty, as Go reads it.
            let null_as_empty = change == "changed"
                && difference["original"].is_null()
                && (difference["encoded"] == serde_json::json!([])
                    || difference["encoded"] == serde_json::json!({}));
            let undeclared = change == "missing"
                && declared(
                    api,
                    report["apiVersion"].as_str().unwrap_or(""),
                    report["kind"].as_str().unwrap_or(""),
                    pointer,
                ) == Declared::No;
            if undeclared {
                pruned.push(format!(
                    "{at}: {pointer} (not declared by the schema; the server prunes it)"
                ));
            } else if null_dropped {
                pruned.push(format!(
                    "{at}: {pointer} (null dropped from an optional field)"
                ));
            } else if null_as_empty {
                pruned.push(format!(
                    "{at}: {pointer} (null in a required list or map read as empty, as Go reads it)"
                ));
            } else {
                exceptions.push(format!("{at}: {pointer} {change}: {difference}"));
            }
        }
    }
    println!(
        "round-tripped {decoded} objects exactly, but for these {} allowed differences:",
        pruned.len()
    );
    for line in &pruned {
        println!("  {line}");
    }
    println!(
        "{} objects belong to kinds outside the CRD corpus (not decoded):",
        not_in_corpus.len()
    );
    for line in &not_in_corpus {
        println!("  {line}");
    }
    assert!(decoded > 0, "no object was decoded: the runner saw nothing");
    assert!(
        exceptions.is_empty(),
        "{} exceptions:\n{}",
        exceptions.len(),
        exceptions.join("\n")
    );
}
