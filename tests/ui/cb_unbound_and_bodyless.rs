use ringback::Callback;

#[derive(serde::Serialize, ringback::Schema)]
struct StatusChange {
    status: String,
}

#[ringback::post("/a")]
async fn undeclared(on_status: Option<Callback<StatusChange>>) -> String {
    let _ = on_status;
    String::new()
}

#[ringback::post("/b", callback(statusChange = "https://a.test/hook"))]
async fn bodyless() -> String {
    String::new()
}

fn main() {}
