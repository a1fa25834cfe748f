//! Response bodies: JSON of a `Schema` type, plain text, and bytes of a declared media type.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

use crate::openapi::{Components, SchemaObject};
use crate::server::problem::ApiError;
use crate::{Schema, Shape};

/// A response body: how it is documented (its media type and schema) and sent.
///
/// Implemented for every type that derives `Schema` and `Serialize` (JSON), for [`Text`] and
/// for [`Bytes`]. A variant of a `#[derive(ApiResponse)]` enum carries one.
///
/// ```
/// use ringback::server::{ResponseBody, Text};
/// let mut components = ringback::openapi::Components::default();
/// let (media_type, _) = Text::content(&mut components);
/// assert_eq!(media_type, "text/plain; charset=utf-8");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a response body",
    label = "not a response body",
    note = "a body is a type that derives `Schema` and `Serialize` (JSON), `Text`, or `Bytes<M>`"
)]
pub trait ResponseBody: Send {
    /// The JSON shape of the body, when it is JSON (`$response.body` expressions read it).
    const SHAPE: Option<&'static Shape>;

    /// The body's media type and schema, for the document.
    fn content(components: &mut Components) -> (&'static str, SchemaObject);

    /// The response with this body and `status`.
    fn respond(self, status: StatusCode) -> Response;
}

impl<T: Schema + Serialize + Send> ResponseBody for T {
    const SHAPE: Option<&'static Shape> = Some(T::SHAPE);

    fn content(components: &mut Components) -> (&'static str, SchemaObject) {
        ("application/json", T::schema(components))
    }

    fn respond(self, status: StatusCode) -> Response {
        json_response(status, crate::schema::visibility::to_json_bytes(&self))
    }
}

// Not generic, so that it is compiled once rather than for every body type.
fn json_response(status: StatusCode, json: Result<Vec<u8>, serde_json::Error>) -> Response {
    match json {
        Ok(bytes) => typed_response(status, "application/json", bytes),
        Err(e) => ApiError::internal(format!("response did not serialize: {e}")).into_response(),
    }
}

fn typed_response(
    status: StatusCode,
    media_type: &'static str,
    body: impl IntoResponse,
) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

/// A plain-text body, sent and documented as `text/plain; charset=utf-8`.
///
/// ```
/// use ringback::server::Text;
/// /// Is the service up?
/// #[ringback::get("/health")]
/// async fn health() -> Text {
///     Text::from("ok")
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(text.to_owned())
    }
}

const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

impl ResponseBody for Text {
    const SHAPE: Option<&'static Shape> = None;

    fn content(_: &mut Components) -> (&'static str, SchemaObject) {
        (TEXT_PLAIN, SchemaObject::string(None))
    }

    fn respond(self, status: StatusCode) -> Response {
        typed_response(status, TEXT_PLAIN, self.0)
    }
}

/// The media type of a [`Bytes`] body, declared by a marker type.
///
/// ```
/// use ringback::server::{Bytes, BytesMediaType};
///
/// /// A PNG image.
/// pub struct Png;
/// impl BytesMediaType for Png {
///     const MEDIA_TYPE: &'static str = "image/png";
/// }
///
/// let logo: Bytes<Png> = Bytes::new(vec![0x89, b'P', b'N', b'G']);
/// assert_eq!(logo.as_slice().len(), 4);
/// ```
pub trait BytesMediaType: Send + 'static {
    /// The media type, as in `Content-Type` (`"image/png"`).
    const MEDIA_TYPE: &'static str;
}

/// `application/octet-stream`: bytes with no more specific type.
#[derive(Debug, Clone, Copy, Default)]
pub struct OctetStream;

impl BytesMediaType for OctetStream {
    const MEDIA_TYPE: &'static str = "application/octet-stream";
}

/// A binary body of the media type `M` declares (`application/octet-stream` by default).
/// Documented as `type: string, format: binary` in 3.0.3 and by `contentMediaType` in 3.1.0.
///
/// ```
/// use ringback::server::Bytes;
/// /// The raw export.
/// #[ringback::get("/export")]
/// async fn export() -> Bytes {
///     Bytes::new(b"\x00\x01".to_vec())
/// }
/// ```
pub struct Bytes<M: BytesMediaType = OctetStream> {
    bytes: Vec<u8>,
    media_type: std::marker::PhantomData<fn() -> M>,
}

impl<M: BytesMediaType> Bytes<M> {
    /// These bytes, of the media type `M` declares.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Bytes {
            bytes: bytes.into(),
            media_type: std::marker::PhantomData,
        }
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }
}

impl<M: BytesMediaType> std::fmt::Debug for Bytes<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bytes")
            .field("media_type", &M::MEDIA_TYPE)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl<M: BytesMediaType> ResponseBody for Bytes<M> {
    const SHAPE: Option<&'static Shape> = None;

    fn content(_: &mut Components) -> (&'static str, SchemaObject) {
        (M::MEDIA_TYPE, SchemaObject::binary(M::MEDIA_TYPE))
    }

    fn respond(self, status: StatusCode) -> Response {
        typed_response(status, M::MEDIA_TYPE, self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Png;
    impl BytesMediaType for Png {
        const MEDIA_TYPE: &'static str = "image/png";
    }

    #[test]
    fn each_body_says_its_media_type() {
        let text = Text::from("hi").respond(StatusCode::ACCEPTED);
        assert_eq!(text.status(), 202);
        assert_eq!(text.headers()[header::CONTENT_TYPE], TEXT_PLAIN);
        let png = Bytes::<Png>::new(vec![1, 2]).respond(StatusCode::OK);
        assert_eq!(png.headers()[header::CONTENT_TYPE], "image/png");
        let json = 5u32.respond(StatusCode::OK);
        assert_eq!(json.headers()[header::CONTENT_TYPE], "application/json");
    }

    #[test]
    fn bytes_are_documented_as_binary() {
        let mut components = Components::default();
        let (media_type, schema) = Bytes::<Png>::content(&mut components);
        assert_eq!(media_type, "image/png");
        assert_eq!(schema, SchemaObject::binary("image/png"));
        assert_eq!(
            Bytes::<OctetStream>::content(&mut components).0,
            "application/octet-stream"
        );
    }
}
