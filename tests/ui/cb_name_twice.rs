#[derive(serde::Serialize, ringback::Schema)]
struct StatusChange {
    status: String,
}

#[ringback::post(
    "/orders",
    callback(statusChange = "https://a.test/hook", body = StatusChange),
    callback(statusChange = "https://b.test/hook", body = StatusChange)
)]
async fn place_order() -> String {
    String::new()
}

fn main() {}
