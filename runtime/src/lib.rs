//! # ringback
//!
//! Derive an HTTP API **and its OpenAPI 3 callbacks** from annotated Rust types.
//!
//! `#[derive(Schema)]` gives a type its OpenAPI schema (3.0.3 or 3.1.0), runtime validation of
//! its `#[schema]` rules with a JSON pointer for every violation, readOnly stripping and
//! writeOnly exclusion, and a `const` description of its JSON shape that compile-time checks
//! walk.
//!
//! ```
//! use ringback::{Schema, openapi::{Document, OpenApiVersion}};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Schema)]
//! #[serde(rename_all = "camelCase")]
//! pub struct BeerOrderLine {
//!     #[schema(read_only)]
//!     pub id: Option<uuid::Uuid>,
//!     pub upc: String,
//!     #[schema(minimum = 1, maximum = 999)]
//!     pub order_quantity: i32,
//! }
//!
//! let mut doc = Document::new("Beer Orders", "1.0");
//! BeerOrderLine::schema(&mut doc.components);
//! let json = doc.to_json(OpenApiVersion::V3_0_3);
//! let line = &json["components"]["schemas"]["BeerOrderLine"];
//! assert_eq!(line["properties"]["orderQuantity"]["maximum"], 999);
//! assert_eq!(line["properties"]["id"]["readOnly"], true);
//! ```
#![warn(missing_docs)]

pub mod openapi;
pub mod schema;

pub use schema::{shape, validate, Schema, Shape, Validator, Violation};

/// Derives [`Schema`](trait@Schema) for a struct or enum.
///
/// Field attributes, all under `#[schema(...)]`: `read_only`, `write_only`, `format = "..."`,
/// `minimum`, `maximum`, `exclusive_minimum`, `exclusive_maximum` (numbers), `min_length`,
/// `max_length`, `pattern` (strings), `min_items`, `max_items` (arrays), `example = <literal or
/// expression>`, `deprecated`, `description = "..."`. Container attributes: `rename = "..."`
/// (the component name), `description`, `deprecated`, `example`, `inline` (no component).
/// serde's own attributes (`rename`, `rename_all`, `skip*`, `default`, `flatten`, `tag`,
/// `content`, `untagged`, `transparent`) are read so the schema says what serde does.
///
/// ```
/// #[derive(serde::Serialize, ringback::Schema)]
/// #[serde(tag = "kind", rename_all = "snake_case")]
/// enum Event {
///     Placed { order_id: u64 },
///     Cancelled,
/// }
/// ```
pub use ringback_macros::Schema;

#[doc(hidden)]
pub mod __private;
