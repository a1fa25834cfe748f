//! Sending callbacks: `send` records a delivery durably and returns; a worker delivers it,
//! signed (Standard Webhooks), retried on a schedule, never redirected, never to an address
//! it must not reach, and dead-lettered when the schedule runs out.

mod asymmetric;
mod config;
mod keys;
mod metrics;
mod pause;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
mod postgres_tls;
mod retention;
mod retry;
mod scheduled;
mod send_options;
mod signing;
mod sqlite;
mod ssrf;
mod store;
#[cfg(test)]
mod store_contract;
mod webhook;
mod worker;

use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use serde::Serialize;
use tokio::sync::Notify;

pub use asymmetric::{PublicKey, SigningKey};
pub use config::DispatcherConfig;
pub use keys::{KeyError, KeyFuture, KeyStore, SigningKeys, StaticKeys};
pub use metrics::Metrics;
pub use pause::{origin, PausePolicy, TargetState, TargetStatus};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use retention::RetentionPolicy;
pub use retry::{parse_retry_after, RetrySchedule};
pub use scheduled::CancelError;
pub use send_options::SendOptions;
pub use signing::{signature_header, Secret, SecretError};
pub use sqlite::SqliteStore;
pub use ssrf::{
    check_ip, check_url, refusal_reason, AllowList, GuardedResolver, Lookup, Refused, SystemLookup,
};
pub use store::{
    Attempt, Claim, Cursor, Delivery, DeliveryFilter, DeliveryState, DeliveryStore, MemoryStore,
    Minute, Outcome, StoreError, StoreFuture, Summary,
};
pub use worker::Worker;

use crate::{Callback, Schema};

/// Why `send` did not record a delivery. Each variant keeps what went wrong: the refusal,
/// serde_json's error (as the [`source`](std::error::Error::source)), or the store's error.
///
/// `#[non_exhaustive]`: `send` may come to fail in new ways; match with a `_` arm.
///
/// ```
/// use std::error::Error;
/// use ringback::dispatch::SendError;
///
/// fn explain(e: &SendError) -> String {
///     match e {
///         SendError::Refused(r) => format!("not sending to {}: {}", r.target, r.reason),
///         SendError::Payload(json) => format!("a bug in the payload type: {json}"),
///         SendError::Store(store) => format!("try again later: {store:#}"),
///         _ => e.to_string(),
///     }
/// }
/// let json = serde_json::from_str::<u8>("x").unwrap_err();
/// let e = SendError::Payload(json);
/// assert_eq!(e.to_string(), "the callback payload did not serialize");
/// assert!(e.source().is_some());
/// assert!(explain(&e).starts_with("a bug"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The target may not be reached.
    #[error(transparent)]
    Refused(Refused),
    /// The payload did not serialize.
    #[error("the callback payload did not serialize")]
    Payload(#[source] serde_json::Error),
    /// The store failed; nothing was recorded.
    #[error(transparent)]
    Store(StoreError),
    /// A key id was given, but the dispatcher has no key store to resolve it; nothing was
    /// recorded.
    #[error("the delivery names key id {0:?}, but the dispatcher has no key store (DispatcherConfig::key_store)")]
    NoKeyStore(String),
}

/// Sends callbacks: durably recorded by [`send`](Self::send), delivered by a [`Worker`].
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use ringback::dispatch::{Dispatcher, DispatcherConfig, Secret};
/// use ringback::Callback;
///
/// #[derive(serde::Serialize, ringback::Schema)]
/// struct Ready { order_id: u64 }
///
/// let dispatcher = Dispatcher::sqlite("outbox.db", DispatcherConfig::new(Secret::generate()))?;
/// let worker = dispatcher.start();
/// let callback: Callback<Ready> = Callback::new("orderReady", "https://client.example/hooks");
/// let id = dispatcher.send(&callback, &Ready { order_id: 1 }).await?;
/// println!("recorded {id}");
/// worker.shutdown(std::time::Duration::from_secs(5)).await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn DeliveryStore>,
    config: DispatcherConfig,
    /// What signs deliveries without a key id: the config's secrets and Ed25519 keys.
    default_keys: SigningKeys,
    client: reqwest::Client,
    wake: Notify,
    counters: metrics::Counters,
    targets: pause::tracker::Tracker,
}

impl Dispatcher {
    /// A dispatcher over `store`.
    pub fn new(store: impl DeliveryStore, config: DispatcherConfig) -> Self {
        Self::with_store(Arc::new(store), config)
    }

    /// A dispatcher over a shared store.
    pub fn with_store(store: Arc<dyn DeliveryStore>, config: DispatcherConfig) -> Self {
        let default_keys = config.signing_keys.iter().cloned().fold(
            SigningKeys::from(config.secrets.clone()),
            SigningKeys::signing_key,
        );
        assert!(
            !default_keys.is_empty(),
            "a dispatcher signs every delivery: give DispatcherConfig at least one secret or signing key"
        );
        let client = reqwest::Client::builder()
            // A proxy would resolve names itself, around the guard.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver::new(
                config.lookup.clone(),
                config.allow.clone(),
            )))
            .timeout(config.attempt_timeout)
            .user_agent(concat!("ringback/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client's configuration is valid");
        Dispatcher {
            inner: Arc::new(Inner {
                store,
                config,
                default_keys,
                client,
                wake: Notify::new(),
                counters: metrics::Counters::default(),
                targets: pause::tracker::Tracker::default(),
            }),
        }
    }

    /// A dispatcher over the SQLite file at `path` (created if needed): the embedded default.
    pub fn sqlite(path: impl AsRef<Path>, config: DispatcherConfig) -> Result<Self, StoreError> {
        Ok(Self::new(SqliteStore::open(path)?, config))
    }

    /// A dispatcher over the PostgreSQL database at `url`, shared by every instance of the
    /// service (tables created on first use).
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str, config: DispatcherConfig) -> Result<Self, StoreError> {
        Ok(Self::new(PostgresStore::connect(url).await?, config))
    }

    /// Records a delivery of `payload` to `callback` and returns its id (the `webhook-id`)
    /// once the store has it durably. A target that can be refused now (not http or https,
    /// or an IP literal that is not public) is refused here, and nothing is recorded.
    ///
    /// To send it later instead, see [`send_at`](Self::send_at) and
    /// [`send_after`](Self::send_after).
    pub async fn send<T: Schema + Serialize>(
        &self,
        callback: &Callback<T>,
        payload: &T,
    ) -> Result<String, SendError> {
        self.send_with(callback, payload, SendOptions::new()).await
    }

    /// [`send`](Self::send), signed with the keys the [key store](DispatcherConfig::key_store)
    /// holds for `key_id` (a customer's, say) rather than the dispatcher's own: the same as
    /// `send_with(callback, payload, SendOptions::new().key(key_id))`.
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: ringback::dispatch::Dispatcher) -> Result<(), ringback::dispatch::SendError> {
    /// #[derive(serde::Serialize, ringback::Schema)]
    /// struct Ready { order_id: u64 }
    /// let callback = ringback::Callback::new("orderReady", "https://client.example/hooks");
    /// dispatcher.send_keyed("customer-42", &callback, &Ready { order_id: 1 }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_keyed<T: Schema + Serialize>(
        &self,
        key_id: &str,
        callback: &Callback<T>,
        payload: &T,
    ) -> Result<String, SendError> {
        self.send_with(callback, payload, SendOptions::new().key(key_id))
            .await
    }

    /// [`send`](Self::send) with options: which key signs it ([`SendOptions::key`]).
    pub async fn send_with<T: Schema + Serialize>(
        &self,
        callback: &Callback<T>,
        payload: &T,
        options: SendOptions,
    ) -> Result<String, SendError> {
        let config = &self.inner.config;
        check_url(callback.url(), &config.allow).map_err(SendError::Refused)?;
        if let (Some(key_id), None) = (&options.key_id, &config.key_store) {
            return Err(SendError::NoKeyStore(key_id.clone()));
        }
        let body = crate::schema::visibility::to_json_bytes(payload).map_err(SendError::Payload)?;
        let now = SystemTime::now();
        let later = options.due.filter(|due| *due > now);
        let id = delivery_id();
        let delivery = Delivery {
            next_attempt_at: later.unwrap_or(now),
            key_id: options.key_id,
            ..Delivery::new(
                &id,
                callback.name(),
                callback.method(),
                callback.url(),
                body,
                now,
            )
        };
        self.inner
            .store
            .enqueue(delivery)
            .await
            .map_err(SendError::Store)?;
        metrics::Counters::add(&self.inner.counters.enqueued);
        if later.is_some() {
            // Nothing to wake the worker for: its poll finds the delivery when it falls due.
            metrics::Counters::add(&self.inner.counters.scheduled);
        } else {
            self.inner.wake.notify_one();
        }
        Ok(id)
    }

    /// Records a delivery whose first attempt is due at `due` (now when `None`).
    async fn record<T: Schema + Serialize>(
        &self,
        callback: &Callback<T>,
        payload: &T,
        due: Option<SystemTime>,
    ) -> Result<String, SendError> {
        let options = SendOptions {
            due,
            ..SendOptions::new()
        };
        self.send_with(callback, payload, options).await
    }

    /// Whether a callback URL would be refused now (scheme, or an IP literal that is not
    /// public and not allowed). Names are checked when they are resolved, at delivery.
    pub fn check_target(&self, url: &str) -> Result<(), Refused> {
        check_url(url, &self.inner.config.allow).map(drop)
    }

    /// Starts the worker that delivers (one per dispatcher is enough; several share the work
    /// through the store's claims). Beside it runs the [retention](DispatcherConfig::retention)
    /// task, which deletes finished deliveries once they are old enough.
    pub fn start(&self) -> Worker {
        worker::start(self.inner.clone())
    }

    /// What this dispatcher has done: enqueued, delivered, retried, dead-lettered, in flight.
    pub fn metrics(&self) -> Metrics {
        self.inner.counters.snapshot()
    }

    /// The store, to list deliveries and read their attempts.
    pub fn store(&self) -> &dyn DeliveryStore {
        &*self.inner.store
    }

    /// Makes every dead delivery matching `filter` (a target, a time range) pending again;
    /// returns how many.
    pub async fn replay_matching(&self, filter: DeliveryFilter) -> Result<u64, StoreError> {
        let n = self
            .inner
            .store
            .replay_matching(filter, SystemTime::now())
            .await?;
        if n > 0 {
            self.inner.wake.notify_one();
        }
        Ok(n)
    }

    /// Makes a dead delivery pending again; `false` when it is not dead.
    pub async fn replay(&self, id: &str) -> Result<bool, StoreError> {
        let replayed = self.inner.store.replay(id, SystemTime::now()).await?;
        if replayed {
            self.inner.wake.notify_one();
        }
        Ok(replayed)
    }
}

impl Dispatcher {
    /// Pauses the origin of `target` (a callback URL or an origin, `scheme://host[:port]`) by
    /// hand, saying why: no delivery to it is attempted, and none burns its schedule, until
    /// [`resume_target`](Self::resume_target). It is never probed. Every instance sharing the
    /// store sees it.
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: ringback::dispatch::Dispatcher) -> Result<(), ringback::dispatch::StoreError> {
    /// let paused = dispatcher.pause_target("https://client.example/hooks", "their maintenance window").await?;
    /// assert_eq!(paused.origin, "https://client.example");
    /// assert_eq!(paused.reason.as_deref(), Some("their maintenance window"));
    /// # Ok(()) }
    /// ```
    pub async fn pause_target(
        &self,
        target: &str,
        reason: impl Into<String>,
    ) -> Result<TargetState, StoreError> {
        let origin = pause::origin(target).to_owned();
        let now = SystemTime::now();
        let known = self.inner.store.targets().await?;
        let before = known.into_iter().find(|t| t.origin == origin);
        let paused = TargetState {
            origin: origin.clone(),
            status: TargetStatus::Paused,
            failures: before.as_ref().map_or(0, |t| t.failures),
            failing_since: before.as_ref().map_or(now, |t| t.failing_since),
            since: now,
            until: now,
            last_error: before.and_then(|t| t.last_error),
            reason: Some(reason.into()),
        };
        self.inner.store.set_target(paused.clone()).await?;
        tracing::warn!(origin = %origin, reason = paused.reason.as_deref().unwrap_or(""), last_error = paused.last_error.as_deref().unwrap_or(""), "callback target paused by hand");
        self.inner
            .targets
            .note(&self.inner, &origin, Some(paused.clone()));
        Ok(paused)
    }

    /// Resumes the origin of `target` (paused by hand or by the policy, or failing): its
    /// deliveries are due at once, with the attempts and schedule they had. `false` when it
    /// had no state.
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: ringback::dispatch::Dispatcher) -> Result<(), ringback::dispatch::StoreError> {
    /// if dispatcher.resume_target("https://client.example").await? {
    ///     println!("resumed");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn resume_target(&self, target: &str) -> Result<bool, StoreError> {
        let origin = pause::origin(target);
        let resumed = self.inner.store.clear_target(origin, None).await?;
        if resumed {
            tracing::info!(origin, "callback target resumed by hand");
            self.inner.targets.note(&self.inner, origin, None);
            self.inner.wake.notify_one();
        }
        Ok(resumed)
    }

    /// The targets paused or being probed now, by origin, each with since when, its last
    /// error, and why if an operator paused it.
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: ringback::dispatch::Dispatcher) -> Result<(), ringback::dispatch::StoreError> {
    /// for t in dispatcher.paused_targets().await? {
    ///     println!("{} {:?} since {:?}: {:?}", t.origin, t.status, t.since, t.last_error);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn paused_targets(&self) -> Result<Vec<TargetState>, StoreError> {
        let mut targets = self.inner.store.targets().await?;
        targets.retain(|t| t.status.holds());
        Ok(targets)
    }
}

/// A new delivery's id, its `webhook-id`. Time-ordered (UUIDv7): a store's indexes on the id
/// then grow at one end, so a group of new deliveries dirties a page or two instead of one
/// page per delivery, as random ids did.
fn delivery_id() -> String {
    format!("msg_{}", uuid::Uuid::now_v7().simple())
}

#[cfg(test)]
mod delivery_id_tests {
    #[test]
    fn delivery_ids_sort_in_the_order_they_were_made() {
        let ids: Vec<String> = (0..10_000).map(|_| super::delivery_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids out of order");
        assert!(ids
            .iter()
            .all(|id| id.len() == 36 && id.starts_with("msg_")));
    }
}
