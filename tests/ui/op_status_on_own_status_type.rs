use ringback::{ApiError, Created, NoContent};

#[derive(serde::Serialize, ringback::Schema)]
struct Order {
    id: u64,
}

// `Created` is 201 and `NoContent` 204: a declared status cannot change them.
#[ringback::post("/orders", status = 202)]
async fn place_order() -> Result<Created<Order>, ApiError> {
    Ok(Created::new("/orders/1", Order { id: 1 }))
}

#[ringback::delete("/orders/{id}", status = 200)]
async fn forget_order(id: ringback::Path<u64>) -> NoContent {
    let _ = id;
    NoContent
}

fn main() {}
