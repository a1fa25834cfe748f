//! Keeping other sites from acting through an operator's browser. Every action is a POST
//! whose form carries a token, and the token must match the browser's own cookie: a keyed
//! hash (HMAC-SHA256, under the console's key) of a random value that only this browser
//! holds, in an `HttpOnly`, `SameSite=Strict` cookie. Another site can neither read that
//! cookie nor make the browser send it, so it cannot write a matching form. The `Origin`
//! header, which browsers set on every POST, must also be the console's own.

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The cookie that holds the browser's random value.
pub(super) const COOKIE: &str = "ringback_console_csrf";
/// The form field that carries the token.
pub(super) const FIELD: &str = "csrf";

/// The console's secret key: signs CSRF tokens and sign-in sessions.
#[derive(Clone)]
pub(super) struct Key([u8; 32]);

impl Key {
    /// A fresh key from the operating system's random source (through UUIDv4).
    pub(super) fn random() -> Self {
        let mut key = [0; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Key(key)
    }

    /// A key from the bytes given, so that several instances accept each other's forms.
    pub(super) fn from_bytes(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Key(Sha256::digest(bytes).into())
    }

    /// The keyed hash of `purpose` and `value`, URL-safe.
    pub(super) fn sign(&self, purpose: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `signature` is [`sign`](Self::sign)'s for `purpose` and `value`, compared in
    /// constant time.
    pub(super) fn verifies(&self, purpose: &str, value: &str, signature: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.verify_slice(&given).is_ok()
    }
}

/// A new random value for a browser's cookie.
pub(super) fn new_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The value of cookie `name` in the request, if it sent one.
pub(super) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value for a cookie only the console's own pages send back; `Secure` (sent
/// over HTTPS only) when `secure`.
pub(super) fn set_cookie(
    name: &str,
    value: &str,
    base: &str,
    max_age: Option<u64>,
    secure: bool,
) -> String {
    let path = if base.is_empty() { "/" } else { base };
    let age = max_age.map_or(String::new(), |s| format!("; Max-Age={s}"));
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict{secure}{age}")
}

/// Whether the browser reached the service over HTTPS, as the proxy that ended TLS in front of
/// it says (`X-Forwarded-Proto: https`, or `proto=https` in `Forwarded`). A client that
/// claims so itself only makes its own cookies `Secure`.
pub(super) fn over_https(headers: &HeaderMap) -> bool {
    let says_https = |name| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split([',', ';']))
            .any(|part| {
                let part = part.trim();
                let proto = part
                    .split_once('=')
                    .filter(|(k, _)| k.trim().eq_ignore_ascii_case("proto"))
                    .map_or(part, |(_, v)| v.trim().trim_matches('"'));
                proto.eq_ignore_ascii_case("https")
            })
    };
    says_https(header::HeaderName::from_static("x-forwarded-proto"))
        || says_https(header::FORWARDED)
}

/// Why a POST was refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The browser says the form came from another site.
    CrossOrigin,
    /// No token, or one that does not match the cookie.
    BadToken,
}

impl Refusal {
    pub(super) fn explain(&self) -> &'static str {
        match self {
            Refusal::CrossOrigin => {
                "this form was sent from another site; open the console and press the button there"
            }
            Refusal::BadToken => {
                "this form's CSRF token is missing or does not match this browser's cookie; \
                 reload the page and try again"
            }
        }
    }
}

/// Whether the browser says the request came from another origin: its `Origin` (or, when a
/// browser sends none, `Sec-Fetch-Site`) names another site than the `Host` it asked.
pub(super) fn cross_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let authority = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        return authority.is_none() || authority != host;
    }
    headers
        .get("sec-fetch-site")
        .and_then(|s| s.to_str().ok())
        .is_some_and(|site| site != "same-origin" && site != "none")
}

/// Checks a POST: same origin, and a token that matches the cookie.
pub(super) fn check(key: &Key, headers: &HeaderMap, token: Option<&str>) -> Result<(), Refusal> {
    if cross_origin(headers) {
        return Err(Refusal::CrossOrigin);
    }
    match (cookie(headers, COOKIE), token) {
        (Some(nonce), Some(token)) if key.verifies(FIELD, nonce, token) => Ok(()),
        _ => Err(Refusal::BadToken),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn a_token_matches_only_its_own_cookie_and_key() {
        let key = Key::random();
        let token = key.sign(FIELD, "n1");
        let ok = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
            ("cookie", "a=b; ringback_console_csrf=n1"),
        ]);
        assert_eq!(check(&key, &ok, Some(&token)), Ok(()));
        assert_eq!(check(&key, &ok, None), Err(Refusal::BadToken));
        assert_eq!(
            check(&key, &ok, Some(&key.sign(FIELD, "n2"))),
            Err(Refusal::BadToken)
        );
        assert_eq!(
            check(&Key::random(), &ok, Some(&token)),
            Err(Refusal::BadToken)
        );
        let no_cookie = headers(&[("host", "127.0.0.1:8080")]);
        assert_eq!(
            check(&key, &no_cookie, Some(&token)),
            Err(Refusal::BadToken)
        );
    }

    #[test]
    fn another_origin_is_refused_even_with_a_good_token() {
        let key = Key::random();
        let token = key.sign(FIELD, "n1");
        for (name, value) in [
            ("origin", "https://evil.test"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
        ] {
            let h = headers(&[
                ("host", "127.0.0.1:8080"),
                (name, value),
                ("cookie", "ringback_console_csrf=n1"),
            ]);
            assert_eq!(
                check(&key, &h, Some(&token)),
                Err(Refusal::CrossOrigin),
                "{value}"
            );
        }
    }

    #[test]
    fn cookies_are_secure_when_a_proxy_says_the_browser_used_https() {
        for (name, value, https) in [
            ("x-forwarded-proto", "https", true),
            ("x-forwarded-proto", "HTTPS", true),
            ("x-forwarded-proto", "https, http", true),
            ("x-forwarded-proto", "http", false),
            (
                "forwarded",
                "for=192.0.2.60;proto=https;by=203.0.113.43",
                true,
            ),
            (
                "forwarded",
                "for=192.0.2.43, for=198.51.100.17;proto=\"https\"",
                true,
            ),
            ("forwarded", "for=192.0.2.60;proto=http", false),
            ("forwarded", "for=https", false),
            ("host", "https", false),
        ] {
            assert_eq!(
                over_https(&headers(&[(name, value)])),
                https,
                "{name}: {value}"
            );
        }
        assert!(set_cookie("c", "v", "/outbox", Some(60), true).contains("; Secure"));
        assert!(!set_cookie("c", "v", "/outbox", Some(60), false).contains("Secure"));
    }
}
