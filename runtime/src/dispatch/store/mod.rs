//! Where deliveries wait: one trait, whose provided methods keep the bookkeeping every store
//! shares, and an in-memory store for tests (SQLite and PostgreSQL live beside this module).

mod browse;
pub(super) mod browse_sql;
mod delivery;
mod error;
mod filter;
mod memory;
pub(super) mod sql;

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

pub use browse::{Cursor, Minute, Summary};
pub use delivery::{Attempt, Delivery, DeliveryState, Outcome};
pub(super) use error::Context;
pub use error::StoreError;
pub use filter::{Claim, DeliveryFilter};
pub use memory::MemoryStore;

use super::pause::{TargetState, TargetStatus};

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
