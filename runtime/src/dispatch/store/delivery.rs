//! A delivery, its attempts, its states, and what an attempt settles.

use std::time::{Duration, SystemTime};

/// The state of a delivery.
///
/// Exhaustive on purpose: users match on it, and a new state would change what every store
/// keeps and every claim takes, a breaking change however it was spelled.
///
/// A delivery scheduled for later ([`Dispatcher::send_at`](crate::dispatch::Dispatcher::send_at))
/// is `Pending` with its first attempt due then: claims take it when it falls due, like a
/// retry. [`DeliveryFilter::scheduled`](super::DeliveryFilter::scheduled) lists those not due yet.
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

impl Delivery {
    /// A delivery as `send` records one at `now`: pending and due at once, not attempted yet,
    /// signed with the dispatcher's own keys. Change what differs with struct update syntax.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{Delivery, DeliveryState};
    /// let now = SystemTime::now();
    /// let d = Delivery::new("msg_1", "orderStatusChange", "POST", "https://client.test/hook", b"{}".to_vec(), now);
    /// assert_eq!((d.state, d.attempts, d.next_attempt_at), (DeliveryState::Pending, 0, now));
    /// let later = Delivery { next_attempt_at: now + Duration::from_secs(60), ..d };
    /// assert_eq!(later.created_at, now);
    /// ```
    pub fn new(
        id: impl Into<String>,
        callback: impl Into<String>,
        method: impl Into<String>,
        url: impl Into<String>,
        body: Vec<u8>,
        now: SystemTime,
    ) -> Self {
        Delivery {
            id: id.into(),
            callback: callback.into(),
            method: method.into(),
            url: url.into(),
            body,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            state: DeliveryState::Pending,
            last_error: None,
            key_id: None,
        }
    }
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

/// What an attempt settled for its delivery, as [`DeliveryStore::finish`](super::DeliveryStore::finish) records it.
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
