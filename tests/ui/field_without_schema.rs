struct Money(u64);

#[derive(ringback::Schema)]
struct Order {
    total: Money,
}

fn main() {}
