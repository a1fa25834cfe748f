//! The receiving side: verify a Standard Webhooks signature (every secret, constant time),
//! refuse stale timestamps and replays, and decode the typed payload.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{FromRef, FromRequest, Request};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::dispatch::Secret;
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
    tolerance: Duration,
    seen: Mutex<HashMap<String, SystemTime>>,
}

/// Why a delivery was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// A `webhook-*` header is missing or unreadable.
    MissingHeader(&'static str),
    /// The timestamp is further than the tolerance from now.
    Stale,
    /// No signature matches any secret.
    BadSignature,
    /// This `webhook-id` was already accepted within the tolerance.
    Replay(String),
    /// The body is not the expected JSON.
    Payload(String),
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::MissingHeader(h) => write!(f, "the {h} header is missing or unreadable"),
            Rejection::Stale => f.write_str("the webhook-timestamp is too far from now"),
            Rejection::BadSignature => f.write_str("no webhook-signature matches"),
            Rejection::Replay(id) => write!(f, "{id} was already received"),
            Rejection::Payload(e) => write!(f, "the body is not the expected JSON: {e}"),
        }
    }
}

impl std::error::Error for Rejection {}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = match &self {
            Rejection::MissingHeader(_) | Rejection::Payload(_) => StatusCode::BAD_REQUEST,
            Rejection::Stale | Rejection::BadSignature => StatusCode::UNAUTHORIZED,
            // Not passed to the handler, but answered with success: the sender's earlier
            // success response may have been lost, and an error would make it retry forever.
            Rejection::Replay(_) => StatusCode::OK,
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
        serde_json::from_slice(self.body).map_err(|e| Rejection::Payload(e.to_string()))
    }
}

impl Verifier {
    /// A verifier accepting signatures by any of `secrets`, within 5 minutes of now.
    pub fn new(secrets: Vec<Secret>) -> Self {
        Verifier {
            secrets,
            tolerance: Duration::from_secs(300),
            seen: Mutex::default(),
        }
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
        let valid = signatures.split(' ').any(|candidate| {
            candidate.strip_prefix("v1,").is_some_and(|sig| {
                self.secrets
                    .iter()
                    .any(|s| s.verifies(id, timestamp, body, sig))
            })
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
