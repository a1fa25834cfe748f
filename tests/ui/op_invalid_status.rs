#[ringback::get("/orders", responses(200 = "Orders", 1000 = "Too big", 42 = "Too small"))]
async fn list_orders() -> String {
    String::new()
}

fn main() {}
