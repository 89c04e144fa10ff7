//! Tokens → source text that `rustfmt --check` accepts.
//!
//! prettyplease lays code out like rustfmt, but wraps at 89 columns where
//! rustfmt wraps at 100, and a few constructs break differently once too long.
//! Rather than shelling out to rustfmt, the printed text goes through small
//! rewrites that each mirror one rustfmt rule. They only know the shapes this
//! emitter prints (one item per line group, four-space indents, no comments in
//! code), which is what keeps them simple; `tests/rustfmt.rs` holds them to
//! rustfmt's actual output.

use proc_macro2::TokenStream;

use super::EmitError;

/// rustfmt's `max_width`.
const MAX_WIDTH: usize = 100;
/// rustfmt's `struct_lit_width`: wider struct literal bodies go vertical.
const STRUCT_LIT_WIDTH: usize = 18;
/// rustfmt's `array_width`: wider arrays leave one line.
const ARRAY_WIDTH: usize = 60;
/// rustfmt's `short_array_element_width_threshold`.
const SHORT_ARRAY_ELEMENT: usize = 10;
/// rustfmt's `attr_fn_like_width`: wider attribute argument lists go vertical.
const ATTR_FN_LIKE_WIDTH: usize = 70;

/// Formats tokens as a Rust file: `syn::File` → prettyplease → rustfmt's layout.
///
/// The attribute `#[comment = "…"]` (or `#![comment = "…"]`) prints as a `//` comment.
pub fn format_tokens(tokens: TokenStream) -> Result<String, EmitError> {
    let file =
        syn::parse2::<syn::File>(tokens).map_err(|error| EmitError::Syntax(error.to_string()))?;
    Ok(rustfmt_compat(&prettyplease::unparse(&file)))
}

/// Rewrites prettyplease output into what rustfmt prints for it.
pub(crate) fn rustfmt_compat(text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    statement_attrs(&mut lines);
    join_groups(&mut lines);
    cfg_any(&mut lines);
    impl_headers(&mut lines);
    chains(&mut lines);
    empty_structs(&mut lines);
    fn_braces(&mut lines);
    struct_fields(&mut lines);
    consts(&mut lines);
    struct_literals(&mut lines);
    super::serde_impls::layout_invocations(&mut lines);
    let lines = blank_lines_between_items(lines);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn width(line: &str) -> usize {
    line.chars().count()
}

fn spaces(count: usize) -> String {
    " ".repeat(count)
}

fn ends_with_opener(line: &str) -> bool {
    line.ends_with(['<', '(', '[', '{'])
}

/// The index of the line closing the group opened at `open`: the next line back at
/// its indentation. `None` if a line in between is shallower (malformed input).
fn closer(lines: &[String], open: usize) -> Option<usize> {
    let base = indent(lines.get(open)?);
    for (index, line) in lines.iter().enumerate().skip(open + 1) {
        if line.trim().is_empty() {
            return None;
        }
        match indent(line) {
            depth if depth > base => continue,
            depth if depth == base => return Some(index),
            _ => return None,
        }
    }
    None
}

/// Joins a list of lines the way the group would read on one line.
fn flatten(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        let part = line.trim();
        if out.is_empty() {
            out.push_str(line.trim_end());
        } else if out.ends_with(['<', '(', '[']) {
            out.push_str(part);
        } else if part.starts_with(['>', ')', ']']) {
            if out.ends_with(',') {
                out.pop();
            }
            out.push_str(part);
        } else {
            out.push(' ');
            out.push_str(part);
        }
    }
    out
}

/// The end (exclusive, in bytes) of the attribute that starts `text`.
fn attr_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
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
            '[' => depth += 1,
            ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// `#[cfg(…)] statement;`: prettyplease keeps a short attribute on the
/// statement's line, rustfmt always gives it its own.
fn statement_attrs(lines: &mut Vec<String>) {
    let mut index = 0;
    while index < lines.len() {
        let line = &lines[index];
        let base = indent(line);
        let trimmed = &line[base..];
        let split = trimmed
            .starts_with("#[")
            .then(|| attr_end(trimmed))
            .flatten()
            .filter(|end| trimmed[*end..].starts_with(' ') && !trimmed[*end..].trim().is_empty());
        if let Some(end) = split {
            let pad = spaces(base);
            let attr = format!("{pad}{}", &trimmed[..end]);
            let rest = format!("{pad}{}", trimmed[end..].trim_start());
            lines.splice(index..=index, [attr, rest]);
        }
        index += 1;
    }
}

/// Joins broken generic arguments, attribute arguments, fn parameters and match
/// arm blocks that fit in 100 columns: prettyplease broke them at 89.
///
/// Walking backwards meets inner groups before the groups around them, so one
/// pass joins bottom-up, which is rustfmt's outside-in "fits on one line" choice.
fn join_groups(lines: &mut Vec<String>) {
    for open in (0..lines.len()).rev() {
        let line = &lines[open];
        let trimmed = line.trim_start();
        let arm = line.ends_with(" => {");
        let generic = line.ends_with('<');
        let paren = line.ends_with('(')
            && (trimmed.starts_with("#[") || trimmed.starts_with("#![") || trimmed.contains("fn "));
        if !(arm || generic || paren) {
            continue;
        }
        let Some(close) = closer(lines, open) else {
            continue;
        };
        let inner = &lines[open + 1..close];
        let leaves = inner.iter().all(|l| {
            indent(l) == indent(line) + 4 && !ends_with_opener(l) && !l.trim().starts_with("//")
        });
        if !leaves || inner.is_empty() {
            continue;
        }
        let joined = if arm {
            // A statement (`…;`) keeps its block: only an expression becomes `pat => expr,`.
            if inner.len() != 1 || lines[close].trim() != "}" || inner[0].ends_with(';') {
                continue;
            }
            format!(
                "{} {},",
                line.trim_end_matches(" {").trim_end(),
                inner[0].trim()
            )
        } else {
            let closing = lines[close].trim();
            let expected = if generic { '>' } else { ')' };
            let listed = inner.iter().rev().skip(1).all(|l| l.ends_with(','));
            if !closing.starts_with(expected) || !listed {
                continue;
            }
            flatten(&lines[open..=close])
        };
        if width(&joined) <= MAX_WIDTH {
            lines.splice(open..=close, [joined]);
        }
    }
}

/// `#[cfg(any(…))]`: rustfmt keeps `cfg(any(` together and lists the features
/// under it once they pass `attr_fn_like_width`; prettyplease nests two levels.
fn cfg_any(lines: &mut Vec<String>) {
    let mut open = 0;
    while open < lines.len() {
        let line = &lines[open];
        let base = indent(line);
        let (items, end) = if line.trim() == "#[cfg(" {
            let Some(any) = lines.get(open + 1) else {
                continue;
            };
            if any.trim() != "any(" || indent(any) != base + 4 {
                {
                    open += 1;
                    continue;
                }
            }
            let Some(close) = closer(lines, open + 1) else {
                continue;
            };
            if lines.get(close + 1).map(|l| l.trim()) != Some(")]") {
                {
                    open += 1;
                    continue;
                }
            }
            let items: Vec<String> = lines[open + 2..close]
                .iter()
                .map(|l| l.trim().trim_end_matches(',').to_owned())
                .collect();
            (items, close + 1)
        } else if let Some(list) = line
            .trim()
            .strip_prefix("#[cfg(any(")
            .and_then(|rest| rest.strip_suffix("))]"))
        {
            if width(list) <= ATTR_FN_LIKE_WIDTH {
                {
                    open += 1;
                    continue;
                }
            }
            (list.split(", ").map(str::to_owned).collect(), open)
        } else {
            {
                open += 1;
                continue;
            }
        };
        let list = items.join(", ");
        let pad = spaces(base);
        let replacement = if width(&list) <= ATTR_FN_LIKE_WIDTH
            && base + width(&list) + "#[cfg(any(".len() + "))]".len() <= MAX_WIDTH
        {
            vec![format!("{pad}#[cfg(any({list}))]")]
        } else {
            let last = items.len().saturating_sub(1);
            let mut out = vec![format!("{pad}#[cfg(any(")];
            for (index, item) in items.iter().enumerate() {
                let comma = if index == last { "" } else { "," };
                out.push(format!("{pad}    {item}{comma}"));
            }
            out.push(format!("{pad}))]"));
            out
        };
        let count = replacement.len();
        lines.splice(open..=end, replacement);
        open += count;
    }
}

/// `impl Trait for Type {` broken before `for`: joined if it fits, else rustfmt's
/// shape (`for` indented, the brace on its own line). prettyplease prints either
/// `for Type {` at the `impl`'s indentation or already rustfmt's shape.
fn impl_headers(lines: &mut Vec<String>) {
    let mut index = 0;
    while index + 1 < lines.len() {
        let line = &lines[index];
        let base = indent(line);
        let start = line.trim_start();
        let header = (start.starts_with("impl ") || start.starts_with("impl<"))
            && !line.ends_with('{')
            && !line.ends_with('}');
        let next = &lines[index + 1];
        let target = next.trim();
        let shape = if !header || !target.starts_with("for ") {
            None
        } else if indent(next) == base {
            // `for Type {` or `for Type {}`.
            target
                .strip_suffix(" {}")
                .map(|target| (target, true, 1))
                .or_else(|| target.strip_suffix(" {").map(|target| (target, false, 1)))
        } else if indent(next) == base + 4 && lines.get(index + 2).is_some_and(|l| l.trim() == "{")
        {
            Some((target, false, 2))
        } else {
            None
        };
        let Some((target, empty, consumed)) = shape else {
            index += 1;
            continue;
        };
        let pad = spaces(base);
        let brace = if empty { "{}" } else { "{" };
        let joined = format!("{} {target} {brace}", line.trim_end());
        // rustfmt measures an impl header without its indentation.
        let replacement = if width(&joined) - base <= MAX_WIDTH {
            vec![joined]
        } else {
            let mut out = vec![
                line.clone(),
                format!("{pad}    {target}"),
                format!("{pad}{{"),
            ];
            if empty {
                out.push(format!("{pad}}}"));
            }
            out
        };
        let count = replacement.len();
        lines.splice(index..=index + consumed, replacement);
        index += count;
    }
}

/// `struct Name {}` too long for one line: rustfmt puts the closing brace on
/// the next line, and counts it as too long two columns early.
fn empty_structs(lines: &mut Vec<String>) {
    let mut index = 0;
    while index < lines.len() {
        let line = &lines[index];
        let trimmed = line.trim_start();
        let is_struct = trimmed.starts_with("pub struct ") || trimmed.starts_with("struct ");
        if is_struct && line.ends_with(" {}") && width(line) > MAX_WIDTH - 2 {
            let pad = spaces(indent(line));
            let open = line.trim_end_matches('}').to_owned();
            lines.splice(index..=index, [open, format!("{pad}}}")]);
        }
        index += 1;
    }
}

/// `receiver\n    .member…;` (or `,`): a one-step chain broken only for width.
fn chains(lines: &mut Vec<String>) {
    let mut index = 0;
    while index + 1 < lines.len() {
        let line = &lines[index];
        let next = &lines[index + 1];
        let after = lines.get(index + 2);
        let receiver = line.trim_end();
        let simple = receiver.ends_with(|c: char| c.is_alphanumeric() || c == '_')
            && !receiver.trim_start().starts_with("//");
        let step = indent(next) == indent(line) + 4
            && next.trim().starts_with('.')
            && next.ends_with([';', ',']);
        let single =
            after.is_none_or(|l| !(indent(l) == indent(next) && l.trim().starts_with('.')));
        let joined = format!("{receiver}{}", next.trim());
        if simple && step && single && width(&joined) <= MAX_WIDTH {
            lines.splice(index..=index + 1, [joined]);
        }
        index += 1;
    }
}

/// `) -> Type {` ending a broken signature: rustfmt moves the brace to its own
/// line once the line passes `max_width` less its indentation (counted twice).
fn fn_braces(lines: &mut Vec<String>) {
    let mut index = 0;
    while index < lines.len() {
        let line = &lines[index];
        let too_wide = width(line) + indent(line) > MAX_WIDTH;
        if line.trim_start().starts_with(") -> ") && line.ends_with(" {") && too_wide {
            let pad = spaces(indent(line));
            let signature = line.trim_end_matches(" {").to_owned();
            lines.splice(index..=index, [signature, format!("{pad}{{")]);
        }
        index += 1;
    }
}

/// Struct fields whose type does not fit on the field's line: rustfmt moves the
/// whole type to the next line when it fits there, before breaking generics.
fn struct_fields(lines: &mut Vec<String>) {
    let mut index = 0;
    while index < lines.len() {
        let trimmed = lines[index].trim_start();
        let is_struct = (trimmed.starts_with("pub struct ") || trimmed.starts_with("struct "))
            && lines[index].ends_with('{');
        if !is_struct {
            index += 1;
            continue;
        }
        let Some(end) = closer(lines, index) else {
            index += 1;
            continue;
        };
        let body = indent(&lines[index]) + 4;
        let mut field = index + 1;
        let mut end = end;
        while field < end {
            let line = lines[field].trim_start();
            if indent(&lines[field]) != body || line.starts_with("//") {
                field += 1;
                continue;
            }
            if line.starts_with("#[") {
                // An attribute broken over lines ends at its `)]`, back at the body's depth.
                field = if line.ends_with(']') {
                    field + 1
                } else {
                    closer(lines, field).map_or(field + 1, |close| close + 1)
                };
                continue;
            }
            let mut last = field;
            while last < end && !(indent(&lines[last]) == body && lines[last].ends_with(',')) {
                last += 1;
            }
            let flat = flatten(&lines[field..=last]);
            let split = flat.find(": ").map(|at| (&flat[..at], &flat[at + 2..]));
            let replacement = match split {
                _ if width(&flat) <= MAX_WIDTH => vec![flat.clone()],
                Some((name, ty)) if body + 4 + width(ty) <= MAX_WIDTH => {
                    vec![format!("{name}:"), format!("{}{ty}", spaces(body + 4))]
                }
                _ => lines[field..=last].to_vec(),
            };
            let count = replacement.len();
            let removed = last + 1 - field;
            lines.splice(field..=last, replacement);
            end = end + count - removed;
            field += count;
        }
        index += 1;
    }
}

/// Splits a string literal into its items if `text` is a list of string literals.
fn string_items(text: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == ',') {
            chars.next();
        }
        match chars.next() {
            None => return Some(items),
            Some('"') => {}
            Some(_) => return None,
        }
        let mut item = String::from('"');
        loop {
            let c = chars.next()?;
            item.push(c);
            if c == '\\' {
                item.push(chars.next()?);
            } else if c == '"' {
                break;
            }
        }
        items.push(item);
    }
}

/// Associated consts: rustfmt moves a value that does not fit to the next line,
/// and lays out string arrays by its array heuristics.
fn consts(lines: &mut Vec<String>) {
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].clone();
        let base = indent(&line);
        let is_const = line.trim_start().starts_with("const ");
        let Some((head, value)) = line.split_once(" = ").filter(|_| is_const) else {
            index += 1;
            continue;
        };
        let (value, last) = if value == "&[" {
            let Some(close) = closer(lines, index) else {
                index += 1;
                continue;
            };
            let flat = flatten(&lines[index..=close]);
            let value = flat.split_once(" = ").map(|(_, value)| value.to_owned());
            (value.unwrap_or_default(), close)
        } else {
            (value.to_owned(), index)
        };
        let value = value.trim_end_matches(';');
        let items = value
            .strip_prefix("&[")
            .and_then(|list| list.strip_suffix(']'))
            .and_then(string_items);
        let replacement = match items {
            Some(items) => array_const(head, &items, base),
            None => {
                let one = format!("{head} = {value};");
                if width(&one) <= MAX_WIDTH || base + 4 + width(value) + 1 > MAX_WIDTH {
                    vec![one]
                } else {
                    vec![format!("{head} ="), format!("{}{value};", spaces(base + 4))]
                }
            }
        };
        let count = replacement.len();
        lines.splice(index..=last, replacement);
        index += count;
    }
}

fn array_const(head: &str, items: &[String], base: usize) -> Vec<String> {
    let array = format!("&[{}]", items.join(", "));
    let one = format!("{head} = {array};");
    if width(&array) - 1 <= ARRAY_WIDTH {
        if width(&one) <= MAX_WIDTH {
            return vec![one];
        }
        let next_line = format!("{}{array};", spaces(base + 4));
        if width(&next_line) <= MAX_WIDTH {
            return vec![format!("{head} ="), next_line];
        }
    }
    let pad = spaces(base + 4);
    let mut out = vec![format!("{head} = &[")];
    if items.iter().all(|item| width(item) <= SHORT_ARRAY_ELEMENT) {
        let mut current = String::new();
        for item in items {
            if !current.is_empty()
                && width(&pad) + width(&current) + 1 + width(item) + 1 > MAX_WIDTH
            {
                out.push(format!("{pad}{current}"));
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(item);
            current.push(',');
        }
        if !current.is_empty() {
            out.push(format!("{pad}{current}"));
        }
    } else {
        out.extend(items.iter().map(|item| format!("{pad}{item},")));
    }
    out.push(format!("{}];", spaces(base)));
    out
}

/// `Ok(Self { a: wire.a })`: rustfmt puts a struct literal's fields on their own
/// lines once the body passes `struct_lit_width`.
fn struct_literals(lines: &mut Vec<String>) {
    let mut index = 0;
    while index < lines.len() {
        let line = &lines[index];
        let base = indent(line);
        let body = line
            .trim()
            .strip_prefix("Ok(Self { ")
            .and_then(|rest| rest.strip_suffix(" })"));
        let Some(body) = body.filter(|body| width(body) > STRUCT_LIT_WIDTH) else {
            index += 1;
            continue;
        };
        let pad = spaces(base);
        let mut replacement = vec![format!("{pad}Ok(Self {{")];
        replacement.extend(body.split(", ").map(|field| format!("{pad}    {field},")));
        replacement.push(format!("{pad}}})"));
        let count = replacement.len();
        lines.splice(index..=index, replacement);
        index += count;
    }
}

/// A blank line after each item that ends in a brace, and after the file's
/// inner docs and attributes, as people write it; rustfmt keeps single blank
/// lines between items.
fn blank_lines_between_items(lines: Vec<String>) -> Vec<String> {
    const ITEM_STARTS: [&str; 13] = [
        "#[", "#![", "///", "//", "pub ", "impl ", "impl<", "fn ", "struct ", "enum ", "mod ",
        "let ", "const ",
    ];
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    // Whether the lines so far are the file's inner docs and attributes.
    let mut in_inner = false;
    let mut inner_done = false;
    for line in lines {
        let top = indent(&line) == 0;
        let inner_start = top && (line.starts_with("//!") || line.starts_with("#!["));
        if let Some(previous) = out.last() {
            let closes = previous.trim() == "}"
                || previous.ends_with(" {}")
                || (indent(previous) == 0 && previous.ends_with(';'));
            let starts = ITEM_STARTS
                .iter()
                .any(|start| line.trim_start().starts_with(start));
            let same_level = indent(previous) == indent(&line);
            let is_use = previous.trim_start().starts_with("pub use ")
                || previous.trim_start().starts_with("mod ");
            let after_inner = in_inner
                && top
                && !inner_start
                && !line.starts_with("//")
                && !line.starts_with(')')
                && !line.starts_with("    ");
            let docs_then_comment = previous.starts_with("//!") && line.starts_with("// ");
            if docs_then_comment {
                out.push(String::new());
            } else if after_inner {
                in_inner = false;
                inner_done = true;
                out.push(String::new());
            } else if closes && starts && same_level && !is_use && !line.trim().is_empty() {
                out.push(String::new());
            }
        }
        if inner_start && !inner_done {
            in_inner = true;
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rustfmt_compat;

    fn check(input: &str, expected: &str) {
        assert_eq!(rustfmt_compat(input), expected, "from:\n{input}");
    }

    #[test]
    fn generics_broken_at_89_are_joined_up_to_100() {
        let long = "x".repeat(60);
        check(
            &format!("pub struct A {{\n    pub f: Option<\n        Vec<{long}>,\n    >,\n}}\n"),
            &format!("pub struct A {{\n    pub f: Option<Vec<{long}>>,\n}}\n"),
        );
    }

    #[test]
    fn a_field_type_moves_to_the_next_line_before_breaking() {
        let long = "x".repeat(80);
        check(
            &format!("struct A {{\n    field_name: Option<\n        {long},\n    >,\n}}\n"),
            &format!("struct A {{\n    field_name:\n        Option<{long}>,\n}}\n"),
        );
    }

    #[test]
    fn impl_headers_join_or_take_rustfmts_shape() {
        check(
            "impl<'de> serde::Deserialize<'de>\nfor A {\n}\n",
            "impl<'de> serde::Deserialize<'de> for A {\n}\n",
        );
        let long = "A".repeat(70);
        check(
            &format!("impl<'de> serde::Deserialize<'de>\nfor {long} {{\n}}\n"),
            &format!("impl<'de> serde::Deserialize<'de>\n    for {long}\n{{\n}}\n"),
        );
    }

    #[test]
    fn consts_and_arrays() {
        let long = "c".repeat(70);
        check(
            &format!("impl A {{\n    const X: &'static str = \"{long}\";\n}}\n"),
            &format!("impl A {{\n    const X: &'static str =\n        \"{long}\";\n}}\n"),
        );
        let names: Vec<String> = (0..12).map(|i| format!("\"s{i}\"")).collect();
        let vertical: String = names.iter().map(|n| format!("        {n},\n")).collect();
        check(
            &format!(
                "impl A {{\n    const S: &'static [&'static str] = &[\n{vertical}    ];\n}}\n"
            ),
            &format!(
                "impl A {{\n    const S: &'static [&'static str] = &[\n        {},\n    ];\n}}\n",
                names.join(", ")
            ),
        );
    }

    #[test]
    fn cfg_any_and_statement_attributes() {
        let features: Vec<String> = (0..3)
            .map(|i| format!("feature = \"feature_number_{i}\""))
            .collect();
        let nested: String = features.iter().map(|f| format!("        {f},\n")).collect();
        check(
            &format!("#[cfg(\n    any(\n{nested}    )\n)]\npub mod g;\n"),
            &format!(
                "#[cfg(any(\n    {},\n    {},\n    {}\n))]\npub mod g;\n",
                features[0], features[1], features[2]
            ),
        );
        check(
            "fn f() {\n    #[cfg(feature = \"a\")] s.register::<A>();\n}\n",
            "fn f() {\n    #[cfg(feature = \"a\")]\n    s.register::<A>();\n}\n",
        );
    }

    #[test]
    fn long_return_types_push_the_brace_down() {
        let ty = "T".repeat(86);
        check(
            &format!(
                "mod m {{\n    fn f(\n        &self,\n    ) -> &{ty} {{\n        x\n    }}\n}}\n"
            ),
            &format!(
                "mod m {{\n    fn f(\n        &self,\n    ) -> &{ty}\n    {{\n        x\n    }}\n}}\n"
            ),
        );
    }

    #[test]
    fn struct_literals_go_vertical() {
        check(
            "fn f() {\n    Ok(Self { a: wire.a, b: wire.b })\n}\n",
            "fn f() {\n    Ok(Self {\n        a: wire.a,\n        b: wire.b,\n    })\n}\n",
        );
    }

    #[test]
    fn items_are_separated_by_blank_lines() {
        check(
            "struct A {}\nstruct B {\n    a: i32,\n}\nimpl B {}\n",
            "struct A {}\n\nstruct B {\n    a: i32,\n}\n\nimpl B {}\n",
        );
    }
}
