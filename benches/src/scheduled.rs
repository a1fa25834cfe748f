//! Whether a scheduled send costs more than an immediate one: paced rounds of `send` and of
//! `send_after` into fresh SQLite outboxes, side by side with the bare write-and-sync floor,
//! both delivered by a running worker. A scheduled delivery is recorded as an immediate one
//! is, one row with a later due time, so the two `send` latencies should match.

use std::sync::Arc;
use std::time::Duration;

use ringback::dispatch::SqliteStore;

use crate::{dispatcher_run, floor_run, receiver, rounds, Due, Load, Table, PACE};

/// How long after it is recorded a scheduled delivery falls due. Short, so that its claims,
/// attempts and results run among the round's sends as an immediate delivery's do: the two
/// sides then ask the store for the same work, and differ only in when each delivery is due.
/// Its send-to-receipt latency includes this delay.
const DELAY: Duration = Duration::from_millis(100);

pub async fn scheduled(n: usize) {
    let r = receiver().await;
    println!(
        "## scheduled: {n} callbacks at a steady {PACE}/s, `send` against `send_after({DELAY:?})` (receipt includes the delay), SQLite, {} rounds side by side",
        rounds()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut table = Table::default();
    let load = Load::Paced(PACE);
    for round in 0..rounds() {
        table.record(
            "floor: write + fsync",
            floor_run(dir.path(), n, load).await,
            round,
        );
        for (name, due) in [
            ("send, SQLite", Due::Now),
            ("send_after, SQLite", Due::After(DELAY)),
        ] {
            let file = dir
                .path()
                .join(format!("{}-{round}.db", name.replace([',', ' '], "")));
            let store = Arc::new(SqliteStore::open(file).unwrap());
            table.record(name, dispatcher_run(store, &r, n, load, due).await, round);
        }
    }
    table.print_medians();
}
