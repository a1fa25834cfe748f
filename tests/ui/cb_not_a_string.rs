use ringback::{Body, Callback};

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
struct Order {
    callback: u32,
}

#[derive(serde::Serialize, ringback::Schema)]
struct StatusChange {
    status: String,
}

#[ringback::post("/orders", callback(statusChange = "{$request.body#/callback}"))]
async fn place_order(order: Body<Order>, on_status: Callback<StatusChange>) -> String {
    let _ = (order, on_status);
    String::new()
}

fn main() {}
