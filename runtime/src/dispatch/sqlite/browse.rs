//! Browsing the SQLite outbox: pages walk an index newest first from the cursor, and the
//! summary counts with the indexes `browse_sql` makes.

use std::time::SystemTime;

use rusqlite::types::Value as Sql;

use super::queries::delivery;
use super::SqliteStore;
use crate::dispatch::store::browse_sql::{self, Dialect, Value};
use crate::dispatch::store::sql::{micros, millis};
use crate::dispatch::store::{Cursor, Delivery, DeliveryFilter, StoreFuture, Summary};

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
    pub(super) fn browse(
        &self,
        filter: DeliveryFilter,
        after: Option<Cursor>,
        n: usize,
    ) -> StoreFuture<'static, Vec<Delivery>> {
        self.read("listing a page of deliveries", move |c| {
            let (sql, values) = browse_sql::page(&SQLITE, &filter, after.as_ref(), n);
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
        self.read("summarizing the outbox", move |c| {
            let mut states = Vec::new();
            let mut count = c.prepare_cached(browse_sql::COUNT_STATES)?;
            let mut rows = count.query([])?;
            while let Some(row) = rows.next()? {
                let name: String = row.get(0)?;
                if let Some(state) = browse_sql::state(&name) {
                    states.push((state, row.get::<_, i64>(1)?.max(0) as u64));
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
