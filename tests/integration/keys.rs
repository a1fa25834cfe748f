//! Signing keys end to end over real HTTP: a key id per delivery resolved by the application's
//! key store, overlapping keys during a rotation, Ed25519 (`v1a`) signatures checked with the
//! published public key, and key ids that outlive a restart of the outbox.

use crate::arrivals::settled;
use crate::server::Server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use ringback::dispatch::{
    AllowList, DeliveryState, Dispatcher, DispatcherConfig, KeyError, MemoryStore, RetrySchedule,
    Secret, SendError, SendOptions, SigningKey, SigningKeys, SqliteStore, StaticKeys,
};
use ringback::receiver::Verifier;
use ringback::{Callback, Schema};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
struct Event {
    topic: String,
}

fn fast(config: DispatcherConfig) -> DispatcherConfig {
    config
        .schedule(
            RetrySchedule::new([Duration::from_millis(50), Duration::from_millis(50)])
                .with_jitter(0.0),
        )
        .allow(AllowList::none().loopback())
        .poll_interval(Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(2))
}

/// One request as a receiver saw it.
#[derive(Clone)]
struct Seen {
    headers: HeaderMap,
    body: axum::body::Bytes,
    verified: bool,
}

impl Seen {
    fn signature(&self) -> &str {
        self.headers
            .get("webhook-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A receiver's verifier, and every request it saw.
#[derive(Clone)]
struct Receiver {
    verifier: Arc<Verifier>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn receive(
    AxumState(r): AxumState<Receiver>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let verified = r.verifier.verify(&headers, &body).is_ok();
    r.seen.lock().unwrap().push(Seen {
        headers,
        body,
        verified,
    });
    if verified {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

/// A receiver at `/hook` that accepts only what `verifier` verifies (401 otherwise).
async fn receiver(verifier: Verifier) -> (Server, Receiver) {
    let r = Receiver {
        verifier: Arc::new(verifier),
        seen: Arc::default(),
    };
    let router = axum::Router::new()
        .route("/hook", post(receive))
        .with_state(r.clone());
    (Server::start(router).await, r)
}

fn event(topic: &str) -> Event {
    Event {
        topic: topic.into(),
    }
}

#[tokio::test]
async fn a_customer_key_verifies_at_that_customer_and_nowhere_else() {
    let (alice, bob, own) = (Secret::generate(), Secret::generate(), Secret::generate());
    let customers = StaticKeys::new()
        .with("alice", alice.clone())
        .with("bob", bob.clone());
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        fast(DispatcherConfig::new(own.clone()).key_store(customers)),
    );
    let worker = dispatcher.start();
    // Alice's endpoint knows Alice's secret only.
    let (server, alices) = receiver(Verifier::new(vec![alice.clone()])).await;
    let hook: Callback<Event> = Callback::new("onEvent", server.url("/hook"));

    let for_alice = dispatcher
        .send_keyed("alice", &hook, &event("a"))
        .await
        .unwrap();
    assert_eq!(
        settled(&dispatcher, &for_alice).await.state,
        DeliveryState::Delivered
    );
    // Signed with Bob's key, or with the dispatcher's own: Alice's endpoint refuses both.
    let for_bob = dispatcher
        .send_with(&hook, &event("b"), SendOptions::new().key("bob"))
        .await
        .unwrap();
    let unkeyed = dispatcher.send(&hook, &event("c")).await.unwrap();
    for id in [&for_bob, &unkeyed] {
        let d = settled(&dispatcher, id).await;
        assert_eq!(d.state, DeliveryState::Dead);
        assert_eq!(d.last_error.as_deref(), Some("answered 401"));
    }
    // The key id is stored with the delivery, never the key.
    let stored = dispatcher.store().get(&for_bob).await.unwrap().unwrap();
    assert_eq!(stored.key_id.as_deref(), Some("bob"));
    let text = format!("{stored:?}");
    assert!(!text.contains(&bob.to_string()[6..]), "{text}");
    // What Alice's endpoint refused verifies with Bob's secret: it was signed, with his.
    let seen = alices.seen.lock().unwrap().clone();
    assert!(seen
        .iter()
        .any(|s| s.verified && s.signature().starts_with("v1,")));
    let refused: Vec<_> = seen.iter().filter(|s| !s.verified).collect();
    assert!(!refused.is_empty());
    let bobs = refused
        .iter()
        .filter(|s| {
            Verifier::new(vec![bob.clone()])
                .verify(&s.headers, &s.body)
                .is_ok()
        })
        .count();
    let owns = refused
        .iter()
        .filter(|s| {
            Verifier::new(vec![own.clone()])
                .verify(&s.headers, &s.body)
                .is_ok()
        })
        .count();
    assert_eq!(
        bobs + owns,
        refused.len(),
        "each is signed by Bob's key or the default"
    );
    assert!(bobs > 0 && owns > 0);
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn during_a_rotation_both_keys_sign_and_either_receiver_accepts() {
    let (old, new) = (Secret::generate(), Secret::generate());
    let rotating =
        StaticKeys::new().with("carol", SigningKeys::from(new.clone()).secret(old.clone()));
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        fast(DispatcherConfig::new(Secret::generate()).key_store(rotating)),
    );
    let worker = dispatcher.start();
    // One endpoint not yet moved to the new key, one already moved.
    let (behind, behind_seen) = receiver(Verifier::new(vec![old])).await;
    let (ahead, ahead_seen) = receiver(Verifier::new(vec![new])).await;
    for server in [&behind, &ahead] {
        let hook: Callback<Event> = Callback::new("onEvent", server.url("/hook"));
        let id = dispatcher
            .send_keyed("carol", &hook, &event("rotating"))
            .await
            .unwrap();
        let d = settled(&dispatcher, &id).await;
        assert_eq!(d.state, DeliveryState::Delivered, "{:?}", d.last_error);
        assert_eq!(d.attempts, 1);
    }
    for seen in [behind_seen, ahead_seen] {
        let seen = seen.seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert!(seen[0].verified);
        assert_eq!(seen[0].signature().split(' ').count(), 2, "both keys sign");
    }
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn v1a_signatures_verify_with_the_published_public_key_only() {
    let sender = SigningKey::generate();
    // What a client fetches from the sender: the `whpk_` text, nothing secret.
    let published = sender.public_key().to_string();
    assert!(published.starts_with("whpk_"));
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        fast(DispatcherConfig::asymmetric(sender.clone())),
    );
    let worker = dispatcher.start();
    let (client, client_seen) =
        receiver(Verifier::public_keys(vec![published.parse().unwrap()])).await;
    let (stranger, _) = receiver(Verifier::public_keys(vec![
        SigningKey::generate().public_key()
    ]))
    .await;

    let to_client: Callback<Event> = Callback::new("onEvent", client.url("/hook"));
    let id = dispatcher.send(&to_client, &event("signed")).await.unwrap();
    assert_eq!(
        settled(&dispatcher, &id).await.state,
        DeliveryState::Delivered
    );
    let seen = client_seen.seen.lock().unwrap().clone();
    assert!(seen[0].signature().starts_with("v1a,"));
    assert_eq!(seen[0].signature().split(' ').count(), 1, "v1a alone");
    // The client cannot sign as the sender: its public key makes no signature, and a receiver
    // trusting another key refuses the sender's.
    let to_stranger: Callback<Event> = Callback::new("onEvent", stranger.url("/hook"));
    let id = dispatcher
        .send(&to_stranger, &event("signed"))
        .await
        .unwrap();
    let d = settled(&dispatcher, &id).await;
    assert_eq!(
        (d.state, d.last_error.as_deref()),
        (DeliveryState::Dead, Some("answered 401"))
    );
    // A key id may name Ed25519 keys too.
    let per_customer = SigningKey::generate();
    let keyed = Dispatcher::new(
        MemoryStore::default(),
        fast(
            DispatcherConfig::asymmetric(sender)
                .key_store(StaticKeys::new().with("dave", per_customer.clone())),
        ),
    );
    let keyed_worker = keyed.start();
    let (dave, _) = receiver(Verifier::public_keys(vec![per_customer.public_key()])).await;
    let to_dave: Callback<Event> = Callback::new("onEvent", dave.url("/hook"));
    let id = keyed
        .send_keyed("dave", &to_dave, &event("d"))
        .await
        .unwrap();
    assert_eq!(settled(&keyed, &id).await.state, DeliveryState::Delivered);
    keyed_worker.shutdown(Duration::from_secs(1)).await;
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn a_key_id_the_store_does_not_know_yet_is_retried_not_lost() {
    let erin = Secret::generate();
    let table: Arc<Mutex<Option<Secret>>> = Arc::default();
    let lookup = table.clone();
    let store = move |key_id: &str| match (key_id, lookup.lock().unwrap().clone()) {
        ("erin", Some(secret)) => Ok(SigningKeys::from(secret)),
        _ => Err(KeyError::unknown(key_id)),
    };
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        DispatcherConfig::new(Secret::generate())
            .schedule(RetrySchedule::new([Duration::from_millis(100); 50]).with_jitter(0.0))
            .allow(AllowList::none().loopback())
            .poll_interval(Duration::from_millis(20))
            .key_store(store),
    );
    let worker = dispatcher.start();
    let (server, seen) = receiver(Verifier::new(vec![erin.clone()])).await;
    let hook: Callback<Event> = Callback::new("onEvent", server.url("/hook"));
    let id = dispatcher
        .send_keyed("erin", &hook, &event("e"))
        .await
        .unwrap();
    // Attempts fail without reaching the receiver, saying why.
    let failed = loop {
        let d = dispatcher.store().get(&id).await.unwrap().unwrap();
        if d.attempts >= 2 {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(failed.state, DeliveryState::Pending);
    assert_eq!(
        failed.last_error.as_deref(),
        Some("no signing keys for key id \"erin\"")
    );
    assert!(
        seen.seen.lock().unwrap().is_empty(),
        "nothing unsigned was sent"
    );
    *table.lock().unwrap() = Some(erin);
    assert_eq!(
        settled(&dispatcher, &id).await.state,
        DeliveryState::Delivered
    );
    assert!(seen.seen.lock().unwrap().iter().all(|s| s.verified));
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn a_key_id_without_a_key_store_is_refused_at_send() {
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        fast(DispatcherConfig::new(Secret::generate())),
    );
    let hook: Callback<Event> = Callback::new("onEvent", "http://127.0.0.1:9/hook");
    let e = dispatcher
        .send_keyed("frank", &hook, &event("f"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, SendError::NoKeyStore(id) if id == "frank"),
        "{e}"
    );
    assert!(e.to_string().contains("DispatcherConfig::key_store"), "{e}");
    let none = dispatcher
        .store()
        .find(ringback::dispatch::DeliveryFilter::default(), 10)
        .await
        .unwrap();
    assert!(none.is_empty(), "nothing was recorded");
}

#[tokio::test]
async fn a_key_id_survives_a_restart_of_the_sqlite_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("outbox.db");
    let grace = Secret::generate();
    let customers = StaticKeys::new().with("grace", grace.clone());
    let (server, seen) = receiver(Verifier::new(vec![grace])).await;
    let hook: Callback<Event> = Callback::new("onEvent", server.url("/hook"));
    let id = {
        // Recorded, never attempted: this dispatcher has no worker and goes away.
        let before = Dispatcher::new(
            SqliteStore::open(&file).unwrap(),
            fast(DispatcherConfig::new(Secret::generate()).key_store(customers.clone())),
        );
        before
            .send_keyed("grace", &hook, &event("g"))
            .await
            .unwrap()
    };
    let after = Dispatcher::new(
        SqliteStore::open(&file).unwrap(),
        fast(DispatcherConfig::new(Secret::generate()).key_store(customers)),
    );
    let worker = after.start();
    let d = settled(&after, &id).await;
    assert_eq!(d.state, DeliveryState::Delivered, "{:?}", d.last_error);
    assert_eq!(d.key_id.as_deref(), Some("grace"));
    assert!(seen.seen.lock().unwrap()[0].verified);
    worker.shutdown(Duration::from_secs(1)).await;
}

/// README's "Signing keys" examples as written there (the outbox path, the callback and the
/// environment variable aside), so that they keep compiling and doing what they say.
#[tokio::test]
async fn the_readme_signing_key_examples_work_as_written() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = tempfile::tempdir()?;
    let outbox = dir.path().join("outbox.db");
    let (server, seen) = receiver(Verifier::new(vec![
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?,
    ]))
    .await;
    let callback: Callback<Event> = Callback::new("onEvent", server.url("/hook"));
    let payload = event("readme");

    // --- from README.md, "A key per subscriber" ---
    let customers = StaticKeys::new()
        .with(
            "customer-42",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse::<Secret>()?,
        )
        .with("customer-43", Secret::generate());
    let config = DispatcherConfig::new(Secret::generate()).key_store(customers);
    let dispatcher = Dispatcher::sqlite(&outbox, config.allow(AllowList::none().loopback()))?;

    let first = dispatcher
        .send_keyed("customer-42", &callback, &payload)
        .await?;
    let second = dispatcher
        .send_with(&callback, &payload, SendOptions::new().key("customer-42"))
        .await?;
    // ---
    let worker = dispatcher.start();
    for id in [first, second] {
        let d = settled(&dispatcher, &id).await;
        assert_eq!(d.state, DeliveryState::Delivered, "{:?}", d.last_error);
    }
    assert!(seen.seen.lock().unwrap().iter().all(|s| s.verified));
    worker.shutdown(Duration::from_secs(1)).await;

    // --- from README.md, "Rotation" ---
    let (old_secret, new_secret) = (Secret::generate(), Secret::generate());
    let rotating = StaticKeys::new().with(
        "customer-42",
        SigningKeys::from(new_secret.clone()).secret(old_secret.clone()), // v1,<new> v1,<old>
    );
    let verifier = Verifier::new(vec![old_secret]).also_secret(new_secret);
    // ---
    let keys = ringback::dispatch::KeyStore::keys(&rotating, "customer-42").await?;
    let header = keys.header("msg_1", 1_700_000_000, b"{}");
    assert_eq!(header.split(' ').count(), 2);
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", "msg_1".parse()?);
    headers.insert("webhook-timestamp", "1700000000".parse()?);
    headers.insert("webhook-signature", header.parse()?);
    let then = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    assert!(verifier.verify_at(&headers, b"{}", then).is_ok());

    // --- from README.md, "Asymmetric signatures" ---
    let key: SigningKey = SigningKey::generate().to_string().parse()?; // whsk_...
    let config = DispatcherConfig::asymmetric(key.clone()); // v1a only
    let published = key.public_key().to_string(); // whpk_...
    let verifier = Verifier::public_keys(vec![published.parse()?]);
    // ---
    let dispatcher = Dispatcher::new(MemoryStore::default(), fast(config));
    let worker = dispatcher.start();
    let (client, client_seen) = receiver(verifier).await;
    let to_client: Callback<Event> = Callback::new("onEvent", client.url("/hook"));
    let id = dispatcher.send(&to_client, &payload).await?;
    assert_eq!(
        settled(&dispatcher, &id).await.state,
        DeliveryState::Delivered
    );
    assert!(client_seen.seen.lock().unwrap()[0].verified);
    worker.shutdown(Duration::from_secs(1)).await;
    Ok(())
}

/// A key store that never answers.
struct Hanging;

impl ringback::dispatch::KeyStore for Hanging {
    fn keys<'a>(&'a self, _key_id: &'a str) -> ringback::dispatch::KeyFuture<'a> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_key_store_that_hangs_fails_the_attempt_after_the_attempt_timeout() {
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        DispatcherConfig::new(Secret::generate())
            .schedule(RetrySchedule::new([Duration::from_secs(3600)]).with_jitter(0.0))
            .allow(AllowList::none().loopback())
            .poll_interval(Duration::from_millis(20))
            .attempt_timeout(Duration::from_millis(200))
            .key_store(Hanging),
    );
    let worker = dispatcher.start();
    let (server, seen) = receiver(Verifier::new(vec![Secret::generate()])).await;
    let hook: Callback<Event> = Callback::new("onEvent", server.url("/hook"));
    let id = dispatcher
        .send_keyed("henry", &hook, &event("h"))
        .await
        .unwrap();
    let failed = loop {
        let d = dispatcher.store().get(&id).await.unwrap().unwrap();
        if d.attempts == 1 {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(failed.state, DeliveryState::Pending, "retried, not lost");
    assert_eq!(
        failed.last_error.as_deref(),
        Some("the key store did not answer for key id \"henry\" in time")
    );
    assert!(seen.seen.lock().unwrap().is_empty());
    worker.shutdown(Duration::from_secs(1)).await;
}
