//! The compile-time checks of a declaration, run by constant evaluation: the operation macro
//! emits `const _: () = check_...(...)` spanned at the user's token, and a failed check stops
//! the build with a [`Message`] that says what to write instead.
//!
//! The checks read only descriptions (argument kinds, shapes, expressions), never the server
//! or the callback model, so they sit in the layer below both.

mod callback;
mod message;
mod operation;

pub use callback::{check_callback, OperationShapes};
pub use message::Message;
pub use operation::{check_arg, check_template};

use crate::schema::shape::{ObjectShape, Shape};

/// What kind of request part an extractor reads; compile-time checks use it to match `Path`
/// arguments with the path template and to refuse a body on GET.
///
/// ```
/// use ringback::server::{Extractor, ExtractorKind};
/// assert_eq!(<ringback::Path<u64> as Extractor>::KIND, ExtractorKind::Path);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum ExtractorKind {
    /// Application state.
    State,
    /// Path parameters.
    Path,
    /// Query parameters.
    Query,
    /// A header.
    Header,
    /// The JSON body.
    Body,
    /// A callback resolved from the request.
    Callback,
    /// The authenticated principal (`Auth<P>`).
    Auth,
    /// Any other axum `FromRequestParts` extractor: ringback neither checks nor documents it,
    /// unless its type implements [`Documented`](crate::server::Documented).
    Foreign,
}

/// An argument as the checks see it.
pub struct ArgShape {
    /// The argument's name.
    pub ident: &'static str,
    /// What it reads.
    pub kind: ExtractorKind,
    /// The shape of what it reads.
    pub shape: &'static Shape,
}

const fn object_of(mut shape: &'static Shape) -> Option<&'static ObjectShape> {
    while let Shape::Optional(inner) = shape {
        shape = inner;
    }
    match shape {
        Shape::Object(o) => Some(o),
        _ => None,
    }
}
