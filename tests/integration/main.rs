//! Every integration test of ringback, in one test binary so that it links once.
//!
//! Each module is what used to be a test target of its own; `support` and `server` are the
//! helpers they share.

mod arrivals;
mod auth;
mod body_mistakes;
mod callbacks;
mod contract_rules;
mod contract_samples;
mod contract_versions;
mod docs_page;
mod extractors;
mod feature_tour;
mod http;
mod keys;
// The module file opens with `#![no_implicit_prelude]`: the derives must compile without it.
mod hygiene;
mod order_schemas;
mod order_service;
mod pause;
mod readme_main;
mod responses;
mod scheduled;
mod schema_crate_path;
mod schema_derive;
mod schema_names;
mod server;
mod ssrf;
mod support;
mod ui;
mod webhooks;
