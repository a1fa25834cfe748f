//! RFC 9457 problem details: the one shape every error response takes.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};

use crate::Violation;

/// The media type of every error response.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An `application/problem+json` body (RFC 9457), with the list of violations that made a
/// request invalid.
///
/// ```
/// use ringback::server::Problem;
/// let p = Problem::new(http::StatusCode::NOT_FOUND).with_detail("no customer 42");
/// assert_eq!(p.status, 404);
/// assert_eq!(p.title, "Not Found");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, crate::Schema)]
#[schema(description = "An error, as RFC 9457 problem details.")]
pub struct Problem {
    /// A URI reference that identifies the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every part of the request that was wrong.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// Headers sent with the answer, outside its body: the `WWW-Authenticate` or `Retry-After`
    /// of an extractor's rejection. Not part of the JSON. Boxed, and `None` when there are
    /// none, so a problem stays small and costs no allocation on the common path.
    #[serde(skip)]
    pub headers: Option<Box<HeaderMap>>,
}

impl Problem {
    /// A problem with the standard title for `status`.
    pub fn new(status: StatusCode) -> Self {
        Problem {
            problem_type: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: None,
            violations: Vec::new(),
            headers: None,
        }
    }

    /// The problem with a detail message.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The problem with these violations.
    pub fn with_violations(mut self, violations: Vec<Violation>) -> Self {
        self.violations = violations;
        self
    }

    /// The problem, answered with these headers too (its own `Content-Type` stays).
    ///
    /// ```
    /// use axum::response::IntoResponse;
    /// use http::{header, HeaderMap, StatusCode};
    /// use ringback::server::Problem;
    /// let mut headers = HeaderMap::new();
    /// headers.insert(header::RETRY_AFTER, "30".parse().unwrap());
    /// let response = Problem::new(StatusCode::SERVICE_UNAVAILABLE).with_headers(headers).into_response();
    /// assert_eq!(response.headers()[header::RETRY_AFTER], "30");
    /// assert_eq!(response.headers()[header::CONTENT_TYPE], "application/problem+json");
    /// ```
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = (!headers.is_empty()).then(|| Box::new(headers));
        self
    }

    /// A 400 listing `violations`.
    pub fn invalid(violations: Vec<Violation>) -> Self {
        let detail = match violations.len() {
            1 => "the request has 1 invalid part".to_owned(),
            n => format!("the request has {n} invalid parts"),
        };
        Problem::new(StatusCode::BAD_REQUEST)
            .with_detail(detail)
            .with_violations(violations)
    }

    /// The HTTP status.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        for (name, value) in self.headers.iter().flat_map(|h| h.iter()) {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                headers.append(name, value.clone());
            }
        }
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// The error a handler returns: any status with a problem+json body.
///
/// ```
/// use ringback::server::ApiError;
/// let e = ApiError::conflict("customerRef ORD-1 is already used");
/// assert_eq!(e.problem().status, 409);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError(Problem);

impl ApiError {
    /// An error with `status` and a detail for the client.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError(Problem::new(status).with_detail(detail))
    }

    /// 400 Bad Request with violations.
    pub fn invalid(violations: Vec<Violation>) -> Self {
        ApiError(Problem::invalid(violations))
    }

    /// 400 Bad Request.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 404 Not Found.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 409 Conflict.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }

    /// 500 Internal Server Error. The detail goes to the log, never to the client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        ApiError(Problem::new(StatusCode::INTERNAL_SERVER_ERROR))
    }

    /// The error with the violations that caused it.
    ///
    /// ```
    /// use ringback::{ApiError, Violation};
    /// let e = ApiError::conflict("wrong customer").with_violations(vec![Violation::new("/customerId", "differs")]);
    /// assert_eq!(e.problem().violations.len(), 1);
    /// ```
    pub fn with_violations(mut self, violations: Vec<Violation>) -> Self {
        self.0.violations = violations;
        self
    }

    /// The problem that will be sent.
    pub fn problem(&self) -> &Problem {
        &self.0
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError(p)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0.status, self.0.title)?;
        if let Some(d) = &self.0.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}
