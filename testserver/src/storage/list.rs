//! Lists: resourceVersion semantics (unset: latest; `0`: any, `limit` ignored;
//! `NotOlderThan`; `Exact` at a historical state), and `limit`/`continue`
//! pagination over one consistent snapshot, with continue tokens in the real
//! server's format.

use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};

use super::{Key, Store};
use crate::error::{ApiError, cause};

/// The list options of a request, as given in its query.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// `resourceVersion`.
    pub resource_version: Option<String>,
    /// `resourceVersionMatch`.
    pub resource_version_match: Option<String>,
    /// `limit` (0 or negative: none).
    pub limit: Option<i64>,
    /// `continue`.
    pub continue_token: Option<String>,
    /// `watch`.
    pub watch: bool,
    /// `sendInitialEvents`.
    pub send_initial_events: Option<bool>,
    /// Whether a selector filters the list (no `remainingItemCount` then).
    pub filtered: bool,
}

/// How a read picks its snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadAt {
    /// The latest state (unset resourceVersion, `0`, or `NotOlderThan` reached).
    Latest,
    /// The state at exactly this resourceVersion.
    Exact(u64),
}

/// Parses a resourceVersion as the real server does (`500` when it is not a number).
pub fn parse_rv(value: &str) -> Result<u64, ApiError> {
    value.parse::<u64>().map_err(|_| {
        ApiError::internal(format!(
            "resourceVersion: Invalid value: \"{value}\": strconv.ParseUint: parsing \"{value}\": invalid syntax"
        ))
    })
}

/// Validates option combinations: `422` with `ListOptions` causes as the real server.
pub fn validate(options: &ListOptions) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    let rv = options.resource_version.as_deref().unwrap_or("");
    let rvm = options.resource_version_match.as_deref().unwrap_or("");
    if options.watch {
        if options.send_initial_events.is_some() {
            if rvm != "NotOlderThan" {
                causes.push(cause(
                    "FieldValueForbidden",
                    "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                    "resourceVersionMatch",
                ));
            }
            if !rvm.is_empty() && rvm != "NotOlderThan" {
                causes.push(cause(
                    "FieldValueNotSupported",
                    format!("Unsupported value: \"{rvm}\": supported values: \"NotOlderThan\""),
                    "resourceVersionMatch",
                ));
            }
        }
    } else {
        if !rvm.is_empty() && rv.is_empty() {
            causes.push(cause(
                "FieldValueForbidden",
                "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                "resourceVersionMatch",
            ));
        }
        match rvm {
            "" | "NotOlderThan" => {}
            "Exact" => {
                if rv == "0" {
                    causes.push(cause(
                        "FieldValueForbidden",
                        "Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                        "resourceVersionMatch",
                    ));
                }
            }
            other => causes.push(cause(
                "FieldValueNotSupported",
                format!(
                    "Unsupported value: \"{other}\": supported values: \"Exact\", \"NotOlderThan\", \"\""
                ),
                "resourceVersionMatch",
            )),
        }
        if options.send_initial_events.is_some() {
            causes.push(cause(
                "FieldValueForbidden",
                "Forbidden: sendInitialEvents is forbidden for list",
                "sendInitialEvents",
            ));
        }
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_options("ListOptions", causes))
    }
}

/// Resolves the snapshot a get or list reads, waiting (up to the configured time)
/// for a future `NotOlderThan` resourceVersion.
pub async fn read_at(
    store: &Store,
    resource_version: Option<&str>,
    exact: bool,
) -> Result<ReadAt, ApiError> {
    let Some(rv) = resource_version.filter(|rv| !rv.is_empty()) else {
        return Ok(ReadAt::Latest);
    };
    let rv = parse_rv(rv)?;
    if rv == 0 {
        return Ok(ReadAt::Latest);
    }
    let (current, compacted) = {
        let state = store.read();
        (state.rv(), state.compacted())
    };
    if exact {
        if rv > current {
            return Err(ApiError::internal(
                "etcdserver: mvcc: required revision is a future revision",
            ));
        }
        if rv < compacted {
            return Err(ApiError::expired(
                "The resourceVersion for the provided list is too old.",
            ));
        }
        return Ok(ReadAt::Exact(rv));
    }
    if rv > current && !store.wait_for_rv(rv).await {
        return Err(ApiError::resource_version_too_large(rv, store.rv(), 1));
    }
    Ok(ReadAt::Latest)
}

/// One page of a list.
#[derive(Debug)]
pub struct Page {
    /// The objects, in key order.
    pub items: Vec<Arc<Value>>,
    /// The resourceVersion of the snapshot.
    pub rv: u64,
    /// The token for the next page.
    pub continue_token: Option<String>,
    /// How many objects remain after this page (unfiltered lists only).
    pub remaining: Option<u64>,
}

const EXPIRED_CONTINUE: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/// Lists a table (one namespace or all), filtered, paged.
pub async fn list(
    store: &Store,
    table: &str,
    namespace: Option<&str>,
    options: &ListOptions,
    filter: &(dyn Fn(&Value) -> bool + Sync),
) -> Result<Page, ApiError> {
    validate(options)?;
    let rv_param = options.resource_version.as_deref().unwrap_or("");
    let token = options
        .continue_token
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(decode_continue)
        .transpose()?;
    if token.is_some() && !rv_param.is_empty() && rv_param != "0" {
        return Err(ApiError::bad_request(
            "specifying resource version is not allowed when using continue",
        ));
    }
    let exact = options.resource_version_match.as_deref() == Some("Exact");
    let unlimited = rv_param == "0" && token.is_none();
    let read = match &token {
        Some((rv, _)) => ReadAt::Exact(*rv),
        None => read_at(store, Some(rv_param), exact).await?,
    };
    let limit = options
        .limit
        .filter(|l| *l > 0 && !unlimited)
        .map(|l| l as usize);
    let state = store.read();
    let (snapshot_rv, at) = match read {
        ReadAt::Latest => (state.rv(), None),
        ReadAt::Exact(rv) => {
            if rv < state.compacted() {
                return Err(if token.is_some() {
                    ApiError::expired(EXPIRED_CONTINUE)
                } else {
                    ApiError::expired("The resourceVersion for the provided list is too old.")
                });
            }
            (rv, Some(rv))
        }
    };
    let after = token
        .as_ref()
        .map(|(_, key)| resume_key(namespace, key.clone()));
    let Some(table) = state.table(table) else {
        return Ok(Page {
            items: Vec::new(),
            rv: snapshot_rv,
            continue_token: None,
            remaining: None,
        });
    };
    let mut items = Vec::new();
    let mut scan = table.scan(namespace, after.as_ref(), at);
    let mut last: Option<Key> = None;
    for (key, object) in scan.by_ref() {
        if filter(object) {
            items.push(object.clone());
            last = Some(key.clone());
            if limit.is_some_and(|l| items.len() >= l) {
                break;
            }
        }
    }
    let mut continue_token = None;
    let mut remaining = None;
    if let (Some(_), Some(last)) = (limit, last) {
        let rest = scan.count() as u64;
        if rest > 0 {
            let relative = match namespace {
                Some(_) => last.1.clone(),
                None if last.0.is_empty() => last.1.clone(),
                None => format!("{}/{}", last.0, last.1),
            };
            let start = if token.is_none() {
                format!("/{relative}")
            } else {
                relative
            };
            continue_token = Some(encode_continue(snapshot_rv, &start));
            if !options.filtered {
                remaining = Some(rest);
            }
        }
    }
    Ok(Page {
        items,
        rv: snapshot_rv,
        continue_token,
        remaining,
    })
}

fn encode_continue(rv: u64, start: &str) -> String {
    let token = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": format!("{start}\u{0}")});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token.to_string())
}

/// Decodes a continue token into its resourceVersion and the key to resume after.
fn decode_continue(token: &str) -> Result<(u64, Key), ApiError> {
    let invalid = |why: String| ApiError::bad_request(format!("invalid continue token: {why}"));
    // Go's RawURLEncoding ignores trailing bits, and so does this.
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let bytes = lenient
        .decode(token)
        .map_err(|e| invalid(format!("continue key is not valid: {e}")))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| {
        let first = bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .copied()
            .unwrap_or(0);
        let shown = if first.is_ascii_graphic() {
            (first as char).to_string()
        } else {
            format!("\\u{first:04x}")
        };
        invalid(format!(
            "continue key is not valid: invalid character '{shown}' looking for beginning of value"
        ))
    })?;
    if value.get("v").and_then(Value::as_str) != Some("meta.k8s.io/v1") {
        return Err(invalid(
            "continue key is not valid: server does not recognize this encoded key".into(),
        ));
    }
    let rv = value
        .get("rv")
        .and_then(Value::as_u64)
        .filter(|rv| *rv > 0)
        .ok_or_else(|| {
            invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)".into())
        })?;
    let start = value.get("start").and_then(Value::as_str).unwrap_or("");
    let start = start.trim_start_matches('/').trim_end_matches('\u{0}');
    let key = match start.split_once('/') {
        Some((ns, name)) => (ns.to_owned(), name.to_owned()),
        None => (String::new(), start.to_owned()),
    };
    Ok((rv, key))
}

/// The key a continue token of a namespaced list resumes after: tokens of a
/// one-namespace list hold only the name.
pub fn resume_key(namespace: Option<&str>, key: Key) -> Key {
    match namespace {
        Some(ns) if key.0.is_empty() => (ns.to_owned(), key.1),
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_have_the_real_format() {
        let token = encode_continue(5847, "/page-0");
        assert_eq!(
            token,
            "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NTg0Nywic3RhcnQiOiIvcGFnZS0wXHUwMDAwIn0"
        );
        assert_eq!(
            decode_continue(&token).unwrap(),
            (5847, (String::new(), "page-0".to_owned()))
        );
        let error = decode_continue("not-a-token").unwrap_err();
        assert_eq!(
            error.message,
            "invalid continue token: continue key is not valid: invalid character '\\u009e' looking for beginning of value"
        );
    }

    #[test]
    fn option_combinations_are_checked_like_the_real_server() {
        let error = validate(&ListOptions {
            resource_version_match: Some("Exact".into()),
            ..ListOptions::default()
        })
        .unwrap_err();
        assert_eq!(error.code, 422);
        let error = validate(&ListOptions {
            watch: true,
            send_initial_events: Some(true),
            resource_version_match: Some("Exact".into()),
            ..ListOptions::default()
        })
        .unwrap_err();
        assert_eq!(error.details.unwrap().causes.len(), 2);
    }
}
