//! Keys per customer, over real processes: the order service signs each customer's callbacks
//! with that customer's own secret, which the customer fetches with its token; the receiver
//! example verifies with it, and a receiver holding another customer's secret refuses them.
//! Every callback also carries a `v1a` signature that the published public key verifies. The
//! key id stored with each delivery outlives a SIGKILL of the service.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ringback::dispatch::{DeliveryFilter, DeliveryStore, PostgresStore, SqliteStore};
use ringback::dispatch::{KeyStore, Secret, SigningKey};
use ringback_examples::keys::{CustomerKeys, DEMO_SIGNING_KEY};
use ringback_examples::service::{DEMO_CUSTOMER, DEMO_TOKEN};
use ringback_examples::webhooks::{WebhookPublicKey, WebhookSecret};
use ringback_examples::DEMO_SECRET;
use tokio::sync::mpsc;
use uuid::Uuid;

const OTHER: Uuid = Uuid::from_u128(0x0b0b_0000_0000_4000_8000_0000_0000_0001);
const OTHER_TOKEN: &str = "other-token-77";

/// A `beer-orders-receiver` process listening on `listen`, verifying with `args`; the lines it
/// prints (one per callback it accepted) arrive on the channel.
struct ReceiverProcess {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
}

impl ReceiverProcess {
    fn start(listen: &str, args: &[&str]) -> ReceiverProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_beer-orders-receiver"))
            .args(["--listen", listen])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("beer-orders-receiver starts");
        let mut errors = BufReader::new(child.stderr.take().unwrap()).lines();
        let started = errors.next().expect("the receiver says where it listens");
        assert!(
            started
                .as_deref()
                .unwrap_or("")
                .starts_with("receiving callbacks at"),
            "{started:?}"
        );
        std::thread::spawn(move || for _ in errors {});
        let (tx, lines) = mpsc::unbounded_channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        ReceiverProcess { child, lines }
    }

    /// The statuses of `order` it accepts, until it has all four (a retried one may come
    /// after a later one), sorted as [`ALL`] lists them.
    async fn statuses_of(&mut self, order: Uuid) -> Vec<String> {
        let mut statuses: Vec<String> = Vec::new();
        while !ALL.iter().all(|s| statuses.iter().any(|got| got == s)) {
            let line = tokio::time::timeout(Duration::from_secs(60), self.lines.recv())
                .await
                .expect("a callback within 60 s")
                .expect("the receiver is running");
            // "<webhook-id> order <uuid> is <STATUS>"
            let words: Vec<&str> = line.split(' ').collect();
            if words.get(2) == Some(&order.to_string().as_str()) {
                statuses.push(words[4].to_owned());
            }
        }
        statuses.sort_by_key(|s| ALL.iter().position(|a| a == s));
        statuses
    }
}

impl Drop for ReceiverProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

async fn get<T: serde::de::DeserializeOwned>(url: &str, token: Option<&str>) -> T {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {url}");
    response.json().await.unwrap()
}

async fn place(base: &str, customer: Uuid, token: &str, hooks: &str) -> Uuid {
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/customers/{customer}/orders"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "customerId": customer, "orderStatusCallbackUrl": hooks }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let order: serde_json::Value = response.json().await.unwrap();
    order["id"].as_str().unwrap().parse().unwrap()
}

const ALL: [&str; 4] = ["NEW", "ALLOCATED", "READY", "PICKED_UP"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_customer_verifies_with_its_own_secret_and_anyone_with_the_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.db");
    let other = format!("{OTHER}={OTHER_TOKEN}");
    let (mut service, base) =
        support::spawn_service_with(outbox.as_os_str(), &["--customer", &other]);

    // Each customer fetches its own secret with its own token, and nobody else's.
    let url = |c: Uuid| format!("{base}/v1/customers/{c}/webhook-secret");
    let demo: WebhookSecret = get(&url(DEMO_CUSTOMER), Some(DEMO_TOKEN)).await;
    let theirs: WebhookSecret = get(&url(OTHER), Some(OTHER_TOKEN)).await;
    assert_ne!(demo.secret, theirs.secret);
    let snooping = reqwest::Client::new()
        .get(url(OTHER))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(snooping.status(), 404);
    let anonymous = reqwest::Client::new().get(url(OTHER)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let public: WebhookPublicKey = get(&format!("{base}/v1/webhooks/public-key"), None).await;
    assert_eq!(public.scheme, "v1a");
    let public_key = public.public_key.to_string();
    assert!(public_key.starts_with("whpk_"));

    // The demo customer's receiver verifies with the demo customer's secret.
    let demo_listen = free_port();
    let mut demo_receiver = ReceiverProcess::start(&demo_listen, &["--secret", &demo.secret]);
    let hooks = |listen: &str| format!("http://{listen}/hooks/orders");
    let order = place(&base, DEMO_CUSTOMER, DEMO_TOKEN, &hooks(&demo_listen)).await;
    assert_eq!(demo_receiver.statuses_of(order).await, ALL);

    // A receiver that knows only the public key accepts them too (v1a).
    let public_listen = free_port();
    let mut public_receiver =
        ReceiverProcess::start(&public_listen, &["--public-key", &public_key]);
    let order = place(&base, DEMO_CUSTOMER, DEMO_TOKEN, &hooks(&public_listen)).await;
    assert_eq!(public_receiver.statuses_of(order).await, ALL);

    // The other customer's receiver refuses the demo customer's callbacks: its secret does
    // not verify them.
    let other_listen = free_port();
    let _other_receiver = ReceiverProcess::start(&other_listen, &["--secret", &theirs.secret]);
    let order = place(&base, DEMO_CUSTOMER, DEMO_TOKEN, &hooks(&other_listen)).await;
    let store = SqliteStore::open(&outbox).unwrap();
    let to_other = hooks(&other_listen);
    let started = Instant::now();
    let refused = loop {
        let found = store
            .find(DeliveryFilter::default().target(to_other.clone()), 10)
            .await
            .unwrap();
        if let Some(d) = found.iter().find(|d| d.last_error.is_some()) {
            break d.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no attempt was made"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(refused.last_error.as_deref(), Some("answered 401"));
    assert_eq!(refused.key_id, Some(DEMO_CUSTOMER.to_string()));
    let body: serde_json::Value = serde_json::from_slice(&refused.body).unwrap();
    assert_eq!(body["orderId"], order.to_string());
    service.kill().unwrap();
    service.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_key_id_outlives_a_sigkill_of_the_service_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.db");
    let store = async { Box::new(SqliteStore::open(&outbox).unwrap()) as Box<dyn DeliveryStore> };
    key_id_outlives_a_sigkill(outbox.as_os_str(), store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_key_id_outlives_a_sigkill_of_the_service_on_postgres() {
    let test = "the_customer_key_id_outlives_a_sigkill_of_the_service_on_postgres";
    let Some(url) = crate::postgres::fresh_database(test).await else {
        return;
    };
    let store =
        async { Box::new(PostgresStore::connect(&url).await.unwrap()) as Box<dyn DeliveryStore> };
    key_id_outlives_a_sigkill(std::ffi::OsStr::new(&url), store).await;
}

/// Orders placed while nobody listens, the service killed, a receiver started, the service
/// started again on the same `outbox`: every status arrives, verified with the customer's key.
async fn key_id_outlives_a_sigkill(
    outbox: &std::ffi::OsStr,
    store: impl std::future::Future<Output = Box<dyn DeliveryStore>>,
) {
    let (mut service, base) = support::spawn_service(outbox);
    let demo: WebhookSecret = get(
        &format!("{base}/v1/customers/{DEMO_CUSTOMER}/webhook-secret"),
        Some(DEMO_TOKEN),
    )
    .await;
    // Nobody listens yet: every status is recorded and waits for its next attempt.
    let listen = free_port();
    let hooks = format!("http://{listen}/hooks/orders");
    let order = place(&base, DEMO_CUSTOMER, DEMO_TOKEN, &hooks).await;
    let store = store.await;
    let started = Instant::now();
    loop {
        let waiting = store
            .find(DeliveryFilter::default().target(hooks.clone()), 10)
            .await
            .unwrap();
        if waiting.len() == ALL.len() && waiting.iter().all(|d| d.attempts > 0) {
            assert!(waiting
                .iter()
                .all(|d| d.key_id == Some(DEMO_CUSTOMER.to_string())));
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{waiting:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    service.kill().unwrap();
    service.wait().unwrap();

    // A new process on the same outbox signs them with the customer's key, read back from
    // the stored key id.
    let mut receiver = ReceiverProcess::start(&listen, &["--secret", &demo.secret]);
    let (mut service, _) = support::spawn_service(outbox);
    assert_eq!(receiver.statuses_of(order).await, ALL);
    service.kill().unwrap();
    service.wait().unwrap();
}

#[tokio::test]
async fn each_customer_has_its_own_secret_and_a_rotation_signs_with_both() {
    let keys = CustomerKeys::demo();
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    assert_ne!(keys.secret_of(a), keys.secret_of(b));
    let master: Secret = DEMO_SECRET.parse().unwrap();
    assert_ne!(keys.secret_of(a), master);
    let now = keys.keys(&CustomerKeys::key_id(a)).await.unwrap();
    assert_eq!(now.secrets(), [keys.secret_of(a)]);
    assert_eq!(now.signing_keys().len(), 1);
    let rotated =
        CustomerKeys::new(Secret::generate(), keys.signing_key().clone()).previous(master);
    let both = rotated.keys(&a.to_string()).await.unwrap();
    assert_eq!(both.secrets(), [rotated.secret_of(a), keys.secret_of(a)]);
    assert!(keys.keys("not-a-customer").await.is_err());
    let parsed: SigningKey = DEMO_SIGNING_KEY.parse().unwrap();
    assert_eq!(parsed.to_string(), DEMO_SIGNING_KEY);
}
