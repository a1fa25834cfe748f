//! Where deliveries wait: one trait, whose provided methods keep the bookkeeping every store
//! shares, and an in-memory store for tests (SQLite and PostgreSQL live beside this module).

mod browse;
pub(super) mod browse_sql;
mod error;
mod memory;
pub(super) mod sql;

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

pub use browse::{Cursor, Minute, Summary};
pub(super) use error::Context;
pub use error::StoreError;
pub use memory::MemoryStore;

use super::pause::{TargetState, TargetStatus};

/// The state of a delivery.
///
/// Exhaustive on purpose: users match on it, and a new state would change what every store
/// keeps and every claim takes, a breaking change however it was spelled.
///
/// A delivery scheduled for later ([`Dispatcher::send_at`](crate::dispatch::Dispatcher::send_at))
/// is `Pending` with its first attempt due then: claims take it when it falls due, like a
/// retry. [`DeliveryFilter::scheduled`] lists those not due yet.
///
/// ```
/// use ringback::dispatch::DeliveryState;
/// assert_eq!(DeliveryState::parse("cancelled"), Some(DeliveryState::Cancelled));
/// assert_eq!(DeliveryState::Cancelled.as_str(), "cancelled");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for its next attempt (its first, if it was scheduled for later).
    Pending,
    /// Claimed by a worker until its lease ends.
    InFlight,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed, or the receiver said it is gone; kept for inspection and replay.
    Dead,
    /// Cancelled while it was pending ([`Dispatcher::cancel`](crate::dispatch::Dispatcher::cancel)):
    /// never attempted again, kept for inspection, never replayed.
    Cancelled,
}

impl DeliveryState {
    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::InFlight => "in_flight",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
            DeliveryState::Cancelled => "cancelled",
        }
    }

    /// The state named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => DeliveryState::Pending,
            "in_flight" => DeliveryState::InFlight,
            "delivered" => DeliveryState::Delivered,
            "dead" => DeliveryState::Dead,
            "cancelled" => DeliveryState::Cancelled,
            _ => return None,
        })
    }
}

/// One callback to deliver.
///
/// Not `#[non_exhaustive]`: a store outside this crate builds it from what it stored, and a new
/// field would be a new column for every store to keep, a breaking change either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The `webhook-id`: the same on every attempt, so receivers can drop duplicates.
    pub id: String,
    /// The callback's name.
    pub callback: String,
    /// The HTTP method.
    pub method: String,
    /// The target URL.
    pub url: String,
    /// The JSON body, as sent on every attempt.
    pub body: Vec<u8>,
    /// When `send` recorded it.
    pub created_at: SystemTime,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due.
    pub next_attempt_at: SystemTime,
    /// Its state.
    pub state: DeliveryState,
    /// What went wrong last, if anything.
    pub last_error: Option<String>,
    /// The key id it is signed with, resolved by the dispatcher's key store at each attempt;
    /// `None` signs with the dispatcher's own keys (and is what deliveries recorded before key
    /// ids existed read as).
    pub key_id: Option<String>,
}

/// What one attempt did.
///
/// Not `#[non_exhaustive]`, for the reason [`Delivery`] is not: stores build it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Which attempt (1-based).
    pub number: u32,
    /// When it started.
    pub at: SystemTime,
    /// The status the receiver answered, if it answered.
    pub status: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// How long it took.
    pub latency: Duration,
    /// The first bytes of the response body.
    pub response_head: Vec<u8>,
}

impl Attempt {
    /// What went wrong, for the delivery's `last_error`: the error, or a status that is not
    /// success; `None` for a success.
    pub fn failure(&self) -> Option<String> {
        self.error.clone().or_else(|| {
            self.status
                .filter(|s| !(200..300).contains(s))
                .map(|s| format!("answered {s}"))
        })
    }
}

/// Which deliveries to list or replay: every condition given must hold.
///
/// `#[non_exhaustive]`, as more conditions will come: start from [`state`](Self::state) or
/// [`DeliveryFilter::default`] (everything) and narrow it.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ringback::dispatch::{DeliveryFilter, DeliveryState};
/// let dead_for_one_client = DeliveryFilter::state(DeliveryState::Dead).target("https://client.test/");
/// assert_eq!(dead_for_one_client.state, Some(DeliveryState::Dead));
/// let now = SystemTime::now();
/// let last_hour = DeliveryFilter::default().between(now - Duration::from_secs(3600), now);
/// assert_eq!(last_hour.state, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryFilter {
    /// In this state.
    pub state: Option<DeliveryState>,
    /// To a URL that starts with this (an origin, a path, or the whole URL).
    pub target: Option<String>,
    /// Recorded at or after this time.
    pub since: Option<SystemTime>,
    /// Recorded before this time.
    pub until: Option<SystemTime>,
    /// Whose next attempt is due after this time (a delivery scheduled for later, or a retry
    /// that waits).
    pub due_after: Option<SystemTime>,
    /// Not attempted yet.
    pub not_attempted: bool,
    /// Of the callback with this name (exactly).
    pub callback: Option<String>,
}

impl DeliveryFilter {
    /// Deliveries in `state`.
    pub fn state(state: DeliveryState) -> Self {
        DeliveryFilter {
            state: Some(state),
            ..Self::default()
        }
    }

    /// Only those to URLs starting with `prefix`.
    pub fn target(mut self, prefix: impl Into<String>) -> Self {
        self.target = Some(prefix.into());
        self
    }

    /// Only those recorded in `[since, until)`.
    pub fn between(mut self, since: SystemTime, until: SystemTime) -> Self {
        self.since = Some(since);
        self.until = Some(until);
        self
    }

    /// Deliveries scheduled for later and not due yet: pending, never attempted, with their
    /// first attempt due after now (read when the filter is made). Narrow it with the other
    /// setters.
    ///
    /// ```
    /// use ringback::dispatch::{DeliveryFilter, DeliveryState};
    /// let scheduled = DeliveryFilter::scheduled().target("https://client.test/");
    /// assert_eq!(scheduled.state, Some(DeliveryState::Pending));
    /// assert!(scheduled.not_attempted && scheduled.due_after.is_some());
    /// ```
    pub fn scheduled() -> Self {
        DeliveryFilter {
            state: Some(DeliveryState::Pending),
            due_after: Some(SystemTime::now()),
            not_attempted: true,
            ..Self::default()
        }
    }

    /// Only those whose next attempt is due after `t`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::DeliveryFilter;
    /// let in_an_hour = SystemTime::now() + Duration::from_secs(3600);
    /// let later = DeliveryFilter::default().due_after(in_an_hour);
    /// assert_eq!(later.due_after, Some(in_an_hour));
    /// ```
    pub fn due_after(mut self, t: SystemTime) -> Self {
        self.due_after = Some(t);
        self
    }

    /// Only those not attempted yet.
    ///
    /// ```
    /// use ringback::dispatch::DeliveryFilter;
    /// assert!(DeliveryFilter::default().not_attempted().not_attempted);
    /// ```
    pub fn not_attempted(mut self) -> Self {
        self.not_attempted = true;
        self
    }

    /// Only those of the callback named `name`.
    ///
    /// ```
    /// use ringback::dispatch::DeliveryFilter;
    /// let filter = DeliveryFilter::default().callback("orderStatusChange");
    /// assert_eq!(filter.callback.as_deref(), Some("orderStatusChange"));
    /// ```
    pub fn callback(mut self, name: impl Into<String>) -> Self {
        self.callback = Some(name.into());
        self
    }

    /// Whether `d` matches.
    pub fn matches(&self, d: &Delivery) -> bool {
        self.state.is_none_or(|s| s == d.state)
            && self.due_after.is_none_or(|t| d.next_attempt_at > t)
            && (!self.not_attempted || d.attempts == 0)
            && self.callback.as_ref().is_none_or(|c| *c == d.callback)
            && self
                .target
                .as_ref()
                .is_none_or(|t| d.url.starts_with(t.as_str()))
            && self.since.is_none_or(|t| d.created_at >= t)
            && self.until.is_none_or(|t| d.created_at < t)
    }
}

/// What an attempt settled for its delivery, as [`DeliveryStore::finish`] records it.
///
/// Exhaustive on purpose: every store must record every outcome, so a new one would be a
/// breaking change for each store, whatever the attribute said.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ringback::dispatch::{DeliveryState, Outcome};
/// let later = SystemTime::now() + Duration::from_secs(5);
/// assert_eq!(Outcome::RetryAt(later).state(), DeliveryState::Pending);
/// assert_eq!(Outcome::RetryAt(later).next_attempt(), Some(later));
/// assert_eq!(Outcome::Dead.next_attempt(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver accepted it: no more attempts.
    Delivered,
    /// It failed, and is attempted again at this time.
    RetryAt(SystemTime),
    /// It failed, and no more attempts are made (until a replay).
    Dead,
}

impl Outcome {
    /// The state the delivery is left in.
    ///
    /// ```
    /// use ringback::dispatch::{DeliveryState, Outcome};
    /// assert_eq!(Outcome::Delivered.state(), DeliveryState::Delivered);
    /// ```
    pub fn state(self) -> DeliveryState {
        match self {
            Outcome::Delivered => DeliveryState::Delivered,
            Outcome::RetryAt(_) => DeliveryState::Pending,
            Outcome::Dead => DeliveryState::Dead,
        }
    }

    /// When the next attempt is due, if there is one; otherwise the delivery's due time is
    /// left as it was.
    ///
    /// ```
    /// use ringback::dispatch::Outcome;
    /// assert_eq!(Outcome::Delivered.next_attempt(), None);
    /// ```
    pub fn next_attempt(self) -> Option<SystemTime> {
        match self {
            Outcome::RetryAt(at) => Some(at),
            Outcome::Delivered | Outcome::Dead => None,
        }
    }

    /// Applies the outcome of `attempt` to `d`: its state, its count of attempts (never
    /// lowered: a late answer to an older attempt does not undo a newer one), its last error
    /// and its due time. The SQL stores do the same in their `UPDATE`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{Attempt, Delivery, DeliveryState, Outcome};
    /// let now = SystemTime::now();
    /// let mut d = Delivery {
    ///     id: "msg_1".into(), callback: "cb".into(), method: "POST".into(),
    ///     url: "https://client.test/".into(), body: b"{}".to_vec(), created_at: now,
    ///     attempts: 0, next_attempt_at: now, state: DeliveryState::InFlight, last_error: None,
    ///     key_id: None,
    /// };
    /// let attempt = Attempt {
    ///     number: 1, at: now, status: Some(503), error: None,
    ///     latency: Duration::from_millis(8), response_head: Vec::new(),
    /// };
    /// Outcome::Dead.apply(&mut d, &attempt);
    /// assert_eq!((d.state, d.attempts), (DeliveryState::Dead, 1));
    /// assert_eq!(d.last_error.as_deref(), Some("answered 503"));
    /// ```
    pub fn apply(self, d: &mut Delivery, attempt: &Attempt) {
        d.attempts = d.attempts.max(attempt.number);
        d.state = self.state();
        d.last_error = attempt.failure();
        if let Some(next) = self.next_attempt() {
            d.next_attempt_at = next;
        }
    }
}

/// Which deliveries a worker claims, as [`DeliveryStore::claim`] receives it: those due at
/// [`now`](Self::now) (pending and due, or in flight with a lease that ended), at most
/// [`limit`](Self::limit), each to be held until [`lease_until`](Self::lease_until).
///
/// `#[non_exhaustive]`, as a claim may come to say more: build one with [`Claim::new`], and
/// leave out the origins a worker has no room for with [`skip`](Self::skip).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ringback::dispatch::Claim;
/// let now = SystemTime::now();
/// let claim = Claim::new(now, 10, Duration::from_secs(30));
/// assert_eq!(claim.lease_until, now + Duration::from_secs(30));
/// assert!(claim.skip.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claim {
    /// Deliveries due at or before this time are taken, and leases that end by then.
    pub now: SystemTime,
    /// At most this many.
    pub limit: usize,
    /// When the claim's lease ends and another worker may take the delivery over.
    pub lease_until: SystemTime,
    /// Origins (see [`origin`](crate::dispatch::origin)) whose deliveries are left where they
    /// are: the worker already runs as many attempts to each as it may, and taking more would
    /// only keep them waiting, in the way of other targets' deliveries.
    pub skip: Vec<String>,
}

impl Claim {
    /// Up to `limit` deliveries due at `now`, each held for `lease`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// let claim = ringback::dispatch::Claim::new(SystemTime::now(), 64, Duration::from_secs(60));
    /// assert_eq!(claim.limit, 64);
    /// ```
    pub fn new(now: SystemTime, limit: usize, lease: Duration) -> Self {
        Claim {
            now,
            limit,
            lease_until: now + lease,
            skip: Vec::new(),
        }
    }

    /// Leaves out the deliveries to `origins`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// let claim = ringback::dispatch::Claim::new(SystemTime::now(), 64, Duration::from_secs(60))
    ///     .skip(["https://slow.example".to_owned()]);
    /// assert_eq!(claim.skip, ["https://slow.example"]);
    /// ```
    pub fn skip(mut self, origins: impl IntoIterator<Item = String>) -> Self {
        self.skip.extend(origins);
        self
    }

    /// `d` as this claim hands it to the worker: in flight.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{Claim, Delivery, DeliveryState};
    /// let now = SystemTime::now();
    /// let d = Delivery {
    ///     id: "msg_1".into(), callback: "cb".into(), method: "POST".into(),
    ///     url: "https://client.test/".into(), body: b"{}".to_vec(), created_at: now,
    ///     attempts: 0, next_attempt_at: now, state: DeliveryState::Pending, last_error: None,
    ///     key_id: None,
    /// };
    /// let claimed = Claim::new(now, 1, Duration::from_secs(60)).take(d);
    /// assert_eq!(claimed.state, DeliveryState::InFlight);
    /// ```
    pub fn take(&self, mut d: Delivery) -> Delivery {
        d.state = DeliveryState::InFlight;
        d
    }
}

/// The future a store method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Durable storage of deliveries. Implementations must make [`enqueue`](Self::enqueue)
/// durable before its future completes: `send` returns only then.
///
/// Claims carry a lease: a claimed delivery whose worker died is claimed again once the lease
/// ends, so a delivery is never lost, and two workers attempt it at once only after a lease
/// expired.
///
/// A store implements the required methods; the others are provided in terms of them:
/// [`claim_due`](Self::claim_due) builds a [`Claim`], and [`delivered`](Self::delivered),
/// [`retry_at`](Self::retry_at) and [`dead`](Self::dead) each record an [`Outcome`] through
/// [`finish`](Self::finish).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ringback::dispatch::{DeliveryState, DeliveryStore, MemoryStore, Outcome};
/// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
/// let store = MemoryStore::default();
/// for d in store.claim_due(SystemTime::now(), 10, Duration::from_secs(30)).await? {
///     assert_eq!(d.state, DeliveryState::InFlight);
/// }
/// # Ok(()) }
/// ```
pub trait DeliveryStore: Send + Sync + 'static {
    /// Records a new delivery.
    fn enqueue(&self, delivery: Delivery) -> StoreFuture<'_, ()>;

    /// Claims the deliveries `claim` describes, oldest first: those whose lease ended, then
    /// pending ones in the order they fall due. Each is marked in flight until
    /// `claim.lease_until` and returned so (see [`Claim::take`]).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{Claim, DeliveryStore, MemoryStore};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let store = MemoryStore::default();
    /// let claimed = store.claim(Claim::new(SystemTime::now(), 10, Duration::from_secs(30))).await?;
    /// assert!(claimed.is_empty());
    /// # Ok(()) }
    /// ```
    fn claim(&self, claim: Claim) -> StoreFuture<'_, Vec<Delivery>>;

    /// Claims up to `limit` deliveries due at `now` (pending and due, or in flight with an
    /// expired lease), marking them in flight until `now + lease`.
    fn claim_due(
        &self,
        now: SystemTime,
        limit: usize,
        lease: Duration,
    ) -> StoreFuture<'_, Vec<Delivery>> {
        self.claim(Claim::new(now, limit, lease))
    }

    /// Records an attempt and what it settled: the delivery and its attempt log change
    /// together, as [`Outcome::apply`] describes.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{Attempt, DeliveryStore, MemoryStore, Outcome};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let store = MemoryStore::default();
    /// let attempt = Attempt {
    ///     number: 1, at: SystemTime::now(), status: Some(200), error: None,
    ///     latency: Duration::from_millis(12), response_head: b"ok".to_vec(),
    /// };
    /// store.finish("msg_1", attempt, Outcome::Delivered).await?;
    /// # Ok(()) }
    /// ```
    fn finish(&self, id: &str, attempt: Attempt, outcome: Outcome) -> StoreFuture<'_, ()>;

    /// Records a successful attempt.
    fn delivered(&self, id: &str, attempt: Attempt) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, Outcome::Delivered)
    }

    /// Records a failed attempt and when to try again.
    fn retry_at(&self, id: &str, attempt: Attempt, next: SystemTime) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, Outcome::RetryAt(next))
    }

    /// Records a failed attempt after which no more are made.
    fn dead(&self, id: &str, attempt: Attempt) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, Outcome::Dead)
    }

    /// Hands a claimed delivery back unattempted (on shutdown), due at once.
    fn release(&self, id: &str) -> StoreFuture<'_, ()>;

    /// A delivery by id.
    fn get(&self, id: &str) -> StoreFuture<'_, Option<Delivery>>;

    /// The attempts made for a delivery, oldest first.
    fn attempts(&self, id: &str) -> StoreFuture<'_, Vec<Attempt>>;

    /// Deliveries in `state`, oldest first, at most `limit`.
    fn list(&self, state: DeliveryState, limit: usize) -> StoreFuture<'_, Vec<Delivery>> {
        self.find(DeliveryFilter::state(state), limit)
    }

    /// Deliveries matching `filter`, oldest first, at most `limit`.
    fn find(&self, filter: DeliveryFilter, limit: usize) -> StoreFuture<'_, Vec<Delivery>>;

    /// Makes every dead delivery matching `filter` pending again, due at `now`; returns how
    /// many.
    fn replay_matching(&self, filter: DeliveryFilter, now: SystemTime) -> StoreFuture<'_, u64>;

    /// Makes a dead delivery pending again, due at `now`, with a fresh schedule; its id and
    /// attempt log stay.
    fn replay(&self, id: &str, now: SystemTime) -> StoreFuture<'_, bool>;

    /// Cancels a pending delivery (one scheduled for later, or waiting for a retry): it becomes
    /// [`Cancelled`](DeliveryState::Cancelled), so no claim takes it, and is kept. Answers the
    /// state the delivery was in, `Pending` when this call cancelled it, or `None` when there
    /// is no such delivery; a delivery in any other state is left as it is. The check and the
    /// change are one step, so a claim cannot take the delivery in between.
    ///
    /// Provided so that a store written before cancelling existed still compiles: it refuses
    /// with an error. Every store in this crate implements it.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use ringback::dispatch::{Delivery, DeliveryState, DeliveryStore, MemoryStore};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let store = MemoryStore::default();
    /// let now = SystemTime::now();
    /// store.enqueue(Delivery {
    ///     id: "msg_1".into(), callback: "cb".into(), method: "POST".into(),
    ///     url: "https://client.test/".into(), body: b"{}".to_vec(), created_at: now,
    ///     attempts: 0, next_attempt_at: now, state: DeliveryState::Pending, last_error: None,
    ///     key_id: None,
    /// }).await?;
    /// assert_eq!(store.cancel("msg_1").await?, Some(DeliveryState::Pending));
    /// assert_eq!(store.cancel("msg_1").await?, Some(DeliveryState::Cancelled));
    /// assert_eq!(store.cancel("msg_2").await?, None);
    /// # Ok(()) }
    /// ```
    fn cancel(&self, id: &str) -> StoreFuture<'_, Option<DeliveryState>> {
        let refused = StoreError::new(format!(
            "this store cannot cancel deliveries (delivery {id} was left as it is): implement \
             DeliveryStore::cancel"
        ));
        Box::pin(std::future::ready(Err(refused)))
    }

    /// Deletes up to `limit` deliveries that finished before `before`, delivered or
    /// cancelled, with their attempts; returns how many deliveries went. A delivery finished
    /// when its last attempt was made (delivered) or when it was cancelled, whenever it was
    /// recorded. Dead letters, pending and in-flight deliveries are never touched. A finished
    /// delivery whose finish time was never kept (recorded already finished, or finished by
    /// a version of ringback before retention) is given the time a purge first sees it, and
    /// goes a whole retention period after that.
    ///
    /// Each call is one short transaction that reads an index, never the whole outbox, so
    /// the retention task ([`RetentionPolicy`](crate::dispatch::RetentionPolicy)) calls it
    /// again while batches come back full without holding back `send`.
    ///
    /// Provided so that a store written before retention existed still compiles: it refuses
    /// with an error, which the retention task logs (turn retention off with
    /// [`DispatcherConfig::keep_finished_forever`](crate::dispatch::DispatcherConfig::keep_finished_forever)).
    /// Every store in this crate implements it.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{DeliveryStore, MemoryStore};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let week_ago = SystemTime::now() - Duration::from_secs(7 * 24 * 3600);
    /// assert_eq!(MemoryStore::default().purge_finished(week_ago, 500).await?, 0);
    /// # Ok(()) }
    /// ```
    fn purge_finished(&self, before: SystemTime, limit: usize) -> StoreFuture<'_, u64> {
        let _ = (before, limit);
        let refused = StoreError::new(
            "this store cannot delete finished deliveries: implement \
             DeliveryStore::purge_finished, or turn retention off \
             (DispatcherConfig::keep_finished_forever)",
        );
        Box::pin(std::future::ready(Err(refused)))
    }

    /// Deletes up to `limit` dead letters matching `filter` (whatever state it names: only
    /// dead deliveries go), with their attempts; returns how many went. An operator's action
    /// ([`Dispatcher::purge_dead`](crate::dispatch::Dispatcher::purge_dead) calls it batch
    /// after batch): retention never deletes a dead letter.
    ///
    /// Provided so that a store written before purging existed still compiles: it refuses
    /// with an error. Every store in this crate implements it.
    ///
    /// ```
    /// use ringback::dispatch::{DeliveryFilter, DeliveryStore, MemoryStore};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let filter = DeliveryFilter::default().target("https://gone.example/");
    /// assert_eq!(MemoryStore::default().purge_dead(filter, 500).await?, 0);
    /// # Ok(()) }
    /// ```
    fn purge_dead(&self, filter: DeliveryFilter, limit: usize) -> StoreFuture<'_, u64> {
        let _ = (filter, limit);
        let refused = StoreError::new(
            "this store cannot delete dead letters: implement DeliveryStore::purge_dead",
        );
        Box::pin(std::future::ready(Err(refused)))
    }

    // Target state: which origins are failing, paused or probed (see `PausePolicy`). A store
    // that keeps none has no paused targets, and says so when asked to pause one. A store that
    // keeps them also leaves the deliveries of every origin whose status
    // [holds](TargetStatus::holds) out of its claims.

    /// Every target with a state, by origin.
    ///
    /// ```
    /// use ringback::dispatch::{DeliveryStore, MemoryStore};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// assert!(MemoryStore::default().targets().await?.is_empty());
    /// # Ok(()) }
    /// ```
    fn targets(&self) -> StoreFuture<'_, Vec<TargetState>> {
        Box::pin(std::future::ready(Ok(Vec::new())))
    }

    /// Counts a failed attempt to `origin` at `at`: a new streak (see
    /// [`TargetState::failing`]) if it had no state, one more failure and `error` as its last
    /// error otherwise. Returns the state as it now is. Atomic: instances sharing the store
    /// count one streak.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use ringback::dispatch::{DeliveryStore, MemoryStore};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let store = MemoryStore::default();
    /// store.target_failed("https://c.test", SystemTime::now(), "answered 503").await?;
    /// let t = store.target_failed("https://c.test", SystemTime::now(), "timed out").await?;
    /// assert_eq!(t.failures, 2);
    /// # Ok(()) }
    /// ```
    fn target_failed(
        &self,
        origin: &str,
        at: SystemTime,
        error: &str,
    ) -> StoreFuture<'_, TargetState> {
        let _ = (origin, at, error);
        Box::pin(std::future::ready(Err(no_target_state())))
    }

    /// Records `target` as its origin's state, replacing any.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{DeliveryStore, MemoryStore, TargetState};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let store = MemoryStore::default();
    /// let now = SystemTime::now();
    /// let paused = TargetState::failing("https://c.test", now, "answered 500")
    ///     .paused(now, now + Duration::from_secs(60));
    /// store.set_target(paused.clone()).await?;
    /// assert_eq!(store.targets().await?, [paused]);
    /// # Ok(()) }
    /// ```
    fn set_target(&self, target: TargetState) -> StoreFuture<'_, ()> {
        let _ = target;
        Box::pin(std::future::ready(Err(no_target_state())))
    }

    /// Forgets `origin`'s state, if it is in `status` (any status when `None`): its
    /// deliveries are claimed again at once. Returns whether there was one to forget.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use ringback::dispatch::{DeliveryStore, MemoryStore, TargetStatus};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let store = MemoryStore::default();
    /// store.target_failed("https://c.test", SystemTime::now(), "answered 503").await?;
    /// assert!(!store.clear_target("https://c.test", Some(TargetStatus::Paused)).await?);
    /// assert!(store.clear_target("https://c.test", None).await?);
    /// # Ok(()) }
    /// ```
    fn clear_target(&self, origin: &str, status: Option<TargetStatus>) -> StoreFuture<'_, bool> {
        let _ = (origin, status);
        Box::pin(std::future::ready(Ok(false)))
    }

    /// Takes the right to probe `origin`: when it is paused (not by hand) with its probe due
    /// at `now`, or probing with a hold that ended by `now`, it becomes probing until `until`
    /// and this returns `true`. At most one caller gets `true` per hold.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{DeliveryStore, MemoryStore, TargetState};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let store = MemoryStore::default();
    /// let now = SystemTime::now();
    /// store.set_target(TargetState::failing("https://c.test", now, "answered 500").paused(now, now)).await?;
    /// let hold = now + Duration::from_secs(30);
    /// assert!(store.start_probe("https://c.test", now, hold).await?);
    /// assert!(!store.start_probe("https://c.test", now, hold).await?, "taken already");
    /// # Ok(()) }
    /// ```
    fn start_probe(
        &self,
        origin: &str,
        now: SystemTime,
        until: SystemTime,
    ) -> StoreFuture<'_, bool> {
        let _ = (origin, now, until);
        Box::pin(std::future::ready(Ok(false)))
    }

    /// A page of the deliveries matching `filter`, newest first (by creation time, then id),
    /// starting just after `after` (from the first when `None`), at most `limit`. The next
    /// page starts after the last one returned ([`Cursor::after`]).
    ///
    /// Provided in terms of [`find`](Self::find), reading every match; the SQL stores walk
    /// an index instead, so a page costs the same at any depth of a large outbox.
    ///
    /// ```
    /// use ringback::dispatch::{DeliveryFilter, DeliveryState, DeliveryStore, MemoryStore};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let store = MemoryStore::default();
    /// let dead = store.page(DeliveryFilter::state(DeliveryState::Dead), None, 50).await?;
    /// if let Some(last) = dead.last() {
    ///     let next = store.page(DeliveryFilter::state(DeliveryState::Dead), Some(ringback::dispatch::Cursor::after(last)), 50).await?;
    ///     # let _ = next;
    /// }
    /// # Ok(()) }
    /// ```
    fn page(
        &self,
        filter: DeliveryFilter,
        after: Option<Cursor>,
        limit: usize,
    ) -> StoreFuture<'_, Vec<Delivery>> {
        Box::pin(async move {
            let all = self.find(filter, usize::MAX).await?;
            Ok(browse::page_in_memory(all, after.as_ref(), limit))
        })
    }

    /// How many deliveries are in each state, and for each minute from `since` to `now`
    /// (at most a day), how many were recorded and what their attempts did.
    ///
    /// Provided in terms of [`find`](Self::find) and [`attempts`](Self::attempts), reading
    /// every delivery; the SQL stores count with their indexes instead.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{DeliveryState, DeliveryStore, MemoryStore};
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// let now = SystemTime::now();
    /// let summary = MemoryStore::default().summary(now - Duration::from_secs(3600), now).await?;
    /// assert_eq!(summary.count(DeliveryState::Dead), 0);
    /// assert_eq!(summary.minutes.len(), 61);
    /// # Ok(()) }
    /// ```
    fn summary(&self, since: SystemTime, now: SystemTime) -> StoreFuture<'_, Summary> {
        Box::pin(async move {
            let all = self.find(DeliveryFilter::default(), usize::MAX).await?;
            let mut summary = Summary::new(browse::count_states(&all), since, now);
            for d in &all {
                if let Some(m) = summary.minute_mut(d.created_at) {
                    m.recorded += 1;
                }
                if d.attempts > 0 {
                    for attempt in self.attempts(&d.id).await? {
                        summary.add_attempt(&attempt);
                    }
                }
            }
            Ok(summary)
        })
    }
}

/// What a store without target state answers when asked to keep one.
fn no_target_state() -> StoreError {
    StoreError::new(
        "this store keeps no target state: implement DeliveryStore's target methods to pause targets",
    )
}
