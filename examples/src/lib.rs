//! The order service of DESIGN.md and its callback receiver.

pub mod keys;
pub mod model;
pub mod orders;
pub mod outbox_cli;
mod outbox_wire;
pub mod progress;
pub mod receiver;
pub mod service;
pub mod webhooks;

pub use keys::DEMO_SECRET;
