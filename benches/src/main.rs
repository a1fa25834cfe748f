//! ringback's benchmarks. Figures, commands and the machine are in BENCHMARKS.md.
//!
//! ```text
//! ringback-bench delivery [N]   callbacks to a loopback receiver: dispatcher (memory, SQLite)
//!                               against a bare signed reqwest loop, side by side, 3 rounds
//! ringback-bench memory [N]     peak RSS with N pending deliveries in the SQLite outbox
//! ringback-bench all            both, with their defaults
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ringback::dispatch::{
    signature_header, AllowList, DeliveryStore, Dispatcher, DispatcherConfig, MemoryStore, Secret,
    SqliteStore,
};
use ringback::Callback;
use ringback_examples::model::OrderStatusChange;
use tokio::sync::{Notify, Semaphore};

const CONCURRENCY: usize = 64;
const ROUNDS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |default: usize| args.get(1).and_then(|a| a.parse().ok()).unwrap_or(default);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match args.first().map(String::as_str) {
        Some("delivery") => runtime.block_on(delivery(n(20_000))),
        Some("memory") => runtime.block_on(memory(n(100_000))),
        Some("all") | None => {
            runtime.block_on(delivery(20_000));
            runtime.block_on(memory(100_000));
        }
        Some(other) => {
            eprintln!("unknown benchmark {other:?}; use delivery, memory or all");
            std::process::exit(2);
        }
    }
}

/// A receiver that counts requests and wakes the benchmark when all have arrived; each
/// payload carries its send time, so the receiver measures send-to-receipt latency.
struct Receiver {
    url: String,
    state: Arc<Counting>,
}

#[derive(Default)]
struct Counting {
    count: AtomicUsize,
    target: AtomicUsize,
    done: Notify,
    latencies: std::sync::Mutex<Vec<Duration>>,
}

async fn count(
    axum::extract::State(state): axum::extract::State<Arc<Counting>>,
    body: axum::body::Bytes,
) -> &'static str {
    if let Ok(change) = serde_json::from_slice::<OrderStatusChange>(&body) {
        if let Ok(sent) = change.order_status.parse::<u128>() {
            let latency = micros_now().saturating_sub(sent);
            state
                .latencies
                .lock()
                .unwrap()
                .push(Duration::from_micros(latency as u64));
        }
    }
    if state.count.fetch_add(1, Ordering::SeqCst) + 1 >= state.target.load(Ordering::SeqCst) {
        state.done.notify_one();
    }
    "ok"
}

fn micros_now() -> u128 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_micros()
}

async fn receiver() -> Receiver {
    let state = Arc::new(Counting {
        target: AtomicUsize::new(usize::MAX),
        ..Counting::default()
    });
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(count))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { url, state }
}

impl Receiver {
    fn reset(&self, expect: usize) {
        self.state.count.store(0, Ordering::SeqCst);
        self.state.latencies.lock().unwrap().clear();
        self.state.target.store(expect, Ordering::SeqCst);
    }

    async fn wait(&self) {
        let s = &self.state;
        while s.count.load(Ordering::SeqCst) < s.target.load(Ordering::SeqCst) {
            let _ = tokio::time::timeout(Duration::from_millis(50), s.done.notified()).await;
        }
    }

    fn latencies(&self) -> Vec<Duration> {
        let mut l = self.state.latencies.lock().unwrap().clone();
        l.sort();
        l
    }
}

fn payload(i: usize) -> OrderStatusChange {
    OrderStatusChange {
        order_id: uuid::Uuid::from_u128(i as u128),
        order_status: micros_now().to_string(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Run {
    rate: f64,
    receipt_p50: Duration,
    receipt_p99: Duration,
    send_p50: Duration,
    send_p99: Duration,
}

async fn dispatcher_run(store: Arc<dyn DeliveryStore>, r: &Receiver, n: usize) -> Run {
    let secret = Secret::generate();
    let config = DispatcherConfig::new(secret)
        .allow(AllowList::none().loopback())
        .concurrency(CONCURRENCY, CONCURRENCY)
        .poll_interval(Duration::from_millis(5));
    let dispatcher = Dispatcher::with_store(store, config);
    let worker = dispatcher.start();
    let cb: Callback<OrderStatusChange> = Callback::new("bench", r.url.clone());
    r.reset(n);
    let started = Instant::now();
    // Producers send concurrently, as request handlers would.
    let sends: Arc<std::sync::Mutex<Vec<Duration>>> = Arc::default();
    let mut producers = Vec::new();
    let per = n.div_ceil(8);
    for p in 0..8 {
        let dispatcher = dispatcher.clone();
        let cb = cb.clone();
        let sends = sends.clone();
        producers.push(tokio::spawn(async move {
            let mut mine = Vec::with_capacity(per);
            for i in (p * per)..((p + 1) * per).min(n) {
                let t = Instant::now();
                dispatcher.send(&cb, &payload(i)).await.expect("send");
                mine.push(t.elapsed());
            }
            sends.lock().unwrap().extend(mine);
        }));
    }
    for p in producers {
        p.await.unwrap();
    }
    r.wait().await;
    let elapsed = started.elapsed();
    worker.shutdown(Duration::from_secs(5)).await;
    let mut sends = sends.lock().unwrap().clone();
    sends.sort();
    let receipts = r.latencies();
    Run {
        rate: n as f64 / elapsed.as_secs_f64(),
        receipt_p50: percentile(&receipts, 0.5),
        receipt_p99: percentile(&receipts, 0.99),
        send_p50: percentile(&sends, 0.5),
        send_p99: percentile(&sends, 0.99),
    }
}

/// The ceiling: the same signed requests from a bare reqwest loop, same concurrency.
async fn bare_run(r: &Receiver, n: usize) -> Run {
    let client = reqwest::Client::new();
    let secret = Secret::generate();
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    r.reset(n);
    let started = Instant::now();
    for i in 0..n {
        let permit = permits.clone().acquire_owned().await.unwrap();
        let client = client.clone();
        let url = r.url.clone();
        let secret = secret.clone();
        tokio::spawn(async move {
            let body = serde_json::to_vec(&payload(i)).unwrap();
            let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
            let ts = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            let _ = client
                .post(&url)
                .header("content-type", "application/json")
                .header("webhook-id", &id)
                .header("webhook-timestamp", ts.to_string())
                .header(
                    "webhook-signature",
                    signature_header(&[secret], &id, ts, &body),
                )
                .body(body)
                .send()
                .await;
            drop(permit);
        });
    }
    r.wait().await;
    let elapsed = started.elapsed();
    let receipts = r.latencies();
    Run {
        rate: n as f64 / elapsed.as_secs_f64(),
        receipt_p50: percentile(&receipts, 0.5),
        receipt_p99: percentile(&receipts, 0.99),
        send_p50: Duration::ZERO,
        send_p99: Duration::ZERO,
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

async fn delivery(n: usize) {
    println!("## delivery: {n} callbacks to a loopback receiver, concurrency {CONCURRENCY}, {ROUNDS} rounds (bare, memory, SQLite in turn)");
    let r = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut bare, mut memory, mut sqlite) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let b = bare_run(&r, n).await;
        let m = dispatcher_run(Arc::new(MemoryStore::default()), &r, n).await;
        let store = SqliteStore::open(dir.path().join(format!("outbox-{round}.db"))).unwrap();
        let s = dispatcher_run(Arc::new(store), &r, n).await;
        for (name, run) in [
            ("bare reqwest", &b),
            ("dispatcher, memory", &m),
            ("dispatcher, SQLite", &s),
        ] {
            println!(
                "round {round} {name:<20} {:>9.0}/s  receipt p50 {:>8.1?} p99 {:>8.1?}  send p50 {:>8.1?} p99 {:>8.1?}",
                run.rate, run.receipt_p50, run.receipt_p99, run.send_p50, run.send_p99
            );
        }
        bare.push(b);
        memory.push(m);
        sqlite.push(s);
    }
    let rate = |runs: &[Run]| median(runs.iter().map(|r| r.rate).collect());
    let (b, m, s) = (rate(&bare), rate(&memory), rate(&sqlite));
    let send_p99 = median(
        sqlite
            .iter()
            .map(|r| r.send_p99.as_secs_f64() * 1000.0)
            .collect(),
    );
    println!("median: bare {b:.0}/s, memory {m:.0}/s ({:.2}x), SQLite {s:.0}/s ({:.2}x); SQLite send p99 {send_p99:.2} ms", m / b, s / b);
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn memory(n: usize) {
    println!("## memory: {n} pending deliveries in the SQLite outbox");
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("outbox.db")).unwrap();
    // Nothing listens at this address and no worker runs: everything stays pending.
    let dispatcher = Dispatcher::new(
        store,
        DispatcherConfig::new(Secret::generate()).allow(AllowList::none().loopback()),
    );
    let cb: Callback<OrderStatusChange> = Callback::new("bench", "http://127.0.0.1:9/hook");
    let before = peak_rss_kib();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for p in 0..8 {
        let dispatcher = dispatcher.clone();
        let cb = cb.clone();
        tasks.push(tokio::spawn(async move {
            for i in (p..n).step_by(8) {
                dispatcher.send(&cb, &payload(i)).await.expect("send");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let pending = dispatcher
        .store()
        .list(ringback::dispatch::DeliveryState::Pending, 1)
        .await
        .unwrap()
        .len();
    assert_eq!(pending, 1);
    println!(
        "enqueued {n} in {:.1?}; peak RSS {} MiB (before {} MiB)",
        started.elapsed(),
        peak_rss_kib() / 1024,
        before / 1024
    );
}
