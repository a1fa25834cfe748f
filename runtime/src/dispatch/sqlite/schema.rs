//! Opening the outbox file: the write-ahead log, the connection's settings, and the tables.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::checkpoint::WAL_KEPT_BYTES;
use super::writer::sync_file;
use crate::dispatch::store::browse_sql;
use crate::dispatch::store::sql::{tables_targets, tables_v1};
use crate::dispatch::store::{Context, StoreError};

const SCHEMA: &str = concat!(
    tables_v1!("BLOB", "INTEGER", ""),
    "PRAGMA user_version = 1;"
);

/// The target-state table, a step of its own: it only adds a table, made if missing, so a file
/// made before it gains it on open and `user_version` (which counts changes to the tables
/// already there) is left as it is.
const TARGETS: &str = tables_targets!("INTEGER");

/// The changes after the first version, in order: step `i` takes a file from version `i + 1`
/// to `i + 2` (`PRAGMA user_version`). A file runs each step once, in one transaction with its
/// new version number. Append to this list; never edit a step a file may have run.
const STEPS: &[&str] = &[
    // 2: the key id a delivery is signed with; existing rows read NULL, the default keys.
    "ALTER TABLE ringback_deliveries ADD COLUMN key_id TEXT;",
    // 3: when a delivery finished, which retention counts from (see `retention`).
    FINISHED_AT,
];

/// Step 3: the time a delivery was delivered, dead-lettered or cancelled, NULL while it may
/// still be attempted, and the index retention walks (finished deliveries it may delete, by
/// that time; a pending delivery is not in it, so `send` and claims do not touch it).
///
/// The step rewrites no row: an outbox kept since before retention may hold millions, and
/// the step runs in one transaction under the write lock. Rows finished before the column
/// existed are given their time by retention itself, a batch at a time, just before it
/// deletes (see `retention::purge_finished`).
const FINISHED_AT: &str = "
ALTER TABLE ringback_deliveries ADD COLUMN finished_at INTEGER;
CREATE INDEX IF NOT EXISTS ringback_deliveries_finished ON ringback_deliveries (finished_at)
 WHERE state IN ('delivered', 'cancelled');
";

/// Makes the tables of a new file, and runs the steps a file at an older version has not run
/// yet, under the write lock: two processes opening one file at once migrate it once.
fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version == 0 {
        tx.execute_batch(SCHEMA)?;
        version = 1;
    }
    for (i, step) in STEPS.iter().enumerate() {
        let reaches = i as i64 + 2;
        if version < reaches {
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", reaches)?;
        }
    }
    tx.commit()
}

/// The writer's connection to the outbox at `path`, with its tables made, and the path of
/// its write-ahead log, whose name is on disk when this returns.
pub(super) fn open(path: &Path) -> Result<(Connection, PathBuf), StoreError> {
    let connection =
        Connection::open(path).context(format!("opening the outbox {}", path.display()))?;
    let journal: String = connection
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .context("switching the outbox to a write-ahead log")?;
    let wal = match connection.path() {
        Some(file) if !file.is_empty() && journal.eq_ignore_ascii_case("wal") => {
            PathBuf::from(format!("{file}-wal"))
        }
        _ => {
            return Err(StoreError::new(format!(
                "{} cannot hold a durable outbox: it must be a file SQLite can keep a \
                 write-ahead log for (for an outbox in memory, use MemoryStore)",
                path.display()
            )))
        }
    };
    // NORMAL: commits do not sync; the syncer thread does, off the writer's path. No
    // automatic checkpoints: one would run inside a commit, on the writer thread.
    connection
        .execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
             PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;",
        )
        .and_then(|()| connection.pragma_update(None, "journal_size_limit", WAL_KEPT_BYTES))
        .context("setting up the outbox connection")?;
    let mut connection = connection;
    migrate(&mut connection).context("creating or migrating the outbox tables")?;
    connection
        .execute_batch(TARGETS)
        .context("creating the outbox's target table")?;
    connection
        .execute_batch(browse_sql::INDEXES)
        .context("creating the outbox's indexes for browsing")?;
    // The schema's commit created the WAL if it was not there: its name must be on disk
    // before any sync of its contents can be relied on.
    sync_file(&wal).context("syncing the new write-ahead log")?;
    #[cfg(unix)]
    if let Some(dir) = wal.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .context("syncing the outbox's directory")?;
    }
    Ok((connection, wal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_version_outbox_gains_key_ids_and_keeps_its_deliveries() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("outbox.db");
        {
            // An outbox as the first version made it, with a delivery waiting.
            let old = Connection::open(&file).unwrap();
            old.execute_batch(SCHEMA).unwrap();
            old.execute(
                "INSERT INTO ringback_deliveries (id, callback, method, url, body, created_at, next_attempt_at, state)
                 VALUES ('msg_old', 'cb', 'POST', 'https://example.com/', x'7b7d', 1, 1, 'pending')",
                [],
            )
            .unwrap();
        }
        for _ in 0..2 {
            // Opening twice: the second open finds nothing left to do.
            let (c, _) = open(&file).unwrap();
            let version: i64 = c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(version, STEPS.len() as i64 + 1);
            let (id, key): (String, Option<String>) = c
                .query_row("SELECT id, key_id FROM ringback_deliveries", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            assert_eq!((id.as_str(), key), ("msg_old", None));
        }
    }

    #[test]
    fn a_second_version_outbox_learns_when_its_deliveries_finished_and_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("outbox.db");
        {
            // An outbox as the second version made it: delivered, dead, cancelled and pending.
            let old = Connection::open(&file).unwrap();
            old.execute_batch(SCHEMA).unwrap();
            old.execute_batch(STEPS[0]).unwrap();
            old.pragma_update(None, "user_version", 2).unwrap();
            old.execute_batch(
                "INSERT INTO ringback_deliveries (id, callback, method, url, body, created_at, next_attempt_at, state, attempts)
                 VALUES ('delivered', 'cb', 'POST', 'https://example.com/', x'7b7d', 1, 1, 'delivered', 2),
                        ('dead', 'cb', 'POST', 'https://example.com/', x'7b7d', 1, 1, 'dead', 1),
                        ('cancelled', 'cb', 'POST', 'https://example.com/', x'7b7d', 1, 1, 'cancelled', 0),
                        ('pending', 'cb', 'POST', 'https://example.com/', x'7b7d', 1, 1, 'pending', 1);
                 INSERT INTO ringback_attempts (delivery_id, number, at, status, latency_us, response_head)
                 VALUES ('delivered', 1, 1000, 503, 5, x''), ('delivered', 2, 2000, 200, 5, x''),
                        ('dead', 1, 3000, 410, 5, x''), ('pending', 1, 4000, 503, 5, x'');",
            )
            .unwrap();
        }
        let (c, _) = open(&file).unwrap();
        let version: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 3);
        let finished = |c: &Connection| -> Vec<(String, Option<i64>)> {
            c.prepare("SELECT id, finished_at FROM ringback_deliveries ORDER BY id")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert!(
            finished(&c).iter().all(|(_, at)| at.is_none()),
            "the step rewrites no row"
        );
        // Retention's first batch gives the finished rows their time and deletes what is past
        // it at once: the delivery finished at its last attempt (2 s after the epoch) goes;
        // a cancel of unknown time counts from now and stays.
        let upgraded = crate::dispatch::store::sql::millis(std::time::SystemTime::now());
        let ten_seconds = std::time::UNIX_EPOCH + std::time::Duration::from_secs(10);
        let deleted = super::super::retention::purge_finished(&c, ten_seconds, 10).unwrap();
        assert_eq!(deleted, 1);
        let finished = finished(&c);
        let cancelled = finished[0].1.unwrap();
        assert!(
            (upgraded - 5_000..upgraded + 60_000).contains(&cancelled),
            "a cancel of unknown time counts from the upgrade: {cancelled} vs {upgraded}"
        );
        assert_eq!(
            finished[1..],
            [("dead".to_owned(), None), ("pending".to_owned(), None)],
            "the delivered one went; dead letters and pending ones are not retention's"
        );
        let attempts: i64 = c
            .query_row("SELECT COUNT(*) FROM ringback_attempts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(attempts, 2, "the delivered one's two attempts went with it");
    }
}
