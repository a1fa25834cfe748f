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
//!
//! ## Layers
//!
//! The modules form layers, and a module uses only the layers below its own (a unit test reads
//! every source file and fails on a use upwards):
//!
//! | layer | modules | what they hold |
//! |---|---|---|
//! | 5 | [`receiver`], `bridge`, [`console`] | verifying and decoding callbacks on the receiving side; conversions between the two modules of layer 4 (`ApiError` from `SendError`); the outbox console's pages over a dispatcher, behind an optional sign-in |
//! | 4 | [`server`], [`dispatch`] | axum integration and every extractor (`Callback<T>`'s too); outbox stores, worker, signing, SSRF guard |
//! | 3 | [`callback`], `checks` | the callback model (declarations, targets, what a body is scanned for); the compile-time checks of a declaration and the message they stop the build with |
//! | 2 | [`schema`], [`contract`] | shapes, rules, validation, readOnly/writeOnly; comparing two OpenAPI documents (a committed contract and the code's) |
//! | 1 | [`openapi`], [`expr`] | the document model (3.0.3 / 3.1.0) and the declarations that render into it; runtime expressions: parse, evaluate |
//! | 0 | `case` | `const` name utilities: serde's `rename_all` rules, string equality, how an argument name meets a parameter name; the same file as the macro crate's |
//!
//! Generated code names only `::ringback::__private`, which re-exports from every layer.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

// Lets `#[derive(Schema)]` name `::ringback` inside this crate too.
extern crate self as ringback;

mod bridge;
pub mod callback;
#[path = "../../macros/src/case.rs"]
mod case;
mod checks;
pub mod console;
pub mod contract;
pub mod dispatch;
pub mod expr;
pub mod openapi;
pub mod receiver;
pub mod schema;
pub mod server;

pub use callback::{Callback, WebhookEvent};
pub use schema::{shape, validate, Schema, Shape, Validator, Violation};
pub use server::auth;
pub use server::{
    Api, ApiError, Body, Bytes, Created, Header, NoContent, Path, Problem, Query, ReadOnlyPolicy,
    State, Text,
};

/// Derives [`Schema`](trait@Schema) for a struct or enum.
///
/// Field attributes, all under `#[schema(...)]`: `read_only`, `write_only`, `format = "..."`,
/// `minimum`, `maximum`, `exclusive_minimum`, `exclusive_maximum` (numbers), `min_length`,
/// `max_length`, `pattern` (strings), `min_items`, `max_items` (arrays), `example = <literal or
/// expression>`, `deprecated`, `description = "..."`. Container attributes: `rename = "..."`
/// (the component name), `description`, `deprecated`, `example`, `inline` (no component),
/// `crate = "path"` (where ringback is, for a crate that re-exports it, as serde's own
/// `crate` attribute does). serde's own attributes (`rename`, `rename_all`, `skip*`, `default`, `flatten`, `tag`,
/// `content`, `untagged`, `transparent`) are read so the schema says what serde does.
///
/// # Component names
///
/// A type is the component named after it (its `rename`, or its Rust name), and every use of
/// it is a `$ref` to that component; `#[schema(inline)]` writes it in place instead.
///
/// - **Generic types**: each instantiation is a component of its own, named after the type
///   followed by `_` and the name of each type argument, in order: `Page<Order>` is
///   `Page_Order`, `Pair<Order, Page<Product>>` is `Pair_Order_Page_Product`. A derived
///   argument is named by its component name (so a `rename` shows), any other type by its Rust
///   name without its path: `Page<Vec<Option<Order>>>` is `Page_Vec_Option_Order`,
///   `Page<HashMap<String, u8>>` is `Page_HashMap_String_u8` (see [`Schema::write_name`]); a
///   const argument by its value: `Code<4>` is `Code_4`.
/// - **Tagged enums**: the variants of an internally (`tag`) or adjacently (`tag` + `content`)
///   tagged enum are components named `<Enum>_<Variant>` after the variant's Rust name
///   (`Event_Placed`), and the enum is their `oneOf` with a `discriminator` whose `mapping`
///   takes each tag value to its variant's component.
///
/// Two types that end up with one name (two `Order`s from different modules, or
/// `Page<a::Order>` and `Page<b::Order>`) are refused when the document is built, with both
/// types named: give one a `rename`. A name may use only ASCII letters, digits, `.`, `-` and
/// `_`, as OpenAPI requires; a type or tagged variant whose Rust name has other characters
/// is a compile error that asks for a `rename`.
///
/// ```
/// use ringback::{openapi::{Components, OpenApiVersion}, Schema};
///
/// #[derive(serde::Serialize, Schema)]
/// struct Page<T> {
///     items: Vec<T>,
/// }
///
/// #[derive(serde::Serialize, Schema)]
/// #[serde(tag = "kind", rename_all = "snake_case")]
/// enum Event {
///     Placed { order_id: u64 },
///     Cancelled,
/// }
///
/// let mut components = Components::default();
/// let page = Page::<Event>::schema(&mut components);
/// assert_eq!(page.reference.as_deref(), Some("Page_Event"));
///
/// let event = components.get("Event").unwrap().to_json(OpenApiVersion::V3_0_3);
/// assert_eq!(event["oneOf"][0]["$ref"], "#/components/schemas/Event_Placed");
/// assert_eq!(event["discriminator"]["propertyName"], "kind");
/// assert_eq!(
///     event["discriminator"]["mapping"]["cancelled"],
///     "#/components/schemas/Event_Cancelled"
/// );
/// ```
pub use ringback_macros::Schema;

/// Derives [`IntoApiResponse`](server::IntoApiResponse) for an enum with one variant per
/// response, so that a handler can answer several statuses, each documented.
///
/// Each variant takes `#[response(status = 404)]` (200 to 599) and an optional
/// `description = ".."` (default: its doc comment, or else the reason phrase). A unit variant
/// has no body; a tuple variant's one field is its body; in a variant with named fields, the
/// fields marked `#[response(header = "Retry-After")]` (with optional `description` and
/// `format`) are headers, and the one other field, if any, is the body. A body is a type that
/// derives `Schema` and `Serialize` (JSON), [`Text`] or [`Bytes`]; a header field is a
/// `String`, `&'static str`, an integer, or an `Option` of one (then sent only when `Some`,
/// and documented as not required).
///
/// Two variants with one status are a compile error (the document lists one response per
/// status): merge them, with an enum body if needed. A 204, 205 or 304 variant has no body.
/// `$response.body` callback expressions read the body of the only 2xx variant that has one;
/// with several 2xx bodies there is no `$response.body` to read.
///
/// ```
/// use ringback::{Api, ApiError, Path, Text};
///
/// #[derive(serde::Serialize, ringback::Schema)]
/// struct Order { id: u64 }
///
/// #[derive(ringback::ApiResponse)]
/// enum GetOrder {
///     /// The order.
///     #[response(status = 200)]
///     Found(Order),
///     /// Still being placed; ask again later.
///     #[response(status = 202)]
///     Pending {
///         #[response(header = "Retry-After", description = "Seconds to wait.")]
///         retry_after: u32,
///     },
///     /// No such order.
///     #[response(status = 404)]
///     Missing(Text),
/// }
///
/// #[ringback::get("/orders/{id}")]
/// async fn get_order(id: Path<u64>) -> Result<GetOrder, ApiError> {
///     Ok(match id.0 {
///         0 => GetOrder::Missing(Text::from("no order 0")),
///         1 => GetOrder::Pending { retry_after: 5 },
///         id => GetOrder::Found(Order { id }),
///     })
/// }
///
/// let doc = Api::<()>::new("Shop", "1").operation(get_order).document();
/// let json = doc.to_json(ringback::openapi::OpenApiVersion::V3_0_3);
/// let responses = &json["paths"]["/orders/{id}"]["get"]["responses"];
/// assert_eq!(responses["202"]["headers"]["Retry-After"]["required"], true);
/// assert_eq!(responses["404"]["content"]["text/plain; charset=utf-8"]["schema"]["type"], "string");
/// ```
pub use ringback_macros::ApiResponse;

/// Declares a GET operation on an `async fn` handler.
///
/// `#[ringback::get("/path/{param}", key = value, ...)]` with the keys `operation_id` (default:
/// the function name in camelCase), `tag = ".."` or `tags(".."...)`, `summary`, `description`
/// (default: the doc comment), `deprecated`, `responses(200 = "..", 404 = "..",
/// 201(description = "..", body = T, header(name = "..", format = "..")))`,
/// `security(scheme = ["scope"])`, `read_only = "strip" | "reject"` and `status = 202`
/// (the success status of a handler that returns a plain body, [`Text`] or [`Bytes`]: a
/// 2xx other than 204 and 205; `Created`, `NoContent` and response enums set their own).
///
/// The handler becomes a unit struct of the same name that [`Api::operation`] takes.
///
/// ```
/// use ringback::{Api, ApiError, Path};
///
/// /// Get an order.
/// #[ringback::get("/orders/{orderId}", tag = "Orders", responses(200 = "The order", 404 = "No such order"))]
/// async fn get_order(order_id: Path<u64>) -> Result<String, ApiError> {
///     Err(ApiError::not_found(format!("no order {}", order_id.0)))
/// }
///
/// let doc = Api::<()>::new("Shop", "1").operation(get_order).document();
/// let json = doc.to_json(ringback::openapi::OpenApiVersion::V3_0_3);
/// assert_eq!(json["paths"]["/orders/{orderId}"]["get"]["operationId"], "getOrder");
/// ```
pub use ringback_macros::get;

/// Declares a POST operation; the keys are those of [`get`](macro@get).
///
/// ```
/// use ringback::{Api, Body, Created};
///
/// #[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
/// struct Pet { name: String }
///
/// #[ringback::post("/pets", responses(201 = "Created"))]
/// async fn add_pet(pet: Body<Pet>) -> Created<Pet> {
///     Created::new("/pets/1", pet.0)
/// }
/// let _ = Api::<()>::new("Pets", "1").operation(add_pet);
///
/// /// Queue a pet for grooming: the handler answers 202, and the document lists 202.
/// #[ringback::post("/pets/{id}/grooming", status = 202)]
/// async fn groom(id: ringback::Path<u32>) -> Pet {
///     Pet { name: format!("pet {}", id.0) }
/// }
/// let doc = Api::<()>::new("Pets", "1").operation(groom).document();
/// let json = doc.to_json(ringback::openapi::OpenApiVersion::V3_1_0);
/// assert!(json["paths"]["/pets/{id}/grooming"]["post"]["responses"]["202"].is_object());
/// ```
pub use ringback_macros::post;

/// Declares a PUT operation; the keys are those of [`get`](macro@get).
///
/// ```
/// #[ringback::put("/pets/{id}")]
/// async fn put_pet(id: ringback::Path<u32>, pet: ringback::Body<String>) -> ringback::NoContent {
///     ringback::NoContent
/// }
/// ```
pub use ringback_macros::put;

/// Declares a PATCH operation; the keys are those of [`get`](macro@get).
///
/// ```
/// #[ringback::patch("/pets/{id}")]
/// async fn rename_pet(id: ringback::Path<u32>, name: ringback::Body<String>) -> ringback::NoContent {
///     ringback::NoContent
/// }
/// ```
pub use ringback_macros::patch;

/// Declares a DELETE operation; the keys are those of [`get`](macro@get).
///
/// ```
/// #[ringback::delete("/pets/{id}", responses(204 = "Deleted"))]
/// async fn delete_pet(id: ringback::Path<u32>) -> ringback::NoContent {
///     ringback::NoContent
/// }
/// ```
pub use ringback_macros::delete;

#[doc(hidden)]
pub mod __private;

#[cfg(test)]
mod layers;
