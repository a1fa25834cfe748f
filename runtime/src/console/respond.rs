//! The console's answers, each with the headers that keep a page safe: a Content-Security-
//! Policy that allows nothing but the console's own stylesheet and forms (no script at all),
//! no framing, no caching of pages that show deliveries, and no sniffing.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// What every page allows itself: its own stylesheet, inline SVG, forms to itself.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The stylesheet, served from the binary.
pub(super) const STYLESHEET: &str = include_str!("console.css");

fn secure(mut response: Response, cache: &'static str) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CACHE_CONTROL, cache),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A page.
pub(super) fn html(status: StatusCode, page: String) -> Response {
    let response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response();
    secure(response, "no-store")
}

/// The stylesheet, cached for an hour (it changes only with the crate).
pub(super) fn stylesheet() -> Response {
    let response = (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response();
    secure(response, "public, max-age=3600")
}

/// A redirect after a form: the browser asks for `location` with a GET.
pub(super) fn see_other(location: &str) -> Response {
    let response = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response();
    secure(response, "no-store")
}

/// Adds a `Set-Cookie`.
pub(super) fn add_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response
            .headers_mut()
            .append(HeaderName::from_static("set-cookie"), value);
    }
}
