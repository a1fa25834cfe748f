//! Paths for generated code only: not part of the public API, and may change at any time.

pub use crate::openapi::{AdditionalProperties, Components, SchemaObject, Type};
pub use crate::schema::rules;
pub use crate::schema::shape::{self, FieldShape, ObjectShape, Shape};
pub use crate::schema::visibility::{self, Removed};
pub use crate::schema::{Schema, Validator};
pub use serde_json::{self, Number, Value};

pub use core::default::Default;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use std::string::String;
pub use std::vec::Vec;

/// Marks a type's own name inside its field types, so that its `const` shape can refer to
/// itself by name instead of by value (which would make constant evaluation loop).
pub struct Recursive<T: ?Sized>(core::marker::PhantomData<T>);

/// The name a type's object shape carries, for [`Recursive`] to refer to.
pub trait Named {
    /// The type's name.
    const NAME: &'static str;
}

impl<T: Named + Schema + ?Sized> Schema for Recursive<T> {
    const SHAPE: &'static Shape = &Shape::Recursive(T::NAME);
    fn schema(c: &mut Components) -> SchemaObject {
        T::schema(c)
    }
}

/// Registers a derived type's component (see [`Components::register`]), handing `build` its
/// name, from which the names of its tagged variants' components derive.
pub fn register_component(
    components: &mut Components,
    name: &str,
    type_name: &'static str,
    build: fn(&mut Components, &str) -> SchemaObject,
) -> SchemaObject {
    components.register_named(name, type_name, build)
}

/// The component name of a generic type's instantiation, as its `write_name` spells it.
pub fn component_name(write: fn(&mut String)) -> String {
    let mut name = String::new();
    write(&mut name);
    name
}

/// Appends a derived generic type's base name; then [`push_argument`] for each argument.
pub fn push_name(name: &mut String, base: &str) {
    name.push_str(base);
}

/// Appends `_` and one type argument's name to a generic type's name.
pub fn push_argument(name: &mut String, write: fn(&mut String)) {
    crate::schema::name::push_argument(name, write)
}

/// Appends `_` and a const argument of a generic type (`Code<4>` is `Code_4`).
pub fn push_value(name: &mut String, value: &dyn core::fmt::Display) {
    use core::fmt::Write;
    let start = name.len() + 1;
    let _ = write!(name, "_{value}");
    // A `char` or `&str` argument may hold what a component name cannot.
    let tail: String = name[start..]
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    name.truncate(start);
    name.push_str(&tail);
}

/// The component name of a tagged enum's variant: `Event_Created`.
pub fn variant_name(enum_name: &str, variant: &str) -> String {
    format!("{enum_name}_{variant}")
}

/// Adds a tagged variant's component to an enum's `oneOf`, and to the discriminator that
/// `tag` makes (so a client picks the variant by the tag's `value`).
pub fn push_variant(enum_schema: &mut SchemaObject, tag: &str, value: &str, variant: SchemaObject) {
    let discriminator =
        enum_schema
            .discriminator
            .get_or_insert_with(|| crate::openapi::Discriminator {
                property_name: tag.to_owned(),
                mapping: Vec::new(),
            });
    if let Some(name) = &variant.reference {
        discriminator.mapping.push((value.to_owned(), name.clone()));
    }
    enum_schema.one_of.push(variant);
}

/// Adds the property `name` to a derived object's schema, listed as required when `required`
/// and its shape is not optional, and hands back its schema for the field's annotations: one
/// call per field, compiled once, instead of the pushes spelled out in every derived type.
pub fn push_property<'a>(
    object: &'a mut SchemaObject,
    name: &str,
    required: bool,
    shape: &'static Shape,
    schema: SchemaObject,
) -> &'a mut SchemaObject {
    if required && !shape::is_optional(shape) {
        object.required.push(name.to_owned());
    }
    object.properties.push((name.to_owned(), schema));
    &mut object
        .properties
        .last_mut()
        .expect("the property was just pushed")
        .1
}

/// An example written as an expression, turned into JSON.
pub fn example<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A number literal from an attribute, for a schema bound.
pub fn number_i128(n: i128) -> Number {
    if let Ok(i) = i64::try_from(n) {
        Number::from(i)
    } else if let Ok(u) = u64::try_from(n) {
        Number::from(u)
    } else {
        Number::from_f64(n as f64).unwrap_or_else(|| Number::from(0))
    }
}

/// A float literal from an attribute, for a schema bound.
pub fn number_f64(n: f64) -> Number {
    Number::from_f64(n).unwrap_or_else(|| Number::from(0))
}

/// An owned string, callable without `From` in scope.
pub fn string(s: &str) -> String {
    String::from(s)
}

/// A schema with nothing set, callable without `Default` in scope.
pub fn empty_schema() -> SchemaObject {
    SchemaObject::default()
}

pub use crate::callback::CallbackDecl;
pub use crate::checks::{check_arg, check_callback, check_template, ArgShape, OperationShapes};
pub use crate::openapi::{Method, Operation};

/// Asserts that a `Callback<T>` argument carries the body its callback declares.
pub const fn assert_callback_body<Declared: SameAs<Argument>, Argument>() {}

/// Implemented only for `T` itself: a type equality the compiler can explain.
#[diagnostic::on_unimplemented(
    message = "the callback declares `body = {Self}`, but its argument is `Callback<{T}>`",
    label = "this callback's body type",
    note = "make the `body` of the callback and the type inside `Callback<..>` the same, or drop `body` and let the argument decide"
)]
pub trait SameAs<T: ?Sized> {}
impl<T: ?Sized> SameAs<T> for T {}
pub use crate::server::auth::PrincipalType;
pub use crate::server::{
    merge_problems, ArgInfo, DocumentedProbe, Extractor, ExtractorKind, Foreign, FromRequest,
    HandlerFuture, HeaderDecl, IntoApiResponse, IntoOperation, OperationDef, OperationMeta, Probe,
    Problem, ReadOnlyPolicy, RequestParts, ResponseDecl, UndocumentedProbe,
};
pub use axum::response::{IntoResponse, Response};
pub use core::marker::{Send, Sync};
pub use std::boxed::Box;

/// Asserts that a handler's return type is a response; the error lands on the return type.
pub fn assert_response<T: IntoApiResponse>() {}

/// [`IntoApiResponse`] as generated code uses it. The bound `R: ResponseFor<S>` mentions the
/// state type, so a wrong return type is reported once, by [`assert_response`], not again
/// wherever the generated code uses it.
pub trait ResponseFor<S>: Send {
    /// The success status.
    const STATUS: http::StatusCode;
    /// Documents the responses it can be.
    fn document(
        status: http::StatusCode,
        responses: &mut crate::server::Responses,
        components: &mut Components,
    );
    /// The response.
    fn respond(self) -> Response;
}

impl<S, R: IntoApiResponse> ResponseFor<S> for R {
    const STATUS: http::StatusCode = R::STATUS;
    fn document(
        status: http::StatusCode,
        responses: &mut crate::server::Responses,
        components: &mut Components,
    ) {
        R::document(status, responses, components)
    }
    fn respond(self) -> Response {
        self.into_api_response()
    }
}

pub use crate::server::{
    document_variants, restate, with_headers, HeaderField, ResponseBody, ResponseVariant,
    Responses, VariantHeader,
};
pub use http::StatusCode;

/// The status `code`, which the macros have checked, as a constant.
pub const fn status(code: u16) -> StatusCode {
    match StatusCode::from_u16(code) {
        Ok(status) => status,
        Err(_) => panic!("not an HTTP status code"),
    }
}

/// An extracted argument, or `None` with its problem kept for the answer: one function per
/// argument type, shared by every operation that takes it, instead of a `match` written out
/// in each.
pub fn keep<T>(extracted: Result<T, Problem>, refused: &mut Vec<Problem>) -> Option<T> {
    match extracted {
        Ok(value) => Some(value),
        Err(problem) => {
            refused.push(problem);
            None
        }
    }
}

/// The response for what the extractors refused.
pub fn refused(problems: Vec<Problem>) -> Response {
    IntoResponse::into_response(merge_problems(problems))
}
