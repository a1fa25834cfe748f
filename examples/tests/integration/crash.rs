//! Crash safety: the order service, a real process on the SQLite outbox, is killed with
//! SIGKILL at random moments while orders come in, several times, and restarted each time.
//! Afterwards every delivery it recorded has reached the receiver, and every order it
//! confirmed with 201 has all four status callbacks there (NEW, and the ALLOCATED, READY and
//! PICKED_UP it scheduled when the order was placed): nothing accepted is lost. Duplicates
//! (same `webhook-id` twice, allowed by at-least-once) are counted and reported.

use crate::support;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use ringback::dispatch::{DeliveryState, DeliveryStore, Secret, SqliteStore};
use ringback::receiver::Verifier;
use ringback_examples::model::OrderStatusChange;
use ringback_examples::service::{DEMO_CUSTOMER, DEMO_TOKEN, STATUSES};

const ROUNDS: usize = 5;
const ORDERS_PER_ROUND: usize = 30;

#[derive(Clone, Default)]
struct Seen {
    /// webhook-id -> (times received, payload)
    ids: Arc<Mutex<HashMap<String, (usize, OrderStatusChange)>>>,
}

async fn receive(
    State(seen): State<Seen>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> axum::http::StatusCode {
    // The service signs each customer's callbacks with that customer's own secret.
    let secret: Secret = ringback_examples::keys::demo_customer_secret();
    // A verifier per request: redeliveries reuse the id, which is what this test counts.
    let Ok(verified) = Verifier::new(vec![secret]).verify(&headers, &body) else {
        return axum::http::StatusCode::UNAUTHORIZED;
    };
    let Ok(change) = verified.decode::<OrderStatusChange>() else {
        return axum::http::StatusCode::BAD_REQUEST;
    };
    let mut ids = seen.ids.lock().unwrap();
    ids.entry(verified.id).or_insert((0, change)).0 += 1;
    axum::http::StatusCode::OK
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_accepted_callback_is_lost_across_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.db");
    let seen = Seen::default();
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hooks = format!("http://{}/hooks", receiver.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/hooks", post(receive))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(receiver, app).await.unwrap() });

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut confirmed: Vec<uuid::Uuid> = Vec::new();
    for round in 0..=ROUNDS {
        let (mut child, base) = support::spawn_service(outbox.as_os_str());
        let url = format!("{base}/v1/customers/{DEMO_CUSTOMER}/orders");
        let placing = {
            let client = client.clone();
            let hooks = hooks.clone();
            tokio::spawn(async move {
                let mut ok: Vec<uuid::Uuid> = Vec::new();
                for i in 0..ORDERS_PER_ROUND {
                    let order = serde_json::json!({
                        "customerId": DEMO_CUSTOMER,
                        "customerRef": format!("R{round}-{i}"),
                        "orderStatusCallbackUrl": hooks,
                    });
                    match client
                        .post(&url)
                        .bearer_auth(DEMO_TOKEN)
                        .json(&order)
                        .send()
                        .await
                    {
                        Ok(r) if r.status() == 201 => {
                            let body: serde_json::Value = r.json().await.unwrap_or_default();
                            if let Some(id) = body["id"].as_str().and_then(|s| s.parse().ok()) {
                                ok.push(id);
                            }
                        }
                        // The process was killed mid-request: not accepted.
                        _ => break,
                    }
                }
                ok
            })
        };
        if round < ROUNDS {
            tokio::time::sleep(Duration::from_millis(fastrand::u64(20..400))).await;
            child.kill().expect("SIGKILL");
            child.wait().unwrap();
            confirmed.extend(placing.await.unwrap());
        } else {
            // The last run is left alive until the outbox is drained.
            confirmed.extend(placing.await.unwrap());
            let store = SqliteStore::open(&outbox).unwrap();
            let started = Instant::now();
            loop {
                let pending = store.list(DeliveryState::Pending, 1).await.unwrap().len()
                    + store.list(DeliveryState::InFlight, 1).await.unwrap().len();
                if pending == 0 {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "the outbox did not drain"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    let store = SqliteStore::open(&outbox).unwrap();
    let delivered = store
        .list(DeliveryState::Delivered, usize::MAX)
        .await
        .unwrap();
    let dead = store.list(DeliveryState::Dead, usize::MAX).await.unwrap();
    assert!(dead.is_empty(), "dead-lettered: {dead:?}");
    let cancelled = store
        .list(DeliveryState::Cancelled, usize::MAX)
        .await
        .unwrap();
    assert!(cancelled.is_empty(), "cancelled: {cancelled:?}");
    let ids = seen.ids.lock().unwrap().clone();
    let lost: Vec<&String> = delivered
        .iter()
        .map(|d| &d.id)
        .filter(|id| !ids.contains_key(*id))
        .collect();
    let duplicated = ids.values().filter(|(n, _)| *n > 1).count();
    let mut arrived: HashMap<uuid::Uuid, HashSet<&str>> = HashMap::new();
    for (_, change) in ids.values() {
        arrived
            .entry(change.order_id)
            .or_default()
            .insert(change.order_status.as_str());
    }
    // Every status a confirmed order is missing.
    let statuses_lost: Vec<(uuid::Uuid, &str)> = confirmed
        .iter()
        .flat_map(|order| STATUSES.iter().map(move |status| (*order, *status)))
        .filter(|(order, status)| !arrived.get(order).is_some_and(|got| got.contains(status)))
        .collect();
    let complete = confirmed.len()
        - statuses_lost
            .iter()
            .map(|(o, _)| o)
            .collect::<HashSet<_>>()
            .len();
    println!(
        "crash test: {ROUNDS} SIGKILLs, {} orders confirmed ({complete} with all {} statuses), {} deliveries recorded, {} received ({} ids more than once), lost {}",
        confirmed.len(),
        STATUSES.len(),
        delivered.len(),
        ids.len(),
        duplicated,
        lost.len() + statuses_lost.len()
    );
    assert!(
        confirmed.len() >= ROUNDS,
        "orders were accepted between the kills"
    );
    assert!(lost.is_empty(), "recorded but never received: {lost:?}");
    assert!(
        statuses_lost.is_empty(),
        "status callbacks of confirmed orders that never arrived: {statuses_lost:?}"
    );
}
