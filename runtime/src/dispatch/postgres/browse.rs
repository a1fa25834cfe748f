//! Browsing the PostgreSQL outbox: pages walk an index newest first from the cursor, and the
//! summary counts with the indexes `browse_sql` makes.

use std::time::SystemTime;

use tokio_postgres::types::ToSql;

use super::{delivery, PostgresStore};
use crate::dispatch::store::browse_sql::{self, Dialect, Value};
use crate::dispatch::store::sql::{micros, millis, time};
use crate::dispatch::store::{Cursor, Delivery, DeliveryFilter, StoreError, Summary};

const POSTGRES: Dialect = Dialect {
    placeholder: |n| format!("${n}"),
    starts_with: |p| format!("starts_with(url, {p})"),
};

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

impl PostgresStore {
    pub(super) async fn browse(
        &self,
        filter: DeliveryFilter,
        after: Option<Cursor>,
        n: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let query = browse_sql::page(&POSTGRES, &filter, after.as_ref(), n);
        self.deliveries("listing a page of deliveries", query).await
    }

    /// `find`: the first `n` deliveries matching `filter`, oldest first.
    pub(super) async fn find_oldest(
        &self,
        filter: DeliveryFilter,
        n: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let query = browse_sql::find(&POSTGRES, &filter, n);
        self.deliveries("finding deliveries", query).await
    }

    /// The deliveries a query `browse_sql` wrote selects, with its values bound.
    async fn deliveries(
        &self,
        doing: &'static str,
        (sql, values): (String, Vec<Value>),
    ) -> Result<Vec<Delivery>, StoreError> {
        let values: Vec<Box<dyn ToSql + Sync + Send>> = values
            .into_iter()
            .map(|v| match v {
                Value::Text(s) => Box::new(s) as Box<dyn ToSql + Sync + Send>,
                Value::Int(i) => Box::new(i),
            })
            .collect();
        let params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| &**v as &(dyn ToSql + Sync)).collect();
        let rows = self.query(doing, &sql, &params).await?;
        Ok(rows.iter().map(delivery).collect())
    }

    pub(super) async fn summarize(
        &self,
        since: SystemTime,
        now: SystemTime,
    ) -> Result<Summary, StoreError> {
        const DOING: &str = "summarizing the outbox";
        let mut states = Vec::new();
        let count_one = browse_sql::count_state(&POSTGRES);
        for row in self.query(DOING, browse_sql::STATES_HELD, &[]).await? {
            let name: String = row.get(0);
            if let Some(state) = browse_sql::state(&name) {
                let cap = Summary::COUNT_CAP as i64;
                let n = self.query(DOING, &count_one, &[&name, &cap]).await?;
                states.push((state, n.first().map_or(0, |r| count(r.get(0)))));
            }
        }
        let mut summary = Summary::new(states, since, now);
        let from = millis(summary.minutes[0].start);
        let recorded = browse_sql::recorded_per_minute(&POSTGRES);
        for row in self.query(DOING, &recorded, &[&from]).await? {
            if let Some(m) = summary.minute_mut(time(row.get::<_, i64>(0) * 60_000)) {
                m.recorded = count(row.get(1));
            }
        }
        let attempts = browse_sql::attempts_per_minute(&POSTGRES, "BIGINT");
        for row in self.query(DOING, &attempts, &[&from]).await? {
            if let Some(m) = summary.minute_mut(time(row.get::<_, i64>(0) * 60_000)) {
                m.attempts = count(row.get(1));
                m.succeeded = count(row.get(2));
                m.latency_total = micros(row.get(3));
                m.latency_max = micros(row.get(4));
            }
        }
        Ok(summary)
    }
}
