//! Responses as the operation macros declare them: static tables that the server and the
//! callback model both turn into the document's responses.

use super::{Components, SchemaObject};

/// A declared response: `responses(201 = "Order Created")` or with a typed body and headers.
#[derive(Debug)]
pub struct ResponseDecl {
    /// The status code.
    pub status: u16,
    /// What it means.
    pub description: &'static str,
    /// Its body's schema, when declared with `body = T`.
    pub body: Option<fn(&mut Components) -> SchemaObject>,
    /// Its headers.
    pub headers: &'static [HeaderDecl],
}

/// A declared response header.
#[derive(Debug)]
pub struct HeaderDecl {
    /// Its name.
    pub name: &'static str,
    /// What it means.
    pub description: Option<&'static str>,
    /// Its schema's format, if any (a header is a string).
    pub format: Option<&'static str>,
}
