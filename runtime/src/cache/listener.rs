//! Delivering cache events to handlers: [`EventHandler`], each handler's own queue and task,
//! [`HandlerRegistration`], and the distributor the store's writer hands events to.
//!
//! # Memory policy
//!
//! Every handler has an **unbounded** FIFO of events (like client-go's growing ring buffer in
//! `processorListener`). A slow handler therefore never blocks the reflector nor other
//! handlers, and never misses or reorders an event; what it costs is its backlog. A queued
//! event is small: the objects are `Arc`s shared with the store and with the other
//! handlers' queues, so a backlog of `n` events costs `n` × (enum + one or two pointers),
//! not `n` objects. Bounding the queue would mean either blocking the reflector (the watch
//! then falls behind and eventually expires, forcing relists) or dropping and coalescing
//! events per key (handlers then lose the intermediate states and `Deleted`+`Added` pairs
//! client-go promises). A handler that cannot keep up should hand keys to a
//! [`crate::workqueue::WorkQueue`], which coalesces by key, and do the slow work there;
//! [`HandlerRegistration::backlog`] tells how far behind a handler is.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use parking_lot::{Mutex, MutexGuard};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::event::Event;

/// Receives the events of a [`super::SharedInformer`], one at a time, in order, on its own
/// task.
///
/// Closures `FnMut(Event<K>)` are handlers; wrap an async closure in [`AsyncHandler`].
pub trait EventHandler<K>: Send + 'static {
    /// Handles one event. The next event is delivered when this returns.
    fn handle(&mut self, event: Event<K>) -> impl Future<Output = ()> + Send;
}

impl<K, F> EventHandler<K> for F
where
    F: FnMut(Event<K>) + Send + 'static,
{
    fn handle(&mut self, event: Event<K>) -> impl Future<Output = ()> + Send {
        self(event);
        std::future::ready(())
    }
}

/// An async handler: a closure returning a future, awaited before the next event.
pub struct AsyncHandler<F>(pub F);

impl<K, F, Fut> EventHandler<K> for AsyncHandler<F>
where
    F: FnMut(Event<K>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    fn handle(&mut self, event: Event<K>) -> impl Future<Output = ()> + Send {
        (self.0)(event)
    }
}

pub(crate) enum Message<K> {
    Event(Event<K>),
    /// Everything queued before this belongs to the informer's initial state.
    Synced,
}

/// What a registration and its task share.
struct ListenerShared {
    stopped: AtomicBool,
    synced: watch::Sender<bool>,
    backlog: AtomicUsize,
}

struct Listener<K> {
    id: u64,
    tx: mpsc::UnboundedSender<Message<K>>,
    shared: Arc<ListenerShared>,
    resync: Option<Duration>,
    next_resync: Option<Instant>,
}

impl<K> Listener<K> {
    fn send(&self, message: Message<K>) {
        self.shared.backlog.fetch_add(1, Ordering::Relaxed);
        if self.tx.send(message).is_err() {
            // The task is gone (stopped); nothing to deliver to.
            self.shared.backlog.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// The handlers of one informer, behind the lock the writer holds while it changes the
/// store and hands out the events of the change.
pub(crate) struct Distributor<K> {
    listeners: Mutex<Listeners<K>>,
}

pub(crate) struct Listeners<K> {
    list: Vec<Listener<K>>,
    synced: bool,
    next_id: u64,
    /// The informer's resync check period, once it runs: handlers' periods are not shorter.
    check_period: Option<Duration>,
    started: bool,
}

/// A handler's task, to be spawned when the informer runs (or at once if it does).
pub(crate) type HandlerTask = Pin<Box<dyn Future<Output = ()> + Send>>;

impl<K: Send + Sync + 'static> Distributor<K> {
    pub(crate) fn new() -> Self {
        Distributor {
            listeners: Mutex::new(Listeners {
                list: Vec::new(),
                synced: false,
                next_id: 0,
                check_period: None,
                started: false,
            }),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Listeners<K>> {
        self.listeners.lock()
    }
}

impl<K: Send + Sync + 'static> Listeners<K> {
    /// Hands events to every handler's queue.
    pub(crate) fn deliver(&mut self, events: &[Event<K>]) {
        for listener in &self.list {
            for event in events {
                listener.send(Message::Event(event.clone()));
            }
        }
    }

    /// The informer has stored its first list.
    pub(crate) fn mark_synced(&mut self) {
        self.synced = true;
        for listener in &self.list {
            listener.send(Message::Synced);
        }
    }

    /// Sends `Updated(x, x)` for every cached object to the handlers whose resync is due.
    pub(crate) fn resync<'a>(&mut self, objects: impl Iterator<Item = &'a Arc<K>>) {
        let now = Instant::now();
        let due: Vec<usize> = (0..self.list.len())
            .filter(|&i| self.list[i].next_resync.is_some_and(|t| t <= now))
            .collect();
        if due.is_empty() {
            return;
        }
        let objects: Vec<&Arc<K>> = objects.collect();
        for i in due {
            let listener = &mut self.list[i];
            for object in &objects {
                listener.send(Message::Event(Event::Updated {
                    old: Arc::clone(object),
                    new: Arc::clone(object),
                }));
            }
            listener.next_resync = listener.resync.map(|p| now + p);
        }
    }

    /// Called when the informer starts: fixes the resync check period (the shortest of the
    /// informer's default and the handlers' periods) and schedules the first resyncs.
    pub(crate) fn start(&mut self, default_resync: Option<Duration>) -> Option<Duration> {
        self.started = true;
        let shortest = self
            .list
            .iter()
            .filter_map(|l| l.resync)
            .chain(default_resync)
            .min();
        self.check_period = shortest;
        let now = Instant::now();
        for listener in &mut self.list {
            listener.next_resync = listener.resync.map(|p| now + p);
        }
        shortest
    }

    /// Stops every handler task (events still queued are dropped, as in client-go).
    pub(crate) fn stop_all(&mut self) {
        for listener in self.list.drain(..) {
            listener.shared.stopped.store(true, Ordering::SeqCst);
        }
    }

    fn remove(&mut self, id: u64) {
        if let Some(i) = self.list.iter().position(|l| l.id == id) {
            let listener = self.list.remove(i);
            listener.shared.stopped.store(true, Ordering::SeqCst);
        }
    }
}

/// Registers a handler: replays `current` (the cached objects) to it as initial `Added`
/// events, and returns its registration and its task.
pub(crate) fn register<K, H>(
    distributor: &Arc<Distributor<K>>,
    listeners: &mut Listeners<K>,
    handler: H,
    resync: Option<Duration>,
    current: Vec<Arc<K>>,
) -> (HandlerRegistration, HandlerTask)
where
    K: Send + Sync + 'static,
    H: EventHandler<K>,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(ListenerShared {
        stopped: AtomicBool::new(false),
        synced: watch::Sender::new(false),
        backlog: AtomicUsize::new(0),
    });
    let id = listeners.next_id;
    listeners.next_id += 1;
    // Once the informer runs its check period is fixed: a shorter period cannot be honoured.
    let resync = match (resync, listeners.started) {
        (Some(p), true) => listeners.check_period.map(|c| p.max(c)),
        (r, _) => r,
    };
    let listener = Listener {
        id,
        tx,
        shared: Arc::clone(&shared),
        resync,
        next_resync: match listeners.started {
            true => resync.map(|p| Instant::now() + p),
            false => None,
        },
    };
    for object in current {
        listener.send(Message::Event(Event::Added {
            object,
            is_in_initial_list: true,
        }));
    }
    if listeners.synced {
        listener.send(Message::Synced);
    }
    listeners.list.push(listener);

    let weak = Arc::downgrade(distributor);
    let registration = HandlerRegistration {
        shared: Arc::clone(&shared),
        remove: Arc::new(move || {
            if let Some(distributor) = weak.upgrade() {
                distributor.lock().remove(id);
            }
        }),
    };
    let task = Box::pin(run_handler(handler, rx, shared));
    (registration, task)
}

async fn run_handler<K, H: EventHandler<K>>(
    mut handler: H,
    mut rx: mpsc::UnboundedReceiver<Message<K>>,
    shared: Arc<ListenerShared>,
) {
    while let Some(message) = rx.recv().await {
        if shared.stopped.load(Ordering::SeqCst) {
            break;
        }
        match message {
            Message::Event(event) => handler.handle(event).await,
            Message::Synced => {
                shared.synced.send_replace(true);
            }
        }
        shared.backlog.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The handle of a handler added to an informer: tells whether the handler has processed
/// the informer's initial state, and removes it.
///
/// Dropping the registration does not remove the handler.
#[derive(Clone)]
pub struct HandlerRegistration {
    shared: Arc<ListenerShared>,
    remove: Arc<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for HandlerRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandlerRegistration")
            .field("has_synced", &self.has_synced())
            .field("backlog", &self.backlog())
            .finish()
    }
}

impl HandlerRegistration {
    /// Whether the informer has synced and this handler has processed every event of the
    /// initial state (its own `HasSynced` in client-go).
    pub fn has_synced(&self) -> bool {
        *self.shared.synced.borrow()
    }

    /// Waits until [`HandlerRegistration::has_synced`]. Never completes for a handler that
    /// was removed before that.
    pub async fn wait_for_sync(&self) {
        let mut rx = self.shared.synced.subscribe();
        let _ = rx.wait_for(|synced| *synced).await;
    }

    /// How many events are queued for this handler and not yet handled.
    pub fn backlog(&self) -> usize {
        self.shared.backlog.load(Ordering::Relaxed)
    }

    /// Whether the handler has been removed (or its informer stopped).
    pub fn is_removed(&self) -> bool {
        self.shared.stopped.load(Ordering::SeqCst)
    }

    /// Removes the handler: it is called no more (an event being handled completes).
    pub fn remove(&self) {
        (self.remove)();
        self.shared.stopped.store(true, Ordering::SeqCst);
    }
}
