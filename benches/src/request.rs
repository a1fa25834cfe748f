//! The request path: the order service as ringback, hand-written axum and poem-openapi, each
//! served by a process of its own pinned to core 0 while wrk, pinned to core 1, sends it the
//! same orders.

use std::collections::HashMap;
use std::time::Duration;

use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};

use crate::{median, rounds};

/// Serves one implementation (run as a child process, pinned to a core): `serve ringback PORT`,
/// `serve axum PORT` or `serve poem PORT`.
pub fn serve(args: &[String]) {
    let port: u16 = args
        .get(1)
        .and_then(|p| p.parse().ok())
        .expect("serve <ringback|axum|poem> PORT");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let customer = ringback_examples::service::DEMO_CUSTOMER;
        let router = match args[0].as_str() {
            "ringback" => {
                let callbacks = Dispatcher::new(
                    MemoryStore::default(),
                    DispatcherConfig::new(Secret::generate()),
                );
                let shop = ringback_examples::service::Shop::new(
                    "http://127.0.0.1",
                    [customer],
                    // In memory, as the hand-written services keep theirs.
                    ringback_examples::orders::OrderBook::in_memory(),
                    callbacks,
                    Duration::from_secs(3600),
                );
                ringback_examples::service::api().router(shop)
            }
            "poem" => {
                let listener = poem::listener::TcpListener::bind(("127.0.0.1", port));
                poem::Server::new(listener)
                    .run(orders_poem::app(
                        customer,
                        ringback_examples::service::DEMO_TOKEN,
                    ))
                    .await
                    .unwrap();
                return;
            }
            _ => orders_axum::router(customer, ringback_examples::service::DEMO_TOKEN),
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        axum::serve(listener, router).await.unwrap();
    });
}

/// A realistic order of about 1 KB: `lines` order lines, with or without the readOnly
/// properties a client copied from an order it read. An invalid one has one line whose
/// quantity is 0, so that every implementation reports the same single violation.
fn order_body(valid: bool, read_only: bool, lines: usize) -> String {
    let lines: Vec<serde_json::Value> = (0..lines)
        .map(|i| {
            let invalid = !valid && i == lines - 1;
            let mut line = serde_json::json!({
                "upc": format!("06312342000{i:02}"),
                "orderQuantity": if invalid { 0 } else { 1 + i * 10 },
            });
            if read_only {
                line["id"] = "00000000-0000-0000-0000-000000000001".into();
                line["beerId"] = "00000000-0000-0000-0000-000000000002".into();
                line["quantityAllocated"] = 5.into();
            }
            line
        })
        .collect();
    let mut order = serde_json::json!({
        "customerId": ringback_examples::service::DEMO_CUSTOMER,
        "customerRef": null,
        "beerOrderLines": lines,
    });
    if read_only {
        order["id"] = "00000000-0000-0000-0000-000000000003".into();
    }
    order.to_string()
}

/// One request the three implementations are measured on.
struct Case {
    label: &'static str,
    body: String,
    /// Whether every answer must be a 2xx.
    succeeds: bool,
    /// Which implementations take part: poem-openapi refuses readOnly properties outright.
    servers: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            label: "valid order, readOnly properties sent (stripped), 201",
            body: order_body(true, true, 8),
            succeeds: true,
            servers: &["ringback", "axum"],
        },
        Case {
            label: "valid order, no readOnly properties, 201",
            body: order_body(true, false, 22),
            succeeds: true,
            servers: &["ringback", "axum", "poem"],
        },
        Case {
            label: "invalid order (one line's orderQuantity 0), 400 problem+json",
            body: order_body(false, false, 22),
            succeeds: false,
            servers: &["ringback", "axum", "poem"],
        },
    ]
}

struct Wrk {
    rps: f64,
    p99_ms: f64,
}

fn wrk(port: u16, body: &str, succeeds: bool, seconds: u32) -> Wrk {
    let script = std::env::temp_dir().join(format!(
        "ringback-wrk-{}-{}.lua",
        std::process::id(),
        body.len()
    ));
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {token}\"\nwrk.body = [[{body}]]\n",
            token = ringback_examples::service::DEMO_TOKEN
        ),
    )
    .unwrap();
    let out = std::process::Command::new("taskset")
        .args([
            "-c",
            "1",
            "wrk",
            "-t1",
            "-c32",
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(&script)
        .arg(format!(
            "http://127.0.0.1:{port}/v1/customers/{}/orders",
            ringback_examples::service::DEMO_CUSTOMER
        ))
        .output()
        .expect("wrk is installed (Debian package wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    let p99_ms = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .map(|v| {
            let v = v.trim();
            let (n, unit) = v.split_at(v.find(|c: char| c.is_alphabetic()).unwrap_or(v.len()));
            let n: f64 = n.parse().unwrap_or(0.0);
            match unit {
                "us" => n / 1000.0,
                "s" => n * 1000.0,
                _ => n,
            }
        })
        .unwrap_or(0.0);
    if text.contains("Non-2xx") == succeeds {
        eprintln!(
            "unexpected answers (expected all {}):\n{text}",
            if succeeds { "2xx" } else { "errors" }
        );
    }
    Wrk { rps, p99_ms }
}

/// Seconds per wrk run. Short runs, many rounds: the machine's drift spreads over all the
/// implementations instead of landing on one.
const RUN_SECONDS: u32 = 3;

pub fn request() {
    let exe = std::env::current_exe().unwrap();
    let mut servers = Vec::new();
    for (i, which) in ["ringback", "axum", "poem"].iter().enumerate() {
        let port = 19080 + i as u16;
        let child = std::process::Command::new("taskset")
            .args(["-c", "0"])
            .arg(&exe)
            .args(["serve", which, &port.to_string()])
            .spawn()
            .expect("taskset (util-linux) runs the server");
        servers.push((which.to_string(), port, child));
    }
    std::thread::sleep(Duration::from_millis(500));
    for case in cases() {
        let (label, body) = (case.label, &case.body);
        let rounds = rounds() + 2;
        println!("## request path: {label}; body {} bytes; server on core 0, wrk -t1 -c32 on core 1; {rounds} rounds of {RUN_SECONDS} s after a warm-up, the order reversed every other round", body.len());
        let mut results: HashMap<String, Vec<Wrk>> = HashMap::new();
        for (_, port, _) in servers
            .iter()
            .filter(|(n, ..)| case.servers.contains(&n.as_str()))
        {
            wrk(*port, body, case.succeeds, 1);
        }
        for round in 0..rounds {
            // A B C, then C B A: drift within a round falls on each implementation alike.
            let mut order: Vec<_> = servers
                .iter()
                .filter(|(n, ..)| case.servers.contains(&n.as_str()))
                .collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for (name, port, _) in order {
                let w = wrk(*port, body, case.succeeds, RUN_SECONDS);
                println!(
                    "round {round} {name:<9} {:>9.0} req/s  p99 {:>6.2} ms",
                    w.rps, w.p99_ms
                );
                results.entry(name.clone()).or_default().push(w);
            }
        }
        let med = |name: &str| median(results[name].iter().map(|w| w.rps).collect());
        let p99 = |name: &str| median(results[name].iter().map(|w| w.p99_ms).collect());
        println!("median of {rounds} rounds:");
        // Also the median of each round's own ratio: the machine drifts between rounds, and
        // a ratio taken within a round is free of most of it.
        let paired = |name: &str| {
            median(
                results[name]
                    .iter()
                    .zip(&results["axum"])
                    .map(|(a, b)| a.rps / b.rps)
                    .collect(),
            )
        };
        for &name in case.servers {
            println!(
                "  {name:<9} {:>9.0} req/s  p99 {:>6.2} ms  {:.2}x hand-written axum (per-round ratios: median {:.2}x)",
                med(name),
                p99(name),
                med(name) / med("axum"),
                paired(name)
            );
        }
        if case.servers.contains(&"poem") {
            println!(
                "  ringback / poem-openapi: {:.2}x",
                med("ringback") / med("poem")
            );
        }
    }
    for (_, _, mut child) in servers {
        let _ = child.kill();
        let _ = child.wait();
    }
}
