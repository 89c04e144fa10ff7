//! The calls into the modules other parts of the crate provide (selectors,
//! validation, patches), in one place.
//!
//! Until those modules are merged, the minimal behaviour the core needs lives
//! here (equality-based selectors, RFC 7386 merge patch, RFC 6902 through the
//! json-patch crate); each function is replaced by a call to its module.

use serde_json::Value;

use crate::error::{ApiError, cause};
use crate::storage::meta;

/// A parsed label or field selector term.
#[derive(Clone, Debug)]
enum Term {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// Label and field selectors of a request, as one object filter.
#[derive(Clone, Debug, Default)]
pub struct Selectors {
    labels: Vec<Term>,
    fields: Vec<Term>,
}

impl Selectors {
    /// Parses `labelSelector` and `fieldSelector`.
    pub fn parse(labels: Option<&str>, fields: Option<&str>) -> Result<Selectors, ApiError> {
        Ok(Selectors {
            labels: parse_terms(labels.unwrap_or(""))?,
            fields: parse_terms(fields.unwrap_or(""))?,
        })
    }

    /// Whether any selector is given.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    /// Whether the object matches both selectors.
    pub fn matches(&self, object: &Value) -> bool {
        let labels = meta::labels(object);
        let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
        let field = |path: &str| -> Option<String> {
            let pointer = format!("/{}", path.replace('.', "/"));
            object.pointer(&pointer).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        };
        self.labels
            .iter()
            .all(|t| check(t, &|k| label(k).map(str::to_owned)))
            && self.fields.iter().all(|t| check(t, &field))
    }

    /// The name a `metadata.name=` field selector pins, if any.
    pub fn single_name(&self) -> Option<&str> {
        self.fields.iter().find_map(|t| match t {
            Term::Equals(k, v) if k == "metadata.name" => Some(v.as_str()),
            _ => None,
        })
    }
}

fn check(term: &Term, get: &dyn Fn(&str) -> Option<String>) -> bool {
    match term {
        Term::Equals(k, v) => get(k).as_deref() == Some(v.as_str()),
        Term::NotEquals(k, v) => get(k).as_deref() != Some(v.as_str()),
        Term::In(k, vs) => get(k).is_some_and(|x| vs.contains(&x)),
        Term::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(&x)),
        Term::Exists(k) => get(k).is_some(),
        Term::NotExists(k) => get(k).is_none(),
    }
}

fn parse_terms(text: &str) -> Result<Vec<Term>, ApiError> {
    let mut terms = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        // Split at the next comma outside parentheses.
        let mut depth = 0;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let term = rest[..end].trim();
        rest = rest.get(end + 1..).unwrap_or("").trim();
        terms.push(parse_term(term)?);
    }
    Ok(terms)
}

fn parse_term(term: &str) -> Result<Term, ApiError> {
    let invalid = || ApiError::bad_request(format!("unable to parse requirement: {term}"));
    let values = |list: &str| -> Vec<String> {
        list.trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    if let Some(key) = term.strip_prefix('!') {
        return Ok(Term::NotExists(key.trim().to_owned()));
    }
    if let Some((k, v)) = term.split_once("!=") {
        return Ok(Term::NotEquals(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = term.split_once("==") {
        return Ok(Term::Equals(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = term.split_once('=') {
        return Ok(Term::Equals(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = term.split_once(" notin ") {
        return Ok(Term::NotIn(k.trim().into(), values(v)));
    }
    if let Some((k, v)) = term.split_once(" in ") {
        return Ok(Term::In(k.trim().into(), values(v)));
    }
    if term.contains(' ') || term.is_empty() {
        return Err(invalid());
    }
    Ok(Term::Exists(term.to_owned()))
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(original: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(fields) => {
            let mut result = match original {
                Value::Object(map) => map.clone(),
                _ => serde_json::Map::new(),
            };
            for (key, value) in fields {
                if value.is_null() {
                    result.remove(key);
                } else {
                    let merged = merge_patch(result.get(key).unwrap_or(&Value::Null), value);
                    result.insert(key.clone(), merged);
                }
            }
            Value::Object(result)
        }
        other => other.clone(),
    }
}

/// RFC 6902 JSON patch; a failing operation is the real server's generic `422`.
pub fn json_patch(original: &Value, patch: &Value) -> Result<Value, ApiError> {
    let operations: json_patch::Patch = serde_json::from_value(patch.clone())
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    let mut result = original.clone();
    json_patch::patch(&mut result, &operations).map_err(|_| {
        ApiError::new(
            422,
            "Invalid",
            "the server rejected our request due to an error in our request",
        )
        .with_details(Default::default())
    })?;
    Ok(result)
}

/// ObjectMeta checks every create makes (name or generateName required).
pub fn validate_meta(kind: &str, group: &str, object: &Value) -> Result<(), ApiError> {
    let name = meta::name(object);
    let generate = object
        .pointer("/metadata/generateName")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() && generate.is_empty() {
        return Err(ApiError::invalid(
            group,
            kind,
            "",
            vec![cause(
                "FieldValueRequired",
                "Required value: name or generateName is required",
                "metadata.name",
            )],
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_and_merge_patch() {
        let object = json!({"metadata": {"name": "a", "labels": {"env": "prod", "tier": "web"}}});
        let matches =
            |l: &str, f: &str| Selectors::parse(Some(l), Some(f)).unwrap().matches(&object);
        assert!(matches("env=prod,tier in (web, db)", "metadata.name=a"));
        assert!(!matches("env!=prod", ""));
        assert!(matches("!missing,env", "metadata.name!=b"));
        assert!(!matches("tier notin (web)", ""));
        assert_eq!(
            merge_patch(
                &json!({"a": 1, "b": {"c": 2}}),
                &json!({"a": null, "b": {"d": 3}})
            ),
            json!({"b": {"c": 2, "d": 3}})
        );
    }
}
