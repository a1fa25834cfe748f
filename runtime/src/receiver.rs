//! The receiving side: verify a Standard Webhooks signature (every secret, constant time),
//! refuse stale timestamps and replays, and decode the typed payload.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{FromRef, FromRequest, Request};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::dispatch::{PublicKey, Secret};
use crate::server::Problem;

/// Verifies deliveries signed by a ringback dispatcher (or any Standard Webhooks sender).
///
/// ```
/// use ringback::dispatch::{signature_header, Secret};
/// use ringback::receiver::Verifier;
///
/// let secret = Secret::generate();
/// let verifier = Verifier::new(vec![secret.clone()]);
/// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
/// let body = br#"{"orderId":"1"}"#;
/// let mut headers = http::HeaderMap::new();
/// headers.insert("webhook-id", "msg_1".parse().unwrap());
/// headers.insert("webhook-timestamp", now.to_string().parse().unwrap());
/// headers.insert("webhook-signature", signature_header(&[secret], "msg_1", now, body).parse().unwrap());
/// let payload: serde_json::Value = verifier.verify(&headers, body).unwrap().decode().unwrap();
/// assert_eq!(payload["orderId"], "1");
/// ```
pub struct Verifier {
    secrets: Vec<Secret>,
    public_keys: Vec<PublicKey>,
    tolerance: Duration,
    seen: Mutex<HashMap<String, SystemTime>>,
}

/// Why a delivery was not accepted.
///
/// `#[non_exhaustive]`: new checks may come; match with a `_` arm.
///
/// ```
/// use std::error::Error;
/// use ringback::receiver::{Rejection, Verifier};
///
/// let verifier = Verifier::new(vec![ringback::dispatch::Secret::generate()]);
/// let e = verifier.verify(&http::HeaderMap::new(), b"{}").unwrap_err();
/// assert_eq!(e, Rejection::MissingHeader("webhook-id"));
/// match e {
///     Rejection::Stale | Rejection::BadSignature => println!("not from our sender: {e}"),
///     Rejection::Payload(json) => println!("sender and receiver disagree: {:?}", json.source()),
///     _ => println!("{e}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// A `webhook-*` header is missing or unreadable.
    #[error("the {0} header is missing or unreadable")]
    MissingHeader(&'static str),
    /// The timestamp is further than the tolerance from now.
    #[error("the webhook-timestamp is too far from now")]
    Stale,
    /// No signature matches any secret or public key.
    #[error("no webhook-signature matches")]
    BadSignature,
    /// This `webhook-id` was already accepted within the tolerance.
    #[error("{0} was already received")]
    Replay(String),
    /// The body is not the expected JSON.
    #[error("the body is not the expected JSON: {0}")]
    Payload(#[source] PayloadError),
}

/// Why a body is not the expected JSON: serde_json's message, and serde_json's error itself as
/// the [`source`](std::error::Error::source), for its line, column and category.
///
/// It compares by its message, so that a [`Rejection`] can be compared in tests; and it can
/// be made from a message alone, as a receiver's own checks may want.
///
/// ```
/// use std::error::Error;
/// use ringback::receiver::{PayloadError, Rejection};
///
/// let json = serde_json::from_slice::<u32>(b"\"x\"").unwrap_err();
/// let e = PayloadError::from(json);
/// let cause = e.source().and_then(|s| s.downcast_ref::<serde_json::Error>()).unwrap();
/// assert_eq!((cause.line(), cause.column()), (1, 3));
///
/// let own = Rejection::Payload("the order is empty".into());
/// assert_eq!(own.to_string(), "the body is not the expected JSON: the order is empty");
/// ```
#[derive(Debug, Clone)]
pub struct PayloadError {
    message: String,
    // Shared so that the rejection stays `Clone`; `source()` hands out the serde_json error
    // itself, so that it can be downcast.
    json: Option<Arc<serde_json::Error>>,
}

impl std::fmt::Display for PayloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PayloadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.json
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl PartialEq for PayloadError {
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
    }
}

impl Eq for PayloadError {}

impl From<serde_json::Error> for PayloadError {
    fn from(e: serde_json::Error) -> Self {
        PayloadError {
            message: e.to_string(),
            json: Some(Arc::new(e)),
        }
    }
}

impl From<String> for PayloadError {
    fn from(message: String) -> Self {
        PayloadError {
            message,
            json: None,
        }
    }
}

impl From<&str> for PayloadError {
    fn from(message: &str) -> Self {
        message.to_owned().into()
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = match &self {
            Rejection::MissingHeader(_) | Rejection::Payload(_) => StatusCode::BAD_REQUEST,
            Rejection::Stale | Rejection::BadSignature => StatusCode::UNAUTHORIZED,
            // Not passed to the handler, but answered with success and nothing else: the
            // sender's earlier success response may have been lost, an error would make it
            // retry forever, and a problem document would say something went wrong.
            Rejection::Replay(_) => return StatusCode::OK.into_response(),
        };
        Problem::new(status)
            .with_detail(self.to_string())
            .into_response()
    }
}

/// A delivery whose signature, timestamp and id were checked.
#[derive(Debug)]
pub struct Verified<'a> {
    /// The `webhook-id`.
    pub id: String,
    /// The `webhook-timestamp`.
    pub timestamp: i64,
    body: &'a [u8],
}

impl Verified<'_> {
    /// The payload as a `T`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Rejection> {
        serde_json::from_slice(self.body).map_err(|e| Rejection::Payload(e.into()))
    }
}

impl Verifier {
    /// A verifier accepting `v1` signatures by any of `secrets`, within 5 minutes of now.
    pub fn new(secrets: Vec<Secret>) -> Self {
        Verifier {
            secrets,
            public_keys: Vec::new(),
            tolerance: Duration::from_secs(300),
            seen: Mutex::default(),
        }
    }

    /// A verifier accepting `v1a` (Ed25519) signatures by any of `public_keys`, within 5
    /// minutes of now: a client of a sender that signs asymmetrically holds only these.
    ///
    /// ```
    /// use ringback::dispatch::SigningKey;
    /// use ringback::receiver::Verifier;
    ///
    /// let sender = SigningKey::generate();
    /// let published = sender.public_key().to_string(); // whpk_...
    /// let verifier = Verifier::public_keys(vec![published.parse().unwrap()]);
    /// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("webhook-id", "msg_1".parse().unwrap());
    /// headers.insert("webhook-timestamp", now.to_string().parse().unwrap());
    /// headers.insert("webhook-signature", sender.sign("msg_1", now, b"{}").parse().unwrap());
    /// assert!(verifier.verify(&headers, b"{}").is_ok());
    /// ```
    pub fn public_keys(public_keys: Vec<PublicKey>) -> Self {
        let mut verifier = Self::new(Vec::new());
        verifier.public_keys = public_keys;
        verifier
    }

    /// Also accepts `v1` signatures by `secret` (during a rotation, say).
    ///
    /// ```
    /// use ringback::dispatch::Secret;
    /// let verifier = ringback::receiver::Verifier::new(vec![Secret::generate()])
    ///     .also_secret(Secret::generate());
    /// ```
    pub fn also_secret(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Also accepts `v1a` signatures by `key`.
    ///
    /// ```
    /// use ringback::dispatch::{Secret, SigningKey};
    /// let verifier = ringback::receiver::Verifier::new(vec![Secret::generate()])
    ///     .also_public_key(SigningKey::generate().public_key());
    /// ```
    pub fn also_public_key(mut self, key: PublicKey) -> Self {
        self.public_keys.push(key);
        self
    }

    /// Another timestamp tolerance.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks a delivery's headers against its body.
    pub fn verify<'a>(
        &self,
        headers: &HeaderMap,
        body: &'a [u8],
    ) -> Result<Verified<'a>, Rejection> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// [`verify`](Self::verify) as if the time were `now`.
    pub fn verify_at<'a>(
        &self,
        headers: &HeaderMap,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Verified<'a>, Rejection> {
        let header = |name: &'static str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or(Rejection::MissingHeader(name))
        };
        let id = header("webhook-id")?;
        let timestamp: i64 = header("webhook-timestamp")?
            .parse()
            .map_err(|_| Rejection::MissingHeader("webhook-timestamp"))?;
        let signatures = header("webhook-signature")?;
        let now_secs = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        if (now_secs - timestamp).unsigned_abs() > self.tolerance.as_secs() {
            return Err(Rejection::Stale);
        }
        // Any one valid entry passes; entries of schemes this verifier has no keys for, or
        // of unknown schemes, are passed over, as Standard Webhooks asks.
        let valid = signatures
            .split(' ')
            .any(|candidate| match candidate.split_once(',') {
                Some(("v1", sig)) => self
                    .secrets
                    .iter()
                    .any(|s| s.verifies(id, timestamp, body, sig)),
                Some(("v1a", sig)) => self
                    .public_keys
                    .iter()
                    .any(|k| k.verifies(id, timestamp, body, sig)),
                _ => false,
            });
        if !valid {
            return Err(Rejection::BadSignature);
        }
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        // Ids older than twice the tolerance can no longer come back with a valid timestamp.
        seen.retain(|_, at| now.duration_since(*at).unwrap_or_default() <= self.tolerance * 2);
        if seen.contains_key(id) {
            return Err(Rejection::Replay(id.to_owned()));
        }
        seen.insert(id.to_owned(), now);
        Ok(Verified {
            id: id.to_owned(),
            timestamp,
            body,
        })
    }
}

/// An axum extractor for a verified callback with a typed payload. The router's state must
/// give an `Arc<Verifier>` (through [`FromRef`]).
///
/// ```
/// use std::sync::Arc;
/// use ringback::receiver::{Verifier, Webhook};
///
/// #[derive(serde::Deserialize)]
/// struct StatusChange { order_status: String }
///
/// async fn receive(hook: Webhook<StatusChange>) -> &'static str {
///     println!("{}: {}", hook.id, hook.payload.order_status);
///     "ok"
/// }
/// let verifier = Arc::new(Verifier::new(vec![ringback::dispatch::Secret::generate()]));
/// let app: axum::Router = axum::Router::new()
///     .route("/hooks", axum::routing::post(receive))
///     .with_state(verifier);
/// ```
#[derive(Debug)]
pub struct Webhook<T> {
    /// The `webhook-id`; the same on every retry of one delivery.
    pub id: String,
    /// The `webhook-timestamp`.
    pub timestamp: i64,
    /// The payload.
    pub payload: T,
}

impl<S, T> FromRequest<S> for Webhook<T>
where
    S: Send + Sync,
    Arc<Verifier>: FromRef<S>,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<Verifier>::from_ref(state);
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| Problem::new(StatusCode::PAYLOAD_TOO_LARGE).into_response())?;
        let verified = verifier
            .verify(&parts.headers, &bytes)
            .map_err(IntoResponse::into_response)?;
        let payload = verified.decode().map_err(IntoResponse::into_response)?;
        Ok(Webhook {
            id: verified.id,
            timestamp: verified.timestamp,
            payload,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::signature_header;

    fn signed(secret: &Secret, id: &str, timestamp: i64, body: &[u8]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("webhook-id", id.parse().unwrap());
        h.insert("webhook-timestamp", timestamp.to_string().parse().unwrap());
        h.insert(
            "webhook-signature",
            signature_header(std::slice::from_ref(secret), id, timestamp, body)
                .parse()
                .unwrap(),
        );
        h
    }

    const NOW: i64 = 1_700_000_000;

    fn at(secs: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs as u64)
    }

    #[test]
    fn the_tolerance_is_inclusive_on_both_sides() {
        let secret = Secret::generate();
        let verifier = Verifier::new(vec![secret.clone()]);
        let body = b"{}";
        for (id, now) in [("early", NOW - 300), ("late", NOW + 300)] {
            let headers = signed(&secret, id, NOW, body);
            assert!(verifier.verify_at(&headers, body, at(now)).is_ok(), "{id}");
        }
        for now in [NOW - 301, NOW + 301] {
            let headers = signed(&secret, "stale", NOW, body);
            assert_eq!(
                verifier.verify_at(&headers, body, at(now)).unwrap_err(),
                Rejection::Stale
            );
        }
    }

    #[test]
    fn another_tolerance_replaces_five_minutes() {
        let secret = Secret::generate();
        let verifier = Verifier::new(vec![secret.clone()]).tolerance(Duration::from_secs(10));
        let headers = signed(&secret, "msg_1", NOW, b"{}");
        assert!(verifier.verify_at(&headers, b"{}", at(NOW + 10)).is_ok());
        let headers = signed(&secret, "msg_2", NOW, b"{}");
        assert_eq!(
            verifier
                .verify_at(&headers, b"{}", at(NOW + 11))
                .unwrap_err(),
            Rejection::Stale
        );
    }

    #[test]
    fn verified_carries_the_id_timestamp_and_payload() {
        let secret = Secret::generate();
        let verifier = Verifier::new(vec![secret.clone()]);
        let headers = signed(&secret, "msg_9", NOW - 5, br#"{"a":1}"#);
        let verified = verifier
            .verify_at(&headers, br#"{"a":1}"#, at(NOW))
            .unwrap();
        assert_eq!(
            (verified.id.as_str(), verified.timestamp),
            ("msg_9", NOW - 5)
        );
        assert_eq!(
            verified.decode::<serde_json::Value>().unwrap(),
            serde_json::json!({"a": 1})
        );
        let error = verified.decode::<Vec<u8>>().unwrap_err();
        assert!(matches!(error, Rejection::Payload(_)), "{error:?}");
    }

    #[test]
    fn verify_checks_against_the_clock() {
        let secret = Secret::generate();
        let verifier = Verifier::new(vec![secret.clone()]);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let headers = signed(&secret, "msg_now", now, b"{}");
        assert_eq!(verifier.verify(&headers, b"{}").unwrap().id, "msg_now");
        let headers = signed(&secret, "msg_then", NOW, b"{}");
        assert_eq!(
            verifier.verify(&headers, b"{}").unwrap_err(),
            Rejection::Stale
        );
    }

    #[test]
    fn any_listed_v1_signature_may_match() {
        let secret = Secret::generate();
        let verifier = Verifier::new(vec![secret.clone()]);
        let mut headers = signed(&secret, "msg_1", NOW, b"{}");
        let good = headers["webhook-signature"].to_str().unwrap().to_owned();
        let b64 = good.strip_prefix("v1,").unwrap().to_owned();
        headers.insert(
            "webhook-signature",
            format!("v1,AAAA v2,{b64} {good}").parse().unwrap(),
        );
        assert!(verifier.verify_at(&headers, b"{}", at(NOW)).is_ok());

        let mut headers = signed(&secret, "msg_2", NOW, b"{}");
        headers.insert("webhook-signature", format!("v2,{b64}").parse().unwrap());
        assert_eq!(
            verifier.verify_at(&headers, b"{}", at(NOW)).unwrap_err(),
            Rejection::BadSignature,
            "only v1 signatures count"
        );
    }

    #[test]
    fn v1a_signatures_verify_with_the_public_key_and_only_as_v1a() {
        use crate::dispatch::{SigningKey, SigningKeys};
        let key = SigningKey::generate();
        let secret = Secret::generate();
        let verifier = Verifier::public_keys(vec![key.public_key()]);
        let with = |header: String, id: &str, t: i64| {
            let mut h = HeaderMap::new();
            h.insert("webhook-id", id.parse().unwrap());
            h.insert("webhook-timestamp", t.to_string().parse().unwrap());
            h.insert("webhook-signature", header.parse().unwrap());
            h
        };
        let ok = with(key.sign("msg_1", NOW, b"{}"), "msg_1", NOW);
        assert!(verifier.verify_at(&ok, b"{}", at(NOW)).is_ok());
        // A header listing an HMAC entry it cannot check and the Ed25519 one passes.
        let both = SigningKeys::from(secret.clone()).signing_key(key.clone());
        let mixed = with(both.header("msg_2", NOW, b"{}"), "msg_2", NOW);
        assert!(verifier.verify_at(&mixed, b"{}", at(NOW)).is_ok());
        let refused = |headers: &HeaderMap, body: &[u8]| {
            verifier.verify_at(headers, body, at(NOW)).unwrap_err()
        };
        let tampered = with(key.sign("msg_3", NOW, b"{}"), "msg_3", NOW);
        assert_eq!(refused(&tampered, b"{ }"), Rejection::BadSignature);
        let other = with(
            SigningKey::generate().sign("msg_4", NOW, b"{}"),
            "msg_4",
            NOW,
        );
        assert_eq!(refused(&other, b"{}"), Rejection::BadSignature);
        // The same signature labelled v1 is not an HMAC.
        let relabelled = key.sign("msg_5", NOW, b"{}").replacen("v1a,", "v1,", 1);
        let relabelled = with(relabelled, "msg_5", NOW);
        let both_ways = Verifier::new(vec![secret]).also_public_key(key.public_key());
        assert_eq!(
            both_ways
                .verify_at(&relabelled, b"{}", at(NOW))
                .unwrap_err(),
            Rejection::BadSignature
        );
        let old = with(key.sign("msg_6", NOW - 301, b"{}"), "msg_6", NOW - 301);
        assert_eq!(refused(&old, b"{}"), Rejection::Stale);
        // A v1-only verifier passes v1a entries over.
        let v1_only = Verifier::new(vec![Secret::generate()]);
        assert_eq!(
            v1_only.verify_at(&ok, b"{}", at(NOW)).unwrap_err(),
            Rejection::BadSignature
        );
    }

    #[test]
    fn an_id_is_remembered_for_twice_the_tolerance() {
        // A retry of the same delivery comes with the same id and a fresh timestamp.
        let secret = Secret::generate();
        let verifier = Verifier::new(vec![secret.clone()]);
        let retry = |t| signed(&secret, "msg_1", t, b"{}");
        assert!(verifier.verify_at(&retry(NOW), b"{}", at(NOW)).is_ok());
        assert_eq!(
            verifier
                .verify_at(&retry(NOW + 600), b"{}", at(NOW + 600))
                .unwrap_err(),
            Rejection::Replay("msg_1".into())
        );
        assert!(verifier
            .verify_at(&retry(NOW + 601), b"{}", at(NOW + 601))
            .is_ok());
    }

    #[test]
    fn each_header_is_required_and_readable() {
        let secret = Secret::generate();
        let verifier = Verifier::new(vec![secret.clone()]);
        for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            let mut headers = signed(&secret, "msg_1", NOW, b"{}");
            headers.remove(name);
            assert_eq!(
                verifier.verify_at(&headers, b"{}", at(NOW)).unwrap_err(),
                Rejection::MissingHeader(name)
            );
        }
        let mut headers = signed(&secret, "msg_1", NOW, b"{}");
        headers.insert("webhook-timestamp", "yesterday".parse().unwrap());
        assert_eq!(
            verifier.verify_at(&headers, b"{}", at(NOW)).unwrap_err(),
            Rejection::MissingHeader("webhook-timestamp")
        );
    }

    #[test]
    fn rejections_say_what_and_answer_with_their_status() {
        let cases = [
            (
                Rejection::MissingHeader("webhook-id"),
                "the webhook-id header is missing or unreadable",
                StatusCode::BAD_REQUEST,
            ),
            (
                Rejection::Stale,
                "the webhook-timestamp is too far from now",
                StatusCode::UNAUTHORIZED,
            ),
            (
                Rejection::BadSignature,
                "no webhook-signature matches",
                StatusCode::UNAUTHORIZED,
            ),
            (
                Rejection::Replay("msg_1".into()),
                "msg_1 was already received",
                StatusCode::OK,
            ),
            (
                Rejection::Payload("expected value".into()),
                "the body is not the expected JSON: expected value",
                StatusCode::BAD_REQUEST,
            ),
        ];
        for (rejection, message, status) in cases {
            assert_eq!(rejection.to_string(), message);
            let replay = matches!(rejection, Rejection::Replay(_));
            let response = rejection.into_response();
            assert_eq!(response.status(), status, "{message}");
            // A replay is acknowledged with nothing to read; the others are problems.
            let content_type = response.headers().get(http::header::CONTENT_TYPE);
            assert_eq!(content_type.is_none(), replay, "{message}");
        }
    }

    async fn extract(
        verifier: &Arc<Verifier>,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<Webhook<serde_json::Value>, StatusCode> {
        let mut request = Request::new(axum::body::Body::from(body));
        *request.headers_mut() = headers;
        Webhook::<serde_json::Value>::from_request(request, verifier)
            .await
            .map_err(|response| response.status())
    }

    #[tokio::test]
    async fn the_extractor_verifies_decodes_and_limits_the_body_to_a_mebibyte() {
        let secret = Secret::generate();
        let verifier = Arc::new(Verifier::new(vec![secret.clone()]));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let json = |len: usize| format!(r#"{{"pad":"{}"}}"#, "x".repeat(len - 10)).into_bytes();

        let body = json(1024 * 1024);
        assert_eq!(body.len(), 1024 * 1024);
        let hook = extract(&verifier, signed(&secret, "msg_big", now, &body), body)
            .await
            .unwrap();
        assert_eq!((hook.id.as_str(), hook.timestamp), ("msg_big", now));
        assert_eq!(
            hook.payload["pad"].as_str().unwrap().len(),
            1024 * 1024 - 10
        );

        let body = json(1024 * 1024 + 1);
        let headers = signed(&secret, "msg_huge", now, &body);
        assert_eq!(
            extract(&verifier, headers, body).await.unwrap_err(),
            StatusCode::PAYLOAD_TOO_LARGE
        );

        let headers = signed(&secret, "msg_bad", now, b"{}");
        assert_eq!(
            extract(&verifier, headers, b"{ }".to_vec())
                .await
                .unwrap_err(),
            StatusCode::UNAUTHORIZED
        );
        let headers = signed(&secret, "msg_text", now, b"text");
        assert_eq!(
            extract(&verifier, headers, b"text".to_vec())
                .await
                .unwrap_err(),
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn tampered_stale_wrong_secret_and_replays_are_refused() {
        let secret = Secret::generate();
        let old = Secret::generate();
        let verifier = Verifier::new(vec![secret.clone(), old.clone()]);
        let body = br#"{"a":1}"#;

        let headers = signed(&secret, "msg_1", NOW, body);
        assert!(verifier.verify_at(&headers, body, at(NOW)).is_ok());
        assert_eq!(
            verifier
                .verify_at(&headers, body, at(NOW + 10))
                .unwrap_err(),
            Rejection::Replay("msg_1".into())
        );

        let headers = signed(&secret, "msg_2", NOW, body);
        assert_eq!(
            verifier
                .verify_at(&headers, br#"{"a":2}"#, at(NOW))
                .unwrap_err(),
            Rejection::BadSignature
        );
        assert_eq!(
            verifier
                .verify_at(&headers, body, at(NOW + 301))
                .unwrap_err(),
            Rejection::Stale
        );
        assert_eq!(
            verifier
                .verify_at(&headers, body, at(NOW - 301))
                .unwrap_err(),
            Rejection::Stale
        );

        let wrong = signed(&Secret::generate(), "msg_3", NOW, body);
        assert_eq!(
            verifier.verify_at(&wrong, body, at(NOW)).unwrap_err(),
            Rejection::BadSignature
        );

        let rotated = signed(&old, "msg_4", NOW, body);
        assert!(
            verifier.verify_at(&rotated, body, at(NOW)).is_ok(),
            "any configured secret verifies"
        );

        let mut missing = signed(&secret, "msg_5", NOW, body);
        missing.remove("webhook-signature");
        assert_eq!(
            verifier.verify_at(&missing, body, at(NOW)).unwrap_err(),
            Rejection::MissingHeader("webhook-signature")
        );
    }
}
