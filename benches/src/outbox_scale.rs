//! `ringback-bench outbox-scale [sizes...]`: what the outbox costs once it holds a long
//! history. For each store (SQLite, and PostgreSQL when a server is named), an outbox is
//! filled with the history `outbox_fill` describes and grown through the sizes asked (10k, 1M
//! and 10M by default), each size measured through the public API before the next is added:
//! `send` under a steady load with a worker delivering, the cost of a claim, how fast a
//! backlog is delivered, pages of `find` and `page`, a replay of 10,000 dead deliveries, and
//! the size on disk. The databases live under `target/` and are deleted at the end
//! (`RINGBACK_BENCH_KEEP` keeps the PostgreSQL one).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ringback::dispatch::{
    AllowList, Cursor, DeliveryFilter, DeliveryState, DeliveryStore, Dispatcher, DispatcherConfig,
    Secret,
};
use ringback::Callback;
use ringback_examples::model::OrderStatusChange;

use crate::outbox_db::Store;
use crate::outbox_fill::{Timeline, OUTAGE, RARE_CALLBACK};
use crate::{
    dispatcher_run, floor_run, payload, percentile, postgres_url, produce, receiver, Due, Load,
    Receiver, CONCURRENCY,
};

/// The history spans four weeks at the largest size.
const HISTORY: Duration = Duration::from_secs(28 * 24 * 3600);
/// The paced sends at each size, and their rate.
const SENDS: usize = 2_000;
const SEND_RATE: u32 = 1_000;
/// The backlog claimed and then delivered at each size.
const BACKLOG: usize = 5_000;
/// A worker's batch, and how many are timed.
const CLAIM: usize = 64;
const CLAIMS: usize = 100;
const PAGE: usize = 50;
const RUNS: usize = 11;

/// What one size measured.
struct Row {
    size: u64,
    fill: Duration,
    send_p50: Duration,
    send_p99: Duration,
    /// The disk's floor for a durable `send` under the same load (see `floor.rs`).
    floor_p50: Duration,
    floor_p99: Duration,
    claim_idle: Duration,
    claim_p50: Duration,
    claim_p99: Duration,
    throughput: f64,
    pages: Vec<(&'static str, Duration)>,
    replayed: u64,
    replay: Duration,
    /// Bytes: the database, the WAL after the sends, the WAL at the end (SQLite only).
    disk: u64,
    wal_after_sends: Option<u64>,
    wal_end: Option<u64>,
}

pub async fn outbox_scale(args: &[String]) {
    let sizes = sizes(args);
    let postgres = postgres_url();
    if postgres.is_none() {
        loud_no_postgres();
    }
    let largest = *sizes.last().unwrap();
    let now = SystemTime::now();
    let now_ms = millis(now);
    let spacing_ms = (HISTORY.as_millis() as i64 / largest as i64).max(1);
    let timeline = Timeline {
        start_ms: now_ms - spacing_ms * largest as i64,
        spacing_ms,
        now_ms,
    };
    let r = receiver().await;
    let dir = tempfile::Builder::new()
        .prefix("outbox-scale-")
        .tempdir_in(target_dir())
        .expect("a directory under target/");
    println!(
        "## outbox-scale: sizes {sizes:?}, history of {} days, databases in {}",
        spacing_ms * largest as i64 / 86_400_000,
        dir.path().display()
    );
    let sqlite = grow(&r, &sizes, &timeline, Store::sqlite(dir.path()), dir.path()).await;
    print_table("SQLite", &sqlite);
    if let Some(url) = postgres {
        let store = Store::postgres(&url).await;
        let rows = grow(&r, &sizes, &timeline, store, dir.path()).await;
        print_table("PostgreSQL", &rows);
    } else {
        loud_no_postgres();
    }
}

fn loud_no_postgres() {
    println!("!!! PostgreSQL NOT measured: set RINGBACK_BENCH_POSTGRES (or RINGBACK_TEST_POSTGRES) to a server's URL !!!");
}

/// `10k`, `1M`, `250000`...; the default when none is given.
fn sizes(args: &[String]) -> Vec<u64> {
    let mut sizes: Vec<u64> = args
        .iter()
        .map(|a| {
            let a = a.to_ascii_lowercase();
            let (digits, scale) = match a.as_bytes().last() {
                Some(b'k') => (&a[..a.len() - 1], 1_000),
                Some(b'm') => (&a[..a.len() - 1], 1_000_000),
                _ => (&a[..], 1),
            };
            digits
                .parse::<u64>()
                .map(|n| n * scale)
                .unwrap_or_else(|_| {
                    eprintln!("outbox-scale: {a:?} is not a size (write 10000, 10k or 1M)");
                    std::process::exit(2)
                })
        })
        .collect();
    if sizes.is_empty() {
        sizes = vec![10_000, 1_000_000, 10_000_000];
    }
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// The workspace's `target/`, where this binary was built.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the benchmark's path");
    exe.ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir)
}

fn millis(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Fills and measures `store` at each size in turn, then deletes it.
async fn grow(r: &Receiver, sizes: &[u64], t: &Timeline, store: Store, dir: &Path) -> Vec<Row> {
    let name = match store {
        Store::Sqlite { .. } => "SQLite",
        Store::Postgres(_) => "PostgreSQL",
    };
    drop(store.open().await);
    let mut rows = Vec::new();
    let mut filled = 0;
    for &size in sizes {
        let started = Instant::now();
        store.fill(t, filled, size).await;
        let fill = started.elapsed();
        filled = size;
        println!(
            "### {name}, {size} deliveries of history: filled {} more in {:.1} s",
            size - rows.last().map_or(0, |r: &Row| r.size),
            fill.as_secs_f64()
        );
        rows.push(measure(r, &store, t, size, fill, dir).await);
    }
    // RINGBACK_BENCH_KEEP keeps a PostgreSQL database, to look into it afterwards (SQLite's
    // file goes with the temporary directory).
    let keep = std::env::var_os("RINGBACK_BENCH_KEEP").is_some();
    if let (true, Store::Postgres(pg)) = (keep, &store) {
        println!(
            "kept the PostgreSQL database {} (RINGBACK_BENCH_KEEP is set); drop it by hand",
            pg.name
        );
    } else {
        store.remove().await;
    }
    rows
}

fn config() -> DispatcherConfig {
    DispatcherConfig::new(Secret::generate())
        .allow(AllowList::none().loopback())
        .concurrency(CONCURRENCY, CONCURRENCY)
        .poll_interval(Duration::from_millis(5))
}

async fn measure(
    r: &Receiver,
    store: &Store,
    t: &Timeline,
    size: u64,
    fill: Duration,
    dir: &Path,
) -> Row {
    let outbox = store.open().await;
    let floor = floor_run(dir, SENDS, Load::Paced(SEND_RATE)).await;

    // `send` at a steady rate, a worker delivering as it goes.
    let sends = dispatcher_run(outbox.clone(), r, SENDS, Load::Paced(SEND_RATE), Due::Now).await;
    let (_, wal_after_sends) = store.disk().await;
    println!(
        "  send p50 {} p99 {} ({SENDS} at {SEND_RATE}/s; the disk's floor p50 {} p99 {}), WAL after {}",
        ms(sends.send_p50),
        ms(sends.send_p99),
        ms(floor.send_p50),
        ms(floor.send_p99),
        wal_after_sends.map_or("-".into(), mib)
    );

    // A claim with nothing due: what an idle worker pays every poll.
    let lease = Duration::from_secs(60);
    let (claim_idle, _) = time(|| async {
        let claimed = outbox.claim_due(SystemTime::now(), CLAIM, lease).await;
        assert!(claimed.unwrap().is_empty(), "nothing is due");
    })
    .await;

    // Batches claimed from a backlog with the worker stopped, each handed back before the
    // next, so that at most a batch is in flight, as with a running worker.
    let dispatcher = Dispatcher::with_store(outbox.clone(), config());
    let cb: Callback<OrderStatusChange> = Callback::new("bench", r.url.clone());
    let sender = dispatcher.clone();
    produce(BACKLOG, Load::Saturated, move |i| {
        let (dispatcher, cb) = (sender.clone(), cb.clone());
        async move {
            dispatcher.send(&cb, &payload(i)).await.expect("send");
        }
    })
    .await;
    let mut batches = Vec::new();
    for _ in 0..CLAIMS {
        let started = Instant::now();
        let batch = outbox
            .claim_due(SystemTime::now(), CLAIM, lease)
            .await
            .unwrap();
        batches.push(started.elapsed());
        assert_eq!(batch.len(), CLAIM, "a full batch is due");
        let releases: Vec<_> = batch
            .into_iter()
            .map(|d| {
                let outbox = outbox.clone();
                tokio::spawn(async move { outbox.release(&d.id).await.unwrap() })
            })
            .collect();
        for release in releases {
            release.await.unwrap();
        }
    }
    batches.sort();
    let (claim_p50, claim_p99) = (percentile(&batches, 0.5), percentile(&batches, 0.99));
    println!(
        "  claim: idle {}, {CLAIM} of a backlog of {BACKLOG} p50 {} p99 {}",
        ms(claim_idle),
        ms(claim_p50),
        ms(claim_p99)
    );

    // The backlog delivered as fast as the worker goes.
    r.reset(BACKLOG);
    let started = Instant::now();
    let worker = dispatcher.start();
    r.wait().await;
    let throughput = BACKLOG as f64 / started.elapsed().as_secs_f64();
    worker.shutdown(Duration::from_secs(5)).await;
    println!("  delivered the backlog at {throughput:.0}/s");

    let pages = pages(&outbox, t, size).await;

    // An operator replays the dead deliveries to a target that is back.
    let started = Instant::now();
    let replayed = dispatcher
        .replay_matching(DeliveryFilter::state(DeliveryState::Dead).target(OUTAGE))
        .await
        .unwrap();
    let replay = started.elapsed();
    println!("  replayed {replayed} dead deliveries in {}", ms(replay));
    drop((dispatcher, outbox));
    store.unreplay(t).await;
    // Give the SQLite store's threads a moment to let go of the file before the next fill.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (disk, wal_end) = store.disk().await;
    println!("  on disk {}", mib(disk));
    Row {
        size,
        fill,
        send_p50: sends.send_p50,
        send_p99: sends.send_p99,
        floor_p50: floor.send_p50,
        floor_p99: floor.send_p99,
        claim_idle,
        claim_p50,
        claim_p99,
        throughput,
        pages,
        replayed,
        replay,
        disk,
        wal_after_sends,
        wal_end,
    }
}

/// The median of `RUNS` calls of `f` after one to warm the cache, and the last result.
async fn time<F, Fut, T>(f: F) -> (Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let (median, _, last) = crate::timed(RUNS, f).await;
    (median, last)
}

/// Pages of `find` (oldest first) and `page` (newest first, by keyset), unfiltered and
/// filtered; each the median of `RUNS`.
async fn pages(
    outbox: &Arc<dyn DeliveryStore>,
    t: &Timeline,
    size: u64,
) -> Vec<(&'static str, Duration)> {
    let middle = size / 2;
    let deep = Cursor::new(
        SystemTime::UNIX_EPOCH + Duration::from_millis(t.created_ms(middle) as u64),
        t.id(middle),
    );
    let dead = || DeliveryFilter::state(DeliveryState::Dead);
    let rare = || DeliveryFilter::default().callback(RARE_CALLBACK);
    let finds: Vec<(&'static str, DeliveryFilter)> = vec![
        ("find", DeliveryFilter::default()),
        ("find dead", dead()),
        ("find callback", rare()),
        (
            "find pending",
            DeliveryFilter::state(DeliveryState::Pending),
        ),
    ];
    let browses: Vec<(&'static str, DeliveryFilter, Option<Cursor>)> = vec![
        ("page", DeliveryFilter::default(), None),
        ("page deep", DeliveryFilter::default(), Some(deep.clone())),
        ("page dead", dead(), None),
        ("page dead deep", dead(), Some(deep)),
        ("page callback", rare(), None),
    ];
    let mut measured = Vec::new();
    for (name, filter) in finds {
        let (median, rows) = time(|| outbox.find(filter.clone(), PAGE)).await;
        let rows = rows.unwrap().len();
        println!("  {name:<16} {:>10} ({rows} rows)", ms(median));
        measured.push((name, median));
    }
    for (name, filter, after) in browses {
        let (median, rows) = time(|| outbox.page(filter.clone(), after.clone(), PAGE)).await;
        let rows = rows.unwrap().len();
        println!("  {name:<16} {:>10} ({rows} rows)", ms(median));
        measured.push((name, median));
    }
    measured
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / f64::from(1 << 20))
}

fn count(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn print_table(store: &str, rows: &[Row]) {
    println!("\n#### {store}\n");
    let names: Vec<&str> = rows
        .first()
        .map(|r| r.pages.iter().map(|(n, _)| *n).collect())
        .unwrap_or_default();
    println!(
        "| size | fill | send p50 / p99 (floor) | claim idle / {CLAIM} of {BACKLOG} (p50, p99) | delivered/s | {} | replay | on disk | WAL after sends / at end |",
        names.join(" | ")
    );
    println!("|{}", "---|".repeat(9 + names.len()));
    for r in rows {
        let pages: Vec<String> = r.pages.iter().map(|(_, d)| ms(*d)).collect();
        let wal = |w: Option<u64>| w.map_or("-".to_owned(), mib);
        println!(
            "| {} | {:.1} s | {} / {} ({} / {}) | {} / {}, {} | {:.0} | {} | {} ({}) | {} | {} / {} |",
            count(r.size),
            r.fill.as_secs_f64(),
            ms(r.send_p50),
            ms(r.send_p99),
            ms(r.floor_p50),
            ms(r.floor_p99),
            ms(r.claim_idle),
            ms(r.claim_p50),
            ms(r.claim_p99),
            r.throughput,
            pages.join(" | "),
            ms(r.replay),
            count(r.replayed),
            mib(r.disk),
            wal(r.wal_after_sends),
            wal(r.wal_end),
        );
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64().max(1e-9);
        println!(
            "\n{} to {}: send p50 {:.2}x, p99 {:.2}x; claim idle {:.2}x, batch p50 {:.2}x (target: at most 1.2x)",
            count(first.size),
            count(last.size),
            ratio(first.send_p50, last.send_p50),
            ratio(first.send_p99, last.send_p99),
            ratio(first.claim_idle, last.claim_idle),
            ratio(first.claim_p50, last.claim_p50),
        );
        let slow: Vec<String> = last
            .pages
            .iter()
            .filter(|(_, d)| *d >= Duration::from_millis(10))
            .map(|(n, d)| format!("{n} {}", ms(*d)))
            .collect();
        println!(
            "pages at {} of 10 ms or more (target: none): {}",
            count(last.size),
            if slow.is_empty() {
                "none".into()
            } else {
                slow.join(", ")
            }
        );
    }
}
