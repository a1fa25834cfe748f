//! The PostgreSQL store: one outbox shared by every instance of a service. Instances claim due
//! deliveries with `FOR UPDATE SKIP LOCKED` and a lease, so two never attempt one delivery at
//! the same time (unless a lease ran out), and a crashed instance's claims return to the pool
//! when their leases end. The store creates and migrates its own tables.
//!
//! Connections use TLS as the URL's `sslmode` says (`disable`, `prefer` by default, or
//! `require`), and always verify the server's certificate and host name when they do: see
//! [`PostgresStore::connect`].

mod browse;
mod retention;

use std::time::SystemTime;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::pause::{TargetState, TargetStatus};
use super::postgres_tls::{Libpq, Roots, Rustls};
use super::store::browse_sql;
use super::store::sql::{
    limit, micros, millis, not_held, not_skipped, tables_targets, tables_v1, time,
};
use super::store::{
    Attempt, Claim, Context, Cursor, Delivery, DeliveryFilter, DeliveryState, DeliveryStore,
    Outcome, StoreError, StoreFuture, Summary,
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
    tables_v1!("BYTEA", "BIGINT", ",\n    seq BIGSERIAL PRIMARY KEY"),
    tables_targets!("BIGINT"),
    // The key id a delivery is signed with; existing rows read NULL, the default keys.
    "ALTER TABLE ringback_deliveries ADD COLUMN IF NOT EXISTS key_id TEXT",
    // When a delivery finished, which retention counts from.
    retention::FINISHED_AT,
];

/// A refused certificate says what went wrong, not what to do about it: this adds the advice.
fn untrusted_hint(e: StoreError) -> StoreError {
    let said = format!("{e:#}");
    if said.contains("not valid for name") {
        e.and(
            "the PostgreSQL server's TLS certificate does not name the host in the URL; connect \
             by a name or address the certificate holds",
        )
    } else if said.contains("certificate") {
        e.and(
            "the PostgreSQL server's TLS certificate is not trusted; name the CA that signed it \
             in the URL (sslrootcert=FILE) or pass it to PostgresStore::connect_with_ca, or, on \
             a network you trust, add sslmode=disable to the URL",
        )
    } else {
        e
    }
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
        key_id: row.get("key_id"),
    }
}

fn target(row: &Row) -> TargetState {
    let status: String = row.get("status");
    let failures: i32 = row.get("failures");
    TargetState {
        origin: row.get("origin"),
        // An unknown status (a newer version's) holds its deliveries back, the safe reading.
        status: TargetStatus::parse(&status).unwrap_or(TargetStatus::Paused),
        failures: failures.max(0) as u32,
        failing_since: time(row.get("failing_since")),
        since: time(row.get("since")),
        until: time(row.get("held_until")),
        last_error: row.get("last_error"),
        reason: row.get("reason"),
    }
}

fn attempt(r: &Row) -> Attempt {
    Attempt {
        number: r.get::<_, i32>(0).max(0) as u32,
        at: time(r.get(1)),
        status: r.get::<_, Option<i32>>(2).map(|s| s as u16),
        error: r.get(3),
        latency: micros(r.get(4)),
        response_head: r.get(5),
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
    /// A failure keeps the tokio-postgres, TLS or I/O error underneath as its
    /// [`source`](std::error::Error::source); `{:#}` prints the whole chain, and advice when
    /// the server's certificate was refused.
    ///
    /// ```no_run
    /// # async fn demo() {
    /// use ringback::dispatch::PostgresStore;
    /// match PostgresStore::connect("postgres://app@db.example.com/app?sslmode=require").await {
    ///     Ok(store) => { /* hand it to a Dispatcher */ }
    ///     // What failed, then each cause: a refused certificate, a reset connection.
    ///     Err(e) => eprintln!("{e:#}"),
    /// }
    /// # }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let libpq = Libpq::read(url)?;
        match &libpq.root_cert {
            None => Self::open(&libpq.rest, Roots::Public).await,
            Some(file) => {
                let pem = std::fs::read(file).context(format!("reading sslrootcert={file}"))?;
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
            return Err(StoreError::new(
                "the URL names a CA file (sslrootcert) and connect_with_ca was given one too; \
                 keep one",
            ));
        }
        Self::open(&libpq.rest, Roots::Pem(ca_pem)).await
    }

    async fn open(url: &str, roots: Roots<'_>) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().context("reading the PostgreSQL URL")?;
        let manager = Manager::from_config(
            config,
            Rustls::new(roots)?,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .context("making the PostgreSQL connection pool")?;
        let store = PostgresStore { pool };
        store.migrate().await.map_err(untrusted_hint)?;
        Ok(store)
    }

    /// A connection from the pool, made if none is idle.
    async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.context("connecting to PostgreSQL")
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        const DOING: &str = "creating or migrating the outbox tables";
        let mut client = self.client().await?;
        let tx = client.transaction().await.context(DOING)?;
        // One migrator at a time, even when several instances start together.
        tx.execute("SELECT pg_advisory_xact_lock(727274)", &[])
            .await
            .context(DOING)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS ringback_schema (version INTEGER NOT NULL)")
            .await
            .context(DOING)?;
        let version: i32 = match tx
            .query_opt("SELECT version FROM ringback_schema", &[])
            .await
            .context(DOING)?
        {
            Some(row) => row.get(0),
            None => {
                tx.execute("INSERT INTO ringback_schema (version) VALUES (0)", &[])
                    .await
                    .context(DOING)?;
                0
            }
        };
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.batch_execute(migration).await.context(DOING)?;
            tx.execute(
                "UPDATE ringback_schema SET version = $1",
                &[&(i as i32 + 1)],
            )
            .await
            .context(DOING)?;
        }
        tx.batch_execute(browse_sql::INDEXES).await.context(DOING)?;
        tx.commit().await.context(DOING)
    }

    /// Runs `statement` with `params` (a cached prepared statement: these run for every
    /// delivery) and returns how many rows it changed.
    async fn execute(
        &self,
        doing: &'static str,
        statement: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let statement = client.prepare_cached(statement).await.context(doing)?;
        client.execute(&statement, params).await.context(doing)
    }

    /// Runs the query `statement` with `params` (a cached prepared statement) and returns
    /// its rows.
    async fn query(
        &self,
        doing: &'static str,
        statement: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let client = self.client().await?;
        let statement = client.prepare_cached(statement).await.context(doing)?;
        client.query(&statement, params).await.context(doing)
    }
}

impl DeliveryStore for PostgresStore {
    fn enqueue(&self, d: Delivery) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.execute(
                "recording a delivery",
                "INSERT INTO ringback_deliveries (id, callback, method, url, body, created_at, attempts, next_attempt_at, state, key_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
                    &d.key_id,
                ],
            )
            .await
            .map(drop)
        })
    }

    fn claim(&self, claim: Claim) -> StoreFuture<'_, Vec<Delivery>> {
        Box::pin(async move {
            let rows = self
                .query(
                    "claiming due deliveries",
                    // Two selections, each walking the (state, next_attempt_at) index and
                    // stopping at the limit; one with OR read every due row and sorted them,
                    // so a claim cost the whole backlog. Expired leases come first, and the
                    // claimed rows are handed back in that order (`RETURNING` keeps none).
                    concat!(
                        "WITH expired AS (
                        SELECT id, 0 AS rank FROM ringback_deliveries
                        WHERE state = 'in_flight' AND lease_until <= $1",
                        not_held!(),
                        not_skipped!("unnest($4::TEXT[]) AS s(value)"),
                        "LIMIT $3 FOR UPDATE SKIP LOCKED),
                     due AS (
                        SELECT id, 1 AS rank FROM ringback_deliveries
                        WHERE state = 'pending' AND next_attempt_at <= $1",
                        not_held!(),
                        not_skipped!("unnest($4::TEXT[]) AS s(value)"),
                        "ORDER BY next_attempt_at
                        LIMIT $3 FOR UPDATE SKIP LOCKED),
                     taken AS (SELECT * FROM expired UNION ALL (SELECT * FROM due) LIMIT $3),
                     claimed AS (
                        UPDATE ringback_deliveries d SET state = 'in_flight', lease_until = $2
                        FROM taken WHERE d.id = taken.id
                        RETURNING d.*, taken.rank)
                     SELECT * FROM claimed ORDER BY rank, next_attempt_at"
                    ),
                    &[
                        &millis(claim.now),
                        &millis(claim.lease_until),
                        &limit(claim.limit),
                        &claim.skip,
                    ],
                )
                .await?;
            Ok(rows.iter().map(delivery).collect())
        })
    }

    fn finish(&self, id: &str, attempt: Attempt, outcome: Outcome) -> StoreFuture<'_, ()> {
        let id = id.to_owned();
        Box::pin(async move {
            // One statement, so the state and the attempt log change together; the update is
            // what `Outcome::apply` does in memory.
            self.execute(
                "recording an attempt",
                "WITH d AS (
                    UPDATE ringback_deliveries SET state = $2, attempts = GREATEST(attempts, $3), last_error = $4,
                        next_attempt_at = COALESCE($5, next_attempt_at), finished_at = $11
                    WHERE id = $1 RETURNING id)
                 INSERT INTO ringback_attempts (delivery_id, number, at, status, error, latency_us, response_head)
                 SELECT id, $3, $6, $7, $8, $9, $10 FROM d",
                &[
                    &id,
                    &outcome.state().as_str(),
                    &(attempt.number as i32),
                    &attempt.failure(),
                    &outcome.next_attempt().map(millis),
                    &millis(attempt.at),
                    &attempt.status.map(i32::from),
                    &attempt.error,
                    &(attempt.latency.as_micros() as i64),
                    &attempt.response_head,
                    // A final outcome says when the delivery finished, for retention.
                    &outcome.next_attempt().is_none().then(|| millis(attempt.at)),
                ],
            )
            .await
            .map(drop)
        })
    }

    fn release(&self, id: &str) -> StoreFuture<'_, ()> {
        let id = id.to_owned();
        Box::pin(async move {
            self.execute(
                "releasing a claim",
                "UPDATE ringback_deliveries SET state = 'pending', lease_until = 0 WHERE id = $1 AND state = 'in_flight'",
                &[&id],
            )
            .await
            .map(drop)
        })
    }

    fn get(&self, id: &str) -> StoreFuture<'_, Option<Delivery>> {
        let id = id.to_owned();
        Box::pin(async move {
            let rows = self
                .query(
                    "reading a delivery",
                    "SELECT * FROM ringback_deliveries WHERE id = $1",
                    &[&id],
                )
                .await?;
            Ok(rows.first().map(delivery))
        })
    }

    fn attempts(&self, id: &str) -> StoreFuture<'_, Vec<Attempt>> {
        let id = id.to_owned();
        Box::pin(async move {
            let rows = self
                .query(
                    "reading a delivery's attempts",
                    "SELECT number, at, status, error, latency_us, response_head FROM ringback_attempts
                     WHERE delivery_id = $1 ORDER BY seq",
                    &[&id],
                )
                .await?;
            Ok(rows.iter().map(attempt).collect())
        })
    }

    fn find(&self, filter: DeliveryFilter, n: usize) -> StoreFuture<'_, Vec<Delivery>> {
        Box::pin(self.find_oldest(filter, n))
    }

    fn replay_matching(&self, filter: DeliveryFilter, now: SystemTime) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            self.execute(
                "replaying dead deliveries",
                "UPDATE ringback_deliveries SET state = 'pending', next_attempt_at = $1, attempts = 0, finished_at = NULL
                 WHERE state = 'dead' AND ($2::TEXT IS NULL OR starts_with(url, $2))
                   AND ($3::BIGINT IS NULL OR created_at >= $3) AND ($4::BIGINT IS NULL OR created_at < $4)
                   AND ($5::BIGINT IS NULL OR next_attempt_at > $5) AND (NOT $6 OR attempts = 0)
                   AND ($7::TEXT IS NULL OR callback = $7)",
                &[
                    &millis(now),
                    &filter.target,
                    &filter.since.map(millis),
                    &filter.until.map(millis),
                    &filter.due_after.map(millis),
                    &filter.not_attempted,
                    &filter.callback,
                ],
            )
            .await
        })
    }

    fn replay(&self, id: &str, now: SystemTime) -> StoreFuture<'_, bool> {
        let id = id.to_owned();
        Box::pin(async move {
            let n = self
                .execute(
                    "replaying a delivery",
                    "UPDATE ringback_deliveries SET state = 'pending', next_attempt_at = $2, attempts = 0, finished_at = NULL
                     WHERE id = $1 AND state = 'dead'",
                    &[&id, &millis(now)],
                )
                .await?;
            Ok(n == 1)
        })
    }

    fn cancel(&self, id: &str) -> StoreFuture<'_, Option<DeliveryState>> {
        let id = id.to_owned();
        Box::pin(async move {
            // One statement: the row is locked as it is read, so no claim comes between the
            // check and the change. `before` answers with the state as it was; PostgreSQL runs
            // the UPDATE of a WITH once, whether or not the query reads it.
            let rows = self
                .query(
                    "cancelling a delivery",
                    "WITH before AS (
                        SELECT id, state FROM ringback_deliveries WHERE id = $1 FOR UPDATE),
                     cancelled AS (
                        UPDATE ringback_deliveries d SET state = 'cancelled', finished_at = $2
                        FROM before WHERE d.id = before.id AND before.state = 'pending'
                        RETURNING d.id)
                     SELECT state FROM before",
                    &[&id, &millis(SystemTime::now())],
                )
                .await?;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let state: String = row.get(0);
            DeliveryState::parse(&state).map(Some).ok_or_else(|| {
                StoreError::new(format!(
                    "delivery {id} is in a state this version does not know: {state:?}"
                ))
            })
        })
    }

    fn purge_finished(&self, before: SystemTime, n: usize) -> StoreFuture<'_, u64> {
        Box::pin(self.delete_finished(before, n))
    }

    fn purge_dead(&self, filter: DeliveryFilter, n: usize) -> StoreFuture<'_, u64> {
        Box::pin(self.delete_dead(filter, n))
    }

    fn targets(&self) -> StoreFuture<'_, Vec<TargetState>> {
        Box::pin(async move {
            let rows = self
                .query(
                    "reading target state",
                    "SELECT * FROM ringback_targets ORDER BY origin",
                    &[],
                )
                .await?;
            Ok(rows.iter().map(target).collect())
        })
    }

    fn target_failed(
        &self,
        origin: &str,
        at: SystemTime,
        error: &str,
    ) -> StoreFuture<'_, TargetState> {
        let (origin, error) = (origin.to_owned(), error.to_owned());
        Box::pin(async move {
            // One statement: instances failing the same origin at once count one streak.
            let rows = self
                .query(
                    "counting a failed target",
                    "INSERT INTO ringback_targets (origin, status, failures, failing_since, since, held_until, last_error)
                     VALUES ($1, 'failing', 1, $2, $2, $2, $3)
                     ON CONFLICT (origin) DO UPDATE
                        SET failures = ringback_targets.failures + 1, last_error = excluded.last_error
                     RETURNING *",
                    &[&origin, &millis(at), &error],
                )
                .await?;
            rows.first()
                .map(target)
                .ok_or_else(|| StoreError::new("counting a failed target returned no row"))
        })
    }

    fn set_target(&self, t: TargetState) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.execute(
                "recording target state",
                "INSERT INTO ringback_targets (origin, status, failures, failing_since, since, held_until, last_error, reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (origin) DO UPDATE SET status = excluded.status, failures = excluded.failures,
                    failing_since = excluded.failing_since, since = excluded.since,
                    held_until = excluded.held_until, last_error = excluded.last_error, reason = excluded.reason",
                &[
                    &t.origin,
                    &t.status.as_str(),
                    &(t.failures.min(i32::MAX as u32) as i32),
                    &millis(t.failing_since),
                    &millis(t.since),
                    &millis(t.until),
                    &t.last_error,
                    &t.reason,
                ],
            )
            .await
            .map(drop)
        })
    }

    fn clear_target(&self, origin: &str, status: Option<TargetStatus>) -> StoreFuture<'_, bool> {
        let origin = origin.to_owned();
        Box::pin(async move {
            let n = self
                .execute(
                    "clearing target state",
                    "DELETE FROM ringback_targets WHERE origin = $1 AND ($2::TEXT IS NULL OR status = $2)",
                    &[&origin, &status.map(TargetStatus::as_str)],
                )
                .await?;
            Ok(n == 1)
        })
    }

    fn start_probe(
        &self,
        origin: &str,
        now: SystemTime,
        until: SystemTime,
    ) -> StoreFuture<'_, bool> {
        let origin = origin.to_owned();
        Box::pin(async move {
            // The row lock makes the check and the change one step: one instance takes it.
            let n = self
                .execute(
                    "starting a probe",
                    "UPDATE ringback_targets SET status = 'probing', held_until = $3
                     WHERE origin = $1 AND status IN ('paused', 'probing') AND reason IS NULL
                       AND held_until <= $2",
                    &[&origin, &millis(now), &millis(until)],
                )
                .await?;
            Ok(n == 1)
        })
    }

    fn page(
        &self,
        filter: DeliveryFilter,
        after: Option<Cursor>,
        n: usize,
    ) -> StoreFuture<'_, Vec<Delivery>> {
        Box::pin(self.browse(filter, after, n))
    }

    fn summary(&self, since: SystemTime, now: SystemTime) -> StoreFuture<'_, Summary> {
        Box::pin(self.summarize(since, now))
    }
}
