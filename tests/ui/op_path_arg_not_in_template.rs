use ringback::Path;

#[ringback::get("/customers/{customerId}")]
async fn get_customer(customer_id: Path<u64>, order_id: Path<u64>) -> String {
    format!("{} {}", customer_id.0, order_id.0)
}

fn main() {}
