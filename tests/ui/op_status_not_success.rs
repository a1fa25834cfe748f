// `status` is a success status with a body: not an error status, not 204.
#[ringback::post("/orders", status = 404)]
async fn place_order() -> String {
    String::new()
}

#[ringback::delete("/orders", status = 204)]
async fn clear_orders() -> String {
    String::new()
}

#[ringback::get("/orders", status = "202")]
async fn list_orders() -> String {
    String::new()
}

fn main() {}
