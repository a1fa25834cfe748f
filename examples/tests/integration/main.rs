//! The example service's process tests, in one test binary so that they link once.
//!
//! `support` starts `beer-orders` as a real process for the process tests (`orders` tests the
//! order book alone); files the tests read are in `tests/data/`.

mod console;
mod contract;
mod crash;
mod keys;
mod memory;
mod order_feed;
mod orders;
mod postgres;
mod support;
