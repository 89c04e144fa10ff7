//! [`LabelSelector`]: selecting objects by their labels, in both wire and query-string form.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A label query over a set of resources: `match_labels` and `match_expressions` are ANDed.
/// An empty selector matches every object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Labels that must be present with exactly these values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
    /// Requirements on labels, all of which must hold.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_fields::shrunk_list"
    )]
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

/// A requirement on one label: a key, an operator and values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    /// The label key the requirement applies to.
    #[serde(default)]
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    #[serde(default)]
    pub operator: String,
    /// Values for `In` and `NotIn` (non-empty); must be empty for `Exists` and `DoesNotExist`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_fields::shrunk_list"
    )]
    pub values: Option<Vec<String>>,
}

/// A requirement on one field, as used by field selectors in authorization checks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSelectorRequirement {
    /// The field selector key the requirement applies to.
    #[serde(default)]
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    #[serde(default)]
    pub operator: String,
    /// Values for `In` and `NotIn` (non-empty); must be empty for `Exists` and `DoesNotExist`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_fields::shrunk_list"
    )]
    pub values: Option<Vec<String>>,
}

/// Why a [`LabelSelector`] is invalid (Go's `LabelSelectorAsSelector` rejects the same).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelSelectorError {
    /// The operator is not `In`, `NotIn`, `Exists` or `DoesNotExist`.
    #[error("{operator:?} is not a valid label selector operator (key {key:?})")]
    UnknownOperator {
        /// The label key.
        key: String,
        /// The operator found.
        operator: String,
    },
    /// `In` or `NotIn` without values.
    #[error("the {operator} requirement on {key:?} needs at least one value")]
    MissingValues {
        /// The label key.
        key: String,
        /// The operator.
        operator: String,
    },
    /// `Exists` or `DoesNotExist` with values.
    #[error("the {operator} requirement on {key:?} must not have values")]
    UnexpectedValues {
        /// The label key.
        key: String,
        /// The operator.
        operator: String,
    },
}

/// A validated requirement.
enum Requirement<'a> {
    /// A `match_labels` entry.
    Equals(&'a str, &'a str),
    In(&'a str, Vec<&'a str>),
    NotIn(&'a str, Vec<&'a str>),
    Exists(&'a str),
    DoesNotExist(&'a str),
}

impl Requirement<'_> {
    fn key(&self) -> &str {
        match self {
            Requirement::Equals(key, _)
            | Requirement::In(key, _)
            | Requirement::NotIn(key, _)
            | Requirement::Exists(key)
            | Requirement::DoesNotExist(key) => key,
        }
    }

    /// Go's `Requirement.String()`: values are printed sorted.
    fn render(&self, out: &mut String) {
        let values = |out: &mut String, op: &str, values: &[&str]| {
            let mut sorted = values.to_vec();
            sorted.sort_unstable();
            out.push_str(op);
            out.push('(');
            out.push_str(&sorted.join(","));
            out.push(')');
        };
        match self {
            Requirement::Equals(key, value) => {
                out.push_str(key);
                out.push('=');
                out.push_str(value);
            }
            Requirement::In(key, vals) => {
                out.push_str(key);
                values(out, " in ", vals);
            }
            Requirement::NotIn(key, vals) => {
                out.push_str(key);
                values(out, " notin ", vals);
            }
            Requirement::Exists(key) => out.push_str(key),
            Requirement::DoesNotExist(key) => {
                out.push('!');
                out.push_str(key);
            }
        }
    }

    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Requirement::Equals(key, value) => labels.get(*key).is_some_and(|v| v == value),
            Requirement::In(key, vals) => {
                labels.get(*key).is_some_and(|v| vals.contains(&v.as_str()))
            }
            Requirement::NotIn(key, vals) => {
                labels.get(*key).is_none_or(|v| !vals.contains(&v.as_str()))
            }
            Requirement::Exists(key) => labels.contains_key(*key),
            Requirement::DoesNotExist(key) => !labels.contains_key(*key),
        }
    }
}

impl LabelSelectorRequirement {
    fn validate(&self) -> Result<Requirement<'_>, LabelSelectorError> {
        let values: Vec<&str> = self.values.iter().flatten().map(String::as_str).collect();
        let key = self.key.as_str();
        let (owned_key, operator) = (|| self.key.clone(), || self.operator.clone());
        match self.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => Err(LabelSelectorError::MissingValues {
                key: owned_key(),
                operator: operator(),
            }),
            "Exists" | "DoesNotExist" if !values.is_empty() => {
                Err(LabelSelectorError::UnexpectedValues {
                    key: owned_key(),
                    operator: operator(),
                })
            }
            "In" => Ok(Requirement::In(key, values)),
            "NotIn" => Ok(Requirement::NotIn(key, values)),
            "Exists" => Ok(Requirement::Exists(key)),
            "DoesNotExist" => Ok(Requirement::DoesNotExist(key)),
            _ => Err(LabelSelectorError::UnknownOperator {
                key: owned_key(),
                operator: operator(),
            }),
        }
    }
}

impl LabelSelector {
    /// Whether the selector has no requirements, so that it matches everything.
    pub fn is_empty(&self) -> bool {
        self.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
            && self.match_expressions.as_ref().is_none_or(Vec::is_empty)
    }

    /// All requirements, sorted by key like Go's `labels.Selector`.
    fn requirements(&self) -> Result<Vec<Requirement<'_>>, LabelSelectorError> {
        let mut requirements: Vec<Requirement<'_>> = self
            .match_labels
            .iter()
            .flatten()
            .map(|(key, value)| Requirement::Equals(key, value))
            .collect();
        for expression in self.match_expressions.iter().flatten() {
            requirements.push(expression.validate()?);
        }
        requirements.sort_by(|a, b| a.key().cmp(b.key()));
        Ok(requirements)
    }

    /// The selector in query-string form (`a=b,c in (d,e),!f,g`), checking it first.
    ///
    /// Requirements are sorted by key and values within a requirement are sorted, as Go's
    /// `LabelSelectorAsSelector(...).String()` prints them. An empty selector gives `""`.
    pub fn try_to_selector_string(&self) -> Result<String, LabelSelectorError> {
        let mut out = String::new();
        for (i, requirement) in self.requirements()?.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            requirement.render(&mut out);
        }
        Ok(out)
    }

    /// The selector in query-string form, for a `labelSelector` query parameter.
    ///
    /// See [`try_to_selector_string`](Self::try_to_selector_string) for the format. An invalid
    /// selector (unknown operator, `In` without values, …) matches nothing in Go, so for one
    /// this returns a selector that no object satisfies (`!key,key`) rather than one that
    /// could select more than intended.
    pub fn to_selector_string(&self) -> String {
        match self.try_to_selector_string() {
            Ok(selector) => selector,
            Err(
                LabelSelectorError::UnknownOperator { key, .. }
                | LabelSelectorError::MissingValues { key, .. }
                | LabelSelectorError::UnexpectedValues { key, .. },
            ) => format!("!{key},{key}"),
        }
    }

    /// Whether objects with these labels are selected, with Go's semantics: `In` needs the
    /// label with one of the values, `NotIn` is satisfied by a missing label, an empty selector
    /// matches everything and an invalid one matches nothing.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self.requirements() {
            Ok(requirements) => requirements.iter().all(|r| r.matches(labels)),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(key: &str, operator: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: operator.into(),
            values: (!values.is_empty()).then(|| values.iter().map(|v| v.to_string()).collect()),
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn selector(
        match_labels: &[(&str, &str)],
        expressions: Vec<LabelSelectorRequirement>,
    ) -> LabelSelector {
        LabelSelector {
            match_labels: (!match_labels.is_empty()).then(|| labels(match_labels)),
            match_expressions: (!expressions.is_empty()).then_some(expressions),
        }
    }

    #[test]
    fn renders_query_string_sorted_by_key() {
        let s = selector(
            &[("a", "b")],
            vec![
                requirement("g", "Exists", &[]),
                requirement("f", "DoesNotExist", &[]),
                requirement("c", "In", &["e", "d"]),
            ],
        );
        assert_eq!(s.to_selector_string(), "a=b,c in (d,e),!f,g");
        let s = selector(
            &[("tier", "web"), ("app", "x")],
            vec![
                requirement("env", "NotIn", &["prod", "dev"]),
                requirement("z", "In", &["only"]),
            ],
        );
        assert_eq!(
            s.to_selector_string(),
            "app=x,env notin (dev,prod),tier=web,z in (only)"
        );
    }

    #[test]
    fn empty_selector_is_everything() {
        assert_eq!(LabelSelector::default().to_selector_string(), "");
        assert!(LabelSelector::default().matches(&labels(&[])));
        assert!(LabelSelector::default().matches(&labels(&[("a", "b")])));
        let empty_lists = LabelSelector {
            match_labels: Some(BTreeMap::new()),
            match_expressions: Some(Vec::new()),
        };
        assert!(empty_lists.is_empty());
        assert!(empty_lists.matches(&labels(&[])));
    }

    #[test]
    fn matches_with_go_semantics() {
        let object = labels(&[("app", "web"), ("env", "prod")]);
        let cases = [
            (selector(&[("app", "web")], vec![]), true),
            (selector(&[("app", "db")], vec![]), false),
            (selector(&[("app", "web"), ("env", "dev")], vec![]), false),
            (
                selector(&[], vec![requirement("env", "In", &["dev", "prod"])]),
                true,
            ),
            (
                selector(&[], vec![requirement("env", "In", &["dev"])]),
                false,
            ),
            (
                selector(&[], vec![requirement("tier", "In", &["x"])]),
                false,
            ),
            (
                selector(&[], vec![requirement("env", "NotIn", &["dev"])]),
                true,
            ),
            (
                selector(&[], vec![requirement("env", "NotIn", &["prod"])]),
                false,
            ),
            (
                selector(&[], vec![requirement("tier", "NotIn", &["x"])]),
                true,
            ),
            (selector(&[], vec![requirement("app", "Exists", &[])]), true),
            (
                selector(&[], vec![requirement("tier", "Exists", &[])]),
                false,
            ),
            (
                selector(&[], vec![requirement("tier", "DoesNotExist", &[])]),
                true,
            ),
            (
                selector(&[], vec![requirement("app", "DoesNotExist", &[])]),
                false,
            ),
            (
                selector(
                    &[("app", "web")],
                    vec![
                        requirement("env", "In", &["prod"]),
                        requirement("x", "DoesNotExist", &[]),
                    ],
                ),
                true,
            ),
        ];
        for (s, want) in cases {
            assert_eq!(s.matches(&object), want, "{}", s.to_selector_string());
        }
    }

    #[test]
    fn invalid_selectors_match_nothing() {
        let object = labels(&[("app", "web")]);
        for (bad, expected) in [
            (
                requirement("app", "Equals", &["web"]),
                LabelSelectorError::UnknownOperator {
                    key: "app".into(),
                    operator: "Equals".into(),
                },
            ),
            (
                requirement("app", "In", &[]),
                LabelSelectorError::MissingValues {
                    key: "app".into(),
                    operator: "In".into(),
                },
            ),
            (
                requirement("app", "Exists", &["web"]),
                LabelSelectorError::UnexpectedValues {
                    key: "app".into(),
                    operator: "Exists".into(),
                },
            ),
        ] {
            let s = selector(&[], vec![bad]);
            assert_eq!(s.try_to_selector_string(), Err(expected));
            assert!(!s.matches(&object));
            assert_eq!(s.to_selector_string(), "!app,app");
        }
    }

    #[test]
    fn wire_format() {
        let text = r#"{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"env","operator":"In","values":["a"]},{"key":"x","operator":"Exists"}]}"#;
        let s: LabelSelector = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), text);
        assert_eq!(
            serde_json::to_string(&LabelSelector::default()).unwrap(),
            "{}"
        );
        let f: FieldSelectorRequirement =
            serde_json::from_str(r#"{"key":"spec.nodeName","operator":"Exists"}"#).unwrap();
        assert_eq!(f.operator, "Exists");
    }
}
