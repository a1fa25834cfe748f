use ringback::WebhookEvent;

#[derive(serde::Serialize, ringback::Schema)]
struct OrderPlaced {
    order_id: u64,
}

static NO_NAME: WebhookEvent<OrderPlaced> = WebhookEvent::new("");

static NOT_A_STATUS: WebhookEvent<OrderPlaced> =
    WebhookEvent::new("orderPlaced").responses(&[(200, "Okay"), (2000, "Also okay")]);

static TWICE: WebhookEvent<OrderPlaced> =
    WebhookEvent::new("orderPlaced").responses(&[(200, "Okay"), (200, "Fine")]);

fn main() {
    let _ = (&NO_NAME, &NOT_A_STATUS, &TWICE);
}
