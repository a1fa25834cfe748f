#[derive(ringback::Schema)]
struct OrderLine {
    #[schema(pattern = "^(0-9]{12}$")]
    upc: String,
}

fn main() {}
