//! The example's order service, built from the example's own files, as a crate that holds
//! just what its plain-axum and poem-openapi counterparts hold: the model and the operations,
//! and where the orders are kept (a SQLite order book, where the counterparts keep a map).
//! The compile-time benchmark builds the three side by side.

// The keys the shop signs its callbacks with (the operations that hand them out are not here).
#[path = "../../../../examples/src/keys.rs"]
pub mod keys;
#[path = "../../../../examples/src/model.rs"]
pub mod model;
#[path = "../../../../examples/src/orders.rs"]
pub mod orders;
#[path = "../../../../examples/src/service.rs"]
pub mod service;
