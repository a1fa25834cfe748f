#[ringback::get(tag = "Orders")]
async fn list_orders() -> String {
    String::new()
}

fn main() {}
