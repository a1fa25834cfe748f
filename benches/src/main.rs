//! ringback's benchmarks. Figures, commands and the machine are in BENCHMARKS.md.
//!
//! ```text
//! ringback-bench delivery [N]   callbacks to a loopback receiver: dispatcher (memory, SQLite)
//!                               against a bare signed reqwest loop, side by side, 3 rounds
//!                               (RINGBACK_BENCH_ROUNDS changes it)
//! ringback-bench paced [N]      only the delivery benchmark's paced part: N sends at 2,000/s
//!                               (a durable `send`'s latency against the disk's floor)
//! ringback-bench scheduled [N] a scheduled send against an immediate one: N `send`s and N
//!                               `send_after`s to SQLite at 2,000/s, with the floor, side by side
//! ringback-bench memory [N]     peak RSS with N pending deliveries in the SQLite outbox
//! ringback-bench request        the order service's POST by ringback and by hand in plain
//!                               axum, under wrk, side by side (needs `wrk`)
//! ringback-bench compile        build times of the order service as ringback, plain axum and
//!                               poem-openapi crates, and of the two derive crates
//! ringback-bench compile-scale [N...]
//!                               build times and rustc's peak memory for a generated API of
//!                               N operations (default 10 50 200) as plain axum, poem-openapi,
//!                               ringback, and ringback with callbacks; not part of `all`
//! ringback-bench console [N]    the outbox console's queries and pages on a SQLite outbox of N
//!                               deliveries (default 1,000,000); not part of `all`
//! ringback-bench outbox-scale [SIZE...]
//!                               what the outbox costs with a long history: SQLite (and
//!                               PostgreSQL when named) filled to each SIZE in turn (default
//!                               10k 1M 10M), measuring send, claim, delivery, pages, a replay
//!                               and the size on disk at each; not part of `all`
//! ringback-bench all            all of them, with their defaults
//! ```

mod compile;
mod compile_scale;
mod console;
mod floor;
mod outbox_db;
mod outbox_fill;
mod outbox_scale;
mod request;
mod scheduled;

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
/// Tasks calling `send` at once in the delivery benchmark: one per request a service would be
/// handling, as many as the bare loop has in flight.
const PRODUCERS: usize = CONCURRENCY;
/// Rounds of each side-by-side comparison; the median is kept. `RINGBACK_BENCH_ROUNDS`
/// changes it.
fn rounds() -> usize {
    std::env::var("RINGBACK_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(3)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |default: usize| args.get(1).and_then(|a| a.parse().ok()).unwrap_or(default);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match args.first().map(String::as_str) {
        Some("delivery") => runtime.block_on(delivery(n(20_000))),
        Some("paced") => runtime.block_on(async { paced(&receiver().await, n(10_000)).await }),
        Some("scheduled") => runtime.block_on(scheduled::scheduled(n(10_000))),
        Some("memory") => runtime.block_on(memory(n(100_000))),
        Some("request") => request::request(),
        Some("compile") => compile::compile(),
        Some("compile-scale") => compile_scale::compile_scale(&args[1..]),
        Some("console") => runtime.block_on(console::console(n(1_000_000))),
        Some("outbox-scale") => runtime.block_on(outbox_scale::outbox_scale(&args[1..])),
        Some("serve") => request::serve(&args[1..]),
        Some("all") | None => {
            request::request();
            runtime.block_on(delivery(20_000));
            // In a process of its own: peak RSS is per process, and the delivery runs above
            // would have set it.
            let status = std::process::Command::new(std::env::current_exe().unwrap())
                .args(["memory", "100000"])
                .status()
                .expect("the benchmark runs itself");
            assert!(status.success(), "the memory benchmark failed");
            compile::compile();
        }
        Some(other) => {
            eprintln!(
                "unknown benchmark {other:?}; use request, delivery, paced, scheduled, memory, console, outbox-scale, compile, compile-scale or all"
            );
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

/// How the producers call `send`.
#[derive(Clone, Copy)]
enum Load {
    /// As fast as they can: throughput, and `send` under a queue.
    Saturated,
    /// At a steady rate per second: what one `send` costs, and how soon it is received, when
    /// the dispatcher keeps up.
    Paced(u32),
}

/// When the deliveries of a run fall due.
#[derive(Clone, Copy)]
enum Due {
    /// At once: `send`.
    Now,
    /// This long after they are recorded: `send_after`.
    After(Duration),
}

async fn dispatcher_run(
    store: Arc<dyn DeliveryStore>,
    r: &Receiver,
    n: usize,
    load: Load,
    due: Due,
) -> Run {
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
    let sender = dispatcher.clone();
    let sends = produce(n, load, move |i| {
        let (dispatcher, cb) = (sender.clone(), cb.clone());
        async move {
            match due {
                Due::Now => dispatcher.send(&cb, &payload(i)).await,
                Due::After(delay) => dispatcher.send_after(delay, &cb, &payload(i)).await,
            }
            .expect("send");
        }
    })
    .await;
    r.wait().await;
    let elapsed = started.elapsed();
    worker.shutdown(Duration::from_secs(5)).await;
    let receipts = r.latencies();
    Run {
        rate: n as f64 / elapsed.as_secs_f64(),
        receipt_p50: percentile(&receipts, 0.5),
        receipt_p99: percentile(&receipts, 0.99),
        send_p50: percentile(&sends, 0.5),
        send_p99: percentile(&sends, 0.99),
    }
}

/// Calls `send(i)` for every `i` below `n` under `load`, concurrently, as request handlers
/// would, and returns how long each call took, sorted.
async fn produce<F, Fut>(n: usize, load: Load, send: F) -> Vec<Duration>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let sends: Arc<std::sync::Mutex<Vec<Duration>>> = Arc::default();
    let mut producers = Vec::new();
    match load {
        Load::Paced(rate) => {
            let mut tick = tokio::time::interval(Duration::from_secs(1) / rate);
            for i in 0..n {
                tick.tick().await;
                let (send, sends) = (send.clone(), sends.clone());
                producers.push(tokio::spawn(async move {
                    let t = Instant::now();
                    send(i).await;
                    sends.lock().unwrap().push(t.elapsed());
                }));
            }
        }
        Load::Saturated => {
            let per = n.div_ceil(PRODUCERS);
            for p in 0..PRODUCERS {
                let (send, sends) = (send.clone(), sends.clone());
                producers.push(tokio::spawn(async move {
                    let mut mine = Vec::with_capacity(per);
                    for i in (p * per)..((p + 1) * per).min(n) {
                        let t = Instant::now();
                        send(i).await;
                        mine.push(t.elapsed());
                    }
                    sends.lock().unwrap().extend(mine);
                }));
            }
        }
    }
    for p in producers {
        p.await.unwrap();
    }
    let mut sends = std::mem::take(&mut *sends.lock().unwrap());
    sends.sort();
    sends
}

/// The floor for a durable `send`: each payload, as `send` serializes it, appended to a log
/// that answers once a sync covers it (see `floor.rs`), under the same load.
async fn floor_run(dir: &std::path::Path, n: usize, load: Load) -> Run {
    let log = Arc::new(floor::DurableLog::create(dir).expect("the floor's log"));
    let started = Instant::now();
    let sends = produce(n, load, move |i| {
        let log = log.clone();
        async move {
            log.append(serde_json::to_vec(&payload(i)).unwrap()).await;
        }
    })
    .await;
    Run {
        rate: n as f64 / started.elapsed().as_secs_f64(),
        receipt_p50: Duration::ZERO,
        receipt_p99: Duration::ZERO,
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

/// The PostgreSQL server the delivery benchmark also measures, when one is named.
fn postgres_url() -> Option<String> {
    ["RINGBACK_BENCH_POSTGRES", "RINGBACK_TEST_POSTGRES"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
}

/// The stores the delivery benchmark measures, fresh for a round.
async fn stores(
    dir: &std::path::Path,
    round: usize,
) -> Vec<(&'static str, Arc<dyn DeliveryStore>)> {
    let sqlite = SqliteStore::open(dir.join(format!("outbox-{round}.db"))).unwrap();
    let mut stores: Vec<(&'static str, Arc<dyn DeliveryStore>)> = vec![
        ("dispatcher, memory", Arc::new(MemoryStore::default())),
        ("dispatcher, SQLite", Arc::new(sqlite)),
    ];
    if let Some(url) = postgres_url() {
        let store = ringback::dispatch::PostgresStore::connect(&url)
            .await
            .expect("the PostgreSQL server is reachable");
        stores.push(("dispatcher, PostgreSQL", Arc::new(store)));
    }
    stores
}

/// The runs of side-by-side rounds, by contender, printed as they come and summed up as
/// medians.
#[derive(Default)]
struct Table {
    runs: Vec<(&'static str, Vec<Run>)>,
}

impl Table {
    fn record(&mut self, name: &'static str, run: Run, round: usize) {
        println!(
            "round {round} {name:<22} {:>9.0}/s  receipt p50 {:>8.1?} p99 {:>8.1?}  send p50 {:>8.1?} p99 {:>8.1?}",
            run.rate, run.receipt_p50, run.receipt_p99, run.send_p50, run.send_p99
        );
        match self.runs.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(run),
            None => self.runs.push((name, vec![run])),
        }
    }

    /// The medians of every contender; dispatchers' rates also as a ratio to the bare loop's,
    /// when it ran.
    fn print_medians(&self) {
        let ceiling = self
            .runs
            .iter()
            .find(|(name, _)| *name == "bare reqwest")
            .map(|(_, runs)| median(runs.iter().map(|r| r.rate).collect()));
        println!("median of {} rounds:", rounds());
        for (name, runs) in &self.runs {
            let rate = median(runs.iter().map(|r| r.rate).collect());
            let ms = |f: fn(&Run) -> Duration| {
                median(runs.iter().map(|r| f(r).as_secs_f64() * 1000.0).collect())
            };
            let ratio = ceiling
                .filter(|_| name.starts_with("dispatcher"))
                .map_or(String::new(), |c| format!("{:.2}x bare  ", rate / c));
            println!(
                "  {name:<22} {rate:>9.0}/s  {ratio}send p50 {:.3} ms p99 {:.3} ms  receipt p50 {:.1} ms p99 {:.1} ms",
                ms(|r| r.send_p50),
                ms(|r| r.send_p99),
                ms(|r| r.receipt_p50),
                ms(|r| r.receipt_p99),
            );
        }
    }
}

/// Side-by-side rounds of the bare loop (when `bare`) and each store under `load`; prints
/// every run and the medians.
async fn compare(r: &Receiver, n: usize, load: Load, bare: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut table = Table::default();
    for round in 0..rounds() {
        if bare {
            table.record("bare reqwest", bare_run(r, n).await, round);
        }
        table.record(
            "floor: write + fsync",
            floor_run(dir.path(), n, load).await,
            round,
        );
        for (name, store) in stores(dir.path(), round).await {
            let run = dispatcher_run(store, r, n, load, Due::Now).await;
            table.record(name, run, round);
        }
    }
    table.print_medians();
}

/// `send`s per second in the paced part of the delivery benchmark.
const PACE: u32 = 2_000;

async fn delivery(n: usize) {
    if postgres_url().is_none() {
        println!("PostgreSQL NOT measured: set RINGBACK_BENCH_POSTGRES (or RINGBACK_TEST_POSTGRES) to a server's URL");
    }
    let r = receiver().await;
    println!(
        "## delivery, saturated: {n} callbacks to a loopback receiver, {CONCURRENCY} in flight, {PRODUCERS} producers sending as fast as they can, {} rounds side by side",
        rounds()
    );
    compare(&r, n, Load::Saturated, true).await;
    paced(&r, (n / 2).max(1)).await;
}

async fn paced(r: &Receiver, n: usize) {
    println!(
        "## delivery, paced: {n} callbacks at a steady {PACE}/s, {} rounds side by side",
        rounds()
    );
    compare(r, n, Load::Paced(PACE), false).await;
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

/// The median and slowest of `runs` calls of `f`, after one to warm the cache, and the last
/// result.
async fn timed<F, Fut, T>(runs: usize, mut f: F) -> (Duration, Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut last = f().await;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        last = f().await;
        times.push(started.elapsed());
    }
    times.sort();
    (times[runs / 2], times[runs - 1], last)
}
