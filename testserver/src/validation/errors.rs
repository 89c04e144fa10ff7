//! apimachinery's `field.Error`: a typed problem at a field path, printed the
//! way `ErrorBody` prints it and turned into a Status cause.

use kubegen::meta::v1::StatusCause;
use serde_json::Value;

use super::{go_float, go_quote, go_sharp_v};

/// `field.ErrorType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorType {
    Required,
    Invalid,
    TypeInvalid,
    NotSupported,
    Duplicate,
    TooLong,
    TooMany,
}

impl ErrorType {
    fn text(self) -> &'static str {
        match self {
            ErrorType::Required => "Required value",
            ErrorType::Invalid | ErrorType::TypeInvalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
        }
    }

    fn reason(self) -> &'static str {
        match self {
            ErrorType::Required => "FieldValueRequired",
            ErrorType::Invalid => "FieldValueInvalid",
            ErrorType::TypeInvalid => "FieldValueTypeInvalid",
            ErrorType::NotSupported => "FieldValueNotSupported",
            ErrorType::Duplicate => "FieldValueDuplicate",
            ErrorType::TooLong => "FieldValueTooLong",
            ErrorType::TooMany => "FieldValueTooMany",
        }
    }
}

/// The bad value of an error, already in the shape Go prints it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BadValue {
    /// Not printed.
    Omit,
    /// Printed quoted.
    Str(String),
    /// Printed as is (numbers, booleans, `%#v` renderings).
    Plain(String),
}

impl BadValue {
    /// A value decoded from JSON, as `ErrorBody` prints an `interface{}`.
    pub(crate) fn json(value: &Value) -> BadValue {
        match value {
            // Go's ErrorBody prints a nil value as the string "null".
            Value::Null => BadValue::Str("null".into()),
            Value::String(s) => BadValue::Str(s.clone()),
            Value::Bool(b) => BadValue::Plain(b.to_string()),
            Value::Number(n) => BadValue::Plain(match n.as_i64() {
                Some(i) => i.to_string(),
                None => go_float(n.as_f64().unwrap_or_default()),
            }),
            other => BadValue::Plain(go_sharp_v(other)),
        }
    }

    pub(crate) fn str(s: impl Into<String>) -> BadValue {
        BadValue::Str(s.into())
    }
}

/// One validation problem.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldError {
    pub kind: ErrorType,
    pub field: String,
    pub value: BadValue,
    pub detail: String,
}

impl FieldError {
    pub(crate) fn new(
        kind: ErrorType,
        field: impl Into<String>,
        value: BadValue,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            kind,
            field: field.into(),
            value,
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid(
        field: impl Into<String>,
        value: BadValue,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError::new(ErrorType::Invalid, field, value, detail)
    }

    pub(crate) fn required(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError::new(ErrorType::Required, field, BadValue::Omit, detail)
    }

    /// `field.NotSupported` with its list of supported values.
    pub(crate) fn not_supported(
        field: impl Into<String>,
        value: BadValue,
        supported: &[String],
    ) -> FieldError {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            format!(
                "supported values: {}",
                supported
                    .iter()
                    .map(|s| go_quote(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        FieldError::new(ErrorType::NotSupported, field, value, detail)
    }

    /// `field.TooLong`: the value is never printed.
    pub(crate) fn too_long(field: impl Into<String>, max: i64) -> FieldError {
        let detail = if max >= 0 {
            format!(
                "may not be more than {max} {}",
                if max == 1 { "byte" } else { "bytes" }
            )
        } else {
            "value is too long".to_owned()
        };
        FieldError::new(ErrorType::TooLong, field, BadValue::Omit, detail)
    }

    /// `field.TooMany`.
    pub(crate) fn too_many(field: impl Into<String>, actual: i64, max: i64) -> FieldError {
        let detail = if max >= 0 {
            format!(
                "must have at most {max} {}",
                if max == 1 { "item" } else { "items" }
            )
        } else {
            "has too many items".to_owned()
        };
        let value = if actual >= 0 {
            BadValue::Plain(actual.to_string())
        } else {
            BadValue::Omit
        };
        FieldError::new(ErrorType::TooMany, field, value, detail)
    }

    /// `ErrorBody`: the message without the field.
    pub(crate) fn body(&self) -> String {
        let mut s = self.kind.text().to_owned();
        let omit = matches!(self.kind, ErrorType::Required | ErrorType::TooLong);
        if !omit {
            match &self.value {
                BadValue::Omit => {}
                BadValue::Str(v) => {
                    s.push_str(": ");
                    s.push_str(&go_quote(v));
                }
                BadValue::Plain(v) => {
                    s.push_str(": ");
                    s.push_str(v);
                }
            }
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }

    pub(crate) fn cause(&self) -> StatusCause {
        StatusCause {
            reason: Some(self.kind.reason().to_owned()),
            message: Some(self.body()),
            field: Some(self.field.clone()),
        }
    }
}

/// Causes of a list of errors.
pub(crate) fn causes(errors: &[FieldError]) -> Vec<StatusCause> {
    errors.iter().map(FieldError::cause).collect()
}
