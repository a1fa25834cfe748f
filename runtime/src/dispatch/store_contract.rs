//! What every store must do, checked against the in-memory and SQLite stores, and the
//! PostgreSQL store when `RINGBACK_TEST_POSTGRES` names a server (`bash .ci/postgres start`
//! starts one): which deliveries a claim takes, in what order, and how each outcome moves a
//! delivery.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::pause::{TargetState, TargetStatus};
use super::store::{
    Attempt, Claim, Delivery, DeliveryFilter, DeliveryState, DeliveryStore, MemoryStore,
};
use super::SqliteStore;

/// A whole number of milliseconds, as every store keeps them.
fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(1_700_000_000_000 + ms)
}

fn delivery(id: &str, due: u64) -> Delivery {
    Delivery {
        next_attempt_at: at(due),
        ..Delivery::new(
            id,
            "cb",
            "POST",
            "https://example.com/hook",
            b"{}".to_vec(),
            at(0),
        )
    }
}

fn attempt(number: u32, status: Option<u16>) -> Attempt {
    Attempt {
        number,
        at: at(1),
        status,
        error: status.is_none().then(|| "refused".to_owned()),
        latency: Duration::from_millis(3),
        response_head: b"ok".to_vec(),
    }
}

async fn ids(store: &dyn DeliveryStore, now: u64, limit: usize) -> Vec<String> {
    let lease = Duration::from_secs(10);
    let claimed = store.claim_due(at(now), limit, lease).await.unwrap();
    assert!(claimed.iter().all(|d| d.state == DeliveryState::InFlight));
    claimed.into_iter().map(|d| d.id).collect()
}

async fn contract(store: &dyn DeliveryStore) {
    // Enqueued out of order: claims come in the order they fall due, never early.
    for (id, due) in [("c", 30), ("a", 10), ("b", 20), ("later", 5_000)] {
        store.enqueue(delivery(id, due)).await.unwrap();
    }
    assert!(
        store.enqueue(delivery("a", 0)).await.is_err(),
        "an id is recorded once"
    );
    assert_eq!(
        ids(store, 25, 10).await,
        ["a", "b"],
        "due ones, earliest first"
    );
    assert_eq!(
        ids(store, 30, 10).await,
        ["c"],
        "claimed ones are not claimed again"
    );
    assert!(ids(store, 100, 10).await.is_empty(), "the lease holds");

    // Outcomes: delivered is final; a retry falls due again later; dead waits for a replay.
    store.delivered("a", attempt(1, Some(200))).await.unwrap();
    store
        .retry_at("b", attempt(1, Some(503)), at(60))
        .await
        .unwrap();
    store.dead("c", attempt(1, None)).await.unwrap();
    assert!(
        ids(store, 59, 10).await.is_empty(),
        "the retry is not due yet"
    );
    assert_eq!(ids(store, 60, 10).await, ["b"]);
    let b = store.get("b").await.unwrap().unwrap();
    assert_eq!(b.attempts, 1);
    assert_eq!(b.last_error.as_deref(), Some("answered 503"));

    // A lease that ran out comes back, before anything merely due.
    store.enqueue(delivery("d", 61)).await.unwrap();
    assert_eq!(ids(store, 60 + 10_001, 10).await, ["b", "d", "later"]);

    // Release hands a claim back at once; replay revives only the dead.
    store.release("d").await.unwrap();
    assert_eq!(ids(store, 20_000, 1).await, ["d"]);
    assert!(
        !store.replay("a", at(20_000)).await.unwrap(),
        "a was delivered"
    );
    assert!(store.replay("c", at(20_000)).await.unwrap());
    assert_eq!(ids(store, 20_000, 10).await, ["c"]);
    assert_eq!(store.get("c").await.unwrap().unwrap().attempts, 0);

    // The attempt log keeps every attempt, in order.
    store.dead("b", attempt(2, None)).await.unwrap();
    let log = store.attempts("b").await.unwrap();
    assert_eq!(log, [attempt(1, Some(503)), attempt(2, None)]);
    let dead = store.list(DeliveryState::Dead, 10).await.unwrap();
    assert_eq!(
        dead.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["b"]
    );
}

/// A delivery's key id is kept as it was sent, and handed back by `get`, `find` and claims;
/// one sent without a key id reads back without one.
async fn key_ids_are_kept(store: &dyn DeliveryStore) {
    let mut keyed = delivery("keyed", 0);
    keyed.key_id = Some("customer-7".into());
    store.enqueue(keyed.clone()).await.unwrap();
    store.enqueue(delivery("unkeyed", 0)).await.unwrap();
    let read = store.get("keyed").await.unwrap().unwrap();
    assert_eq!(read, keyed);
    let found = store
        .find(DeliveryFilter::state(DeliveryState::Pending), 10)
        .await
        .unwrap();
    let key_of = |id: &str| found.iter().find(|d| d.id == id).map(|d| d.key_id.clone());
    assert_eq!(key_of("keyed"), Some(Some("customer-7".into())));
    assert_eq!(key_of("unkeyed"), Some(None));
    let mut claimed = store
        .claim_due(at(1), 10, Duration::from_secs(10))
        .await
        .unwrap();
    claimed.sort_by(|a, b| a.id.cmp(&b.id));
    let keys: Vec<_> = claimed.iter().map(|d| d.key_id.as_deref()).collect();
    assert_eq!(keys, [Some("customer-7"), None]);
}

#[tokio::test]
async fn the_memory_store_keeps_key_ids() {
    key_ids_are_kept(&MemoryStore::default()).await;
}

#[tokio::test]
async fn the_sqlite_store_keeps_key_ids_across_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("outbox.db");
    key_ids_are_kept(&SqliteStore::open(&file).unwrap()).await;
    // Another process opening the file (a restart) reads the same key id.
    let reopened = SqliteStore::open(&file).unwrap();
    let keyed = reopened.get("keyed").await.unwrap().unwrap();
    assert_eq!(keyed.key_id.as_deref(), Some("customer-7"));
}

/// A claim takes expired leases first and tops them up with due deliveries to its limit, no
/// more; a bulk replay revives only the dead among those its filter matches.
// Equivalent mutant: SQLite's `claimed.len() < claim.limit` -> `<=` (the top-up is LIMIT 0).
async fn limits_and_bulk_replays(store: &dyn DeliveryStore) {
    for id in ["x1", "x2"] {
        store.enqueue(delivery(id, 0)).await.unwrap();
    }
    assert_eq!(ids(store, 0, 10).await.len(), 2);
    for (id, due) in [("p1", 1), ("p2", 2), ("p3", 3)] {
        store.enqueue(delivery(id, due)).await.unwrap();
    }
    let mut claimed = ids(store, 10_000, 3).await;
    claimed.sort();
    assert_eq!(
        claimed,
        ["p1", "x1", "x2"],
        "both expired leases, then one due"
    );

    store.delivered("x1", attempt(1, Some(200))).await.unwrap();
    store.dead("x2", attempt(1, None)).await.unwrap();
    store.dead("p1", attempt(1, None)).await.unwrap();
    let revived = store
        .replay_matching(DeliveryFilter::default(), at(20_000))
        .await
        .unwrap();
    assert_eq!(revived, 2, "x2 and p1, not the delivered or the pending");
    let state = |id: &'static str| async move { store.get(id).await.unwrap().unwrap().state };
    assert_eq!(state("x1").await, DeliveryState::Delivered);
    assert_eq!(state("x2").await, DeliveryState::Pending);
    assert_eq!(state("p2").await, DeliveryState::Pending);
}

const ELSEWHERE: &str = "https://scheduled.example.com/";

fn elsewhere(id: &str, due: u64) -> Delivery {
    Delivery {
        url: format!("{ELSEWHERE}hook"),
        ..delivery(id, due)
    }
}

/// A delivery scheduled for later is pending with its first attempt due then: no claim takes
/// it early, the filters tell it from one due now and from a retry that waits, and a cancel
/// takes it out for good, once, leaving it to be read; anything not pending stays as it is.
///
/// Its deliveries go to a target of their own, so that it can follow `contract` on one
/// database.
async fn scheduling_and_cancelling(store: &dyn DeliveryStore) {
    store.enqueue(elsewhere("s-now", 0)).await.unwrap();
    store.enqueue(elsewhere("s-retry", 0)).await.unwrap();
    store.enqueue(elsewhere("s-later", 5_000)).await.unwrap();
    let mut due = ids(store, 0, 10).await;
    due.sort();
    assert_eq!(
        due,
        ["s-now", "s-retry"],
        "the scheduled one is not due yet"
    );
    store
        .retry_at("s-retry", attempt(1, Some(503)), at(5_000))
        .await
        .unwrap();

    let found = |filter: DeliveryFilter| async move {
        let mut ids: Vec<String> = store
            .find(filter.target(ELSEWHERE), 10)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect();
        ids.sort();
        ids
    };
    let waiting = DeliveryFilter::state(DeliveryState::Pending).due_after(at(100));
    assert_eq!(found(waiting.clone()).await, ["s-later", "s-retry"]);
    assert_eq!(found(waiting.not_attempted()).await, ["s-later"]);
    assert!(
        found(DeliveryFilter::default().due_after(at(5_000)))
            .await
            .is_empty(),
        "due after is strict"
    );
    assert!(ids(store, 4_999, 10).await.is_empty(), "never early");

    assert_eq!(
        store.cancel("s-later").await.unwrap(),
        Some(DeliveryState::Pending)
    );
    assert_eq!(
        store.cancel("s-later").await.unwrap(),
        Some(DeliveryState::Cancelled),
        "cancelled once"
    );
    assert_eq!(
        store.cancel("s-now").await.unwrap(),
        Some(DeliveryState::InFlight),
        "a claimed delivery is not cancelled"
    );
    assert_eq!(store.cancel("s-missing").await.unwrap(), None);
    assert_eq!(
        ids(store, 5_000, 10).await,
        ["s-retry"],
        "the cancelled one is never claimed"
    );
    store
        .delivered("s-now", attempt(1, Some(200)))
        .await
        .unwrap();
    assert_eq!(
        store.cancel("s-now").await.unwrap(),
        Some(DeliveryState::Delivered)
    );
    assert_eq!(
        store.get("s-now").await.unwrap().unwrap().state,
        DeliveryState::Delivered
    );

    // Kept, listed by its state, and never revived by a replay.
    let kept = store.get("s-later").await.unwrap().unwrap();
    assert_eq!((kept.state, kept.attempts), (DeliveryState::Cancelled, 0));
    assert_eq!(
        found(DeliveryFilter::state(DeliveryState::Cancelled)).await,
        ["s-later"]
    );
    assert!(!store.replay("s-later", at(6_000)).await.unwrap());
    assert_eq!(
        store
            .replay_matching(DeliveryFilter::default().target(ELSEWHERE), at(6_000))
            .await
            .unwrap(),
        0
    );
    assert!(ids(store, 1_000_000, 10)
        .await
        .iter()
        .all(|id| id != "s-later"));
}

#[tokio::test]
async fn the_memory_store_schedules_and_cancels() {
    scheduling_and_cancelling(&MemoryStore::default()).await;
}

#[tokio::test]
async fn the_sqlite_store_schedules_and_cancels() {
    let dir = tempfile::tempdir().unwrap();
    scheduling_and_cancelling(&SqliteStore::open(dir.path().join("outbox.db")).unwrap()).await;
}

#[tokio::test]
async fn a_scheduled_delivery_and_a_cancel_survive_reopening_the_sqlite_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("outbox.db");
    {
        let store = SqliteStore::open(&file).unwrap();
        store.enqueue(delivery("later", 5_000)).await.unwrap();
        store.enqueue(delivery("cancelled", 5_000)).await.unwrap();
        store.cancel("cancelled").await.unwrap();
    }
    let store = SqliteStore::open(&file).unwrap();
    let later = store.get("later").await.unwrap().unwrap();
    assert_eq!(later.state, DeliveryState::Pending);
    assert_eq!(later.next_attempt_at, at(5_000));
    assert!(ids(&store, 4_999, 10).await.is_empty());
    assert_eq!(ids(&store, 5_000, 10).await, ["later"]);
    assert_eq!(
        store.get("cancelled").await.unwrap().unwrap().state,
        DeliveryState::Cancelled
    );
}

#[tokio::test]
async fn the_memory_store_limits_claims_and_replays_only_the_dead() {
    limits_and_bulk_replays(&MemoryStore::default()).await;
}

#[tokio::test]
async fn the_sqlite_store_limits_claims_and_replays_only_the_dead() {
    let dir = tempfile::tempdir().unwrap();
    limits_and_bulk_replays(&SqliteStore::open(dir.path().join("outbox.db")).unwrap()).await;
}

/// Target state: failures are counted into one streak, a paused or probed origin's
/// deliveries are left out of claims (and only that origin's: not a port that starts like
/// it), one caller takes a probe, and clearing makes them claimable again.
async fn target_contract(store: &dyn DeliveryStore) {
    let to = |id: &str, url: &str| Delivery {
        url: url.to_owned(),
        ..delivery(id, 0)
    };
    for (id, url) in [
        ("t-a1", "https://a.test/x"),
        ("t-a2", "https://a.test?q=1"),
        ("t-a3", "https://a.test"),
        ("t-port", "https://a.test:8443/y"),
        ("t-longer", "https://a.testing/y"),
        ("t-b", "https://b.test/z"),
    ] {
        store.enqueue(to(id, url)).await.unwrap();
    }
    assert!(store.targets().await.unwrap().is_empty());
    let first = store
        .target_failed("https://a.test", at(5), "answered 500")
        .await
        .unwrap();
    assert_eq!(
        first,
        TargetState::failing("https://a.test", at(5), "answered 500")
    );
    let second = store
        .target_failed("https://a.test", at(9), "timed out")
        .await
        .unwrap();
    assert_eq!((second.failures, second.failing_since), (2, at(5)));
    assert_eq!(second.last_error.as_deref(), Some("timed out"));

    // Failing holds nothing back; paused does.
    let paused = second.clone().paused(at(10), at(1_000));
    store.set_target(paused.clone()).await.unwrap();
    assert_eq!(store.targets().await.unwrap(), [paused]);
    let mut claimed = ids(store, 20, 10).await;
    claimed.sort();
    assert_eq!(claimed, ["t-b", "t-longer", "t-port"], "a.test's wait");

    // One probe per hold, only once the cool-down ended.
    let origin = "https://a.test";
    assert!(!store.start_probe(origin, at(999), at(2_000)).await.unwrap());
    assert!(store
        .start_probe(origin, at(1_000), at(2_000))
        .await
        .unwrap());
    assert!(!store
        .start_probe(origin, at(1_500), at(3_000))
        .await
        .unwrap());
    let probing = &store.targets().await.unwrap()[0];
    assert_eq!(
        (probing.status, probing.until),
        (TargetStatus::Probing, at(2_000))
    );
    assert!(ids(store, 1_500, 10).await.is_empty(), "probing holds too");
    assert!(
        store
            .start_probe(origin, at(2_000), at(3_000))
            .await
            .unwrap(),
        "a probe whose hold ended is taken again"
    );

    // Clearing by status clears only that status; then a.test's are claimed.
    assert!(!store
        .clear_target(origin, Some(TargetStatus::Failing))
        .await
        .unwrap());
    assert!(store
        .clear_target(origin, Some(TargetStatus::Probing))
        .await
        .unwrap());
    let mut claimed = ids(store, 3_000, 10).await;
    claimed.sort();
    assert_eq!(claimed, ["t-a1", "t-a2", "t-a3"]);

    // Paused by hand: never probed.
    let mut by_hand = TargetState::failing("https://b.test", at(0), "none").paused(at(0), at(0));
    by_hand.reason = Some("maintenance".into());
    store.set_target(by_hand.clone()).await.unwrap();
    assert!(!store
        .start_probe("https://b.test", at(9_000), at(9_999))
        .await
        .unwrap());
    assert_eq!(store.targets().await.unwrap(), [by_hand]);
    assert!(store.clear_target("https://b.test", None).await.unwrap());
    assert!(!store.clear_target("https://b.test", None).await.unwrap());

    // A claim told to skip an origin leaves its deliveries, and only its, where they are.
    for (id, url) in [
        ("t-s1", "https://s.test/x"),
        ("t-s2", "https://s.testing/x"),
    ] {
        store.enqueue(to(id, url)).await.unwrap();
    }
    let skipping =
        Claim::new(at(4_000), 10, Duration::from_secs(10)).skip(["https://s.test".to_owned()]);
    let claimed = store.claim(skipping).await.unwrap();
    assert_eq!(
        claimed.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["t-s2"]
    );
    assert_eq!(ids(store, 4_000, 10).await, ["t-s1"]);
}

#[tokio::test]
async fn the_memory_store_keeps_the_target_contract() {
    target_contract(&MemoryStore::default()).await;
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_target_contract() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("outbox.db");
    target_contract(&SqliteStore::open(&file).unwrap()).await;
}

#[tokio::test]
async fn the_memory_store_keeps_the_contract() {
    contract(&MemoryStore::default()).await;
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    contract(&SqliteStore::open(dir.path().join("outbox.db")).unwrap()).await;
}

/// The same contract with the store's callers on several threads at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_store_keeps_the_contract_on_a_multi_threaded_runtime() {
    let dir = tempfile::tempdir().unwrap();
    contract(&SqliteStore::open(dir.path().join("outbox.db")).unwrap()).await;
}

/// Retention, with real timestamps: delivered and cancelled deliveries that finished before
/// the cutoff go with their attempts, at most a batch at a time, counted from when they
/// finished (not when they were recorded); recent ones, dead letters, pending, waiting,
/// replayed and in-flight deliveries stay. An operator's purge deletes only dead letters, and
/// only those its filter matches.
async fn retention_contract(store: &dyn DeliveryStore) {
    let now = SystemTime::now();
    let day = Duration::from_secs(24 * 3600);
    let long_ago = now - 30 * day;
    let recorded = |id: &str, due: SystemTime| Delivery {
        created_at: long_ago,
        next_attempt_at: due,
        ..delivery(id, 0)
    };
    let tried = |number: u32, at: SystemTime, status: u16| Attempt {
        number,
        at,
        status: Some(status),
        error: None,
        latency: Duration::from_millis(4),
        response_head: Vec::new(),
    };
    for id in [
        "old-1",
        "old-2",
        "new",
        "dead",
        "waiting",
        "replayed",
        "cancelled",
    ] {
        store.enqueue(recorded(id, long_ago)).await.unwrap();
    }
    store
        .enqueue(recorded("scheduled", now + day))
        .await
        .unwrap();
    for id in ["old-1", "old-2"] {
        store
            .retry_at(id, tried(1, long_ago, 503), long_ago)
            .await
            .unwrap();
        store.delivered(id, tried(2, long_ago, 200)).await.unwrap();
    }
    // Recorded long ago, delivered just now: it is recent.
    store
        .retry_at("new", tried(1, long_ago, 503), long_ago)
        .await
        .unwrap();
    store.delivered("new", tried(2, now, 200)).await.unwrap();
    store.dead("dead", tried(1, long_ago, 410)).await.unwrap();
    store
        .dead("replayed", tried(1, long_ago, 410))
        .await
        .unwrap();
    assert!(store.replay("replayed", now + day).await.unwrap());
    store
        .retry_at("waiting", tried(1, long_ago, 503), now + day)
        .await
        .unwrap();
    assert_eq!(
        store.cancel("cancelled").await.unwrap(),
        Some(DeliveryState::Pending)
    );
    store
        .enqueue(recorded("in-flight", long_ago))
        .await
        .unwrap();
    assert_eq!(ids(store, millis_since_at(now), 10).await, ["in-flight"]);

    let week_ago = now - 7 * day;
    assert_eq!(
        store.purge_finished(week_ago, 1).await.unwrap(),
        1,
        "a batch"
    );
    assert_eq!(store.purge_finished(week_ago, 10).await.unwrap(), 1);
    assert_eq!(store.purge_finished(week_ago, 10).await.unwrap(), 0);
    for id in ["old-1", "old-2"] {
        assert_eq!(store.get(id).await.unwrap(), None, "{id} was deleted");
        assert!(
            store.attempts(id).await.unwrap().is_empty(),
            "{id}'s attempts"
        );
    }
    let kept = [
        "new",
        "dead",
        "waiting",
        "replayed",
        "cancelled",
        "scheduled",
        "in-flight",
    ];
    for id in kept {
        assert!(store.get(id).await.unwrap().is_some(), "{id} was kept");
    }
    assert_eq!(store.attempts("new").await.unwrap().len(), 2);

    // One recorded already delivered, with no finish time and no attempt, counts from when the
    // purge saw it: a cutoff a week ago keeps it.
    let unstamped = Delivery {
        state: DeliveryState::Delivered,
        ..recorded("unstamped", long_ago)
    };
    store.enqueue(unstamped).await.unwrap();
    assert_eq!(store.purge_finished(week_ago, 100).await.unwrap(), 0);
    assert!(store.get("unstamped").await.unwrap().is_some());
    // A cutoff after now takes what finished just now: the delivered, the cancelled, and the
    // one stamped by the purge before.
    let soon = SystemTime::now() + Duration::from_secs(60);
    assert_eq!(store.purge_finished(soon, 100).await.unwrap(), 3);
    for id in ["new", "cancelled", "unstamped"] {
        assert_eq!(store.get(id).await.unwrap(), None, "{id} was deleted");
    }
    assert!(store.attempts("new").await.unwrap().is_empty());
    let states = |ids: &'static [&'static str]| async move {
        let mut states = Vec::new();
        for id in ids {
            states.push(store.get(id).await.unwrap().map(|d| d.state));
        }
        states
    };
    use DeliveryState::{Dead, InFlight, Pending};
    const LEFT: &[&str] = &["dead", "waiting", "replayed", "scheduled", "in-flight"];
    assert_eq!(
        states(LEFT).await,
        [
            Some(Dead),
            Some(Pending),
            Some(Pending),
            Some(Pending),
            Some(InFlight)
        ]
    );

    // Dead letters go only when an operator purges them, and only those matching.
    let mut other = recorded("dead-elsewhere", long_ago);
    other.url = "https://elsewhere.example.com/hook".into();
    store.enqueue(other).await.unwrap();
    store
        .dead("dead-elsewhere", tried(1, long_ago, 410))
        .await
        .unwrap();
    let elsewhere = DeliveryFilter::default().target("https://elsewhere.example.com/");
    assert_eq!(store.purge_dead(elsewhere.clone(), 10).await.unwrap(), 1);
    assert_eq!(store.purge_dead(elsewhere, 10).await.unwrap(), 0);
    assert_eq!(store.get("dead-elsewhere").await.unwrap(), None);
    assert!(store.attempts("dead-elsewhere").await.unwrap().is_empty());
    assert!(store.get("dead").await.unwrap().is_some());
    // Whatever state the filter names, only dead letters go.
    let any = DeliveryFilter::state(DeliveryState::Pending);
    assert_eq!(store.purge_dead(any, 10).await.unwrap(), 1);
    assert_eq!(store.get("dead").await.unwrap(), None);
    assert!(store.attempts("dead").await.unwrap().is_empty());
    assert_eq!(
        states(&["waiting", "replayed", "scheduled", "in-flight"]).await,
        [Some(Pending), Some(Pending), Some(Pending), Some(InFlight)]
    );
}

/// `t` as the contract's `at` counts: milliseconds after its epoch.
fn millis_since_at(t: SystemTime) -> u64 {
    t.duration_since(at(0)).unwrap().as_millis() as u64
}

#[tokio::test]
async fn the_memory_store_keeps_the_retention_contract() {
    retention_contract(&MemoryStore::default()).await;
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_retention_contract() {
    let dir = tempfile::tempdir().unwrap();
    retention_contract(&SqliteStore::open(dir.path().join("outbox.db")).unwrap()).await;
}

/// The retention contract against a fresh database of its own (its purges would delete what
/// the other contracts leave); without a server it says SKIPPED (a failure under CI).
#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_keeps_the_retention_contract() {
    let Some((client, database, name)) = fresh_postgres(
        "the_postgres_store_keeps_the_retention_contract",
        "ringback_retention",
    )
    .await
    else {
        return;
    };
    let store = super::PostgresStore::connect(&database).await.unwrap();
    retention_contract(&store).await;
    drop(store);
    let _ = client
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await;
}

/// A fresh database on the server `RINGBACK_TEST_POSTGRES` names: a client of the server (to
/// drop the database after), the new database's URL and its name. `None`, saying SKIPPED
/// (a failure under CI), when no server is named.
#[cfg(feature = "postgres")]
async fn fresh_postgres(
    test: &str,
    prefix: &str,
) -> Option<(tokio_postgres::Client, String, String)> {
    use std::io::Write;
    let Some(url) = std::env::var("RINGBACK_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must provide PostgreSQL, but RINGBACK_TEST_POSTGRES is not set"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: RINGBACK_TEST_POSTGRES is not set"
        );
        return None;
    };
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let name = format!("{prefix}_{}", uuid::Uuid::now_v7().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    // The same server and options, the new database.
    let (address, options) = url.split_once('?').unwrap_or((&url, ""));
    let server = address
        .rsplit_once('/')
        .map_or(address, |(server, _)| server);
    Some((client, format!("{server}/{name}?{options}"), name))
}

/// The contract against a fresh database on the server `RINGBACK_TEST_POSTGRES` names; without
/// one it says SKIPPED (a failure under CI).
#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_keeps_the_contract() {
    let Some((client, database, name)) =
        fresh_postgres("the_postgres_store_keeps_the_contract", "ringback_contract").await
    else {
        return;
    };
    let store = super::PostgresStore::connect(&database).await.unwrap();
    contract(&store).await;
    scheduling_and_cancelling(&store).await;
    target_contract(&store).await;
    // A second connection to the same outbox sees the same target state.
    let again = super::PostgresStore::connect(&database).await.unwrap();
    let paused =
        TargetState::failing("https://shared.test", at(0), "answered 503").paused(at(1), at(2));
    store.set_target(paused.clone()).await.unwrap();
    assert_eq!(again.targets().await.unwrap(), [paused]);
    key_ids_are_kept(&store).await;
    drop((store, again));
    let _ = client
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await;
}

/// A database the first version made, with a delivery waiting (due in 2100, so that the
/// claims below leave it alone), gains the key id column when
/// the store connects, and its delivery reads back without a key id (the default keys). Its
/// finished deliveries learn when they finished, and retention takes them from then.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_migrates_a_first_version_outbox() {
    let Some((client, database, name)) = fresh_postgres(
        "the_postgres_store_migrates_a_first_version_outbox",
        "ringback_v1",
    )
    .await
    else {
        return;
    };
    {
        let (old, connection) = tokio_postgres::connect(&database, tokio_postgres::NoTls)
            .await
            .unwrap();
        let task = tokio::spawn(connection);
        old.batch_execute(super::store::sql::tables_v1!(
            "BYTEA",
            "BIGINT",
            ",\n    seq BIGSERIAL PRIMARY KEY"
        ))
        .await
        .unwrap();
        old.batch_execute(
            "CREATE TABLE ringback_schema (version INTEGER NOT NULL);
             INSERT INTO ringback_schema (version) VALUES (1);
             INSERT INTO ringback_deliveries (id, callback, method, url, body, created_at, next_attempt_at, state)
             VALUES ('msg_old', 'cb', 'POST', 'https://example.com/hook', '\\x7b7d', 1, 4102444800000, 'pending'),
                    ('msg_delivered', 'cb', 'POST', 'https://example.com/hook', '\\x7b7d', 1, 1, 'delivered'),
                    ('msg_cancelled', 'cb', 'POST', 'https://example.com/hook', '\\x7b7d', 1, 1, 'cancelled');
             INSERT INTO ringback_attempts (delivery_id, number, at, status, latency_us, response_head)
             VALUES ('msg_delivered', 1, 2000, 200, 5, '\\x');",
        )
        .await
        .unwrap();
        drop(old);
        let _ = task.await;
    }
    let store = super::PostgresStore::connect(&database).await.unwrap();
    let old = store.get("msg_old").await.unwrap().unwrap();
    assert_eq!((old.body.as_slice(), old.key_id), (&b"{}"[..], None));
    // Retention counts from the last attempt of a delivery finished before the upgrade, and
    // from the upgrade for a cancel whose time nobody kept.
    let week_ago = SystemTime::now() - Duration::from_secs(7 * 24 * 3600);
    assert_eq!(store.purge_finished(week_ago, 10).await.unwrap(), 1);
    assert_eq!(store.get("msg_delivered").await.unwrap(), None);
    assert!(store.get("msg_cancelled").await.unwrap().is_some());
    assert!(store.get("msg_old").await.unwrap().is_some());
    key_ids_are_kept(&store).await;
    drop(store);
    let _ = client
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await;
}

#[tokio::test]
async fn a_failing_write_does_not_undo_the_others_in_its_group() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("outbox.db")).unwrap();
    store.enqueue(delivery("taken", 0)).await.unwrap();
    // A write is queued when it is called, not when awaited: these reach the writer
    // together, so it commits them as one group (or a few).
    let writes: Vec<_> = (0..50)
        .map(|i| {
            let id = if i == 25 {
                "taken".to_owned()
            } else {
                format!("d{i:02}")
            };
            store.enqueue(delivery(&id, 1))
        })
        .collect();
    for (i, write) in writes.into_iter().enumerate() {
        let result = write.await;
        assert_eq!(result.is_err(), i == 25, "write {i}: {result:?}");
    }
    assert_eq!(
        ids(&store, 10, 100).await.len(),
        50,
        "49 new ones and the first"
    );
}

#[tokio::test]
async fn the_sqlite_wal_is_checkpointed_off_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("outbox.db");
    let store = SqliteStore::open(&file).unwrap();
    for i in 0..200 {
        store.enqueue(delivery(&format!("d{i}"), 0)).await.unwrap();
    }
    // Automatic checkpoints are off; the checkpoint thread copies the WAL into the file.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::fs::metadata(&file).unwrap().len() < 16 * 1024 {
        assert!(
            std::time::Instant::now() < deadline,
            "the database file never received the WAL's pages"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_wal_starts_over_while_writes_never_pause() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("outbox.db")).unwrap();
    // 64 MiB of bodies from producers that keep the writer busy: the checkpoint thread must
    // hold it back to let the WAL start over, or the WAL grows past all of it.
    const BODY: usize = 16 * 1024;
    const EACH: usize = 64 * 1024 * 1024 / BODY / 32;
    let producers: Vec<_> = (0..32)
        .map(|p| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..EACH {
                    let mut d = delivery(&format!("p{p}-{i}"), 0);
                    d.body = vec![b'x'; BODY];
                    store.enqueue(d).await.unwrap();
                }
            })
        })
        .collect();
    for p in producers {
        p.await.unwrap();
    }
    let wal = std::fs::metadata(dir.path().join("outbox.db-wal"))
        .unwrap()
        .len();
    // A WAL that never starts over holds all 64 MiB. However late the checkpoint thread
    // runs, the writer's backstop copies the WAL back once it reaches 32 MiB, so the WAL
    // ends below that plus one group's commit.
    assert!(
        wal < 40 * 1024 * 1024,
        "the WAL grew to {} MiB while 64 MiB was written",
        wal >> 20
    );
}

#[tokio::test]
async fn an_sqlite_outbox_in_memory_is_refused() {
    let Err(e) = SqliteStore::open(":memory:") else {
        panic!("an in-memory database cannot be a durable outbox");
    };
    assert!(e.message().contains("MemoryStore"), "{e}");
}

/// Once a sync of the WAL has failed, no durable write is answered Ok (what the WAL held may
/// not be on disk); claims and results, which do not wait for a sync, go on. The failed
/// `fsync` itself is `wal_file`'s test.
async fn after_a_failed_sync_no_delivery_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("outbox.db")).unwrap();
    store.enqueue(delivery("first", 0)).await.unwrap();
    store.poison_wal();
    let e = store.enqueue(delivery("second", 0)).await.unwrap_err();
    assert!(e.message().contains("an earlier sync"), "{e}");
    // A replay is a durable write too.
    let e = store.replay("first", at(0)).await.unwrap_err();
    assert!(e.message().contains("an earlier sync"), "{e}");
    assert!(store
        .claim_due(SystemTime::now(), 10, Duration::from_secs(30))
        .await
        .is_ok());
}

#[tokio::test]
async fn after_a_failed_sync_the_sqlite_store_accepts_no_delivery() {
    after_a_failed_sync_no_delivery_is_accepted().await;
}
