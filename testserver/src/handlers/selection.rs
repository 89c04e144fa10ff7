//! Label and field selectors of a request as one object filter.

use serde_json::Value;

use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::selectors::{FieldSelector, LabelSelector, SelectorError};
use crate::storage::meta;

/// Label and field selectors of a request, as one object filter.
#[derive(Clone, Debug)]
pub struct Selectors {
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Selectors {
    /// Parses `labelSelector` and `fieldSelector` and checks the fields against the
    /// resource: `400` with the real server's message otherwise.
    pub fn parse(
        labels: Option<&str>,
        fields: Option<&str>,
        resource: &ResourceInfo,
    ) -> Result<Selectors, ApiError> {
        let bad = |e: SelectorError| ApiError::bad_request(e.message());
        let labels = LabelSelector::parse(labels.unwrap_or("")).map_err(bad)?;
        let fields = FieldSelector::parse(fields.unwrap_or("")).map_err(bad)?;
        fields.check(resource).map_err(bad)?;
        Ok(Selectors { labels, fields })
    }

    /// Whether any selector is given.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    /// Whether the object matches both selectors.
    pub fn matches(&self, object: &Value) -> bool {
        self.labels.matches(meta::labels(object)) && self.fields.matches(object)
    }
}
