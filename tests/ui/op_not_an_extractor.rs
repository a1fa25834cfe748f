#[ringback::get("/orders")]
async fn list_orders(limit: u32) -> String {
    limit.to_string()
}

fn main() {}
