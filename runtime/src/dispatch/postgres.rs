//! The PostgreSQL store: one outbox shared by every instance of a service. Instances claim due
//! deliveries with `FOR UPDATE SKIP LOCKED` and a lease, so two never attempt one delivery at
//! the same time (unless a lease ran out), and a crashed instance's claims return to the pool
//! when their leases end. The store creates and migrates its own tables.
//!
//! Connections use TLS as the URL's `sslmode` says (`disable`, `prefer` by default, or
//! `require`), and always verify the server's certificate and host name when they do: see
//! [`PostgresStore::connect`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::Row;

use super::postgres_tls::{Libpq, Roots, Rustls};

use super::store::{
    Attempt, Delivery, DeliveryFilter, DeliveryState, DeliveryStore, StoreError, StoreFuture,
};

/// Deliveries in PostgreSQL.
///
/// ```no_run
/// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
/// use ringback::dispatch::{Dispatcher, DispatcherConfig, PostgresStore, Secret};
/// let store = PostgresStore::connect("postgres://app@db.internal/app").await?;
/// let dispatcher = Dispatcher::new(store, DispatcherConfig::new(Secret::generate()));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

/// Each migration runs once, in order; `ringback_schema` remembers how far a database is.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS ringback_deliveries (
        id TEXT PRIMARY KEY,
        callback TEXT NOT NULL,
        method TEXT NOT NULL,
        url TEXT NOT NULL,
        body BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        lease_until BIGINT NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        last_error TEXT
    );
    CREATE INDEX IF NOT EXISTS ringback_deliveries_due ON ringback_deliveries (state, next_attempt_at);
    CREATE TABLE IF NOT EXISTS ringback_attempts (
        delivery_id TEXT NOT NULL REFERENCES ringback_deliveries (id),
        number INTEGER NOT NULL,
        at BIGINT NOT NULL,
        status INTEGER,
        error TEXT,
        latency_us BIGINT NOT NULL,
        response_head BYTEA NOT NULL,
        seq BIGSERIAL PRIMARY KEY
    );
    CREATE INDEX IF NOT EXISTS ringback_attempts_delivery ON ringback_attempts (delivery_id);",
];

fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

/// The error and every cause under it: tokio-postgres keeps the reason a connection failed
/// (a refused certificate, a reset) in the cause, not in its own message.
fn error(e: impl std::error::Error) -> StoreError {
    let mut message = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !message.contains(&text) {
            message = format!("{message}: {text}");
        }
        cause = c.source();
    }
    StoreError(message)
}

/// A refused certificate says what went wrong, not what to do about it.
fn untrusted_hint(e: StoreError) -> StoreError {
    let hint = if e.0.contains("not valid for name") {
        "the PostgreSQL server's TLS certificate does not name the host in the URL; connect by \
         a name or address the certificate holds"
    } else if e.0.contains("certificate") {
        "the PostgreSQL server's TLS certificate is not trusted; name the CA that signed it in \
         the URL (sslrootcert=FILE) or pass it to PostgresStore::connect_with_ca, or, on a \
         network you trust, add sslmode=disable to the URL"
    } else {
        return e;
    };
    StoreError(format!("{}: {hint}", e.0))
}

fn delivery(row: &Row) -> Delivery {
    let state: String = row.get("state");
    let attempts: i32 = row.get("attempts");
    Delivery {
        id: row.get("id"),
        callback: row.get("callback"),
        method: row.get("method"),
        url: row.get("url"),
        body: row.get("body"),
        created_at: time(row.get("created_at")),
        attempts: attempts.max(0) as u32,
        next_attempt_at: time(row.get("next_attempt_at")),
        state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Pending),
        last_error: row.get("last_error"),
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`), creating or
    /// migrating the store's tables.
    ///
    /// TLS follows the URL's `sslmode`: `disable` connects in plain TCP; `prefer` (the default)
    /// uses TLS when the server offers it; `require` (or libpq's `verify-full`, the same here)
    /// refuses a server that does not. When TLS is used, the server's certificate must chain
    /// to a public root (the Mozilla root store) and name the URL's host; a server that fails
    /// that check is refused, even under `prefer`. For a server whose certificate comes from a
    /// private CA, name the CA's PEM file with libpq's `sslrootcert` option
    /// (`?sslmode=verify-full&sslrootcert=/etc/db-ca.pem`), or pass its contents to
    /// [`connect_with_ca`](Self::connect_with_ca). A Unix socket stays plain: the server
    /// offers no TLS there.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), ringback::dispatch::StoreError> {
    /// use ringback::dispatch::PostgresStore;
    /// let store = PostgresStore::connect("postgres://app@db.example.com/app?sslmode=require").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let libpq = Libpq::read(url)?;
        match &libpq.root_cert {
            None => Self::open(&libpq.rest, Roots::Public).await,
            Some(file) => {
                let pem = std::fs::read(file)
                    .map_err(|e| StoreError(format!("sslrootcert={file}: {e}")))?;
                Self::open(&libpq.rest, Roots::Pem(&pem)).await
            }
        }
    }

    /// Connects as [`connect`](Self::connect) does, but trusts only the CA certificates in
    /// `ca_pem` (the contents of a PEM file, such as a cloud provider's bundle or the
    /// server's own CA) to vouch for the server.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ringback::dispatch::PostgresStore;
    /// let ca = std::fs::read("/etc/ssl/certs/db-ca.pem")?;
    /// let url = "postgres://app@db.internal/app?sslmode=require";
    /// let store = PostgresStore::connect_with_ca(url, &ca).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with_ca(url: &str, ca_pem: &[u8]) -> Result<Self, StoreError> {
        let libpq = Libpq::read(url)?;
        if libpq.root_cert.is_some() {
            return Err(StoreError(
                "the URL names a CA file (sslrootcert) and connect_with_ca was given one too; \
                 keep one"
                    .into(),
            ));
        }
        Self::open(&libpq.rest, Roots::Pem(ca_pem)).await
    }

    async fn open(url: &str, roots: Roots<'_>) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(error)?;
        let manager = Manager::from_config(
            config,
            Rustls::new(roots)?,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager).max_size(16).build().map_err(error)?;
        let store = PostgresStore { pool };
        store.migrate().await.map_err(untrusted_hint)?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(error)?;
        let tx = client.transaction().await.map_err(error)?;
        // One migrator at a time, even when several instances start together.
        tx.execute("SELECT pg_advisory_xact_lock(727274)", &[])
            .await
            .map_err(error)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS ringback_schema (version INTEGER NOT NULL)")
            .await
            .map_err(error)?;
        let version: i32 = match tx
            .query_opt("SELECT version FROM ringback_schema", &[])
            .await
            .map_err(error)?
        {
            Some(row) => row.get(0),
            None => {
                tx.execute("INSERT INTO ringback_schema (version) VALUES (0)", &[])
                    .await
                    .map_err(error)?;
                0
            }
        };
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.batch_execute(migration).await.map_err(error)?;
            tx.execute(
                "UPDATE ringback_schema SET version = $1",
                &[&(i as i32 + 1)],
            )
            .await
            .map_err(error)?;
        }
        tx.commit().await.map_err(error)
    }

    fn finish(
        &self,
        id: &str,
        attempt: Attempt,
        state: DeliveryState,
        next: Option<SystemTime>,
    ) -> StoreFuture<'_, ()> {
        let id = id.to_owned();
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            let last_error = attempt.failure();
            // One statement, so the state and the attempt log change together.
            let statement = client
                .prepare_cached(
                    "WITH d AS (
                        UPDATE ringback_deliveries SET state = $2, attempts = GREATEST(attempts, $3), last_error = $4,
                            next_attempt_at = COALESCE($5, next_attempt_at)
                        WHERE id = $1 RETURNING id)
                     INSERT INTO ringback_attempts (delivery_id, number, at, status, error, latency_us, response_head)
                     SELECT id, $3, $6, $7, $8, $9, $10 FROM d",
                )
                .await
                .map_err(error)?;
            client
                .execute(
                    &statement,
                    &[
                        &id,
                        &state.as_str(),
                        &(attempt.number as i32),
                        &last_error,
                        &next.map(millis),
                        &millis(attempt.at),
                        &attempt.status.map(i32::from),
                        &attempt.error,
                        &(attempt.latency.as_micros() as i64),
                        &attempt.response_head,
                    ],
                )
                .await
                .map_err(error)?;
            Ok(())
        })
    }
}

impl DeliveryStore for PostgresStore {
    fn enqueue(&self, d: Delivery) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            let statement = client
                .prepare_cached(
                    "INSERT INTO ringback_deliveries (id, callback, method, url, body, created_at, attempts, next_attempt_at, state)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .await
                .map_err(error)?;
            client
                .execute(
                    &statement,
                    &[
                        &d.id,
                        &d.callback,
                        &d.method,
                        &d.url,
                        &d.body,
                        &millis(d.created_at),
                        &(d.attempts as i32),
                        &millis(d.next_attempt_at),
                        &d.state.as_str(),
                    ],
                )
                .await
                .map_err(error)?;
            Ok(())
        })
    }

    fn claim_due(
        &self,
        now: SystemTime,
        limit: usize,
        lease: Duration,
    ) -> StoreFuture<'_, Vec<Delivery>> {
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            let statement = client
                .prepare_cached(
                    // Two selections, each walking the (state, next_attempt_at) index and
                    // stopping at the limit; one with OR read every due row and sorted them,
                    // so a claim cost the whole backlog. Expired leases come first.
                    "WITH expired AS (
                        SELECT id FROM ringback_deliveries
                        WHERE state = 'in_flight' AND lease_until <= $1
                        LIMIT $3 FOR UPDATE SKIP LOCKED),
                     due AS (
                        SELECT id FROM ringback_deliveries
                        WHERE state = 'pending' AND next_attempt_at <= $1
                        ORDER BY next_attempt_at
                        LIMIT $3 FOR UPDATE SKIP LOCKED)
                     UPDATE ringback_deliveries SET state = 'in_flight', lease_until = $2
                     WHERE id IN (SELECT id FROM expired UNION ALL (SELECT id FROM due) LIMIT $3)
                     RETURNING *",
                )
                .await
                .map_err(error)?;
            let rows = client
                .query(
                    &statement,
                    &[
                        &millis(now),
                        &millis(now + lease),
                        &(limit.min(i64::MAX as usize) as i64),
                    ],
                )
                .await
                .map_err(error)?;
            Ok(rows.iter().map(delivery).collect())
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
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            client
                .execute(
                    "UPDATE ringback_deliveries SET state = 'pending', lease_until = 0 WHERE id = $1 AND state = 'in_flight'",
                    &[&id],
                )
                .await
                .map_err(error)?;
            Ok(())
        })
    }

    fn get(&self, id: &str) -> StoreFuture<'_, Option<Delivery>> {
        let id = id.to_owned();
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            let row = client
                .query_opt("SELECT * FROM ringback_deliveries WHERE id = $1", &[&id])
                .await
                .map_err(error)?;
            Ok(row.as_ref().map(delivery))
        })
    }

    fn attempts(&self, id: &str) -> StoreFuture<'_, Vec<Attempt>> {
        let id = id.to_owned();
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            let rows = client
                .query(
                    "SELECT number, at, status, error, latency_us, response_head FROM ringback_attempts
                     WHERE delivery_id = $1 ORDER BY seq",
                    &[&id],
                )
                .await
                .map_err(error)?;
            Ok(rows
                .iter()
                .map(|r| Attempt {
                    number: r.get::<_, i32>(0).max(0) as u32,
                    at: time(r.get(1)),
                    status: r.get::<_, Option<i32>>(2).map(|s| s as u16),
                    error: r.get(3),
                    latency: Duration::from_micros(r.get::<_, i64>(4).max(0) as u64),
                    response_head: r.get(5),
                })
                .collect())
        })
    }

    fn find(&self, filter: DeliveryFilter, limit: usize) -> StoreFuture<'_, Vec<Delivery>> {
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            let rows = client
                .query(
                    "SELECT * FROM ringback_deliveries
                     WHERE ($1::TEXT IS NULL OR state = $1) AND ($2::TEXT IS NULL OR starts_with(url, $2))
                       AND ($3::BIGINT IS NULL OR created_at >= $3) AND ($4::BIGINT IS NULL OR created_at < $4)
                     ORDER BY created_at LIMIT $5",
                    &[
                        &filter.state.map(DeliveryState::as_str),
                        &filter.target,
                        &filter.since.map(millis),
                        &filter.until.map(millis),
                        &(limit.min(i64::MAX as usize) as i64),
                    ],
                )
                .await
                .map_err(error)?;
            Ok(rows.iter().map(delivery).collect())
        })
    }

    fn replay_matching(&self, filter: DeliveryFilter, now: SystemTime) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            client
                .execute(
                    "UPDATE ringback_deliveries SET state = 'pending', next_attempt_at = $1, attempts = 0
                     WHERE state = 'dead' AND ($2::TEXT IS NULL OR starts_with(url, $2))
                       AND ($3::BIGINT IS NULL OR created_at >= $3) AND ($4::BIGINT IS NULL OR created_at < $4)",
                    &[&millis(now), &filter.target, &filter.since.map(millis), &filter.until.map(millis)],
                )
                .await
                .map_err(error)
        })
    }

    fn replay(&self, id: &str, now: SystemTime) -> StoreFuture<'_, bool> {
        let id = id.to_owned();
        Box::pin(async move {
            let client = self.pool.get().await.map_err(error)?;
            let n = client
                .execute(
                    "UPDATE ringback_deliveries SET state = 'pending', next_attempt_at = $2, attempts = 0
                     WHERE id = $1 AND state = 'dead'",
                    &[&id, &millis(now)],
                )
                .await
                .map_err(error)?;
            Ok(n == 1)
        })
    }
}
