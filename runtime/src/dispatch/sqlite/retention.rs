//! Deleting from the outbox file: finished deliveries past their retention, and dead letters
//! an operator purges. Each call is one batch, run by the group-commit writer inside its
//! transaction: it picks at most `n` rows through an index and deletes them with their
//! attempts by key, so its cost is the batch's, however large the outbox.
//!
//! The file's size: SQLite keeps the pages a delete frees on its free list and fills them
//! before it makes the file longer, so under a steady load (as much deleted per retention
//! period as sent) the file stops growing at its high-water mark. It does not shrink. The
//! outbox keeps `auto_vacuum` off, on purpose: `INCREMENTAL` would hand free pages back to the
//! system only for the next deliveries to take them again, at the cost of pointer-map pages
//! kept on every write, and it can only be chosen before the tables exist (an existing file
//! would need a full `VACUUM`, which rewrites the whole file while holding the write lock).
//! To reclaim the space a one-off backlog left, run `VACUUM` on the file while the service is
//! stopped (`sqlite3 outbox.db VACUUM`).

use std::time::SystemTime;

use rusqlite::{params, Connection};

use crate::dispatch::store::sql::{limit, millis};
use crate::dispatch::store::{DeliveryFilter, DeliveryState};

/// Deletes up to `n` deliveries delivered or cancelled before `before`, oldest first, with
/// their attempts.
pub(super) fn purge_finished(
    c: &Connection,
    before: SystemTime,
    n: usize,
) -> rusqlite::Result<u64> {
    // Finished with no time kept (before the column existed, or by an instance of such a
    // version sharing the file): a delivered one finished at its last attempt, a cancelled
    // one, whose cancel time nobody kept, counts from now and goes a whole retention period
    // later. Stamped first, so a backlog from before the upgrade goes in this same batch.
    c.prepare_cached(
        "UPDATE ringback_deliveries SET finished_at = CASE state
            WHEN 'delivered' THEN COALESCE((SELECT MAX(a.at) FROM ringback_attempts a
                                            WHERE a.delivery_id = ringback_deliveries.id), ?1)
            ELSE ?1 END
         WHERE rowid IN (
            SELECT rowid FROM ringback_deliveries INDEXED BY ringback_deliveries_finished
            WHERE state IN ('delivered', 'cancelled') AND finished_at IS NULL LIMIT ?2)",
    )?
    .execute(params![millis(SystemTime::now()), limit(n)])?;
    // The partial index holds finished deliveries alone, in the order they finished; named,
    // because without statistics the planner prefers the index on state and reads every
    // delivered row to sort them. The condition on state is written as the index's own.
    let rows = c
        .prepare_cached(
            "SELECT rowid, id FROM ringback_deliveries INDEXED BY ringback_deliveries_finished
             WHERE state IN ('delivered', 'cancelled') AND finished_at < ?1
             ORDER BY finished_at LIMIT ?2",
        )?
        .query_map(params![millis(before), limit(n)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<Vec<(i64, String)>>>()?;
    delete(c, &rows)
}

/// Deletes up to `n` dead letters matching `filter` (its state aside), oldest first, with
/// their attempts.
pub(super) fn purge_dead(
    c: &Connection,
    filter: &DeliveryFilter,
    n: usize,
) -> rusqlite::Result<u64> {
    let rows = c
        .prepare_cached(
            "SELECT rowid, id FROM ringback_deliveries
             WHERE state = ?1 AND (?2 IS NULL OR substr(url, 1, length(?2)) = ?2)
               AND (?3 IS NULL OR created_at >= ?3) AND (?4 IS NULL OR created_at < ?4)
               AND (?5 IS NULL OR next_attempt_at > ?5) AND (?6 = 0 OR attempts = 0)
               AND (?7 IS NULL OR callback = ?7)
             ORDER BY created_at LIMIT ?8",
        )?
        .query_map(
            params![
                DeliveryState::Dead.as_str(),
                filter.target,
                filter.since.map(millis),
                filter.until.map(millis),
                filter.due_after.map(millis),
                filter.not_attempted,
                filter.callback,
                limit(n)
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<rusqlite::Result<Vec<(i64, String)>>>()?;
    delete(c, &rows)
}

/// Deletes each delivery (by rowid) and its attempts (by their delivery's index). The
/// attempts go first: their foreign key has no `ON DELETE CASCADE` (the first schema made it
/// so, and SQLite cannot change a constraint without rebuilding the table), and
/// `foreign_keys` is on.
fn delete(c: &Connection, rows: &[(i64, String)]) -> rusqlite::Result<u64> {
    let mut attempts = c.prepare_cached("DELETE FROM ringback_attempts WHERE delivery_id = ?1")?;
    let mut delivery = c.prepare_cached("DELETE FROM ringback_deliveries WHERE rowid = ?1")?;
    let mut deleted = 0;
    for (rowid, id) in rows {
        attempts.execute(params![id])?;
        deleted += delivery.execute(params![rowid])? as u64;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use crate::dispatch::store::{Attempt, Delivery, DeliveryStore, Outcome};
    use crate::dispatch::SqliteStore;

    fn delivery(id: String, body: usize) -> Delivery {
        let now = SystemTime::now();
        let url = "https://example.com/hook";
        Delivery::new(id, "cb", "POST", url, vec![b'x'; body], now)
    }

    #[test]
    fn the_purge_walks_the_partial_index_not_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let (c, _) = super::super::schema::open(&dir.path().join("outbox.db")).unwrap();
        let plan = |sql: &str| -> String {
            let mut s = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let rows = s.query_map([], |r| r.get::<_, String>(3)).unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        let finished = plan(
            "SELECT rowid, id FROM ringback_deliveries INDEXED BY ringback_deliveries_finished
             WHERE state IN ('delivered', 'cancelled') AND finished_at < 5
             ORDER BY finished_at LIMIT 500",
        );
        assert!(
            finished.contains("ringback_deliveries_finished") && !finished.contains("TEMP B-TREE"),
            "{finished}"
        );
        let attempts = plan("DELETE FROM ringback_attempts WHERE delivery_id = 'x'");
        assert!(
            attempts.contains("ringback_attempts_delivery"),
            "{attempts}"
        );
    }

    /// The steady cycle of a busy service with a short retention, on a real file: send,
    /// deliver, let the retention period pass, purge. Once the first cycles have grown the
    /// file to what one retention period holds, the deletes' free pages take the new rows and
    /// the file grows no more, though many times its size is written through it.
    /// A replayed dead letter is unfinished again: an instance that knows nothing of retention
    /// (a rolling upgrade) and delivers it must not leave its old finishing time behind.
    #[tokio::test]
    async fn a_replay_forgets_when_the_delivery_finished() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("outbox.db");
        let store = SqliteStore::open(&file).unwrap();
        let now = SystemTime::now();
        store.enqueue(delivery("d".into(), 10)).await.unwrap();
        let claimed = store
            .claim_due(now, 1, Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        let attempt = Attempt {
            number: 1,
            at: now,
            status: Some(410),
            error: None,
            latency: Duration::from_millis(1),
            response_head: Vec::new(),
        };
        store.finish("d", attempt, Outcome::Dead).await.unwrap();
        let finished = |c: &rusqlite::Connection| -> Option<i64> {
            c.query_row(
                "SELECT finished_at FROM ringback_deliveries WHERE id = 'd'",
                [],
                |r| r.get(0),
            )
            .unwrap()
        };
        let reader = rusqlite::Connection::open(&file).unwrap();
        assert!(finished(&reader).is_some(), "a dead letter has finished");
        assert!(store.replay("d", now).await.unwrap());
        assert_eq!(finished(&reader), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn under_a_steady_load_the_outbox_file_stops_growing() {
        const CYCLES: usize = 40;
        const WARM_UP: usize = 5;
        const PER_CYCLE: usize = 400;
        const BODY: usize = 1024;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("outbox.db");
        let store = SqliteStore::open(&file).unwrap();
        // The database's size as its pages say, WAL included: what the file holds once the
        // checkpoint thread has copied the WAL back (the file never shrinks).
        let reader = rusqlite::Connection::open(&file).unwrap();
        let logical = || -> u64 {
            let pages: u64 = reader
                .query_row("PRAGMA page_count", [], |r| r.get(0))
                .unwrap();
            let size: u64 = reader
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap();
            pages * size
        };
        let mut warm = 0;
        for cycle in 0..CYCLES {
            // Concurrent, as a busy service's sends are: the writer groups them.
            let sends: Vec<_> = (0..PER_CYCLE)
                .map(|i| {
                    let store = store.clone();
                    tokio::spawn(async move {
                        store.enqueue(delivery(format!("c{cycle}-{i}"), BODY)).await
                    })
                })
                .collect();
            for send in sends {
                send.await.unwrap().unwrap();
            }
            let claimed = store
                .claim_due(SystemTime::now(), PER_CYCLE, Duration::from_secs(60))
                .await
                .unwrap();
            assert_eq!(claimed.len(), PER_CYCLE);
            let finishes: Vec<_> = claimed
                .iter()
                .map(|d| {
                    let attempt = Attempt {
                        number: 1,
                        at: SystemTime::now(),
                        status: Some(200),
                        error: None,
                        latency: Duration::from_millis(2),
                        response_head: vec![b'o'; 200],
                    };
                    store.finish(&d.id, attempt, Outcome::Delivered)
                })
                .collect();
            for finish in finishes {
                finish.await.unwrap();
            }
            // The retention period passes: everything delivered so far is due to go, in
            // batches as the retention task deletes it.
            let before = SystemTime::now() + Duration::from_millis(1);
            let mut purged = 0;
            loop {
                let n = store.purge_finished(before, 150).await.unwrap();
                purged += n;
                if n < 150 {
                    break;
                }
            }
            assert_eq!(purged, PER_CYCLE as u64, "cycle {cycle}");
            if cycle + 1 == WARM_UP {
                warm = logical();
            }
        }
        let end = logical();
        let on_disk = std::fs::metadata(&file).unwrap().len();
        let written = (CYCLES * PER_CYCLE * BODY) as u64;
        // A margin for the indexes' pages settling; a file that kept what it was sent would
        // grow by `written`, 16 MB.
        let margin = warm / 10 + 64 * 1024;
        assert!(
            end <= warm + margin && on_disk <= warm + margin,
            "the outbox grew from {warm} bytes after {WARM_UP} cycles to {end} ({on_disk} on \
             disk) after {CYCLES}"
        );
        assert!(
            written > 8 * end,
            "{written} bytes went through a file of {end}"
        );
        let left: i64 = reader
            .query_row("SELECT COUNT(*) FROM ringback_attempts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0, "the attempts went with their deliveries");
    }
}
