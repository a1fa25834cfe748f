use ringback::{Callback, Path};

#[derive(serde::Serialize, ringback::Schema)]
struct StatusChange {
    status: String,
}

#[ringback::get("/orders/{orderId}", callback(statusChange = "{$request.body#/url}"))]
async fn watch(order_id: Path<u64>, on_status: Option<Callback<StatusChange>>) -> String {
    let _ = (order_id, on_status);
    String::new()
}

fn main() {}
