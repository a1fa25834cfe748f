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
    /// with a `Retry-After` the receiver asked for, honoured up to the delay of the step after
    /// this one (for the last attempt, its own delay), so that a receiver cannot park a delivery
    /// forever.
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
    // Equivalent mutant: the jitter factor `1.0 + j * (2r - 1)` -> `1.0 - ...` (r is uniform).
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn attempts_are_the_retries_plus_the_first() {
        assert_eq!(RetrySchedule::default().attempts(), 8);
        assert_eq!(RetrySchedule::new([]).attempts(), 1);
        assert_eq!(RetrySchedule::new([secs(1), secs(2)]).attempts(), 3);
    }

    #[test]
    fn each_attempt_has_its_own_delay() {
        let s = RetrySchedule::default();
        let delays: Vec<_> = (0..=9).map(|n| s.delay_before(n)).collect();
        let expected = [0, 0, 5, 300, 1800, 7200, 18000, 36000, 36000]
            .map(|d| Some(secs(d)))
            .into_iter()
            .chain([None])
            .collect::<Vec<_>>();
        assert_eq!(delays, expected);
        assert_eq!(RetrySchedule::new([]).delay_before(2), None);
    }

    #[test]
    fn the_jitter_fraction_is_kept_between_none_and_all() {
        let s = RetrySchedule::new([secs(5)]);
        assert_eq!(s.jitter, 0.2);
        assert_eq!(s.clone().with_jitter(0.5).jitter, 0.5);
        assert_eq!(s.clone().with_jitter(2.0).jitter, 1.0);
        assert_eq!(s.clone().with_jitter(-1.0).jitter, 0.0);
        assert_eq!(
            s.with_jitter(0.0).delay_before(2),
            Some(secs(5)),
            "the delays stay"
        );
    }

    #[test]
    fn jitter_spreads_both_ways() {
        // Uniform over 240..=360 s: 200 draws all missing a quarter of the range has a
        // probability of about 1e-25.
        let s = RetrySchedule::default();
        let now = SystemTime::UNIX_EPOCH;
        let draws: Vec<f64> = (0..200)
            .map(|_| {
                let at = s.next_attempt(3, now, None).unwrap();
                at.duration_since(now).unwrap().as_secs_f64()
            })
            .collect();
        let min = draws.iter().copied().fold(f64::INFINITY, f64::min);
        let max = draws.iter().copied().fold(0.0, f64::max);
        assert!(min < 270.0 && max > 330.0, "{min}..{max}");
    }

    #[test]
    fn without_jitter_the_delay_is_exact_to_the_nanosecond() {
        // Far beyond what an f64 holds to the nanosecond, so any scaling would show.
        let long = Duration::new(10_000_000_000, 1);
        let s = RetrySchedule::new([long]).with_jitter(0.0);
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(s.next_attempt(2, now, None), Some(now + long));
        assert_eq!(
            s.next_attempt(1, now, None),
            Some(now),
            "the first is immediate"
        );
        assert_eq!(s.next_attempt(3, now, None), None);
    }

    #[test]
    fn retry_after_is_capped_by_the_next_step_or_at_the_end_by_the_last() {
        let s = RetrySchedule::new([secs(5), secs(60), secs(600)]).with_jitter(0.0);
        let now = SystemTime::UNIX_EPOCH + secs(1_000);
        let after = |attempt, asked| {
            s.next_attempt(attempt, now, Some(secs(asked)))
                .map(|at| at.duration_since(now).unwrap())
        };
        assert_eq!(after(2, 86_400), Some(secs(60)), "attempt 3's delay");
        assert_eq!(after(3, 86_400), Some(secs(600)), "attempt 4's delay");
        assert_eq!(after(4, 86_400), Some(secs(600)), "the last: its own delay");
        assert_eq!(after(4, 100), Some(secs(100)));
        assert_eq!(after(3, 0), Some(secs(0)), "now, when asked");
        assert_eq!(after(5, 1), None, "no attempt after the last");
    }

    #[test]
    fn http_dates_are_exact() {
        // Unix times from an independent implementation (Python's calendar.timegm).
        for (date, unix) in [
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
            ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
            ("Tue, 29 Feb 2000 12:34:56 GMT", 951_827_696),
            ("Wed, 01 Mar 2000 00:00:00 GMT", 951_868_800),
            ("Sat, 31 Dec 2022 23:59:59 GMT", 1_672_531_199),
            ("Thu, 29 Feb 2024 00:00:01 GMT", 1_709_164_801),
            ("Mon, 15 Apr 2024 10:20:30 GMT", 1_713_176_430),
            ("Fri, 31 Jan 2025 06:07:08 GMT", 1_738_303_628),
            ("Mon, 01 Mar 2100 00:00:00 GMT", 4_107_542_400),
            ("Sat, 01 Jan 2400 00:00:00 GMT", 13_569_465_600),
        ] {
            assert_eq!(
                httpdate(date),
                Some(SystemTime::UNIX_EPOCH + secs(unix)),
                "{date}"
            );
        }
    }

    #[test]
    fn malformed_http_dates_are_ignored() {
        for date in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, 06 Nvm 1994 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Nov 1994 08:xx:37 GMT",
        ] {
            assert_eq!(httpdate(date), None, "{date}");
        }
    }

    #[test]
    fn a_retry_after_date_in_the_past_means_now() {
        let now = SystemTime::UNIX_EPOCH + secs(784_111_777);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:48:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("  Mon, 07 Nov 1994 08:49:37 GMT ", now),
            Some(secs(86_400))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-5", now), None);
    }

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
