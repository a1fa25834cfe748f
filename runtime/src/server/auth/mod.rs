//! Authentication, typed and enforced: security schemes registered once on the
//! [`Api`](crate::Api) with the application's check, requirements named per operation (or the
//! API's default), and the principal handed to the handler as [`Auth<P>`].
//!
//! ```
//! use ringback::auth::{Auth, HttpBearer, Requirement, Secrets};
//! use ringback::ApiError;
//!
//! /// Who am I?
//! #[ringback::get("/me", responses(200 = "The caller"))]
//! async fn me(caller: Auth<String>) -> Result<String, ApiError> {
//!     Ok(caller.0)
//! }
//!
//! /// Is the service up?
//! #[ringback::get("/health", public, responses(200 = "Up"))]
//! async fn health() -> String {
//!     "up".to_owned()
//! }
//!
//! let tokens = Secrets::new().with("demo-token", "ada".to_owned());
//! let api = ringback::Api::new("Accounts", "1.0")
//!     .security_scheme("bearer", HttpBearer::new(), tokens)
//!     .default_security(Requirement::scheme("bearer"))
//!     .operation(me)
//!     .operation(health);
//! let doc = api.document().to_json(ringback::openapi::OpenApiVersion::V3_0_3);
//! assert_eq!(doc["security"][0]["bearer"], serde_json::json!([]));
//! assert_eq!(doc["paths"]["/health"]["get"]["security"], serde_json::json!([]));
//! assert!(doc["paths"]["/me"]["get"]["responses"]["401"].is_object());
//! let router: axum::Router = api.router(());
//! ```
//!
//! Before any extractor runs, a request to an operation with a requirement must satisfy one
//! of its alternatives: no credential, or a refused one, is answered 401 with
//! `WWW-Authenticate`; a credential without a required scope, 403. Secrets never reach a log
//! line: [`Secret`]'s `Debug` hides them, and refusals log only the scheme and the reason.

mod guard;
mod scheme;
mod secrets;
mod verify;

use std::any::TypeId;

pub(crate) use guard::{Guard, Registered, Registry};
pub use scheme::{ApiKey, HttpBasic, HttpBearer, OAuth2, OpenIdConnect, Scheme};
pub use secrets::Secrets;
pub(crate) use verify::AnyPrincipal;
pub use verify::{Credential, Grant, Refusal, Secret, Verify};

use super::extract::{ArgInfo, Extractor, ExtractorKind, FromRequest, RequestParts};
use super::Problem;
use crate::schema::shape::Shape;

/// The authenticated caller, as the operation's security scheme verified it. Taking it on an
/// operation that is `public` is a compile error; taking it where no requirement applies, or
/// with a principal type no scheme gives, is refused when the router is built.
///
/// ```
/// use ringback::auth::Auth;
/// let Auth(who) = Auth("ada");
/// assert_eq!(who, "ada");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Auth<P>(pub P);

impl<P> std::ops::Deref for Auth<P> {
    type Target = P;
    fn deref(&self) -> &P {
        &self.0
    }
}

impl<P> Extractor for Auth<P> {
    const KIND: ExtractorKind = ExtractorKind::Auth;
    const SHAPE: &'static Shape = &Shape::Any;
}

impl<S: Send + Sync, P: Send + Sync + 'static> FromRequest<S> for Auth<P> {
    const KIND: ExtractorKind = ExtractorKind::Auth;
    const PRINCIPAL: Option<PrincipalType> = Some(PrincipalType::of::<P>());

    fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> impl std::future::Future<Output = Result<Self, Problem>> + Send {
        std::future::ready(Self::read_now(arg, request))
    }

    fn read_now(_: &'static ArgInfo, request: &mut RequestParts<S>) -> Result<Self, Problem> {
        // The router checked that the operation's schemes all give a `P`, so neither branch
        // below is reached by a request.
        let principal = request.principal.take().ok_or_else(|| {
            tracing::error!(
                operation = request.operation.operation_id,
                "Auth<P> found no principal"
            );
            Problem::new(http::StatusCode::INTERNAL_SERVER_ERROR)
        })?;
        principal.downcast::<P>().map(|p| Auth(*p)).map_err(|_| {
            tracing::error!(
                operation = request.operation.operation_id,
                "Auth<P> found another principal type"
            );
            Problem::new(http::StatusCode::INTERNAL_SERVER_ERROR)
        })
    }
}

/// A principal's type, as an `Auth<P>` argument names it: compared, when the router is built,
/// with the type each of the operation's schemes verifies to.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub struct PrincipalType {
    pub(crate) id: fn() -> TypeId,
    pub(crate) name: fn() -> &'static str,
}

impl PrincipalType {
    /// `P`'s.
    pub const fn of<P: 'static>() -> Self {
        PrincipalType {
            id: TypeId::of::<P>,
            name: std::any::type_name::<P>,
        }
    }

    /// The first principal among a handler's arguments.
    pub const fn first(args: &[Option<PrincipalType>]) -> Option<PrincipalType> {
        let mut i = 0;
        while i < args.len() {
            if args[i].is_some() {
                return args[i];
            }
            i += 1;
        }
        None
    }
}

/// A security requirement: alternatives, each a set of schemes with the scopes each must
/// grant. Operations name theirs in the attribute (`security(oauth = ["orders:write"])`);
/// this is the API's default, for [`Api::default_security`](crate::Api::default_security).
///
/// ```
/// use ringback::auth::Requirement;
/// // A bearer token, or an OAuth 2.0 token with `orders:read` and an API key together.
/// let r = Requirement::scheme("bearer")
///     .or(Requirement::scheme("oauth").scopes(["orders:read"]).and("api_key"));
/// assert_eq!(r.alternatives().len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    alternatives: Vec<Vec<(String, Vec<String>)>>,
}

impl Requirement {
    /// The scheme `name`, alone.
    pub fn scheme(name: impl Into<String>) -> Self {
        Requirement {
            alternatives: vec![vec![(name.into(), Vec::new())]],
        }
    }

    /// The last scheme named must grant `scopes`.
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        if let Some((_, s)) = self.alternatives.last_mut().and_then(|a| a.last_mut()) {
            s.extend(scopes.into_iter().map(Into::into));
        }
        self
    }

    /// The last alternative also needs the scheme `name`.
    pub fn and(mut self, name: impl Into<String>) -> Self {
        match self.alternatives.last_mut() {
            Some(alternative) => alternative.push((name.into(), Vec::new())),
            None => return Self::scheme(name),
        }
        self
    }

    /// Either this requirement or `other`.
    pub fn or(mut self, other: Requirement) -> Self {
        self.alternatives.extend(other.alternatives);
        self
    }

    /// The alternatives, each a list of (scheme, scopes).
    pub fn alternatives(&self) -> &[Vec<(String, Vec<String>)>] {
        &self.alternatives
    }

    /// Whether nothing is required.
    pub fn is_empty(&self) -> bool {
        self.alternatives.is_empty()
    }

    fn none() -> &'static Requirement {
        static NONE: Requirement = Requirement {
            alternatives: Vec::new(),
        };
        &NONE
    }

    /// An operation's declaration, as generated code writes it.
    pub(crate) fn from_static(declared: &[&[(&str, &[&str])]]) -> Self {
        Requirement {
            alternatives: declared
                .iter()
                .map(|alternative| {
                    alternative
                        .iter()
                        .map(|(name, scopes)| {
                            (
                                (*name).to_owned(),
                                scopes.iter().map(|s| (*s).to_owned()).collect(),
                            )
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// The requirement as the document writes it.
    pub(crate) fn to_document(&self) -> crate::openapi::SecurityRequirement {
        self.alternatives
            .iter()
            .map(|alternative| alternative.iter().cloned().collect())
            .collect()
    }
}

impl From<&str> for Requirement {
    fn from(name: &str) -> Self {
        Requirement::scheme(name)
    }
}
