//! Security schemes and requirements as the document writes them
//! (`components.securitySchemes`, `security`). The same in 3.0.3 and 3.1.0.

use std::collections::BTreeMap;

use super::ordered::{Json, Object};

/// A security scheme, as `components.securitySchemes` describes it.
///
/// ```
/// use ringback::openapi::{ApiKeyLocation, SecurityScheme};
/// let key = SecurityScheme::ApiKey { name: "X-Api-Key".into(), location: ApiKeyLocation::Header };
/// assert_eq!(key.type_name(), "apiKey");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum SecurityScheme {
    /// HTTP authentication: `bearer` or `basic` (RFC 9110's scheme names).
    Http {
        /// The scheme, lowercase: `bearer`, `basic`.
        scheme: String,
        /// A hint at the bearer token's format (`JWT`), for bearer only.
        bearer_format: Option<String>,
    },
    /// A key in a header, a query parameter or a cookie.
    ApiKey {
        /// The header, parameter or cookie name.
        name: String,
        /// Where the key is sent.
        location: ApiKeyLocation,
    },
    /// OAuth 2.0, with its flows and their scopes.
    OAuth2 {
        /// The flows the authorisation server offers.
        flows: Vec<OAuthFlow>,
    },
    /// OpenID Connect Discovery.
    OpenIdConnect {
        /// The discovery document's URL.
        url: String,
    },
}

impl SecurityScheme {
    /// OpenAPI's `type` for the scheme.
    pub fn type_name(&self) -> &'static str {
        match self {
            SecurityScheme::Http { .. } => "http",
            SecurityScheme::ApiKey { .. } => "apiKey",
            SecurityScheme::OAuth2 { .. } => "oauth2",
            SecurityScheme::OpenIdConnect { .. } => "openIdConnect",
        }
    }
}

/// Where an API key is sent.
///
/// ```
/// assert_eq!(ringback::openapi::ApiKeyLocation::Cookie.as_str(), "cookie");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

impl ApiKeyLocation {
    /// The name OpenAPI gives the location.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyLocation::Header => "header",
            ApiKeyLocation::Query => "query",
            ApiKeyLocation::Cookie => "cookie",
        }
    }
}

/// One OAuth 2.0 flow.
///
/// ```
/// use ringback::openapi::OAuthFlow;
/// let flow = OAuthFlow::ClientCredentials {
///     token_url: "https://auth.example.com/token".into(),
///     scopes: [("orders:read".to_owned(), "Read orders".to_owned())].into(),
/// };
/// assert_eq!(flow.scopes().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum OAuthFlow {
    /// The authorisation code flow.
    AuthorizationCode {
        /// Where users authorise.
        authorization_url: String,
        /// Where codes are exchanged for tokens.
        token_url: String,
        /// Scope names and what each allows.
        scopes: BTreeMap<String, String>,
    },
    /// The client credentials flow.
    ClientCredentials {
        /// Where clients get tokens.
        token_url: String,
        /// Scope names and what each allows.
        scopes: BTreeMap<String, String>,
    },
}

impl OAuthFlow {
    /// The scopes the flow grants.
    pub fn scopes(&self) -> &BTreeMap<String, String> {
        match self {
            OAuthFlow::AuthorizationCode { scopes, .. }
            | OAuthFlow::ClientCredentials { scopes, .. } => scopes,
        }
    }

    fn key(&self) -> &'static str {
        match self {
            OAuthFlow::AuthorizationCode { .. } => "authorizationCode",
            OAuthFlow::ClientCredentials { .. } => "clientCredentials",
        }
    }
}

/// A security requirement: the alternatives, each a set of schemes with the scopes each must
/// grant. No alternatives is `security: []`, which makes an operation public.
pub type SecurityRequirement = Vec<BTreeMap<String, Vec<String>>>;

/// A scheme and its description, as the document holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedScheme {
    /// What the scheme is.
    pub scheme: SecurityScheme,
    /// A description for readers of the document.
    pub description: Option<String>,
}

impl NamedScheme {
    pub(super) fn render(&self) -> Json {
        let mut out = Object::new();
        out.insert("type", self.scheme.type_name());
        if let Some(d) = &self.description {
            out.insert("description", d);
        }
        match &self.scheme {
            SecurityScheme::Http {
                scheme,
                bearer_format,
            } => {
                out.insert("scheme", scheme);
                if let Some(format) = bearer_format {
                    out.insert("bearerFormat", format);
                }
            }
            SecurityScheme::ApiKey { name, location } => {
                out.insert("name", name);
                out.insert("in", location.as_str());
            }
            SecurityScheme::OAuth2 { flows } => {
                let flows: Object = flows
                    .iter()
                    .map(|flow| {
                        let mut f = Object::new();
                        match flow {
                            OAuthFlow::AuthorizationCode {
                                authorization_url,
                                token_url,
                                ..
                            } => {
                                f.insert("authorizationUrl", authorization_url);
                                f.insert("tokenUrl", token_url);
                            }
                            OAuthFlow::ClientCredentials { token_url, .. } => {
                                f.insert("tokenUrl", token_url);
                            }
                        }
                        let scopes: Object = flow
                            .scopes()
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.as_str()))
                            .collect();
                        f.insert("scopes", scopes);
                        (flow.key(), f)
                    })
                    .collect();
                out.insert("flows", flows);
            }
            SecurityScheme::OpenIdConnect { url } => {
                out.insert("openIdConnectUrl", url);
            }
        }
        Json::Object(out)
    }
}

/// `security` as JSON.
pub(super) fn render_requirement(requirement: &SecurityRequirement) -> Json {
    Json::Array(
        requirement
            .iter()
            .map(|alternative| {
                let object: Object = alternative
                    .iter()
                    .map(|(name, scopes)| {
                        let scopes: Vec<Json> = scopes.iter().map(Json::from).collect();
                        (name.as_str(), Json::Array(scopes))
                    })
                    .collect();
                Json::Object(object)
            })
            .collect(),
    )
}
