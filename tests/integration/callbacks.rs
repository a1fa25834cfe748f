//! Callbacks end to end over real HTTP: declared, resolved from the request, recorded
//! durably, delivered signed to a receiver that verifies them, retried with the same id, never
//! redirected, dead-lettered and replayed.

use crate::arrivals::{next, settled};
use crate::server::Server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use ringback::dispatch::{
    AllowList, DeliveryState, Dispatcher, DispatcherConfig, MemoryStore, RetrySchedule, Secret,
    SqliteStore,
};
use ringback::receiver::Verifier;
use ringback::{Api, Body, Callback, Header, Query, Schema};
use ringback_examples::orders::OrderBook;
use ringback_examples::receiver;
use ringback_examples::service::{api, Shop, DEMO_CUSTOMER, DEMO_TOKEN, STATUSES};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::mpsc;

fn fast(secret: Secret) -> DispatcherConfig {
    DispatcherConfig::new(secret)
        .schedule(
            RetrySchedule::new([Duration::from_millis(50), Duration::from_millis(50)])
                .with_jitter(0.0),
        )
        .allow(AllowList::none().loopback())
        .poll_interval(Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(2))
}

#[tokio::test]
async fn every_status_change_arrives_signed_once_each_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let secret = Secret::generate();
    let (tx, mut arrivals) = mpsc::unbounded_channel();
    let client = Server::start(receiver::router(Verifier::new(vec![secret.clone()]), tx)).await;

    let callbacks = Dispatcher::new(
        SqliteStore::open(dir.path().join("outbox.db")).unwrap(),
        fast(secret),
    );
    let worker = callbacks.start();
    let shop = Shop::new(
        "http://orders.test",
        [DEMO_CUSTOMER],
        OrderBook::open(dir.path().join("orders.db")).unwrap(),
        callbacks.clone(),
        Duration::from_millis(100),
    );
    let service = Server::start(api().router(shop)).await;

    let response = reqwest::Client::new()
        .post(service.url(&format!("/v1/customers/{DEMO_CUSTOMER}/orders")))
        .bearer_auth(DEMO_TOKEN)
        .json(&json!({
            "customerId": DEMO_CUSTOMER,
            "beerOrderLines": [{"upc": "0631234200036", "orderQuantity": 2}],
            "orderStatusCallbackUrl": client.url("/hooks/orders"),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let order: serde_json::Value = response.json().await.unwrap();
    let order_id: uuid::Uuid = order["id"].as_str().unwrap().parse().unwrap();

    let mut ids = Vec::new();
    for expected in STATUSES {
        let r = next(&mut arrivals).await;
        assert_eq!(r.change.order_id, order_id);
        assert_eq!(r.change.order_status, expected);
        ids.push(r.id);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(arrivals.try_recv().is_err(), "no status arrives twice");
    ids.dedup();
    assert_eq!(ids.len(), 4, "each status is its own delivery");
    for id in &ids {
        let d = callbacks.store().get(id).await.unwrap().unwrap();
        assert_eq!(d.state, DeliveryState::Delivered);
        assert_eq!(d.attempts, 1);
    }
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn an_order_without_a_callback_url_sends_nothing_and_a_refused_one_is_400() {
    let store = Arc::new(MemoryStore::default());
    let callbacks =
        Dispatcher::with_store(store.clone(), DispatcherConfig::new(Secret::generate()));
    let shop = Shop::new(
        "http://orders.test",
        [DEMO_CUSTOMER],
        OrderBook::in_memory(),
        callbacks.clone(),
        Duration::from_secs(3600),
    );
    let service = Server::start(api().router(shop)).await;
    let place = |body: serde_json::Value| {
        let url = service.url(&format!("/v1/customers/{DEMO_CUSTOMER}/orders"));
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(DEMO_TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        place(json!({"customerId": DEMO_CUSTOMER})).await.status(),
        201
    );
    assert!(callbacks
        .store()
        .list(DeliveryState::Pending, 10)
        .await
        .unwrap()
        .is_empty());

    let refused = place(json!({"customerId": DEMO_CUSTOMER, "orderStatusCallbackUrl": "http://169.254.169.254/latest/meta-data"})).await;
    assert_eq!(refused.status(), 400);
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(
        problem["violations"][0]["pointer"],
        "/orderStatusCallbackUrl"
    );
    assert!(
        problem["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("link-local"),
        "{problem}"
    );
    assert!(callbacks
        .store()
        .list(DeliveryState::Pending, 10)
        .await
        .unwrap()
        .is_empty());
}

// --- resolution from every part of a request -------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Subscription {
    #[schema(read_only)]
    id: Option<u64>,
    topic: String,
    #[schema(format = "uri")]
    #[serde(skip_serializing_if = "Option::is_none")]
    hook: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
struct Event {
    topic: String,
}

type Resolved = Arc<Mutex<Vec<String>>>;

// The callback argument comes first: it is still resolved after the body.
#[ringback::post(
    "/subscriptions",
    callback(onEvent = "{$request.body#/hook}"),
    callback(audit = "https://audit.test/{$request.body#/topic}?by={$request.header.X-User}&q={$request.query.tag}", body = Event)
)]
async fn subscribe(
    on_event: Option<Callback<Event>>,
    resolved: ringback::State<Resolved>,
    subscription: Body<Subscription>,
    tag: Query<Option<String>>,
    x_user: Header<Option<String>>,
    audit: Option<Callback<Event>>,
) -> Subscription {
    let _ = (tag, x_user);
    let mut seen = resolved.0.lock().unwrap();
    seen.push(on_event.map(|c| c.url().to_owned()).unwrap_or_default());
    seen.push(audit.map(|c| c.url().to_owned()).unwrap_or_default());
    subscription.0
}

#[tokio::test]
async fn callbacks_resolve_from_body_header_and_query_as_sent() {
    let resolved: Resolved = Arc::default();
    let server = Server::start(
        Api::new("Subs", "1")
            .operation(subscribe)
            .router(resolved.clone()),
    )
    .await;
    let reply = reqwest::Client::new()
        .post(server.url("/subscriptions?tag=a%26b"))
        .header("x-user", "ana maria")
        .json(&json!({"id": 5, "topic": "beer/new", "hook": "https://client.test/hook?x=1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(
        *resolved.lock().unwrap(),
        [
            "https://client.test/hook?x=1",
            "https://audit.test/beer%2Fnew?by=ana%20maria&q=a%26b",
        ]
    );

    let doc = Api::<Resolved>::new("Subs", "1")
        .operation(subscribe)
        .document()
        .to_json(ringback::openapi::OpenApiVersion::V3_1_0);
    // The header and query parameter the audit callback reads are documented (here by the
    // arguments that read them); a callback read no argument documents gets its own entry.
    let parameters = &doc["paths"]["/subscriptions"]["post"]["parameters"];
    let names: Vec<&str> = parameters
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tag", "x-user"], "{parameters}");
    let callbacks = &doc["paths"]["/subscriptions"]["post"]["callbacks"];
    assert!(callbacks["onEvent"]["{$request.body#/hook}"]["post"].is_object());
    assert!(callbacks["audit"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .starts_with("https://audit.test/"));

    // Absent target: `None`, not an error.
    resolved.lock().unwrap().clear();
    let reply = reqwest::Client::new()
        .post(server.url("/subscriptions"))
        .json(&json!({"topic": "t"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(resolved.lock().unwrap()[0], "");

    // A target that is not an absolute http(s) URL is the client's error, at its pointer.
    for hook in ["ftp://client.test/hook", "mailto:hooks@client.test"] {
        let reply = reqwest::Client::new()
            .post(server.url("/subscriptions"))
            .json(&json!({"topic": "t", "hook": hook}))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 400, "{hook}");
        let problem: serde_json::Value = reply.json().await.unwrap();
        assert_eq!(problem["violations"][0]["pointer"], "/hook", "{problem}");
        assert_eq!(
            problem["violations"][0]["message"],
            "must be an absolute http or https URL for the `onEvent` callback"
        );
    }
}

// --- delivery semantics ----------------------------------------------------------------

#[derive(Clone, Default)]
struct Script {
    /// Statuses to answer with, in order; 200 once they run out.
    answers: Arc<Mutex<Vec<u16>>>,
    /// (webhook-id, signature verified) for every request.
    seen: Arc<Mutex<Vec<(String, bool)>>>,
    secret: Option<Secret>,
}

async fn scripted(
    AxumState(script): AxumState<Script>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> (StatusCode, HeaderMap) {
    let verifier = Verifier::new(vec![script.secret.clone().unwrap()]);
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // A fresh verifier each time: retries reuse the id, which a shared one would call a replay.
    let verified = verifier.verify(&headers, &body).is_ok();
    script.seen.lock().unwrap().push((id, verified));
    let status = {
        let mut answers = script.answers.lock().unwrap();
        if answers.is_empty() {
            200
        } else {
            answers.remove(0)
        }
    };
    let mut out = HeaderMap::new();
    if status == 302 {
        out.insert("location", "http://127.0.0.1:9/elsewhere".parse().unwrap());
    }
    (StatusCode::from_u16(status).unwrap(), out)
}

async fn scripted_receiver(answers: Vec<u16>, secret: Secret) -> (Server, Script) {
    let script = Script {
        answers: Arc::new(Mutex::new(answers)),
        secret: Some(secret),
        ..Script::default()
    };
    let router = axum::Router::new()
        .route("/hook", post(scripted))
        .with_state(script.clone());
    (Server::start(router).await, script)
}

/// One callback to a receiver that answers `answers` in turn, sent and settled.
struct OneDelivery {
    dispatcher: Dispatcher,
    worker: ringback::dispatch::Worker,
    script: Script,
    id: String,
    settled: ringback::dispatch::Delivery,
    _receiver: Server,
}

async fn deliver_one(answers: Vec<u16>) -> OneDelivery {
    let secret = Secret::generate();
    let (receiver, script) = scripted_receiver(answers, secret.clone()).await;
    let dispatcher = Dispatcher::new(MemoryStore::default(), fast(secret));
    let worker = dispatcher.start();
    let cb: Callback<Event> = Callback::new("onEvent", receiver.url("/hook"));
    let id = dispatcher
        .send(&cb, &Event { topic: "t".into() })
        .await
        .unwrap();
    let settled = settled(&dispatcher, &id).await;
    OneDelivery {
        dispatcher,
        worker,
        script,
        id,
        settled,
        _receiver: receiver,
    }
}

#[tokio::test]
async fn retries_keep_the_webhook_id_and_every_attempt_is_signed_and_logged() {
    let OneDelivery {
        dispatcher,
        worker,
        script,
        id,
        settled: d,
        _receiver,
    } = deliver_one(vec![500, 503]).await;
    assert_eq!(d.state, DeliveryState::Delivered);
    let seen = script.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![(id.clone(), true), (id.clone(), true), (id.clone(), true)]
    );
    let attempts = dispatcher.store().attempts(&id).await.unwrap();
    let statuses: Vec<Option<u16>> = attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(503), Some(200)]);
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn redirects_are_not_followed_and_exhausted_deliveries_are_dead_then_replayed() {
    let OneDelivery {
        dispatcher,
        worker,
        script,
        id,
        settled: d,
        _receiver,
    } = deliver_one(vec![302, 302, 302]).await;
    assert_eq!(
        d.state,
        DeliveryState::Dead,
        "a redirect is not success, and is not followed"
    );
    assert_eq!(d.attempts, 3, "the schedule's three attempts");
    assert_eq!(script.seen.lock().unwrap().len(), 3);
    assert_eq!(
        dispatcher
            .store()
            .list(DeliveryState::Dead, 10)
            .await
            .unwrap()[0]
            .id,
        id
    );

    assert!(dispatcher.replay(&id).await.unwrap());
    let d = settled(&dispatcher, &id).await;
    assert_eq!(d.state, DeliveryState::Delivered);
    assert_eq!(
        script.seen.lock().unwrap().last().unwrap().0,
        id,
        "the replay keeps the id"
    );
    assert!(
        !dispatcher.replay(&id).await.unwrap(),
        "only dead deliveries replay"
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn gone_stops_at_once_and_a_hanging_receiver_times_out() {
    let secret = Secret::generate();
    let (receiver, _) = scripted_receiver(vec![410], secret.clone()).await;
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        fast(secret.clone()).attempt_timeout(Duration::from_millis(300)),
    );
    let worker = dispatcher.start();
    let id = dispatcher
        .send(
            &Callback::new("e", receiver.url("/hook")),
            &Event { topic: "t".into() },
        )
        .await
        .unwrap();
    let d = settled(&dispatcher, &id).await;
    assert_eq!((d.state, d.attempts), (DeliveryState::Dead, 1));

    // A listener that accepts and never answers.
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = hang.local_addr().unwrap();
    let _hold = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = hang.accept().await {
            open.push(socket);
        }
    });
    let id = dispatcher
        .send(
            &Callback::new("e", format!("http://{address}/hook")),
            &Event { topic: "t".into() },
        )
        .await
        .unwrap();
    let d = settled(&dispatcher, &id).await;
    assert_eq!(d.state, DeliveryState::Dead);
    let attempts = dispatcher.store().attempts(&id).await.unwrap();
    assert_eq!(attempts.len(), 3);
    assert!(
        attempts
            .iter()
            .all(|a| a.error.as_deref().unwrap_or("").contains("timed out")),
        "{attempts:?}"
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn send_is_durable_before_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    let id = {
        let dispatcher =
            Dispatcher::new(SqliteStore::open(&path).unwrap(), fast(Secret::generate()));
        // No worker: the delivery must be in the file once `send` returned.
        dispatcher
            .send(
                &Callback::new("e", "https://client.test/hook"),
                &Event { topic: "t".into() },
            )
            .await
            .unwrap()
    };
    let reopened = SqliteStore::open(&path).unwrap();
    use ringback::dispatch::DeliveryStore;
    let d = reopened.get(&id).await.unwrap().expect("recorded");
    assert_eq!(d.state, DeliveryState::Pending);
    assert_eq!(d.body, br#"{"topic":"t"}"#);
}

#[tokio::test]
async fn the_receiver_refuses_tampered_stale_and_wrongly_signed_deliveries_over_http() {
    let secret = Secret::generate();
    let (tx, mut arrivals) = mpsc::unbounded_channel();
    let client = Server::start(receiver::router(Verifier::new(vec![secret.clone()]), tx)).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let body = json!({"orderId": uuid::Uuid::nil(), "orderStatus": "NEW"}).to_string();
    let post = |id: &str, ts: i64, signed_body: &str, sent_body: &str, key: &Secret| {
        let signature = ringback::dispatch::signature_header(
            std::slice::from_ref(key),
            id,
            ts,
            signed_body.as_bytes(),
        );
        reqwest::Client::new()
            .post(client.url("/hooks/orders"))
            .header("webhook-id", id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", signature)
            .header("content-type", "application/json")
            .body(sent_body.to_owned())
            .send()
    };
    let tampered = body.replace("NEW", "PICKED_UP");
    assert_eq!(
        post("m1", now, &body, &tampered, &secret)
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        post("m2", now - 600, &body, &body, &secret)
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        post("m3", now, &body, &body, &Secret::generate())
            .await
            .unwrap()
            .status(),
        401
    );
    assert!(
        arrivals.try_recv().is_err(),
        "nothing refused reached the handler"
    );
    assert_eq!(
        post("m4", now, &body, &body, &secret)
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(next(&mut arrivals).await.id, "m4");
    assert_eq!(
        post("m4", now, &body, &body, &secret)
            .await
            .unwrap()
            .status(),
        200
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        arrivals.try_recv().is_err(),
        "a replay is not handed to the handler"
    );
}

// --- fault injection and shutdown, against a scripted raw TCP receiver -----------------

#[derive(Debug, Clone, Copy)]
enum Act {
    /// Answer with this status (and `Retry-After` seconds, if given).
    Status(u16, Option<u64>),
    /// Read the request, then close the connection without answering.
    Reset,
    /// Keep the connection open without answering for this long, then answer 200.
    Stall(Duration),
}

/// A receiver that answers each connection with the next act of its script (200 when done),
/// and remembers when each connection came.
async fn script(acts: Vec<Act>) -> (String, Arc<Mutex<Vec<std::time::Instant>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let acts = Arc::new(Mutex::new(acts));
    let arrivals: Arc<Mutex<Vec<std::time::Instant>>> = Arc::default();
    let seen = arrivals.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.lock().unwrap().push(std::time::Instant::now());
            let act = {
                let mut acts = acts.lock().unwrap();
                if acts.is_empty() {
                    Act::Status(200, None)
                } else {
                    acts.remove(0)
                }
            };
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 8192];
                let _ = socket.read(&mut buf).await;
                let status = match act {
                    // Dropping the socket unanswered closes the connection under the client.
                    Act::Reset => return,
                    Act::Stall(d) => {
                        tokio::time::sleep(d).await;
                        (200, None)
                    }
                    Act::Status(s, retry_after) => (s, retry_after),
                };
                let extra = status
                    .1
                    .map(|s| format!("retry-after: {s}\r\n"))
                    .unwrap_or_default();
                let reply = format!(
                    "HTTP/1.1 {} X\r\n{extra}content-length: 0\r\nconnection: close\r\n\r\n",
                    status.0
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, arrivals)
}

#[tokio::test]
async fn every_fault_ends_as_the_policy_says_with_the_attempts_to_prove_it() {
    let config = DispatcherConfig::new(Secret::generate())
        .schedule(
            RetrySchedule::new([Duration::from_millis(50), Duration::from_secs(2)])
                .with_jitter(0.0),
        )
        .allow(AllowList::none().loopback())
        .poll_interval(Duration::from_millis(20))
        .attempt_timeout(Duration::from_millis(300));
    let dispatcher = Dispatcher::new(MemoryStore::default(), config);
    let worker = dispatcher.start();
    let send = |url: String| {
        let d = dispatcher.clone();
        async move {
            d.send(&Callback::new("e", url), &Event { topic: "t".into() })
                .await
                .unwrap()
        }
    };

    let (errors_then_ok, _) = script(vec![Act::Status(500, None), Act::Status(502, None)]).await;
    let (throttled, throttled_at) = script(vec![Act::Status(429, Some(1))]).await;
    let (hangs, _) = script(vec![Act::Stall(Duration::from_secs(5)); 3]).await;
    let (resets_then_ok, _) = script(vec![Act::Reset, Act::Reset]).await;
    let (gone, _) = script(vec![Act::Status(410, None)]).await;
    let (client_error, _) = script(vec![Act::Status(400, None); 3]).await;
    let ids = [
        send(errors_then_ok).await,
        send(throttled).await,
        send(hangs).await,
        send(resets_then_ok).await,
        send(gone).await,
        send(client_error).await,
    ];
    let mut outcomes = Vec::new();
    for id in &ids {
        let d = settled(&dispatcher, id).await;
        let log: Vec<String> = dispatcher
            .store()
            .attempts(id)
            .await
            .unwrap()
            .iter()
            .map(|a| match (a.status, &a.error) {
                (Some(s), _) => s.to_string(),
                (None, Some(e)) if e.contains("timed out") => "timeout".into(),
                (None, Some(_)) => "error".into(),
                (None, None) => "?".into(),
            })
            .collect();
        outcomes.push((d.state, log));
    }
    use DeliveryState::{Dead, Delivered};
    let expected: Vec<(DeliveryState, Vec<&str>)> = vec![
        (Delivered, vec!["500", "502", "200"]),
        (Delivered, vec!["429", "200"]),
        (Dead, vec!["timeout", "timeout", "timeout"]),
        (Delivered, vec!["error", "error", "200"]),
        (Dead, vec!["410"]),
        (Dead, vec!["400", "400", "400"]),
    ];
    let outcomes: Vec<(DeliveryState, Vec<&str>)> = outcomes
        .iter()
        .map(|(s, l)| (*s, l.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(outcomes, expected);
    // Retry-After: 1 was honoured (the schedule alone would have waited 50 ms).
    let at = throttled_at.lock().unwrap().clone();
    assert!(
        at[1] - at[0] >= Duration::from_millis(900),
        "{:?}",
        at[1] - at[0]
    );
    let m = dispatcher.metrics();
    assert_eq!(
        (m.enqueued, m.delivered, m.dead_lettered, m.in_flight),
        (6, 3, 3, 0)
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn a_graceful_stop_finishes_or_hands_back_what_is_in_flight() {
    let (url, arrivals) = script(vec![
        Act::Stall(Duration::from_millis(100)),
        Act::Stall(Duration::from_secs(10)),
    ])
    .await;
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        fast(Secret::generate()).attempt_timeout(Duration::from_secs(20)),
    );
    let cb: Callback<Event> = Callback::new("e", url);

    // Finishes within the grace period: delivered before shutdown returns.
    let worker = dispatcher.start();
    let quick = dispatcher
        .send(
            &cb,
            &Event {
                topic: "quick".into(),
            },
        )
        .await
        .unwrap();
    while arrivals.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    worker.shutdown(Duration::from_secs(5)).await;
    assert_eq!(
        dispatcher.store().get(&quick).await.unwrap().unwrap().state,
        DeliveryState::Delivered
    );

    // Still running at the deadline: handed back, not lost, and delivered by the next worker.
    let worker = dispatcher.start();
    let slow = dispatcher
        .send(
            &cb,
            &Event {
                topic: "slow".into(),
            },
        )
        .await
        .unwrap();
    while arrivals.lock().unwrap().len() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    worker.shutdown(Duration::from_millis(100)).await;
    let d = dispatcher.store().get(&slow).await.unwrap().unwrap();
    assert_eq!(
        d.state,
        DeliveryState::Pending,
        "released for another attempt"
    );
    let worker = dispatcher.start();
    assert_eq!(
        settled(&dispatcher, &slow).await.state,
        DeliveryState::Delivered
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

/// Subscribe with the target in a header.
#[ringback::post("/by-header", callback(onEvent = "{$request.header.X-Callback-Url}"))]
async fn by_header(on_event: Option<Callback<Event>>, event: Body<Event>) -> Event {
    let _ = on_event;
    event.0
}

#[test]
fn a_header_a_callback_reads_is_documented() {
    // No argument reads `X-Callback-Url`: the callback's own entry tells a client to send it.
    let doc = Api::<()>::new("Subs", "1")
        .operation(by_header)
        .document()
        .to_json(ringback::openapi::OpenApiVersion::V3_0_3);
    assert_eq!(
        doc["paths"]["/by-header"]["post"]["parameters"],
        json!([{
            "name": "X-Callback-Url",
            "in": "header",
            "description": "Where the `onEvent` callback is sent.",
            "required": false,
            "schema": {"type": "string", "format": "uri"}
        }])
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Payment {
    #[schema(read_only)]
    id: Option<u64>,
    amount_cents: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct LedgerEntry {
    payment_id: u64,
    amount_cents: u64,
}

/// The port the ledger of the next test listens on: a callback's URL template is written in
/// the declaration, so the host is too.
const LEDGER_PORT: u16 = 47_321;

/// Take a payment
///
/// Tells the merchant's ledger, at a URL made of the merchant and the new payment's id.
#[ringback::post(
    "/merchants/{merchantId}/payments",
    callback(
        ledger = "http://127.0.0.1:47321/{$request.path.merchantId}/payments/{$response.body#/id}"
    )
)]
async fn take_payment(
    dispatcher: ringback::State<Dispatcher>,
    merchant_id: ringback::Path<String>,
    payment: Body<Payment>,
    ledger: ringback::callback::CallbackTemplate<LedgerEntry>,
) -> Result<ringback::Created<Payment>, ringback::ApiError> {
    let mut payment = payment.0;
    payment.id = Some(41 + payment.amount_cents);
    let callback = ledger
        .resolve(&payment)
        .map_err(ringback::ApiError::internal)?;
    let entry = LedgerEntry {
        payment_id: payment.id.unwrap_or_default(),
        amount_cents: payment.amount_cents,
    };
    dispatcher.send(&callback, &entry).await?;
    let location = format!("/merchants/{}/payments/{}", merchant_id.0, entry.payment_id);
    Ok(ringback::Created::new(location, payment))
}

#[tokio::test]
async fn a_callback_keyed_on_the_response_arrives() {
    let (tx, mut arrivals) = mpsc::unbounded_channel::<(String, LedgerEntry)>();
    let ledger = axum::Router::new().route(
        "/{merchant}/payments/{id}",
        post(
            |AxumState(tx): AxumState<mpsc::UnboundedSender<(String, LedgerEntry)>>,
             uri: axum::http::Uri,
             body: axum::body::Bytes| async move {
                let entry: LedgerEntry = serde_json::from_slice(&body).unwrap();
                let _ = tx.send((uri.path().to_owned(), entry));
                StatusCode::OK
            },
        )
        .with_state(tx),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", LEDGER_PORT))
        .await
        .expect("the ledger's fixed port is free");
    let ledger_task = tokio::spawn(async move { axum::serve(listener, ledger).await.unwrap() });

    let dispatcher = Dispatcher::new(MemoryStore::default(), fast(Secret::generate()));
    let worker = dispatcher.start();
    let service = Server::start(
        Api::new("Payments", "1")
            .operation(take_payment)
            .router(dispatcher.clone()),
    )
    .await;
    let reply = reqwest::Client::new()
        .post(service.url("/merchants/m%201/payments"))
        .json(&json!({"amountCents": 250}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
    let (path, entry) = tokio::time::timeout(Duration::from_secs(10), arrivals.recv())
        .await
        .expect("the ledger callback within 10 s")
        .unwrap();
    // The merchant from the request (percent-encoded again), the id from the response.
    assert_eq!(path, "/m%201/payments/291");
    assert_eq!((entry.payment_id, entry.amount_cents), (291, 250));

    // The document keys the callback as declared.
    let doc = Api::<Dispatcher>::new("Payments", "1")
        .operation(take_payment)
        .document()
        .to_json(ringback::openapi::OpenApiVersion::V3_1_0);
    assert!(
        doc["paths"]["/merchants/{merchantId}/payments"]["post"]["callbacks"]["ledger"]
            ["http://127.0.0.1:47321/{$request.path.merchantId}/payments/{$response.body#/id}"]
            .is_object()
    );
    worker.shutdown(Duration::from_secs(1)).await;
    ledger_task.abort();
}
