//! The example's order service, built from the example's own files, as a crate that holds
//! just what its plain-axum and poem-openapi counterparts hold: the model and the operations,
//! and where the orders are kept (a SQLite order book, where the counterparts keep a map).
//! The compile-time benchmark builds the three side by side.

#[path = "../../../../examples/src/model.rs"]
pub mod model;
#[path = "../../../../examples/src/orders.rs"]
pub mod orders;
#[path = "../../../../examples/src/service.rs"]
pub mod service;
