//! When to try again: a schedule of delays with jitter, and `Retry-After` honoured within it.

use std::time::{Duration, SystemTime};

/// The delays before each retry. The first attempt is immediate; the schedule's length is
/// the number of retries, after which a delivery is dead-lettered.
///
/// ```
/// use std::time::Duration;
/// use ringback::dispatch::RetrySchedule;
/// let s = RetrySchedule::default();
/// assert_eq!(s.attempts(), 8);
/// assert_eq!(s.delay_before(2), Some(Duration::from_secs(5)));
/// assert_eq!(s.delay_before(9), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetrySchedule {
    delays: Vec<Duration>,
    /// The fraction (0..1) by which each delay is randomly lengthened or shortened.
    jitter: f64,
}

impl Default for RetrySchedule {
    /// In the spirit of Standard Webhooks: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h,
    /// 10 h and 10 h later (8 attempts over about 27 hours), with 20% jitter.
    fn default() -> Self {
        let s = Duration::from_secs;
        RetrySchedule {
            delays: vec![s(5), s(300), s(1800), s(7200), s(18000), s(36000), s(36000)],
            jitter: 0.2,
        }
    }
}

impl RetrySchedule {
    /// A schedule of these delays between attempts (the first attempt is immediate).
    pub fn new(delays: impl IntoIterator<Item = Duration>) -> Self {
        RetrySchedule {
            delays: delays.into_iter().collect(),
            jitter: 0.2,
        }
    }

    /// The same delays with another jitter fraction (0 for none).
    pub fn with_jitter(mut self, fraction: f64) -> Self {
        self.jitter = fraction.clamp(0.0, 1.0);
        self
    }

    /// How many attempts a delivery gets in all.
    pub fn attempts(&self) -> u32 {
        self.delays.len() as u32 + 1
    }

    /// The delay before attempt number `attempt` (1-based), without jitter; `None` when there
    /// is no such attempt.
    pub fn delay_before(&self, attempt: u32) -> Option<Duration> {
        match attempt {
            0 | 1 => Some(Duration::ZERO),
            n => self.delays.get(n as usize - 2).copied(),
        }
    }

    /// When attempt `attempt` (1-based) is due, after a failure at `now`, with jitter, and
    /// with a `Retry-After` the receiver asked for, clamped to at most the next two steps of
    /// the schedule so that a receiver cannot park a delivery forever.
    pub fn next_attempt(
        &self,
        attempt: u32,
        now: SystemTime,
        retry_after: Option<Duration>,
    ) -> Option<SystemTime> {
        let base = self.delay_before(attempt)?;
        let jittered = if self.jitter > 0.0 {
            let factor = 1.0 + self.jitter * (fastrand::f64() * 2.0 - 1.0);
            base.mul_f64(factor)
        } else {
            base
        };
        let delay = match retry_after {
            Some(asked) => {
                let ceiling = self.delay_before(attempt + 1).unwrap_or(base).max(base);
                asked.clamp(jittered.min(asked), ceiling.max(jittered))
            }
            None => jittered,
        };
        Some(now + delay)
    }
}

/// A `Retry-After` header: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP servers send.
fn httpdate(s: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: u64 = parts[1].parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])? as u64
        + 1;
    let year: u64 = parts[3].parse().ok()?;
    let hms: Vec<u64> = parts[4]
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if hms.len() != 3 || day == 0 || day > 31 || year < 1970 {
        return None;
    }
    // Days from civil date (Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let secs = days * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_its_fraction() {
        let s = RetrySchedule::default();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        for _ in 0..200 {
            let at = s.next_attempt(3, now, None).unwrap();
            let d = at.duration_since(now).unwrap().as_secs_f64();
            assert!((240.0..=360.0).contains(&d), "{d}");
        }
        assert_eq!(s.next_attempt(9, now, None), None);
    }

    #[test]
    fn retry_after_is_honoured_within_the_schedule() {
        let s =
            RetrySchedule::new([Duration::from_secs(5), Duration::from_secs(60)]).with_jitter(0.0);
        let now = SystemTime::UNIX_EPOCH;
        let after = |asked| {
            s.next_attempt(2, now, Some(Duration::from_secs(asked)))
                .unwrap()
                .duration_since(now)
                .unwrap()
        };
        assert_eq!(
            after(30),
            Duration::from_secs(30),
            "a longer wait within the next step"
        );
        assert_eq!(
            after(86400),
            Duration::from_secs(60),
            "clamped to the next step"
        );
        assert_eq!(after(1), Duration::from_secs(1), "a shorter wait is fine");
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784111777);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(0))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
