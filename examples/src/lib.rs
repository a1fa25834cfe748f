//! The order service of DESIGN.md and its callback receiver.

pub mod model;
pub mod service;
