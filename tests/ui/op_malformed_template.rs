#[ringback::get("/customers/{customerId}/orders/{customerId}")]
async fn repeated() -> String {
    String::new()
}

#[ringback::get("/customers/{customerId/orders")]
async fn unbalanced() -> String {
    String::new()
}

#[ringback::get("/files/report-{date}.pdf")]
async fn partial() -> String {
    String::new()
}

#[ringback::get("customers")]
async fn relative() -> String {
    String::new()
}

fn main() {}
