//! Waiting for callbacks in the integration tests: the next one a receiver got, or how a
//! delivery ended.

use std::time::Duration;

use ringback::dispatch::{Delivery, DeliveryState, Dispatcher};
use ringback_examples::receiver::Received;
use tokio::sync::mpsc;

/// The next callback the receiver got, within 10 s.
pub async fn next(arrivals: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(10), arrivals.recv())
        .await
        .expect("a callback within 10 s")
        .expect("the receiver is running")
}

/// The delivery `id` once the worker has recorded how it ended (delivered or dead), within
/// 10 s.
pub async fn settled(dispatcher: &Dispatcher, id: &str) -> Delivery {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let d = dispatcher.store().get(id).await.unwrap().unwrap();
            if matches!(d.state, DeliveryState::Delivered | DeliveryState::Dead) {
                break d;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("delivery {id} did not settle within 10 s"))
}
