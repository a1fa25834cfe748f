//! The responses of a `#[derive(ApiResponse)]` enum: a table the derive writes, one row per
//! variant, and the functions that document it and set its headers.

use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, StatusCode};

use super::{document_one, Responses};
use crate::openapi::{Components, Header, SchemaObject};
use crate::server::problem::ApiError;

/// Documents a body: its media type and schema (`ResponseBody::content`).
pub type ContentFn = fn(&mut Components) -> (&'static str, SchemaObject);

/// One variant of a response enum, as the derive describes it.
#[derive(Debug)]
pub struct ResponseVariant {
    /// Its status.
    pub status: u16,
    /// What it means (its doc comment or `description = ".."`); the reason phrase if `None`.
    pub description: Option<&'static str>,
    /// Its body's media type and schema, if it has a body.
    pub content: Option<ContentFn>,
    /// Its headers.
    pub headers: &'static [VariantHeader],
}

/// A header a variant sends, from one of its fields.
#[derive(Debug)]
pub struct VariantHeader {
    /// Its name.
    pub name: &'static str,
    /// What it means.
    pub description: Option<&'static str>,
    /// Its schema's format, if any (a header is a string).
    pub format: Option<&'static str>,
    /// Whether every response of the variant carries it (false for an `Option` field).
    pub required: bool,
}

/// Documents each variant of a response enum under its status.
pub fn document_variants(
    variants: &[ResponseVariant],
    responses: &mut Responses,
    components: &mut Components,
) {
    for variant in variants {
        let status = StatusCode::from_u16(variant.status).unwrap_or(StatusCode::OK);
        let content = variant.content.map(|content| content(components));
        let headers: Vec<(&str, Header)> = variant
            .headers
            .iter()
            .map(|h| {
                let header = Header {
                    description: h.description.map(str::to_owned),
                    required: h.required,
                    schema: SchemaObject::string(h.format),
                };
                (h.name, header)
            })
            .collect();
        let response = document_one(responses, status, content, &headers);
        if let Some(description) = variant.description {
            response.description = description.to_owned();
        }
    }
}

/// The value of a header field of a response variant.
///
/// ```
/// use ringback::server::HeaderField;
/// assert_eq!(42u32.header_value().as_deref(), Some("42"));
/// assert_eq!(None::<String>.header_value(), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a response header",
    label = "not a header value",
    note = "a header field is a `String`, `&'static str`, an integer, or an `Option` of one (sent only when `Some`)"
)]
pub trait HeaderField {
    /// Whether the header is always sent.
    const REQUIRED: bool = true;

    /// The header's value; `None` leaves the header out.
    fn header_value(&self) -> Option<String>;
}

impl HeaderField for String {
    fn header_value(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl HeaderField for &'static str {
    fn header_value(&self) -> Option<String> {
        Some((*self).to_owned())
    }
}

macro_rules! integer_header_fields {
    ($($t:ty),*) => {$(
        impl HeaderField for $t {
            fn header_value(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
integer_header_fields!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl<T: HeaderField> HeaderField for Option<T> {
    const REQUIRED: bool = false;

    fn header_value(&self) -> Option<String> {
        self.as_ref().and_then(HeaderField::header_value)
    }
}

/// The response with these headers added; a value that is not a valid header is a 500, as
/// a body that does not serialize is. (The derive checks the names.)
pub fn with_headers(
    mut response: Response,
    headers: &[(&'static str, Option<String>)],
) -> Response {
    for (name, value) in headers {
        let Some(value) = value else { continue };
        match (
            HeaderName::try_from(*name),
            HeaderValue::try_from(value.as_str()),
        ) {
            (Ok(name), Ok(value)) => {
                response.headers_mut().append(name, value);
            }
            _ => {
                return ApiError::internal(format!("the {name} header is not a valid header value"))
                    .into_response()
            }
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    static VARIANTS: [ResponseVariant; 2] = [
        ResponseVariant {
            status: 200,
            description: Some("The order"),
            content: Some(<u32 as super::super::ResponseBody>::content),
            headers: &[VariantHeader {
                name: "ETag",
                description: None,
                format: None,
                required: true,
            }],
        },
        ResponseVariant {
            status: 400,
            description: None,
            content: Some(<String as super::super::ResponseBody>::content),
            headers: &[],
        },
    ];

    #[test]
    fn every_variant_is_documented_under_its_status() {
        let mut responses = Responses::new();
        responses.insert("400".to_owned(), Default::default());
        document_variants(&VARIANTS, &mut responses, &mut Components::default());
        assert_eq!(responses["200"].description, "The order");
        assert!(responses["200"].headers["ETag"].required);
        assert_eq!(responses["400"].description, "Bad Request");
        assert!(responses["400"].content.contains_key("application/json"));
    }

    #[test]
    fn headers_are_set_and_bad_values_are_a_500() {
        let ok = with_headers(
            StatusCode::OK.into_response(),
            &[("ETag", Some("\"1\"".to_owned())), ("X-Gone", None)],
        );
        assert_eq!(ok.headers()["etag"], "\"1\"");
        assert!(!ok.headers().contains_key("x-gone"));
        let bad = with_headers(
            StatusCode::OK.into_response(),
            &[("ETag", Some("a\nb".to_owned()))],
        );
        assert_eq!(bad.status(), 500);
    }
}
