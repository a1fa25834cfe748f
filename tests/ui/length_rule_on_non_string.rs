#[derive(ringback::Schema)]
struct OrderLine {
    #[schema(min_length = 1)]
    order_quantity: u32,
}

fn main() {}
