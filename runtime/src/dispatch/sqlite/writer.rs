//! The group-commit writer and its syncers: writes are committed in groups on one thread,
//! and durable ones are answered only once an fsync of the WAL has covered their commit.

use std::path::Path;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::checkpoint::Backstop;
use super::wal_file::WalFile;
use crate::dispatch::store::{Context, StoreError};

/// How many fsyncs of the WAL may be under way at once. A commit that lands while one is in
/// flight need not wait for it to end before its own begins.
pub(super) const SYNCERS: usize = 2;

/// How long a group holding only claims and attempt results waits for more writes.
const RELAXED_WAIT: Duration = Duration::from_micros(500);

/// Whether a write's commit must reach the disk before the write is answered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Durability {
    /// `send` and replays: answered only after an fsync.
    Durable,
    /// Claims and attempt results: losing the last few to a power cut only repeats attempts.
    Relaxed,
}

/// One write, run inside the group's transaction, answered after the group's commit.
pub(super) trait Write: Send {
    fn durability(&self) -> Durability;
    /// Runs the write, and says whether it succeeded. It may run again, in a new
    /// transaction, when another write of its group failed.
    fn run(&mut self, connection: &Connection) -> bool;
    /// Answers the caller once the group's commit has succeeded or failed.
    fn answer(self: Box<Self>, committed: Result<(), StoreError>);
}

/// A write that produces a `T` (claimed deliveries, or nothing), answered through a channel.
pub(super) struct Job<T, F> {
    pub(super) durability: Durability,
    /// What the write does, to say so should it fail.
    pub(super) doing: &'static str,
    pub(super) work: F,
    pub(super) outcome: Option<rusqlite::Result<T>>,
    pub(super) reply: tokio::sync::oneshot::Sender<Result<T, StoreError>>,
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
            (Ok(()), Some(outcome)) => outcome.context(self.doing),
            (Ok(()), None) => Err(StoreError::new("the write was not run")),
        };
        let _ = self.reply.send(result);
    }
}

/// Writes in groups: everything queued while one commit is under way goes into the next, so
/// concurrent `send`s, claims and attempt results share a commit instead of queueing for one
/// each. One write failing does not undo the others. Relaxed writes are answered after the
/// commit; durable ones go on to the syncers. The thread ends with the last handle.
pub(super) fn group_commit(
    connection: &Mutex<Connection>,
    queue: &Receiver<Box<dyn Write>>,
    unsynced: &Sender<Vec<Box<dyn Write>>>,
    mut backstop: Backstop,
) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while let Ok(more) = queue.try_recv() {
            group.push(more);
        }
        // A group of attempt results alone waits a moment for more: each commit writes every
        // page it touched, so a few results per commit cost as much as many. Nobody waits on
        // these for long; a durable write arriving ends the wait.
        let deadline = Instant::now() + RELAXED_WAIT;
        while group.len() < 64 && group.iter().all(|w| w.durability() == Durability::Relaxed) {
            match queue.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
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
        if committed.is_ok() {
            backstop.after_commit(&c);
        }
        drop(c);
        if let Err(e) = committed.context("committing a group of writes") {
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
                    write.answer(Err(StoreError::new("the SQLite syncers have stopped")));
                }
            }
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

/// Makes committed groups durable: fsyncs the WAL, then answers every durable write committed
/// before the sync began. Each of the [`SYNCERS`] threads takes every group waiting when it
/// becomes free, so a group never waits for a sync that began before its commit.
pub(super) fn sync_wal(wal: &WalFile, unsynced: &Mutex<Receiver<Vec<Box<dyn Write>>>>) {
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
        let synced = wal.sync();
        for write in batch {
            write.answer(synced.clone());
        }
    }
}

/// Forces a file's contents to disk, through a handle of its own (for a file just made, before
/// the store writes through it; the WAL's syncs go through [`WalFile`]).
pub(super) fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)?
        .sync_data()
}
