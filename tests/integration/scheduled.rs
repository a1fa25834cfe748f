//! Scheduled sends over real HTTP: `send_at` and `send_after` record a delivery now that is
//! attempted when it falls due, from a SQLite outbox that may be closed and opened again in
//! between; `cancel` stops one that is still waiting, and says why when it cannot.

use crate::arrivals::next;
use crate::server::Server;

use std::time::{Duration, SystemTime};

use ringback::dispatch::{
    AllowList, CancelError, DeliveryFilter, DeliveryState, Dispatcher, DispatcherConfig,
    RetrySchedule, Secret,
};
use ringback::receiver::Verifier;
use ringback::Callback;
use ringback_examples::model::OrderStatusChange;
use ringback_examples::receiver;
use tokio::sync::mpsc;

fn config(secret: Secret) -> DispatcherConfig {
    DispatcherConfig::new(secret)
        .schedule(RetrySchedule::new([Duration::from_millis(50)]).with_jitter(0.0))
        .allow(AllowList::none().loopback())
        .poll_interval(Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(2))
}

fn status(order_status: &str) -> OrderStatusChange {
    OrderStatusChange {
        order_id: uuid::Uuid::nil(),
        order_status: order_status.to_owned(),
    }
}

#[tokio::test]
async fn scheduled_callbacks_arrive_when_due_and_a_cancelled_one_never_does() {
    let dir = tempfile::tempdir().unwrap();
    let secret = Secret::generate();
    let (tx, mut arrivals) = mpsc::unbounded_channel();
    let client = Server::start(receiver::router(Verifier::new(vec![secret.clone()]), tx)).await;
    let callbacks = Dispatcher::sqlite(dir.path().join("outbox.db"), config(secret)).unwrap();
    let worker = callbacks.start();
    let hook: Callback<OrderStatusChange> =
        Callback::new("orderStatusChange", client.url("/hooks/orders"));

    let tomorrow = callbacks
        .send_after(Duration::from_secs(24 * 3600), &hook, &status("TOMORROW"))
        .await
        .unwrap();
    let cancelled = callbacks
        .send_after(Duration::from_secs(1), &hook, &status("CANCELLED"))
        .await
        .unwrap();
    callbacks.cancel(&cancelled).await.unwrap();
    // Due after the cancelled one: once it has arrived, the worker has passed the time the
    // cancelled one was due.
    let soon = callbacks
        .send_at(
            SystemTime::now() + Duration::from_millis(1500),
            &hook,
            &status("SOON"),
        )
        .await
        .unwrap();
    let past = callbacks
        .send_at(SystemTime::UNIX_EPOCH, &hook, &status("PAST"))
        .await
        .unwrap();

    let waiting = callbacks
        .store()
        .get(&tomorrow)
        .await
        .unwrap()
        .expect("recorded");
    assert_eq!(
        (waiting.state, waiting.attempts),
        (DeliveryState::Pending, 0)
    );
    assert!(waiting.next_attempt_at > SystemTime::now() + Duration::from_secs(23 * 3600));
    let scheduled: Vec<String> = callbacks
        .store()
        .find(DeliveryFilter::scheduled(), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert!(scheduled.contains(&tomorrow), "{scheduled:?}");
    assert!(!scheduled.contains(&past), "a time passed sends at once");
    assert!(
        !scheduled.contains(&cancelled),
        "a cancelled one is not scheduled"
    );

    let mut arrived = Vec::new();
    for _ in 0..2 {
        let r = next(&mut arrivals).await;
        arrived.push((r.id, r.change.order_status));
    }
    arrived.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        arrived,
        [
            (past.clone(), "PAST".to_owned()),
            (soon.clone(), "SOON".to_owned())
        ]
    );
    assert!(
        arrivals.try_recv().is_err(),
        "neither the cancelled nor tomorrow's arrived"
    );

    let kept = callbacks.store().get(&cancelled).await.unwrap().unwrap();
    assert_eq!((kept.state, kept.attempts), (DeliveryState::Cancelled, 0));
    assert!(callbacks
        .store()
        .attempts(&cancelled)
        .await
        .unwrap()
        .is_empty());

    // Cancelling what cannot be cancelled says why. The receiver has it; the worker records
    // the answer just after, so wait for that.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while callbacks.store().get(&soon).await.unwrap().unwrap().state != DeliveryState::Delivered {
        assert!(
            std::time::Instant::now() < deadline,
            "SOON recorded as delivered within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let e = callbacks.cancel(&soon).await.unwrap_err();
    assert_eq!(e.state(), Some(DeliveryState::Delivered), "{e}");
    assert!(e.to_string().contains("was delivered"), "{e}");
    let e = callbacks.cancel(&cancelled).await.unwrap_err();
    assert_eq!(e.state(), Some(DeliveryState::Cancelled), "{e}");
    assert!(matches!(
        callbacks.cancel("msg_none").await,
        Err(CancelError::NotFound(id)) if id == "msg_none"
    ));
    callbacks.cancel(&tomorrow).await.unwrap();

    let m = callbacks.metrics();
    assert_eq!(
        (m.enqueued, m.scheduled, m.cancelled, m.delivered),
        (4, 3, 2, 2)
    );
    let text = m.to_prometheus();
    assert!(
        text.contains("ringback_callbacks_scheduled_total 3"),
        "{text}"
    );
    assert!(
        text.contains("ringback_callbacks_cancelled_total 2"),
        "{text}"
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn a_scheduled_callback_survives_closing_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("outbox.db");
    let secret = Secret::generate();
    let (tx, mut arrivals) = mpsc::unbounded_channel();
    let client = Server::start(receiver::router(Verifier::new(vec![secret.clone()]), tx)).await;
    let hook: Callback<OrderStatusChange> =
        Callback::new("orderStatusChange", client.url("/hooks/orders"));

    // Recorded by a dispatcher that never delivers, and is gone before it falls due.
    let id = {
        let before = Dispatcher::sqlite(&file, config(secret.clone())).unwrap();
        before
            .send_after(Duration::from_millis(200), &hook, &status("LATER"))
            .await
            .unwrap()
    };
    let after = Dispatcher::sqlite(&file, config(secret)).unwrap();
    let worker = after.start();
    let arrived = next(&mut arrivals).await;
    assert_eq!(
        (arrived.id.as_str(), arrived.change.order_status.as_str()),
        (id.as_str(), "LATER")
    );
    worker.shutdown(Duration::from_secs(1)).await;
}
