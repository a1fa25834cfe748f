#[ringback::get("/orders")]
fn list_orders() -> String {
    String::new()
}

fn main() {}
