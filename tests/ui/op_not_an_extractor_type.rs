struct Limit(u32);

#[ringback::get("/orders")]
async fn list_orders(limit: Limit) -> String {
    limit.0.to_string()
}

fn main() {
    let _ = ringback::Api::<()>::new("Orders", "1").operation(list_orders);
}
