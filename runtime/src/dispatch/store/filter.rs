//! What a listing matches, and what a claim takes.

use std::time::{Duration, SystemTime};

use super::{Delivery, DeliveryState};

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

/// Which deliveries a worker claims, as [`DeliveryStore::claim`](super::DeliveryStore::claim) receives it: those due at
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
