//! Webhooks end to end over real HTTP: declared once, documented in both OpenAPI versions,
//! sent through the dispatcher to the URL the application chose, and delivered signed to an
//! axum receiver on 127.0.0.1 that verifies them.

use crate::arrivals::settled;
use crate::server::{Reply, Server};
use crate::support::schema_errors;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State as AxumState;
use axum::http::HeaderMap;
use axum::routing::post;
use ringback::dispatch::{
    AllowList, DeliveryState, Dispatcher, DispatcherConfig, MemoryStore, RetrySchedule, Secret,
    SendError, SqliteStore,
};
use ringback::openapi::OpenApiVersion;
use ringback::receiver::{Verifier, Webhook};
use ringback::{Api, Schema, WebhookEvent};
use ringback_examples::model::OrderPlaced;
use ringback_examples::service::{api, Shop, DEMO_CUSTOMER, DEMO_TOKEN, ORDER_PLACED};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::mpsc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct CustomerCreated {
    customer_id: u64,
    #[schema(format = "email")]
    email: String,
    referrer: Option<String>,
}

static CUSTOMER_CREATED: WebhookEvent<CustomerCreated> = WebhookEvent::new("customerCreated")
    .summary("A customer signed up")
    .description("Sent to the CRM once per customer.")
    .responses(&[(200, "Received"), (410, "Unsubscribe")]);

fn fast(secret: Secret) -> DispatcherConfig {
    DispatcherConfig::new(secret)
        .schedule(RetrySchedule::new([Duration::from_millis(50)]).with_jitter(0.0))
        .allow(AllowList::none().loopback())
        .poll_interval(Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(2))
}

async fn within_10s<T>(arrivals: &mut mpsc::UnboundedReceiver<T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), arrivals.recv())
        .await
        .expect("a webhook within 10 s")
        .expect("the receiver is running")
}

/// What a subscriber saw: the headers, and the body once its signature was verified.
struct Seen {
    headers: HeaderMap,
    body: Value,
}

/// A subscriber that verifies each request itself, as any Standard Webhooks receiver would,
/// and answers 401 to one it cannot verify.
fn subscriber(secret: Secret, seen: mpsc::UnboundedSender<Seen>) -> axum::Router {
    let verifier = Arc::new(Verifier::new(vec![secret]));
    axum::Router::new().route(
        "/hooks/crm",
        post(
            move |headers: HeaderMap, body: axum::body::Bytes| async move {
                match verifier.verify(&headers, &body) {
                    Ok(_) => {
                        let body = serde_json::from_slice(&body).expect("a JSON body");
                        let _ = seen.send(Seen { headers, body });
                        axum::http::StatusCode::OK
                    }
                    Err(_) => axum::http::StatusCode::UNAUTHORIZED,
                }
            },
        ),
    )
}

#[tokio::test]
async fn an_event_is_delivered_signed_to_the_url_the_application_chose() {
    let dir = tempfile::tempdir().unwrap();
    let secret = Secret::generate();
    let (tx, mut seen) = mpsc::unbounded_channel();
    let crm = Server::start(subscriber(secret.clone(), tx)).await;
    let dispatcher = Dispatcher::new(
        SqliteStore::open(dir.path().join("outbox.db")).unwrap(),
        fast(secret),
    );
    let worker = dispatcher.start();

    let created = CustomerCreated {
        customer_id: 42,
        email: "ada@example.com".into(),
        referrer: None,
    };
    let url = crm.url("/hooks/crm");
    let id = dispatcher
        .send_event(&CUSTOMER_CREATED, &url, &created)
        .await
        .unwrap();

    let arrived = within_10s(&mut seen).await;
    assert_eq!(arrived.headers["webhook-id"], id.as_str());
    let signature = arrived.headers["webhook-signature"].to_str().unwrap();
    assert!(signature.starts_with("v1,"), "{signature}");
    assert_eq!(arrived.headers["content-type"], "application/json");
    assert_eq!(
        arrived.body,
        json!({"customerId": 42, "email": "ada@example.com", "referrer": null})
    );
    // What arrives is what the document promises.
    assert_eq!(
        schema_errors::<CustomerCreated>(&arrived.body),
        [] as [String; 0]
    );

    // The delivery is an ordinary one of the outbox, named after the event. The subscriber saw
    // it before it answered, so the worker may still be recording the answer.
    let delivery = settled(&dispatcher, &id).await;
    assert_eq!(delivery.callback, "customerCreated");
    assert_eq!(delivery.method, "POST");
    assert_eq!(delivery.url, url);
    assert_eq!(delivery.state, DeliveryState::Delivered);
    assert_eq!(delivery.attempts, 1);
    assert_eq!(dispatcher.metrics().delivered, 1);
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn an_event_the_subscriber_cannot_verify_is_retried_then_dead_lettered_for_replay() {
    let (tx, mut seen) = mpsc::unbounded_channel();
    // The subscriber knows a secret the sender no longer signs with.
    let crm = Server::start(subscriber(Secret::generate(), tx)).await;
    let store = Arc::new(MemoryStore::default());
    let dispatcher = Dispatcher::with_store(store.clone(), fast(Secret::generate()));
    let worker = dispatcher.start();
    let created = CustomerCreated {
        customer_id: 7,
        email: "bo@example.com".into(),
        referrer: Some("ada".into()),
    };
    let id = dispatcher
        .send_event(&CUSTOMER_CREATED, &crm.url("/hooks/crm"), &created)
        .await
        .unwrap();
    // One schedule step of 50 ms: the first attempt and the retry are refused, then it is dead.
    let dead = settled(&dispatcher, &id).await;
    assert_eq!(dead.state, DeliveryState::Dead);
    assert_eq!(dead.attempts, 2);
    assert!(seen.try_recv().is_err(), "nothing unverified was accepted");
    let attempts = dispatcher.store().attempts(&id).await.unwrap();
    assert!(
        attempts.iter().all(|a| a.status == Some(401)),
        "{attempts:?}"
    );
    worker.shutdown(Duration::from_secs(1)).await;
    // Once the subscriber has the right secret, the operator sends it again.
    assert!(dispatcher.replay(&id).await.unwrap());
    let replayed = dispatcher.store().get(&id).await.unwrap().unwrap();
    assert_eq!(replayed.state, DeliveryState::Pending);
    assert_eq!(replayed.callback, "customerCreated");
}

#[tokio::test]
async fn a_subscriber_url_the_guard_refuses_records_nothing() {
    let store = Arc::new(MemoryStore::default());
    // Public addresses only, the default.
    let dispatcher =
        Dispatcher::with_store(store.clone(), DispatcherConfig::new(Secret::generate()));
    let created = CustomerCreated {
        customer_id: 1,
        email: "cy@example.com".into(),
        referrer: None,
    };
    for url in [
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:8080/hooks",
        "ftp://crm.example/hooks",
    ] {
        match dispatcher
            .send_event(&CUSTOMER_CREATED, url, &created)
            .await
        {
            Err(SendError::Refused(refused)) => assert_eq!(refused.target, url),
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(dispatcher
        .store()
        .list(DeliveryState::Pending, 10)
        .await
        .unwrap()
        .is_empty());
}

#[derive(Clone)]
struct Feed {
    verifier: Arc<Verifier>,
    arrivals: mpsc::UnboundedSender<Webhook<OrderPlaced>>,
}

impl axum::extract::FromRef<Feed> for Arc<Verifier> {
    fn from_ref(feed: &Feed) -> Self {
        feed.verifier.clone()
    }
}

#[tokio::test]
async fn the_order_service_sends_order_placed_to_its_feed() {
    let dir = tempfile::tempdir().unwrap();
    let secret = Secret::generate();
    let (tx, mut arrivals) = mpsc::unbounded_channel();
    let feed = Server::start(
        axum::Router::new()
            .route(
                "/feed",
                post(
                    |AxumState(feed): AxumState<Feed>, hook: Webhook<OrderPlaced>| async move {
                        let _ = feed.arrivals.send(hook);
                        "Okay"
                    },
                ),
            )
            .with_state(Feed {
                verifier: Arc::new(Verifier::new(vec![secret.clone()])),
                arrivals: tx,
            }),
    )
    .await;
    let callbacks = Dispatcher::new(
        SqliteStore::open(dir.path().join("outbox.db")).unwrap(),
        fast(secret),
    );
    let worker = callbacks.start();
    let shop = Shop::new(
        "http://orders.test",
        [DEMO_CUSTOMER],
        ringback_examples::orders::OrderBook::in_memory(),
        callbacks.clone(),
        Duration::from_secs(3600),
    )
    .with_order_feed(&feed.url("/feed"));
    let service = Server::start(api().router(shop)).await;

    let reply = Reply::from(
        reqwest::Client::new()
            .post(service.url(&format!("/v1/customers/{DEMO_CUSTOMER}/orders")))
            .bearer_auth(DEMO_TOKEN)
            .json(&json!({
                "customerId": DEMO_CUSTOMER,
                "customerRef": "FEED-1",
                "beerOrderLines": [{"upc": "0631234200036", "orderQuantity": 3}],
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    let order_id: uuid::Uuid = reply.json["id"].as_str().unwrap().parse().unwrap();

    let hook = within_10s(&mut arrivals).await;
    assert_eq!(hook.payload.order_id, order_id);
    assert_eq!(hook.payload.customer_id, DEMO_CUSTOMER);
    assert_eq!(hook.payload.customer_ref.as_deref(), Some("FEED-1"));
    assert_eq!(hook.payload.beer_order_lines.len(), 1);
    assert_eq!(hook.payload.beer_order_lines[0].order_quantity, 3);
    let delivery = callbacks.store().get(&hook.id).await.unwrap().unwrap();
    assert_eq!(delivery.callback, "orderPlaced");
    // No status callback URL was given: the feed's is the only delivery, recorded before the 201.
    assert_eq!(callbacks.metrics().enqueued, 1);
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn both_documents_are_served_with_the_webhooks_where_each_version_allows() {
    let api = Api::<()>::new("CRM feed", "1").webhook(&CUSTOMER_CREATED);
    let server = Server::start(api.router(())).await;
    let get = |query: &'static str| {
        let url = server.url(&format!("/openapi.json{query}"));
        async move { Reply::from(reqwest::get(url).await.unwrap()).await.json }
    };

    let v31 = get("?version=3.1").await;
    assert_eq!(v31["openapi"], "3.1.0");
    assert!(v31.get("x-webhooks").is_none());
    let post = &v31["webhooks"]["customerCreated"]["post"];
    assert_eq!(post["summary"], "A customer signed up");
    assert_eq!(post["description"], "Sent to the CRM once per customer.");
    assert_eq!(post["requestBody"]["required"], true);
    // No default requirement to opt out of.
    assert!(post.get("security").is_none());
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/CustomerCreated"
    );
    assert_eq!(
        post["responses"],
        json!({"200": {"description": "Received"}, "410": {"description": "Unsubscribe"}})
    );
    assert_eq!(
        v31["components"]["schemas"]["CustomerCreated"]["properties"]["referrer"]["type"],
        json!(["string", "null"])
    );

    let v30 = get("").await;
    assert_eq!(v30["openapi"], "3.0.3");
    assert!(v30.get("webhooks").is_none(), "3.0.3 has no webhooks field");
    assert_eq!(
        v30["x-webhooks"]["customerCreated"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/CustomerCreated"
    );
    assert_eq!(
        v30["components"]["schemas"]["CustomerCreated"]["properties"]["referrer"]["nullable"],
        true
    );
}

#[test]
fn the_order_service_documents_order_placed_in_both_versions() {
    for (version, key) in [
        (OpenApiVersion::V3_0_3, "x-webhooks"),
        (OpenApiVersion::V3_1_0, "webhooks"),
    ] {
        let doc = api().document().to_json(version);
        let post = &doc[key]["orderPlaced"]["post"];
        assert_eq!(post["tags"], json!(["Order Service"]), "{version}");
        assert_eq!(post["summary"], "An order was placed");
        assert_eq!(post["responses"]["200"]["description"], "Okay");
        // Sent by the service, signed: the customers' bearer requirement is not the webhook's.
        assert_eq!(doc["security"], json!([{"bearer": []}]));
        assert_eq!(post["security"], json!([]));
        let headers: Vec<&str> = post["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            headers,
            ["webhook-id", "webhook-timestamp", "webhook-signature"]
        );
        let schema = &post["requestBody"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(schema, "#/components/schemas/OrderPlaced");
        let placed = &doc["components"]["schemas"]["OrderPlaced"];
        assert_eq!(
            placed["properties"]["beerOrderLines"]["items"]["$ref"],
            "#/components/schemas/BeerOrderLine"
        );
        assert_eq!(
            placed["required"],
            json!(["orderId", "customerId", "beerOrderLines"])
        );
        // The callback is still where it was.
        assert!(
            doc["paths"]["/v1/customers/{customerId}/orders"]["post"]["callbacks"]
                ["orderStatusChange"]
                .is_object()
        );
    }
    assert_eq!(ORDER_PLACED.name(), "orderPlaced");
}

#[test]
#[should_panic(expected = "the webhook `customerCreated` is registered twice")]
fn an_event_name_is_registered_once() {
    static AGAIN: WebhookEvent<String> = WebhookEvent::new("customerCreated");
    let _ = Api::<()>::new("CRM feed", "1")
        .webhook(&CUSTOMER_CREATED)
        .webhook(&AGAIN);
}

/// README's webhook example, as written there: it compiles, records a delivery, and documents
/// the event.
mod readme {
    use ringback::dispatch::{DeliveryState, Dispatcher, DispatcherConfig, MemoryStore, Secret};
    use ringback::openapi::OpenApiVersion;

    // --- from README.md, "Webhooks (OpenAPI 3.1)" ---
    use ringback::{Api, Schema, WebhookEvent};

    #[derive(serde::Serialize, Schema)]
    #[serde(rename_all = "camelCase")]
    struct CustomerCreated {
        customer_id: u64,
        #[schema(format = "email")]
        email: String,
    }

    static CUSTOMER_CREATED: WebhookEvent<CustomerCreated> = WebhookEvent::new("customerCreated")
        .summary("A customer signed up")
        .description("Sent to the CRM once per customer.")
        .responses(&[(200, "Received"), (410, "Unsubscribe")]);
    // --- end ---

    async fn as_in_readme(dispatcher: &Dispatcher) -> Result<Api<()>, Box<dyn std::error::Error>> {
        // --- from README.md ---
        let api = Api::<()>::new("Shop", "1.0").webhook(&CUSTOMER_CREATED); // documented

        // anywhere, with a Dispatcher: durable once it returns, like `send`
        let created = CustomerCreated {
            customer_id: 42,
            email: "ada@example.com".into(),
        };
        dispatcher
            .send_event(&CUSTOMER_CREATED, "https://crm.example/hooks", &created)
            .await?;
        // --- end ---
        Ok(api)
    }

    #[tokio::test]
    async fn the_readme_example_records_and_documents_the_event() {
        let dispatcher = Dispatcher::new(
            MemoryStore::default(),
            DispatcherConfig::new(Secret::generate()),
        );
        let api = as_in_readme(&dispatcher).await.unwrap();
        let pending = dispatcher
            .store()
            .list(DeliveryState::Pending, 10)
            .await
            .unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].callback, "customerCreated");
        assert_eq!(pending[0].url, "https://crm.example/hooks");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&pending[0].body).unwrap(),
            serde_json::json!({"customerId": 42, "email": "ada@example.com"})
        );
        let doc = api.document().to_json(OpenApiVersion::V3_1_0);
        assert_eq!(
            doc["webhooks"]["customerCreated"]["post"]["responses"]["410"]["description"],
            "Unsubscribe"
        );
    }
}
