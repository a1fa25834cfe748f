//! The example service's process tests, in one test binary so that they link once.
//!
//! `support` starts `beer-orders` as a real process for both; files the tests read are in
//! `tests/data/`.

mod console;
mod crash;
mod postgres;
mod support;
