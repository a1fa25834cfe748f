#[derive(ringback::Schema)]
struct Order {
    #[schema(read_only)]
    id: u64,
}

fn main() {}
