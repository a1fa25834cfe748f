//! Where the order service keeps its orders: a SQLite file beside the outbox, so that an order
//! confirmed with 201 is still there after a crash, and the service's memory does not grow with
//! the orders it holds (SQLite keeps a bounded page cache; the rows live on disk).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use crate::model::BeerOrder;

/// The orders of every customer, in SQLite.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("beer-orders-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let orders = ringback_examples::orders::OrderBook::open(dir.join("orders.db")).unwrap();
/// # drop(orders); std::fs::remove_dir_all(dir).ok();
/// ```
#[derive(Clone)]
pub struct OrderBook {
    connection: Arc<Mutex<Connection>>,
}

/// What [`OrderBook::insert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// The order is recorded, durably.
    Recorded,
    /// The customer already has an order with this `customerRef`; nothing was recorded.
    ReferenceTaken,
}

/// An order book's failure: what it was doing and SQLite's error.
#[derive(Debug, thiserror::Error)]
#[error("order book: {doing}")]
pub struct OrderBookError {
    doing: &'static str,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl OrderBookError {
    fn new(
        doing: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        OrderBookError {
            doing,
            source: source.into(),
        }
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    customer_ref TEXT,
    placed_at INTEGER NOT NULL,
    body BLOB NOT NULL,
    UNIQUE (customer_id, customer_ref)
);";

impl OrderBook {
    /// Opens (creating if needed) the order book in the SQLite file at `path`. Each order is
    /// synced to disk before [`insert`](Self::insert) answers, and several processes may share
    /// the file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, OrderBookError> {
        let path = path.as_ref();
        let connection =
            Connection::open(path).map_err(|e| OrderBookError::new("opening the file", e))?;
        connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| {
                row.get::<_, String>(0)
            })
            .map_err(|e| OrderBookError::new("switching to a write-ahead log", e))?;
        // FULL: a confirmed order survives a power cut, not only a crash of the process.
        connection
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;")
            .and_then(|()| connection.execute_batch(SCHEMA))
            .map_err(|e| OrderBookError::new("creating the orders table", e))?;
        Ok(Self::with(connection))
    }

    /// An order book in memory, for tests and benchmarks: **not durable**, and it grows with
    /// every order. The service itself always uses a file.
    ///
    /// ```
    /// let orders = ringback_examples::orders::OrderBook::in_memory();
    /// # drop(orders);
    /// ```
    pub fn in_memory() -> Self {
        let connection = Connection::open_in_memory().expect("SQLite opens a database in memory");
        connection
            .execute_batch(SCHEMA)
            .expect("the orders table is valid SQL");
        Self::with(connection)
    }

    fn with(connection: Connection) -> Self {
        OrderBook {
            connection: Arc::new(Mutex::new(connection)),
        }
    }

    /// Runs `f` on the connection on a blocking thread: SQLite waits on the disk.
    async fn run<T: Send + 'static>(
        &self,
        doing: &'static str,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, OrderBookError> {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves no half-made change: each is one statement.
            let c = connection.lock().unwrap_or_else(|e| e.into_inner());
            f(&c)
        })
        .await
        .map_err(|e| OrderBookError::new(doing, e))?
        .map_err(|e| OrderBookError::new(doing, e))
    }

    /// Whether `customer` already has an order with `reference` as its `customerRef`.
    pub async fn reference_taken(
        &self,
        customer: Uuid,
        reference: &str,
    ) -> Result<bool, OrderBookError> {
        let reference = reference.to_owned();
        self.run("looking up a customerRef", move |c| {
            c.prepare_cached("SELECT 1 FROM orders WHERE customer_id = ?1 AND customer_ref = ?2")?
                .exists(params![customer.to_string(), reference])
        })
        .await
    }

    /// Records `order` (which has its id) for `customer`, unless its `customerRef` is taken.
    pub async fn insert(
        &self,
        customer: Uuid,
        order: &BeerOrder,
    ) -> Result<Inserted, OrderBookError> {
        let id = order
            .id
            .ok_or_else(|| OrderBookError::new("recording an order", "the order has no id"))?;
        let body =
            serde_json::to_vec(order).map_err(|e| OrderBookError::new("recording an order", e))?;
        let reference = order.customer_ref.clone();
        let placed_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        self.run("recording an order", move |c| {
            let inserted = c
                .prepare_cached(
                    "INSERT INTO orders (id, customer_id, customer_ref, placed_at, body)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (customer_id, customer_ref) DO NOTHING",
                )?
                .execute(params![
                    id.to_string(),
                    customer.to_string(),
                    reference,
                    placed_at,
                    body
                ])?;
            Ok(if inserted == 1 {
                Inserted::Recorded
            } else {
                Inserted::ReferenceTaken
            })
        })
        .await
    }

    /// The order `id` of `customer`, if there is one.
    pub async fn get(&self, customer: Uuid, id: Uuid) -> Result<Option<BeerOrder>, OrderBookError> {
        let body: Option<Vec<u8>> = self
            .run("reading an order", move |c| {
                c.prepare_cached("SELECT body FROM orders WHERE id = ?1 AND customer_id = ?2")?
                    .query_row(params![id.to_string(), customer.to_string()], |row| {
                        row.get(0)
                    })
                    .optional()
            })
            .await?;
        body.map(|b| serde_json::from_slice(&b))
            .transpose()
            .map_err(|e| OrderBookError::new("reading an order", e))
    }
}
