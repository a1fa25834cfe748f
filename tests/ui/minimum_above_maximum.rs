#[derive(ringback::Schema)]
struct OrderLine {
    #[schema(minimum = 999, maximum = 1)]
    order_quantity: i32,
    #[schema(min_length = 5, max_length = 2)]
    upc: String,
}

fn main() {}
