//! `ringback-bench console [N]`: the outbox console's queries on a SQLite outbox of N
//! deliveries (1,000,000 by default) and as many attempts: a page of deliveries at the start
//! and deep in the list, under each filter, the whole deliveries page over HTTP, and the
//! at-a-glance summary.
//!
//! The outbox is filled with rusqlite in one transaction, bypassing `send` (a million durable
//! sends would take minutes and measure something else); the store then opens it as a
//! service would, making the console's indexes if they are missing.

use std::time::{Duration, Instant, SystemTime};

use ringback::dispatch::{
    Cursor, DeliveryFilter, DeliveryState, DeliveryStore, Dispatcher, DispatcherConfig, Secret,
    SqliteStore,
};

/// Rows are this far apart: a million span a little over 22 hours.
const SPACING_MS: u64 = 80;
const PAGE: usize = 51;
const RUNS: usize = 21;

fn fill(path: &std::path::Path, n: usize, start: SystemTime) {
    // The store makes the tables (and the console's indexes) first.
    drop(SqliteStore::open(path).expect("the outbox opens"));
    let mut c = rusqlite::Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut delivery = tx
            .prepare(
                "INSERT INTO ringback_deliveries (id, callback, method, url, body, created_at, attempts, next_attempt_at, state, last_error)
                 VALUES (?1, ?2, 'POST', ?3, ?4, ?5, 1, ?5, ?6, ?7)",
            )
            .unwrap();
        let mut attempt = tx
            .prepare(
                "INSERT INTO ringback_attempts (delivery_id, number, at, status, error, latency_us, response_head)
                 VALUES (?1, 1, ?2, ?3, NULL, ?4, ?5)",
            )
            .unwrap();
        let base = start
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        for i in 0..n {
            let id = format!("msg_{i:032x}");
            let at = base + (i as u64 * SPACING_MS) as i64;
            // 2% dead, the rest delivered; one callback in ten is another; a thousand hosts.
            let dead = i % 47 == 5;
            let callback = if i % 10 == 3 {
                "invoiceDue"
            } else {
                "orderStatusChange"
            };
            let url = format!("https://client-{}.example/hooks/orders", i % 1000);
            let body = format!(
                "{{\"orderId\":\"{:08x}-0000-4000-8000-000000000000\",\"orderStatus\":\"READY\"}}",
                i
            );
            let (state, error, status) = if dead {
                ("dead", Some("answered 410"), 410)
            } else {
                ("delivered", None, 200)
            };
            delivery
                .execute(rusqlite::params![
                    id,
                    callback,
                    url,
                    body.as_bytes(),
                    at,
                    state,
                    error
                ])
                .unwrap();
            attempt
                .execute(rusqlite::params![
                    id,
                    at + 5,
                    status,
                    800 + (i % 4000) as i64,
                    b"ok".as_slice()
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// The median and slowest of `RUNS` runs of `f`, after one to warm the cache, and the last
/// result.
async fn time<F, Fut, T>(f: F) -> (Duration, Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    crate::timed(RUNS, f).await
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub async fn console(n: usize) {
    println!("## console: listing deliveries from a SQLite outbox of {n} deliveries");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    let start = SystemTime::now() - Duration::from_millis(n as u64 * SPACING_MS);
    let filling = Instant::now();
    fill(&path, n, start);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "filled in {:.1} s ({} MiB)",
        filling.elapsed().as_secs_f64(),
        size / (1 << 20)
    );
    let opening = Instant::now();
    let store = SqliteStore::open(&path).unwrap();
    println!("opened in {}", ms(opening.elapsed()));
    let middle = Cursor::new(
        start + Duration::from_millis((n as u64 / 2) * SPACING_MS),
        format!("msg_{:032x}", n / 2),
    );
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let dead = || DeliveryFilter::state(DeliveryState::Dead);
    let cases: Vec<(&str, DeliveryFilter, Option<Cursor>)> = vec![
        ("first page, no filter", DeliveryFilter::default(), None),
        (
            "middle page, no filter",
            DeliveryFilter::default(),
            Some(middle.clone()),
        ),
        ("first page, state dead (2%)", dead(), None),
        ("middle page, state dead", dead(), Some(middle.clone())),
        (
            "first page, callback invoiceDue (10%)",
            DeliveryFilter::default().callback("invoiceDue"),
            None,
        ),
        (
            "first page, dead and callback invoiceDue (0.2%)",
            dead().callback("invoiceDue"),
            None,
        ),
        (
            "first page, time range (an hour, 22 h ago)",
            DeliveryFilter::default().between(start, start + Duration::from_secs(3600)),
            None,
        ),
        (
            "first page, target prefix (0.1%; no index: a scan)",
            DeliveryFilter::default().target("https://client-7.example/"),
            None,
        ),
        (
            "first page, dead to one target (0.1% of 2%)",
            dead().target("https://client-7.example/"),
            None,
        ),
        (
            "first page, dead and a callback with no deliveries (0 rows)",
            dead().callback("nobody"),
            None,
        ),
    ];
    println!(
        "\n| store query (`page`, {} rows) | median | slowest of {RUNS} | rows |",
        PAGE
    );
    println!("|---|---|---|---|");
    for (name, filter, after) in cases {
        let (median, slowest, rows) = time(|| {
            let (filter, after) = (filter.clone(), after.clone());
            let store = &store;
            async move { store.page(filter, after, PAGE).await.unwrap().len() }
        })
        .await;
        println!("| {name} | {} | {} | {rows} |", ms(median), ms(slowest));
    }
    let (median, slowest, summary) = time(|| store.summary(hour_ago, SystemTime::now())).await;
    let summary = summary.unwrap();
    println!(
        "| summary: counts by state and the last hour's minutes | {} | {} | {} states |",
        ms(median),
        ms(slowest),
        summary.states.len()
    );

    // The same first page as an operator gets it: the whole HTML page over HTTP.
    let dispatcher = Dispatcher::new(store, DispatcherConfig::new(Secret::generate()));
    let app = axum::Router::new().nest("/outbox", dispatcher.console());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    println!("\n| over HTTP | median | slowest of {RUNS} | bytes |");
    println!("|---|---|---|---|");
    for (name, path) in [
        ("GET /outbox/deliveries", "/outbox/deliveries"),
        (
            "GET /outbox/deliveries?state=dead",
            "/outbox/deliveries?state=dead",
        ),
        ("GET /outbox (at a glance)", "/outbox"),
    ] {
        let url = format!("{origin}{path}");
        let (median, slowest, bytes) = time(|| {
            let request = client.get(&url);
            async move {
                let response = request.send().await.unwrap();
                assert!(response.status().is_success());
                response.bytes().await.unwrap().len()
            }
        })
        .await;
        println!("| {name} | {} | {} | {bytes} |", ms(median), ms(slowest));
    }
}
