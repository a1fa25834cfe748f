use ringback::{Body, Callback};

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
#[serde(rename_all = "camelCase")]
struct Order {
    beer_order_lines: Vec<Line>,
}

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
struct Line {
    upc: String,
}

#[derive(serde::Serialize, ringback::Schema)]
struct StatusChange {
    status: String,
}

// A deep path that exists (`upc` is a string) passes; one that does not is refused.
#[ringback::post("/a", callback(lineReady = "https://hooks.test/{$request.body#/beerOrderLines/0/upc}"))]
async fn fine(order: Body<Order>, on_ready: Option<Callback<StatusChange>>) -> String {
    let _ = (order, on_ready);
    String::new()
}

#[ringback::post("/b", callback(lineReady = "{$request.body#/beerOrderLines/0/sku}"))]
async fn wrong(order: Body<Order>, on_ready: Option<Callback<StatusChange>>) -> String {
    let _ = (order, on_ready);
    String::new()
}

fn main() {}
