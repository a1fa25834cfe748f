//! Browsing the SQLite outbox: pages walk an index newest first from the cursor, and the
//! summary counts with the indexes `browse_sql` makes.

use std::path::Path;
use std::time::SystemTime;

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OpenFlags};

use super::queries::delivery;
use super::SqliteStore;
use crate::dispatch::store::browse_sql::{self, Dialect, Value};
use crate::dispatch::store::sql::{micros, millis};
use crate::dispatch::store::{
    Context, Cursor, Delivery, DeliveryFilter, StoreError, StoreFuture, Summary,
};

/// The browsing connection to the outbox at `path`: read-only.
pub(super) fn connection(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection =
        Connection::open_with_flags(path, flags).context("opening the browsing connection")?;
    connection
        .execute_batch("PRAGMA busy_timeout = 5000;")
        .context("setting up the browsing connection")?;
    Ok(connection)
}

const SQLITE: Dialect = Dialect {
    placeholder: |n| format!("?{n}"),
    starts_with: |p| format!("substr(url, 1, length({p})) = {p}"),
};

fn bind(values: Vec<Value>) -> Vec<Sql> {
    values
        .into_iter()
        .map(|v| match v {
            Value::Text(s) => Sql::Text(s),
            Value::Int(i) => Sql::Integer(i),
        })
        .collect()
}

impl SqliteStore {
    /// Runs the read `f` on the browsing connection, on a blocking thread.
    fn browsing<T: Send + 'static>(
        &self,
        doing: &'static str,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> StoreFuture<'static, T> {
        let connection = self.browser.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut guard = connection.lock().unwrap_or_else(|e| e.into_inner());
                f(&mut guard).context(doing)
            })
            .await
            .context(doing)?
        })
    }

    pub(super) fn browse(
        &self,
        filter: DeliveryFilter,
        after: Option<Cursor>,
        n: usize,
    ) -> StoreFuture<'static, Vec<Delivery>> {
        self.browsing("listing a page of deliveries", move |c| {
            let (sql, values) = browse_sql::page(&SQLITE, &filter, after.as_ref(), n);
            let mut select = c.prepare_cached(&sql)?;
            let rows = select.query_map(rusqlite::params_from_iter(bind(values)), delivery)?;
            rows.collect()
        })
    }

    /// `find`, on the browsing connection: a slow read never holds the writer back.
    pub(super) fn find_oldest(
        &self,
        filter: DeliveryFilter,
        n: usize,
    ) -> StoreFuture<'static, Vec<Delivery>> {
        self.browsing("finding deliveries", move |c| {
            let (sql, values) = browse_sql::find(&SQLITE, &filter, n);
            let mut select = c.prepare_cached(&sql)?;
            let rows = select.query_map(rusqlite::params_from_iter(bind(values)), delivery)?;
            rows.collect()
        })
    }

    pub(super) fn summarize(
        &self,
        since: SystemTime,
        now: SystemTime,
    ) -> StoreFuture<'static, Summary> {
        self.browsing("summarizing the outbox", move |c| {
            let mut states = Vec::new();
            let held: Vec<String> = c
                .prepare_cached(browse_sql::STATES_HELD)?
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut count = c.prepare_cached(&browse_sql::count_state(&SQLITE))?;
            for name in held {
                if let Some(state) = browse_sql::state(&name) {
                    let cap = Summary::COUNT_CAP as i64;
                    let n: i64 = count.query_row(rusqlite::params![name, cap], |row| row.get(0))?;
                    states.push((state, n.max(0) as u64));
                }
            }
            let mut summary = Summary::new(states, since, now);
            let from = millis(summary.minutes[0].start);
            let mut recorded = c.prepare_cached(&browse_sql::recorded_per_minute(&SQLITE))?;
            let mut rows = recorded.query([from])?;
            while let Some(row) = rows.next()? {
                let at = crate::dispatch::store::sql::time(row.get::<_, i64>(0)? * 60_000);
                if let Some(m) = summary.minute_mut(at) {
                    m.recorded = row.get::<_, i64>(1)?.max(0) as u64;
                }
            }
            let mut attempts =
                c.prepare_cached(&browse_sql::attempts_per_minute(&SQLITE, "INTEGER"))?;
            let mut rows = attempts.query([from])?;
            while let Some(row) = rows.next()? {
                let at = crate::dispatch::store::sql::time(row.get::<_, i64>(0)? * 60_000);
                if let Some(m) = summary.minute_mut(at) {
                    m.attempts = row.get::<_, i64>(1)?.max(0) as u64;
                    m.succeeded = row.get::<_, i64>(2)?.max(0) as u64;
                    m.latency_total = micros(row.get(3)?);
                    m.latency_max = micros(row.get(4)?);
                }
            }
            Ok(summary)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::store::DeliveryState;

    /// `find` with a state or a callback seeks that condition's index: the form it had,
    /// `(? IS NULL OR state = ?)`, walked every delivery by creation time and tested each.
    #[test]
    fn find_seeks_the_index_of_its_condition() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        drop(SqliteStore::open(&path).unwrap());
        let c = connection(&path).unwrap();
        for (filter, index) in [
            (
                DeliveryFilter::state(DeliveryState::Pending),
                "ringback_deliveries_state_created",
            ),
            (
                DeliveryFilter::default().callback("cb"),
                "ringback_deliveries_callback_created",
            ),
        ] {
            let (sql, values) = browse_sql::find(&SQLITE, &filter, 50);
            let plan: Vec<String> = c
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(rusqlite::params_from_iter(bind(values)), |row| row.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let plan = plan.join("; ");
            assert!(
                plan.contains(&format!("SEARCH ringback_deliveries USING INDEX {index}")),
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
        }
    }
}
