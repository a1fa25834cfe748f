//! Deleting from the PostgreSQL outbox: finished deliveries past their retention, and dead
//! letters an operator purges. Each call is one statement, its own short transaction: it
//! locks at most `n` rows through an index, skipping rows another instance is deleting or
//! claiming (`SKIP LOCKED`), and deletes them with their attempts.
//!
//! The space deleted rows held is reused after autovacuum has been through the tables, which
//! PostgreSQL runs by itself; the outbox needs nothing more.

use std::time::SystemTime;

use super::PostgresStore;
use crate::dispatch::store::sql::{limit, millis};
use crate::dispatch::store::{DeliveryFilter, StoreError};

/// The migration that adds when a delivery finished: see the SQLite store's step 3, which
/// this mirrors.
pub(super) const FINISHED_AT: &str = "
ALTER TABLE ringback_deliveries ADD COLUMN IF NOT EXISTS finished_at BIGINT;
CREATE INDEX IF NOT EXISTS ringback_deliveries_finished ON ringback_deliveries (finished_at)
 WHERE state IN ('delivered', 'cancelled');
";

impl PostgresStore {
    /// Deletes up to `n` deliveries delivered or cancelled before `before`, oldest first.
    pub(super) async fn delete_finished(
        &self,
        before: SystemTime,
        n: usize,
    ) -> Result<u64, StoreError> {
        // Finished with no time kept (before the column existed, or by an instance of such a
        // version during a rolling upgrade): a delivered one finished at its last attempt, a
        // cancelled one counts from now. A statement of its own, before the delete, so that
        // a backlog from before the upgrade goes in this same batch.
        self.execute(
            "giving finished deliveries their time",
            "UPDATE ringback_deliveries d SET finished_at = CASE d.state
                WHEN 'delivered' THEN COALESCE(
                    (SELECT MAX(a.at) FROM ringback_attempts a WHERE a.delivery_id = d.id), $2)
                ELSE $2 END
             WHERE d.id IN (
                SELECT id FROM ringback_deliveries
                WHERE state IN ('delivered', 'cancelled') AND finished_at IS NULL
                LIMIT $1 FOR UPDATE SKIP LOCKED)",
            &[&limit(n), &millis(SystemTime::now())],
        )
        .await?;
        // The attempts go in the same statement, before the foreign key is checked at its
        // end; the first schema's key has no ON DELETE CASCADE.
        self.execute(
            "deleting finished deliveries",
            "WITH doomed AS (
                SELECT id FROM ringback_deliveries
                WHERE state IN ('delivered', 'cancelled') AND finished_at < $1
                ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED),
             attempts AS (
                DELETE FROM ringback_attempts a USING doomed WHERE a.delivery_id = doomed.id)
             DELETE FROM ringback_deliveries d USING doomed WHERE d.id = doomed.id",
            &[&millis(before), &limit(n)],
        )
        .await
    }

    /// Deletes up to `n` dead letters matching `filter` (its state aside), oldest first.
    pub(super) async fn delete_dead(
        &self,
        filter: DeliveryFilter,
        n: usize,
    ) -> Result<u64, StoreError> {
        self.execute(
            "deleting dead letters",
            "WITH doomed AS (
                SELECT id FROM ringback_deliveries
                WHERE state = 'dead' AND ($1::TEXT IS NULL OR starts_with(url, $1))
                  AND ($2::BIGINT IS NULL OR created_at >= $2) AND ($3::BIGINT IS NULL OR created_at < $3)
                  AND ($4::BIGINT IS NULL OR next_attempt_at > $4) AND (NOT $5 OR attempts = 0)
                  AND ($6::TEXT IS NULL OR callback = $6)
                ORDER BY created_at LIMIT $7 FOR UPDATE SKIP LOCKED),
             attempts AS (
                DELETE FROM ringback_attempts a USING doomed WHERE a.delivery_id = doomed.id)
             DELETE FROM ringback_deliveries d USING doomed WHERE d.id = doomed.id",
            &[
                &filter.target,
                &filter.since.map(millis),
                &filter.until.map(millis),
                &filter.due_after.map(millis),
                &filter.not_attempted,
                &filter.callback,
                &limit(n),
            ],
        )
        .await
    }
}
