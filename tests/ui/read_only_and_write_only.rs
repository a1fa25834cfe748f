#[derive(ringback::Schema)]
struct Account {
    #[schema(read_only, write_only)]
    token: Option<String>,
}

fn main() {}
