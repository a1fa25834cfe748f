//! Signing in to the console with the token an application already checks.
//!
//! A script sends `Authorization: Bearer <token>` with every request. A browser cannot add
//! that header to a link or a form by itself, so an operator signs in once: the console's
//! sign-in form sends the token in a POST body (never in a URL, where history, logs and
//! `Referer` headers would keep it), and the answer sets a session cookie, `HttpOnly` (no
//! script reads it) and `SameSite=Strict` (no other site's page makes the browser send it,
//! which HTTP Basic credentials would be). The cookie holds no token: an expiry and the
//! console key's signature of it, so every instance sharing the key accepts it, and signing
//! out, or eight hours, ends it.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::csrf::{self, Key};
use super::{html, respond, Mount};
use crate::server::auth::{Credential, Secret, Verify};

/// The session cookie.
const SESSION: &str = "ringback_console_session";
/// How long a session lasts.
const SESSION_SECS: u64 = 8 * 3600;

/// What the gate needs: the application's check, and the key that signs sessions.
pub(super) struct Gate<V> {
    pub(super) verify: V,
    pub(super) key: Key,
    /// Every cookie `Secure`, whatever the request says.
    pub(super) secure_cookies: bool,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl<V: Verify> Gate<V> {
    async fn accepts(&self, token: &str) -> bool {
        let credential = Credential::Bearer(Secret::new(token));
        self.verify.verify(credential).await.is_ok()
    }

    fn session_ok(&self, value: &str) -> bool {
        let Some((expiry, signature)) = value.split_once('.') else {
            return false;
        };
        let live = expiry.parse::<u64>().is_ok_and(|e| e > now_secs());
        live && self.key.verifies("session", expiry, signature)
    }
}

/// The sign-in page, with `problem` said above the form when there is one.
fn sign_in_page(base: &str, status: StatusCode, problem: Option<&str>) -> Response {
    let problem = problem.map_or(String::new(), |p| {
        format!("<p class=\"notice bad\">{}</p>", html::escape(p))
    });
    let body = format!(
        "{problem}<form method=\"post\" action=\"{}/sign-in\" class=\"sign-in\">\
         <label>Token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required autofocus></label>\
         <button type=\"submit\">Sign in</button></form>\
         <p class=\"hint\">Scripts can send <code>Authorization: Bearer &lt;token&gt;</code> instead.</p>",
        html::escape(base)
    );
    let mut response = respond::html(status, html::page(base, "Sign in", &body));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"outbox console\""),
        );
    }
    response
}

/// The middleware: lets through a request with a good bearer token or session, answers the
/// sign-in and sign-out forms, and answers anything else with the sign-in form (401).
pub(super) async fn guard<V: Verify>(gate: Arc<Gate<V>>, request: Request, next: Next) -> Response {
    let mount = Mount::of(&request);
    let base = mount.base.clone();
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let secure = gate.secure_cookies || csrf::over_https(&headers);
    if path == "/sign-in" && request.method() == Method::POST {
        if csrf::cross_origin(&headers) {
            return sign_in_page(
                &base,
                StatusCode::FORBIDDEN,
                Some(csrf::Refusal::CrossOrigin.explain()),
            );
        }
        let form = super::read_form(request.into_body()).await;
        let token = form.get("token").map(String::as_str).unwrap_or("");
        if !gate.accepts(token).await {
            tracing::warn!(target: "ringback::console", "console sign-in refused");
            return sign_in_page(
                &base,
                StatusCode::UNAUTHORIZED,
                Some("that token is not accepted"),
            );
        }
        tracing::info!(target: "ringback::console", "console sign-in");
        let expiry = (now_secs() + SESSION_SECS).to_string();
        let session = format!("{expiry}.{}", gate.key.sign("session", &expiry));
        let mut response = respond::see_other(&html::home(&base));
        respond::add_cookie(
            &mut response,
            &csrf::set_cookie(SESSION, &session, &base, Some(SESSION_SECS), secure),
        );
        return response;
    }
    if path == "/sign-in" {
        return sign_in_page(&base, StatusCode::OK, None);
    }
    if path == "/console.css" {
        return next.run(request).await;
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let allowed = match bearer {
        Some(token) => gate.accepts(token.trim()).await,
        None => csrf::cookie(&headers, SESSION).is_some_and(|s| gate.session_ok(s)),
    };
    if !allowed {
        let problem = bearer.map(|_| "that token is not accepted");
        return sign_in_page(&base, StatusCode::UNAUTHORIZED, problem);
    }
    if path == "/sign-out" && request.method() == Method::POST {
        let mut response = respond::see_other(&format!("{base}/sign-in"));
        respond::add_cookie(
            &mut response,
            &csrf::set_cookie(SESSION, "", &base, Some(0), secure),
        );
        return response;
    }
    next.run(request).await
}
