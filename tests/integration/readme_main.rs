//! README's complete service, as written there (only the address, the outbox file and the
//! shutdown signal differ), run over real HTTP: if this stops compiling or working, so does
//! the README.

use std::time::Duration;

use ringback::auth::{Auth, HttpBearer, Requirement, Secrets};
use ringback::dispatch::{Dispatcher, DispatcherConfig, Secret};
use ringback::{Api, ApiError, Body, Callback, Created, Schema, State};
use serde::{Deserialize, Serialize};

// --- from README.md, "A complete service" ---

#[derive(Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Payment {
    #[schema(read_only)]
    id: Option<u64>,
    #[schema(minimum = 1)]
    amount_cents: u64,
    #[schema(format = "uri")]
    status_url: Option<String>,
}

#[derive(Serialize, Deserialize, Schema)]
struct PaymentSettled {
    id: u64,
    by: String,
}

#[derive(Clone)]
struct App {
    callbacks: Dispatcher,
}

/// Take a payment
///
/// Charges the caller; calls `statusUrl` back once the payment settles.
#[ringback::post("/payments", responses(201 = "Taken"),
    callback(settled = "{$request.body#/statusUrl}", responses(200 = "Okay")))]
async fn take_payment(
    app: State<App>,
    caller: Auth<String>,   // who the bearer token says is calling
    payment: Body<Payment>, // readOnly `id` stripped, `amountCents` checked
    settled: Option<Callback<PaymentSettled>>,
) -> Result<Created<Payment>, ApiError> {
    let mut payment = payment.0;
    payment.id = Some(1);
    if let Some(settled) = settled {
        let event = PaymentSettled {
            id: 1,
            by: caller.0,
        };
        app.callbacks.send(&settled, &event).await?; // durable before the 201
    }
    Ok(Created::new("/payments/1", payment))
}

async fn main_as_in_readme(
    outbox: &std::path::Path,
    listener: tokio::net::TcpListener,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> Result<(), Box<dyn std::error::Error>> {
    let callbacks = Dispatcher::sqlite(outbox, DispatcherConfig::new(Secret::generate()))?;
    let worker = callbacks.start(); // delivers, retries, dead-letters
    let tokens = Secrets::new().with("demo-token", "ada".to_owned());
    let api = Api::new("Payments", "1.0")
        .security_scheme("bearer", HttpBearer::new(), tokens)
        .default_security(Requirement::scheme("bearer"))
        .operation(take_payment);
    let app = api.router(App { callbacks });
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = stop.await;
        })
        .await?;
    worker.shutdown(Duration::from_secs(10)).await;
    Ok(())
}

// --- end of README.md's code ---

#[tokio::test]
async fn the_readme_service_runs() {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let outbox = dir.path().join("outbox.db");
    let service = tokio::spawn(async move {
        main_as_in_readme(&outbox, listener, stopped)
            .await
            .map_err(|e| e.to_string())
    });
    let client = reqwest::Client::new();
    let body = serde_json::json!({"id": 9, "amountCents": 250, "statusUrl": "https://shop.example/settled"});
    let refused = client
        .post(format!("{base}/payments"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let taken = client
        .post(format!("{base}/payments"))
        .bearer_auth("demo-token")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), 201);
    let document: serde_json::Value = client
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let op = &document["paths"]["/payments"]["post"];
    assert_eq!(op["summary"], "Take a payment");
    assert_eq!(
        op["description"],
        "Charges the caller; calls `statusUrl` back once the payment settles."
    );
    assert!(op["callbacks"]["settled"].is_object());
    stop.send(()).unwrap();
    service.await.unwrap().unwrap();
}
