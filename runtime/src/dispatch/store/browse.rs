//! What an operator browses: pages of deliveries, newest first, each page starting where the
//! last one ended (a keyset cursor, so page 1,000 costs what page 1 does), and a summary of
//! the outbox (counts by state, and each minute of the last hour).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Attempt, Delivery, DeliveryState};

/// Where a page of deliveries starts: just after the last delivery of the page before, in
/// the listing's order (newest first: by creation time, then id, both descending).
///
/// It names a position, not a row, so deliveries recorded or changed meanwhile never shift a
/// page. It travels in a URL as a short token ([`to_token`](Self::to_token)).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ringback::dispatch::Cursor;
/// let cursor = Cursor::new(UNIX_EPOCH + Duration::from_millis(1_700_000_000_123), "msg_42");
/// assert_eq!(cursor.to_token(), "1700000000123.msg_42");
/// assert_eq!(Cursor::parse(&cursor.to_token()), Some(cursor));
/// assert_eq!(Cursor::parse("nonsense"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The creation time of the last delivery shown.
    pub created_at: SystemTime,
    /// Its id, to order deliveries recorded in the same millisecond.
    pub id: String,
}

impl Cursor {
    /// The position just after a delivery created at `created_at` with this `id`.
    ///
    /// ```
    /// let c = ringback::dispatch::Cursor::new(std::time::SystemTime::UNIX_EPOCH, "msg_1");
    /// assert_eq!(c.id, "msg_1");
    /// ```
    pub fn new(created_at: SystemTime, id: impl Into<String>) -> Self {
        Cursor {
            created_at,
            id: id.into(),
        }
    }

    /// The position just after `d`: the next page starts with the delivery older than it.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use ringback::dispatch::{Cursor, Delivery, DeliveryState};
    /// # let now = SystemTime::now();
    /// let d = Delivery {
    ///     id: "msg_1".into(), callback: "cb".into(), method: "POST".into(),
    ///     url: "https://client.test/".into(), body: b"{}".to_vec(), created_at: now,
    ///     attempts: 0, next_attempt_at: now, state: DeliveryState::Pending, last_error: None,
    ///     key_id: None,
    /// };
    /// assert_eq!(Cursor::after(&d).id, "msg_1");
    /// ```
    pub fn after(d: &Delivery) -> Self {
        Cursor::new(d.created_at, d.id.clone())
    }

    /// The cursor as a URL-safe token: milliseconds since the epoch, a dot, the id.
    ///
    /// ```
    /// let c = ringback::dispatch::Cursor::new(std::time::SystemTime::UNIX_EPOCH, "msg_1");
    /// assert_eq!(c.to_token(), "0.msg_1");
    /// ```
    pub fn to_token(&self) -> String {
        format!("{}.{}", super::sql::millis(self.created_at), self.id)
    }

    /// The cursor a token names, or `None` when it is not one.
    ///
    /// ```
    /// use ringback::dispatch::Cursor;
    /// assert_eq!(Cursor::parse("5.msg_1").unwrap().id, "msg_1");
    /// assert!(Cursor::parse("msg_1").is_none());
    /// ```
    pub fn parse(token: &str) -> Option<Self> {
        let (ms, id) = token.split_once('.')?;
        let ms: u64 = ms.parse().ok()?;
        (!id.is_empty()).then(|| Cursor::new(UNIX_EPOCH + Duration::from_millis(ms), id))
    }

    /// Whether `d` comes after this position, newest first: it is older, or as old with a
    /// smaller id.
    ///
    /// ```
    /// # use std::time::{Duration, SystemTime};
    /// # use ringback::dispatch::{Cursor, Delivery, DeliveryState};
    /// let now = SystemTime::now();
    /// let d = Delivery {
    ///     id: "msg_1".into(), callback: "cb".into(), method: "POST".into(),
    ///     url: "https://client.test/".into(), body: b"{}".to_vec(), created_at: now,
    ///     attempts: 0, next_attempt_at: now, state: DeliveryState::Pending, last_error: None,
    ///     key_id: None,
    /// };
    /// assert!(Cursor::new(now, "msg_2").precedes(&d));
    /// assert!(!Cursor::new(now - Duration::from_secs(1), "msg_2").precedes(&d));
    /// ```
    pub fn precedes(&self, d: &Delivery) -> bool {
        (d.created_at, d.id.as_str()) < (self.created_at, self.id.as_str())
    }
}

/// How the outbox looks: how many deliveries are in each state, and what happened in each
/// minute since a time (at most a day of minutes), oldest minute first; minutes in which
/// nothing happened are listed with zeros, so a chart can draw them as they are.
///
/// `#[non_exhaustive]`, as a summary may come to say more; stores build one with
/// [`Summary::new`].
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ringback::dispatch::{DeliveryState, Summary};
/// let now = SystemTime::now();
/// let summary = Summary::new(vec![(DeliveryState::Dead, 3)], now - Duration::from_secs(3600), now);
/// assert_eq!(summary.count(DeliveryState::Dead), 3);
/// assert_eq!(summary.count(DeliveryState::Pending), 0);
/// assert_eq!(summary.minutes.len(), 61);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// Deliveries by state (a state with none may be missing); in the SQL stores, counted up
    /// to [`COUNT_CAP`](Self::COUNT_CAP).
    pub states: Vec<(DeliveryState, u64)>,
    /// Each minute from the summary's start to now, oldest first.
    pub minutes: Vec<Minute>,
}

/// What happened in one minute.
///
/// `#[non_exhaustive]`: made by [`Summary::new`], and filled in by the store.
///
/// ```
/// use std::time::SystemTime;
/// let now = SystemTime::now();
/// let s = ringback::dispatch::Summary::new(Vec::new(), now, now);
/// let m = s.minutes[0];
/// assert!(m.start <= now && m.attempts == 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Minute {
    /// When the minute began.
    pub start: SystemTime,
    /// Deliveries recorded (`send`) in it.
    pub recorded: u64,
    /// Attempts made in it.
    pub attempts: u64,
    /// Of those, the ones the receiver accepted (2xx).
    pub succeeded: u64,
    /// The attempts' latencies added up (divide by `attempts` for the mean).
    pub latency_total: Duration,
    /// The slowest attempt's latency.
    pub latency_max: Duration,
}

impl Default for Minute {
    fn default() -> Self {
        Minute {
            start: UNIX_EPOCH,
            recorded: 0,
            attempts: 0,
            succeeded: 0,
            latency_total: Duration::ZERO,
            latency_max: Duration::ZERO,
        }
    }
}

/// A minute's number: minutes since the epoch.
pub(in crate::dispatch) fn minute_of(t: SystemTime) -> i64 {
    super::sql::millis(t) / 60_000
}

impl Summary {
    /// The SQL stores count each state up to this many: an exact count of the millions of
    /// deliveries a busy outbox has delivered would read every one of them. A count that
    /// reaches it means "this many or more".
    pub const COUNT_CAP: u64 = 100_000;

    /// A summary with these counts and an empty minute for each minute from `since` to `now`
    /// (at most a day's), for the store to fill with [`minute_mut`](Self::minute_mut).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// let now = SystemTime::now();
    /// let s = ringback::dispatch::Summary::new(Vec::new(), now - Duration::from_secs(7 * 86_400), now);
    /// assert_eq!(s.minutes.len(), 24 * 60 + 1, "a day at most");
    /// ```
    pub fn new(states: Vec<(DeliveryState, u64)>, since: SystemTime, now: SystemTime) -> Self {
        let (first, last) = (minute_of(since), minute_of(now));
        let first = first.max(last - 24 * 60);
        let minutes = (first..=last)
            .map(|m| Minute {
                start: UNIX_EPOCH + Duration::from_secs(m.max(0) as u64 * 60),
                ..Minute::default()
            })
            .collect();
        Summary { states, minutes }
    }

    /// How many deliveries are in `state`.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use ringback::dispatch::{DeliveryState, Summary};
    /// let now = SystemTime::now();
    /// let s = Summary::new(vec![(DeliveryState::Delivered, 9)], now, now);
    /// assert_eq!(s.count(DeliveryState::Delivered), 9);
    /// ```
    pub fn count(&self, state: DeliveryState) -> u64 {
        self.states
            .iter()
            .filter(|(s, _)| *s == state)
            .map(|(_, n)| n)
            .sum()
    }

    /// The minute that holds `t`, if the summary covers it.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::Summary;
    /// let now = SystemTime::now();
    /// let mut summary = Summary::new(Vec::new(), now - Duration::from_secs(600), now);
    /// summary.minute_mut(now).unwrap().recorded += 1;
    /// assert_eq!(summary.minutes.last().unwrap().recorded, 1);
    /// assert!(summary.minute_mut(now - Duration::from_secs(7200)).is_none());
    /// ```
    pub fn minute_mut(&mut self, t: SystemTime) -> Option<&mut Minute> {
        let first = minute_of(self.minutes.first()?.start);
        let at = usize::try_from(minute_of(t) - first).ok()?;
        self.minutes.get_mut(at)
    }

    /// Counts `attempt` in its minute.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{Attempt, Summary};
    /// let now = SystemTime::now();
    /// let mut s = Summary::new(Vec::new(), now - Duration::from_secs(60), now);
    /// s.add_attempt(&Attempt {
    ///     number: 1, at: now, status: Some(200), error: None,
    ///     latency: Duration::from_millis(7), response_head: Vec::new(),
    /// });
    /// let m = s.minutes.last().unwrap();
    /// assert_eq!((m.attempts, m.succeeded, m.latency_max), (1, 1, Duration::from_millis(7)));
    /// ```
    pub fn add_attempt(&mut self, attempt: &Attempt) {
        if let Some(m) = self.minute_mut(attempt.at) {
            m.attempts += 1;
            if attempt.status.is_some_and(|s| (200..300).contains(&s)) {
                m.succeeded += 1;
            }
            m.latency_total += attempt.latency;
            m.latency_max = m.latency_max.max(attempt.latency);
        }
    }
}

/// [`DeliveryStore::page`](super::DeliveryStore::page) for a store that has only `find`:
/// every match, sorted and cut in memory (the SQL stores ask their indexes instead).
pub(super) fn page_in_memory(
    mut all: Vec<Delivery>,
    after: Option<&Cursor>,
    limit: usize,
) -> Vec<Delivery> {
    all.retain(|d| after.is_none_or(|c| c.precedes(d)));
    all.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    all.truncate(limit);
    all
}

/// The state names a summary counts; a state this version does not know is left out.
pub(super) fn count_states(deliveries: &[Delivery]) -> Vec<(DeliveryState, u64)> {
    let mut states: Vec<(DeliveryState, u64)> = Vec::new();
    for d in deliveries {
        match states.iter_mut().find(|(s, _)| *s == d.state) {
            Some((_, n)) => *n += 1,
            None => states.push((d.state, 1)),
        }
    }
    states
}
