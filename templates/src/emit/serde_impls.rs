//! The serde impls of generated structs: one `object_serde!` invocation per
//! struct (the macro lives in the runtime, `kubegen::serde_fields`).
//!
//! A generated crate holds hundreds of types; serde's derive expands each
//! into several visitors and running the proc macro is a cost of its own.
//! The runtime's declarative macro expands to one compact map visitor and
//! serializer per type, which is what makes `kubegen-api` build fast, and a
//! one-line description per field keeps generated files short.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::EmitError;
use super::paths::RuntimePath;
use super::types::FieldModel;

/// The `object_serde!` invocation for one struct.
pub(crate) fn serde_impls(
    name: &Ident,
    root: bool,
    fields: &[FieldModel],
    runtime: &RuntimePath,
) -> Result<TokenStream, EmitError> {
    let object_serde = runtime.item("object_serde")?;
    let root = if root {
        quote!(as resource)
    } else {
        TokenStream::new()
    };
    let mut described = Vec::new();
    let mut extra = TokenStream::new();
    for field in fields {
        let ident = &field.ident;
        if field.flatten {
            extra = quote!(extra #ident);
            continue;
        }
        let wire = field
            .rename
            .clone()
            .unwrap_or_else(|| crate::naming::unraw(&ident.to_string()).to_owned());
        let presence = if field.default {
            quote!(default)
        } else if field.skip_none {
            quote!(optional)
        } else if field.optional {
            quote!(nullable)
        } else if field.null_as_default.is_some() {
            quote!(list)
        } else {
            quote!(required)
        };
        let wrap = match &field.embedded_kind {
            Some(kind) if kind.ends_with("vec") => quote!(embedded_list),
            Some(_) => quote!(embedded),
            None => TokenStream::new(),
        };
        described.push(quote!(#ident: #wire #presence #wrap));
    }
    Ok(quote! {
        #object_serde! {
            #name #root {
                #(#described,)*
            }
            #extra
        }
    })
}

/// Lays out each `object_serde!` (and `group_version_clients!`) invocation one
/// field (kind) per line.
///
/// prettyplease fills macro bodies like prose; rustfmt leaves brace-delimited
/// macro calls exactly as written, so this layout is both readable and
/// rustfmt-clean.
pub(crate) fn layout_invocations(lines: &mut Vec<String>) {
    let mut index = 0;
    while index < lines.len() {
        let line = &lines[index];
        if !(line.ends_with("object_serde! {") || line.ends_with("group_version_clients! {")) {
            index += 1;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let closer = format!("{}}}", " ".repeat(indent));
        let Some(end) = (index + 1..lines.len()).find(|&i| lines[i] == closer) else {
            return;
        };
        let body: Vec<&str> = lines[index + 1..end].iter().map(|l| l.trim()).collect();
        let line = &lines[index];
        let mut body = body.join(" ");
        if line.ends_with("group_version_clients! {") {
            // `Deployment[get list]` → `Deployment [get list]`.
            body = body.replace("[", " [").replace("  [", " [");
        }
        let Some(laid_out) = layout(&body, indent) else {
            index = end + 1;
            continue;
        };
        let count = laid_out.len();
        lines.splice(index + 1..end, laid_out);
        index += count + 2;
    }
}

/// `Name as resource { a : "a" optional, … } extra x` → the lines inside the braces.
fn layout(body: &str, indent: usize) -> Option<Vec<String>> {
    let outer = " ".repeat(indent + 4);
    let inner = " ".repeat(indent + 8);
    let open = body.find('{')?;
    let close = closing_brace(body, open)?;
    let head = body[..open].trim();
    let fields = split_fields(&body[open + 1..close]);
    let tail = body[close + 1..].trim();
    let mut lines = vec![format!("{outer}{head} {{")];
    for field in fields {
        let field = field.trim();
        if field.is_empty() {
            continue;
        }
        // `name : "wire" mode` → `name: "wire" mode`.
        let (name, rest) = field.split_once(" : ")?;
        lines.push(format!("{inner}{name}: {},", rest.trim()));
    }
    lines.push(format!("{outer}}}"));
    if !tail.is_empty() {
        lines.push(format!("{outer}{tail}"));
    }
    Some(lines)
}

/// The index of the `}` closing the `{` at `open`, skipping string literals.
fn closing_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (index, c) in text.char_indices().skip_while(|(i, _)| *i < open) {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits on the commas outside string literals.
fn split_fields(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            parts.push(&text[start..index]);
            start = index + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocations_get_one_field_per_line() {
        let mut lines: Vec<String> = [
            "kubegen::object_serde! {",
            "    Odd as resource { a : \"x, y : {z}\" optional, r#type : \"type\" required,",
            "    b : \"b\" optional embedded_list, } extra additional_properties",
            "}",
        ]
        .iter()
        .map(|l| l.to_string())
        .collect();
        layout_invocations(&mut lines);
        assert_eq!(
            lines,
            [
                "kubegen::object_serde! {",
                "    Odd as resource {",
                "        a: \"x, y : {z}\" optional,",
                "        r#type: \"type\" required,",
                "        b: \"b\" optional embedded_list,",
                "    }",
                "    extra additional_properties",
                "}",
            ]
        );
    }
}
