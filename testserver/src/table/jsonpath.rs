//! The JSONPath subset of CRD `additionalPrinterColumns` (which the
//! apiextensions server restricts to simple paths): `.a.b`, `.a['x.y']`,
//! `.a[0]`, `.a[-1]`, `.a[*].b`, `.a.*` and filters such as
//! `.status.conditions[?(@.type=="Ready")].status`.

use serde_json::Value;

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    Wildcard,
    Filter(Filter),
}

/// `[?(@.path OP literal)]` or `[?(@.path)]`.
#[derive(Clone, Debug, PartialEq)]
struct Filter {
    path: Vec<Step>,
    test: Option<(Op, Value)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A parsed JSONPath expression.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonPath {
    steps: Vec<Step>,
}

/// A JSONPath this evaluator does not understand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unsupported JSONPath {path:?}: {reason}")]
pub struct JsonPathError {
    /// The expression.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

impl JsonPath {
    /// Parses `.spec.x`, `{.spec.x}` or `$.spec.x`.
    pub fn parse(path: &str) -> Result<JsonPath, JsonPathError> {
        let err = |reason: &str| JsonPathError {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        let mut text = path.trim();
        if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            text = inner.trim();
        }
        text = text.strip_prefix('$').unwrap_or(text);
        let mut parser = Parser {
            chars: text.chars().collect(),
            pos: 0,
        };
        let steps = parser.steps(false).map_err(|r| err(&r))?;
        if parser.pos != parser.chars.len() {
            return Err(err("trailing characters"));
        }
        Ok(JsonPath { steps })
    }

    /// Every value the path selects in `root`, in document order.
    pub fn find<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        eval(&self.steps, vec![root])
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// Steps until the end, or until an operator or `)` inside a filter.
    fn steps(&mut self, in_filter: bool) -> Result<Vec<Step>, String> {
        let mut steps = Vec::new();
        while let Some(c) = self.peek() {
            match c {
                '.' => {
                    self.pos += 1;
                    if self.eat('*') {
                        steps.push(Step::Wildcard);
                    } else {
                        let name = self.identifier();
                        if name.is_empty() {
                            // `..` (recursive descent) is not a simple path.
                            return Err("empty field name".to_owned());
                        }
                        steps.push(Step::Field(name));
                    }
                }
                '[' => {
                    self.pos += 1;
                    steps.push(self.bracket()?);
                }
                _ if in_filter => break,
                _ => return Err(format!("unexpected {c:?}")),
            }
        }
        Ok(steps)
    }

    fn identifier(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '/')
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn bracket(&mut self) -> Result<Step, String> {
        self.skip_spaces();
        let step = match self.peek() {
            Some('\'' | '"') => Step::Field(self.quoted()?),
            Some('*') => {
                self.pos += 1;
                Step::Wildcard
            }
            Some('?') => {
                self.pos += 1;
                Step::Filter(self.filter()?)
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c == '-' || c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let digits: String = self.chars[start..self.pos].iter().collect();
                Step::Index(digits.parse().map_err(|_| "bad index".to_owned())?)
            }
        };
        self.skip_spaces();
        if !self.eat(']') {
            return Err("missing ]".to_owned());
        }
        Ok(step)
    }

    fn quoted(&mut self) -> Result<String, String> {
        let quote = self.peek().ok_or("missing quote")?;
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err("unterminated string".to_owned()),
                Some('\\') => {
                    self.pos += 1;
                    if let Some(c) = self.peek() {
                        out.push(c);
                        self.pos += 1;
                    }
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn filter(&mut self) -> Result<Filter, String> {
        if !self.eat('(') {
            return Err("filter without (".to_owned());
        }
        self.skip_spaces();
        if !self.eat('@') {
            return Err("filter not on @".to_owned());
        }
        let path = self.steps(true)?;
        self.skip_spaces();
        let test = if self.eat(')') {
            None
        } else {
            let op = self.operator()?;
            self.skip_spaces();
            let literal = self.literal()?;
            self.skip_spaces();
            if !self.eat(')') {
                return Err("filter without )".to_owned());
            }
            Some((op, literal))
        };
        Ok(Filter { path, test })
    }

    fn operator(&mut self) -> Result<Op, String> {
        let two: String = self.chars[self.pos..].iter().take(2).collect();
        let (op, len) = match two.as_str() {
            "==" => (Op::Eq, 2),
            "!=" => (Op::Ne, 2),
            "<=" => (Op::Le, 2),
            ">=" => (Op::Ge, 2),
            _ if two.starts_with('<') => (Op::Lt, 1),
            _ if two.starts_with('>') => (Op::Gt, 1),
            _ => return Err("unknown filter operator".to_owned()),
        };
        self.pos += len;
        Ok(op)
    }

    fn literal(&mut self) -> Result<Value, String> {
        if matches!(self.peek(), Some('\'' | '"')) {
            return Ok(Value::String(self.quoted()?));
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| c != ')' && !c.is_whitespace()) {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        match word.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "nil" | "null" => Ok(Value::Null),
            _ => serde_json::from_str::<serde_json::Number>(&word)
                .map(Value::Number)
                .map_err(|_| format!("bad literal {word:?}")),
        }
    }
}

fn eval<'a>(steps: &[Step], mut current: Vec<&'a Value>) -> Vec<&'a Value> {
    for step in steps {
        let mut next = Vec::new();
        for value in current {
            match step {
                Step::Field(name) => {
                    if let Some(v) = value.get(name.as_str()) {
                        next.push(v);
                    }
                }
                Step::Index(index) => {
                    if let Some(items) = value.as_array() {
                        let len = items.len() as i64;
                        let i = if *index < 0 { len + index } else { *index };
                        if let Some(v) = usize::try_from(i).ok().and_then(|i| items.get(i)) {
                            next.push(v);
                        }
                    }
                }
                Step::Wildcard => match value {
                    Value::Array(items) => next.extend(items.iter()),
                    Value::Object(map) => next.extend(map.values()),
                    _ => {}
                },
                Step::Filter(filter) => {
                    if let Some(items) = value.as_array() {
                        next.extend(items.iter().filter(|item| filter.accepts(item)));
                    }
                }
            }
        }
        current = next;
    }
    current
}

impl Filter {
    fn accepts(&self, item: &Value) -> bool {
        let found = eval(&self.path, vec![item]);
        let Some((op, literal)) = &self.test else {
            return !found.is_empty();
        };
        found.into_iter().any(|v| compare(v, *op, literal))
    }
}

fn compare(value: &Value, op: Op, literal: &Value) -> bool {
    use std::cmp::Ordering;
    let ordering = match (value, literal) {
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .zip(b.as_f64())
            .and_then(|(a, b)| a.partial_cmp(&b)),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (a, b) if a == b => Some(Ordering::Equal),
        _ => None,
    };
    match op {
        Op::Eq => ordering == Some(Ordering::Equal),
        Op::Ne => ordering != Some(Ordering::Equal),
        Op::Lt => ordering == Some(Ordering::Less),
        Op::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        Op::Gt => ordering == Some(Ordering::Greater),
        Op::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn find(path: &str, value: &Value) -> Vec<Value> {
        JsonPath::parse(path)
            .unwrap()
            .find(value)
            .into_iter()
            .cloned()
            .collect()
    }

    #[test]
    fn simple_paths_and_filters() {
        let obj = json!({
            "metadata": {"labels": {"app.kubernetes.io/name": "x"}},
            "spec": {"color": "red", "ports": [{"name": "a", "port": 1}, {"name": "b", "port": 2}]},
            "status": {"conditions": [
                {"type": "Synced", "status": "False"},
                {"type": "Ready", "status": "True"}
            ]}
        });
        assert_eq!(find(".spec.color", &obj), [json!("red")]);
        assert_eq!(find("{.spec.color}", &obj), [json!("red")]);
        assert_eq!(find(".spec.ports[1].port", &obj), [json!(2)]);
        assert_eq!(find(".spec.ports[-1].name", &obj), [json!("b")]);
        assert_eq!(find(".spec.ports[*].name", &obj), [json!("a"), json!("b")]);
        assert_eq!(
            find(r#".status.conditions[?(@.type=="Ready")].status"#, &obj),
            [json!("True")]
        );
        assert_eq!(
            find(".status.conditions[?(@.type=='Synced')].status", &obj),
            [json!("False")]
        );
        assert_eq!(find(".spec.ports[?(@.port > 1)].name", &obj), [json!("b")]);
        assert_eq!(
            find(".metadata.labels['app.kubernetes.io/name']", &obj),
            [json!("x")]
        );
        assert!(find(".spec.missing.deeper", &obj).is_empty());
    }

    #[test]
    fn recursive_descent_is_refused() {
        assert!(JsonPath::parse("..name").is_err());
        assert!(JsonPath::parse(".a[").is_err());
    }
}
