#[ringback::get("/a", operation_id = "listThings")]
async fn list_a() -> String {
    String::new()
}

#[ringback::get("/b", operation_id = "listThings")]
async fn list_b() -> String {
    String::new()
}

fn main() {}
