//! Where deliveries wait: one trait, an in-memory store for tests, SQLite for production.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The state of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a worker until its lease ends.
    InFlight,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed, or the receiver said it is gone; kept for inspection and replay.
    Dead,
}

impl DeliveryState {
    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::InFlight => "in_flight",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }

    /// The state named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => DeliveryState::Pending,
            "in_flight" => DeliveryState::InFlight,
            "delivered" => DeliveryState::Delivered,
            "dead" => DeliveryState::Dead,
            _ => return None,
        })
    }
}

/// One callback to deliver.
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
}

/// What one attempt did.
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

/// Which deliveries to list or replay: every condition given must hold.
///
/// ```
/// use ringback::dispatch::{DeliveryFilter, DeliveryState};
/// let dead_for_one_client = DeliveryFilter::state(DeliveryState::Dead).target("https://client.test/");
/// assert_eq!(dead_for_one_client.state, Some(DeliveryState::Dead));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    /// In this state.
    pub state: Option<DeliveryState>,
    /// To a URL that starts with this (an origin, a path, or the whole URL).
    pub target: Option<String>,
    /// Recorded at or after this time.
    pub since: Option<SystemTime>,
    /// Recorded before this time.
    pub until: Option<SystemTime>,
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

    /// Whether `d` matches.
    pub fn matches(&self, d: &Delivery) -> bool {
        self.state.is_none_or(|s| s == d.state)
            && self
                .target
                .as_ref()
                .is_none_or(|t| d.url.starts_with(t.as_str()))
            && self.since.is_none_or(|t| d.created_at >= t)
            && self.until.is_none_or(|t| d.created_at < t)
    }
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

/// An error from a store.
#[derive(Debug, Clone)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "delivery store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// The future a store method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Durable storage of deliveries. Implementations must make [`enqueue`](Self::enqueue)
/// durable before its future completes: `send` returns only then.
///
/// Claims carry a lease: a claimed delivery whose worker died is claimed again once the lease
/// ends, so a delivery is never lost, and two workers attempt it at once only after a lease
/// expired.
pub trait DeliveryStore: Send + Sync + 'static {
    /// Records a new delivery.
    fn enqueue(&self, delivery: Delivery) -> StoreFuture<'_, ()>;

    /// Claims up to `limit` deliveries due at `now` (pending and due, or in flight with an
    /// expired lease), marking them in flight until `now + lease`.
    fn claim_due(
        &self,
        now: SystemTime,
        limit: usize,
        lease: Duration,
    ) -> StoreFuture<'_, Vec<Delivery>>;

    /// Records a successful attempt.
    fn delivered(&self, id: &str, attempt: Attempt) -> StoreFuture<'_, ()>;

    /// Records a failed attempt and when to try again.
    fn retry_at(&self, id: &str, attempt: Attempt, next: SystemTime) -> StoreFuture<'_, ()>;

    /// Records a failed attempt after which no more are made.
    fn dead(&self, id: &str, attempt: Attempt) -> StoreFuture<'_, ()>;

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
}

/// Deliveries in memory. **Not durable**: everything is lost when the process ends. For tests
/// and benchmarks only.
///
/// ```
/// let store = ringback::dispatch::MemoryStore::default();
/// # let _ = store;
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    deliveries: HashMap<String, Entry>,
    attempts: HashMap<String, Vec<Attempt>>,
    /// Pending deliveries by when they are due, and in-flight ones by when their lease ends:
    /// a claim reads the front of each instead of every delivery ever sent.
    pending: BTreeSet<(SystemTime, u64, String)>,
    leased: BTreeSet<(SystemTime, u64, String)>,
    sequence: u64,
}

#[derive(Debug)]
struct Entry {
    delivery: Delivery,
    lease_until: SystemTime,
    /// Order of arrival, to keep deliveries due at the same time in the order they were sent.
    sequence: u64,
}

impl Entry {
    /// Where the entry is indexed: its due time when pending, its lease's end when in flight.
    fn key(&self) -> Option<(bool, (SystemTime, u64, String))> {
        let id = self.delivery.id.clone();
        match self.delivery.state {
            DeliveryState::Pending => {
                Some((true, (self.delivery.next_attempt_at, self.sequence, id)))
            }
            DeliveryState::InFlight => Some((false, (self.lease_until, self.sequence, id))),
            DeliveryState::Delivered | DeliveryState::Dead => None,
        }
    }
}

impl Memory {
    /// Changes a delivery and keeps the indexes in step; `false` when there is no such id.
    fn update(&mut self, id: &str, change: impl FnOnce(&mut Entry)) -> bool {
        let Some(entry) = self.deliveries.get_mut(id) else {
            return false;
        };
        let before = entry.key();
        change(entry);
        let after = entry.key();
        if before != after {
            if let Some((pending, key)) = before {
                self.index(pending).remove(&key);
            }
            if let Some((pending, key)) = after {
                self.index(pending).insert(key);
            }
        }
        true
    }

    fn index(&mut self, pending: bool) -> &mut BTreeSet<(SystemTime, u64, String)> {
        if pending {
            &mut self.pending
        } else {
            &mut self.leased
        }
    }

    /// The ids of up to `limit` deliveries that can be claimed at `now`: expired leases
    /// first, then pending ones in the order they fall due.
    fn claimable(&self, now: SystemTime, limit: usize) -> Vec<String> {
        let expired = self.leased.iter().take_while(|(until, ..)| *until <= now);
        let due = self.pending.iter().take_while(|(at, ..)| *at <= now);
        expired
            .chain(due)
            .take(limit)
            .map(|(_, _, id)| id.clone())
            .collect()
    }
}

impl MemoryStore {
    fn with<T>(&self, f: impl FnOnce(&mut Memory) -> T) -> T {
        // A panic while holding the lock cannot leave a half-made change: each is one insert.
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    fn finish(&self, id: &str, attempt: Attempt, state: DeliveryState, next: Option<SystemTime>) {
        self.with(|m| {
            m.update(id, |e| {
                let d = &mut e.delivery;
                d.attempts = d.attempts.max(attempt.number);
                d.state = state;
                d.last_error = attempt.failure();
                if let Some(next) = next {
                    d.next_attempt_at = next;
                }
            });
            m.attempts.entry(id.to_owned()).or_default().push(attempt);
        });
    }
}

/// A dead delivery made pending again, due at `now`, with a fresh schedule.
fn revive(d: &mut Delivery, now: SystemTime) {
    d.state = DeliveryState::Pending;
    d.next_attempt_at = now;
    d.attempts = 0;
}

fn ready<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
    Box::pin(std::future::ready(Ok(value)))
}

impl DeliveryStore for MemoryStore {
    fn enqueue(&self, delivery: Delivery) -> StoreFuture<'_, ()> {
        Box::pin(std::future::ready(self.with(|m| {
            // As in the other stores, an id is recorded once.
            if m.deliveries.contains_key(&delivery.id) {
                return Err(StoreError(format!(
                    "delivery {} already exists",
                    delivery.id
                )));
            }
            m.sequence += 1;
            let entry = Entry {
                delivery,
                lease_until: SystemTime::UNIX_EPOCH,
                sequence: m.sequence,
            };
            if let Some((pending, key)) = entry.key() {
                m.index(pending).insert(key);
            }
            m.deliveries.insert(entry.delivery.id.clone(), entry);
            Ok(())
        })))
    }

    fn claim_due(
        &self,
        now: SystemTime,
        limit: usize,
        lease: Duration,
    ) -> StoreFuture<'_, Vec<Delivery>> {
        let claimed = self.with(|m| {
            let ids = m.claimable(now, limit);
            let mut claimed = Vec::with_capacity(ids.len());
            for id in ids {
                m.update(&id, |e| {
                    e.delivery.state = DeliveryState::InFlight;
                    e.lease_until = now + lease;
                    claimed.push(e.delivery.clone());
                });
            }
            claimed
        });
        ready(claimed)
    }

    fn delivered(&self, id: &str, attempt: Attempt) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, DeliveryState::Delivered, None);
        ready(())
    }

    fn retry_at(&self, id: &str, attempt: Attempt, next: SystemTime) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, DeliveryState::Pending, Some(next));
        ready(())
    }

    fn dead(&self, id: &str, attempt: Attempt) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, DeliveryState::Dead, None);
        ready(())
    }

    fn release(&self, id: &str) -> StoreFuture<'_, ()> {
        self.with(|m| {
            m.update(id, |e| {
                if e.delivery.state == DeliveryState::InFlight {
                    e.delivery.state = DeliveryState::Pending;
                }
            })
        });
        ready(())
    }

    fn get(&self, id: &str) -> StoreFuture<'_, Option<Delivery>> {
        ready(self.with(|m| m.deliveries.get(id).map(|e| e.delivery.clone())))
    }

    fn attempts(&self, id: &str) -> StoreFuture<'_, Vec<Attempt>> {
        ready(self.with(|m| m.attempts.get(id).cloned().unwrap_or_default()))
    }

    fn find(&self, filter: DeliveryFilter, limit: usize) -> StoreFuture<'_, Vec<Delivery>> {
        ready(self.with(|m| {
            let mut found: Vec<Delivery> = m
                .deliveries
                .values()
                .map(|e| &e.delivery)
                .filter(|d| filter.matches(d))
                .cloned()
                .collect();
            found.sort_by_key(|d| d.created_at);
            found.truncate(limit);
            found
        }))
    }

    fn replay_matching(&self, filter: DeliveryFilter, now: SystemTime) -> StoreFuture<'_, u64> {
        let filter = DeliveryFilter {
            state: Some(DeliveryState::Dead),
            ..filter
        };
        ready(self.with(|m| {
            let ids: Vec<String> = m
                .deliveries
                .values()
                .filter(|e| filter.matches(&e.delivery))
                .map(|e| e.delivery.id.clone())
                .collect();
            for id in &ids {
                m.update(id, |e| revive(&mut e.delivery, now));
            }
            ids.len() as u64
        }))
    }

    fn replay(&self, id: &str, now: SystemTime) -> StoreFuture<'_, bool> {
        ready(self.with(|m| {
            let dead = m
                .deliveries
                .get(id)
                .is_some_and(|e| e.delivery.state == DeliveryState::Dead);
            dead && m.update(id, |e| revive(&mut e.delivery, now))
        }))
    }
}
