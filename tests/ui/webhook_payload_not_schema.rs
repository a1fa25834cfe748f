use ringback::WebhookEvent;

#[derive(serde::Serialize)]
struct OrderPlaced {
    order_id: u64,
}

static ORDER_PLACED: WebhookEvent<OrderPlaced> = WebhookEvent::new("orderPlaced");

fn main() {
    let _ = &ORDER_PLACED;
}
