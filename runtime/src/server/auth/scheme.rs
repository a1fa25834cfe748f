//! The security schemes: what each documents, where it finds its credential, and the
//! `WWW-Authenticate` challenge it answers a refusal with.

use base64::Engine;
use http::header::{AUTHORIZATION, COOKIE};
use http::request::Parts;

use super::verify::{Credential, Refusal, RefusalKind, Secret};
use crate::openapi::{ApiKeyLocation, OAuthFlow, SecurityScheme};

/// A security scheme: implemented by [`HttpBearer`], [`HttpBasic`], [`ApiKey`], [`OAuth2`] and
/// [`OpenIdConnect`], and registered with
/// [`Api::security_scheme`](crate::server::Api::security_scheme).
pub trait Scheme: sealed::Sealed + Send + Sync + 'static {
    /// The scheme as the document describes it.
    fn document(&self) -> SecurityScheme;

    /// A description for the document.
    fn description(&self) -> Option<&str>;

    /// The credential the request carries for this scheme: by default a bearer token, which
    /// HTTP bearer, OAuth 2.0 and OpenID Connect all send.
    fn credential(&self, head: &Parts) -> Result<Credential, Refusal> {
        bearer_token(head).map(Credential::Bearer)
    }

    /// The `WWW-Authenticate` challenge for a refusal: by default RFC 6750's.
    fn challenge(&self, realm: &str, refusal: &Refusal) -> String {
        bearer_challenge(realm, refusal)
    }

    /// Whether requirements may name scopes of this scheme (OAuth 2.0 and OpenID Connect).
    fn has_scopes(&self) -> bool {
        false
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::HttpBearer {}
    impl Sealed for super::HttpBasic {}
    impl Sealed for super::ApiKey {}
    impl Sealed for super::OAuth2 {}
    impl Sealed for super::OpenIdConnect {}
}

/// `Authorization: Bearer <token>` (RFC 6750).
///
/// ```
/// use ringback::auth::{HttpBearer, Scheme};
/// let scheme = HttpBearer::new().format("opaque").describe("A token from the account page.");
/// assert_eq!(scheme.document().type_name(), "http");
/// ```
#[derive(Debug, Clone, Default)]
pub struct HttpBearer {
    format: Option<String>,
    description: Option<String>,
}

impl HttpBearer {
    /// The bearer scheme.
    pub fn new() -> Self {
        Self::default()
    }

    /// A hint at the token's format for the document (`JWT`).
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }

    /// A description for the document.
    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Scheme for HttpBearer {
    fn document(&self) -> SecurityScheme {
        SecurityScheme::Http {
            scheme: "bearer".to_owned(),
            bearer_format: self.format.clone(),
        }
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

/// `Authorization: Basic <base64 of user:password>` (RFC 7617).
///
/// ```
/// use ringback::auth::{HttpBasic, Scheme};
/// assert_eq!(HttpBasic::new().document().type_name(), "http");
/// ```
#[derive(Debug, Clone, Default)]
pub struct HttpBasic {
    description: Option<String>,
}

impl HttpBasic {
    /// The basic scheme.
    pub fn new() -> Self {
        Self::default()
    }

    /// A description for the document.
    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Scheme for HttpBasic {
    fn document(&self) -> SecurityScheme {
        SecurityScheme::Http {
            scheme: "basic".to_owned(),
            bearer_format: None,
        }
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    fn credential(&self, head: &Parts) -> Result<Credential, Refusal> {
        let encoded = authorization(head, "Basic")?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| Refusal::malformed("the Basic credential is not base64"))?;
        let text = String::from_utf8(decoded)
            .map_err(|_| Refusal::malformed("the Basic credential is not UTF-8"))?;
        let (user, password) = text.split_once(':').ok_or_else(|| {
            Refusal::malformed("the Basic credential has no `:` between user and password")
        })?;
        Ok(Credential::Basic {
            user: user.to_owned(),
            password: Secret::new(password),
        })
    }
    fn challenge(&self, realm: &str, _: &Refusal) -> String {
        format!("Basic realm=\"{}\", charset=\"UTF-8\"", quoted(realm))
    }
}

/// A key in a header, a query parameter or a cookie.
///
/// ```
/// use ringback::auth::{ApiKey, Scheme};
/// let key = ApiKey::header("X-Api-Key");
/// assert_eq!(key.document().type_name(), "apiKey");
/// ```
#[derive(Debug, Clone)]
pub struct ApiKey {
    name: String,
    location: ApiKeyLocation,
    description: Option<String>,
}

impl ApiKey {
    /// A key sent in the header `name`.
    pub fn header(name: impl Into<String>) -> Self {
        Self::at(name, ApiKeyLocation::Header)
    }

    /// A key sent as the query parameter `name`.
    pub fn query(name: impl Into<String>) -> Self {
        Self::at(name, ApiKeyLocation::Query)
    }

    /// A key sent as the cookie `name`.
    pub fn cookie(name: impl Into<String>) -> Self {
        Self::at(name, ApiKeyLocation::Cookie)
    }

    fn at(name: impl Into<String>, location: ApiKeyLocation) -> Self {
        ApiKey {
            name: name.into(),
            location,
            description: None,
        }
    }

    /// A description for the document.
    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    fn find(&self, head: &Parts) -> Result<String, Refusal> {
        let found: Vec<String> = match self.location {
            ApiKeyLocation::Query => {
                let query = head.uri.query().unwrap_or("");
                form_urlencoded::parse(query.as_bytes())
                    .filter(|(k, _)| *k == self.name)
                    .map(|(_, v)| v.into_owned())
                    .collect()
            }
            ApiKeyLocation::Cookie => head
                .headers
                .get_all(COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .filter_map(|pair| pair.trim().split_once('='))
                .filter(|(k, _)| *k == self.name)
                .map(|(_, v)| v.trim_matches('"').to_owned())
                .collect(),
            // A header, and any location added later.
            _ => head
                .headers
                .get_all(self.name.as_str())
                .iter()
                .map(|v| {
                    v.to_str().map(str::to_owned).map_err(|_| {
                        Refusal::malformed(format!("the {} header is not visible ASCII", self.name))
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        match found.as_slice() {
            [] => Err(Refusal::missing(format!(
                "send the API key in the {} `{}`",
                self.location.as_str(),
                self.name
            ))),
            [key] if key.is_empty() => Err(Refusal::malformed(format!(
                "the {} `{}` is empty",
                self.location.as_str(),
                self.name
            ))),
            [key] => Ok(key.clone()),
            _ => Err(Refusal::malformed(format!(
                "the {} `{}` is sent more than once",
                self.location.as_str(),
                self.name
            ))),
        }
    }
}

impl Scheme for ApiKey {
    fn document(&self) -> SecurityScheme {
        SecurityScheme::ApiKey {
            name: self.name.clone(),
            location: self.location,
        }
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    fn credential(&self, head: &Parts) -> Result<Credential, Refusal> {
        self.find(head).map(|k| Credential::ApiKey(Secret::new(k)))
    }
    fn challenge(&self, realm: &str, _: &Refusal) -> String {
        // No registered scheme names API keys; this one says where the key goes.
        format!(
            "ApiKey realm=\"{}\", in=\"{}\", name=\"{}\"",
            quoted(realm),
            self.location.as_str(),
            quoted(&self.name)
        )
    }
}

/// OAuth 2.0: bearer tokens from an authorisation server, with scopes.
///
/// ```
/// use ringback::auth::{OAuth2, Scheme};
/// let oauth = OAuth2::client_credentials("https://auth.example.com/token", [("orders:write", "Place orders")]);
/// assert_eq!(oauth.document().type_name(), "oauth2");
/// ```
#[derive(Debug, Clone)]
pub struct OAuth2 {
    flows: Vec<OAuthFlow>,
    description: Option<String>,
}

fn scope_map<I, K, V>(scopes: I) -> std::collections::BTreeMap<String, String>
where
    I: IntoIterator<Item = (K, V)>,
    K: Into<String>,
    V: Into<String>,
{
    scopes
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

impl OAuth2 {
    /// The client credentials flow, with its scopes and what each allows.
    pub fn client_credentials<I, K, V>(token_url: impl Into<String>, scopes: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        OAuth2 {
            flows: vec![OAuthFlow::ClientCredentials {
                token_url: token_url.into(),
                scopes: scope_map(scopes),
            }],
            description: None,
        }
    }

    /// The authorisation code flow, with its scopes and what each allows.
    pub fn authorization_code<I, K, V>(
        authorization_url: impl Into<String>,
        token_url: impl Into<String>,
        scopes: I,
    ) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        OAuth2 {
            flows: vec![OAuthFlow::AuthorizationCode {
                authorization_url: authorization_url.into(),
                token_url: token_url.into(),
                scopes: scope_map(scopes),
            }],
            description: None,
        }
    }

    /// Adds the flows of `other` (a server may offer several).
    pub fn and(mut self, other: OAuth2) -> Self {
        self.flows.extend(other.flows);
        self
    }

    /// A description for the document.
    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Scheme for OAuth2 {
    fn document(&self) -> SecurityScheme {
        SecurityScheme::OAuth2 {
            flows: self.flows.clone(),
        }
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    fn has_scopes(&self) -> bool {
        true
    }
}

/// OpenID Connect: bearer tokens from a provider found through its discovery document.
///
/// ```
/// use ringback::auth::{OpenIdConnect, Scheme};
/// let oidc = OpenIdConnect::new("https://id.example.com/.well-known/openid-configuration");
/// assert_eq!(oidc.document().type_name(), "openIdConnect");
/// ```
#[derive(Debug, Clone)]
pub struct OpenIdConnect {
    url: String,
    description: Option<String>,
}

impl OpenIdConnect {
    /// The provider whose discovery document is at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        OpenIdConnect {
            url: url.into(),
            description: None,
        }
    }

    /// A description for the document.
    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Scheme for OpenIdConnect {
    fn document(&self) -> SecurityScheme {
        SecurityScheme::OpenIdConnect {
            url: self.url.clone(),
        }
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    fn has_scopes(&self) -> bool {
        true
    }
}

/// The credentials after `Authorization: <scheme> `, when the request uses that scheme.
fn authorization<'a>(head: &'a Parts, scheme: &str) -> Result<&'a str, Refusal> {
    let mut values = head.headers.get_all(AUTHORIZATION).iter();
    let missing = || Refusal::missing(format!("send `Authorization: {scheme} ...`"));
    let value = values.next().ok_or_else(missing)?;
    if values.next().is_some() {
        return Err(Refusal::malformed(
            "the Authorization header is sent more than once",
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| Refusal::malformed("the Authorization header is not visible ASCII"))?;
    let (name, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !name.eq_ignore_ascii_case(scheme) {
        // A credential of another scheme: for this one, nothing was sent.
        return Err(missing());
    }
    let credentials = rest.trim_matches(' ');
    if credentials.is_empty() {
        return Err(Refusal::malformed(format!(
            "nothing follows `{scheme}` in the Authorization header"
        )));
    }
    Ok(credentials)
}

/// A bearer token: RFC 6750's `b64token`.
fn bearer_token(head: &Parts) -> Result<Secret, Refusal> {
    let token = authorization(head, "Bearer")?;
    let body = token.trim_end_matches('=');
    let valid = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b));
    if !valid {
        return Err(Refusal::malformed(
            "the bearer token has characters a token cannot have",
        ));
    }
    Ok(Secret::new(token))
}

/// RFC 6750's challenge: the error code says whether the request or the token was wrong.
fn bearer_challenge(realm: &str, refusal: &Refusal) -> String {
    let mut challenge = format!("Bearer realm=\"{}\"", quoted(realm));
    let code = match refusal.kind {
        RefusalKind::Missing | RefusalKind::Internal => None,
        RefusalKind::Malformed => Some("invalid_request"),
        RefusalKind::Invalid | RefusalKind::Expired => Some("invalid_token"),
    };
    if let Some(code) = code {
        challenge.push_str(&format!(
            ", error=\"{code}\", error_description=\"{}\"",
            quoted(refusal.detail())
        ));
    }
    challenge
}

/// The challenge for a token that lacks scopes (RFC 6750 `insufficient_scope`).
pub(super) fn insufficient_scope(realm: &str, scopes: &[String]) -> String {
    format!(
        "Bearer realm=\"{}\", error=\"insufficient_scope\", scope=\"{}\"",
        quoted(realm),
        quoted(&scopes.join(" "))
    )
}

/// Text for inside a quoted-string: quotes and backslashes escaped, control characters dropped.
fn quoted(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(headers: &[(&str, &str)], uri: &str) -> Parts {
        let mut request = http::Request::builder().uri(uri);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn bearer_tokens_are_read_and_checked_for_shape() {
        let bearer = HttpBearer::new();
        let ok = bearer.credential(&head(&[("authorization", "bearer abc.DEF-1~+/==")], "/"));
        assert_eq!(
            ok.unwrap(),
            Credential::Bearer(Secret::new("abc.DEF-1~+/=="))
        );
        let missing = bearer.credential(&head(&[], "/")).unwrap_err();
        assert_eq!(missing.kind, RefusalKind::Missing);
        let other = bearer
            .credential(&head(&[("authorization", "Basic YTpi")], "/"))
            .unwrap_err();
        assert_eq!(other.kind, RefusalKind::Missing);
        for bad in [
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "Bearer ===",
            "Bearer tok\"en",
        ] {
            let refused = bearer
                .credential(&head(&[("authorization", bad)], "/"))
                .unwrap_err();
            assert_eq!(refused.kind, RefusalKind::Malformed, "{bad}");
        }
        let twice = head(
            &[("authorization", "Bearer a"), ("authorization", "Bearer b")],
            "/",
        );
        assert_eq!(
            bearer.credential(&twice).unwrap_err().kind,
            RefusalKind::Malformed
        );
    }

    #[test]
    fn basic_credentials_are_decoded() {
        let basic = HttpBasic::new();
        // "ada:pass:word"
        let ok = basic.credential(&head(
            &[("authorization", "Basic YWRhOnBhc3M6d29yZA==")],
            "/",
        ));
        assert_eq!(
            ok.unwrap(),
            Credential::Basic {
                user: "ada".into(),
                password: Secret::new("pass:word")
            }
        );
        for bad in ["Basic !!!", "Basic YWRh" /* "ada": no colon */] {
            let refused = basic
                .credential(&head(&[("authorization", bad)], "/"))
                .unwrap_err();
            assert_eq!(refused.kind, RefusalKind::Malformed, "{bad}");
        }
    }

    #[test]
    fn api_keys_in_each_location() {
        let h = head(
            &[("x-api-key", "k1"), ("cookie", "a=1; session=k2")],
            "/x?api_key=k3&b=2",
        );
        let key = |s: ApiKey| match s.credential(&h).unwrap() {
            Credential::ApiKey(k) => k.expose().to_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(key(ApiKey::header("X-Api-Key")), "k1");
        assert_eq!(key(ApiKey::cookie("session")), "k2");
        assert_eq!(key(ApiKey::query("api_key")), "k3");
        let absent = ApiKey::header("X-Other").credential(&h).unwrap_err();
        assert_eq!(absent.kind, RefusalKind::Missing);
        let twice = head(&[], "/x?api_key=1&api_key=2");
        assert_eq!(
            ApiKey::query("api_key")
                .credential(&twice)
                .unwrap_err()
                .kind,
            RefusalKind::Malformed
        );
    }

    #[test]
    fn challenges_quote_what_they_carry() {
        let refusal = Refusal::invalid("say \"please\"");
        assert_eq!(
            HttpBearer::new().challenge("Beer \\ Orders", &refusal),
            "Bearer realm=\"Beer \\\\ Orders\", error=\"invalid_token\", error_description=\"say \\\"please\\\"\""
        );
        assert_eq!(
            insufficient_scope("r", &["a".into(), "b".into()]),
            "Bearer realm=\"r\", error=\"insufficient_scope\", scope=\"a b\""
        );
    }
}
