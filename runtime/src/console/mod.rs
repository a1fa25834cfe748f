//! The outbox console: a few server-rendered pages over a [`Dispatcher`]'s store, for the
//! people who run a service that sends callbacks.
//!
//! - **At a glance** (`/`): deliveries by state, and for each minute of the last hour the
//!   deliveries recorded and delivered and the attempts' latency, as small SVG charts; the
//!   targets paused now.
//! - **Deliveries** (`/deliveries`): filtered by state, callback name, target prefix and time
//!   range, newest first, a page at a time (a keyset cursor, so any page of a large outbox
//!   costs what the first does).
//! - **One delivery** (`/deliveries/{id}`): its payload and the headers each attempt carries
//!   (never the signing secret), and every attempt: when, the status or error, the latency,
//!   and the first bytes of the answer.
//! - **Actions**: replay a dead letter, or every dead letter the filter matches; delete, for
//!   good, every dead letter a narrowed filter matches. Each is a POST with a CSRF token (see
//!   below) and is logged as a `tracing` event with target `ringback::console`.
//!
//! The pages use no JavaScript. Their one stylesheet is served by the console
//! (`/console.css`), so a strict Content-Security-Policy, which every page carries, allows
//! nothing else.
//!
//! [`Dispatcher::console`] returns the router for the application to put behind its own
//! authentication; [`Console::sign_in_with`] adds a sign-in of its own instead, with a token
//! the application already checks (a browser cannot send a bearer token by itself).
//!
//! ```
//! use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
//! let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
//! let app: axum::Router = axum::Router::new().nest("/outbox", dispatcher.console());
//! # let _ = app;
//! ```

mod actions;
mod charts;
mod csrf;
mod detail;
mod filter;
mod gate;
mod html;
mod list;
mod overview;
mod respond;
mod states;
mod wire;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;

use crate::dispatch::Dispatcher;
use crate::server::auth::Verify;

/// How many deliveries a page lists.
const PAGE_SIZE: usize = 50;

/// The console for one dispatcher, with its settings; [`router`](Self::router) makes it.
///
/// ```
/// use ringback::auth::Secrets;
/// use ringback::console::Console;
/// use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
/// let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
/// let console = Console::new(dispatcher)
///     // Shared by every instance behind one load balancer, so each accepts the others' forms.
///     .key(b"a long random value from the service's configuration")
///     .sign_in_with(Secrets::new().with("operator-token", "ops"));
/// let app = axum::Router::new().nest("/outbox", console);
/// # let _ = app;
/// ```
pub struct Console {
    dispatcher: Dispatcher,
    key: csrf::Key,
    secure_cookies: bool,
}

impl Console {
    /// The console of `dispatcher`, with a fresh random key (forms and sign-ins then hold for
    /// this process only).
    ///
    /// ```
    /// # use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
    /// # let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
    /// let router: axum::Router = ringback::console::Console::new(dispatcher).router();
    /// # let _ = router;
    /// ```
    pub fn new(dispatcher: Dispatcher) -> Self {
        Console {
            dispatcher,
            key: csrf::Key::random(),
            secure_cookies: false,
        }
    }

    /// Marks every cookie the console sets `Secure`, so browsers send it back over HTTPS only.
    /// Without this, a cookie is `Secure` when the request came through a proxy that says the
    /// browser used HTTPS (`X-Forwarded-Proto: https`, or `proto=https` in `Forwarded`); call
    /// it when TLS ends in front of the service without saying so. Browsers refuse `Secure`
    /// cookies over plain HTTP (except on `localhost`), so the console cannot sign in there.
    ///
    /// ```
    /// # use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
    /// # let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
    /// let console = ringback::console::Console::new(dispatcher).secure_cookies();
    /// # let _ = console.router();
    /// ```
    pub fn secure_cookies(mut self) -> Self {
        self.secure_cookies = true;
        self
    }

    /// Signs CSRF tokens and sign-in sessions with a key derived from `secret`, so that
    /// several instances of a service accept each other's forms and sessions. Keep it
    /// secret, and long.
    ///
    /// ```
    /// # use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
    /// # let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
    /// let key = std::env::var("CONSOLE_KEY").unwrap_or_else(|_| "from the configuration".into());
    /// let console = ringback::console::Console::new(dispatcher).key(key);
    /// # let _ = console.router();
    /// ```
    pub fn key(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.key = csrf::Key::from_bytes(secret.as_ref());
        self
    }

    /// The console's routes, for the application to place behind its own authentication
    /// (`Router::nest("/outbox", ...)`).
    ///
    /// ```
    /// # use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
    /// # let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
    /// let app = axum::Router::new().nest("/outbox", ringback::console::Console::new(dispatcher).router());
    /// # let _: axum::Router = app;
    /// ```
    pub fn router(self) -> Router {
        let state = Arc::new(Shared {
            dispatcher: self.dispatcher,
            key: self.key,
            secure_cookies: self.secure_cookies,
        });
        Router::new()
            .route("/", get(overview::show))
            .route("/deliveries", get(list::show))
            .route("/deliveries/{id}", get(detail::show))
            .route("/deliveries/{id}/replay", post(actions::replay))
            .route("/deliveries/{id}/cancel", post(actions::cancel))
            .route("/replay", post(actions::replay_matching))
            .route("/purge-dead", post(actions::purge_dead))
            .route("/targets/pause", post(actions::pause))
            .route("/targets/resume", post(actions::resume))
            .route("/console.css", get(|| async { respond::stylesheet() }))
            .with_state(state)
    }

    /// The console's routes behind a sign-in of its own: a request passes with
    /// `Authorization: Bearer <token>` that `verify` accepts, or with the session cookie
    /// that signing in with such a token on the console's sign-in form sets (`HttpOnly`,
    /// `SameSite=Strict`, eight hours). Anything else is answered 401 with the sign-in form.
    ///
    /// ```
    /// use ringback::auth::Secrets;
    /// use ringback::console::Console;
    /// use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
    /// let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
    /// let console = Console::new(dispatcher).sign_in_with(Secrets::new().with("operator-token", ()));
    /// # let _: axum::Router = console;
    /// ```
    pub fn sign_in_with<V: Verify>(self, verify: V) -> Router {
        let gate = Arc::new(gate::Gate {
            verify,
            key: self.key.clone(),
            secure_cookies: self.secure_cookies,
        });
        self.router()
            .route("/sign-in", get(|| async {}).post(|| async {}))
            .route("/sign-out", post(|| async {}))
            .layer(axum::middleware::from_fn(move |request, next| {
                gate::guard(gate.clone(), request, next)
            }))
    }
}

/// Reads a filter written as the console's deliveries page writes it (`state`, `callback`,
/// `target`, `since`, `until`, times as `2026-12-01T04:23` in UTC, and `after`, a page
/// cursor), so a command line can take the same filters; says what it could not read.
///
/// ```
/// use ringback::dispatch::DeliveryState;
/// let (filter, after) = ringback::console::read_filter([("state", "dead"), ("target", "https://c.test/")]).unwrap();
/// assert_eq!(filter.state, Some(DeliveryState::Dead));
/// assert_eq!(filter.target.as_deref(), Some("https://c.test/"));
/// assert!(after.is_none());
/// assert!(ringback::console::read_filter([("since", "yesterday")]).is_err());
/// ```
pub fn read_filter<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<
    (
        crate::dispatch::DeliveryFilter,
        Option<crate::dispatch::Cursor>,
    ),
    String,
> {
    let fields = fields
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    let listing = filter::Listing::read(&fields);
    match listing.problems.is_empty() {
        true => Ok((listing.filter, listing.after)),
        false => Err(listing.problems.join("; ")),
    }
}

impl Dispatcher {
    /// The outbox console over this dispatcher's store, as an axum router with a fresh key:
    /// see [`console`](crate::console). Put it behind the application's authentication.
    ///
    /// ```
    /// use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
    /// let dispatcher = Dispatcher::new(MemoryStore::default(), DispatcherConfig::new(Secret::generate()));
    /// let app = axum::Router::new().nest("/outbox", dispatcher.console());
    /// # let _: axum::Router = app;
    /// ```
    pub fn console(&self) -> Router {
        Console::new(self.clone()).router()
    }
}

/// What every handler shares.
struct Shared {
    dispatcher: Dispatcher,
    key: csrf::Key,
    /// Every cookie `Secure`, whatever the request says (see [`Console::secure_cookies`]).
    secure_cookies: bool,
}

type State = axum::extract::State<Arc<Shared>>;

/// Where the console is mounted: the path prefix its links start with (`/outbox`, or empty
/// at the root), read from the request, so the console works under any `nest`.
struct Mount {
    base: String,
}

impl Mount {
    fn from_paths(original: &str, inner: &str) -> Self {
        let base = original.strip_suffix(inner).unwrap_or(original);
        Mount {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    fn of(request: &Request) -> Self {
        let original = request
            .extensions()
            .get::<OriginalUri>()
            .map_or(request.uri().path(), |o| o.0.path());
        Self::from_paths(original, request.uri().path())
    }

    fn of_parts(parts: &Parts) -> Self {
        let original = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(parts.uri.path(), |o| o.0.path());
        Self::from_paths(original, parts.uri.path())
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Mount {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Mount::of_parts(parts))
    }
}

/// A form body's fields (at most 64 KiB of it).
async fn read_form(body: axum::body::Body) -> HashMap<String, String> {
    match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) => filter::pairs(&bytes),
        Err(_) => HashMap::new(),
    }
}

/// The CSRF token for a page's forms, and the cookie to set when the browser has none yet.
fn csrf_for(shared: &Shared, headers: &HeaderMap, base: &str) -> (String, Option<String>) {
    match csrf::cookie(headers, csrf::COOKIE) {
        Some(nonce) if !nonce.is_empty() => (shared.key.sign(csrf::FIELD, nonce), None),
        _ => {
            let nonce = csrf::new_nonce();
            let secure = shared.secure_cookies || csrf::over_https(headers);
            let cookie = csrf::set_cookie(csrf::COOKIE, &nonce, base, None, secure);
            (shared.key.sign(csrf::FIELD, &nonce), Some(cookie))
        }
    }
}

/// A page answered 200, with the CSRF cookie if it was new.
fn page_response(cookie: Option<String>, page: String) -> axum::response::Response {
    let mut response = respond::html(axum::http::StatusCode::OK, page);
    if let Some(cookie) = cookie {
        respond::add_cookie(&mut response, &cookie);
    }
    response
}

/// A page that says something went wrong.
fn problem(base: &str, status: axum::http::StatusCode, message: &str) -> axum::response::Response {
    let body = format!(
        "<p class=\"notice bad\">{}</p><p><a href=\"{}/deliveries\">Back to the deliveries</a></p>",
        html::escape(message),
        html::escape(base)
    );
    respond::html(
        status,
        html::page(base, status.canonical_reason().unwrap_or("Error"), &body),
    )
}

#[cfg(test)]
mod tests {
    use super::Mount;

    #[test]
    fn the_mount_point_is_what_the_nest_took_off() {
        assert_eq!(Mount::from_paths("/outbox", "/").base, "/outbox");
        assert_eq!(Mount::from_paths("/outbox/", "/").base, "/outbox");
        assert_eq!(
            Mount::from_paths("/outbox/deliveries", "/deliveries").base,
            "/outbox"
        );
        assert_eq!(Mount::from_paths("/deliveries", "/deliveries").base, "");
        assert_eq!(Mount::from_paths("/", "/").base, "");
    }
}
