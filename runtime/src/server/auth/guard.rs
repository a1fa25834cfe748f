//! Enforcement: the schemes an API registered, each operation's requirement resolved against
//! them when the router is built, and the check that runs before any extractor.

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use http::header::WWW_AUTHENTICATE;
use http::request::Parts;
use http::{HeaderValue, StatusCode};

use super::scheme::{insufficient_scope, Scheme};
use super::verify::{AnyPrincipal, ErasedVerify, Refusal, RefusalKind};
use super::{PrincipalType, Requirement};
use crate::openapi::{DocumentIssue, NamedScheme};
use crate::server::Problem;

/// A registered scheme: how it reads credentials, and the application's check.
pub(crate) struct Registered {
    pub(crate) name: String,
    pub(crate) scheme: Box<dyn Scheme>,
    verify: Box<dyn ErasedVerify>,
    principal: PrincipalType,
    /// Scopes an OAuth 2.0 scheme defines; `None` when any may be named.
    defined_scopes: Option<Vec<String>>,
}

impl Registered {
    pub(crate) fn new<V: super::Verify>(
        name: String,
        scheme: Box<dyn Scheme>,
        verify: V,
        defined_scopes: Option<Vec<String>>,
    ) -> Self {
        Registered {
            name,
            scheme,
            verify: Box::new(verify),
            principal: PrincipalType::of::<V::Principal>(),
            defined_scopes,
        }
    }

    pub(crate) fn named(&self) -> NamedScheme {
        NamedScheme {
            scheme: self.scheme.document(),
            description: self.scheme.description().map(str::to_owned),
        }
    }
}

/// What an API knows about security: its schemes and the default requirement.
#[derive(Default)]
pub(crate) struct Registry {
    pub(crate) schemes: Vec<Arc<Registered>>,
    pub(crate) default: Requirement,
}

impl Registry {
    fn get(&self, name: &str) -> Option<&Arc<Registered>> {
        self.schemes.iter().find(|s| s.name == name)
    }

    /// The requirement an operation is held to: its own, none when public, else the default.
    pub(crate) fn effective<'a>(&'a self, own: &'a Requirement, public: bool) -> &'a Requirement {
        if public {
            Requirement::none()
        } else if own.is_empty() {
            &self.default
        } else {
            own
        }
    }

    /// What would make a requirement impossible to enforce or document: an unknown scheme,
    /// scopes a scheme cannot carry, an `Auth<P>` whose principal some scheme does not give.
    pub(crate) fn issues(
        &self,
        requirement: &Requirement,
        pointer: &str,
        principal: Option<PrincipalType>,
    ) -> Vec<DocumentIssue> {
        let mut issues = Vec::new();
        let mut issue = |message: String| {
            issues.push(DocumentIssue::Security {
                pointer: pointer.to_owned(),
                message,
            })
        };
        if let Some(principal) = principal {
            if requirement.is_empty() {
                issue(format!(
                    "the handler takes `Auth<{}>`, but nothing authenticates the operation; name a requirement with `security(scheme)` or set the Api's `default_security`",
                    (principal.name)()
                ));
            }
        }
        for (name, scopes) in requirement.alternatives.iter().flatten() {
            let Some(registered) = self.get(name) else {
                issue(format!(
                    "the security scheme `{name}` is not registered; add `.security_scheme(\"{name}\", scheme, verifier)` to the Api"
                ));
                continue;
            };
            if !scopes.is_empty() && !registered.scheme.has_scopes() {
                issue(format!(
                    "the scheme `{name}` has no scopes (only OAuth 2.0 and OpenID Connect schemes do); remove {scopes:?}"
                ));
            }
            if let Some(defined) = &registered.defined_scopes {
                for scope in scopes.iter().filter(|s| !defined.contains(s)) {
                    issue(format!(
                        "the scope `{scope}` is not one the OAuth 2.0 scheme `{name}` defines ({defined:?}); add it to a flow's scopes"
                    ));
                }
            }
            if let Some(principal) = principal {
                if (principal.id)() != (registered.principal.id)() {
                    issue(format!(
                        "the handler takes `Auth<{}>`, but the scheme `{name}` verifies to `{}`; take `Auth<{}>`, or make the scheme's verifier return that principal",
                        (principal.name)(),
                        (registered.principal.name)(),
                        (registered.principal.name)(),
                    ));
                }
            }
        }
        issues
    }

    /// The guard for a requirement, or none when nothing is required. Call only after
    /// [`issues`](Self::issues) found none.
    pub(crate) fn guard(
        &self,
        requirement: &Requirement,
        realm: &Arc<str>,
        operation: &'static str,
    ) -> Option<Arc<Guard>> {
        if requirement.is_empty() {
            return None;
        }
        let alternatives = requirement
            .alternatives
            .iter()
            .map(|alternative| {
                alternative
                    .iter()
                    .filter_map(|(name, scopes)| Some((self.get(name)?.clone(), scopes.clone())))
                    .collect()
            })
            .collect();
        Some(Arc::new(Guard {
            alternatives,
            realm: realm.clone(),
            operation,
        }))
    }
}

/// One operation's requirement, ready to check requests.
pub(crate) struct Guard {
    alternatives: Vec<Vec<(Arc<Registered>, Vec<String>)>>,
    realm: Arc<str>,
    operation: &'static str,
}

impl Guard {
    /// The principal of the first alternative the request satisfies, or the 401/403 (500 when
    /// a verifier could not check) that answers it. The credential itself is never logged.
    pub(crate) async fn admit(&self, head: &Parts) -> Result<AnyPrincipal, Response> {
        let mut refusals: Vec<(&Registered, Refusal)> = Vec::new();
        let mut lacking: Option<Vec<String>> = None;
        'alternatives: for alternative in &self.alternatives {
            let mut principal = None;
            for (registered, scopes) in alternative {
                let verified = match registered.scheme.credential(head) {
                    Ok(credential) => registered.verify.verify_any(credential).await,
                    Err(refusal) => Err(refusal),
                };
                let grant = match verified {
                    Ok(grant) => grant,
                    Err(refusal) if refusal.kind == RefusalKind::Internal => {
                        return Err(Problem::new(StatusCode::INTERNAL_SERVER_ERROR).into_response())
                    }
                    Err(refusal) => {
                        refusals.push((registered, refusal));
                        continue 'alternatives;
                    }
                };
                let missing: Vec<String> = scopes
                    .iter()
                    .filter(|s| !grant.has_scope(s))
                    .cloned()
                    .collect();
                if !missing.is_empty() {
                    lacking.get_or_insert(missing);
                    continue 'alternatives;
                }
                principal.get_or_insert(grant.into_principal());
            }
            if let Some(principal) = principal {
                return Ok(principal);
            }
        }
        Err(self.refuse(refusals, lacking))
    }

    fn refuse(
        &self,
        refusals: Vec<(&Registered, Refusal)>,
        lacking: Option<Vec<String>>,
    ) -> Response {
        if let Some(scopes) = lacking {
            tracing::info!(
                operation = self.operation,
                ?scopes,
                "request refused: the credential lacks scopes"
            );
            let detail = format!(
                "the credential does not grant the scope{} {}",
                if scopes.len() == 1 { "" } else { "s" },
                scopes.join(", ")
            );
            let mut response = Problem::new(StatusCode::FORBIDDEN)
                .with_detail(detail)
                .into_response();
            append_challenge(&mut response, &insufficient_scope(&self.realm, &scopes));
            return response;
        }
        let presented = refusals
            .iter()
            .find(|(_, r)| r.kind != RefusalKind::Missing);
        let detail = match presented {
            Some((registered, refusal)) => {
                tracing::info!(operation = self.operation, scheme = %registered.name, reason = refusal.detail(), "request refused: credential not accepted");
                refusal.detail().to_owned()
            }
            None => {
                tracing::info!(operation = self.operation, "request refused: no credential");
                let ways: Vec<&str> = refusals.iter().map(|(_, r)| r.detail()).collect();
                format!(
                    "this operation requires authentication: {}",
                    ways.join(", or ")
                )
            }
        };
        let mut response = Problem::new(StatusCode::UNAUTHORIZED)
            .with_detail(detail)
            .into_response();
        for (registered, refusal) in &refusals {
            append_challenge(
                &mut response,
                &registered.scheme.challenge(&self.realm, refusal),
            );
        }
        response
    }
}

/// Adds a `WWW-Authenticate` challenge, once: two bearer schemes challenge alike.
fn append_challenge(response: &mut Response, challenge: &str) {
    if let Ok(value) = HeaderValue::from_str(challenge) {
        if !response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .any(|v| v == value)
        {
            response.headers_mut().append(WWW_AUTHENTICATE, value);
        }
    }
}
