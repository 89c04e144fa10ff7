//! Collecting every attribute error of one derive, so the user sees them all at once.

use proc_macro2::Span;

/// Errors gathered while parsing; combined into one `compile_error!` set.
#[derive(Default)]
pub(crate) struct Errors {
    first: Option<syn::Error>,
}

impl Errors {
    /// Records an error at `span`.
    pub(crate) fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.first {
            Some(first) => first.combine(error),
            None => self.first = Some(error),
        }
    }

    /// Records the error of a result, keeping its value otherwise.
    pub(crate) fn take<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    /// Everything recorded, as one error, if anything was.
    pub(crate) fn finish(self) -> syn::Result<()> {
        match self.first {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// Consumes whatever value follows a key we do not know (`= expr` or `(...)`),
/// so parsing can go on to the next key.
pub(crate) fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    let input = meta.input;
    if input.peek(syn::Token![=]) {
        input.parse::<syn::Token![=]>()?;
    }
    // Whatever is left of this key's value (all of it, or what a failed parse left).
    while !input.is_empty() && !input.peek(syn::Token![,]) {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// The key's name as written (keywords such as `type` and `enum` included).
pub(crate) fn key(meta: &syn::meta::ParseNestedMeta<'_>) -> String {
    meta.path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// `key = "string"`.
pub(crate) fn string(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<String> {
    Ok(meta.value()?.parse::<syn::LitStr>()?.value())
}

/// `key = ["a", "b"]` or `key = "a"`.
pub(crate) fn strings(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Vec<String>> {
    let input = meta.value()?;
    if input.peek(syn::token::Bracket) {
        let content;
        syn::bracketed!(content in input);
        let items =
            content.parse_terminated(|input| input.parse::<syn::LitStr>(), syn::Token![,])?;
        Ok(items.iter().map(syn::LitStr::value).collect())
    } else {
        Ok(vec![input.parse::<syn::LitStr>()?.value()])
    }
}

/// A bare flag, or `key = true|false`.
pub(crate) fn flag(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        Ok(meta.value()?.parse::<syn::LitBool>()?.value)
    } else {
        Ok(true)
    }
}

/// The doc comment of an item or field: lines joined, one leading space dropped.
pub(crate) fn docs(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }),
            ..
        }) = &attr.meta
        {
            let text = text.value();
            lines.push(
                text.strip_prefix(' ')
                    .unwrap_or(&text)
                    .trim_end()
                    .to_owned(),
            );
        }
    }
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// `key(a = .., b = ..)`: runs `each` on every inner key, recording its error
/// and moving on, so one mistake does not hide the next. Returns whether
/// every inner key was fine.
pub(crate) fn nested(
    meta: &syn::meta::ParseNestedMeta<'_>,
    errors: &mut Errors,
    mut each: impl FnMut(&syn::meta::ParseNestedMeta<'_>) -> syn::Result<()>,
) -> syn::Result<bool> {
    let mut clean = true;
    meta.parse_nested_meta(|inner| {
        if let Err(error) = each(&inner) {
            errors.push(error);
            clean = false;
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok(clean)
}
