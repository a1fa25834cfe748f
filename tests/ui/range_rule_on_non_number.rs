#[derive(ringback::Schema)]
struct OrderLine {
    #[schema(maximum = 10)]
    upc: String,
}

fn main() {}
