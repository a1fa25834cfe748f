// A derive that fails still gives its real shape, so a callback that reads the type is checked
// against its fields: the one error is the derive's, with no second one about the callback.
#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
#[serde(rename_all = "camelCase")]
struct Order {
    #[schema(read_only)]
    id: u64,
    callback_url: Option<String>,
}

#[derive(serde::Serialize, ringback::Schema)]
struct Ready {
    id: u64,
}

#[ringback::post("/orders", callback(ready = "{$request.body#/callbackUrl}"))]
async fn place(order: ringback::Body<Order>, ready: Option<ringback::Callback<Ready>>) -> ringback::NoContent {
    let _ = (order, ready);
    ringback::NoContent
}

fn main() {}
