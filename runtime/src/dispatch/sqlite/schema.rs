//! Opening the outbox file: the write-ahead log, the connection's settings, and the tables.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::checkpoint::WAL_KEPT_BYTES;
use super::writer::sync_file;
use crate::dispatch::store::browse_sql;
use crate::dispatch::store::sql::tables_v1;
use crate::dispatch::store::{Context, StoreError};

const SCHEMA: &str = concat!(
    tables_v1!("BLOB", "INTEGER", ""),
    "PRAGMA user_version = 1;"
);

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
    connection
        .execute_batch(SCHEMA)
        .context("creating the outbox tables")?;
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
