//! The `status` and `scale` subresources of [`Api`], and the `autoscaling/v1` [`Scale`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Api, Patch, PatchParams, PostParams, with_type_meta};
use crate::client::Result;
use crate::meta::v1::ObjectMeta;
use crate::resource::Resource;

/// `autoscaling/v1` `Scale`: what the `scale` subresource reads and writes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scale {
    /// `autoscaling/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `Scale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The scaled object's metadata (name, namespace, uid, resourceVersion).
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ScaleSpec>,
    /// Observed state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ScaleStatus>,
}

/// Desired replicas.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleSpec {
    /// Desired number of instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
}

/// Observed replicas.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleStatus {
    /// Actual number of instances.
    #[serde(default)]
    pub replicas: i32,
    /// Label selector of the pods, in query-string form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
}

impl<K: Resource> Api<K> {
    /// Gets an object through its `status` subresource.
    pub async fn get_status(&self, name: &str) -> Result<K> {
        self.target.get(&self.client, name, Some("status")).await
    }

    /// Replaces the status (`PUT …/status`, client-go's `UpdateStatus`): only `status`
    /// changes; the server ignores the rest.
    #[doc(alias = "update_status")]
    pub async fn replace_status(&self, name: &str, pp: &PostParams, object: &K) -> Result<K> {
        self.target
            .replace(
                &self.client,
                name,
                Some("status"),
                pp,
                &with_type_meta::<K>(object)?,
            )
            .await
    }

    /// Patches the status.
    pub async fn patch_status<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<K> {
        self.target
            .patch(&self.client, name, Some("status"), pp, patch)
            .await
    }

    /// Gets the `scale` subresource.
    pub async fn get_scale(&self, name: &str) -> Result<Scale> {
        self.target.get(&self.client, name, Some("scale")).await
    }

    /// Replaces the `scale` subresource (set `metadata.resourceVersion` to guard against
    /// concurrent changes).
    pub async fn replace_scale(&self, name: &str, pp: &PostParams, scale: &Scale) -> Result<Scale> {
        let mut scale = scale.clone();
        scale
            .api_version
            .get_or_insert_with(|| "autoscaling/v1".into());
        scale.kind.get_or_insert_with(|| "Scale".into());
        self.target
            .replace(&self.client, name, Some("scale"), pp, &scale)
            .await
    }

    /// Patches the `scale` subresource.
    pub async fn patch_scale<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<Scale> {
        self.target
            .patch(&self.client, name, Some("scale"), pp, patch)
            .await
    }

    /// Gets any subresource of an object, decoded as `T`.
    pub async fn get_subresource<T: DeserializeOwned>(
        &self,
        subresource: &str,
        name: &str,
    ) -> Result<T> {
        self.target.get(&self.client, name, Some(subresource)).await
    }
}
