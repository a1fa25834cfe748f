#[ringback::get("/orders", tagz = "Orders", sumary = "List orders")]
async fn list_orders() -> String {
    String::new()
}

fn main() {}
