//! The server half: an [`Api`] collects operations and becomes an `axum::Router` that
//! extracts, validates and answers every error as `application/problem+json`.

pub mod auth;
mod body;
mod body_report;
mod callback_arg;
mod coerce;
mod contract_source;
#[cfg(feature = "docs-page")]
mod docs;
mod error_pointer;
pub mod extract;
mod foreign;
mod operation;
mod panic;
mod problem;
mod response;
mod webhooks;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body as AxumBody;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use http::{header, HeaderValue, StatusCode};

pub use extract::{
    ArgInfo, Body, Extractor, ExtractorKind, FromRequest, Header, Path, Query, RequestParts, State,
};
pub use foreign::Documented;
#[doc(hidden)]
pub use foreign::{DocumentedProbe, Foreign, Probe, UndocumentedProbe};
pub use operation::{
    merge_problems, HandlerFuture, HeaderDecl, IntoOperation, OperationDef, OperationMeta,
    ResponseDecl,
};
pub use problem::{ApiError, Problem, PROBLEM_JSON};
pub use response::{
    document_variants, restate, with_headers, Bytes, BytesMediaType, ContentFn, Created,
    HeaderField, IntoApiResponse, NoContent, OctetStream, ResponseBody, ResponseVariant, Responses,
    Text, VariantHeader,
};

use crate::openapi::{Document, InvalidDocument, Method, OpenApiVersion, Tag};

/// What to do with readOnly properties that a client sends.
///
/// ```
/// use ringback::server::ReadOnlyPolicy;
/// assert_eq!(ReadOnlyPolicy::default(), ReadOnlyPolicy::Strip);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum ReadOnlyPolicy {
    /// Ignore them: they are removed before the body is read (OpenAPI's "SHOULD NOT be sent",
    /// and the defence against mass assignment).
    #[default]
    Strip,
    /// Refuse the request with 400, naming each one.
    Reject,
}

/// Settings every operation of an [`Api`] shares.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The largest body accepted, in bytes.
    pub body_limit: usize,
    /// What to do with readOnly properties that a client sends.
    pub read_only: ReadOnlyPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            body_limit: 1024 * 1024,
            read_only: ReadOnlyPolicy::Strip,
        }
    }
}

/// An HTTP API: operations, the document that describes them, and the router that serves them.
///
/// ```
/// use ringback::server::{Api, Path, ApiError};
///
/// /// Say hello.
/// #[ringback::get("/hello/{name}", responses(200 = "A greeting"))]
/// async fn hello(name: Path<String>) -> Result<String, ApiError> {
///     Ok(format!("hello, {}", name.0))
/// }
///
/// let api = Api::new("Greeter", "1.0").operation(hello);
/// let doc = api.document().to_json(ringback::openapi::OpenApiVersion::V3_0_3);
/// assert_eq!(doc["paths"]["/hello/{name}"]["get"]["operationId"], "hello");
/// let router: axum::Router = api.router(());
/// ```
pub struct Api<S> {
    document: Document,
    security: auth::Registry,
    operations: Vec<OperationDef<S>>,
    webhooks: Vec<crate::callback::WebhookDecl>,
    settings: Settings,
    version: OpenApiVersion,
    #[cfg(feature = "docs-page")]
    docs: docs::DocsPath,
}

impl<S: Clone + Send + Sync + 'static> Api<S> {
    /// An API with no operations yet.
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        Api {
            document: Document::new(title, version),
            security: auth::Registry::default(),
            operations: Vec::new(),
            webhooks: Vec::new(),
            settings: Settings::default(),
            version: OpenApiVersion::default(),
            #[cfg(feature = "docs-page")]
            docs: docs::DocsPath::default(),
        }
    }

    /// Adds an operation: a handler annotated with `#[ringback::get/post/...]`.
    ///
    /// # Panics
    /// If the operation id, or the method and path, is already taken: a document cannot hold
    /// both, and a router would route only one.
    pub fn operation(self, operation: impl IntoOperation<S>) -> Self {
        self.add_operation(operation.into_operation())
    }

    // Apart from `operation`, which every handler instantiates, so that this is compiled once.
    fn add_operation(mut self, op: OperationDef<S>) -> Self {
        for existing in &self.operations {
            assert!(
                existing.meta.operation_id != op.meta.operation_id,
                "two operations have the operation id `{}` ({} {} and {} {}); give one another with `operation_id = \"...\"`",
                op.meta.operation_id,
                existing.meta.method.as_key().to_uppercase(),
                existing.meta.path,
                op.meta.method.as_key().to_uppercase(),
                op.meta.path,
            );
            assert!(
                !(existing.meta.method == op.meta.method && existing.meta.path == op.meta.path),
                "two operations serve {} {}: `{}` and `{}`",
                op.meta.method.as_key().to_uppercase(),
                op.meta.path,
                existing.meta.operation_id,
                op.meta.operation_id,
            );
        }
        self.operations.push(op);
        self
    }

    /// A description of the API.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.document.info.description = Some(description.into());
        self
    }

    /// Adds a server the API is served from.
    pub fn server(mut self, url: impl Into<String>, description: impl Into<String>) -> Self {
        self.document.servers.push(crate::openapi::Server {
            url: url.into(),
            description: Some(description.into()),
        });
        self
    }

    /// Registers a security scheme that operations name in `security(...)`, with the
    /// application's check of its credentials. Each scheme is registered once.
    ///
    /// ```
    /// use ringback::auth::{ApiKey, Credential, Grant, Refusal, Secrets};
    ///
    /// async fn by_key(credential: Credential) -> Result<Grant<u64>, Refusal> {
    ///     match credential.secret().expose() {
    ///         "key-of-42" => Ok(Grant::new(42)),
    ///         _ => Err(Refusal::invalid("unknown key")),
    ///     }
    /// }
    ///
    /// let api = ringback::Api::<()>::new("Shop", "1")
    ///     .security_scheme("api_key", ApiKey::header("X-Api-Key"), by_key);
    /// let doc = api.document().to_json(ringback::openapi::OpenApiVersion::V3_0_3);
    /// assert_eq!(doc["components"]["securitySchemes"]["api_key"]["in"], "header");
    /// ```
    ///
    /// # Panics
    /// If a scheme of that name is already registered.
    pub fn security_scheme<V: auth::Verify>(
        mut self,
        name: impl Into<String>,
        scheme: impl auth::Scheme,
        verifier: V,
    ) -> Self {
        let name = name.into();
        assert!(
            self.security.schemes.iter().all(|s| s.name != name),
            "the security scheme `{name}` is registered twice; register each scheme once"
        );
        let scheme: Box<dyn auth::Scheme> = Box::new(scheme);
        let defined_scopes = match scheme.document() {
            crate::openapi::SecurityScheme::OAuth2 { flows } => Some(
                flows
                    .iter()
                    .flat_map(|f| f.scopes().keys().cloned())
                    .collect(),
            ),
            _ => None,
        };
        self.security.schemes.push(Arc::new(auth::Registered::new(
            name,
            scheme,
            verifier,
            defined_scopes,
        )));
        self
    }

    /// The requirement of every operation that names none of its own and is not `public`.
    ///
    /// ```
    /// use ringback::auth::{HttpBearer, Requirement, Secrets};
    /// let api = ringback::Api::<()>::new("Shop", "1")
    ///     .security_scheme("bearer", HttpBearer::new(), Secrets::new().with("t", ()))
    ///     .default_security(Requirement::scheme("bearer"));
    /// let doc = api.document().to_json(ringback::openapi::OpenApiVersion::V3_1_0);
    /// assert!(doc["security"][0]["bearer"].is_array());
    /// ```
    pub fn default_security(mut self, requirement: impl Into<auth::Requirement>) -> Self {
        self.security.default = requirement.into();
        self
    }

    /// Who to contact about the API.
    pub fn contact(mut self, contact: crate::openapi::Contact) -> Self {
        self.document.info.contact = Some(contact);
        self
    }

    /// Describes a tag.
    pub fn tag(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        self.document.tags.push(Tag {
            name: name.into(),
            description: Some(description.into()),
        });
        self
    }

    /// The largest request body accepted, in bytes (default 1 MiB); larger ones get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.settings.body_limit = bytes;
        self
    }

    /// What to do with readOnly properties a client sends (default: strip them).
    pub fn read_only_policy(mut self, policy: ReadOnlyPolicy) -> Self {
        self.settings.read_only = policy;
        self
    }

    /// Which OpenAPI version `/openapi.json` and `/openapi.yaml` serve (default 3.0.3).
    /// Either version is also served on request: `/openapi.json?version=3.1`.
    pub fn openapi_version(mut self, version: OpenApiVersion) -> Self {
        self.version = version;
        self
    }

    /// The OpenAPI document. A requirement that names an unregistered scheme is written as it
    /// is; [`try_router`](Self::try_router) refuses it.
    pub fn document(&self) -> Document {
        let mut doc = self.document.clone();
        for registered in &self.security.schemes {
            doc.security_schemes
                .insert(registered.name.clone(), registered.named());
        }
        doc.security = self.security.default.to_document();
        let mut used_tags: Vec<&str> = Vec::new();
        for op in &self.operations {
            let mut operation = op.document(&mut doc.components);
            document_security(&self.security, op.meta, &mut operation, &mut doc.components);
            add_operation(&mut doc, op.meta, operation);
            used_tags.extend(op.meta.tags.iter().copied());
        }
        used_tags.extend(self.document_webhooks(&mut doc));
        for tag in used_tags {
            if !doc.tags.iter().any(|t| t.name == tag) {
                doc.tags.push(Tag {
                    name: tag.to_owned(),
                    description: None,
                });
            }
        }
        doc
    }

    /// Every security requirement that cannot be enforced as written, each at its pointer.
    fn security_issues(&self) -> Vec<crate::openapi::DocumentIssue> {
        let mut issues = self
            .security
            .issues(&self.security.default, "/security", None);
        for op in &self.operations {
            let own = auth::Requirement::from_static(op.meta.security);
            let effective = self.security.effective(&own, op.meta.public);
            let pointer = format!(
                "/paths/{}/{}/security",
                op.meta.path.replace('~', "~0").replace('/', "~1"),
                op.meta.method.as_key()
            );
            issues.extend(self.security.issues(effective, &pointer, op.principal));
        }
        issues
    }

    /// The router: every operation, `/openapi.json` and `/openapi.yaml`, and problem+json
    /// answers for unknown routes (404) and wrong methods (405 with `Allow`).
    ///
    /// # Panics
    /// If the document would be refused (a `pattern` that is not an ECMA-262 regular
    /// expression, a component name OpenAPI does not allow), with every reason; [`try_router`](Self::try_router) returns them instead.
    pub fn router(self, state: S) -> Router {
        self.try_router(state)
            .unwrap_or_else(|invalid| panic!("{invalid}"))
    }

    /// The router, or what in the document OpenAPI tools and ringback's validation would
    /// refuse, each issue with its JSON pointer. Every pattern is compiled here, before
    /// anything is served.
    ///
    /// ```
    /// use ringback::server::{Api, ApiError, Body, NoContent};
    ///
    /// #[derive(serde::Deserialize, ringback::Schema)]
    /// struct Code {
    ///     // Well-formed, but Unicode has no property `Letters` (it is `Letter`, or `L`).
    ///     #[schema(pattern = r"^\p{Letters}+$")]
    ///     code: String,
    /// }
    ///
    /// /// Store a code.
    /// #[ringback::post("/codes", responses(204 = "Stored"))]
    /// async fn store(code: Body<Code>) -> Result<NoContent, ApiError> {
    ///     Ok(NoContent)
    /// }
    ///
    /// let invalid = Api::new("Codes", "1.0").operation(store).try_router(()).unwrap_err();
    /// assert_eq!(
    ///     invalid.issues()[0].pointer(),
    ///     "/components/schemas/Code/properties/code/pattern"
    /// );
    /// ```
    pub fn try_router(self, state: S) -> Result<Router, InvalidDocument> {
        let document = self.document();
        InvalidDocument::from_issues(self.security_issues())?;
        document.check()?;
        let realm: Arc<str> = Arc::from(document.info.title.as_str());
        let documents = Arc::new(RenderedDocuments::new(&document));
        let settings = Arc::new(self.settings);
        #[cfg(feature = "docs-page")]
        let with_docs = |router| {
            let paths = self.operations.iter().map(|op| op.meta.path);
            docs::mount(router, &self.docs, &realm, self.version, paths)
        };
        #[cfg(not(feature = "docs-page"))]
        let with_docs = |router| router;
        let router = with_docs(Router::new());
        let paths: Vec<&'static str> = self.operations.iter().map(|op| op.meta.path).collect();
        let mut router = router;
        for (path, indices) in group_by_path(&paths) {
            let operations = indices.iter().map(|&i| &self.operations[i]);
            let allow = allow_header(operations.clone().map(|op| op.meta.method));
            let mut methods: MethodRouter = MethodRouter::new();
            for op in operations {
                let own = auth::Requirement::from_static(op.meta.security);
                let requirement = self.security.effective(&own, op.meta.public);
                let guard = self
                    .security
                    .guard(requirement, &realm, op.meta.operation_id);
                methods = methods.merge(route(op, state.clone(), settings.clone(), guard));
            }
            methods = methods.fallback(move || {
                let allow = allow.clone();
                async move { method_not_allowed(allow) }
            });
            router = router.route(path, methods);
        }
        let default_version = self.version;
        for (path, yaml) in [("/openapi.json", false), ("/openapi.yaml", true)] {
            let documents = documents.clone();
            router = router.route(
                path,
                axum::routing::get(move |request: Request| {
                    let documents = documents.clone();
                    async move { documents.serve(request.uri().query(), default_version, yaml) }
                }),
            );
        }
        Ok(router.fallback(|| async {
            Problem::new(StatusCode::NOT_FOUND)
                .with_detail("no operation has this path")
                .into_response()
        }))
    }
}

/// An operation's own requirement, and the 401 and 403 that the one it is held to can
/// answer.
fn document_security(
    security: &auth::Registry,
    meta: &OperationMeta,
    operation: &mut crate::openapi::Operation,
    components: &mut crate::openapi::Components,
) {
    let own = auth::Requirement::from_static(meta.security);
    if meta.public {
        operation.security = Some(Vec::new());
    } else if !own.is_empty() {
        operation.security = Some(own.to_document());
    }
    let effective = security.effective(&own, meta.public);
    if effective.is_empty() {
        return;
    }
    operation.responses.insert(
        "401".to_owned(),
        operation::problem_response(StatusCode::UNAUTHORIZED, components),
    );
    let scoped = effective
        .alternatives()
        .iter()
        .flatten()
        .any(|(_, scopes)| !scopes.is_empty());
    if scoped {
        operation.responses.insert(
            "403".to_owned(),
            operation::problem_response(StatusCode::FORBIDDEN, components),
        );
    }
}

/// Adds an operation to the document's paths.
fn add_operation(doc: &mut Document, meta: &OperationMeta, operation: crate::openapi::Operation) {
    doc.paths
        .entry(meta.path.to_owned())
        .or_default()
        .operations
        .insert(meta.method, operation);
}

fn route<S: Clone + Send + Sync + 'static>(
    op: &OperationDef<S>,
    state: S,
    settings: Arc<Settings>,
    guard: Option<Arc<auth::Guard>>,
) -> MethodRouter {
    let filter = match op.meta.method {
        Method::Get => MethodFilter::GET,
        Method::Put => MethodFilter::PUT,
        Method::Post => MethodFilter::POST,
        Method::Delete => MethodFilter::DELETE,
        Method::Patch => MethodFilter::PATCH,
    };
    let meta = op.meta;
    let handler = op.handler;
    let has_body = op.has_body();
    let body_reads = Arc::new(crate::callback::body_reads(meta.callbacks));
    on(
        filter,
        move |params: Result<RawPathParams, RawPathParamsRejection>, request: Request| {
            let params: Result<Vec<(String, String)>, Problem> = match params {
                Ok(params) => Ok(params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()),
                // Percent-decoding gave bytes that are not UTF-8.
                Err(rejection) => Err(Problem::invalid(vec![crate::Violation::new(
                    "",
                    rejection.body_text(),
                )])),
            };
            let (parts, body) = request.into_parts();
            let guard = guard.clone();
            // One future for every operation of the API, compiled once: what is the same for
            // all of them (authentication, reading the body) is done here rather than in each
            // operation's own future.
            let future = async move {
                // Authentication comes first: before any extractor reads the request, and
                // before a malformed path is reported.
                let principal = match guard {
                    Some(guard) => match guard.admit(&parts).await {
                        Ok(principal) => Some(principal),
                        Err(refused) => return refused,
                    },
                    None => None,
                };
                let params = match params {
                    Ok(params) => params,
                    Err(problem) => return problem.into_response(),
                };
                let mut parts =
                    RequestParts::new(parts, body, state, params, settings, meta, body_reads);
                parts.principal = principal;
                if has_body {
                    body::prefetch(&mut parts).await;
                }
                handler(parts).await
            };
            panic::CatchPanic::new(future, meta.operation_id)
        },
    )
}

/// The indices of the operations on each path, by path: a map of indices rather than of the
/// operations themselves, so that it is compiled once and not for every state type.
fn group_by_path(paths: &[&'static str]) -> BTreeMap<&'static str, Vec<usize>> {
    let mut by_path: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    for (i, path) in paths.iter().enumerate() {
        by_path.entry(path).or_default().push(i);
    }
    by_path
}

fn allow_header(methods: impl Iterator<Item = Method>) -> HeaderValue {
    let mut methods: Vec<String> = methods.map(|m| m.as_key().to_uppercase()).collect();
    if methods.iter().any(|m| m == "GET") {
        methods.push("HEAD".to_owned());
    }
    HeaderValue::from_str(&methods.join(", ")).unwrap_or(HeaderValue::from_static(""))
}

fn method_not_allowed(allow: HeaderValue) -> Response {
    let detail = format!(
        "this path allows {}",
        allow.to_str().unwrap_or("other methods")
    );
    let mut response = Problem::new(StatusCode::METHOD_NOT_ALLOWED)
        .with_detail(detail)
        .into_response();
    response.headers_mut().insert(header::ALLOW, allow);
    response
}

/// The document rendered once, in each version and format.
struct RenderedDocuments {
    json: [String; 2],
    yaml: [String; 2],
}

impl RenderedDocuments {
    fn new(doc: &Document) -> Self {
        let versions = [OpenApiVersion::V3_0_3, OpenApiVersion::V3_1_0];
        RenderedDocuments {
            json: versions.map(|v| doc.to_json_pretty(v)),
            yaml: versions.map(|v| doc.to_yaml(v)),
        }
    }

    fn serve(&self, query: Option<&str>, default: OpenApiVersion, yaml: bool) -> Response {
        let requested = query.and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "version")
                .map(|(_, v)| v.into_owned())
        });
        let version = match requested {
            None => default,
            Some(v) => match v.parse::<OpenApiVersion>() {
                Ok(version) => version,
                Err(message) => {
                    return Problem::invalid(vec![crate::Violation::in_parameter(
                        "query", "version", "", message,
                    )])
                    .into_response()
                }
            },
        };
        let index = usize::from(version == OpenApiVersion::V3_1_0);
        let (body, content_type) = if yaml {
            (self.yaml[index].clone(), "application/yaml")
        } else {
            (self.json[index].clone(), "application/json")
        };
        let mut response = (StatusCode::OK, AxumBody::from(body)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}
