//! The write-ahead log as the store syncs it: one handle, open from the store's open to its
//! end, and a failure that is never forgotten.
//!
//! Linux reports a failed write-back to each open file once, on its next `fsync`, and marks the
//! pages that failed clean: a file opened after the failure is never told, and a later `fsync`
//! of any handle succeeds although the commits in those pages never reached the disk. So the
//! handle is opened once, before anything is written through it (SQLite truncates the WAL when
//! it starts over, but never replaces it while the store's connections are open), and after one
//! failed sync every later one fails too, until the store is opened again.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::dispatch::store::StoreError;

pub(super) struct WalFile {
    file: File,
    failed: AtomicBool,
}

impl WalFile {
    /// Opens the WAL at `path` for syncing.
    pub(super) fn open(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        Ok(WalFile {
            file,
            failed: AtomicBool::new(false),
        })
    }

    /// Forces the WAL to disk: every commit made before the call is then durable.
    pub(super) fn sync(&self) -> Result<(), StoreError> {
        if self.failed.load(Ordering::Acquire) {
            return Err(Self::failed_before());
        }
        self.file.sync_data().map_err(|e| {
            self.failed.store(true, Ordering::Release);
            tracing::error!(
                error = %e,
                "syncing the SQLite outbox's WAL failed: no new delivery is accepted until the \
                 store is opened again"
            );
            StoreError::with_source("syncing the WAL", e)
        })
    }

    /// Marks the WAL as failed, as a failed sync does (for tests of what the store then does).
    #[cfg(test)]
    pub(super) fn poison(&self) {
        self.failed.store(true, Ordering::Release);
    }

    fn failed_before() -> StoreError {
        StoreError::new(
            "an earlier sync of the outbox's WAL failed, so what it held may not be on disk: \
             new deliveries are refused until the store is opened again (restart the service)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_of_the_wal_works() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db-wal");
        std::fs::write(&path, b"frames").unwrap();
        let wal = WalFile::open(&path).unwrap();
        wal.sync().unwrap();
        wal.sync().unwrap();
    }

    /// A pipe cannot be synced (EINVAL): a real failed `fsync`, after which every sync fails
    /// without asking the kernel again.
    #[test]
    fn after_one_failed_sync_every_sync_fails() {
        let (_reader, writer) = std::io::pipe().unwrap();
        let wal = WalFile {
            file: File::from(std::os::fd::OwnedFd::from(writer)),
            failed: AtomicBool::new(false),
        };
        let first = wal.sync().unwrap_err();
        assert_eq!(first.message(), "syncing the WAL");
        assert!(
            std::error::Error::source(&first).is_some(),
            "the OS error is kept"
        );
        let second = wal.sync().unwrap_err();
        assert!(second.message().contains("an earlier sync"), "{second}");
        assert!(wal.failed.load(Ordering::Acquire));
    }
}
