//! `#[schema(...)]` on fields and types: validations, Kubernetes extensions,
//! defaults. Each key lands in the IR's [`SchemaExtensions`] exactly as the
//! CRD reader would have put it there.

use kubegen_templates::ir::{ListType, MapType, SchemaExtensions, ValidationRule};
use proc_macro2::Span;
use serde_json::{Number, Value};

use crate::errors::{Errors, flag, key, nested, skip_value, string, strings};

/// Every key `#[schema(...)]` takes on a field, for the error message.
pub(crate) const FIELD_KEYS: &str = "minimum, maximum, exclusive_minimum, exclusive_maximum, \
    multiple_of, min_length, max_length, pattern, format, min_items, max_items, unique_items, \
    min_properties, max_properties, enum, validation(...), list_type, list_map_keys, map_type, \
    preserve_unknown_fields, int_or_string, embedded_resource, nullable, default, default_json, \
    description, crate";

/// The reasons `x-kubernetes-validations` accepts.
const REASONS: [&str; 4] = [
    "FieldValueInvalid",
    "FieldValueForbidden",
    "FieldValueRequired",
    "FieldValueDuplicate",
];

/// What `#[schema(...)]` says about one field or type.
#[derive(Default)]
pub(crate) struct SchemaAttrs {
    pub ext: SchemaExtensions,
    pub default: Option<Value>,
    pub nullable: bool,
    pub description: Option<String>,
    /// Keys that only fit some types, with where they were written, for [`check_fits`].
    pub used: Vec<(&'static str, Span)>,
}

/// What kind of value a field holds, as far as the keys care.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    String,
    Number,
    Array,
    Object,
    /// Not known at compile time (another type, or any JSON).
    Unknown,
}

/// Reads every `#[schema(...)]` of `attrs`.
pub(crate) fn parse(attrs: &[syn::Attribute], errors: &mut Errors) -> SchemaAttrs {
    let mut out = SchemaAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("schema")) {
        let result = attr.parse_nested_meta(|meta| {
            if let Err(error) = one_key(&meta, &mut out, errors) {
                errors.push(error);
                // Move past the value so later keys are still read.
                let _ = skip_value(&meta);
            }
            Ok(())
        });
        errors.take(result);
    }
    out
}

fn one_key(
    meta: &syn::meta::ParseNestedMeta<'_>,
    out: &mut SchemaAttrs,
    errors: &mut Errors,
) -> syn::Result<()> {
    let name = key(meta);
    let span = meta.path.segments[0].ident.span();
    let v = &mut out.ext.validations;
    let mut used = |key: &'static str| out.used.push((key, span));
    match name.as_str() {
        "minimum" => {
            used("minimum");
            v.minimum = Some(number(meta)?);
        }
        "maximum" => {
            used("maximum");
            v.maximum = Some(number(meta)?);
        }
        "multiple_of" => {
            used("multiple_of");
            v.multiple_of = Some(number(meta)?);
        }
        "exclusive_minimum" => {
            used("exclusive_minimum");
            v.exclusive_minimum = flag(meta)?;
        }
        "exclusive_maximum" => {
            used("exclusive_maximum");
            v.exclusive_maximum = flag(meta)?;
        }
        "min_length" => {
            used("min_length");
            v.min_length = Some(count(meta)?);
        }
        "max_length" => {
            used("max_length");
            v.max_length = Some(count(meta)?);
        }
        "pattern" => {
            used("pattern");
            v.pattern = Some(string(meta)?);
        }
        "min_items" => {
            used("min_items");
            v.min_items = Some(count(meta)?);
        }
        "max_items" => {
            used("max_items");
            v.max_items = Some(count(meta)?);
        }
        "unique_items" => {
            used("unique_items");
            v.unique_items = flag(meta)?;
        }
        "min_properties" => {
            used("min_properties");
            v.min_properties = Some(count(meta)?);
        }
        "max_properties" => {
            used("max_properties");
            v.max_properties = Some(count(meta)?);
        }
        "format" => out.ext.format = Some(string(meta)?),
        "enum" => {
            let input = meta.value()?;
            let content;
            syn::bracketed!(content in input);
            let items =
                content.parse_terminated(<syn::Lit as syn::parse::Parse>::parse, syn::Token![,])?;
            for item in items {
                out.ext.enum_values.push(literal(&item)?);
            }
        }
        "validation" => out.ext.validations.rules.extend(rule(meta, errors)?),
        "list_type" => {
            used("list_type");
            let text = meta.value()?.parse::<syn::LitStr>()?;
            out.ext.list_type = Some(match text.value().as_str() {
                "atomic" => ListType::Atomic,
                "set" => ListType::Set,
                "map" => ListType::Map,
                other => {
                    return Err(syn::Error::new(
                        text.span(),
                        format!(
                            "unknown list_type `{other}`; expected \"atomic\", \"set\" or \"map\""
                        ),
                    ));
                }
            });
        }
        "list_map_keys" => {
            used("list_map_keys");
            out.ext.list_map_keys = strings(meta)?;
        }
        "map_type" => {
            used("map_type");
            let text = meta.value()?.parse::<syn::LitStr>()?;
            out.ext.map_type = Some(match text.value().as_str() {
                "atomic" => MapType::Atomic,
                "granular" => MapType::Granular,
                other => {
                    return Err(syn::Error::new(
                        text.span(),
                        format!("unknown map_type `{other}`; expected \"atomic\" or \"granular\""),
                    ));
                }
            });
        }
        "preserve_unknown_fields" => out.ext.preserve_unknown_fields = flag(meta)?,
        "int_or_string" => out.ext.int_or_string = flag(meta)?,
        "embedded_resource" => out.ext.embedded_resource = flag(meta)?,
        "nullable" => out.nullable = flag(meta)?,
        "description" => out.description = Some(string(meta)?),
        // Read by `runtime_path`.
        "crate" => skip_value(meta)?,
        "default" => {
            let lit = meta.value()?.parse::<syn::Lit>().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "`default` takes a string, number or boolean literal; use \
                     default_json = \"...\" for lists and objects",
                )
            })?;
            out.default = Some(literal(&lit)?);
        }
        "default_json" => {
            let text = meta.value()?.parse::<syn::LitStr>()?;
            let value = serde_json::from_str(&text.value()).map_err(|error| {
                syn::Error::new(text.span(), format!("default_json is not JSON: {error}"))
            })?;
            out.default = Some(value);
        }
        other => {
            skip_value(meta)?;
            errors.at(
                meta.path.segments[0].ident.span(),
                format!("unknown key `{other}` in #[schema(...)]; expected one of: {FIELD_KEYS}"),
            );
        }
    }
    Ok(())
}

/// Reports keys written on a field whose type cannot carry them.
pub(crate) fn check_fits(attrs: &SchemaAttrs, shape: Shape, errors: &mut Errors) {
    if shape == Shape::Unknown {
        return;
    }
    for (key, span) in &attrs.used {
        let (fits, wants) = match *key {
            "minimum" | "maximum" | "multiple_of" | "exclusive_minimum" | "exclusive_maximum" => {
                (shape == Shape::Number, "a number")
            }
            "min_length" | "max_length" | "pattern" => (shape == Shape::String, "a string"),
            "min_items" | "max_items" | "unique_items" | "list_type" | "list_map_keys" => (
                shape == Shape::Array,
                "a list (Vec, VecDeque, BTreeSet, HashSet)",
            ),
            "min_properties" | "max_properties" | "map_type" => {
                (shape == Shape::Object, "a map or struct")
            }
            _ => (true, ""),
        };
        if !fits {
            errors.at(
                *span,
                format!("`{key}` applies to {wants}, and this field is not one"),
            );
        }
    }
    let ext = &attrs.ext;
    if !ext.list_map_keys.is_empty() && ext.list_type != Some(ListType::Map) {
        if let Some((_, span)) = attrs.used.iter().find(|(key, _)| *key == "list_map_keys") {
            errors.at(*span, "`list_map_keys` needs `list_type = \"map\"`");
        }
    }
    if ext.list_type == Some(ListType::Map) && ext.list_map_keys.is_empty() {
        if let Some((_, span)) = attrs.used.iter().find(|(key, _)| *key == "list_type") {
            errors.at(
                *span,
                "`list_type = \"map\"` needs `list_map_keys = [\"...\"]` naming the key fields",
            );
        }
    }
}

/// `validation(rule = "...", message = "...", message_expression = "...",
/// field_path = "...", reason = "...", optional_old_self)` or `validation = "rule"`.
pub(crate) fn rule(
    meta: &syn::meta::ParseNestedMeta<'_>,
    errors: &mut Errors,
) -> syn::Result<Option<ValidationRule>> {
    let mut out = ValidationRule::default();
    if meta.input.peek(syn::Token![=]) {
        out.rule = string(meta)?;
        return Ok(Some(out));
    }
    let clean = nested(meta, errors, |inner| {
        match key(inner).as_str() {
            "rule" => out.rule = string(inner)?,
            "message" => out.message = Some(string(inner)?),
            "message_expression" => out.message_expression = Some(string(inner)?),
            "field_path" => out.field_path = Some(string(inner)?),
            "reason" => {
                let text = inner.value()?.parse::<syn::LitStr>()?;
                if !REASONS.contains(&text.value().as_str()) {
                    return Err(syn::Error::new(
                        text.span(),
                        format!("unknown reason; expected one of: {}", REASONS.join(", ")),
                    ));
                }
                out.reason = Some(text.value());
            }
            "optional_old_self" => out.optional_old_self = Some(flag(inner)?),
            other => {
                return Err(inner.error(format!(
                    "unknown key `{other}` in validation(...); expected rule, message, \
                     message_expression, field_path, reason or optional_old_self"
                )));
            }
        }
        Ok(())
    })?;
    if !clean {
        return Ok(None);
    }
    if out.rule.is_empty() {
        return Err(meta.error("validation(...) needs `rule = \"<CEL expression>\"`"));
    }
    Ok(Some(out))
}

fn number(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Number> {
    let expr = meta.value()?.parse::<syn::Expr>()?;
    let (negative, lit) = match &expr {
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => (true, expr.as_ref()),
        other => (false, other),
    };
    let text = match lit {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => int.base10_digits().to_owned(),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(float),
            ..
        }) => float.base10_digits().to_owned(),
        _ => return Err(syn::Error::new_spanned(&expr, "expected a number literal")),
    };
    let text = if negative { format!("-{text}") } else { text };
    serde_json::from_str::<Number>(&text)
        .map_err(|_| syn::Error::new_spanned(&expr, "expected a number literal"))
}

fn count(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<u64> {
    meta.value()?.parse::<syn::LitInt>()?.base10_parse()
}

/// A literal as the JSON value it denotes.
fn literal(lit: &syn::Lit) -> syn::Result<Value> {
    Ok(match lit {
        syn::Lit::Str(text) => Value::String(text.value()),
        syn::Lit::Bool(value) => Value::Bool(value.value),
        syn::Lit::Int(int) => serde_json::from_str(int.base10_digits())
            .map_err(|_| syn::Error::new(int.span(), "number out of range"))?,
        syn::Lit::Float(float) => serde_json::from_str(float.base10_digits())
            .map_err(|_| syn::Error::new(float.span(), "number out of range"))?,
        other => {
            return Err(syn::Error::new(
                other.span(),
                "expected a string, number or boolean literal (use default_json = \"...\" for \
                 lists and objects)",
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_field(attr: syn::Attribute) -> (SchemaAttrs, syn::Result<()>) {
        let mut errors = Errors::default();
        let attrs = parse(&[attr], &mut errors);
        (attrs, errors.finish())
    }

    #[test]
    fn reads_validations_extensions_and_defaults() {
        let (attrs, result) = parse_field(syn::parse_quote! {
            #[schema(minimum = -1, maximum = 2.5, exclusive_maximum, multiple_of = 5,
                     min_length = 1, pattern = "^a", format = "email", enum = ["a", 1, true],
                     list_type = "map", list_map_keys = ["name"], map_type = "atomic",
                     validation(rule = "self > 0", message = "positive", field_path = ".x",
                                reason = "FieldValueForbidden", optional_old_self),
                     validation = "self < 9", default = 3, nullable, description = "d")]
        });
        result.unwrap();
        let v = &attrs.ext.validations;
        assert_eq!(v.minimum.as_ref().unwrap().to_string(), "-1");
        assert_eq!(v.maximum.as_ref().unwrap().to_string(), "2.5");
        assert!(v.exclusive_maximum && !v.exclusive_minimum);
        assert_eq!(v.multiple_of.as_ref().unwrap().to_string(), "5");
        assert_eq!((v.min_length, v.pattern.as_deref()), (Some(1), Some("^a")));
        assert_eq!(attrs.ext.format.as_deref(), Some("email"));
        assert_eq!(
            attrs.ext.enum_values,
            vec![Value::from("a"), 1.into(), true.into()]
        );
        assert_eq!(attrs.ext.list_type, Some(ListType::Map));
        assert_eq!(attrs.ext.list_map_keys, ["name"]);
        assert_eq!(attrs.ext.map_type, Some(MapType::Atomic));
        assert_eq!(v.rules.len(), 2);
        assert_eq!(v.rules[0].reason.as_deref(), Some("FieldValueForbidden"));
        assert_eq!(v.rules[0].field_path.as_deref(), Some(".x"));
        assert_eq!(v.rules[0].optional_old_self, Some(true));
        assert_eq!(v.rules[1].rule, "self < 9");
        assert_eq!(attrs.default, Some(Value::from(3)));
        assert!(attrs.nullable);
        assert_eq!(attrs.description.as_deref(), Some("d"));
    }

    #[test]
    fn reports_every_bad_key_at_once() {
        let (_, result) = parse_field(syn::parse_quote! {
            #[schema(minimun = 1, list_type = "bag", validation(message = "m"), max_items = 2,
                     reason = "x", default_json = "{")]
        });
        let messages: Vec<String> = result
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert!(messages[0].starts_with("unknown key `minimun`"));
        assert!(messages[1].contains("expected \"atomic\", \"set\" or \"map\""));
        assert!(messages[2].contains("needs `rule"));
        assert!(messages[3].starts_with("unknown key `reason`"));
        assert!(messages[4].starts_with("default_json is not JSON"));
    }

    #[test]
    fn keys_must_fit_the_type() {
        let (attrs, result) = parse_field(syn::parse_quote! {
            #[schema(min_length = 1, max_items = 2, list_map_keys = ["a"])]
        });
        result.unwrap();
        let mut errors = Errors::default();
        check_fits(&attrs, Shape::Number, &mut errors);
        let messages: Vec<String> = errors
            .finish()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            messages,
            [
                "`min_length` applies to a string, and this field is not one",
                "`max_items` applies to a list (Vec, VecDeque, BTreeSet, HashSet), and this field is not one",
                "`list_map_keys` applies to a list (Vec, VecDeque, BTreeSet, HashSet), and this field is not one",
                "`list_map_keys` needs `list_type = \"map\"`",
            ]
        );
    }
}
