//! How the SQL stores keep times and limits: whole milliseconds since the Unix epoch, and
//! counts as the signed 64-bit integers SQL takes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A time as stored: milliseconds since the epoch (0 for anything earlier).
pub(in crate::dispatch) fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A stored time (anything before the epoch reads as the epoch).
pub(in crate::dispatch) fn time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

/// A count for a SQL `LIMIT`: a `usize` beyond `i64` means no limit at all.
pub(in crate::dispatch) fn limit(n: usize) -> i64 {
    n.min(i64::MAX as usize) as i64
}

/// A stored duration in microseconds (negative reads as zero).
pub(in crate::dispatch) fn micros(us: i64) -> Duration {
    Duration::from_micros(us.max(0) as u64)
}

/// The first version of the two tables every SQL store keeps, in one dialect's words:
/// `$bytes` for a byte string, `$int64` for milliseconds since the epoch and other 64-bit
/// integers, and `$attempt_order`, the attempt log's extra columns (PostgreSQL has no `rowid`
/// to keep attempts in the order they were made).
///
/// Frozen: a database that ran it keeps what it made, so a change to the tables is a new
/// migration (PostgreSQL) or schema version (SQLite), never an edit here.
macro_rules! tables_v1 {
    ($bytes:literal, $int64:literal, $attempt_order:literal) => {
        concat!(
            "CREATE TABLE IF NOT EXISTS ringback_deliveries (
    id TEXT PRIMARY KEY,
    callback TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    body ",
            $bytes,
            " NOT NULL,
    created_at ",
            $int64,
            " NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at ",
            $int64,
            " NOT NULL,
    lease_until ",
            $int64,
            " NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS ringback_deliveries_due ON ringback_deliveries (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS ringback_attempts (
    delivery_id TEXT NOT NULL REFERENCES ringback_deliveries (id),
    number INTEGER NOT NULL,
    at ",
            $int64,
            " NOT NULL,
    status INTEGER,
    error TEXT,
    latency_us ",
            $int64,
            " NOT NULL,
    response_head ",
            $bytes,
            " NOT NULL",
            $attempt_order,
            "
);
CREATE INDEX IF NOT EXISTS ringback_attempts_delivery ON ringback_attempts (delivery_id);
"
        )
    };
}
pub(in crate::dispatch) use tables_v1;

/// The table of target state (failing, paused and probed origins), in one dialect's words:
/// `$int64` for milliseconds since the epoch. Its own migration step, after the deliveries'
/// tables; frozen, as `tables_v1!` is.
macro_rules! tables_targets {
    ($int64:literal) => {
        concat!(
            "CREATE TABLE IF NOT EXISTS ringback_targets (
    origin TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    failures INTEGER NOT NULL,
    failing_since ",
            $int64,
            " NOT NULL,
    since ",
            $int64,
            " NOT NULL,
    held_until ",
            $int64,
            " NOT NULL,
    last_error TEXT,
    reason TEXT
);
"
        )
    };
}
pub(in crate::dispatch) use tables_targets;

/// The condition a claim adds so that no delivery to a paused or probed origin is taken: the
/// delivery's URL must not start with such an origin followed by the end of the authority.
/// The same words in SQLite and PostgreSQL; `ringback_targets` is a few rows at most.
macro_rules! not_held {
    () => {
        " AND NOT EXISTS (SELECT 1 FROM ringback_targets t WHERE t.status <> 'failing'
            AND substr(ringback_deliveries.url, 1, length(t.origin)) = t.origin
            AND substr(ringback_deliveries.url, length(t.origin) + 1, 1) IN ('', '/', '?', '#')) "
    };
}
pub(in crate::dispatch) use not_held;

/// The condition a claim adds to leave out the origins it was told to skip, listed by
/// `$origins`: a table expression in the dialect's words whose rows are `s.value`.
macro_rules! not_skipped {
    ($origins:literal) => {
        concat!(
            " AND NOT EXISTS (SELECT 1 FROM ",
            $origins,
            " WHERE substr(ringback_deliveries.url, 1, length(s.value)) = s.value
            AND substr(ringback_deliveries.url, length(s.value) + 1, 1) IN ('', '/', '?', '#')) "
        )
    };
}
pub(in crate::dispatch) use not_skipped;
