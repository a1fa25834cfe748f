//! What the application supplies: a check from a credential to a principal, or a refusal.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A secret as a client sent it: a token, a password, a key. Its `Debug` shows no part of it,
/// so it cannot reach a log line by accident.
///
/// ```
/// use ringback::auth::Secret;
/// let secret = Secret::new("s3cr3t");
/// assert_eq!(secret.expose(), "s3cr3t");
/// assert_eq!(format!("{secret:?}"), "Secret(..)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }

    /// The secret itself, to check it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// A credential read from a request, by the scheme that reads it.
///
/// ```
/// use ringback::auth::{Credential, Secret};
/// let c = Credential::Bearer(Secret::new("token"));
/// assert_eq!(c.secret().expose(), "token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum Credential {
    /// A bearer token (HTTP bearer, OAuth 2.0, OpenID Connect).
    Bearer(Secret),
    /// HTTP basic: a user id and a password.
    Basic {
        /// The user id.
        user: String,
        /// The password.
        password: Secret,
    },
    /// An API key.
    ApiKey(Secret),
}

impl Credential {
    /// The secret part: the token, the password or the key.
    pub fn secret(&self) -> &Secret {
        match self {
            Credential::Bearer(s) | Credential::ApiKey(s) => s,
            Credential::Basic { password, .. } => password,
        }
    }
}

/// What a verified credential grants: who the caller is, and the scopes it holds (OAuth 2.0
/// and OpenID Connect requirements name scopes).
///
/// ```
/// use ringback::auth::Grant;
/// let grant = Grant::new("ada").with_scopes(["orders:write"]);
/// assert_eq!(grant.principal(), &"ada");
/// assert!(grant.has_scope("orders:write"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant<P> {
    principal: P,
    scopes: Vec<String>,
}

impl<P> Grant<P> {
    /// The caller, with no scopes.
    pub fn new(principal: P) -> Self {
        Grant {
            principal,
            scopes: Vec::new(),
        }
    }

    /// The grant with these scopes.
    pub fn with_scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Who the caller is.
    pub fn principal(&self) -> &P {
        &self.principal
    }

    /// Whether the grant holds `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    fn map<Q>(self, f: impl FnOnce(P) -> Q) -> Grant<Q> {
        Grant {
            principal: f(self.principal),
            scopes: self.scopes,
        }
    }

    pub(super) fn into_principal(self) -> P {
        self.principal
    }
}

/// Why a credential was not accepted. The detail is sent to the client, so it must not repeat
/// the credential.
///
/// ```
/// use ringback::auth::Refusal;
/// assert_eq!(Refusal::expired().detail(), "the credential has expired");
/// assert_eq!(Refusal::invalid("unknown token").detail(), "unknown token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub(super) kind: RefusalKind,
    detail: Cow<'static, str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RefusalKind {
    /// Nothing was sent.
    Missing,
    /// Something was sent that is not a credential of the scheme.
    Malformed,
    /// The credential is wrong.
    Invalid,
    /// The credential was right once.
    Expired,
    /// The check itself failed (a store was down): 500, not the client's fault.
    Internal,
}

impl Refusal {
    /// The credential is wrong (unknown, revoked, a bad signature): 401.
    pub fn invalid(detail: impl Into<Cow<'static, str>>) -> Self {
        Refusal {
            kind: RefusalKind::Invalid,
            detail: detail.into(),
        }
    }

    /// The credential has expired: 401.
    pub fn expired() -> Self {
        Refusal {
            kind: RefusalKind::Expired,
            detail: Cow::Borrowed("the credential has expired"),
        }
    }

    /// The credential could not be checked (the store that holds them failed): 500. The cause
    /// goes to the log, never to the client.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(%cause, "a credential could not be checked");
        Refusal {
            kind: RefusalKind::Internal,
            detail: Cow::Borrowed("the credential could not be checked"),
        }
    }

    pub(super) fn missing(detail: impl Into<Cow<'static, str>>) -> Self {
        Refusal {
            kind: RefusalKind::Missing,
            detail: detail.into(),
        }
    }

    pub(super) fn malformed(detail: impl Into<Cow<'static, str>>) -> Self {
        Refusal {
            kind: RefusalKind::Malformed,
            detail: detail.into(),
        }
    }

    /// What the client is told.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

/// The application's check of a scheme's credential: a principal, or a refusal. Any
/// `Fn(Credential) -> impl Future<Output = Result<Grant<P>, Refusal>>` is one.
///
/// ```
/// use ringback::auth::{Credential, Grant, Refusal, Verify};
///
/// async fn check(credential: Credential) -> Result<Grant<String>, Refusal> {
///     match credential {
///         Credential::Bearer(token) if token.expose() == "let-me-in" => Ok(Grant::new("ada".to_owned())),
///         _ => Err(Refusal::invalid("unknown token")),
///     }
/// }
/// fn is_verify<V: Verify>(_: &V) {}
/// is_verify(&check);
/// ```
pub trait Verify: Send + Sync + 'static {
    /// Who a verified credential says the caller is.
    type Principal: Send + Sync + 'static;

    /// Checks a credential.
    fn verify(
        &self,
        credential: Credential,
    ) -> impl Future<Output = Result<Grant<Self::Principal>, Refusal>> + Send;
}

impl<F, Fut, P> Verify for F
where
    F: Fn(Credential) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Grant<P>, Refusal>> + Send,
    P: Send + Sync + 'static,
{
    type Principal = P;

    fn verify(
        &self,
        credential: Credential,
    ) -> impl Future<Output = Result<Grant<P>, Refusal>> + Send {
        self(credential)
    }
}

/// A principal whose type is known only at run time.
pub(crate) type AnyPrincipal = Box<dyn Any + Send + Sync>;

type VerifyFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Grant<AnyPrincipal>, Refusal>> + Send + 'a>>;

/// [`Verify`] with the principal's type erased, so that schemes with different principals sit
/// in one table; [`Auth<P>`](super::Auth) gets the type back.
pub(super) trait ErasedVerify: Send + Sync {
    fn verify_any(&self, credential: Credential) -> VerifyFuture<'_>;
}

impl<V: Verify> ErasedVerify for V {
    fn verify_any(&self, credential: Credential) -> VerifyFuture<'_> {
        Box::pin(async move {
            let grant = self.verify(credential).await?;
            Ok(grant.map(|p| Box::new(p) as AnyPrincipal))
        })
    }
}
