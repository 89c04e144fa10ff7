//! [`Selector`]: a parsed label selector in query-string form (`a=b,c!=d,e in (x,y),!f`),
//! matched against an object's labels on the client side (by [`super::Lister`]).
//!
//! The grammar and the semantics are those of apimachinery's `labels.Parse`: requirements
//! are separated by commas and ANDed; `!=` and `notin` are satisfied by a missing label;
//! `>`/`<` compare integers. [`crate::LabelSelector`] (the wire form) converts into it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::meta::v1::{LabelSelector, LabelSelectorError};

/// Why a selector string does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid label selector {input:?} at byte {at}: {message}")]
pub struct SelectorParseError {
    input: String,
    at: usize,
    message: String,
}

/// One requirement of a [`Selector`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum Requirement {
    /// `key=value` or `key==value`.
    Equals(String, String),
    /// `key!=value`.
    NotEquals(String, String),
    /// `key in (a,b)`.
    In(String, Vec<String>),
    /// `key notin (a,b)`.
    NotIn(String, Vec<String>),
    /// `key`.
    Exists(String),
    /// `!key`.
    DoesNotExist(String),
    /// `key>n`.
    GreaterThan(String, i64),
    /// `key<n`.
    LessThan(String, i64),
}

impl Requirement {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let get = |key: &str| labels.get(key).map(String::as_str);
        let number = |key: &str| get(key).and_then(|v| v.parse::<i64>().ok());
        match self {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|v| vs.iter().any(|x| x == v)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|v| vs.iter().all(|x| x != v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
            Requirement::GreaterThan(k, n) => number(k).is_some_and(|v| v > *n),
            Requirement::LessThan(k, n) => number(k).is_some_and(|v| v < *n),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::Equals(k, v) => write!(f, "{k}={v}"),
            Requirement::NotEquals(k, v) => write!(f, "{k}!={v}"),
            Requirement::In(k, vs) => write!(f, "{k} in ({})", vs.join(",")),
            Requirement::NotIn(k, vs) => write!(f, "{k} notin ({})", vs.join(",")),
            Requirement::Exists(k) => write!(f, "{k}"),
            Requirement::DoesNotExist(k) => write!(f, "!{k}"),
            Requirement::GreaterThan(k, n) => write!(f, "{k}>{n}"),
            Requirement::LessThan(k, n) => write!(f, "{k}<{n}"),
        }
    }
}

/// A label selector: requirements that must all hold. The empty selector matches
/// everything; [`Selector::nothing`] matches nothing.
///
/// ```
/// # use std::collections::BTreeMap;
/// use kubegen::cache::Selector;
/// let s: Selector = "app=web,tier in (front,edge),!legacy".parse().unwrap();
/// let labels = BTreeMap::from([("app".to_owned(), "web".to_owned()), ("tier".to_owned(), "edge".to_owned())]);
/// assert!(s.matches(&labels));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl Selector {
    /// The selector that matches every object.
    pub fn everything() -> Self {
        Selector::default()
    }

    /// The selector that matches no object (what an invalid [`LabelSelector`] means).
    pub fn nothing() -> Self {
        Selector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// Parses the query-string form.
    pub fn parse(input: &str) -> Result<Self, SelectorParseError> {
        Parser {
            input,
            bytes: input.as_bytes(),
            pos: 0,
        }
        .parse()
    }

    /// Whether the selector matches everything.
    pub fn is_everything(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// Whether objects with these labels are selected.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether an object with these (maybe absent) labels is selected.
    pub fn matches_opt(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.matches(labels.unwrap_or(&EMPTY))
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl FromStr for Selector {
    type Err = SelectorParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Selector::parse(s)
    }
}

impl TryFrom<&str> for Selector {
    type Error = SelectorParseError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Selector::parse(s)
    }
}

impl TryFrom<&LabelSelector> for Selector {
    type Error = LabelSelectorError;

    /// Converts the wire form, rejecting what Go's `LabelSelectorAsSelector` rejects.
    fn try_from(selector: &LabelSelector) -> Result<Self, Self::Error> {
        let mut requirements = Vec::new();
        for (k, v) in selector.match_labels.iter().flatten() {
            requirements.push(Requirement::Equals(k.clone(), v.clone()));
        }
        for e in selector.match_expressions.iter().flatten() {
            let values = e.values.clone().unwrap_or_default();
            let key = e.key.clone();
            let requirement = match e.operator.as_str() {
                "In" | "NotIn" if values.is_empty() => {
                    return Err(LabelSelectorError::MissingValues {
                        key,
                        operator: e.operator.clone(),
                    });
                }
                "Exists" | "DoesNotExist" if !values.is_empty() => {
                    return Err(LabelSelectorError::UnexpectedValues {
                        key,
                        operator: e.operator.clone(),
                    });
                }
                "In" => Requirement::In(key, values),
                "NotIn" => Requirement::NotIn(key, values),
                "Exists" => Requirement::Exists(key),
                "DoesNotExist" => Requirement::DoesNotExist(key),
                _ => {
                    return Err(LabelSelectorError::UnknownOperator {
                        key,
                        operator: e.operator.clone(),
                    });
                }
            };
            requirements.push(requirement);
        }
        Ok(Selector {
            requirements,
            nothing: false,
        })
    }
}

impl From<LabelSelector> for Selector {
    /// Converts the wire form; an invalid selector matches nothing (as in Go).
    fn from(selector: LabelSelector) -> Self {
        Selector::try_from(&selector).unwrap_or_else(|_| Selector::nothing())
    }
}

struct Parser<'a> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/')
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> SelectorParseError {
        SelectorParseError {
            input: self.input.to_owned(),
            at: self.pos,
            message: message.into(),
        }
    }

    fn skip_spaces(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.input[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(is_name_byte) {
            self.pos += 1;
        }
        &self.input[start..self.pos]
    }

    fn key(&mut self) -> Result<String, SelectorParseError> {
        self.skip_spaces();
        let key = self.name().to_owned();
        if key.is_empty() {
            return Err(self.error("expected a label key"));
        }
        if key.len() > 317 || key.split('/').count() > 2 || key.ends_with('/') {
            return Err(self.error(format!("{key:?} is not a valid label key")));
        }
        Ok(key)
    }

    fn value(&mut self) -> Result<String, SelectorParseError> {
        self.skip_spaces();
        let value = self.name().to_owned();
        if value.len() > 63 || value.contains('/') {
            return Err(self.error(format!("{value:?} is not a valid label value")));
        }
        Ok(value)
    }

    /// A word operator (`in`, `notin`) must be followed by a space or `(`.
    fn eat_word(&mut self, word: &str) -> bool {
        let rest = &self.input[self.pos..];
        let followed_ok = rest
            .as_bytes()
            .get(word.len())
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'(');
        if rest.starts_with(word) && followed_ok {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn values(&mut self) -> Result<Vec<String>, SelectorParseError> {
        self.skip_spaces();
        if !self.eat("(") {
            return Err(self.error("expected '('"));
        }
        let mut values = Vec::new();
        loop {
            values.push(self.value()?);
            self.skip_spaces();
            if self.eat(",") {
                continue;
            }
            if self.eat(")") {
                break;
            }
            return Err(self.error("expected ',' or ')'"));
        }
        Ok(values)
    }

    fn number(&mut self) -> Result<i64, SelectorParseError> {
        let value = self.value()?;
        value
            .parse()
            .map_err(|_| self.error(format!("{value:?} is not an integer")))
    }

    fn requirement(&mut self) -> Result<Requirement, SelectorParseError> {
        self.skip_spaces();
        if self.eat("!") {
            return Ok(Requirement::DoesNotExist(self.key()?));
        }
        let key = self.key()?;
        self.skip_spaces();
        match self.peek() {
            None | Some(b',') => return Ok(Requirement::Exists(key)),
            _ => {}
        }
        if self.eat("==") || self.eat("=") {
            return Ok(Requirement::Equals(key, self.value()?));
        }
        if self.eat("!=") {
            return Ok(Requirement::NotEquals(key, self.value()?));
        }
        if self.eat(">") {
            return Ok(Requirement::GreaterThan(key, self.number()?));
        }
        if self.eat("<") {
            return Ok(Requirement::LessThan(key, self.number()?));
        }
        if self.eat_word("notin") {
            return Ok(Requirement::NotIn(key, self.values()?));
        }
        if self.eat_word("in") {
            return Ok(Requirement::In(key, self.values()?));
        }
        Err(self.error("expected an operator (=, ==, !=, in, notin, >, <)"))
    }

    fn parse(mut self) -> Result<Selector, SelectorParseError> {
        let mut requirements = Vec::new();
        self.skip_spaces();
        if self.pos == self.bytes.len() {
            return Ok(Selector::everything());
        }
        loop {
            requirements.push(self.requirement()?);
            self.skip_spaces();
            if self.pos == self.bytes.len() {
                break;
            }
            if !self.eat(",") {
                return Err(self.error("expected ','"));
            }
        }
        Ok(Selector {
            requirements,
            nothing: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn operators() {
        let l = labels(&[("app", "web"), ("tier", "front"), ("n", "7")]);
        let cases = [
            ("", true),
            ("app=web", true),
            ("app==web", true),
            ("app=db", false),
            ("app!=db", true),
            ("missing!=x", true),
            ("tier in (front, back)", true),
            ("tier in (back)", false),
            ("tier notin (back)", true),
            ("missing notin (back)", true),
            ("missing in (back)", false),
            ("app", true),
            ("missing", false),
            ("!missing", true),
            ("!app", false),
            ("n>5", true),
            ("n<5", false),
            ("app>5", false),
            (" app = web , tier in(front) ", true),
            ("app=web,!tier", false),
            ("example.com/role", false),
            ("app=", false),
        ];
        for (input, expected) in cases {
            let s = Selector::parse(input).unwrap();
            assert_eq!(s.matches(&l), expected, "{input}");
        }
        assert!(
            Selector::parse("x=")
                .unwrap()
                .matches(&labels(&[("x", "")]))
        );
    }

    #[test]
    fn rejects_malformed() {
        for input in [
            "a=b,", "=b", "a in b", "a in (b", "a notin", "a b", "a>x", "a=b c", "a/b/c=d", "a=b/c",
        ] {
            assert!(Selector::parse(input).is_err(), "{input} should not parse");
        }
        let err = Selector::parse("a in (b").unwrap_err();
        assert!(err.to_string().contains("at byte 7"), "{err}");
    }

    #[test]
    fn display_round_trips() {
        let s = Selector::parse("a=b,c!=d,e in (x,y),!f,g,h>1").unwrap();
        assert_eq!(s.to_string(), "a=b,c!=d,e in (x,y),!f,g,h>1");
        assert_eq!(Selector::parse(&s.to_string()).unwrap(), s);
    }

    #[test]
    fn from_label_selector() {
        let ls = LabelSelector {
            match_labels: Some(labels(&[("app", "web")])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "NotIn".into(),
                values: Some(vec!["db".into()]),
            }]),
        };
        let s = Selector::try_from(&ls).unwrap();
        assert!(s.matches(&labels(&[("app", "web")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "db")])));
        let bad = LabelSelector {
            match_labels: None,
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: None,
            }]),
        };
        assert!(Selector::try_from(&bad).is_err());
        assert!(!Selector::from(bad).matches(&labels(&[])));
        assert!(Selector::from(LabelSelector::default()).is_everything());
    }
}
