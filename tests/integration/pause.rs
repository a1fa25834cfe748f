//! Targets that keep failing are paused, probed and resumed, against real receivers: axum
//! servers on 127.0.0.1 answering 500 and then 200, over real HTTP, with the outbox in a real
//! SQLite file (and in PostgreSQL when `RINGBACK_TEST_POSTGRES` names a server; without one
//! those tests say SKIPPED, and under CI they fail).
//!
//! Thresholds are short (3 failures, no least span, a cool-down of 300 ms) and one attempt
//! runs per host at a time, so that what happened can be counted exactly; nothing here
//! measures time.

use crate::server::Server;

use std::collections::HashMap;
use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use ringback::dispatch::{
    AllowList, DeliveryState, Dispatcher, DispatcherConfig, PausePolicy, PostgresStore,
    RetrySchedule, Secret, TargetState, TargetStatus,
};
use ringback::{Callback, Schema};
use serde::Serialize;

#[derive(Serialize, Schema)]
struct Event {
    n: u32,
}

/// A receiver that answers 500 until made healthy, then 200, and counts every attempt it saw
/// by `webhook-id`.
#[derive(Clone, Default)]
struct Receiver {
    healthy: Arc<AtomicBool>,
    /// Attempts by delivery id: (answered 500, answered 200).
    seen: Arc<Mutex<HashMap<String, (u32, u32)>>>,
}

impl Receiver {
    fn attempts(&self) -> u32 {
        self.seen.lock().unwrap().values().map(|(f, s)| f + s).sum()
    }

    fn of(&self, id: &str) -> (u32, u32) {
        self.seen
            .lock()
            .unwrap()
            .get(id)
            .copied()
            .unwrap_or_default()
    }
}

async fn hook(State(r): State<Receiver>, headers: HeaderMap) -> StatusCode {
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let healthy = r.healthy.load(Ordering::SeqCst);
    let mut seen = r.seen.lock().unwrap();
    let entry = seen.entry(id).or_default();
    if healthy {
        entry.1 += 1;
        StatusCode::OK
    } else {
        entry.0 += 1;
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

async fn receiver(healthy: bool) -> (Server, Receiver) {
    let r = Receiver::default();
    r.healthy.store(healthy, Ordering::SeqCst);
    let router = axum::Router::new()
        .route("/hook", post(hook))
        .with_state(r.clone());
    (Server::start(router).await, r)
}

fn config(cool_down: Duration) -> DispatcherConfig {
    DispatcherConfig::new(Secret::generate())
        // Many short steps: no delivery runs out of its schedule during a test.
        .schedule(RetrySchedule::new([Duration::from_millis(50); 40]).with_jitter(0.0))
        .allow(AllowList::none().loopback())
        .poll_interval(Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(5))
        .concurrency(8, 1)
        .pause_failing(PausePolicy::new(3, Duration::ZERO, cool_down))
}

/// Polls `check` until it gives a value; panics with `what` after a generous while.
async fn eventually<T, F: Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    for _ in 0..1500 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never happened: {what}");
}

async fn target(dispatcher: &Dispatcher, origin: &str) -> Option<TargetState> {
    dispatcher
        .paused_targets()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.origin == origin)
}

async fn all_delivered(dispatcher: &Dispatcher, ids: &[String]) -> bool {
    for id in ids {
        let d = dispatcher.store().get(id).await.unwrap().unwrap();
        if d.state != DeliveryState::Delivered {
            return false;
        }
    }
    true
}

/// The whole cycle: failures pause the target, its deliveries stop being attempted, a probe
/// after each cool-down fails and pauses it again, the receiver recovers, a probe resumes it,
/// and every queued delivery arrives once.
async fn pause_probe_resume(dispatcher: Dispatcher) -> String {
    let (server, rx) = receiver(false).await;
    let origin = format!("http://{}", server.addr);
    let worker = dispatcher.start();
    let callback: Callback<Event> = Callback::new("onEvent", server.url("/hook"));
    let mut ids = Vec::new();
    for n in 0..10 {
        ids.push(dispatcher.send(&callback, &Event { n }).await.unwrap());
    }

    // Paused after three failures, then probed and paused again at least once. Read when no
    // probe can be under way (paused, with the same count on both sides of the receiver's),
    // every attempt the receiver saw is one the store counted: three before the pause, then
    // one probe per cool-down. No other delivery was attempted while paused.
    let (seen, paused) = eventually("a failed probe paused the target again", || async {
        let before = target(&dispatcher, &origin).await?;
        let seen = rx.attempts();
        let after = target(&dispatcher, &origin).await?;
        let quiet = before.status == TargetStatus::Paused && before == after;
        (quiet && after.failures >= 4).then_some((seen, after))
    })
    .await;
    assert_eq!(
        seen, paused.failures,
        "only the three failures and the probes reached the receiver"
    );
    assert_eq!(paused.last_error.as_deref(), Some("answered 500"));
    assert_eq!(paused.reason, None);
    assert!(paused.since <= SystemTime::now() && paused.since >= paused.failing_since);
    assert_eq!(dispatcher.metrics().paused_targets, 1);
    assert!(dispatcher
        .metrics()
        .to_prometheus()
        .contains("ringback_callback_targets_paused 1"));
    assert!(
        dispatcher.metrics().target_pauses >= 2,
        "paused, then paused again"
    );
    // While paused, deliveries wait: pending, none dead, most never attempted.
    let mut untouched = 0;
    for id in &ids {
        let d = dispatcher.store().get(id).await.unwrap().unwrap();
        assert_eq!(d.state, DeliveryState::Pending, "{id}");
        untouched += usize::from(d.attempts == 0);
    }
    assert!(
        untouched >= 6,
        "{untouched} of 10 never attempted: the pause held them"
    );

    // The receiver recovers: the next probe resumes the target, and everything arrives.
    rx.healthy.store(true, Ordering::SeqCst);
    eventually("every queued delivery arrived", || async {
        all_delivered(&dispatcher, &ids).await.then_some(())
    })
    .await;
    for id in &ids {
        let (failed, accepted) = rx.of(id);
        assert_eq!(accepted, 1, "{id} arrived once");
        let log = dispatcher.store().attempts(id).await.unwrap();
        assert_eq!(
            log.len() as u32,
            failed + accepted,
            "{id}: the log is what the receiver saw"
        );
    }
    assert_eq!(target(&dispatcher, &origin).await, None, "resumed");
    assert!(dispatcher.paused_targets().await.unwrap().is_empty());
    assert_eq!(dispatcher.metrics().paused_targets, 0);
    worker.shutdown(Duration::from_secs(5)).await;
    origin
}

/// The `tracing` events about targets, one line each: `message|origin|last_error`. Installed
/// as the global subscriber by the first pause test to start, before any of these events can
/// be emitted, so that each event's interest is settled with it present (a subscriber set
/// for one thread can miss events whose interest another test's thread settled first).
#[derive(Clone, Default)]
struct Changes(Arc<Mutex<Vec<String>>>);

fn changes() -> &'static Changes {
    static CHANGES: std::sync::OnceLock<Changes> = std::sync::OnceLock::new();
    CHANGES.get_or_init(|| {
        let changes = Changes::default();
        tracing::subscriber::set_global_default(changes.clone())
            .expect("no other global subscriber in this test binary");
        changes
    })
}

/// The lines about `origin`.
fn changes_of(origin: &str) -> Vec<String> {
    let of = format!("|{origin}|");
    let lines = changes().0.lock().unwrap();
    lines.iter().filter(|l| l.contains(&of)).cloned().collect()
}

impl tracing::Subscriber for Changes {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        #[derive(Default)]
        struct Fields(HashMap<&'static str, String>);
        impl tracing::field::Visit for Fields {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                self.0.insert(field.name(), value.to_owned());
            }
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.insert(field.name(), format!("{value:?}"));
            }
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let get = |name| fields.0.get(name).cloned().unwrap_or_default();
        if get("message").starts_with("callback target") {
            let line = format!("{}|{}|{}", get("message"), get("origin"), get("last_error"));
            self.0.lock().unwrap().push(line);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_target_is_paused_probed_and_resumed_in_sqlite() {
    changes();
    let dir = tempfile::tempdir().unwrap();
    let dispatcher = Dispatcher::sqlite(
        dir.path().join("outbox.db"),
        config(Duration::from_millis(300)),
    )
    .unwrap();
    let origin = pause_probe_resume(dispatcher).await;
    // Each change of state was marked, with the origin and the last error, in this order.
    let lines = changes_of(&origin);
    let position = |line: String| {
        lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| panic!("no event {line:?} in {lines:#?}"))
    };
    let paused = position(format!(
        "callback target paused: it keeps failing|{origin}|answered 500"
    ));
    let probing = position(format!("callback target probing|{origin}|answered 500"));
    let again = position(format!(
        "callback target paused again: its probe failed|{origin}|answered 500"
    ));
    let resumed = position(format!(
        "callback target resumed: its probe succeeded|{origin}|answered 500"
    ));
    assert!(
        paused < probing && probing < again && again < resumed,
        "{lines:#?}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("callback target paused: it keeps"))
            .count(),
        1,
        "paused once by its failures; after that, by its probes: {lines:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_target_is_paused_probed_and_resumed_in_postgres() {
    changes();
    let Some(url) =
        fresh_database("a_failing_target_is_paused_probed_and_resumed_in_postgres").await
    else {
        return;
    };
    let store = PostgresStore::connect(&url).await.unwrap();
    pause_probe_resume(Dispatcher::new(store, config(Duration::from_millis(300)))).await;
}

/// A paused target holds back only its own deliveries: a healthy target's all arrive while
/// the failing one stays paused, its deliveries waiting unattempted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_target_does_not_slow_a_healthy_one() {
    changes();
    let dir = tempfile::tempdir().unwrap();
    // A cool-down longer than any test: no probe interferes with the count.
    let config = config(Duration::from_secs(3600)).concurrency(4, 1);
    let dispatcher = Dispatcher::sqlite(dir.path().join("outbox.db"), config).unwrap();
    let (failing, failing_rx) = receiver(false).await;
    let (healthy, healthy_rx) = receiver(true).await;
    let worker = dispatcher.start();
    let to_failing: Callback<Event> = Callback::new("onEvent", failing.url("/hook"));
    let to_healthy: Callback<Event> = Callback::new("onEvent", healthy.url("/hook"));
    // The failing target's deliveries are older: every claim meets them first.
    let mut waiting = Vec::new();
    for n in 0..20 {
        waiting.push(dispatcher.send(&to_failing, &Event { n }).await.unwrap());
    }
    let mut arriving = Vec::new();
    for n in 0..20 {
        arriving.push(dispatcher.send(&to_healthy, &Event { n }).await.unwrap());
    }
    eventually("the healthy target's deliveries all arrived", || async {
        all_delivered(&dispatcher, &arriving).await.then_some(())
    })
    .await;
    assert_eq!(healthy_rx.attempts(), 20, "each once");
    let origin = format!("http://{}", failing.addr);
    let paused = eventually("the failing target paused", || target(&dispatcher, &origin)).await;
    assert_eq!(paused.status, TargetStatus::Paused);
    assert_eq!(failing_rx.attempts(), 3, "three failures, then nothing");
    let mut never_attempted = 0;
    for id in &waiting {
        let d = dispatcher.store().get(id).await.unwrap().unwrap();
        assert_eq!(d.state, DeliveryState::Pending);
        never_attempted += usize::from(d.attempts == 0);
    }
    assert!(
        never_attempted >= 17,
        "{never_attempted} of 20 wait unattempted"
    );
    worker.shutdown(Duration::from_secs(5)).await;
}

/// An operator pauses a healthy target, lists it with the reason, and resumes it; every
/// instance sharing the outbox sees the pause.
async fn pause_by_hand(first: Dispatcher, second: Dispatcher) -> String {
    let (held, held_rx) = receiver(true).await;
    let (other, other_rx) = receiver(true).await;
    let origin = format!("http://{}", held.addr);
    let paused = first
        .pause_target(&held.url("/hook"), "their maintenance window")
        .await
        .unwrap();
    assert_eq!(paused.origin, origin);
    assert_eq!(paused.status, TargetStatus::Paused);
    let workers = [first.start(), second.start()];
    let to_held: Callback<Event> = Callback::new("onEvent", held.url("/hook"));
    let to_other: Callback<Event> = Callback::new("onEvent", other.url("/hook"));
    let mut waiting = Vec::new();
    for n in 0..3 {
        waiting.push(first.send(&to_held, &Event { n }).await.unwrap());
    }
    let mut arriving = Vec::new();
    for n in 0..3 {
        arriving.push(second.send(&to_other, &Event { n }).await.unwrap());
    }
    eventually("the other target's deliveries arrived", || async {
        all_delivered(&first, &arriving).await.then_some(())
    })
    .await;
    assert_eq!(other_rx.attempts(), 3);
    assert_eq!(
        held_rx.attempts(),
        0,
        "a target paused by hand is not attempted"
    );
    for dispatcher in [&first, &second] {
        let listed = dispatcher.paused_targets().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].origin, origin);
        assert_eq!(
            listed[0].reason.as_deref(),
            Some("their maintenance window")
        );
        assert!(listed[0].since <= SystemTime::now());
    }
    assert_eq!(first.metrics().paused_targets, 1);

    assert!(second.resume_target(&origin).await.unwrap());
    assert!(
        !first.resume_target(&origin).await.unwrap(),
        "resumed already"
    );
    eventually("the held deliveries arrived", || async {
        all_delivered(&first, &waiting).await.then_some(())
    })
    .await;
    assert_eq!(held_rx.attempts(), 3, "each once");
    for id in &waiting {
        let d = first.store().get(id).await.unwrap().unwrap();
        assert_eq!(d.attempts, 1, "the pause did not burn its schedule");
    }
    assert!(first.paused_targets().await.unwrap().is_empty());
    for worker in workers {
        worker.shutdown(Duration::from_secs(5)).await;
    }
    origin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_pauses_lists_and_resumes_a_target_in_sqlite() {
    changes();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("outbox.db");
    // Two dispatchers on one file stand for two processes sharing it.
    let first = Dispatcher::sqlite(&file, config(Duration::from_millis(300))).unwrap();
    let second = Dispatcher::sqlite(&file, config(Duration::from_millis(300))).unwrap();
    let origin = pause_by_hand(first, second).await;
    assert_eq!(
        changes_of(&origin),
        [
            format!("callback target paused by hand|{origin}|"),
            format!("callback target resumed by hand|{origin}|"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_pauses_lists_and_resumes_a_target_in_postgres() {
    changes();
    let Some(url) =
        fresh_database("an_operator_pauses_lists_and_resumes_a_target_in_postgres").await
    else {
        return;
    };
    let first = Dispatcher::postgres(&url, config(Duration::from_millis(300)))
        .await
        .unwrap();
    let second = Dispatcher::postgres(&url, config(Duration::from_millis(300)))
        .await
        .unwrap();
    pause_by_hand(first, second).await;
}

/// A fresh database on the test server, or `None`, said loudly, when there is none (under
/// CI, a failure).
async fn fresh_database(test: &str) -> Option<String> {
    let Some(url) = std::env::var("RINGBACK_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: CI must provide PostgreSQL, but RINGBACK_TEST_POSTGRES is not set"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: no PostgreSQL server. Set RINGBACK_TEST_POSTGRES=postgres://user@host:port/db to run it (`bash .ci/postgres start` starts one)."
        );
        return None;
    };
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("{test}: cannot reach RINGBACK_TEST_POSTGRES={url}: {e}"));
    tokio::spawn(connection);
    let name = format!("ringback_pause_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (address, options) = url.split_once('?').unwrap_or((&url, ""));
    let base = address.rsplit_once('/').map_or(address, |(b, _)| b);
    Some(if options.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{options}")
    })
}

/// A receiver that holds every request until its gate opens, then answers 200; counts them.
#[derive(Clone)]
struct Slow {
    gate: Arc<tokio::sync::Semaphore>,
    answered: Arc<std::sync::atomic::AtomicU32>,
}

async fn slow_hook(State(s): State<Slow>) -> StatusCode {
    drop(s.gate.acquire().await);
    s.answered.fetch_add(1, Ordering::SeqCst);
    StatusCode::OK
}

/// A slow target holds at most its per-host share of the worker: a healthy target's
/// deliveries, sent after a backlog for the slow one, all arrive while every request to the
/// slow one is still held open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_target_does_not_slow_a_healthy_one() {
    changes();
    let dir = tempfile::tempdir().unwrap();
    let config = config(Duration::from_secs(3600))
        .attempt_timeout(Duration::from_secs(120))
        .concurrency(8, 2);
    let dispatcher = Dispatcher::sqlite(dir.path().join("outbox.db"), config).unwrap();
    let slow_state = Slow {
        gate: Arc::new(tokio::sync::Semaphore::new(0)),
        answered: Arc::default(),
    };
    let slow = Server::start(
        axum::Router::new()
            .route("/hook", post(slow_hook))
            .with_state(slow_state.clone()),
    )
    .await;
    let (healthy, healthy_rx) = receiver(true).await;
    let worker = dispatcher.start();
    let to_slow: Callback<Event> = Callback::new("onEvent", slow.url("/hook"));
    let to_healthy: Callback<Event> = Callback::new("onEvent", healthy.url("/hook"));
    let mut backlog = Vec::new();
    for n in 0..40 {
        backlog.push(dispatcher.send(&to_slow, &Event { n }).await.unwrap());
    }
    let mut arriving = Vec::new();
    for n in 0..20 {
        arriving.push(dispatcher.send(&to_healthy, &Event { n }).await.unwrap());
    }
    eventually("the healthy target's deliveries all arrived", || async {
        all_delivered(&dispatcher, &arriving).await.then_some(())
    })
    .await;
    assert_eq!(healthy_rx.attempts(), 20);
    assert_eq!(
        slow_state.answered.load(Ordering::SeqCst),
        0,
        "the slow target answered nothing yet"
    );
    // The gate opens: the backlog drains.
    slow_state.gate.add_permits(1_000);
    eventually("the slow target's backlog arrived", || async {
        all_delivered(&dispatcher, &backlog).await.then_some(())
    })
    .await;
    assert_eq!(slow_state.answered.load(Ordering::SeqCst), 40, "each once");
    worker.shutdown(Duration::from_secs(5)).await;
}
