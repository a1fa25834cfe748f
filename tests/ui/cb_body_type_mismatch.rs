use ringback::{Body, Callback};

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
#[serde(rename_all = "camelCase")]
struct Order {
    callback_url: Option<String>,
}

#[derive(serde::Serialize, ringback::Schema)]
struct StatusChange {
    status: String,
}

#[derive(serde::Serialize, ringback::Schema)]
struct Shipped {
    carrier: String,
}

#[ringback::post("/orders", callback(statusChange = "{$request.body#/callbackUrl}", body = Shipped))]
async fn place_order(order: Body<Order>, on_status: Option<Callback<StatusChange>>) -> String {
    let _ = (order, on_status);
    String::new()
}

fn main() {}
