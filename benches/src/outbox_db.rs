//! The outboxes `outbox-scale` grows: opened through each store's public API, filled with
//! the history `outbox_fill` writes from a connection of the benchmark's own, sized on disk,
//! and deleted.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use ringback::dispatch::{DeliveryStore, PostgresStore, SqliteStore};

use crate::outbox_fill::{self, Timeline};

/// Rows per transaction (SQLite) or statement (PostgreSQL) while filling.
const CHUNK: u64 = 500_000;

/// A store being grown, and the connection of its own that fills it.
pub enum Store {
    Sqlite { path: PathBuf },
    Postgres(Box<Postgres>),
}

/// A database of its own on the server, and the connections that make it, fill it and drop it.
pub struct Postgres {
    admin: tokio_postgres::Client,
    fill: tokio_postgres::Client,
    url: String,
    pub name: String,
}

impl Store {
    pub fn sqlite(dir: &Path) -> Store {
        Store::Sqlite {
            path: dir.join("outbox.db"),
        }
    }

    /// A fresh database on the server `url` names.
    pub async fn postgres(url: &str) -> Store {
        let (admin, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("the PostgreSQL server is reachable");
        tokio::spawn(connection);
        let name = format!("ringback_outbox_scale_{}", std::process::id());
        for statement in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin
                .batch_execute(&statement)
                .await
                .expect("a database for the benchmark");
        }
        let (address, options) = url.split_once('?').unwrap_or((url, ""));
        let server = address.rsplit_once('/').map_or(address, |(s, _)| s);
        let url = format!("{server}/{name}?{options}");
        let (fill, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("the benchmark's database");
        tokio::spawn(connection);
        // As a bulk load (pg_restore --disable-triggers) does: the foreign key of each attempt
        // is not checked row by row (the fill writes its deliveries first), and the fill's
        // commits do not wait for the disk.
        fill.batch_execute(
            "SET synchronous_commit = off; SET session_replication_role = replica;
             SET maintenance_work_mem = '256MB'",
        )
        .await
        .expect("setting up the fill's session");
        Store::Postgres(Box::new(Postgres {
            admin,
            fill,
            url,
            name,
        }))
    }

    /// Opens the store through its public API, which makes its tables and indexes.
    pub async fn open(&self) -> Arc<dyn DeliveryStore> {
        match self {
            Store::Sqlite { path } => Arc::new(SqliteStore::open(path).expect("the outbox opens")),
            Store::Postgres(pg) => Arc::new(
                PostgresStore::connect(&pg.url)
                    .await
                    .expect("the outbox connects"),
            ),
        }
    }

    /// Adds rows `from..to` of the history, with no store open (SQLite) or beside it.
    pub async fn fill(&self, t: &Timeline, from: u64, to: u64) {
        let chunks: Vec<(u64, u64)> = (from..to)
            .step_by(CHUNK as usize)
            .map(|a| (a, (a + CHUNK).min(to)))
            .collect();
        match self {
            Store::Sqlite { path } => {
                let (path, t) = (path.clone(), *t);
                tokio::task::spawn_blocking(move || {
                    let mut c = rusqlite::Connection::open(&path).unwrap();
                    c.execute_batch(
                        "PRAGMA busy_timeout = 10000; PRAGMA synchronous = OFF;
                         PRAGMA cache_size = -1000000; PRAGMA foreign_keys = ON;",
                    )
                    .unwrap();
                    for (a, b) in chunks {
                        let tx = c.transaction().unwrap();
                        tx.execute_batch(&outbox_fill::deliveries(&outbox_fill::SQLITE, &t, a, b))
                            .unwrap();
                        tx.execute_batch(&outbox_fill::attempts(&outbox_fill::SQLITE, &t, a, b))
                            .unwrap();
                        tx.commit().unwrap();
                        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                            .unwrap();
                    }
                    // On disk before the measurements: otherwise the store's first sync of
                    // the file waits for gigabytes of the fill's writes.
                    std::fs::File::open(&path)
                        .and_then(|f| f.sync_all())
                        .expect("the filled outbox syncs");
                })
                .await
                .unwrap();
            }
            Store::Postgres(pg) => {
                let fill = &pg.fill;
                let started = Instant::now();
                for (a, b) in chunks {
                    let d = outbox_fill::deliveries(&outbox_fill::POSTGRES, t, a, b);
                    fill.batch_execute(&d).await.expect("filling deliveries");
                    let at = outbox_fill::attempts(&outbox_fill::POSTGRES, t, a, b);
                    fill.batch_execute(&at).await.expect("filling attempts");
                }
                let inserted = started.elapsed();
                // What autovacuum does after a bulk insert: statistics and the visibility map.
                fill.batch_execute("VACUUM ANALYZE ringback_deliveries, ringback_attempts")
                    .await
                    .unwrap();
                // On disk before the measurements, as SQLite's file is: otherwise a checkpoint
                // during the sends writes the fill's pages.
                fill.batch_execute("CHECKPOINT").await.unwrap();
                println!(
                    "  (inserted in {:.1} s, vacuumed, analyzed and checkpointed in {:.1} s)",
                    inserted.as_secs_f64(),
                    (started.elapsed() - inserted).as_secs_f64()
                );
            }
        }
    }

    /// Undoes the replay, so the next size finds the same dead deliveries.
    pub async fn unreplay(&self, t: &Timeline) {
        let sql = outbox_fill::unreplay(t);
        match self {
            Store::Sqlite { path } => {
                let c = rusqlite::Connection::open(path).unwrap();
                c.execute_batch(&format!("PRAGMA busy_timeout = 10000; {sql}"))
                    .unwrap();
            }
            Store::Postgres(pg) => pg.fill.batch_execute(&sql).await.unwrap(),
        }
    }

    /// The database's bytes on disk, and the WAL's (SQLite).
    pub async fn disk(&self) -> (u64, Option<u64>) {
        match self {
            Store::Sqlite { path } => {
                let len = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
                let wal = len(&PathBuf::from(format!("{}-wal", path.display())));
                (len(path) + wal, Some(wal))
            }
            Store::Postgres(pg) => {
                let row = pg
                    .fill
                    .query_one(
                        "SELECT pg_total_relation_size('ringback_deliveries')
                              + pg_total_relation_size('ringback_attempts')",
                        &[],
                    )
                    .await
                    .unwrap();
                (row.get::<_, i64>(0) as u64, None)
            }
        }
    }

    pub async fn remove(self) {
        match self {
            Store::Sqlite { path } => {
                for p in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{p}", path.display()));
                }
            }
            Store::Postgres(pg) => {
                let Postgres {
                    admin, fill, name, ..
                } = *pg;
                drop(fill);
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .expect("dropping the benchmark's database");
            }
        }
    }
}
