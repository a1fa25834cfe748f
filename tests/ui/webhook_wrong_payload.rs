use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
use ringback::WebhookEvent;

#[derive(serde::Serialize, ringback::Schema)]
struct OrderPlaced {
    order_id: u64,
}

#[derive(serde::Serialize, ringback::Schema)]
struct OrderCancelled {
    order_id: u64,
}

static ORDER_PLACED: WebhookEvent<OrderPlaced> = WebhookEvent::new("orderPlaced");

async fn announce(dispatcher: &Dispatcher) {
    let cancelled = OrderCancelled { order_id: 1 };
    let _ = dispatcher
        .send_event(&ORDER_PLACED, "https://feed.example/hooks", &cancelled)
        .await;
}

fn main() {
    let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
    let _ = announce(&dispatcher);
}
