//! The docs page: an interactive reference of the `Api`'s own document, rendered in the
//! browser by Swagger UI, whose files the binary carries (cargo feature `docs-page`).
//!
//! Swagger UI because it shows what ringback is about: each operation's callbacks under their
//! names, with the runtime expression, the method, and the request body, and the 3.1
//! `webhooks`; and it runs under a Content-Security-Policy of `'self'` with no inline script
//! or style. Redoc lists a callback by its operation's summary, not its name, and needs
//! inline styles.

mod assets;
mod page;

use std::sync::Arc;

use axum::extract::{Path as AxumPath, Request};
use axum::Router;

use super::Api;
use crate::openapi::OpenApiVersion;

/// Where the page is served; `None` when it is switched off.
#[derive(Debug, Clone)]
pub(super) struct DocsPath(pub(super) Option<String>);

impl Default for DocsPath {
    fn default() -> Self {
        DocsPath(Some("/docs".to_owned()))
    }
}

impl<S: Clone + Send + Sync + 'static> Api<S> {
    /// Serves the docs page at `path` instead of `/docs`, its files under `<path>/assets/`.
    ///
    /// ```
    /// let router: axum::Router = ringback::Api::new("Shop", "1")
    ///     .docs_path("/reference")
    ///     .router(());
    /// ```
    ///
    /// # Panics
    /// If `path` does not start with `/`, ends with `/`, or holds a `{`, `}` or `*` (it is a
    /// plain path, not a route template).
    pub fn docs_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        assert!(
            path.starts_with('/')
                && path.len() > 1
                && !path.ends_with('/')
                && !path.contains(['{', '}', '*', '?', '#']),
            "the docs path `{path}` is not a plain path: write it like `/docs` or `/api/reference`"
        );
        self.docs = DocsPath(Some(path));
        self
    }

    /// Serves no docs page: `/docs` answers 404 like any unknown path. `/openapi.json` and
    /// `/openapi.yaml` are still served.
    ///
    /// ```
    /// let router: axum::Router = ringback::Api::new("Shop", "1").without_docs().router(());
    /// ```
    pub fn without_docs(mut self) -> Self {
        self.docs = DocsPath(None);
        self
    }
}

/// Adds the page and its assets to `router`.
///
/// # Panics
/// If an operation has the page's path or one under its assets: the application chooses
/// another with [`Api::docs_path`] or none with [`Api::without_docs`].
pub(super) fn mount<'a>(
    router: Router,
    docs: &DocsPath,
    title: &str,
    default_version: OpenApiVersion,
    operation_paths: impl Iterator<Item = &'a str>,
) -> Router {
    let Some(path) = &docs.0 else { return router };
    let assets_prefix = format!("{path}/assets/");
    for taken in operation_paths {
        assert!(
            taken != path && !taken.starts_with(&assets_prefix),
            "the operation at `{taken}` takes the docs page's path `{path}`; move the page with \
             `Api::docs_path(\"/...\")` or switch it off with `Api::without_docs()`"
        );
    }
    let title: Arc<str> = Arc::from(title);
    let links = Arc::new(page::Links::new(path));
    router
        .route(
            path,
            axum::routing::get(move |request: Request| async move {
                page::serve(&title, &links, request.uri().query(), default_version)
            }),
        )
        .route(
            &format!("{assets_prefix}{{file}}"),
            axum::routing::get(
                |AxumPath(file): AxumPath<String>, request: Request| async move {
                    assets::serve(&file, request.headers())
                },
            ),
        )
}
