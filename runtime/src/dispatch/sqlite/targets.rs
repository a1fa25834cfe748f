//! Target state in the SQLite file: the SQL behind the store's target methods, each run on
//! the connection the writer or a reader hands it.

use std::time::SystemTime;

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::dispatch::pause::{TargetState, TargetStatus};
use crate::dispatch::store::sql::{millis, time};

fn target(row: &Row) -> rusqlite::Result<TargetState> {
    let status: String = row.get("status")?;
    Ok(TargetState {
        origin: row.get("origin")?,
        // An unknown status (a newer version's) holds its deliveries back, the safe reading.
        status: TargetStatus::parse(&status).unwrap_or(TargetStatus::Paused),
        failures: row.get("failures")?,
        failing_since: time(row.get("failing_since")?),
        since: time(row.get("since")?),
        until: time(row.get("held_until")?),
        last_error: row.get("last_error")?,
        reason: row.get("reason")?,
    })
}

pub(super) fn list(c: &Connection) -> rusqlite::Result<Vec<TargetState>> {
    let mut select = c.prepare_cached("SELECT * FROM ringback_targets ORDER BY origin")?;
    let rows = select.query_map([], target)?;
    rows.collect()
}

pub(super) fn failed(
    c: &Connection,
    origin: &str,
    at: SystemTime,
    error: &str,
) -> rusqlite::Result<TargetState> {
    c.prepare_cached(
        "INSERT INTO ringback_targets (origin, status, failures, failing_since, since, held_until, last_error)
         VALUES (?1, 'failing', 1, ?2, ?2, ?2, ?3)
         ON CONFLICT (origin) DO UPDATE SET failures = failures + 1, last_error = excluded.last_error
         RETURNING *",
    )?
    .query_row(params![origin, millis(at), error], target)
}

pub(super) fn set(c: &Connection, t: &TargetState) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO ringback_targets (origin, status, failures, failing_since, since, held_until, last_error, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (origin) DO UPDATE SET status = excluded.status, failures = excluded.failures,
            failing_since = excluded.failing_since, since = excluded.since,
            held_until = excluded.held_until, last_error = excluded.last_error, reason = excluded.reason",
    )?
    .execute(params![
        t.origin,
        t.status.as_str(),
        t.failures,
        millis(t.failing_since),
        millis(t.since),
        millis(t.until),
        t.last_error,
        t.reason
    ])
    .map(drop)
}

pub(super) fn clear(
    c: &Connection,
    origin: &str,
    status: Option<TargetStatus>,
) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "DELETE FROM ringback_targets WHERE origin = ?1 AND (?2 IS NULL OR status = ?2)",
    )?
    .execute(params![origin, status.map(TargetStatus::as_str)])
    .map(|n| n == 1)
}

pub(super) fn start_probe(
    c: &Connection,
    origin: &str,
    now: SystemTime,
    until: SystemTime,
) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "UPDATE ringback_targets SET status = 'probing', held_until = ?3
         WHERE origin = ?1 AND status IN ('paused', 'probing') AND reason IS NULL AND held_until <= ?2
         RETURNING origin",
    )?
    .query_row(params![origin, millis(now), millis(until)], |_| Ok(()))
    .optional()
    .map(|taken| taken.is_some())
}
