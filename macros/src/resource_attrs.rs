//! `#[resource(...)]`: what the CRD says besides the schema.

use kubegen_templates::ir::{PrinterColumn, ScaleSubresource, Scope, ValidationRule};
use proc_macro2::Span;

use crate::errors::{Errors, flag, key, nested, skip_value, string, strings};
use crate::schema_attrs;

/// Every key, for the error message.
pub(crate) const KEYS: &str = "group, version, kind, struct, plural, singular, namespaced, cluster, \
    shortnames (or shortname), categories (or category), status, scale(...), printcolumn(...), \
    selectable(...), deprecated, storage, served, doc, validation(...), annotation(...), \
    label(...), derive, schema, crates(...)";

/// Printer column types the API server accepts.
const COLUMN_TYPES: [&str; 5] = ["integer", "number", "string", "boolean", "date"];
/// Printer column formats the API server accepts.
const COLUMN_FORMATS: [&str; 9] = [
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "date",
    "date-time",
    "password",
    "name",
];

/// Everything `#[resource(...)]` says.
pub(crate) struct ResourceAttrs {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<(String, Span)>,
    /// The Rust name of the declared root struct, when not the kind.
    pub struct_name: Option<String>,
    pub plural: Option<String>,
    pub singular: Option<String>,
    pub scope: Scope,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub status: Option<syn::Type>,
    pub scale: Option<ScaleSubresource>,
    pub printer_columns: Vec<PrinterColumn>,
    pub selectable: Vec<String>,
    pub deprecated: bool,
    pub deprecation_warning: Option<String>,
    pub storage: bool,
    pub served: bool,
    pub docs: Option<String>,
    pub rules: Vec<ValidationRule>,
    pub annotations: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
    pub kubegen: Option<syn::Path>,
    pub kubegen_api: Option<syn::Path>,
    /// More derives for the declared root struct.
    pub derives: Vec<syn::Path>,
    /// `schema = "disabled"`: no `crd()`.
    pub no_crd: bool,
    /// The first `#[resource]` attribute, for errors about missing keys.
    pub span: Span,
}

impl Default for ResourceAttrs {
    fn default() -> Self {
        ResourceAttrs {
            group: None,
            version: None,
            kind: None,
            struct_name: None,
            plural: None,
            singular: None,
            scope: Scope::Namespaced,
            short_names: Vec::new(),
            categories: Vec::new(),
            status: None,
            scale: None,
            printer_columns: Vec::new(),
            selectable: Vec::new(),
            deprecated: false,
            deprecation_warning: None,
            storage: true,
            served: true,
            docs: None,
            rules: Vec::new(),
            annotations: Vec::new(),
            labels: Vec::new(),
            kubegen: None,
            kubegen_api: None,
            derives: Vec::new(),
            no_crd: false,
            span: Span::call_site(),
        }
    }
}

/// Reads every `#[resource(...)]` of `attrs`; `kind_required`: the derive sits on a spec.
pub(crate) fn parse(
    attrs: &[syn::Attribute],
    kind_required: bool,
    errors: &mut Errors,
) -> ResourceAttrs {
    let mut out = ResourceAttrs::default();
    let mut scope_set: Option<(Scope, Span)> = None;
    let mut seen_attr = false;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("resource")) {
        if !seen_attr {
            out.span = attr.path().segments[0].ident.span();
            seen_attr = true;
        }
        let result = attr.parse_nested_meta(|meta| {
            if let Err(error) = one_key(&meta, &mut out, &mut scope_set, errors) {
                errors.push(error);
                let _ = skip_value(&meta);
            }
            Ok(())
        });
        errors.take(result);
    }
    let missing: Vec<&str> = [
        ("group", out.group.is_none()),
        ("version", out.version.is_none()),
        ("kind", kind_required && out.kind.is_none()),
    ]
    .into_iter()
    .filter(|(_, missing)| *missing)
    .map(|(key, _)| key)
    .collect();
    if !missing.is_empty() {
        let example = "#[resource(group = \"example.com\", version = \"v1\", kind = \"Widget\")]";
        let message = if seen_attr {
            format!(
                "#[resource(...)] is missing {}; for example {example}",
                missing.join(", ")
            )
        } else {
            format!("#[derive(Resource)] needs {example}")
        };
        errors.at(out.span, message);
    }
    out
}

fn one_key(
    meta: &syn::meta::ParseNestedMeta<'_>,
    out: &mut ResourceAttrs,
    scope_set: &mut Option<(Scope, Span)>,
    errors: &mut Errors,
) -> syn::Result<()> {
    let name = key(meta);
    let span = meta.path.segments[0].ident.span();
    match name.as_str() {
        "group" => {
            let lit = meta.value()?.parse::<syn::LitStr>()?;
            check(
                &lit,
                is_group,
                "a lowercase DNS subdomain with at least one dot, such as `example.com`",
            )?;
            out.group = Some(lit.value());
        }
        "version" => {
            let lit = meta.value()?.parse::<syn::LitStr>()?;
            check(
                &lit,
                is_dns_label,
                "a lowercase DNS label such as `v1` or `v1beta1`",
            )?;
            out.version = Some(lit.value());
        }
        "kind" => {
            let lit = meta.value()?.parse::<syn::LitStr>()?;
            check(&lit, is_kind, "a PascalCase identifier such as `Widget`")?;
            out.kind = Some((lit.value(), lit.span()));
        }
        "struct" => {
            let lit = meta.value()?.parse::<syn::LitStr>()?;
            check(
                &lit,
                |name| syn::parse_str::<syn::Ident>(name).is_ok(),
                "a Rust identifier",
            )?;
            out.struct_name = Some(lit.value());
        }
        "plural" | "singular" => {
            let lit = meta.value()?.parse::<syn::LitStr>()?;
            check(
                &lit,
                is_dns_label,
                "a lowercase DNS label such as `widgets`",
            )?;
            if name == "plural" {
                out.plural = Some(lit.value());
            } else {
                out.singular = Some(lit.value());
            }
        }
        "namespaced" | "cluster" => {
            let scope = if name == "cluster" {
                Scope::Cluster
            } else {
                Scope::Namespaced
            };
            let scope = if flag(meta)? {
                scope
            } else if scope == Scope::Cluster {
                Scope::Namespaced
            } else {
                Scope::Cluster
            };
            if let Some((previous, _)) = scope_set {
                if *previous != scope {
                    return Err(syn::Error::new(
                        span,
                        "`namespaced` and `cluster` contradict each other; keep one",
                    ));
                }
            }
            *scope_set = Some((scope, span));
            out.scope = scope;
        }
        "shortnames" | "shortname" => out.short_names.extend(strings(meta)?),
        "categories" | "category" => out.categories.extend(strings(meta)?),
        "status" => {
            let input = meta.value()?;
            out.status = Some(if input.peek(syn::LitStr) {
                input.parse::<syn::LitStr>()?.parse::<syn::Type>()?
            } else {
                input.parse::<syn::Type>()?
            });
        }
        "scale" => out.scale = scale(meta, errors)?,
        "printcolumn" => out.printer_columns.extend(printcolumn(meta, errors)?),
        "selectable" => {
            let path = if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::LitStr>()?
            } else {
                let mut path = None;
                nested(meta, errors, |inner| {
                    if inner.path.is_ident("json_path") {
                        path = Some(inner.value()?.parse::<syn::LitStr>()?);
                        Ok(())
                    } else {
                        Err(inner.error("selectable(...) takes only `json_path = \".spec.field\"`"))
                    }
                })?;
                path.ok_or_else(|| {
                    meta.error("selectable(...) needs `json_path = \".spec.field\"`")
                })?
            };
            check(
                &path,
                |p| p.starts_with('.') && p.len() > 1,
                "a JSON path starting with `.`, such as `.spec.color`",
            )?;
            out.selectable.push(path.value());
        }
        "deprecated" => {
            out.deprecated = true;
            if meta.input.peek(syn::Token![=]) {
                out.deprecation_warning = Some(string(meta)?);
            } else if meta.input.peek(syn::token::Paren) {
                nested(meta, errors, |inner| {
                    if inner.path.is_ident("warning") {
                        out.deprecation_warning = Some(string(inner)?);
                        Ok(())
                    } else {
                        Err(inner.error("deprecated(...) takes only `warning = \"...\"`"))
                    }
                })?;
            }
        }
        "storage" => out.storage = flag(meta)?,
        "served" => out.served = flag(meta)?,
        "doc" => out.docs = Some(string(meta)?),
        "validation" => out.rules.extend(schema_attrs::rule(meta, errors)?),
        "annotation" | "label" => {
            let content;
            syn::parenthesized!(content in meta.input);
            let key = content.parse::<syn::LitStr>()?.value();
            content.parse::<syn::Token![,]>()?;
            let value = content.parse::<syn::LitStr>()?.value();
            if name == "annotation" {
                out.annotations.push((key, value));
            } else {
                out.labels.push((key, value));
            }
        }
        "derive" => {
            let input = meta.value()?;
            let names: Vec<syn::LitStr> = if input.peek(syn::token::Bracket) {
                let content;
                syn::bracketed!(content in input);
                content
                    .parse_terminated(|input| input.parse::<syn::LitStr>(), syn::Token![,])?
                    .into_iter()
                    .collect()
            } else {
                vec![input.parse::<syn::LitStr>()?]
            };
            for name in names {
                out.derives.push(name.parse::<syn::Path>()?);
            }
        }
        "schema" => {
            let lit = meta.value()?.parse::<syn::LitStr>()?;
            match lit.value().as_str() {
                "derived" | "manual" => out.no_crd = false,
                "disabled" => out.no_crd = true,
                _ => {
                    return Err(syn::Error::new(
                        lit.span(),
                        "expected \"derived\" (the default), \"manual\" (the same: implement \
                         KubeSchema by hand) or \"disabled\" (no `crd()`)",
                    ));
                }
            }
        }
        "crates" => {
            nested(meta, errors, |inner| {
                let path = inner.value()?.parse::<syn::Path>()?;
                if inner.path.is_ident("kubegen") {
                    out.kubegen = Some(path);
                } else if inner.path.is_ident("kubegen_api") {
                    out.kubegen_api = Some(path);
                } else {
                    return Err(
                        inner.error("crates(...) takes `kubegen = path` and `kubegen_api = path`")
                    );
                }
                Ok(())
            })?;
        }
        other => {
            skip_value(meta)?;
            errors.at(
                span,
                format!("unknown key `{other}` in #[resource(...)]; expected one of: {KEYS}"),
            );
        }
    }
    Ok(())
}

fn check(lit: &syn::LitStr, valid: impl Fn(&str) -> bool, wanted: &str) -> syn::Result<()> {
    if valid(&lit.value()) {
        Ok(())
    } else {
        Err(syn::Error::new(
            lit.span(),
            format!("`{}` is not {wanted}", lit.value()),
        ))
    }
}

fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !text.is_empty()
        && text.len() <= 63
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && !text.ends_with('-')
}

fn is_group(text: &str) -> bool {
    text.contains('.')
        && text.len() <= 253
        && text.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        })
}

fn is_kind(text: &str) -> bool {
    kubegen_templates::naming::is_pascal_identifier(text)
}

fn scale(
    meta: &syn::meta::ParseNestedMeta<'_>,
    errors: &mut Errors,
) -> syn::Result<Option<ScaleSubresource>> {
    let mut out = ScaleSubresource::default();
    let mut spec = None;
    let mut status = None;
    let clean = nested(meta, errors, |inner| {
        let lit = inner.value()?.parse::<syn::LitStr>()?;
        match key(inner).as_str() {
            "spec_replicas_path" => {
                check(
                    &lit,
                    |p| p.starts_with(".spec.") && p.len() > 6,
                    "a JSON path under `.spec`, such as `.spec.replicas`",
                )?;
                spec = Some(lit.value());
            }
            "status_replicas_path" => {
                check(
                    &lit,
                    |p| p.starts_with(".status.") && p.len() > 8,
                    "a JSON path under `.status`, such as `.status.replicas`",
                )?;
                status = Some(lit.value());
            }
            "label_selector_path" => {
                check(
                    &lit,
                    |p| p.starts_with(".spec.") || p.starts_with(".status."),
                    "a JSON path under `.spec` or `.status`",
                )?;
                out.label_selector_path = Some(lit.value());
            }
            other => {
                return Err(inner.error(format!(
                    "unknown key `{other}` in scale(...); expected spec_replicas_path, \
                     status_replicas_path or label_selector_path"
                )));
            }
        }
        Ok(())
    })?;
    match (spec, status) {
        (Some(spec), Some(status)) => {
            out.spec_replicas_path = spec;
            out.status_replicas_path = status;
            Ok(Some(out))
        }
        _ if !clean => Ok(None),
        _ => {
            Err(meta.error("scale(...) needs both `spec_replicas_path` and `status_replicas_path`"))
        }
    }
}

fn printcolumn(
    meta: &syn::meta::ParseNestedMeta<'_>,
    errors: &mut Errors,
) -> syn::Result<Option<PrinterColumn>> {
    let mut out = PrinterColumn::default();
    let clean = nested(meta, errors, |inner| {
        match key(inner).as_str() {
            "name" => out.name = string(inner)?,
            "type" | "type_" => {
                let lit = inner.value()?.parse::<syn::LitStr>()?;
                check(
                    &lit,
                    |t| COLUMN_TYPES.contains(&t),
                    &format!(
                        "a column type; expected one of: {}",
                        COLUMN_TYPES.join(", ")
                    ),
                )?;
                out.type_ = lit.value();
            }
            "json_path" => {
                let lit = inner.value()?.parse::<syn::LitStr>()?;
                check(
                    &lit,
                    |p| p.starts_with('.'),
                    "a JSON path starting with `.`, such as `.spec.replicas`",
                )?;
                out.json_path = lit.value();
            }
            "description" => out.description = Some(string(inner)?),
            "format" => {
                let lit = inner.value()?.parse::<syn::LitStr>()?;
                check(
                    &lit,
                    |f| COLUMN_FORMATS.contains(&f),
                    &format!(
                        "a column format; expected one of: {}",
                        COLUMN_FORMATS.join(", ")
                    ),
                )?;
                out.format = Some(lit.value());
            }
            "priority" => out.priority = inner.value()?.parse::<syn::LitInt>()?.base10_parse()?,
            other => {
                return Err(inner.error(format!(
                    "unknown key `{other}` in printcolumn(...); expected name, type, json_path, \
                     description, format or priority"
                )));
            }
        }
        Ok(())
    })?;
    let missing: Vec<&str> = [
        ("name", out.name.is_empty()),
        ("type", out.type_.is_empty()),
        ("json_path", out.json_path.is_empty()),
    ]
    .into_iter()
    .filter(|(_, missing)| *missing)
    .map(|(key, _)| key)
    .collect();
    if !clean {
        return Ok(None);
    }
    if !missing.is_empty() {
        return Err(meta.error(format!(
            "printcolumn(...) is missing {}",
            missing.join(", ")
        )));
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_attrs(
        attrs: Vec<syn::Attribute>,
        kind_required: bool,
    ) -> (ResourceAttrs, Vec<String>) {
        let mut errors = Errors::default();
        let out = parse(&attrs, kind_required, &mut errors);
        let messages = match errors.finish() {
            Ok(()) => Vec::new(),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        };
        (out, messages)
    }

    #[test]
    fn reads_every_key() {
        let (attrs, messages) = parse_attrs(
            vec![
                syn::parse_quote!(#[resource(group = "example.com", version = "v1beta1", kind = "Widget")]),
                syn::parse_quote!(#[resource(plural = "widgetz", singular = "widge", cluster, shortnames = ["wd", "w"], category = "all", categories = ["extra"])]),
                syn::parse_quote!(#[resource(status = WidgetStatus, scale(spec_replicas_path = ".spec.replicas", status_replicas_path = ".status.replicas", label_selector_path = ".status.selector"))]),
                syn::parse_quote!(#[resource(printcolumn(name = "Age", type = "date", json_path = ".metadata.creationTimestamp", description = "d", format = "date-time", priority = 1))]),
                syn::parse_quote!(#[resource(selectable(json_path = ".spec.color"), selectable = ".spec.size", deprecated(warning = "use v2"), storage = false, served, doc = "D")]),
                syn::parse_quote!(#[resource(validation(rule = "self.spec.a < 3", reason = "FieldValueInvalid"), annotation("a", "b"), label("c", "d"), crates(kubegen = ::my::kubegen, kubegen_api = my_api), derive = ["Default", "Eq"], schema = "disabled")]),
            ],
            true,
        );
        assert!(messages.is_empty(), "{messages:#?}");
        assert_eq!(attrs.group.as_deref(), Some("example.com"));
        assert_eq!(attrs.version.as_deref(), Some("v1beta1"));
        assert_eq!(attrs.kind.as_ref().map(|k| k.0.as_str()), Some("Widget"));
        assert_eq!(
            (attrs.plural.as_deref(), attrs.singular.as_deref()),
            (Some("widgetz"), Some("widge"))
        );
        assert_eq!(attrs.scope, Scope::Cluster);
        assert_eq!(attrs.short_names, ["wd", "w"]);
        assert_eq!(attrs.categories, ["all", "extra"]);
        assert!(attrs.status.is_some());
        let scale = attrs.scale.unwrap();
        assert_eq!(
            scale.label_selector_path.as_deref(),
            Some(".status.selector")
        );
        assert_eq!(attrs.printer_columns[0].type_, "date");
        assert_eq!(attrs.printer_columns[0].priority, 1);
        assert_eq!(attrs.selectable, [".spec.color", ".spec.size"]);
        assert!(attrs.deprecated);
        assert_eq!(attrs.deprecation_warning.as_deref(), Some("use v2"));
        assert!(!attrs.storage && attrs.served);
        assert_eq!(attrs.docs.as_deref(), Some("D"));
        assert_eq!(attrs.rules[0].rule, "self.spec.a < 3");
        assert_eq!(attrs.annotations, [("a".to_owned(), "b".to_owned())]);
        assert_eq!(attrs.labels, [("c".to_owned(), "d".to_owned())]);
        assert!(attrs.kubegen.is_some() && attrs.kubegen_api.is_some());
        assert_eq!(attrs.derives.len(), 2);
        assert!(attrs.no_crd);
    }

    #[test]
    fn reports_every_mistake_with_what_is_allowed() {
        let (_, messages) = parse_attrs(
            vec![
                syn::parse_quote!(#[resource(group = "example", version = "V1", cluster, namespaced, colour = "red",
                printcolumn(name = "A", type = "int", json_path = "spec.a"),
                scale(spec_replicas_path = ".status.r"), printcolumn(name = "B"))]),
            ],
            true,
        );
        assert_eq!(messages.len(), 9, "{messages:#?}");
        assert!(messages[0].contains("not a lowercase DNS subdomain with at least one dot"));
        assert!(messages[1].contains("`V1` is not a lowercase DNS label"));
        assert!(messages[2].contains("contradict"));
        assert!(messages[3].starts_with(
            "unknown key `colour` in #[resource(...)]; expected one of: group, version"
        ));
        assert!(messages[4].contains("expected one of: integer, number, string, boolean, date"));
        assert!(messages[5].contains("`spec.a` is not a JSON path starting with `.`"));
        assert!(messages[6].contains("not a JSON path under `.spec`"));
        assert!(messages[7].contains("printcolumn(...) is missing type, json_path"));
        assert!(
            messages[8].contains("is missing group, version, kind"),
            "{}",
            messages[8]
        );
    }

    #[test]
    fn kind_may_come_from_the_struct() {
        let (_, messages) = parse_attrs(
            vec![syn::parse_quote!(#[resource(group = "a.io", version = "v1")])],
            false,
        );
        assert!(messages.is_empty(), "{messages:#?}");
        let (_, messages) = parse_attrs(Vec::new(), false);
        assert_eq!(messages.len(), 1);
        assert!(messages[0].starts_with("#[derive(Resource)] needs #[resource(group"));
    }
}
