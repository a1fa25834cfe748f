//! Handler return types and the responses they document.
//!
//! A handler returns one of: a body ([`ResponseBody`]: a `Schema` type as JSON, [`Text`],
//! [`Bytes`]) answered with 200 or the operation's `status = ..`; [`Created`]; [`NoContent`];
//! an enum deriving `ApiResponse` (one variant per status); or `Result` of any of them with
//! [`ApiError`].

mod body;
mod variants;

use std::collections::BTreeMap;

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

use super::problem::ApiError;
use crate::openapi::{Components, Header, MediaType, Response as ResponseDoc, SchemaObject};
use crate::Shape;

pub use body::{Bytes, BytesMediaType, OctetStream, ResponseBody, Text};
pub use variants::{
    document_variants, with_headers, ContentFn, HeaderField, ResponseVariant, VariantHeader,
};

/// The responses of an operation, by status code, as the document lists them.
pub type Responses = BTreeMap<String, ResponseDoc>;

/// What a handler returns: it becomes the HTTP response and documents the responses it can be.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a ringback handler",
    label = "not a ringback response",
    note = "return a type that derives `Schema` and `Serialize` (200), `Text`, `Bytes<M>`, `Created<T>` (201), `NoContent` (204), an enum that derives `ApiResponse`, or `Result` of one of them with `ApiError`"
)]
pub trait IntoApiResponse: Send {
    /// The success status it answers with when the operation declares none. For an enum, the
    /// status of the variant that [`BODY`](Self::BODY) describes, or else of its first 2xx
    /// variant.
    const STATUS: StatusCode;

    /// The shape of the success body, if there is one (`$response.body` expressions read it).
    /// For an enum, the JSON body of its only 2xx variant with a body; `None` when several
    /// 2xx variants carry one, since a callback could not know which it reads.
    const BODY: Option<&'static Shape> = None;

    /// Whether the operation may declare another success status (`status = 202`): true for a
    /// plain body, which means nothing by itself; false where the type is the status
    /// (`Created`, `NoContent`, an enum).
    const RESTATABLE: bool = false;

    /// Documents every response it can be. `status` is the success status of the operation
    /// (declared, or [`STATUS`](Self::STATUS)); only a restatable type reads it.
    fn document(status: StatusCode, responses: &mut Responses, components: &mut Components);

    /// The response.
    fn into_api_response(self) -> Response;
}

impl<T: ResponseBody> IntoApiResponse for T {
    const STATUS: StatusCode = StatusCode::OK;
    const BODY: Option<&'static Shape> = T::SHAPE;
    const RESTATABLE: bool = true;

    fn document(status: StatusCode, responses: &mut Responses, components: &mut Components) {
        let content = T::content(components);
        document_one(responses, status, Some(content), &[]);
    }

    fn into_api_response(self) -> Response {
        self.respond(StatusCode::OK)
    }
}

/// Adds the response `status` with its content and headers: merged into one already listed
/// (a status ringback itself can answer with, such as 400), so that both bodies are shown.
fn document_one<'r>(
    responses: &'r mut Responses,
    status: StatusCode,
    content: Option<(&'static str, SchemaObject)>,
    headers: &[(&str, Header)],
) -> &'r mut ResponseDoc {
    let response = responses.entry(status.as_u16().to_string()).or_default();
    response.description = reason(status);
    if let Some((media_type, schema)) = content {
        response
            .content
            .insert(media_type.to_owned(), MediaType { schema });
    }
    for (name, header) in headers {
        response.headers.insert((*name).to_owned(), header.clone());
    }
    response
}

/// The standard reason phrase of `status`, as a response's description.
pub(crate) fn reason(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("Response").to_owned()
}

/// `201 Created` with a `Location` header and the created resource as the body.
///
/// ```
/// use ringback::server::Created;
/// let created = Created::new("/v1/orders/1", 1u32);
/// assert_eq!(created.location(), "/v1/orders/1");
/// ```
#[derive(Debug, Clone)]
pub struct Created<T> {
    location: String,
    body: T,
}

impl<T> Created<T> {
    /// The resource `body`, now found at `location`.
    pub fn new(location: impl Into<String>, body: T) -> Self {
        Created {
            location: location.into(),
            body,
        }
    }

    /// Where the resource is.
    pub fn location(&self) -> &str {
        &self.location
    }
}

impl<T: ResponseBody> IntoApiResponse for Created<T> {
    const STATUS: StatusCode = StatusCode::CREATED;
    const BODY: Option<&'static Shape> = T::SHAPE;

    fn document(_: StatusCode, responses: &mut Responses, components: &mut Components) {
        let content = T::content(components);
        document_created(responses, content);
    }

    fn into_api_response(self) -> Response {
        let response = self.body.respond(StatusCode::CREATED);
        with_location(response, self.location)
    }
}

fn document_created(responses: &mut Responses, content: (&'static str, SchemaObject)) {
    let location = Header {
        description: Some("Where the created resource is.".to_owned()),
        required: true,
        schema: SchemaObject::string(Some("uri")),
    };
    document_one(
        responses,
        StatusCode::CREATED,
        Some(content),
        &[("Location", location)],
    );
}

fn with_location(mut response: Response, location: String) -> Response {
    match HeaderValue::try_from(location) {
        Ok(location) => {
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        Err(_) => {
            ApiError::internal("Created location is not a valid header value").into_response()
        }
    }
}

/// `204 No Content`, documented with no content.
///
/// ```
/// use ringback::server::{IntoApiResponse, NoContent};
/// assert_eq!(NoContent.into_api_response().status(), 204);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoContent;

impl IntoApiResponse for NoContent {
    const STATUS: StatusCode = StatusCode::NO_CONTENT;

    fn document(_: StatusCode, responses: &mut Responses, _: &mut Components) {
        document_one(responses, StatusCode::NO_CONTENT, None, &[]);
    }

    fn into_api_response(self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }
}

impl<R: IntoApiResponse> IntoApiResponse for Result<R, ApiError> {
    const STATUS: StatusCode = R::STATUS;
    const BODY: Option<&'static Shape> = R::BODY;
    const RESTATABLE: bool = R::RESTATABLE;

    fn document(status: StatusCode, responses: &mut Responses, components: &mut Components) {
        R::document(status, responses, components);
    }

    fn into_api_response(self) -> Response {
        match self {
            Ok(r) => r.into_api_response(),
            Err(e) => e.into_response(),
        }
    }
}

/// The response with `status` in place of `default`, the status its type answers with: what
/// an operation's `status = 202` does. Errors keep theirs.
pub fn restate(mut response: Response, default: StatusCode, status: StatusCode) -> Response {
    if response.status() == default {
        *response.status_mut() = status;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_documented_at_the_operations_status() {
        let mut responses = Responses::new();
        let mut components = Components::default();
        <Result<u32, ApiError>>::document(StatusCode::ACCEPTED, &mut responses, &mut components);
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["202"]);
        assert_eq!(responses["202"].description, "Accepted");
        assert!(responses["202"].content.contains_key("application/json"));
    }

    #[test]
    fn no_content_has_no_content() {
        let mut responses = Responses::new();
        NoContent::document(StatusCode::OK, &mut responses, &mut Components::default());
        assert!(responses["204"].content.is_empty());
    }

    #[test]
    fn restating_leaves_errors_alone() {
        let ok = restate(
            5u32.into_api_response(),
            StatusCode::OK,
            StatusCode::ACCEPTED,
        );
        assert_eq!(ok.status(), 202);
        let err: Result<u32, ApiError> = Err(ApiError::not_found("none"));
        let err = restate(
            err.into_api_response(),
            StatusCode::OK,
            StatusCode::ACCEPTED,
        );
        assert_eq!(err.status(), 404);
        const { assert!(!Created::<u32>::RESTATABLE && !NoContent::RESTATABLE) };
        const { assert!(<Result<Text, ApiError>>::RESTATABLE) };
    }
}
