use ringback::{Callback, Path, Query};

#[derive(serde::Serialize, ringback::Schema)]
struct StatusChange {
    status: String,
}

#[ringback::get("/orders/{orderId}", callback(byPath = "https://hooks.test/{$request.path.customerId}", body = StatusChange))]
async fn by_path(order_id: Path<u64>) -> String {
    order_id.0.to_string()
}

#[ringback::get("/things", callback(byQuery = "{$request.query.hook}"))]
async fn by_query(limit: Query<u32>, on_status: Option<Callback<StatusChange>>) -> String {
    let _ = (limit, on_status);
    String::new()
}

fn main() {}
