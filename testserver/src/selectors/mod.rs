//! Label and field selectors (`labelSelector=`, `fieldSelector=`), parsed and
//! matched as kube-apiserver does, with its exact error messages.

mod field;
mod label;

pub use field::FieldSelector;
pub use label::LabelSelector;

/// A selector the server refuses: a 400 `BadRequest` whose Status message is
/// [`SelectorError::message`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(String);

impl SelectorError {
    fn new(message: impl Into<String>) -> SelectorError {
        SelectorError(message.into())
    }

    /// The text of the real server's 400 Status message.
    pub fn message(&self) -> &str {
        &self.0
    }
}
