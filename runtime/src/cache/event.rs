//! [`Event`]: what a handler of a [`super::SharedInformer`] is told.

use std::sync::Arc;

use super::store::object_key;
use crate::resource::Metadata;

/// A change to the cache, delivered to handlers in the order the cache saw it.
///
/// Objects are shared with the store (`Arc`): a handler that keeps one keeps it alive, and
/// must not expect it to change (a newer state is a new `Arc`).
#[derive(Debug)]
pub enum Event<K> {
    /// An object appeared. `is_in_initial_list` is true for the objects of the informer's
    /// first list (and for the current objects replayed to a handler registered later).
    Added {
        /// The object.
        object: Arc<K>,
        /// Whether the object comes from the initial list rather than a later change.
        is_in_initial_list: bool,
    },
    /// An object changed. On a periodic resync `old` and `new` are the same object, as in
    /// client-go (compare `metadata.resourceVersion` to tell a resync from a change).
    Updated {
        /// The state before.
        old: Arc<K>,
        /// The state after.
        new: Arc<K>,
    },
    /// An object was deleted.
    Deleted {
        /// Its last state: the one the server sent with the deletion, or, when
        /// `final_state_unknown`, the last one the cache had.
        object: Arc<K>,
        /// client-go's `DeletedFinalStateUnknown`: the deletion was not seen as a watch event
        /// but inferred by a relist that no longer contains the object (the watch was down
        /// while it was deleted), so `object` may be stale.
        final_state_unknown: bool,
    },
}

impl<K> Clone for Event<K> {
    fn clone(&self) -> Self {
        match self {
            Event::Added {
                object,
                is_in_initial_list,
            } => Event::Added {
                object: Arc::clone(object),
                is_in_initial_list: *is_in_initial_list,
            },
            Event::Updated { old, new } => Event::Updated {
                old: Arc::clone(old),
                new: Arc::clone(new),
            },
            Event::Deleted {
                object,
                final_state_unknown,
            } => Event::Deleted {
                object: Arc::clone(object),
                final_state_unknown: *final_state_unknown,
            },
        }
    }
}

impl<K> Event<K> {
    /// The newest state the event carries (the deleted object's last state for a deletion).
    pub fn object(&self) -> &Arc<K> {
        match self {
            Event::Added { object, .. } | Event::Deleted { object, .. } => object,
            Event::Updated { new, .. } => new,
        }
    }

    /// Whether this is a periodic resync (an update whose old and new are the same object).
    pub fn is_resync(&self) -> bool {
        matches!(self, Event::Updated { old, new } if Arc::ptr_eq(old, new))
    }
}

impl<K: Metadata> Event<K> {
    /// The cache key of the object (`namespace/name`, or `name`), what controllers put on a
    /// work queue.
    pub fn key(&self) -> String {
        object_key(self.object().as_ref())
    }
}
