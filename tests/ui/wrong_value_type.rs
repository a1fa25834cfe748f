#[derive(ringback::Schema)]
struct Order {
    #[schema(minimum = "1")]
    quantity: i32,
    #[schema(max_length = -3)]
    name: String,
    #[schema(read_only = true)]
    id: Option<u64>,
    #[schema(pattern = 5)]
    code: String,
}

fn main() {}
