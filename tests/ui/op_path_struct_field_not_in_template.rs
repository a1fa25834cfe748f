use ringback::Path;

#[derive(serde::Deserialize, ringback::Schema)]
#[serde(rename_all = "camelCase")]
struct OrderPath {
    customer_id: u64,
    order_id: u64,
}

#[ringback::get("/customers/{customerId}")]
async fn get_order(path: Path<OrderPath>) -> String {
    format!("{} {}", path.customer_id, path.order_id)
}

fn main() {}
