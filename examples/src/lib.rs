//! The order service of DESIGN.md and its callback receiver.

pub mod model;
pub mod outbox_cli;
mod outbox_wire;
pub mod progress;
pub mod receiver;
pub mod service;

/// The signing secret the examples use when none is given. It is public: never use it for
/// anything but the demo.
pub const DEMO_SECRET: &str = "whsec_BwgJCgsMDQ4PEBESExQVFhcYGRobHB0e";
