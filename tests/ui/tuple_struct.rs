#[derive(ringback::Schema)]
struct Point(i32, i32);

fn main() {}
