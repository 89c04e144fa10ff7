//! [`ListerWatcher`]: what a reflector needs from the API (client-go's `ListerWatcher`),
//! implemented for the typed [`Api`] and the dynamic [`DynamicApi`].

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

use crate::api::{Api, ListParams, WatchEvent, WatchParams};
use crate::client::Result;
use crate::dynamic::{DynamicApi, DynamicObject};
use crate::resource::Resource;

/// A stream of watch events, as a [`ListerWatcher`] returns it.
pub type WatchStream<K> = BoxStream<'static, Result<WatchEvent<K>>>;

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct ListPage<K> {
    /// The objects.
    pub items: Vec<K>,
    /// The list's `metadata.resourceVersion`: where a watch resumes from.
    pub resource_version: String,
    /// `metadata.continue`: the token of the next page, if any.
    pub continue_token: Option<String>,
}

/// Lists and watches one resource (in one namespace or all). Object-safe, so that informers
/// hold an `Arc<dyn ListerWatcher<K>>` and tests can script one.
pub trait ListerWatcher<K>: Send + Sync + 'static {
    /// Lists one page (`lp.limit`, `lp.continue_token`, `lp.resource_version` as given).
    fn list<'a>(&'a self, lp: &'a ListParams) -> BoxFuture<'a, Result<ListPage<K>>>;

    /// Watches from `resource_version` (`""`: the current state first).
    fn watch<'a>(
        &'a self,
        wp: &'a WatchParams,
        resource_version: &'a str,
    ) -> BoxFuture<'a, Result<WatchStream<K>>>;
}

fn page<K>(metadata: crate::meta::v1::ListMeta, items: Vec<K>) -> ListPage<K> {
    ListPage {
        items,
        resource_version: metadata.resource_version.unwrap_or_default(),
        continue_token: metadata.continue_.filter(|c| !c.is_empty()),
    }
}

impl<K: Resource> ListerWatcher<K> for Api<K> {
    fn list<'a>(&'a self, lp: &'a ListParams) -> BoxFuture<'a, Result<ListPage<K>>> {
        Box::pin(async move {
            let list = Api::list(self, lp).await?;
            Ok(page(list.metadata, list.items))
        })
    }

    fn watch<'a>(
        &'a self,
        wp: &'a WatchParams,
        resource_version: &'a str,
    ) -> BoxFuture<'a, Result<WatchStream<K>>> {
        Box::pin(async move { Ok(Api::watch(self, wp, resource_version).await?.boxed()) })
    }
}

impl ListerWatcher<DynamicObject> for DynamicApi {
    fn list<'a>(&'a self, lp: &'a ListParams) -> BoxFuture<'a, Result<ListPage<DynamicObject>>> {
        Box::pin(async move {
            let list = DynamicApi::list(self, lp).await?;
            Ok(page(list.metadata, list.items))
        })
    }

    fn watch<'a>(
        &'a self,
        wp: &'a WatchParams,
        resource_version: &'a str,
    ) -> BoxFuture<'a, Result<WatchStream<DynamicObject>>> {
        Box::pin(async move { Ok(DynamicApi::watch(self, wp, resource_version).await?.boxed()) })
    }
}
