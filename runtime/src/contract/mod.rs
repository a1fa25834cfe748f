//! Spec-first: hold the code to a committed OpenAPI document, and say what changed and
//! whether it breaks clients.
//!
//! [`compare`] takes any two OpenAPI documents (3.0.x or 3.1.x, read from JSON or YAML with
//! [`load`] or [`parse`]) and gives a [`Report`]: every difference, with a JSON pointer into
//! each document, a sentence, where the API uses it, and its [`Class`]: breaking for the
//! clients of the older document, compatible, or documentation only. [`assert_matches`] holds
//! an [`Api`](crate::Api) to a committed file in a test, and rewrites the file when
//! `RINGBACK_CONTRACT=overwrite` is set, as `TRYBUILD=overwrite` does for trybuild.
//!
//! ```no_run
//! use ringback::contract::{assert_matches, Allow};
//! # fn api() -> ringback::Api<()> { ringback::Api::new("Shop", "1.0") }
//!
//! #[test]
//! fn the_code_keeps_its_contract() {
//!     // Fails on a breaking difference, with a report; additions pass.
//!     assert_matches(&api(), "openapi.yaml", Allow::Compatible);
//! }
//! ```
//!
//! # How differences are classed
//!
//! oasdiff's rules are the reference (its ERR and WARN levels are breaking here, its INFO
//! compatible, and what its changelog leaves out documentation only). A schema's change is
//! judged by the way its data flows: a request may accept more but not less, a response may
//! promise more but not less, and a callback turns both around (the service writes its
//! request, the client its response). Changes under a property that a flow never carries
//! (readOnly in a request, writeOnly in a response) are compatible. Where ringback differs:
//!
//! - **Any removed response is breaking**; oasdiff calls removing a non-2xx response
//!   information. A client that handles a documented status, and a client generated with a
//!   type per status, both rely on it.
//! - **Callbacks are compared**, which oasdiff does not: a removed callback, or one sent to
//!   another runtime expression, is breaking (the client's registration no longer reaches
//!   it); the callback's bodies are judged with the flows reversed.
//! - **Security changes that refuse a client are breaking**; oasdiff reports every security
//!   change as information. A requirement where there was none, an alternative removed that no
//!   remaining one is weaker than, a scheme that takes its credential elsewhere: each turns
//!   away a client that was let in.
//! - **A pattern removed or changed in a response is breaking** (oasdiff: information), as a
//!   raised `maxLength` is for oasdiff too: the client may now read values it did not expect.
//! - **A readOnly property that is no longer readOnly and is required breaks requests**, and a
//!   property that becomes writeOnly breaks responses (it disappears from them); oasdiff calls
//!   both information.
//! - oasdiff's warnings (a removed optional property, a removed parameter, a changed pattern,
//!   an enum value added to a response) are breaking here: ringback has one level for "may
//!   break", as `oasdiff breaking` lists warnings with errors.
//! - Servers, `operationId`s, tags and unused components are compatible: they are not on the
//!   wire. Descriptions, summaries, titles, examples and `x-` extensions are documentation.

mod classify;
mod committed;
mod diff;
mod generic;
mod keywords;
mod load;
mod parts;
mod report;
mod schema_diff;
mod security;
mod view;
mod walk;

pub use classify::{Allow, Class};
pub use committed::{assert_matches, check, write, Source, OVERWRITE_VAR};
pub use diff::compare;
pub use load::{load, parse, ContractError};
pub use report::{Difference, Report};
