//! `k8s.io/apimachinery/pkg/apis/meta/v1`: object and list metadata, `Status`, label
//! selectors, conditions, delete options, watch events and discovery documents.
//!
//! Field names on the wire are exactly those of the Kubernetes API. Optional fields are
//! `Option`s, including lists and maps, so that an empty list sent by the server stays an empty
//! list and an absent one stays absent. Required fields are plain values; when one is missing
//! on the wire it decodes to its default, as it does in Go.

mod condition;
mod discovery;
mod fields_v1;
mod group_resource;
mod label_selector;
mod list_meta;
mod object_meta;
mod options;
mod status;
mod watch;

pub use condition::Condition;
pub use discovery::{
    ApiGroup, ApiGroupList, ApiResource, ApiResourceList, ApiVersions, GroupVersionForDiscovery,
    ServerAddressByClientCIDR, ServerAddressByClientCidr,
};
pub use group_resource::GroupResource;
pub use label_selector::{
    FieldSelectorRequirement, LabelSelector, LabelSelectorError, LabelSelectorRequirement,
};
pub use list_meta::{ListMeta, ShardInfo, TypeMeta};
pub use object_meta::{FieldsV1, ManagedFieldsEntry, ObjectMeta, OwnerReference};
pub use options::{DeleteOptions, Preconditions};
pub use status::{Status, StatusCause, StatusDetails};
pub use watch::WatchEvent;

pub use crate::time::{Duration, MicroTime, Time};
