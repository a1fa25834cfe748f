//! The embedded default store: one SQLite file, no set-up. Durable when `enqueue` returns
//! (WAL, and the write-ahead log is synced to disk after the commit that holds it).
//!
//! Every write goes through one writer thread that commits in groups, and two syncer threads
//! that make them durable. The writer commits with `synchronous = NORMAL` (the commit is in
//! the WAL, not yet on disk) and goes on to the next group at once; a syncer fsyncs the WAL
//! file and only then answers the group's durable writes: a new delivery, or an operator's
//! replay. An fsync covers every commit before it, so one serves all the groups committed
//! while the previous one was under way; the writer's statements overlap the disk's wait
//! instead of following it, and with two syncers a commit does not wait for an fsync that
//! began before it to end before its own begins. (SQLite's own `synchronous = FULL` would
//! sync inside the commit, holding the writer for it.)
//!
//! Claims and attempt results are answered after their commit, without waiting for a sync: a
//! process crash loses none of them (they are in the WAL), and an operating-system crash or
//! power cut can forget only the last few, whose deliveries are then attempted again. That
//! keeps at least once, and saves an fsync per claim and per result.
//!
//! A checkpoint thread copies the WAL back into the database file from a connection of its
//! own. It also keeps the WAL from growing while the store is busy: see `checkpoint`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::store::{
    Attempt, Delivery, DeliveryFilter, DeliveryState, DeliveryStore, StoreError, StoreFuture,
};

/// Deliveries in a SQLite file, created and migrated on open.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("ringback-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let store = ringback::dispatch::SqliteStore::open(dir.join("outbox.db")).unwrap();
/// # drop(store); std::fs::remove_dir_all(dir).ok();
/// ```
#[derive(Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    /// Writes on their way to the group-commit writer.
    writes: std::sync::mpsc::Sender<Box<dyn Write>>,
}

/// Whether a write's commit must reach the disk before the write is answered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Durability {
    /// `send` and replays: answered only after an fsync.
    Durable,
    /// Claims and attempt results: losing the last few to a power cut only repeats attempts.
    Relaxed,
}

/// One write, run inside the group's transaction, answered after the group's commit.
trait Write: Send {
    fn durability(&self) -> Durability;
    /// Runs the write, and says whether it succeeded. It may run again, in a new
    /// transaction, when another write of its group failed.
    fn run(&mut self, connection: &Connection) -> bool;
    /// Answers the caller once the group's commit has succeeded or failed.
    fn answer(self: Box<Self>, committed: Result<(), StoreError>);
}

/// A write that produces a `T` (claimed deliveries, or nothing), answered through a channel.
struct Job<T, F> {
    durability: Durability,
    work: F,
    outcome: Option<rusqlite::Result<T>>,
    reply: tokio::sync::oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Write for Job<T, F>
where
    T: Send,
    F: Fn(&Connection) -> rusqlite::Result<T> + Send,
{
    fn durability(&self) -> Durability {
        self.durability
    }

    fn run(&mut self, connection: &Connection) -> bool {
        let outcome = (self.work)(connection);
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn answer(self: Box<Self>, committed: Result<(), StoreError>) {
        let result = match (committed, self.outcome) {
            (Err(e), _) => Err(e),
            (Ok(()), Some(outcome)) => outcome.map_err(error),
            (Ok(()), None) => Err(StoreError("the write was not run".into())),
        };
        let _ = self.reply.send(result);
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ringback_deliveries (
    id TEXT PRIMARY KEY,
    callback TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS ringback_deliveries_due ON ringback_deliveries (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS ringback_attempts (
    delivery_id TEXT NOT NULL REFERENCES ringback_deliveries (id),
    number INTEGER NOT NULL,
    at INTEGER NOT NULL,
    status INTEGER,
    error TEXT,
    latency_us INTEGER NOT NULL,
    response_head BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS ringback_attempts_delivery ON ringback_attempts (delivery_id);
PRAGMA user_version = 1;
";

fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

fn error(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let connection = Connection::open(path).map_err(error)?;
        let journal: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(error)?;
        let wal = match connection.path() {
            Some(file) if !file.is_empty() && journal.eq_ignore_ascii_case("wal") => {
                PathBuf::from(format!("{file}-wal"))
            }
            _ => {
                return Err(StoreError(format!(
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
            .map_err(error)?;
        connection.execute_batch(SCHEMA).map_err(error)?;
        // The schema's commit created the WAL if it was not there: its name must be on disk
        // before any sync of its contents can be relied on.
        sync_file(&wal).map_err(error)?;
        #[cfg(unix)]
        if let Some(dir) = wal.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(error)?;
        }
        let checkpoints = Connection::open(path).map_err(error)?;
        checkpoints
            .execute_batch("PRAGMA busy_timeout = 5000;")
            .map_err(error)?;
        let connection = Arc::new(Mutex::new(connection));
        let (writes, queue) = std::sync::mpsc::channel();
        let (committed, unsynced) = std::sync::mpsc::channel();
        let writer = connection.clone();
        std::thread::Builder::new()
            .name("ringback-sqlite-writer".into())
            .spawn(move || group_commit(&writer, &queue, &committed))
            .map_err(error)?;
        let unsynced = Arc::new(Mutex::new(unsynced));
        for _ in 0..SYNCERS {
            let (wal, unsynced) = (wal.clone(), unsynced.clone());
            std::thread::Builder::new()
                .name("ringback-sqlite-sync".into())
                .spawn(move || sync_wal(&wal, &unsynced))
                .map_err(error)?;
        }
        let alive = Arc::downgrade(&connection);
        std::thread::Builder::new()
            .name("ringback-sqlite-checkpoint".into())
            .spawn(move || checkpoint(&checkpoints, &alive))
            .map_err(error)?;
        Ok(SqliteStore { connection, writes })
    }

    /// Runs `f` on the connection on a blocking thread: SQLite waits on the disk.
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> StoreFuture<'static, T> {
        let connection = self.connection.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut guard = connection.lock().unwrap_or_else(|e| e.into_inner());
                f(&mut guard).map_err(error)
            })
            .await
            .map_err(error)?
        })
    }

    /// Queues a write for the group-commit writer; resolves once it is committed.
    fn write<T: Send + 'static>(
        &self,
        durability: Durability,
        work: impl Fn(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> StoreFuture<'static, T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let sent = self.writes.send(Box::new(Job {
            durability,
            work,
            outcome: None,
            reply,
        }));
        Box::pin(async move {
            sent.map_err(|_| StoreError("the SQLite writer has stopped".into()))?;
            answer
                .await
                .map_err(|_| StoreError("the SQLite writer has stopped".into()))?
        })
    }

    fn finish(
        &self,
        id: &str,
        attempt: Attempt,
        state: DeliveryState,
        next: Option<SystemTime>,
    ) -> StoreFuture<'static, ()> {
        let id = id.to_owned();
        self.write(Durability::Relaxed, move |tx| {
            let last_error = attempt.failure();
            tx.prepare_cached(
                "UPDATE ringback_deliveries SET state = ?2, attempts = MAX(attempts, ?3), last_error = ?4,
                 next_attempt_at = COALESCE(?5, next_attempt_at) WHERE id = ?1",
            )?
            .execute(params![id, state.as_str(), attempt.number, last_error, next.map(millis)])?;
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
                ],
            )?;
            Ok(())
        })
    }
}

/// How many fsyncs of the WAL may be under way at once. A commit that lands while one is in
/// flight need not wait for it to end before its own begins.
const SYNCERS: usize = 2;

/// How long a group holding only claims and attempt results waits for more writes.
const RELAXED_WAIT: Duration = Duration::from_micros(500);

/// Writes in groups: everything queued while one commit is under way goes into the next, so
/// concurrent `send`s, claims and attempt results share a commit instead of queueing for one
/// each. One write failing does not undo the others. Relaxed writes are answered after the
/// commit; durable ones go on to the syncers. The thread ends with the last handle.
fn group_commit(
    connection: &Mutex<Connection>,
    queue: &std::sync::mpsc::Receiver<Box<dyn Write>>,
    unsynced: &std::sync::mpsc::Sender<Vec<Box<dyn Write>>>,
) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while let Ok(more) = queue.try_recv() {
            group.push(more);
        }
        // A group of attempt results alone waits a moment for more: each commit writes every
        // page it touched, so a few results per commit cost as much as many. Nobody waits on
        // these for long; a durable write arriving ends the wait.
        let deadline = std::time::Instant::now() + RELAXED_WAIT;
        while group.len() < 64 && group.iter().all(|w| w.durability() == Durability::Relaxed) {
            match queue.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            {
                Ok(more) => group.push(more),
                Err(_) => break,
            }
        }
        let mut c = connection.lock().unwrap_or_else(|e| e.into_inner());
        // Writes rarely fail, so the group first runs without a savepoint per write (two
        // statements each); if one fails, the group runs again with them.
        let committed = run_group(&mut c, &mut group, false).and_then(|done| {
            if !done {
                run_group(&mut c, &mut group, true)?;
            }
            Ok(())
        });
        drop(c);
        if let Err(e) = committed {
            let e = error(e);
            for write in group {
                write.answer(Err(e.clone()));
            }
            continue;
        }
        let (durable, relaxed): (Vec<_>, Vec<_>) = group
            .into_iter()
            .partition(|w| w.durability() == Durability::Durable);
        for write in relaxed {
            write.answer(Ok(()));
        }
        if !durable.is_empty() {
            if let Err(std::sync::mpsc::SendError(durable)) = unsynced.send(durable) {
                // The syncers are gone only if they panicked; nobody may be told these are safe.
                for write in durable {
                    write.answer(Err(StoreError("the SQLite syncers have stopped".into())));
                }
            }
        }
    }
}

/// Makes committed groups durable: fsyncs the WAL, then answers every durable write committed
/// before the sync began. Each of the [`SYNCERS`] threads takes every group waiting when it
/// becomes free, so a group never waits for a sync that began before its commit.
fn sync_wal(wal: &Path, unsynced: &Mutex<std::sync::mpsc::Receiver<Vec<Box<dyn Write>>>>) {
    loop {
        let batch = {
            let queue = unsynced.lock().unwrap_or_else(|e| e.into_inner());
            let Ok(mut batch) = queue.recv() else { return };
            while let Ok(more) = queue.try_recv() {
                batch.extend(more);
            }
            batch
        };
        // After a failed fsync nothing in the file can be trusted to be on disk, so these
        // writes are reported as failed; they may still be delivered (at least once).
        let synced = sync_file(wal).map_err(|e| StoreError(format!("syncing the WAL: {e}")));
        for write in batch {
            write.answer(synced.clone());
        }
    }
}

/// Forces a file's contents to disk. The file is opened afresh each time: a handle kept
/// across a WAL reset would still name the file, but costs nothing to reopen and cannot go
/// stale.
fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)?
        .sync_data()
}

/// Past this many frames in the WAL (SQLite's own default for automatic checkpoints, 4 MiB
/// with its default page size), a checkpoint finishes with the writer held back, so that the
/// WAL starts over.
const WAL_RESTART_FRAMES: i64 = 1000;

/// What a WAL that starts over is cut back to (`journal_size_limit`), should a burst have
/// grown it past this: a WAL that starts over within its file overwrites, and each sync then
/// has no new blocks to record.
const WAL_KEPT_BYTES: i64 = 16 * 1024 * 1024;

/// How often the checkpoint thread copies the WAL back when writes are light. Under heavy
/// writes it halves the wait, down to [`CHECKPOINT_SOONEST`], until each checkpoint finds
/// fewer than [`WAL_RESTART_FRAMES`].
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);
const CHECKPOINT_SOONEST: Duration = Duration::from_millis(5);

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
fn checkpoint(connection: &Connection, store: &std::sync::Weak<Mutex<Connection>>) {
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

/// Runs and commits a group in one transaction. Without savepoints, a failed write rolls the
/// whole transaction back and returns `false`; with them, only the failed write is undone.
fn run_group(
    c: &mut Connection,
    group: &mut [Box<dyn Write>],
    savepoints: bool,
) -> rusqlite::Result<bool> {
    // IMMEDIATE: another process on the same file waits for the lock up front rather than
    // failing to upgrade a read in the middle of the group.
    let mut tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for write in group.iter_mut() {
        if !savepoints {
            if !write.run(&tx) {
                return Ok(false);
            }
            continue;
        }
        let mut savepoint = tx.savepoint()?;
        if write.run(&savepoint) {
            savepoint.commit()?;
        } else {
            savepoint.rollback()?;
        }
    }
    tx.commit()?;
    Ok(true)
}

fn delivery(row: &Row) -> rusqlite::Result<Delivery> {
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
    })
}

impl DeliveryStore for SqliteStore {
    fn enqueue(&self, d: Delivery) -> StoreFuture<'_, ()> {
        self.write(Durability::Durable, move |tx| {
            tx.prepare_cached(
                "INSERT INTO ringback_deliveries (id, callback, method, url, body, created_at, attempts, next_attempt_at, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
                d.state.as_str()
            ])
            .map(drop)
        })
    }

    fn claim_due(
        &self,
        now: SystemTime,
        limit: usize,
        lease: Duration,
    ) -> StoreFuture<'_, Vec<Delivery>> {
        // Through the writer: a claim shares the group's commit, and losing it to a power cut
        // only makes the deliveries due again.
        self.write(Durability::Relaxed, move |tx| {
            let now_ms = millis(now);
            // Two queries, each walking the (state, next_attempt_at) index in order and
            // stopping at the limit. One query with OR read every due row and sorted them:
            // a claim cost the whole backlog. Expired leases come first: they are older.
            let mut claimed = {
                let mut expired = tx.prepare_cached(
                    "SELECT * FROM ringback_deliveries
                     WHERE state = 'in_flight' AND lease_until <= ?1 LIMIT ?2",
                )?;
                let rows = expired.query_map(params![now_ms, limit as i64], delivery)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            if claimed.len() < limit {
                let mut due = tx.prepare_cached(
                    "SELECT * FROM ringback_deliveries
                     WHERE state = 'pending' AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at LIMIT ?2",
                )?;
                let rows = due.query_map(params![now_ms, (limit - claimed.len()) as i64], delivery)?;
                for row in rows {
                    claimed.push(row?);
                }
            }
            {
                let mut update = tx.prepare_cached(
                    "UPDATE ringback_deliveries SET state = 'in_flight', lease_until = ?2 WHERE id = ?1",
                )?;
                for d in &claimed {
                    update.execute(params![d.id, millis(now + lease)])?;
                }
            }
            Ok(claimed
                .into_iter()
                .map(|mut d| {
                    d.state = DeliveryState::InFlight;
                    d
                })
                .collect())
        })
    }

    fn delivered(&self, id: &str, attempt: Attempt) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, DeliveryState::Delivered, None)
    }

    fn retry_at(&self, id: &str, attempt: Attempt, next: SystemTime) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, DeliveryState::Pending, Some(next))
    }

    fn dead(&self, id: &str, attempt: Attempt) -> StoreFuture<'_, ()> {
        self.finish(id, attempt, DeliveryState::Dead, None)
    }

    fn release(&self, id: &str) -> StoreFuture<'_, ()> {
        let id = id.to_owned();
        self.write(Durability::Relaxed, move |c| {
            c.execute(
                "UPDATE ringback_deliveries SET state = 'pending', lease_until = 0 WHERE id = ?1 AND state = 'in_flight'",
                params![id],
            )
            .map(drop)
        })
    }

    fn get(&self, id: &str) -> StoreFuture<'_, Option<Delivery>> {
        let id = id.to_owned();
        self.run(move |c| {
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
        self.run(move |c| {
            let mut select = c.prepare_cached(
                "SELECT number, at, status, error, latency_us, response_head FROM ringback_attempts
                 WHERE delivery_id = ?1 ORDER BY rowid",
            )?;
            let rows = select.query_map(params![id], |r| {
                Ok(Attempt {
                    number: r.get(0)?,
                    at: time(r.get(1)?),
                    status: r.get(2)?,
                    error: r.get(3)?,
                    latency: Duration::from_micros(r.get::<_, i64>(4)?.max(0) as u64),
                    response_head: r.get(5)?,
                })
            })?;
            rows.collect()
        })
    }

    fn find(&self, filter: DeliveryFilter, limit: usize) -> StoreFuture<'_, Vec<Delivery>> {
        self.run(move |c| {
            let mut select = c.prepare_cached(
                "SELECT * FROM ringback_deliveries
                 WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR substr(url, 1, length(?2)) = ?2)
                   AND (?3 IS NULL OR created_at >= ?3) AND (?4 IS NULL OR created_at < ?4)
                 ORDER BY created_at LIMIT ?5",
            )?;
            let rows = select.query_map(
                params![
                    filter.state.map(DeliveryState::as_str),
                    filter.target,
                    filter.since.map(millis),
                    filter.until.map(millis),
                    limit.min(i64::MAX as usize) as i64
                ],
                delivery,
            )?;
            rows.collect()
        })
    }

    fn replay_matching(&self, filter: DeliveryFilter, now: SystemTime) -> StoreFuture<'_, u64> {
        self.write(Durability::Durable, move |c| {
            c.execute(
                "UPDATE ringback_deliveries SET state = 'pending', next_attempt_at = ?1, attempts = 0
                 WHERE state = 'dead' AND (?2 IS NULL OR substr(url, 1, length(?2)) = ?2)
                   AND (?3 IS NULL OR created_at >= ?3) AND (?4 IS NULL OR created_at < ?4)",
                params![millis(now), filter.target, filter.since.map(millis), filter.until.map(millis)],
            )
            .map(|n| n as u64)
        })
    }

    fn replay(&self, id: &str, now: SystemTime) -> StoreFuture<'_, bool> {
        let id = id.to_owned();
        self.write(Durability::Durable, move |c| {
            c.execute(
                "UPDATE ringback_deliveries SET state = 'pending', next_attempt_at = ?2, attempts = 0
                 WHERE id = ?1 AND state = 'dead'",
                params![id, millis(now)],
            )
            .map(|n| n == 1)
        })
    }
}
