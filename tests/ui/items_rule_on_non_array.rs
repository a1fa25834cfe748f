#[derive(ringback::Schema)]
struct Order {
    #[schema(min_items = 1)]
    lines: String,
}

fn main() {}
