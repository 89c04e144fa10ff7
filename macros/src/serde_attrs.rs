//! The `#[serde(...)]` attributes that change the wire shape, read so the
//! schema describes what serde actually writes. Anything else is serde's
//! business and is skipped (serde's derive reports malformed attributes).

use crate::errors::skip_value;

/// Container attributes.
#[derive(Default)]
pub(crate) struct Container {
    pub rename_all: Option<RenameRule>,
    pub default: bool,
    pub transparent: bool,
    /// `tag`, `untagged` or `content`: an enum shape a string enum cannot have.
    pub tagged: Option<proc_macro2::Span>,
}

/// Field (or variant) attributes.
#[derive(Default)]
pub(crate) struct Field {
    pub rename: Option<String>,
    pub default: bool,
    pub flatten: bool,
    pub skip: bool,
    pub skip_serializing_if: bool,
    pub other: bool,
}

/// `rename_all` rules, as serde applies them.
#[derive(Clone, Copy)]
pub(crate) enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    fn parse(text: &str) -> Option<RenameRule> {
        Some(match text {
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "SCREAMING-KEBAB-CASE" => RenameRule::ScreamingKebab,
            _ => return None,
        })
    }

    /// A field name (snake_case in Rust) on the wire.
    pub(crate) fn field(self, name: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => name.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => name.to_ascii_uppercase(),
            RenameRule::Pascal => {
                let mut out = String::new();
                let mut capitalize = true;
                for c in name.chars() {
                    if c == '_' {
                        capitalize = true;
                    } else if capitalize {
                        out.push(c.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        out.push(c);
                    }
                }
                out
            }
            RenameRule::Camel => {
                let pascal = RenameRule::Pascal.field(name);
                lower_first(&pascal)
            }
            RenameRule::Kebab => name.replace('_', "-"),
            RenameRule::ScreamingKebab => name.replace('_', "-").to_ascii_uppercase(),
        }
    }

    /// A variant name (PascalCase in Rust) on the wire.
    pub(crate) fn variant(self, name: &str) -> String {
        match self {
            RenameRule::Pascal => name.to_owned(),
            RenameRule::Lower => name.to_ascii_lowercase(),
            RenameRule::Upper => name.to_ascii_uppercase(),
            RenameRule::Camel => lower_first(name),
            RenameRule::Snake => {
                let mut out = String::new();
                for (index, c) in name.char_indices() {
                    if c.is_uppercase() && index > 0 {
                        out.push('_');
                    }
                    out.push(c.to_ascii_lowercase());
                }
                out
            }
            RenameRule::ScreamingSnake => RenameRule::Snake.variant(name).to_ascii_uppercase(),
            RenameRule::Kebab => RenameRule::Snake.variant(name).replace('_', "-"),
            RenameRule::ScreamingKebab => {
                RenameRule::ScreamingSnake.variant(name).replace('_', "-")
            }
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `rename = "x"` or `rename(serialize = "x", deserialize = "y")`: the serialized name.
fn renamed(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Option<String>> {
    if meta.input.peek(syn::Token![=]) {
        return Ok(Some(meta.value()?.parse::<syn::LitStr>()?.value()));
    }
    let mut serialized = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            serialized = Some(inner.value()?.parse::<syn::LitStr>()?.value());
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok(serialized)
}

fn each_serde(
    attrs: &[syn::Attribute],
    mut visit: impl FnMut(&syn::meta::ParseNestedMeta<'_>) -> syn::Result<bool>,
) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // Malformed serde attributes are for serde's derive to report.
        let _ = attr.parse_nested_meta(|meta| {
            if !visit(&meta)? {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
}

/// Reads a container's serde attributes.
pub(crate) fn container(attrs: &[syn::Attribute]) -> Container {
    let mut out = Container::default();
    each_serde(attrs, |meta| {
        if meta.path.is_ident("rename_all") {
            if meta.input.peek(syn::Token![=]) {
                out.rename_all = RenameRule::parse(&meta.value()?.parse::<syn::LitStr>()?.value());
            } else {
                let mut rule = None;
                meta.parse_nested_meta(|inner| {
                    if inner.path.is_ident("serialize") {
                        rule = RenameRule::parse(&inner.value()?.parse::<syn::LitStr>()?.value());
                    } else {
                        skip_value(&inner)?;
                    }
                    Ok(())
                })?;
                out.rename_all = rule;
            }
            return Ok(true);
        }
        if meta.path.is_ident("default") {
            out.default = true;
            return Ok(false);
        }
        if meta.path.is_ident("transparent") {
            out.transparent = true;
            return Ok(false);
        }
        for key in ["tag", "untagged", "content"] {
            if meta.path.is_ident(key) {
                out.tagged = Some(meta.path.segments[0].ident.span());
            }
        }
        Ok(false)
    });
    out
}

/// Reads a field's or variant's serde attributes.
pub(crate) fn field(attrs: &[syn::Attribute]) -> Field {
    let mut out = Field::default();
    each_serde(attrs, |meta| {
        let path = &meta.path;
        if path.is_ident("rename") {
            out.rename = renamed(meta)?;
            return Ok(true);
        }
        if path.is_ident("default") {
            out.default = true;
        } else if path.is_ident("flatten") {
            out.flatten = true;
        } else if path.is_ident("skip") || path.is_ident("skip_serializing") {
            out.skip = true;
        } else if path.is_ident("skip_serializing_if") {
            out.skip_serializing_if = true;
        } else if path.is_ident("other") {
            out.other = true;
        }
        Ok(false)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_rules_match_serde() {
        let cases = [
            (
                "camelCase",
                "max_surge_2",
                "maxSurge2",
                "MaxSurge",
                "maxSurge",
            ),
            (
                "PascalCase",
                "max_surge",
                "MaxSurge",
                "MaxSurge",
                "MaxSurge",
            ),
            (
                "snake_case",
                "max_surge",
                "max_surge",
                "MaxSurge",
                "max_surge",
            ),
            (
                "SCREAMING_SNAKE_CASE",
                "max_surge",
                "MAX_SURGE",
                "MaxSurge",
                "MAX_SURGE",
            ),
            (
                "kebab-case",
                "max_surge",
                "max-surge",
                "MaxSurge",
                "max-surge",
            ),
            (
                "SCREAMING-KEBAB-CASE",
                "max_surge",
                "MAX-SURGE",
                "MaxSurge",
                "MAX-SURGE",
            ),
            (
                "lowercase",
                "max_surge",
                "max_surge",
                "MaxSurge",
                "maxsurge",
            ),
            (
                "UPPERCASE",
                "max_surge",
                "MAX_SURGE",
                "MaxSurge",
                "MAXSURGE",
            ),
        ];
        for (rule, field, wire_field, variant, wire_variant) in cases {
            let parsed = RenameRule::parse(rule).unwrap();
            assert_eq!(parsed.field(field), wire_field, "{rule}");
            assert_eq!(parsed.variant(variant), wire_variant, "{rule}");
        }
        assert!(RenameRule::parse("Title Case").is_none());
    }

    #[test]
    fn reads_the_attributes_that_shape_the_wire() {
        let item: syn::DeriveInput = syn::parse_quote! {
            #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
            struct S {
                #[serde(rename(serialize = "a", deserialize = "b"), skip_serializing_if = "Option::is_none")]
                x: Option<u8>,
                #[serde(flatten, with = "m")]
                y: M,
            }
        };
        let container = container(&item.attrs);
        assert!(container.default && container.rename_all.is_some() && !container.transparent);
        let syn::Data::Struct(data) = &item.data else {
            panic!()
        };
        let fields: Vec<_> = data.fields.iter().map(|f| field(&f.attrs)).collect();
        assert_eq!(fields[0].rename.as_deref(), Some("a"));
        assert!(fields[0].skip_serializing_if && !fields[0].flatten);
        assert!(fields[1].flatten && fields[1].rename.is_none());
    }
}
