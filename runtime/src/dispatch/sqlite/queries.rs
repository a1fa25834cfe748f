//! What the SQLite store asks of its file: each [`DeliveryStore`] method as SQL, writes
//! through the group-commit writer, reads on a blocking thread.

use std::time::SystemTime;

use rusqlite::{params, OptionalExtension, Row};

use super::{retention, targets, Durability, SqliteStore};
use crate::dispatch::pause::{TargetState, TargetStatus};
use crate::dispatch::store::sql::{limit, micros, millis, not_held, not_skipped, time};
use crate::dispatch::store::{
    Attempt, Claim, Cursor, Delivery, DeliveryFilter, DeliveryState, DeliveryStore, Outcome,
    StoreFuture, Summary,
};

/// A claim's query `$base ... $tail`, with the conditions that leave out held origins
/// (`$held`) and skipped ones (`$skip`, read from `?3`) only when they are wanted.
macro_rules! claim_query {
    ($held:expr, $skip:expr, $base:literal, $tail:literal) => {
        match ($held, $skip) {
            (false, false) => concat!($base, " ", $tail),
            (true, false) => concat!($base, not_held!(), $tail),
            (false, true) => concat!($base, not_skipped!("json_each(?3) AS s"), $tail),
            (true, true) => concat!(
                $base,
                not_held!(),
                not_skipped!("json_each(?3) AS s"),
                $tail
            ),
        }
    };
}

pub(super) fn delivery(row: &Row) -> rusqlite::Result<Delivery> {
    let state: String = row.get("state")?;
    Ok(Delivery {
        id: row.get("id")?,
        callback: row.get("callback")?,
        method: row.get("method")?,
        url: row.get("url")?,
        body: row.get("body")?,
        created_at: time(row.get("created_at")?),
        attempts: row.get("attempts")?,
        next_attempt_at: time(row.get("next_attempt_at")?),
        state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Pending),
        last_error: row.get("last_error")?,
        key_id: row.get("key_id")?,
    })
}

fn attempt(r: &Row) -> rusqlite::Result<Attempt> {
    Ok(Attempt {
        number: r.get(0)?,
        at: time(r.get(1)?),
        status: r.get(2)?,
        error: r.get(3)?,
        latency: micros(r.get(4)?),
        response_head: r.get(5)?,
    })
}

impl DeliveryStore for SqliteStore {
    fn enqueue(&self, d: Delivery) -> StoreFuture<'_, ()> {
        self.write(Durability::Durable, "recording a delivery", move |tx| {
            tx.prepare_cached(
                "INSERT INTO ringback_deliveries (id, callback, method, url, body, created_at, attempts, next_attempt_at, state, key_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                d.id,
                d.callback,
                d.method,
                d.url,
                d.body,
                millis(d.created_at),
                d.attempts,
                millis(d.next_attempt_at),
                d.state.as_str(),
                d.key_id
            ])
            .map(drop)
        })
    }

    fn claim(&self, claim: Claim) -> StoreFuture<'_, Vec<Delivery>> {
        // Through the writer: a claim shares the group's commit, and losing it to a power cut
        // only makes the deliveries due again.
        self.write(Durability::Relaxed, "claiming due deliveries", move |tx| {
            let now_ms = millis(claim.now);
            // Each condition is added only when it can leave something out: walking past a
            // due row costs a subquery per condition, a cost for every claim of a busy outbox.
            let held: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM ringback_targets WHERE status <> 'failing')",
                )?
                .query_row([], |row| row.get(0))?;
            let skipping = !claim.skip.is_empty();
            // The origins to skip, as the JSON array `json_each` reads.
            let skip = serde_json::to_string(&claim.skip).unwrap_or_else(|_| "[]".into());
            let select = |query: &str, n: usize| -> rusqlite::Result<Vec<Delivery>> {
                let mut statement = tx.prepare_cached(query)?;
                let rows = if skipping {
                    statement.query_map(params![now_ms, limit(n), skip], delivery)?
                } else {
                    statement.query_map(params![now_ms, limit(n)], delivery)?
                };
                rows.collect()
            };
            // Two queries, each walking the (state, next_attempt_at) index in order and
            // stopping at the limit. One query with OR read every due row and sorted them:
            // a claim cost the whole backlog. Expired leases come first: they are older.
            let mut claimed = select(
                claim_query!(
                    held,
                    skipping,
                    "SELECT * FROM ringback_deliveries WHERE state = 'in_flight' AND lease_until <= ?1",
                    "LIMIT ?2"
                ),
                claim.limit,
            )?;
            if claimed.len() < claim.limit {
                let due = select(
                    claim_query!(
                        held,
                        skipping,
                        "SELECT * FROM ringback_deliveries WHERE state = 'pending' AND next_attempt_at <= ?1",
                        "ORDER BY next_attempt_at LIMIT ?2"
                    ),
                    claim.limit - claimed.len(),
                )?;
                claimed.extend(due);
            }
            let mut update = tx.prepare_cached(
                "UPDATE ringback_deliveries SET state = 'in_flight', lease_until = ?2 WHERE id = ?1",
            )?;
            for d in &claimed {
                update.execute(params![d.id, millis(claim.lease_until)])?;
            }
            Ok(claimed.into_iter().map(|d| claim.take(d)).collect())
        })
    }

    fn finish(&self, id: &str, attempt: Attempt, outcome: Outcome) -> StoreFuture<'_, ()> {
        let id = id.to_owned();
        self.write(Durability::Relaxed, "recording an attempt", move |tx| {
            // As `Outcome::apply` does in memory; a final outcome also says when it finished,
            // which retention counts from.
            tx.prepare_cached(
                "UPDATE ringback_deliveries SET state = ?2, attempts = MAX(attempts, ?3), last_error = ?4,
                 next_attempt_at = COALESCE(?5, next_attempt_at), finished_at = ?6 WHERE id = ?1",
            )?
            .execute(params![
                id,
                outcome.state().as_str(),
                attempt.number,
                attempt.failure(),
                outcome.next_attempt().map(millis),
                outcome.next_attempt().is_none().then(|| millis(attempt.at))
            ])?;
            tx.prepare_cached(
                "INSERT INTO ringback_attempts (delivery_id, number, at, status, error, latency_us, response_head)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                attempt.number,
                millis(attempt.at),
                attempt.status,
                attempt.error,
                attempt.latency.as_micros() as i64,
                attempt.response_head
            ])?;
            Ok(())
        })
    }

    fn release(&self, id: &str) -> StoreFuture<'_, ()> {
        let id = id.to_owned();
        self.write(Durability::Relaxed, "releasing a claim", move |c| {
            c.execute(
                "UPDATE ringback_deliveries SET state = 'pending', lease_until = 0 WHERE id = ?1 AND state = 'in_flight'",
                params![id],
            )
            .map(drop)
        })
    }

    fn get(&self, id: &str) -> StoreFuture<'_, Option<Delivery>> {
        let id = id.to_owned();
        self.read("reading a delivery", move |c| {
            c.query_row(
                "SELECT * FROM ringback_deliveries WHERE id = ?1",
                params![id],
                delivery,
            )
            .optional()
        })
    }

    fn attempts(&self, id: &str) -> StoreFuture<'_, Vec<Attempt>> {
        let id = id.to_owned();
        self.read("reading a delivery's attempts", move |c| {
            let mut select = c.prepare_cached(
                "SELECT number, at, status, error, latency_us, response_head FROM ringback_attempts
                 WHERE delivery_id = ?1 ORDER BY rowid",
            )?;
            let rows = select.query_map(params![id], attempt)?;
            rows.collect()
        })
    }

    fn find(&self, filter: DeliveryFilter, n: usize) -> StoreFuture<'_, Vec<Delivery>> {
        self.find_oldest(filter, n)
    }

    fn replay_matching(&self, filter: DeliveryFilter, now: SystemTime) -> StoreFuture<'_, u64> {
        self.write(Durability::Durable, "replaying dead deliveries", move |c| {
            c.execute(
                "UPDATE ringback_deliveries SET state = 'pending', next_attempt_at = ?1, attempts = 0, finished_at = NULL
                 WHERE state = 'dead' AND (?2 IS NULL OR substr(url, 1, length(?2)) = ?2)
                   AND (?3 IS NULL OR created_at >= ?3) AND (?4 IS NULL OR created_at < ?4)
                   AND (?5 IS NULL OR next_attempt_at > ?5) AND (?6 = 0 OR attempts = 0)
                   AND (?7 IS NULL OR callback = ?7)",
                params![
                    millis(now),
                    filter.target,
                    filter.since.map(millis),
                    filter.until.map(millis),
                    filter.due_after.map(millis),
                    filter.not_attempted,
                    filter.callback
                ],
            )
            .map(|n| n as u64)
        })
    }

    fn replay(&self, id: &str, now: SystemTime) -> StoreFuture<'_, bool> {
        let id = id.to_owned();
        self.write(Durability::Durable, "replaying a delivery", move |c| {
            c.execute(
                "UPDATE ringback_deliveries SET state = 'pending', next_attempt_at = ?2, attempts = 0, finished_at = NULL
                 WHERE id = ?1 AND state = 'dead'",
                params![id, millis(now)],
            )
            .map(|n| n == 1)
        })
    }

    fn cancel(&self, id: &str) -> StoreFuture<'_, Option<DeliveryState>> {
        let id = id.to_owned();
        // Durable: a cancel that was answered must not come back as a delivery after a crash.
        self.write(Durability::Durable, "cancelling a delivery", move |c| {
            // One statement: no claim comes between the check and the change.
            let cancelled = c
                .prepare_cached(
                    "UPDATE ringback_deliveries SET state = 'cancelled', finished_at = ?2
                     WHERE id = ?1 AND state = 'pending'",
                )?
                .execute(params![id, millis(SystemTime::now())])?;
            if cancelled == 1 {
                return Ok(Some(DeliveryState::Pending));
            }
            let state: Option<String> = c
                .prepare_cached("SELECT state FROM ringback_deliveries WHERE id = ?1")?
                .query_row(params![id], |row| row.get(0))
                .optional()?;
            state.map(|s| known_state(&s)).transpose()
        })
    }
    fn purge_finished(&self, before: SystemTime, n: usize) -> StoreFuture<'_, u64> {
        // Relaxed, and a batch at a time: a durable `send` queued behind it waits for one
        // short batch, and shares its commit. A purge lost to a power cut is simply redone.
        self.write(
            Durability::Relaxed,
            "deleting finished deliveries",
            move |c| retention::purge_finished(c, before, n),
        )
    }

    fn purge_dead(&self, filter: DeliveryFilter, n: usize) -> StoreFuture<'_, u64> {
        // Durable: an operator told the dead letters are gone must not see them come back.
        self.write(Durability::Durable, "deleting dead letters", move |c| {
            retention::purge_dead(c, &filter, n)
        })
    }

    fn targets(&self) -> StoreFuture<'_, Vec<TargetState>> {
        self.read("reading target state", |c| targets::list(c))
    }

    fn target_failed(
        &self,
        origin: &str,
        at: SystemTime,
        error: &str,
    ) -> StoreFuture<'_, TargetState> {
        let (origin, error) = (origin.to_owned(), error.to_owned());
        // Relaxed: a streak lost to a power cut is counted again.
        self.write(Durability::Relaxed, "counting a failed target", move |c| {
            targets::failed(c, &origin, at, &error)
        })
    }

    fn set_target(&self, target: TargetState) -> StoreFuture<'_, ()> {
        self.write(Durability::Durable, "recording target state", move |c| {
            targets::set(c, &target)
        })
    }

    fn clear_target(&self, origin: &str, status: Option<TargetStatus>) -> StoreFuture<'_, bool> {
        let origin = origin.to_owned();
        self.write(Durability::Durable, "clearing target state", move |c| {
            targets::clear(c, &origin, status)
        })
    }

    fn start_probe(
        &self,
        origin: &str,
        now: SystemTime,
        until: SystemTime,
    ) -> StoreFuture<'_, bool> {
        let origin = origin.to_owned();
        self.write(Durability::Relaxed, "starting a probe", move |c| {
            targets::start_probe(c, &origin, now, until)
        })
    }

    fn page(
        &self,
        filter: DeliveryFilter,
        after: Option<Cursor>,
        n: usize,
    ) -> StoreFuture<'_, Vec<Delivery>> {
        self.browse(filter, after, n)
    }

    fn summary(&self, since: SystemTime, now: SystemTime) -> StoreFuture<'_, Summary> {
        self.summarize(since, now)
    }
}

/// A stored state this version knows, or an error naming it (a newer version wrote it).
fn known_state(s: &str) -> rusqlite::Result<DeliveryState> {
    DeliveryState::parse(s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown delivery state {s:?}").into(),
        )
    })
}
