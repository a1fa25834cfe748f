//! Retention: delivered and cancelled deliveries, and their attempts, are deleted a while
//! after they finished, by a task the worker runs beside its claims; dead letters are kept
//! until an operator replays or purges them.
//!
//! The task deletes in batches, each its own short transaction ([`DeliveryStore::purge_finished`](super::DeliveryStore::purge_finished)),
//! and goes on at once while batches come back full: a backlog goes quickly, and a `send`
//! never waits behind more than one batch.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

use super::store::{DeliveryFilter, DeliveryState, StoreError};
use super::{Dispatcher, DispatcherConfig, Inner};

/// How long finished deliveries are kept, and how they are deleted.
///
/// A delivery finishes when it is delivered (its successful attempt) or cancelled; it is
/// deleted, with its attempt log, [`keep`](Self::keep) after that, however long ago it was
/// recorded. Dead letters are never deleted by retention (see
/// [`Dispatcher::purge_dead`]); pending and in-flight deliveries never are.
///
/// The defaults: kept 7 days, deleted 500 at a time, a pass every minute. A pass deletes
/// batch after batch while they come back full, then waits for the next.
///
/// `#[non_exhaustive]`, as settings may be added: start from [`new`](Self::new) or
/// [`RetentionPolicy::default`].
///
/// ```
/// use std::time::Duration;
/// use ringback::dispatch::{DispatcherConfig, RetentionPolicy, Secret};
/// let day = Duration::from_secs(24 * 3600);
/// let policy = RetentionPolicy::new(30 * day).batch(1000).every(Duration::from_secs(300));
/// let config = DispatcherConfig::new(Secret::generate()).retention(policy);
/// assert_eq!(config.retention.unwrap().keep, 30 * day);
/// assert_eq!(RetentionPolicy::default().keep, 7 * day);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetentionPolicy {
    /// How long a delivered or cancelled delivery is kept after it finished (7 days).
    pub keep: Duration,
    /// Deliveries deleted in one batch, one short transaction (500).
    pub batch: usize,
    /// How long the task waits between passes (a minute).
    pub interval: Duration,
}

impl RetentionPolicy {
    /// Finished deliveries kept for `keep`, with the default batch and interval.
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = ringback::dispatch::RetentionPolicy::new(Duration::from_secs(3600));
    /// assert_eq!((policy.batch, policy.interval), (500, Duration::from_secs(60)));
    /// ```
    pub fn new(keep: Duration) -> Self {
        RetentionPolicy {
            keep,
            batch: 500,
            interval: Duration::from_secs(60),
        }
    }

    /// Deletes `n` deliveries per batch (at least one). Larger batches delete a backlog with
    /// fewer commits; smaller ones hold the store for less time each.
    ///
    /// ```
    /// let policy = ringback::dispatch::RetentionPolicy::default().batch(0);
    /// assert_eq!(policy.batch, 1);
    /// ```
    pub fn batch(mut self, n: usize) -> Self {
        self.batch = n.max(1);
        self
    }

    /// Runs a pass every `interval`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = ringback::dispatch::RetentionPolicy::default().every(Duration::from_secs(10));
    /// assert_eq!(policy.interval, Duration::from_secs(10));
    /// ```
    pub fn every(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Finished deliveries older than this go, at `now`.
    fn cutoff(&self, now: SystemTime) -> SystemTime {
        now.checked_sub(self.keep).unwrap_or(UNIX_EPOCH)
    }
}

impl Default for RetentionPolicy {
    /// Kept 7 days after they finished, 500 a batch, a pass every minute.
    fn default() -> Self {
        Self::new(Duration::from_secs(7 * 24 * 3600))
    }
}

impl DispatcherConfig {
    /// How long delivered and cancelled deliveries are kept after they finished, and how
    /// the worker deletes them ([`RetentionPolicy::default`] unless changed: 7 days).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ringback::dispatch::{DispatcherConfig, RetentionPolicy, Secret};
    /// let policy = RetentionPolicy::new(Duration::from_secs(24 * 3600));
    /// let config = DispatcherConfig::new(Secret::generate()).retention(policy);
    /// assert_eq!(config.retention, Some(policy));
    /// ```
    pub fn retention(mut self, policy: RetentionPolicy) -> Self {
        self.retention = Some(policy);
        self
    }

    /// Keeps every finished delivery: the worker deletes nothing, and the outbox grows with
    /// every delivery sent (for an application that archives or deletes them itself).
    ///
    /// ```
    /// use ringback::dispatch::{DispatcherConfig, Secret};
    /// let config = DispatcherConfig::new(Secret::generate()).keep_finished_forever();
    /// assert_eq!(config.retention, None);
    /// ```
    pub fn keep_finished_forever(mut self) -> Self {
        self.retention = None;
        self
    }
}

impl Dispatcher {
    /// Deletes every dead letter matching `filter` (a target, a callback, a time range; the
    /// state it names is ignored: only dead letters go), with its attempts, for good; returns
    /// how many. It deletes in batches, each its own short transaction, so sends go on
    /// meanwhile. Retention never deletes a dead letter: this, or a replay, is the way out.
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: ringback::dispatch::Dispatcher) -> Result<(), ringback::dispatch::StoreError> {
    /// use ringback::dispatch::DeliveryFilter;
    /// // A client that is gone for good: its dead letters will never be replayed.
    /// let gone = DeliveryFilter::default().target("https://old-client.example/");
    /// let n = dispatcher.purge_dead(gone).await?;
    /// println!("deleted {n} dead letters");
    /// # Ok(()) }
    /// ```
    pub async fn purge_dead(&self, filter: DeliveryFilter) -> Result<u64, StoreError> {
        let batch = self.inner.config.retention.unwrap_or_default().batch;
        let filter = DeliveryFilter {
            state: Some(DeliveryState::Dead),
            ..filter
        };
        let mut purged = 0;
        loop {
            let n = match self.inner.store.purge_dead(filter.clone(), batch).await {
                Ok(n) => n,
                Err(e) => {
                    if purged > 0 {
                        tracing::warn!(purged, "dead letters purged before a batch failed");
                    }
                    return Err(e);
                }
            };
            purged += n;
            self.inner
                .counters
                .dead_purged
                .fetch_add(n, Ordering::Relaxed);
            if (n as usize) < batch {
                break;
            }
        }
        if purged > 0 {
            tracing::info!(purged, filter = ?filter, "dead letters purged");
        }
        Ok(purged)
    }
}

/// The retention task of a worker: runs the dispatcher's policy until the worker stops.
pub(super) async fn run(inner: Arc<Inner>, mut stop: watch::Receiver<bool>) {
    let Some(policy) = inner.config.retention else {
        return;
    };
    loop {
        let Some(purged) = pass(&inner, &policy, &stop).await else {
            return;
        };
        if purged > 0 {
            tracing::info!(
                purged,
                kept_for = ?policy.keep,
                "retention: finished deliveries and their attempts deleted"
            );
        }
        if !wait(&mut stop, policy.interval).await {
            return;
        }
    }
}

/// One pass: batches until one comes back short (or fails). `None` when the worker stopped
/// meanwhile.
async fn pass(
    inner: &Inner,
    policy: &RetentionPolicy,
    stop: &watch::Receiver<bool>,
) -> Option<u64> {
    let mut purged = 0;
    loop {
        if *stop.borrow() {
            return None;
        }
        let cutoff = policy.cutoff(SystemTime::now());
        match inner.store.purge_finished(cutoff, policy.batch).await {
            Ok(n) => {
                purged += n;
                inner.counters.purged.fetch_add(n, Ordering::Relaxed);
                if (n as usize) < policy.batch {
                    return Some(purged);
                }
                tracing::debug!(deleted = n, "retention: a full batch; another follows");
                // Another batch at once, but after anything ready to run: a busy worker's
                // claims and results are not kept waiting by a long backlog.
                tokio::task::yield_now().await;
            }
            Err(e) => {
                tracing::warn!(error = %format_args!("{e:#}"), "retention: deleting finished deliveries failed; trying again at the next pass");
                return Some(purged);
            }
        }
    }
}

/// Waits `interval`, or until the worker stops: `false` then. A worker handle dropped without
/// a shutdown leaves the task running, as it leaves the worker.
async fn wait(stop: &mut watch::Receiver<bool>, interval: Duration) -> bool {
    let sleep = tokio::time::sleep(interval);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            () = &mut sleep => return true,
            changed = stop.changed() => match changed {
                Ok(()) if *stop.borrow() => return false,
                Ok(()) => {}
                Err(_) => {
                    (&mut sleep).await;
                    return true;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    use crate::dispatch::store::{Attempt, Delivery, DeliveryStore, Outcome};
    use crate::dispatch::{Dispatcher, DispatcherConfig, RetentionPolicy, Secret, SqliteStore};

    fn delivered(id: &str, finished: SystemTime) -> (Delivery, Attempt) {
        let url = "https://example.com/hook";
        let d = Delivery::new(id, "cb", "POST", url, b"{}".to_vec(), finished);
        let a = Attempt {
            number: 1,
            at: finished,
            status: Some(200),
            error: None,
            latency: Duration::from_millis(1),
            response_head: Vec::new(),
        };
        (d, a)
    }

    /// The worker's task deletes a backlog of old deliveries in full batches, one pass,
    /// leaves the recent one, counts what it deleted, and stops with the worker.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_worker_deletes_a_backlog_in_batches_and_keeps_the_recent() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("outbox.db")).unwrap());
        let day = Duration::from_secs(24 * 3600);
        let now = SystemTime::now();
        for i in 0..25 {
            let (d, a) = delivered(&format!("old{i:02}"), now - 8 * day);
            store.enqueue(d).await.unwrap();
            store
                .finish(&format!("old{i:02}"), a, Outcome::Delivered)
                .await
                .unwrap();
        }
        let (d, a) = delivered("recent", now - day);
        store.enqueue(d).await.unwrap();
        store.finish("recent", a, Outcome::Delivered).await.unwrap();
        let policy = RetentionPolicy::default()
            .batch(10)
            .every(Duration::from_secs(3600));
        let config = DispatcherConfig::new(Secret::generate()).retention(policy);
        let dispatcher = Dispatcher::with_store(store.clone(), config);
        let worker = dispatcher.start();
        // The first pass runs at start: 10 + 10 + 5, without waiting an interval between.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while dispatcher.metrics().purged < 25 {
            assert!(
                std::time::Instant::now() < deadline,
                "{:?}",
                dispatcher.metrics()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        worker.shutdown(Duration::from_secs(1)).await;
        assert_eq!(dispatcher.metrics().purged, 25);
        assert!(store.get("old00").await.unwrap().is_none());
        assert!(store.attempts("old00").await.unwrap().is_empty());
        assert!(store.get("recent").await.unwrap().is_some());
    }
}
