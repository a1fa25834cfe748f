use ringback::Path;

#[derive(serde::Deserialize)]
struct Order {
    quantity: u32,
}

#[ringback::post("/orders/{id}")]
async fn place(id: Path<u32>, order: axum::Json<Order>) -> String {
    format!("{} {}", id.0, order.0.quantity)
}

#[ringback::post("/raw")]
async fn raw(body: String) -> String {
    body
}

fn main() {}
