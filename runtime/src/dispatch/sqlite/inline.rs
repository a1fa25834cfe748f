//! Durable writes committed and synced on their caller's own thread, when nobody else is
//! writing: the path with no thread hop at all.
//!
//! Through the writer, a `send` waits for three threads to wake: the writer, a syncer, and the
//! task's own worker when the answer comes back. On a virtual machine a thread woken on an idle
//! CPU waits for the hypervisor to run that CPU again, and in a paced run those wake-ups were
//! half of a slow `send` (BENCHMARKS.md, "Where a slow `send` spends its time"). A write that
//! finds the connection free and few syncs under way takes the connection on the task's own
//! thread instead, commits, lets go, and syncs the WAL: no wake-up is on its path. Tokio's
//! `block_in_place` hands the worker's other tasks to another thread meanwhile, so the wait for
//! the disk blocks no other task. Whenever that cannot hold (a single-threaded runtime, or
//! enough syncs already under way) the write goes to the writer, whose groups are what keep
//! throughput up under load.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use tokio::runtime::{Handle, RuntimeFlavor};

use super::checkpoint::Backstop;
use super::wal_file::WalFile;
use super::writer::SYNCERS;
use crate::dispatch::store::{Context, StoreError};

/// What a durable write needs to commit and sync itself.
pub(super) struct Inline {
    pub(super) connection: Arc<Mutex<Connection>>,
    pub(super) wal: Arc<WalFile>,
    pub(super) backstop: Arc<Backstop>,
    /// Inline writes between taking the connection and the end of their sync. At most
    /// [`SYNCERS`], as for the writer's syncs: more syncs of one file at once only queue in the
    /// kernel.
    in_flight: AtomicUsize,
}

impl Inline {
    pub(super) fn new(
        connection: Arc<Mutex<Connection>>,
        wal: Arc<WalFile>,
        backstop: Arc<Backstop>,
    ) -> Self {
        Inline {
            connection,
            wal,
            backstop,
            in_flight: AtomicUsize::new(0),
        }
    }

    /// Runs `work` in a transaction of its own, commits it and syncs the WAL, all on this
    /// thread, on a multi-threaded runtime with fewer than [`SYNCERS`] such writes under way;
    /// hands `work` back otherwise.
    pub(super) fn try_run<T, F>(
        &self,
        doing: &'static str,
        work: F,
    ) -> Result<Result<T, StoreError>, F>
    where
        F: Fn(&Connection) -> rusqlite::Result<T>,
    {
        if !possible() {
            return Err(work);
        }
        let Some(_slot) = Slot::take(&self.in_flight) else {
            return Err(work);
        };
        Ok(tokio::task::block_in_place(move || {
            // Waiting here for a group's commit to end costs one wake-up; handing the write
            // to the writer would cost two (the syncer's, then this task's).
            let mut c = self.connection.lock().unwrap_or_else(|e| e.into_inner());
            let outcome = commit(&mut c, &work);
            if outcome.is_ok() {
                self.backstop.after_commit(&c);
            }
            // The sync runs without the connection: the writer's next group commits meanwhile.
            drop(c);
            let value = outcome.context(doing)?;
            self.wal.sync()?;
            Ok(value)
        }))
    }
}

/// Whether this thread may block for a write: it runs on a multi-threaded runtime, whose
/// `block_in_place` hands the worker's other tasks to another thread meanwhile.
pub(super) fn possible() -> bool {
    Handle::try_current().is_ok_and(|h| h.runtime_flavor() == RuntimeFlavor::MultiThread)
}

/// One of the [`SYNCERS`] places for an inline write, given back when dropped.
struct Slot<'a>(&'a AtomicUsize);

impl<'a> Slot<'a> {
    fn take(in_flight: &'a AtomicUsize) -> Option<Self> {
        in_flight
            .fetch_update(Ordering::Acquire, Ordering::Relaxed, |n| {
                (n < SYNCERS).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(in_flight))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Release);
    }
}

/// Runs `work` and commits, in an immediate transaction (as the writer's groups do).
fn commit<T>(
    c: &mut Connection,
    work: &impl Fn(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let value = work(&tx)?;
    tx.commit()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox(dir: &std::path::Path) -> Inline {
        let path = dir.join("outbox.db");
        let (connection, wal) = super::super::schema::open(&path).unwrap();
        let backstop = Arc::new(Backstop::new(wal.clone()));
        let wal = Arc::new(WalFile::open(&wal).unwrap());
        Inline::new(Arc::new(Mutex::new(connection)), wal, backstop)
    }

    fn count(c: &Connection) -> rusqlite::Result<i64> {
        c.query_row("SELECT count(*) FROM ringback_deliveries", [], |r| r.get(0))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_free_connection_on_a_multi_threaded_runtime_is_used_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let inline = outbox(dir.path());
        let Ok(done) = inline.try_run("counting", count) else {
            panic!("the write should have run on this thread");
        };
        assert_eq!(done.unwrap(), 0);
        assert_eq!(
            inline.in_flight.load(Ordering::Relaxed),
            0,
            "its slot is given back"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn with_every_slot_taken_the_write_goes_to_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let inline = outbox(dir.path());
        inline.in_flight.store(SYNCERS, Ordering::Relaxed);
        assert!(inline.try_run("counting", count).is_err());
        inline.in_flight.store(SYNCERS - 1, Ordering::Relaxed);
        assert!(inline.try_run("counting", count).is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_waits_for_the_connection_and_then_runs_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let inline = Arc::new(outbox(dir.path()));
        let held = inline.connection.clone();
        let (taken, take) = std::sync::mpsc::channel();
        let holder = std::thread::spawn(move || {
            let guard = held.lock().unwrap();
            taken.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(50));
            drop(guard);
        });
        take.recv().unwrap();
        let Ok(done) = inline.try_run("counting", count) else {
            panic!("the write should have waited for the connection");
        };
        assert_eq!(done.unwrap(), 0);
        holder.join().unwrap();
    }

    #[tokio::test]
    async fn a_single_threaded_runtime_sends_the_write_to_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        assert!(outbox(dir.path()).try_run("counting", count).is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_write_is_rolled_back_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let inline = outbox(dir.path());
        let failing = |c: &Connection| -> rusqlite::Result<()> {
            c.execute("CREATE TABLE scratch (x)", [])?;
            c.execute("INSERT INTO no_such_table VALUES (1)", [])
                .map(drop)
        };
        let Ok(Err(e)) = inline.try_run("writing nowhere", failing) else {
            panic!("the write should have run here and failed");
        };
        assert!(e.to_string().contains("writing nowhere"), "{e}");
        let c = inline.connection.lock().unwrap();
        let scratch: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(scratch, 0, "the failed write's transaction was rolled back");
        assert!(c.is_autocommit());
    }
}
