//! Handler arguments that are not ringback's own: any axum `FromRequestParts` extractor
//! (`Extension<T>`, `ConnectInfo<T>`, the application's own). ringback runs it where axum
//! would, answers its rejection as problem+json, and documents nothing for it unless its
//! type says what it documents through [`Documented`].

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::response::IntoResponse;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};

use super::extract::{ArgInfo, ExtractorKind, FromRequest, RequestParts};
use super::problem::{Problem, PROBLEM_JSON};
use crate::openapi::{Components, Operation};

/// What an extractor of the application's own adds to an operation's document: a header
/// parameter it reads, a security requirement it enforces. Implement it beside axum's
/// `FromRequestParts`; an extractor without it documents nothing.
///
/// ```
/// use axum::extract::FromRequestParts;
/// use ringback::openapi::{Components, Operation, Parameter, ParameterLocation, SchemaObject};
/// use ringback::server::{ApiError, Documented};
///
/// /// The tenant a request is for, from `X-Tenant`.
/// struct Tenant(String);
///
/// impl<S: Sync> FromRequestParts<S> for Tenant {
///     type Rejection = ApiError;
///     async fn from_request_parts(parts: &mut http::request::Parts, _: &S) -> Result<Self, ApiError> {
///         parts.headers.get("x-tenant")
///             .and_then(|v| v.to_str().ok())
///             .map(|t| Tenant(t.to_owned()))
///             .ok_or_else(|| ApiError::bad_request("the X-Tenant header is required"))
///     }
/// }
///
/// impl Documented for Tenant {
///     fn document(operation: &mut Operation, _: &mut Components) {
///         operation.parameters.push(Parameter {
///             name: "X-Tenant".to_owned(),
///             location: ParameterLocation::Header,
///             required: true,
///             description: Some("The tenant the request is for.".to_owned()),
///             schema: SchemaObject::string(None),
///             deprecated: false,
///         });
///     }
/// }
///
/// /// Who am I?
/// #[ringback::get("/tenant", responses(200 = "The tenant"))]
/// async fn whoami(tenant: Tenant) -> String {
///     tenant.0
/// }
///
/// let doc = ringback::Api::<()>::new("Tenants", "1").operation(whoami).document();
/// let json = doc.to_json(ringback::openapi::OpenApiVersion::V3_0_3);
/// assert_eq!(json["paths"]["/tenant"]["get"]["parameters"][0]["name"], "X-Tenant");
/// ```
pub trait Documented {
    /// Adds what the extractor reads or requires to the operation.
    fn document(operation: &mut Operation, components: &mut Components);
}

/// A foreign extractor as generated code takes it; the handler receives the inner value.
#[doc(hidden)]
pub struct Foreign<T>(pub T);

/// How much of a rejection's body becomes the problem's detail.
const DETAIL_LIMIT: usize = 16 * 1024;

impl<S, T> FromRequest<S> for Foreign<T>
where
    S: Send + Sync,
    T: FromRequestParts<S> + Send,
{
    const KIND: ExtractorKind = ExtractorKind::Foreign;

    async fn from_request(
        _: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> Result<Self, Problem> {
        let (head, state) = request.head_and_state();
        // The rejection need not be `Send`: it becomes a response before anything awaits.
        let refused = match T::from_request_parts(head, state).await {
            Ok(value) => return Ok(Foreign(value)),
            Err(rejection) => rejection.into_response(),
        };
        Err(problem_from(refused).await)
    }
}

/// A rejection as problem+json: kept as it is when it already is one, otherwise its status
/// with its text as the detail; its headers (a `WWW-Authenticate`, a `Retry-After`) go with
/// it, but for those that describe the body it had.
async fn problem_from(response: axum::response::Response) -> Problem {
    let (head, body) = response.into_parts();
    let status = head.status;
    let is_problem = head
        .headers
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let mut headers = head.headers;
    for about_the_body in [
        CONTENT_TYPE,
        CONTENT_LENGTH,
        CONTENT_ENCODING,
        TRANSFER_ENCODING,
    ] {
        headers.remove(about_the_body);
    }
    let bytes = axum::body::to_bytes(body, DETAIL_LIMIT)
        .await
        .unwrap_or_default();
    if is_problem {
        if let Ok(problem) = serde_json::from_slice::<Problem>(&bytes) {
            if problem.status == status.as_u16() {
                return problem.with_headers(headers);
            }
        }
    }
    let problem = Problem::new(status).with_headers(headers);
    match std::str::from_utf8(&bytes).map(str::trim) {
        Ok(text) if !text.is_empty() => problem.with_detail(text),
        _ => problem,
    }
}

/// Finds, for a concrete argument type, whether it implements [`Documented`]: generated code
/// calls `(&Probe::<T>::NEW).ringback_document(..)`, which method resolution sends to
/// [`DocumentedProbe`] when `T: Documented` and to [`UndocumentedProbe`] otherwise. (The
/// types are concrete where the call is written, so no specialisation is needed.)
#[doc(hidden)]
pub struct Probe<T>(PhantomData<fn() -> T>);

impl<T> Probe<T> {
    /// The probe for `T`.
    pub const NEW: Self = Probe(PhantomData);
}

#[doc(hidden)]
pub trait DocumentedProbe {
    fn ringback_document(&self, operation: &mut Operation, components: &mut Components);
}

impl<T: Documented> DocumentedProbe for Probe<T> {
    fn ringback_document(&self, operation: &mut Operation, components: &mut Components) {
        T::document(operation, components)
    }
}

#[doc(hidden)]
pub trait UndocumentedProbe {
    fn ringback_document(&self, operation: &mut Operation, components: &mut Components);
}

impl<T> UndocumentedProbe for &Probe<T> {
    fn ringback_document(&self, _: &mut Operation, _: &mut Components) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain;
    struct Described;
    impl Documented for Described {
        fn document(operation: &mut Operation, _: &mut Components) {
            operation.summary = Some("described".to_owned());
        }
    }

    // Written as generated code writes it: the borrow is what picks the fallback.
    #[allow(clippy::needless_borrow)]
    #[test]
    fn the_probe_finds_documented_types_only() {
        let mut components = Components::default();
        let mut op = Operation::default();
        (&Probe::<Plain>::NEW).ringback_document(&mut op, &mut components);
        assert_eq!(op.summary, None);
        (&Probe::<Described>::NEW).ringback_document(&mut op, &mut components);
        assert_eq!(op.summary.as_deref(), Some("described"));
    }

    #[tokio::test]
    async fn a_rejection_becomes_a_problem_keeping_its_status_and_text() {
        let response = (http::StatusCode::UNAUTHORIZED, "no session").into_response();
        let problem = problem_from(response).await;
        assert_eq!(problem.status, 401);
        assert_eq!(problem.detail.as_deref(), Some("no session"));

        let original = Problem::new(http::StatusCode::FORBIDDEN).with_detail("not yours");
        let problem = problem_from(original.clone().into_response()).await;
        assert_eq!(problem, original);
    }

    #[tokio::test]
    async fn a_rejection_keeps_its_headers_but_not_those_of_its_old_body() {
        let challenge = [(http::header::WWW_AUTHENTICATE, "Bearer realm=\"notes\"")];
        let response = (http::StatusCode::UNAUTHORIZED, challenge, "sign in").into_response();
        let problem = problem_from(response).await;
        let kept = problem.headers.as_deref().expect("the rejection's headers");
        assert_eq!(
            kept[http::header::WWW_AUTHENTICATE],
            "Bearer realm=\"notes\""
        );
        for gone in [http::header::CONTENT_TYPE, http::header::CONTENT_LENGTH] {
            assert!(!kept.contains_key(&gone), "{gone}");
        }
        let answered = problem.into_response();
        assert_eq!(answered.headers()[http::header::CONTENT_TYPE], PROBLEM_JSON);
        assert!(answered
            .headers()
            .contains_key(http::header::WWW_AUTHENTICATE));
    }
}
