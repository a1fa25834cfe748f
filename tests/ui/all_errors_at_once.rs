// Every mistake is reported in one build, not only the first.
#[derive(ringback::Schema)]
#[schema(descripton = "typo on the type")]
struct Order {
    #[schema(readonly)]
    id: Option<u64>,
    #[schema(minimum = 10, maximum = 1)]
    quantity: i32,
    #[schema(read_only)]
    created: u64,
}

fn main() {}
