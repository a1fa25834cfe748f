#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
struct Order {
    #[serde(rename(serialize = "orderId", deserialize = "order_id"))]
    id: u64,
}

fn main() {}
