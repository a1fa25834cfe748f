//! The SQL both SQL stores run to browse the outbox, in either dialect: a page of deliveries
//! with only the conditions the filter sets (a condition written `(? IS NULL OR ...)` keeps
//! the planner from choosing an index), and the summary's counts.

use super::sql::{limit, millis};
use super::{Cursor, DeliveryFilter, DeliveryState};

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::dispatch) enum Value {
    Text(String),
    Int(i64),
}

/// How a dialect writes what differs.
pub(in crate::dispatch) struct Dialect {
    /// The `n`th placeholder (1-based).
    pub placeholder: fn(usize) -> String,
    /// A condition that the URL starts with the text bound to the placeholder given.
    pub starts_with: fn(&str) -> String,
}

/// The indexes browsing needs, in either dialect, each made if missing (no schema version:
/// they change no table, and a store of any version can make them). On a large outbox, the
/// first open after an upgrade builds them once.
///
/// Newest first by creation time, within a state or a callback, or over every delivery. The
/// attempts' time serves the summary's last hour.
pub(in crate::dispatch) const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS ringback_deliveries_created ON ringback_deliveries (created_at, id);
CREATE INDEX IF NOT EXISTS ringback_deliveries_state_created ON ringback_deliveries (state, created_at, id);
CREATE INDEX IF NOT EXISTS ringback_deliveries_callback_created ON ringback_deliveries (callback, created_at, id);
CREATE INDEX IF NOT EXISTS ringback_attempts_at ON ringback_attempts (at);
";

/// The query for a page of deliveries matching `filter` after `after`, newest first, and
/// its values in placeholder order.
pub(in crate::dispatch) fn page(
    dialect: &Dialect,
    filter: &DeliveryFilter,
    after: Option<&Cursor>,
    n: usize,
) -> (String, Vec<Value>) {
    let mut values = Vec::new();
    let mut next = |v: Value| {
        values.push(v);
        (dialect.placeholder)(values.len())
    };
    let mut conditions = Vec::new();
    if let Some(state) = filter.state {
        conditions.push(format!(
            "state = {}",
            next(Value::Text(state.as_str().into()))
        ));
    }
    if let Some(callback) = &filter.callback {
        conditions.push(format!(
            "callback = {}",
            next(Value::Text(callback.clone()))
        ));
    }
    if let Some(target) = &filter.target {
        conditions.push((dialect.starts_with)(&next(Value::Text(target.clone()))));
    }
    if let Some(since) = filter.since {
        conditions.push(format!("created_at >= {}", next(Value::Int(millis(since)))));
    }
    if let Some(until) = filter.until {
        conditions.push(format!("created_at < {}", next(Value::Int(millis(until)))));
    }
    if let Some(due_after) = filter.due_after {
        conditions.push(format!(
            "next_attempt_at > {}",
            next(Value::Int(millis(due_after)))
        ));
    }
    if filter.not_attempted {
        conditions.push("attempts = 0".to_owned());
    }
    if let Some(cursor) = after {
        let at = next(Value::Int(millis(cursor.created_at)));
        let id = next(Value::Text(cursor.id.clone()));
        conditions.push(format!("(created_at, id) < ({at}, {id})"));
    }
    let conditions = match conditions.is_empty() {
        true => String::new(),
        false => format!(" WHERE {}", conditions.join(" AND ")),
    };
    let n = next(Value::Int(limit(n)));
    let sql = format!(
        "SELECT * FROM ringback_deliveries{conditions} ORDER BY created_at DESC, id DESC LIMIT {n}"
    );
    (sql, values)
}

/// The query for `find`: the first `n` deliveries matching `filter`, oldest first, and its
/// values in placeholder order. The conditions of [`page`], walked the other way: with only
/// the conditions set, a state or a callback reads its own index from the oldest match, where
/// `(? IS NULL OR ...)` walked every delivery by creation time and tested each (a first page
/// of the few pending deliveries read the whole history).
pub(in crate::dispatch) fn find(
    dialect: &Dialect,
    filter: &DeliveryFilter,
    n: usize,
) -> (String, Vec<Value>) {
    let (newest_first, values) = page(dialect, filter, None, n);
    let sql = newest_first.replacen(NEWEST_FIRST, "ORDER BY created_at, id", 1);
    debug_assert_ne!(sql, newest_first, "a page is ordered {NEWEST_FIRST}");
    (sql, values)
}

/// How [`page`] orders its rows.
const NEWEST_FIRST: &str = "ORDER BY created_at DESC, id DESC";

/// The states the outbox holds, one index seek each (a skip scan: reading every row to find
/// the few distinct states cost 150 ms on a million deliveries).
pub(in crate::dispatch) const STATES_HELD: &str = "WITH RECURSIVE held(state) AS (
    SELECT MIN(state) FROM ringback_deliveries
    UNION ALL
    SELECT (SELECT MIN(state) FROM ringback_deliveries WHERE state > held.state) FROM held
    WHERE held.state IS NOT NULL)
 SELECT state FROM held WHERE state IS NOT NULL";

/// Deliveries in one state, counted up to [`Summary::COUNT_CAP`](super::Summary::COUNT_CAP).
pub(in crate::dispatch) fn count_state(dialect: &Dialect) -> String {
    format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM ringback_deliveries WHERE state = {} LIMIT {}) AS capped",
        (dialect.placeholder)(1),
        (dialect.placeholder)(2)
    )
}

/// Deliveries recorded in each minute since the bound time: (minute, count).
pub(in crate::dispatch) fn recorded_per_minute(dialect: &Dialect) -> String {
    format!(
        "SELECT created_at / 60000 AS minute, COUNT(*) FROM ringback_deliveries
         WHERE created_at >= {} GROUP BY minute",
        (dialect.placeholder)(1)
    )
}

/// Attempts in each minute since the bound time: (minute, attempts, 2xx, total latency in
/// microseconds, highest latency).
pub(in crate::dispatch) fn attempts_per_minute(dialect: &Dialect, int64: &str) -> String {
    format!(
        "SELECT at / 60000 AS minute, COUNT(*),
            CAST(SUM(CASE WHEN status BETWEEN 200 AND 299 THEN 1 ELSE 0 END) AS {int64}),
            CAST(SUM(latency_us) AS {int64}), MAX(latency_us)
         FROM ringback_attempts WHERE at >= {} GROUP BY minute",
        (dialect.placeholder)(1)
    )
}

/// A state as stored, or `None` for one this version does not know (a newer one wrote it).
pub(in crate::dispatch) fn state(name: &str) -> Option<DeliveryState> {
    DeliveryState::parse(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERED: Dialect = Dialect {
        placeholder: |n| format!("${n}"),
        starts_with: |p| format!("starts_with(url, {p})"),
    };

    #[test]
    fn only_the_conditions_set_are_written() {
        let (sql, values) = page(&NUMBERED, &DeliveryFilter::default(), None, 50);
        assert_eq!(
            sql,
            "SELECT * FROM ringback_deliveries ORDER BY created_at DESC, id DESC LIMIT $1"
        );
        assert_eq!(values, [Value::Int(50)]);
        let filter = DeliveryFilter::state(DeliveryState::Dead)
            .target("https://a.test/")
            .callback("cb");
        let cursor = Cursor::new(std::time::UNIX_EPOCH, "msg_9");
        let (sql, values) = page(&NUMBERED, &filter, Some(&cursor), 10);
        assert!(sql.contains(NEWEST_FIRST), "{sql}");
        assert!(sql.contains(
            "WHERE state = $1 AND callback = $2 AND starts_with(url, $3) AND (created_at, id) < ($4, $5)"
        ), "{sql}");
        assert_eq!(values.len(), 6);
        assert_eq!(values[4], Value::Text("msg_9".into()));
    }

    #[test]
    fn find_has_the_conditions_set_oldest_first() {
        let (sql, values) = find(
            &NUMBERED,
            &DeliveryFilter::state(DeliveryState::Pending),
            50,
        );
        assert_eq!(
            sql,
            "SELECT * FROM ringback_deliveries WHERE state = $1 ORDER BY created_at, id LIMIT $2"
        );
        assert_eq!(values, [Value::Text("pending".into()), Value::Int(50)]);
    }
}
