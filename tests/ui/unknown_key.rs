#[derive(ringback::Schema)]
struct Order {
    #[schema(mininum = 1)]
    quantity: i32,
}

fn main() {}
