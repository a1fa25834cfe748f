//! Handler return types and the responses they document.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

use super::problem::ApiError;
use crate::openapi::{Components, Header, MediaType, Response as ResponseDoc, SchemaObject};
use crate::Schema;

/// What a handler returns: it becomes the HTTP response and documents the success response.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a ringback handler",
    label = "not a ringback response",
    note = "return a type that derives `Schema` and `Serialize` (200), `Created<T>` (201), `NoContent` (204), or `Result` of one of them with `ApiError`"
)]
pub trait IntoApiResponse: Send {
    /// The status of the success response.
    const STATUS: StatusCode;

    /// Documents the success response (its body and headers).
    fn document(response: &mut ResponseDoc, components: &mut Components);

    /// The shape of the success body, if there is one (`$response.body` expressions read it).
    const BODY: Option<&'static crate::Shape> = None;

    /// The response.
    fn into_api_response(self) -> Response;
}

/// A JSON response body, with writeOnly properties left out.
fn json_response<T: Schema + Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    bytes_response(status, crate::schema::visibility::to_json_bytes(value))
}

// Apart from `json_response`, which every response type instantiates, so that it is compiled
// once.
fn bytes_response(status: StatusCode, json: Result<Vec<u8>, serde_json::Error>) -> Response {
    match json {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(e) => ApiError::internal(format!("response did not serialize: {e}")).into_response(),
    }
}

fn json_content(schema: SchemaObject) -> std::collections::BTreeMap<String, MediaType> {
    [("application/json".to_owned(), MediaType { schema })].into()
}

impl<T: Schema + Serialize + Send> IntoApiResponse for T {
    const STATUS: StatusCode = StatusCode::OK;
    const BODY: Option<&'static crate::Shape> = Some(T::SHAPE);

    fn document(response: &mut ResponseDoc, components: &mut Components) {
        response.content = json_content(T::schema(components));
    }

    fn into_api_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
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

impl<T: Schema + Serialize + Send> IntoApiResponse for Created<T> {
    const STATUS: StatusCode = StatusCode::CREATED;
    const BODY: Option<&'static crate::Shape> = Some(T::SHAPE);

    fn document(response: &mut ResponseDoc, components: &mut Components) {
        let schema = T::schema(components);
        document_created(response, schema);
    }

    fn into_api_response(self) -> Response {
        let response = json_response(StatusCode::CREATED, &self.body);
        with_location(response, self.location)
    }
}

fn document_created(response: &mut ResponseDoc, schema: SchemaObject) {
    response.content = json_content(schema);
    response.headers.insert(
        "Location".to_owned(),
        Header {
            description: Some("Where the created resource is.".to_owned()),
            required: true,
            schema: SchemaObject::string(Some("uri")),
        },
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

/// `204 No Content`.
///
/// ```
/// use ringback::server::{IntoApiResponse, NoContent};
/// assert_eq!(NoContent.into_api_response().status(), 204);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoContent;

impl IntoApiResponse for NoContent {
    const STATUS: StatusCode = StatusCode::NO_CONTENT;

    fn document(_: &mut ResponseDoc, _: &mut Components) {}

    fn into_api_response(self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }
}

impl<R: IntoApiResponse> IntoApiResponse for Result<R, ApiError> {
    const STATUS: StatusCode = R::STATUS;
    const BODY: Option<&'static crate::Shape> = R::BODY;

    fn document(response: &mut ResponseDoc, components: &mut Components) {
        R::document(response, components);
    }

    fn into_api_response(self) -> Response {
        match self {
            Ok(r) => r.into_api_response(),
            Err(e) => e.into_response(),
        }
    }
}
