//! The JSON request body: read within the size limit, checked for its media type, scanned
//! against the type's shape, deserialized (straight from the bytes where it can be, through a
//! `serde_json::Value` where it must), readOnly properties reset or refused, then validated.

use http::{header, HeaderMap, StatusCode};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::body_report;
use super::extract::{ArgInfo, Extractor, ExtractorKind, FromRequest, RequestParts};
use super::{Problem, ReadOnlyPolicy};
use crate::openapi::{Components, MediaType, Operation, RequestBody};
use crate::schema::scan::{scan, Sent};
use crate::schema::shape::Shape;
use crate::schema::visibility::Removed;
use crate::{Schema, Violation};

/// The JSON request body: deserialized, then readOnly properties stripped (or refused, by
/// policy), then validated. A handler only ever sees a valid value.
///
/// ```
/// use ringback::server::Body;
/// let Body(n) = Body(1u8);
/// assert_eq!(n, 1);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Body<T>(pub T);

impl<T> std::ops::Deref for Body<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Schema> Extractor for Body<T> {
    const KIND: ExtractorKind = ExtractorKind::Body;
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<T: Schema> Extractor for Option<Body<T>> {
    const KIND: ExtractorKind = ExtractorKind::Body;
    const SHAPE: &'static Shape = &Shape::Optional(T::SHAPE);
}

/// Documents the request body whose schema `schema` builds: a function pointer rather than a
/// type parameter, so that this is compiled once and not for every body type.
fn document_body(
    required: bool,
    schema: fn(&mut Components) -> crate::openapi::SchemaObject,
    operation: &mut Operation,
    components: &mut Components,
) {
    operation.request_body = Some(RequestBody {
        description: None,
        required,
        content: [(
            "application/json".to_owned(),
            MediaType {
                schema: schema(components),
            },
        )]
        .into(),
    });
}

/// The request's body, parsed and validated, or `None` when the request has none: what
/// `Body` and `Option<Body>` share; they differ only in what a missing body means.
fn optional_body<S, T: Schema + DeserializeOwned>(
    request: &mut RequestParts<S>,
) -> Result<Option<T>, Problem> {
    match take_bytes(request)? {
        Some(bytes) => parse_body(&bytes, request).map(Some),
        None => Ok(None),
    }
}

fn missing_body() -> Problem {
    Problem::invalid(vec![Violation::new("", "a JSON request body is required")])
}

// The body's bytes are read before the extractors run ([`prefetch`]), so reading a body is
// not `async`: a future per body type, and its state in every handler's future, would be
// compiled for every operation.
impl<S: Send + Sync, T: Schema + DeserializeOwned + Send> FromRequest<S> for Body<T> {
    const KIND: ExtractorKind = <Self as Extractor>::KIND;

    fn document(_: &ArgInfo, operation: &mut Operation, components: &mut Components) {
        document_body(true, T::schema, operation, components);
    }

    async fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> Result<Self, Problem> {
        read_unless_prefetched(request).await;
        Self::read_now(arg, request)
    }

    fn read_now(_: &'static ArgInfo, request: &mut RequestParts<S>) -> Result<Self, Problem> {
        match optional_body(request)? {
            Some(value) => Ok(Body(value)),
            None => Err(missing_body()),
        }
    }
}

impl<S: Send + Sync, T: Schema + DeserializeOwned + Send> FromRequest<S> for Option<Body<T>> {
    const KIND: ExtractorKind = <Self as Extractor>::KIND;

    fn document(_: &ArgInfo, operation: &mut Operation, components: &mut Components) {
        document_body(false, T::schema, operation, components);
    }

    async fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> Result<Self, Problem> {
        read_unless_prefetched(request).await;
        Self::read_now(arg, request)
    }

    fn read_now(_: &'static ArgInfo, request: &mut RequestParts<S>) -> Result<Self, Problem> {
        Ok(optional_body(request)?.map(Body))
    }
}

/// Reads the body of a request whose operation takes one, before its extractors run.
pub(super) async fn prefetch<S>(request: &mut RequestParts<S>) {
    request.body_bytes = Some(read_json(request).await);
}

/// Reads the body now if the router did not (generated code calls `read_now` after the
/// router's [`prefetch`]; this is for a caller of `from_request`).
async fn read_unless_prefetched<S>(request: &mut RequestParts<S>) {
    if request.body_bytes.is_none() && request.body.is_some() {
        prefetch(request).await;
    }
}

/// The bytes [`prefetch`] read, taken: a second body argument finds none.
fn take_bytes<S>(request: &mut RequestParts<S>) -> Result<Option<axum::body::Bytes>, Problem> {
    request.body_bytes.take().unwrap_or(Ok(None))
}

/// Reads the bytes of a JSON body, or `None` when the request has none.
async fn read_json<S>(request: &mut RequestParts<S>) -> Result<Option<axum::body::Bytes>, Problem> {
    let limit = request.settings.body_limit;
    let declared_length = content_length(&request.parts.headers);
    if declared_length.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    let content_type = request.parts.headers.get(header::CONTENT_TYPE).cloned();
    let body = request.body.take().unwrap_or_default();
    let bytes = match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return Err(too_large(limit)),
        Err(_) => {
            return Err(Problem::new(StatusCode::BAD_REQUEST)
                .with_detail("the request body could not be read"))
        }
    };
    if bytes.is_empty() && content_type.is_none() {
        return Ok(None);
    }
    if !content_type.as_ref().is_some_and(is_json) {
        let sent = content_type
            .as_ref()
            .and_then(|c| c.to_str().ok())
            .unwrap_or("no Content-Type");
        return Err(Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE)
            .with_detail(format!("the body must be application/json, not {sent}")));
    }
    Ok(Some(bytes).filter(|b| !b.is_empty()))
}

fn too_large(limit: usize) -> Problem {
    Problem::new(StatusCode::PAYLOAD_TOO_LARGE).with_detail(format!(
        "the body is larger than the limit of {limit} bytes"
    ))
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// `application/json` or any `application/*+json`, with or without parameters.
fn is_json(value: &http::HeaderValue) -> bool {
    let Ok(text) = value.to_str() else {
        return false;
    };
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// readOnly handling, deserialization and validation, collecting every violation found.
///
/// A scan against the type's shape comes first, on every body: it refuses what is not JSON,
/// finds every place the body does not fit the type, the readOnly properties sent, the nulls
/// the schema refuses and the values callbacks read. A body it refuses is answered with all
/// of that at once ([`body_report`](super::body_report)). Most others deserialize straight
/// from their bytes, and the readOnly fields are then reset on the typed value. A body that
/// does not deserialize that way, or whose type cannot reset its readOnly fields, is read as
/// JSON, stripped, and deserialized from that; so are types with a `oneOf`, where normalising
/// integral floats first can change the variant chosen.
///
/// This function is instantiated for every body type of an API, so it holds only what needs
/// `T`: reading it from text, and resetting its readOnly fields. The steps in between are
/// [`read_body`]'s, compiled once, which calls back for those two through one `&mut dyn`
/// (an indirect call or two per request, against a copy of the pipeline per body type).
fn parse_body<S, T: Schema + DeserializeOwned>(
    bytes: &[u8],
    request: &mut RequestParts<S>,
) -> Result<T, Problem> {
    let ops = const {
        &body_report::TypeOps {
            shape: T::SHAPE,
            strip_read_only: T::strip_read_only,
            read: read_and_validate::<T>,
            // Known at compile time for each type, so it costs the request nothing.
            one_of: crate::schema::shape::contains_one_of(T::SHAPE),
        }
    };
    let mut value = None;
    read_body(bytes, request, ops, &mut |text, clear| {
        let Ok(mut read) = serde_json::from_slice::<T>(text) else {
            return false;
        };
        if clear && !read.clear_read_only() {
            return false;
        }
        value = Some(read);
        true
    })?;
    validated(value.expect("read_body returns Ok only once `read` has kept a value"))
}

/// The body path between the scan and the typed value: `read(text, clear)` reads `text` as the
/// body's type and keeps it, resetting its readOnly fields first when `clear`, and says
/// whether it did.
fn read_body<S>(
    bytes: &[u8],
    request: &mut RequestParts<S>,
    ops: &body_report::TypeOps,
    read: &mut dyn FnMut(&[u8], bool) -> bool,
) -> Result<(), Problem> {
    let policy = read_only_policy(request);
    let sent = scan_body(bytes, ops.shape, policy, request)?;
    if body_report::any_refused(&sent) {
        return Err(refused(bytes, sent, ops));
    }
    if direct_allowed(&sent, ops.one_of, request) {
        let clear = policy != ReadOnlyPolicy::Reject && sent.any_read_only;
        if read(bytes, clear) {
            finish_direct(request, sent);
            return Ok(());
        }
    }
    let mut json = json_body(bytes, request)?;
    (ops.strip_read_only)(&mut json, &mut Removed::without_list());
    if ops.one_of {
        crate::schema::normalize::integers(&mut json, ops.shape);
    }
    // Written back as text and read as the direct path reads it: `T`'s `Deserialize` is then
    // instantiated for one reader, where reading the `Value` itself would add another, as
    // large as the type. Most bodies deserialize as they are; only one that fails is
    // normalised (to accept `3.0` for an integer, as JSON Schema does) and read again; one
    // that still fails is refused with everything wrong with it.
    if read(&json_text(&json), false) {
        return Ok(());
    }
    crate::schema::normalize::integers(&mut json, ops.shape);
    if read(&json_text(&json), false) {
        return Ok(());
    }
    Err(refused(bytes, sent, ops))
}

/// The problem for a body refused: every mistake in it and every rule it breaks.
fn refused(bytes: &[u8], sent: Sent, ops: &body_report::TypeOps) -> Problem {
    Problem::invalid(body_report::violations(bytes, sent, ops))
}

/// Reads JSON text as a `T` and validates it: what a refused body's report reads its repaired
/// text with (the same plain slice reader every body path uses, so no new instantiation).
fn read_and_validate<T: Schema + DeserializeOwned>(
    text: &[u8],
) -> Result<Vec<Violation>, serde_json::Error> {
    serde_json::from_slice::<T>(text).map(|value| crate::validate(&value))
}

fn json_text(json: &Value) -> Vec<u8> {
    serde_json::to_vec(json).expect("a serde_json::Value always serializes: its keys are strings")
}

fn read_only_policy<S>(request: &RequestParts<S>) -> ReadOnlyPolicy {
    request
        .operation
        .read_only
        .unwrap_or(request.settings.read_only)
}

/// Scans the body against its type's shape; refuses it when it is not JSON.
fn scan_body<S>(
    bytes: &[u8],
    shape: &'static Shape,
    policy: ReadOnlyPolicy,
    request: &RequestParts<S>,
) -> Result<Sent, Problem> {
    let no_pointers = Vec::new();
    let reads = request.body_reads.as_ref().as_ref();
    let pointers = reads.map_or(&no_pointers, |r| &r.pointers);
    scan(bytes, shape, pointers, policy == ReadOnlyPolicy::Reject)
        .map_err(|e| Problem::invalid(vec![Violation::new(e.pointer, e.message)]))
}

/// Whether the body may be deserialized straight from its bytes: no callback reads it in a
/// way the scan cannot answer, and the type has no `oneOf`.
fn direct_allowed<S>(sent: &Sent, one_of: bool, request: &RequestParts<S>) -> bool {
    request.body_reads.is_some() && !sent.through_array && !one_of
}

/// What a body deserialized from its bytes still needs: its callbacks resolved from the values
/// the scan found.
fn finish_direct<S>(request: &mut RequestParts<S>, sent: Sent) {
    let reads = request.body_reads.clone();
    let reads = reads
        .as_ref()
        .as_ref()
        .expect("direct_allowed allows the direct path only when the callbacks' reads are known");
    let mut sparse = None;
    for (decl, whole_target) in request.operation.callbacks.iter().zip(&reads.whole_target) {
        let resolved = match whole_target {
            Some(i) => crate::callback::target_from_value(decl, sent.found[*i].as_ref())
                .map_err(Problem::from),
            None => {
                let body = sparse.get_or_insert_with(|| {
                    crate::callback::sparse_body(&reads.pointers, sent.found.clone())
                });
                super::callback_arg::target(decl, request, Some(body))
            }
        };
        request.resolved_callbacks.push((decl.name, resolved));
    }
}

/// The body as JSON, with the operation's callbacks resolved from it as the client sent it:
/// now, before readOnly stripping, rather than from a copy of the whole body kept for later.
fn json_body<S>(bytes: &[u8], request: &mut RequestParts<S>) -> Result<Value, Problem> {
    // The scan has read it as JSON already: this is not expected to fail.
    let json: Value = serde_json::from_slice(bytes).map_err(|e| {
        Problem::invalid(vec![Violation::new(
            "",
            format!("the body is not valid JSON: {e}"),
        )])
    })?;
    request.resolved_callbacks.clear();
    for decl in request.operation.callbacks {
        let resolved = super::callback_arg::target(decl, request, Some(&json));
        request.resolved_callbacks.push((decl.name, resolved));
    }
    Ok(json)
}

fn refuse(violations: Vec<Violation>) -> Result<(), Problem> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Problem::invalid(violations))
    }
}

fn validated<T: Schema>(value: T) -> Result<T, Problem> {
    refuse(crate::validate(&value)).map(|()| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    static META: super::super::OperationMeta = super::super::OperationMeta {
        method: crate::openapi::Method::Post,
        path: "/numbers",
        operation_id: "addNumbers",
        tags: &[],
        summary: None,
        description: None,
        deprecated: false,
        responses: &[],
        security: &[],
        public: false,
        read_only: None,
        callbacks: &[],
    };

    static ARG: ArgInfo = ArgInfo {
        ident: "numbers",
        description: None,
        template: &[],
        callback: None,
    };

    fn request(body: &'static str) -> RequestParts<()> {
        let (parts, ()) = http::Request::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(())
            .unwrap()
            .into_parts();
        RequestParts::new(
            parts,
            axum::body::Body::from(body),
            (),
            Vec::new(),
            std::sync::Arc::new(super::super::Settings::default()),
            &META,
            std::sync::Arc::new(None),
        )
    }

    #[tokio::test]
    async fn a_body_is_read_whether_or_not_the_router_read_it_first() {
        // As the router and generated code do: read first, then `read_now`.
        let mut prefetched = request("[1, 2]");
        prefetch(&mut prefetched).await;
        let Body(numbers) = Body::<Vec<u8>>::read_now(&ARG, &mut prefetched).unwrap();
        assert_eq!(numbers, [1, 2]);
        // A second body argument finds the body taken.
        let second = Option::<Body<Vec<u8>>>::read_now(&ARG, &mut prefetched).unwrap();
        assert!(second.is_none());

        // `from_request` on its own reads the body itself.
        let mut plain = request("[3]");
        let Body(numbers) = Body::<Vec<u8>>::from_request(&ARG, &mut plain)
            .await
            .unwrap();
        assert_eq!(numbers, [3]);
        let problem = Body::<Vec<u8>>::from_request(&ARG, &mut request("[300]"))
            .await
            .unwrap_err();
        assert_eq!(problem.status, 400);
    }

    #[test]
    fn json_media_types() {
        let ok = [
            "application/json",
            "application/json; charset=utf-8",
            "application/merge-patch+json",
            "Application/JSON",
        ];
        for t in ok {
            assert!(is_json(&http::HeaderValue::from_static(t)), "{t}");
        }
        for t in [
            "text/plain",
            "application/jsonx",
            "application/x-www-form-urlencoded",
        ] {
            assert!(!is_json(&http::HeaderValue::from_static(t)), "{t}");
        }
    }
}

#[cfg(test)]
#[path = "body_paths.rs"]
mod paths_agree;
