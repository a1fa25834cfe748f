//! The floor for a durable `send`: the least any outbox that keeps its promise must do before
//! it answers, which is to write the delivery's bytes to a file and `fdatasync` it. Measured
//! beside the SQLite store in the same run, it tells the disk's share of the `send` latency
//! from the store's.
//!
//! It commits in groups on one thread, as the SQLite store's writer does: everything queued
//! while a sync is under way goes into the next write and shares its sync. The file is
//! written through once before it is used, so appends overwrite blocks that already exist, as
//! in a WAL that starts over (a sync that must also record new blocks costs more).

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::mpsc;

use tokio::sync::oneshot;

/// How much file the log cycles through.
const SIZE: u64 = 16 * 1024 * 1024;

/// An append-only log whose appends resolve once they are on disk.
pub struct DurableLog {
    appends: mpsc::Sender<(Vec<u8>, oneshot::Sender<()>)>,
}

impl DurableLog {
    /// Creates the log's file in `dir`, written through and synced, and starts its thread.
    pub fn create(dir: &Path) -> std::io::Result<Self> {
        let file = File::create(dir.join("floor.log"))?;
        let zeros = vec![0u8; 1024 * 1024];
        for at in (0..SIZE).step_by(zeros.len()) {
            file.write_all_at(&zeros, at)?;
        }
        file.sync_all()?;
        let (appends, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("floor-log".into())
            .spawn(move || commit_groups(&file, &queue))?;
        Ok(DurableLog { appends })
    }

    /// Appends `record`; resolves once a sync covers it.
    pub async fn append(&self, record: Vec<u8>) {
        let (done, synced) = oneshot::channel();
        self.appends
            .send((record, done))
            .expect("the log thread is running");
        synced.await.expect("the log thread answers");
    }
}

fn commit_groups(file: &File, queue: &mpsc::Receiver<(Vec<u8>, oneshot::Sender<()>)>) {
    let mut at = 0u64;
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        group.extend(queue.try_iter());
        let bytes: Vec<u8> = group.iter().flat_map(|(r, _)| r.iter().copied()).collect();
        if at + bytes.len() as u64 > SIZE {
            at = 0;
        }
        file.write_all_at(&bytes, at).expect("the log is writable");
        file.sync_data().expect("the log syncs");
        at += bytes.len() as u64;
        for (_, done) in group {
            let _ = done.send(());
        }
    }
}
