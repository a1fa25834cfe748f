use ringback::Body;

#[ringback::get("/search")]
async fn search(filter: Body<String>) -> String {
    filter.0
}

fn main() {}
