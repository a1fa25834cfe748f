//! The `orderPlaced` webhook from the real `beer-orders` process: `--order-feed URL` sends it,
//! signed, to that subscriber for every order placed; a URL the SSRF guard refuses stops the
//! service at start-up instead of at the first order.

use crate::support;

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use ringback::dispatch::Secret;
use ringback::receiver::Verifier;
use ringback_examples::model::OrderPlaced;
use ringback_examples::service::{DEMO_CUSTOMER, DEMO_TOKEN};
use ringback_examples::DEMO_SECRET;
use tokio::sync::mpsc;

#[tokio::test]
async fn every_order_placed_reaches_the_order_feed_signed() {
    let (tx, mut arrivals) = mpsc::unbounded_channel();
    let feed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let feed_url = format!("http://{}/feed", feed.local_addr().unwrap());
    let verifier = std::sync::Arc::new(Verifier::new(vec![DEMO_SECRET.parse::<Secret>().unwrap()]));
    let app = axum::Router::new().route(
        "/feed",
        post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let verifier = verifier.clone();
            let tx = tx.clone();
            async move {
                let Ok(verified) = verifier.verify(&headers, &body) else {
                    return StatusCode::UNAUTHORIZED;
                };
                let Ok(placed) = verified.decode::<OrderPlaced>() else {
                    return StatusCode::BAD_REQUEST;
                };
                let _ = tx.send((verified.id, placed));
                StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move { axum::serve(feed, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.db");
    let (mut child, base) =
        support::spawn_service_with(outbox.as_os_str(), &["--order-feed", &feed_url]);
    let client = reqwest::Client::new();
    let mut placed_ids = Vec::new();
    for reference in ["FEED-1", "FEED-2"] {
        let response = client
            .post(format!("{base}/v1/customers/{DEMO_CUSTOMER}/orders"))
            .bearer_auth(DEMO_TOKEN)
            .json(&serde_json::json!({
                "customerId": DEMO_CUSTOMER,
                "customerRef": reference,
                "beerOrderLines": [{"upc": "0631234200036", "orderQuantity": 6}],
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let order: serde_json::Value = response.json().await.unwrap();
        placed_ids.push(order["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap());
    }
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (id, placed) = tokio::time::timeout(Duration::from_secs(15), arrivals.recv())
            .await
            .expect("orderPlaced within 15 s")
            .unwrap();
        assert!(id.starts_with("msg_"), "{id}");
        assert_eq!(placed.customer_id, DEMO_CUSTOMER);
        assert_eq!(placed.beer_order_lines[0].order_quantity, 6);
        seen.push((placed.order_id, placed.customer_ref.unwrap()));
    }
    seen.sort_by_key(|(_, reference)| reference.clone());
    assert_eq!(
        seen,
        [
            (placed_ids[0], "FEED-1".to_owned()),
            (placed_ids[1], "FEED-2".to_owned())
        ]
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn an_order_feed_the_guard_refuses_stops_the_service_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_beer-orders"))
        .args(["--listen", "127.0.0.1:0", "--order-feed"])
        .arg("http://169.254.169.254/latest/meta-data")
        .arg("--outbox")
        .arg(dir.path().join("outbox.db"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("beer-orders: --order-feed http://169.254.169.254/latest/meta-data: "),
        "{stderr}"
    );
}
