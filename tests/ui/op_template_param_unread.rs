use ringback::Path;

#[ringback::get("/customers/{customerId}/orders/{orderId}")]
async fn get_order(customer_id: Path<u64>) -> String {
    customer_id.0.to_string()
}

fn main() {}
