use ringback::{Body, Callback};

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
#[serde(rename_all = "camelCase")]
struct Order {
    customer_ref: Option<String>,
    order_status_callback_url: Option<String>,
}

#[derive(serde::Serialize, ringback::Schema)]
struct StatusChange {
    status: String,
}

#[ringback::post("/orders", callback(orderStatusChange = "{$request.body#/orderStatusCalbackUrl}"))]
async fn place_order(order: Body<Order>, on_status: Option<Callback<StatusChange>>) -> String {
    let _ = (order, on_status);
    String::new()
}

fn main() {}
