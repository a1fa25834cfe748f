//! The PostgreSQL outbox, against a real PostgreSQL server: claims never overlap, leases hand
//! a crashed instance's work back, and three service processes sharing one outbox deliver
//! everything, one of them killed mid-run, with no delivery attempted by two at once.
//!
//! Needs `RINGBACK_TEST_POSTGRES=postgres://user@host:port/db` (`bash .ci/postgres start`
//! starts a server and prints it). Without it these tests say SKIPPED and do nothing; under
//! CI (`CI` set) a missing server is a failure.

use crate::support;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use ringback::dispatch::{
    Delivery, DeliveryFilter, DeliveryState, DeliveryStore, PostgresStore, Secret,
};
use ringback::receiver::Verifier;
use ringback_examples::model::OrderStatusChange;
use ringback_examples::service::{DEMO_CUSTOMER, DEMO_TOKEN, STATUSES};

/// A fresh database on the test server, or `None` (said loudly) when there is no server.
pub(crate) async fn fresh_database(test: &str) -> Option<String> {
    // An empty value counts as unset.
    let Some(url) = std::env::var("RINGBACK_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        if std::env::var_os("CI").is_some() {
            panic!("{test}: CI must provide PostgreSQL, but RINGBACK_TEST_POSTGRES is not set");
        }
        // Written to the real stderr: the test harness does not capture it.
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
    let name = format!("ringback_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    // The same server and options (`?sslmode=...`), another database.
    let (address, options) = address_and_options(&url);
    let base = address.rsplit_once('/').map(|(b, _)| b).unwrap_or(address);
    let options = if options.is_empty() {
        String::new()
    } else {
        format!("?{options}")
    };
    Some(format!("{base}/{name}{options}"))
}

/// A URL's part before `?`, and its options after.
fn address_and_options(url: &str) -> (&str, &str) {
    url.split_once('?').unwrap_or((url, ""))
}

/// `url` with its `sslmode` set to `mode`.
fn with_sslmode(url: &str, mode: &str) -> String {
    let (address, options) = address_and_options(url);
    let mut kept: Vec<&str> = options
        .split('&')
        .filter(|o| !o.is_empty() && !o.starts_with("sslmode="))
        .collect();
    let mode = format!("sslmode={mode}");
    kept.push(&mode);
    format!("{address}?{}", kept.join("&"))
}

/// The CA that signed the test server's certificate (`.ci/postgres` makes one), or `None`
/// (said loudly, and a failure under CI) when the server was started without it.
fn test_ca(test: &str) -> Option<Vec<u8>> {
    match std::env::var("RINGBACK_TEST_POSTGRES_CA")
        .ok()
        .filter(|p| !p.is_empty())
    {
        Some(path) => Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{test}: {path}: {e}"))),
        None if std::env::var_os("CI").is_some() => {
            panic!(
                "{test}: CI must provide RINGBACK_TEST_POSTGRES_CA (`.ci/postgres start` sets it)"
            )
        }
        None => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: RINGBACK_TEST_POSTGRES_CA is not set; `eval \"$(bash .ci/postgres start)\"` starts a server with TLS and sets it."
            );
            None
        }
    }
}

/// How many of the database's sessions are encrypted, and how many are not, as the server
/// sees them.
async fn sessions(plain_url: &str, database: &str) -> (i64, i64) {
    let (client, connection) = tokio_postgres::connect(plain_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl)
             FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE a.datname = $1 AND a.pid <> pg_backend_pid()",
            &[&database],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

/// Waits for a dropped store's sessions, which its pool closes in the background.
async fn all_closed(plain_url: &str, database: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while sessions(plain_url, database).await != (0, 0) {
        assert!(
            Instant::now() < deadline,
            "the dropped store's sessions stayed open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_verifies_the_server_and_encrypts_the_outbox_sessions() {
    const TEST: &str = "tls_verifies_the_server_and_encrypts_the_outbox_sessions";
    let Some(plain) = fresh_database(TEST).await else {
        return;
    };
    let Some(ca) = test_ca(TEST) else { return };
    let database = address_and_options(&plain)
        .0
        .rsplit_once('/')
        .unwrap()
        .1
        .to_owned();
    let tls = with_sslmode(&plain, "require");

    // Trusting the server's CA: the store works, and its sessions are encrypted.
    let store = PostgresStore::connect_with_ca(&tls, &ca).await.unwrap();
    let now = SystemTime::now();
    store
        .enqueue(pending("tls-1", "http://127.0.0.1:9/hook", now))
        .await
        .unwrap();
    assert_eq!(store.get("tls-1").await.unwrap().unwrap().id, "tls-1");
    let (encrypted, unencrypted) = sessions(&plain, &database).await;
    assert!(
        encrypted >= 1 && unencrypted == 0,
        "{encrypted} encrypted, {unencrypted} not"
    );
    drop(store);
    all_closed(&plain, &database).await;

    // libpq's way of saying the same, in the URL alone: verify-full and a CA file.
    let ca_file = std::env::var("RINGBACK_TEST_POSTGRES_CA").unwrap();
    let libpq = format!(
        "{}&sslrootcert={}",
        with_sslmode(&plain, "verify-full"),
        ca_file.replace('/', "%2F")
    );
    let store = PostgresStore::connect(&libpq).await.unwrap();
    assert_eq!(store.get("tls-1").await.unwrap().unwrap().id, "tls-1");
    assert_eq!(
        sessions(&plain, &database).await.1,
        0,
        "only encrypted sessions"
    );
    drop(store);
    all_closed(&plain, &database).await;

    // The public roots do not vouch for a private CA: refused, saying what to do.
    let e = PostgresStore::connect(&tls)
        .await
        .err()
        .expect("an untrusted server is refused");
    // The advice is in the message; the TLS error stays underneath it.
    assert!(
        e.message().contains("connect_with_ca") && e.message().contains("certificate"),
        "{e:#}"
    );
    assert!(std::error::Error::source(&e).is_some(), "{e:#}");
    // Even when TLS is only preferred, a server offering it must be trusted.
    let e = PostgresStore::connect(&with_sslmode(&plain, "prefer"))
        .await
        .err()
        .unwrap();
    assert!(e.message().contains("connect_with_ca"), "{e:#}");

    // A CA that did not sign the server's certificate is refused just the same.
    let other = include_bytes!("../data/other-ca.pem");
    let e = PostgresStore::connect_with_ca(&tls, other)
        .await
        .err()
        .unwrap();
    assert!(e.message().contains("not trusted"), "{e:#}");

    // The host name is checked too: the certificate names 127.0.0.1, not localhost.
    let by_name = tls.replacen("127.0.0.1", "localhost", 1);
    let e = PostgresStore::connect_with_ca(&by_name, &ca)
        .await
        .err()
        .unwrap();
    assert!(e.message().contains("does not name the host"), "{e:#}");

    // sslmode=disable keeps plain TCP, whatever the roots.
    let store = PostgresStore::connect_with_ca(&with_sslmode(&plain, "disable"), &ca)
        .await
        .unwrap();
    assert_eq!(store.get("tls-1").await.unwrap().unwrap().id, "tls-1");
    let (encrypted, unencrypted) = sessions(&plain, &database).await;
    assert!(
        encrypted == 0 && unencrypted >= 1,
        "{encrypted} encrypted, {unencrypted} not"
    );

    // A Unix socket has no host name to check and no TLS: under `prefer` the store connects
    // in plain, as it did before TLS was supported; under `require` it is refused.
    match std::env::var("RINGBACK_TEST_POSTGRES_SOCKET") {
        Ok(dir) if !dir.is_empty() => {
            let port = plain.rsplit_once(':').unwrap().1.split('/').next().unwrap();
            let socket = format!("host={dir} port={port} user=postgres dbname={database}");
            let store = PostgresStore::connect(&socket).await.unwrap();
            assert_eq!(store.get("tls-1").await.unwrap().unwrap().id, "tls-1");
            let e = PostgresStore::connect(&format!("{socket} sslmode=require"))
                .await
                .err()
                .unwrap();
            assert!(format!("{e:#}").contains("TLS"), "{e:#}");
        }
        _ if std::env::var_os("CI").is_some() => {
            panic!("{TEST}: CI must provide RINGBACK_TEST_POSTGRES_SOCKET (`.ci/postgres start` sets it)")
        }
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED the Unix-socket part of {TEST}: RINGBACK_TEST_POSTGRES_SOCKET is not set"
            );
        }
    }
}

fn pending(id: &str, url: &str, now: SystemTime) -> Delivery {
    Delivery::new(id, "cb", "POST", url, b"{}".to_vec(), now)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_never_overlap_and_expired_leases_return() {
    let Some(url) = fresh_database("claims_never_overlap_and_expired_leases_return").await else {
        return;
    };
    let a = PostgresStore::connect(&url).await.unwrap();
    let b = PostgresStore::connect(&url).await.unwrap();
    let now = SystemTime::now();
    for i in 0..200 {
        a.enqueue(pending(
            &format!("d{i}"),
            &format!("https://t{}.test/hook", i % 3),
            now,
        ))
        .await
        .unwrap();
    }
    // Two instances claim at once, repeatedly: no delivery goes to both.
    let lease = Duration::from_secs(30);
    let claim = |store: PostgresStore| async move {
        let mut mine = Vec::new();
        for _ in 0..20 {
            mine.extend(
                store
                    .claim_due(SystemTime::now(), 7, lease)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|d| d.id),
            );
        }
        mine
    };
    let (mine_a, mine_b) = tokio::join!(claim(a.clone()), claim(b.clone()));
    let set_a: HashSet<_> = mine_a.iter().collect();
    assert!(
        mine_b.iter().all(|id| !set_a.contains(id)),
        "a delivery was claimed twice"
    );
    assert_eq!(mine_a.len() + mine_b.len(), 200);
    assert!(
        b.claim_due(SystemTime::now(), 10, lease)
            .await
            .unwrap()
            .is_empty(),
        "all are leased"
    );

    // A crashed instance's claims come back once their lease has run out.
    let later = SystemTime::now() + lease + Duration::from_secs(1);
    assert_eq!(b.claim_due(later, 500, lease).await.unwrap().len(), 200);

    // Finishing, listing by target, replaying by target.
    let attempt = |n| ringback::dispatch::Attempt {
        number: n,
        at: now,
        status: Some(500),
        error: None,
        latency: Duration::from_millis(3),
        response_head: b"oops".to_vec(),
    };
    a.dead("d0", attempt(1)).await.unwrap();
    a.dead("d3", attempt(1)).await.unwrap();
    a.dead("d1", attempt(1)).await.unwrap();
    let dead_t0 = a
        .find(
            DeliveryFilter::state(DeliveryState::Dead).target("https://t0.test/"),
            10,
        )
        .await
        .unwrap();
    assert_eq!(
        dead_t0.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["d0", "d3"]
    );
    assert_eq!(a.attempts("d0").await.unwrap()[0].response_head, b"oops");
    assert_eq!(
        a.replay_matching(DeliveryFilter::default().target("https://t0.test/"), now)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        a.get("d0").await.unwrap().unwrap().state,
        DeliveryState::Pending
    );
    assert_eq!(
        a.get("d1").await.unwrap().unwrap().state,
        DeliveryState::Dead
    );
    assert!(a.replay("d1", now).await.unwrap());
}

/// When each request for one delivery started and ended.
type Spans = HashMap<String, Vec<(Instant, Instant)>>;

#[derive(Clone, Default)]
struct Arrivals {
    /// webhook-id -> (start, end) of every request for it
    spans: Arc<Mutex<Spans>>,
    /// (order id, status) of every status change that arrived
    statuses: Arc<Mutex<HashSet<(uuid::Uuid, String)>>>,
}

async fn receive(
    State(arrivals): State<Arrivals>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> axum::http::StatusCode {
    let start = Instant::now();
    // The service signs each customer's callbacks with that customer's own secret.
    let secret: Secret = ringback_examples::keys::demo_customer_secret();
    let Ok(verified) = Verifier::new(vec![secret]).verify(&headers, &body) else {
        return axum::http::StatusCode::UNAUTHORIZED;
    };
    // Slow enough that two instances attempting one delivery at once would overlap here.
    tokio::time::sleep(Duration::from_millis(25)).await;
    if let Ok(change) = verified.decode::<OrderStatusChange>() {
        arrivals
            .statuses
            .lock()
            .unwrap()
            .insert((change.order_id, change.order_status));
    }
    arrivals
        .spans
        .lock()
        .unwrap()
        .entry(verified.id)
        .or_default()
        .push((start, Instant::now()));
    axum::http::StatusCode::OK
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_share_one_outbox_and_survive_losing_one() {
    let Some(url) = fresh_database("three_instances_share_one_outbox_and_survive_losing_one").await
    else {
        return;
    };
    // Create the tables once, before three instances race to.
    let store = PostgresStore::connect(&url).await.unwrap();

    let arrivals = Arrivals::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hooks = format!("http://{}/hooks", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/hooks", post(receive))
        .with_state(arrivals.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // The three share one order book too, a SQLite file on this machine.
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.db");
    let mut instances: Vec<(Child, String)> = (0..3)
        .map(|_| {
            support::spawn_service_with::<&std::ffi::OsStr>(
                url.as_ref(),
                &["--orders".as_ref(), orders.as_ref()],
            )
        })
        .collect();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut confirmed = Vec::new();
    for i in 0..60 {
        if i == 30 {
            // One instance dies mid-run, with deliveries claimed and in flight.
            instances[0].0.kill().unwrap();
            instances[0].0.wait().unwrap();
        }
        let alive = if i >= 30 { 1 + i % 2 } else { i % 3 };
        let order =
            serde_json::json!({"customerId": DEMO_CUSTOMER, "orderStatusCallbackUrl": hooks});
        let r = client
            .post(format!(
                "{}/v1/customers/{DEMO_CUSTOMER}/orders",
                instances[alive].1
            ))
            .bearer_auth(DEMO_TOKEN)
            .json(&order)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let body: serde_json::Value = r.json().await.unwrap();
        confirmed.push(body["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap());
    }

    let started = Instant::now();
    loop {
        let open = store.list(DeliveryState::Pending, 1).await.unwrap().len()
            + store.list(DeliveryState::InFlight, 1).await.unwrap().len();
        if open == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the shared outbox did not drain"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for (child, _) in instances.iter_mut().skip(1) {
        child.kill().unwrap();
        child.wait().unwrap();
    }

    let delivered = store
        .list(DeliveryState::Delivered, usize::MAX)
        .await
        .unwrap();
    assert!(store
        .list(DeliveryState::Dead, 10)
        .await
        .unwrap()
        .is_empty());
    let spans = arrivals.spans.lock().unwrap().clone();
    let missing: Vec<&str> = delivered
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| !spans.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "recorded but never received: {missing:?}"
    );
    // Including the statuses the killed instance scheduled: the others send them.
    let statuses = arrivals.statuses.lock().unwrap().clone();
    let missing: Vec<(uuid::Uuid, &str)> = confirmed
        .iter()
        .flat_map(|o| STATUSES.iter().map(move |s| (*o, *s)))
        .filter(|(o, s)| !statuses.contains(&(*o, (*s).to_owned())))
        .collect();
    assert!(
        missing.is_empty(),
        "status callbacks of confirmed orders are missing: {missing:?}"
    );
    let mut overlapping = 0;
    for list in spans.values() {
        let mut list = list.clone();
        list.sort();
        overlapping += list.windows(2).filter(|w| w[1].0 < w[0].1).count();
    }
    let duplicated = spans.values().filter(|l| l.len() > 1).count();
    println!(
        "scale-out: 3 instances, 1 killed, {} deliveries, {} received more than once, {} overlapping attempts",
        delivered.len(),
        duplicated,
        overlapping
    );
    assert_eq!(
        overlapping, 0,
        "two instances attempted one delivery at the same time"
    );
}
