//! Targets that keep failing are paused: the policy that decides when, the state a store keeps
//! per origin, and (in `tracker`) what the worker does with them.
//!
//! A target is an origin, `scheme://host[:port]` as the callback URL writes it. Its state is a
//! row in the store, shared by every instance on the same outbox: *failing* (a streak of
//! failed attempts is being counted), *paused* (its deliveries are not claimed until a probe
//! is due) or *probing* (one instance is attempting one delivery to decide).

pub(super) mod tracker;

use std::time::{Duration, SystemTime};

/// When a target that keeps failing is paused, and how long it rests before a probe.
///
/// A target is paused after [`failures`](Self::failures) failed attempts in a row (to any of
/// its URLs, from any instance) that span at least [`over`](Self::over), and probed with a
/// single delivery each [`cool_down`](Self::cool_down) until one succeeds.
///
/// The default, 5 failures over at least 10 minutes and a 10 minute cool-down, follows Svix's
/// reasoning (it disables an endpoint only after it has failed for a long time, never after a
/// burst): a receiver that restarts, or drops a few requests, fails several deliveries in a
/// second and must not be paused for it, so the count alone is not enough; ten minutes spans
/// the retry schedule's first steps. Unlike Svix, which waits for a person to re-enable the
/// endpoint, ringback probes, so a receiver that comes back gets its deliveries without
/// anyone's help.
///
/// What counts as a failure: no answer (connection refused or reset, a timeout), or an answer
/// that says the receiver is not well: 5xx, 408 and 429. A 2xx ends the streak. Other answers
/// (a 400, a 410) say the receiver is up and judging the delivery, so they neither count nor
/// end a streak; nor does a target the SSRF guard refuses.
///
/// ```
/// use std::time::Duration;
/// use ringback::dispatch::PausePolicy;
/// let policy = PausePolicy::default();
/// assert_eq!((policy.failures, policy.over), (5, Duration::from_secs(600)));
/// let quick = PausePolicy::new(3, Duration::ZERO, Duration::from_millis(300));
/// assert_eq!(quick.cool_down, Duration::from_millis(300));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PausePolicy {
    /// Failed attempts in a row that pause a target (at least 1).
    pub failures: u32,
    /// The least time from the streak's first failure to the one that pauses.
    pub over: Duration,
    /// How long a paused target rests before a probe.
    pub cool_down: Duration,
}

impl PausePolicy {
    /// Pause after `failures` failed attempts in a row spanning at least `over`; probe every
    /// `cool_down`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = ringback::dispatch::PausePolicy::new(0, Duration::ZERO, Duration::from_secs(60));
    /// assert_eq!(p.failures, 1, "at least one failure");
    /// ```
    pub fn new(failures: u32, over: Duration, cool_down: Duration) -> Self {
        PausePolicy {
            failures: failures.max(1),
            over,
            cool_down,
        }
    }

    /// Whether a streak `target` has counted pauses it at `now`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{PausePolicy, TargetState};
    /// let start = SystemTime::now();
    /// let mut t = TargetState::failing("https://client.test", start, "answered 503");
    /// let policy = PausePolicy::new(2, Duration::from_secs(60), Duration::from_secs(60));
    /// t.failures = 2;
    /// assert!(!policy.pauses(&t, start + Duration::from_secs(59)), "too soon");
    /// assert!(policy.pauses(&t, start + Duration::from_secs(60)));
    /// ```
    pub fn pauses(&self, target: &TargetState, now: SystemTime) -> bool {
        target.status == TargetStatus::Failing
            && target.failures >= self.failures
            && now
                .duration_since(target.failing_since)
                .is_ok_and(|d| d >= self.over)
    }
}

impl Default for PausePolicy {
    fn default() -> Self {
        PausePolicy::new(5, Duration::from_secs(600), Duration::from_secs(600))
    }
}

/// Where a target stands. A target with no row is healthy.
///
/// Exhaustive, as [`DeliveryState`](super::DeliveryState) is: every store keeps each status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetStatus {
    /// Attempts are failing; the streak is counted, and deliveries go on.
    Failing,
    /// No delivery to it is claimed until its probe is due (or, paused by hand, until an
    /// operator resumes it).
    Paused,
    /// One delivery is being attempted to decide whether to resume.
    Probing,
}

impl TargetStatus {
    /// The name stored.
    ///
    /// ```
    /// use ringback::dispatch::TargetStatus;
    /// assert_eq!(TargetStatus::parse(TargetStatus::Probing.as_str()), Some(TargetStatus::Probing));
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Failing => "failing",
            TargetStatus::Paused => "paused",
            TargetStatus::Probing => "probing",
        }
    }

    /// The status named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "failing" => TargetStatus::Failing,
            "paused" => TargetStatus::Paused,
            "probing" => TargetStatus::Probing,
            _ => return None,
        })
    }

    /// Whether deliveries to a target in this status are held back from claims.
    ///
    /// ```
    /// use ringback::dispatch::TargetStatus;
    /// assert!(!TargetStatus::Failing.holds());
    /// assert!(TargetStatus::Paused.holds() && TargetStatus::Probing.holds());
    /// ```
    pub fn holds(self) -> bool {
        self != TargetStatus::Failing
    }
}

/// What a store keeps about one target origin that is failing, paused or being probed.
///
/// Not `#[non_exhaustive]`, for the reason [`Delivery`](super::Delivery) is not: stores build
/// it from what they stored.
///
/// ```
/// use std::time::SystemTime;
/// use ringback::dispatch::{TargetState, TargetStatus};
/// let now = SystemTime::now();
/// let t = TargetState::failing("https://client.test:8443", now, "timed out");
/// assert_eq!((t.status, t.failures), (TargetStatus::Failing, 1));
/// assert_eq!(t.last_error.as_deref(), Some("timed out"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetState {
    /// `scheme://host[:port]`, as the callback URLs write it (see [`origin`]).
    pub origin: String,
    /// Where it stands.
    pub status: TargetStatus,
    /// Failed attempts in a row, failed probes included.
    pub failures: u32,
    /// When the streak's first failure happened.
    pub failing_since: SystemTime,
    /// When it entered its status: for a paused target, paused since.
    pub since: SystemTime,
    /// Paused: when its probe is due. Probing: when the probe's hold ends, and another
    /// instance may probe. Failing: not used.
    pub until: SystemTime,
    /// What went wrong last.
    pub last_error: Option<String>,
    /// Why an operator paused it, when one did; such a target is never probed, and stays
    /// paused until resumed by hand.
    pub reason: Option<String>,
}

impl TargetState {
    /// A streak's first failure, at `at`.
    pub fn failing(origin: impl Into<String>, at: SystemTime, error: impl Into<String>) -> Self {
        TargetState {
            origin: origin.into(),
            status: TargetStatus::Failing,
            failures: 1,
            failing_since: at,
            since: at,
            until: at,
            last_error: Some(error.into()),
            reason: None,
        }
    }

    /// This target paused at `now` until `until`: its streak and last error kept.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{TargetState, TargetStatus};
    /// let now = SystemTime::now();
    /// let t = TargetState::failing("https://c.test", now, "answered 500")
    ///     .paused(now, now + Duration::from_secs(600));
    /// assert_eq!(t.status, TargetStatus::Paused);
    /// assert_eq!(t.last_error.as_deref(), Some("answered 500"));
    /// ```
    pub fn paused(self, now: SystemTime, until: SystemTime) -> Self {
        TargetState {
            status: TargetStatus::Paused,
            since: now,
            until,
            ..self
        }
    }

    /// Whether an operator paused it.
    pub fn paused_by_hand(&self) -> bool {
        self.reason.is_some()
    }
}

/// The target origin of a callback URL: its text up to the path, `scheme://host[:port]`.
/// Taken from the text as written (the URL was checked when it was sent), so that the stores
/// can match deliveries to a paused origin by prefix in SQL.
///
/// ```
/// use ringback::dispatch::origin;
/// assert_eq!(origin("https://client.test:8443/hooks/1?x=2"), "https://client.test:8443");
/// assert_eq!(origin("http://127.0.0.1:9?q"), "http://127.0.0.1:9");
/// assert_eq!(origin("https://client.test"), "https://client.test");
/// ```
pub fn origin(url: &str) -> &str {
    let start = url.find("://").map_or(0, |at| at + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| start + at);
    &url[..end]
}

/// What an attempt says about its target's health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Health {
    /// A 2xx: the target is well.
    Well,
    /// No answer, or 5xx, 408, 429: a failure, with what went wrong.
    Failing(String),
    /// Anything else: the receiver is up, judging the delivery; it says nothing either way.
    Silent,
}

impl Health {
    /// What an answer with `status` says.
    pub(super) fn of_status(status: u16) -> Self {
        match status {
            200..=299 => Health::Well,
            408 | 429 | 500..=599 => Health::Failing(format!("answered {status}")),
            _ => Health::Silent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_judged_as_the_policy_says() {
        assert_eq!(Health::of_status(204), Health::Well);
        for failing in [408, 429, 500, 503, 599] {
            assert!(matches!(Health::of_status(failing), Health::Failing(_)));
        }
        for silent in [301, 400, 404, 410, 199] {
            assert_eq!(Health::of_status(silent), Health::Silent, "{silent}");
        }
    }

    #[test]
    fn a_port_that_only_starts_like_a_paused_one_is_another_origin() {
        assert_eq!(origin("http://127.0.0.1:80/a"), "http://127.0.0.1:80");
        assert_ne!(
            origin("http://127.0.0.1:8080/a"),
            origin("http://127.0.0.1:80/a")
        );
        assert_eq!(origin("https://c.test#frag"), "https://c.test");
    }
}
