//! The checkpoint thread: copies the write-ahead log back into the database file, and keeps
//! the log from growing while the store is busy.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Weak};
use std::time::Duration;

use rusqlite::Connection;

use crate::dispatch::store::{Context, StoreError};

/// Past this many frames in the WAL (SQLite's own default for automatic checkpoints, 4 MiB
/// with its default page size), a checkpoint finishes with the writer held back, so that the
/// WAL starts over.
const WAL_RESTART_FRAMES: i64 = 1000;

/// What a WAL that starts over is cut back to (`journal_size_limit`), should a burst have
/// grown it past this: a WAL that starts over within its file overwrites, and each sync then
/// has no new blocks to record.
pub(super) const WAL_KEPT_BYTES: i64 = 16 * 1024 * 1024;

/// How often the checkpoint thread copies the WAL back when writes are light. Under heavy
/// writes it halves the wait, down to [`CHECKPOINT_SOONEST`], until each checkpoint finds
/// fewer than [`WAL_RESTART_FRAMES`].
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);
const CHECKPOINT_SOONEST: Duration = Duration::from_millis(5);

/// The checkpoint thread's own connection to the outbox at `path`.
pub(super) fn connection(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open(path).context("opening the checkpoint connection")?;
    connection
        .execute_batch("PRAGMA busy_timeout = 5000;")
        .context("setting up the checkpoint connection")?;
    Ok(connection)
}

/// Copies the WAL back into the database file from a connection of its own, so writers
/// rarely wait for it (a passive checkpoint takes no lock they need). Ends once the store is
/// gone.
///
/// SQLite starts the WAL over from its beginning only when a write begins with every frame
/// already copied back. A writer that never pauses for a whole checkpoint would never see
/// that, and the WAL would grow for as long as the store is busy: without bound on disk, and
/// with every commit landing past the file's end, where each sync must also record the new
/// blocks (on this project's test machine such a sync took twice as long as one that
/// overwrites). So once the WAL is long, the checkpoint that found it so is followed by one
/// with the writer's connection held, which copies what was committed meanwhile: a short
/// pause, after which the next commit starts the WAL over.
pub(super) fn run(connection: &Connection, store: &Weak<Mutex<Connection>>) {
    let passive = || {
        connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            row.get::<_, i64>(1)
        })
    };
    let mut wait = CHECKPOINT_EVERY;
    loop {
        std::thread::sleep(wait);
        let Some(writer) = store.upgrade() else {
            // A last one, so a closed store leaves a small WAL behind.
            let _ = connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
            return;
        };
        let done = passive().and_then(|frames| {
            if frames <= WAL_RESTART_FRAMES {
                wait = (wait * 2).min(CHECKPOINT_EVERY);
                return Ok(());
            }
            wait = (wait / 2).max(CHECKPOINT_SOONEST);
            let _held = writer.lock().unwrap_or_else(|e| e.into_inner());
            passive().map(drop)
        });
        if let Err(e) = done {
            tracing::warn!(error = %e, "checkpointing the SQLite outbox failed; retrying");
        }
    }
}

/// The writer's backstop for a checkpoint thread that has fallen behind: a thread that is not
/// scheduled (a loaded machine, a stalled disk) would otherwise let the WAL grow for as long
/// as writes keep coming. After each commit the writer looks at the WAL's size; once it has
/// grown [`WAL_KEPT_BYTES`] past what a WAL that starts over is cut back to, the writer
/// copies it back itself, with its own connection, and the next commit starts the WAL over.
/// That stalls writes for one checkpoint, which is why it is the backstop and not the rule.
pub(super) struct Backstop {
    wal: PathBuf,
    /// The WAL size at which the writer checkpoints next.
    next: u64,
}

impl Backstop {
    /// Past this size the WAL cannot have started over since it was last cut back.
    const FIRST: u64 = 2 * WAL_KEPT_BYTES as u64;

    pub(super) fn new(wal: PathBuf) -> Self {
        Backstop {
            wal,
            next: Self::FIRST,
        }
    }

    /// Called after each commit, with the writing connection held.
    pub(super) fn after_commit(&mut self, connection: &Connection) {
        // A stat costs a microsecond; a commit costs tens of them.
        let Ok(len) = std::fs::metadata(&self.wal).map(|m| m.len()) else {
            return;
        };
        if len <= WAL_KEPT_BYTES as u64 {
            // Cut back: the WAL started over.
            self.next = Self::FIRST;
            return;
        }
        if len < self.next {
            return;
        }
        // The first column says the checkpoint thread's own was under way: try again after
        // the next commit. Otherwise, should a reader's snapshot keep the WAL from starting
        // over, the next try waits for as much growth again rather than running every commit.
        match connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            row.get::<_, i64>(0)
        }) {
            Ok(1) => {}
            Ok(_) => self.next = len + WAL_KEPT_BYTES as u64,
            Err(e) => {
                self.next = len + WAL_KEPT_BYTES as u64;
                tracing::warn!(error = %e, "the writer's checkpoint of the SQLite outbox failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With no checkpoint thread at all, the backstop alone keeps the WAL bounded.
    #[test]
    fn the_writer_alone_keeps_the_wal_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let connection = Connection::open(&path).unwrap();
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                 PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (body BLOB);",
            )
            .unwrap();
        connection
            .pragma_update(None, "journal_size_limit", WAL_KEPT_BYTES)
            .unwrap();
        let wal = dir.path().join("outbox.db-wal");
        let mut backstop = Backstop::new(wal.clone());
        let mut largest = 0;
        for _ in 0..64 * 1024 / 16 {
            connection
                .execute("INSERT INTO t VALUES (?1)", [vec![b'x'; 16 * 1024]])
                .unwrap();
            backstop.after_commit(&connection);
            largest = largest.max(std::fs::metadata(&wal).unwrap().len());
        }
        let limit = Backstop::FIRST + 64 * 1024;
        assert!(
            largest <= limit,
            "the WAL grew to {largest} bytes past the backstop's {limit}"
        );
        assert!(
            largest > Backstop::FIRST / 2,
            "64 MiB of writes should have grown the WAL towards the backstop"
        );
    }
}
