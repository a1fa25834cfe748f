// `crate` names, in a string, the path of a crate or module that re-exports ringback.
#[derive(ringback::Schema)]
#[schema(crate = "my api::ringback")]
struct Order {
    id: u64,
}

fn main() {}
