//! Rust names for wire names. Both front ends call these, so a field, type,
//! module or feature gets the same name whichever door it came in by.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use heck::ToUpperCamelCase;

/// Words Rust reserves; a wire name equal to one becomes a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; these get a trailing underscore.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names that generated code uses from the prelude or the runtime; a
/// schema-derived type must not shadow them.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "BTreeMap",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Serialize",
    "Deserialize",
    "Self",
    "Resource",
    "ObjectMeta",
    "ObjectList",
    "Scheme",
];

/// Splits a wire name into lowercase words.
///
/// Acronyms stay whole, including their plural: `podIPs` → `pod ips`,
/// `targetCPUUtilization` → `target cpu utilization`, `ipv4Address` → `ipv4 address`.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if c.is_ascii_uppercase() => {
                if p.is_ascii_lowercase() || p.is_ascii_digit() {
                    true
                } else if p.is_ascii_uppercase() {
                    // The last capital of an acronym starts the next word (`HTTPServer`),
                    // unless what follows is a plural `s` closing the acronym (`IPs`).
                    match next {
                        Some(n) if n.is_ascii_lowercase() => {
                            let after = chars.get(i + 2).copied();
                            let plural = n == 's' && after.is_none_or(|a| !a.is_ascii_lowercase());
                            !plural
                        }
                        _ => false,
                    }
                } else {
                    false
                }
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The Rust identifier for a JSON property, as written in code.
///
/// `podIPs` → `pod_ips`, `type` → `r#type`, `2xx` → `_2xx`, `$ref` → `ref_`,
/// `x-kubernetes-foo` → `x_kubernetes_foo`, `self` → `self_`.
pub fn field_name(wire: &str) -> String {
    let mut name = words(wire).join("_");
    if name.is_empty() {
        name = if wire.chars().all(|c| c == '_') && !wire.is_empty() {
            "underscore".to_owned()
        } else {
            "field".to_owned()
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    // `$ref`, `$schema`: the dollar marks a meta property; keep that visible.
    if wire.starts_with('$') && !name.ends_with('_') {
        name.push('_');
    }
    escape_keyword(name)
}

/// Makes `name` usable as an identifier: raw for keywords, suffixed where raw is not allowed.
pub fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The plain form of an identifier: `r#type` → `type`.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A PascalCase type name from path segments: `["Certificate", "spec", "privateKey"]`
/// → `CertificateSpecPrivateKey`.
///
/// A first segment that is already a PascalCase identifier is kept as it is,
/// so names built on a kind keep the kind's spelling (`HTTPRoute` → `HTTPRouteSpec`,
/// not `HttpRouteSpec`).
pub fn type_name<S: AsRef<str>>(segments: &[S]) -> String {
    let mut name = String::new();
    for (index, segment) in segments.iter().enumerate() {
        let segment = segment.as_ref();
        if index == 0 && is_pascal_identifier(segment) {
            name.push_str(segment);
            continue;
        }
        for word in words(segment) {
            name.push_str(&word.to_upper_camel_case());
        }
    }
    if name.is_empty() {
        name.push_str("Type");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// `HTTPRoute`, `Pod`: an uppercase letter, then ASCII letters and digits only.
pub fn is_pascal_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The enum variant for a wire value: `ClusterIssuer` stays, `cluster-issuer` →
/// `ClusterIssuer`, `""` → `Empty`, `100` → `V100`, `*` → `Value`.
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".to_owned();
    }
    let mut name: String = words(value)
        .iter()
        .map(|word| word.to_upper_camel_case())
        .collect();
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// The Rust module for an API group.
///
/// Built-in groups take the short name Go's client packages use (`""` → `core`,
/// `apps`, `networking.k8s.io` → `networking`); other groups keep their whole
/// name so that no two collide (`cert-manager.io` → `cert_manager_io`).
pub fn group_module(group: &str) -> String {
    if group.is_empty() {
        return "core".to_owned();
    }
    // `rbac.authorization.k8s.io` → `rbac`; front ends fall back to
    // [`group_module_full`] if two groups of one run would collide.
    let base = match group.strip_suffix(".k8s.io") {
        Some(rest) => rest.split('.').next().unwrap_or(rest),
        None => group,
    };
    module_ident(base)
}

/// The collision-free module for an API group: its whole name (`gateway_networking_k8s_io`).
pub fn group_module_full(group: &str) -> String {
    if group.is_empty() {
        return "core".to_owned();
    }
    module_ident(group)
}

fn module_ident(base: &str) -> String {
    let name = words(base).join("_");
    escape_keyword(if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    })
}

/// The Rust module for a version: `v1beta1` stays `v1beta1`.
pub fn version_module(version: &str) -> String {
    let name: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    escape_keyword(
        if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
            format!("v_{name}")
        } else {
            name
        },
    )
}

/// The cargo feature that enables one group-version module.
pub fn feature_name(group_module: &str, version_module: &str) -> String {
    format!("{}_{}", unraw(group_module), unraw(version_module))
}

/// Hands out names unique within one scope, suffixing `2`, `3`, ... on collision.
#[derive(Clone, Debug, Default)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    /// A scope where nothing is taken yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `name` as taken without asking for it.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Returns `name`, or `name2`, `name3`, ... if it is taken; the result is taken from now on.
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        let base = unraw(name);
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        // A suffixed keyword is no longer a keyword, so it needs no `r#`.
        let mut n = 2u64;
        loop {
            let candidate = format!("{base}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// Orders Kubernetes versions by priority, highest first: GA, then beta, then
/// alpha, newer numbers first; versions that do not follow the pattern last,
/// alphabetically (the order `kubectl` and the API server use).
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn key(version: &str) -> (u8, u64, u64, String) {
        let parsed = version.strip_prefix('v').and_then(|rest| {
            let digits_end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let major: u64 = rest[..digits_end].parse().ok()?;
            let tail = &rest[digits_end..];
            if tail.is_empty() {
                return Some((0, major, 0));
            }
            for (rank, label) in [(1u8, "beta"), (2u8, "alpha")] {
                if let Some(number) = tail.strip_prefix(label) {
                    let minor: u64 = number.parse().ok()?;
                    return Some((rank, major, minor));
                }
            }
            None
        });
        match parsed {
            // Reverse the numbers so that a plain ascending sort puts newer first.
            Some((rank, major, minor)) => (rank, u64::MAX - major, u64::MAX - minor, String::new()),
            None => (3, 0, 0, version.to_owned()),
        }
    }
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        let cases = [
            ("podIPs", "pod_ips"),
            ("externalIPs", "external_ips"),
            ("hostIPC", "host_ipc"),
            (
                "targetCPUUtilizationPercentage",
                "target_cpu_utilization_percentage",
            ),
            ("ipv4Address", "ipv4_address"),
            ("apiVersion", "api_version"),
            ("type", "r#type"),
            ("self", "self_"),
            ("Self", "self_"),
            ("2xx", "_2xx"),
            ("$ref", "ref_"),
            ("$schema", "schema_"),
            ("x-kubernetes-foo", "x_kubernetes_foo"),
            ("foo.bar", "foo_bar"),
            ("", "field"),
            ("_", "underscore"),
            ("URL", "url"),
            ("HTTPGet", "http_get"),
            ("continue", "r#continue"),
            ("async", "r#async"),
            ("gen", "r#gen"),
        ];
        for (wire, rust) in cases {
            assert_eq!(field_name(wire), rust, "for {wire:?}");
        }
    }

    #[test]
    fn type_names() {
        assert_eq!(
            type_name(&["Certificate", "spec", "privateKey"]),
            "CertificateSpecPrivateKey"
        );
        assert_eq!(type_name(&["Foo", "x-kubernetes-bar"]), "FooXKubernetesBar");
        assert_eq!(type_name(&["3d"]), "T3d");
        assert_eq!(type_name(&["option"]), "OptionType");
        assert_eq!(
            type_name(&["HTTPRoute", "spec", "parentRefs"]),
            "HTTPRouteSpecParentRefs"
        );
        assert_eq!(type_name(&["Option"]), "OptionType");
    }

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("ClusterIssuer"), "ClusterIssuer");
        assert_eq!(variant_name("cluster-issuer"), "ClusterIssuer");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("100"), "V100");
        assert_eq!(variant_name("*"), "Value");
        assert_eq!(variant_name("TLS1.2"), "Tls12");
    }

    #[test]
    fn modules_and_features() {
        assert_eq!(group_module(""), "core");
        assert_eq!(group_module("apps"), "apps");
        assert_eq!(group_module("networking.k8s.io"), "networking");
        assert_eq!(group_module("rbac.authorization.k8s.io"), "rbac");
        assert_eq!(
            group_module_full("gateway.networking.k8s.io"),
            "gateway_networking_k8s_io"
        );
        assert_eq!(group_module("cert-manager.io"), "cert_manager_io");
        assert_eq!(version_module("v1beta1"), "v1beta1");
        assert_eq!(feature_name("cert_manager_io", "v1"), "cert_manager_io_v1");
    }

    #[test]
    fn unique_names() {
        let mut names = UniqueNames::new();
        assert_eq!(names.claim("Spec"), "Spec");
        assert_eq!(names.claim("Spec"), "Spec2");
        assert_eq!(names.claim("V1"), "V1");
        assert_eq!(names.claim("V1"), "V1_2");
        assert_eq!(names.claim("r#type"), "r#type");
        assert_eq!(names.claim("r#type"), "type2");
    }

    #[test]
    fn version_order() {
        let mut versions = vec![
            "v1alpha1", "v1", "v2beta1", "v1beta2", "v2", "foo", "v1beta1", "v10",
        ];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            versions,
            [
                "v10", "v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo"
            ]
        );
    }
}
