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
//!
//! The jobs live apart: `schema` opens the file and makes its tables, `writer` commits and
//! syncs in groups, `checkpoint` copies the WAL back, `queries` is what the store asks, and
//! `targets` the SQL of target state (paused origins), `retention` the deletes of finished
//! deliveries and dead letters.

mod browse;
mod checkpoint;
mod queries;
mod retention;
mod schema;
mod targets;
mod wal_file;
mod writer;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::store::{Context, StoreError, StoreFuture};
use writer::{Durability, Job, Write};

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
    /// A connection of its own for browsing (the console's pages and summary), so a long read
    /// never holds the writer back: in WAL mode a reader and the writer do not wait for each
    /// other.
    browser: Arc<Mutex<Connection>>,
    /// Writes on their way to the group-commit writer.
    writes: std::sync::mpsc::Sender<Box<dyn Write>>,
    /// The WAL as the syncers sync it (kept here for tests that make its syncs fail).
    #[cfg_attr(not(test), allow(dead_code))]
    wal: Arc<wal_file::WalFile>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`.
    ///
    /// The path must name a file: SQLite keeps the write-ahead log that makes a delivery
    /// durable beside it, so `":memory:"` is refused (use
    /// [`MemoryStore`](super::MemoryStore) for an outbox in memory). A failure keeps its
    /// cause, the SQLite or I/O error, as its [`source`](std::error::Error::source).
    ///
    /// ```
    /// use ringback::dispatch::SqliteStore;
    /// let e = SqliteStore::open(":memory:").err().unwrap();
    /// assert!(e.message().contains("MemoryStore"));
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let (connection, wal) = schema::open(path)?;
        let checkpoints = checkpoint::connection(path)?;
        let browser = Arc::new(Mutex::new(browse::connection(path)?));
        let connection = Arc::new(Mutex::new(connection));
        let (writes, queue) = std::sync::mpsc::channel();
        let (committed, unsynced) = std::sync::mpsc::channel();
        let writer = connection.clone();
        let backstop = checkpoint::Backstop::new(wal.clone());
        let wal = Arc::new(wal_file::WalFile::open(&wal).context("opening the WAL for syncing")?);
        std::thread::Builder::new()
            .name("ringback-sqlite-writer".into())
            .spawn(move || writer::group_commit(&writer, &queue, &committed, backstop))
            .context("starting the SQLite writer thread")?;
        let unsynced = Arc::new(Mutex::new(unsynced));
        for _ in 0..writer::SYNCERS {
            let (wal, unsynced) = (wal.clone(), unsynced.clone());
            std::thread::Builder::new()
                .name("ringback-sqlite-sync".into())
                .spawn(move || writer::sync_wal(&wal, &unsynced))
                .context("starting a SQLite syncer thread")?;
        }
        let alive = Arc::downgrade(&connection);
        std::thread::Builder::new()
            .name("ringback-sqlite-checkpoint".into())
            .spawn(move || checkpoint::run(&checkpoints, &alive))
            .context("starting the SQLite checkpoint thread")?;
        Ok(SqliteStore {
            connection,
            browser,
            writes,
            wal,
        })
    }

    /// Makes every later sync of the WAL fail, as after a failed `fsync`.
    #[cfg(test)]
    pub(crate) fn poison_wal(&self) {
        self.wal.poison();
    }

    /// Runs the read `f` on the connection on a blocking thread: SQLite waits on the disk.
    /// `doing` says what it reads, should it fail.
    fn read<T: Send + 'static>(
        &self,
        doing: &'static str,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> StoreFuture<'static, T> {
        let connection = self.connection.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut guard = connection.lock().unwrap_or_else(|e| e.into_inner());
                f(&mut guard).context(doing)
            })
            .await
            .context(doing)?
        })
    }

    /// Queues a write for the group-commit writer; resolves once it is committed (and, if
    /// durable, synced). `doing` says what it writes, should it fail.
    fn write<T: Send + 'static>(
        &self,
        durability: Durability,
        doing: &'static str,
        work: impl Fn(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> StoreFuture<'static, T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let sent = self.writes.send(Box::new(Job {
            durability,
            doing,
            work,
            outcome: None,
            reply,
        }));
        let stopped = || StoreError::new("the SQLite writer has stopped");
        Box::pin(async move {
            sent.map_err(|_| stopped())?;
            answer.await.map_err(|_| stopped())?
        })
    }
}
