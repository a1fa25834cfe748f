use axum::extract::State;

#[derive(Clone)]
struct Shop;

#[ringback::get("/shop")]
async fn shop(State(_shop): State<Shop>) -> String {
    String::new()
}

fn main() {}
