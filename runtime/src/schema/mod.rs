//! Types as OpenAPI schemas: the [`Schema`] trait, its implementations for standard types,
//! validation against `#[schema]` rules, and readOnly/writeOnly handling.

mod impls;
pub(crate) mod name;
pub mod normalize;
pub mod rules;
pub(crate) mod scan;
pub mod shape;
mod validate;
pub mod visibility;

pub use shape::Shape;
pub use validate::{Validator, Violation};

/// Appends an RFC 6901 reference token, escaped, to a pointer.
pub(crate) fn validate_pointer_push(pointer: &mut String, token: &str) {
    validate::push_escaped(pointer, token)
}

use crate::openapi::{Components, SchemaObject};

/// A type that has an OpenAPI schema, checks its own `#[schema]` rules, and knows which of its
/// properties are `readOnly` and `writeOnly`.
///
/// Derive it with `#[derive(ringback::Schema)]` next to serde's derives; the schema then
/// describes exactly what serde sends and accepts.
///
/// ```
/// use ringback::{Schema, openapi::{Components, OpenApiVersion}};
///
/// /// A line of an order.
/// #[derive(serde::Serialize, serde::Deserialize, Schema)]
/// #[serde(rename_all = "camelCase")]
/// struct OrderLine {
///     upc: String,
///     #[schema(minimum = 1, maximum = 999)]
///     order_quantity: i32,
/// }
///
/// let mut components = Components::default();
/// let reference = OrderLine::schema(&mut components);
/// assert_eq!(reference.to_json(OpenApiVersion::V3_0_3)["$ref"], "#/components/schemas/OrderLine");
///
/// let line = OrderLine { upc: "123".into(), order_quantity: 0 };
/// let violations = ringback::validate(&line);
/// assert_eq!(violations[0].pointer, "/orderQuantity");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no OpenAPI schema",
    label = "ringback needs a schema for this type",
    note = "add `#[derive(ringback::Schema)]` to `{Self}`, or implement `ringback::Schema` for it by hand"
)]
pub trait Schema {
    /// A `const` description of the JSON shape, which compile-time checks walk.
    const SHAPE: &'static Shape;

    /// The schema to use where this type appears: a `$ref` for named components (which it
    /// registers in `components`, with everything they use), an inline schema otherwise.
    fn schema(components: &mut Components) -> SchemaObject;

    /// Appends the name this type gives the component of a generic type it instantiates:
    /// `Page<Order>` is named `Page_` followed by `Order`'s name.
    ///
    /// A derived type writes its component name (its `rename`, or its Rust name), followed by
    /// `_` and its own type arguments' names if it is generic. Any other type writes its Rust
    /// name, paths dropped and punctuation made `_`: `Vec<Order>` is `Vec_Order`, `i32` is
    /// `i32`, `HashMap<String, Order>` is `HashMap_String_Order`.
    ///
    /// ```
    /// use ringback::Schema;
    /// #[derive(ringback::Schema)]
    /// #[schema(rename = "OrderV2")]
    /// struct Order { id: u32 }
    ///
    /// let mut name = String::new();
    /// Vec::<Order>::write_name(&mut name);
    /// assert_eq!(name, "Vec_OrderV2");
    /// ```
    fn write_name(name: &mut String) {
        name::push_rust_name(name, core::any::type_name::<Self>());
    }

    /// Checks the value against its `#[schema]` rules and pushes every violation.
    fn validate(&self, _validator: &mut Validator) {}

    /// Removes from `value` (JSON as a client sent it, before it is deserialized) every
    /// property marked `readOnly`, at any depth, and reports the pointers of those it removed.
    fn strip_read_only(_value: &mut serde_json::Value, _removed: &mut visibility::Removed) {}

    /// Removes from `value` (JSON about to be sent) every property marked `writeOnly`.
    fn strip_write_only(_value: &mut serde_json::Value) {}

    /// Resets every `readOnly` property of a value deserialized from what a client sent to
    /// what it would be had the client left it out, at any depth. `false` when the type cannot
    /// (the body is then stripped as JSON before it is deserialized).
    #[doc(hidden)]
    fn clear_read_only(&mut self) -> bool {
        !const { shape::contains_read_only(Self::SHAPE) }
    }
}

/// Validates `value` against its `#[schema]` rules and returns every violation found.
///
/// ```
/// #[derive(ringback::Schema)]
/// struct Name {
///     #[schema(min_length = 1)]
///     first: String,
/// }
/// let violations = ringback::validate(&Name { first: String::new() });
/// assert_eq!(violations.len(), 1);
/// assert_eq!(violations[0].pointer, "/first");
/// ```
pub fn validate<T: Schema + ?Sized>(value: &T) -> Vec<Violation> {
    let mut validator = Validator::new();
    value.validate(&mut validator);
    validator.into_violations()
}
