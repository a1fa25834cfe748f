//! Handler arguments: each extractor reads one part of the request and documents itself as a
//! parameter or request body.

use std::future::Future;
use std::sync::Arc;

use axum::extract::FromRef;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::coerce::{self, object_of};
use super::operation::OperationMeta;
use super::{Problem, Settings};
use crate::case::names_match;
pub use crate::checks::ExtractorKind;
use crate::openapi::parameters::object_properties;
use crate::openapi::{Components, Operation, Parameter, ParameterLocation};
use crate::schema::shape::Shape;
use crate::{Schema, Validator, Violation};

pub use super::body::Body;

/// One request on its way to a handler, as extractors see it.
pub struct RequestParts<S> {
    /// Method, URI, headers and extensions.
    pub parts: http::request::Parts,
    pub(super) body: Option<axum::body::Body>,
    /// The JSON body as read before the extractors run, for an operation that takes one.
    pub(super) body_bytes: Option<Result<Option<axum::body::Bytes>, Problem>>,
    state: S,
    path_params: Vec<(String, String)>,
    pub(super) settings: Arc<Settings>,
    pub(super) operation: &'static OperationMeta,
    /// What the operation's callbacks read from the body, worked out when the router was built.
    pub(super) body_reads: Arc<Option<crate::callback::BodyReads>>,
    /// The operation's callbacks, resolved from the body as the client sent it (before
    /// readOnly stripping), when a body was read.
    pub(super) resolved_callbacks: Vec<(&'static str, Result<Option<String>, Problem>)>,
    /// Who the operation's security requirement authenticated, until `Auth<P>` takes it.
    pub(super) principal: Option<super::auth::AnyPrincipal>,
}

impl<S> RequestParts<S> {
    pub(crate) fn new(
        parts: http::request::Parts,
        body: axum::body::Body,
        state: S,
        path_params: Vec<(String, String)>,
        settings: Arc<Settings>,
        operation: &'static OperationMeta,
        body_reads: Arc<Option<crate::callback::BodyReads>>,
    ) -> Self {
        RequestParts {
            parts,
            body: Some(body),
            body_bytes: None,
            state,
            path_params,
            settings,
            operation,
            body_reads,
            resolved_callbacks: Vec::new(),
            principal: None,
        }
    }

    /// The application state.
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The request head and the state together, as axum's `FromRequestParts` takes them.
    pub(super) fn head_and_state(&mut self) -> (&mut http::request::Parts, &S) {
        (&mut self.parts, &self.state)
    }

    /// The path parameters, by template name, percent-decoded.
    pub fn path_params(&self) -> &[(String, String)] {
        &self.path_params
    }

    /// The operation being served.
    pub fn operation(&self) -> &'static OperationMeta {
        self.operation
    }

    /// A callback's target, if it was resolved when the body was read.
    pub(crate) fn resolved_callback(&self, name: &str) -> Option<&Result<Option<String>, Problem>> {
        self.resolved_callbacks
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| r)
    }
}

/// What the macro knows about a handler argument: its name, and the path template's
/// parameter names (for `Path` arguments to find theirs).
#[derive(Debug)]
pub struct ArgInfo {
    /// The argument's name in Rust.
    pub ident: &'static str,
    /// The doc comment on the argument, if any, for the parameter's description.
    pub description: Option<&'static str>,
    /// The parameter names of the operation's path template.
    pub template: &'static [&'static str],
    /// For a `Callback` argument, the callback it is bound to.
    pub callback: Option<&'static crate::callback::CallbackDecl>,
}

/// A type that can be a handler argument. Every extractor implements it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a handler argument",
    label = "not a ringback extractor",
    note = "an argument named like one of ringback's extractors must be that extractor: `State<T>`, `Path<T>`, `Query<T>`, `Header<T>`, `Body<T>`, `Option<Body<T>>`, `Callback<T>`, `Option<Callback<T>>`, `CallbackTemplate<T>`, `Auth<P>`",
    note = "to take axum's extractor of that name, write its path (`axum::extract::State<T>`); any other axum `FromRequestParts` extractor may be taken as it is"
)]
pub trait Extractor {
    /// What it reads.
    const KIND: ExtractorKind;
    /// The shape of the value it reads (for `Path`: the parameter or parameter struct).
    const SHAPE: &'static Shape;
}

/// Reads an argument from a request, and documents it.
///
/// It repeats [`Extractor::KIND`] rather than extending [`Extractor`]: generated code bounds
/// handler arguments by `FromRequest<S>`, and a supertrait would turn a wrong argument type
/// into extra errors away from the user's token.
pub trait FromRequest<S>: Sized {
    /// What it reads.
    const KIND: ExtractorKind;

    /// For `Auth<P>`, the principal's type, which the operation's schemes must give.
    #[doc(hidden)]
    const PRINCIPAL: Option<super::auth::PrincipalType> = None;

    /// Adds this argument to the operation's document; by default nothing (application state,
    /// a callback documented from its declaration).
    fn document(arg: &ArgInfo, operation: &mut Operation, components: &mut Components) {
        let _ = (arg, operation, components);
    }

    /// Reads the argument.
    fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> impl Future<Output = Result<Self, Problem>> + Send;

    /// Reads the argument without waiting. Every ringback extractor can (the body is read
    /// before they run), and generated code calls this for them, so that an operation's
    /// future waits only for axum's extractors and the handler: a state machine with an
    /// await per argument, compiled for every operation, was most of its size. The default,
    /// for a type that can only wait, answers 500.
    #[doc(hidden)]
    fn read_now(arg: &'static ArgInfo, request: &mut RequestParts<S>) -> Result<Self, Problem> {
        tracing::error!(
            operation = request.operation.operation_id,
            argument = arg.ident,
            "this argument's extractor can only be read by awaiting `from_request`"
        );
        Err(Problem::new(http::StatusCode::INTERNAL_SERVER_ERROR))
    }
}

/// The template parameter a scalar `Path` argument reads.
fn template_name(arg: &ArgInfo) -> &'static str {
    arg.template
        .iter()
        .copied()
        .find(|t| names_match(arg.ident, t))
        .unwrap_or(arg.ident)
}

fn push_parameters<T: Schema>(
    arg: &ArgInfo,
    location: ParameterLocation,
    operation: &mut Operation,
    components: &mut Components,
) {
    if object_of(T::SHAPE).is_some() {
        // The struct is taken apart into parameters: it is not a component of its own.
        for (name, mut schema, required) in object_properties(components, T::schema) {
            let description = schema.description.clone();
            // No parameter value is JSON `null`: an `Option` field is a parameter not required.
            schema.nullable = false;
            operation.parameters.push(Parameter {
                name,
                location,
                required: required || location == ParameterLocation::Path,
                description,
                deprecated: schema.deprecated,
                schema,
            });
        }
        return;
    }
    let name = match location {
        ParameterLocation::Path => template_name(arg).to_owned(),
        ParameterLocation::Query => arg.ident.to_owned(),
        ParameterLocation::Header => header_name(arg.ident),
    };
    let mut schema = T::schema(components);
    schema.nullable = false;
    operation.parameters.push(Parameter {
        name,
        location,
        required: location == ParameterLocation::Path || !crate::shape::is_optional(T::SHAPE),
        description: arg.description.map(str::to_owned),
        deprecated: false,
        schema,
    });
}

/// Validates a parameter value, reporting violations against the parameter.
fn validate_parameter<T: Schema>(value: &T, location: &str, name: Option<&str>) -> Vec<Violation> {
    let mut v = Validator::new();
    value.validate(&mut v);
    v.into_violations()
        .into_iter()
        .map(|violation| parameter_violation(violation, location, name))
        .collect()
}

/// Turns a violation found at a pointer into a struct of parameters (or a single one) into
/// one that names the parameter.
fn parameter_violation(violation: Violation, location: &str, single: Option<&str>) -> Violation {
    match single {
        Some(name) => Violation::in_parameter(location, name, violation.pointer, violation.message),
        None => {
            // `/name/rest` -> parameter `name`, pointer `/rest`.
            let trimmed = violation.pointer.trim_start_matches('/');
            let (name, rest) = match trimmed.split_once('/') {
                Some((name, rest)) => (name.to_owned(), format!("/{rest}")),
                None => (trimmed.to_owned(), String::new()),
            };
            let name = name.replace("~1", "/").replace("~0", "~");
            Violation::in_parameter(location, &name, rest, violation.message)
        }
    }
}

fn missing(location: &str, name: &str) -> Violation {
    Violation::in_parameter(location, name, "", "is required")
}

// ---------------------------------------------------------------------------------------------

/// Application state, taken from the router's state with [`FromRef`].
///
/// ```
/// use ringback::server::State;
/// let State(n) = State(5u8);
/// assert_eq!(n, 5);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct State<T>(pub T);

impl<T> std::ops::Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Extractor for State<T> {
    const KIND: ExtractorKind = ExtractorKind::State;
    const SHAPE: &'static Shape = &Shape::Any;
}

impl<S: Send + Sync, T: FromRef<S> + Send> FromRequest<S> for State<T> {
    const KIND: ExtractorKind = <Self as Extractor>::KIND;

    fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> impl std::future::Future<Output = Result<Self, Problem>> + Send {
        std::future::ready(Self::read_now(arg, request))
    }

    fn read_now(_: &'static ArgInfo, request: &mut RequestParts<S>) -> Result<Self, Problem> {
        Ok(State(T::from_ref(&request.state)))
    }
}

/// Path parameters: one (named like the argument: `customer_id` reads `{customerId}`) or a
/// struct of them, matched by name (serde's renames respected), never by position.
///
/// ```
/// use ringback::server::Path;
/// let Path(id) = Path(7u64);
/// assert_eq!(id, 7);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T> std::ops::Deref for Path<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Schema> Extractor for Path<T> {
    const KIND: ExtractorKind = ExtractorKind::Path;
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<S: Send + Sync, T: Schema + DeserializeOwned + Send> FromRequest<S> for Path<T> {
    const KIND: ExtractorKind = <Self as Extractor>::KIND;

    fn document(arg: &ArgInfo, operation: &mut Operation, components: &mut Components) {
        push_parameters::<T>(arg, ParameterLocation::Path, operation, components);
    }

    fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> impl std::future::Future<Output = Result<Self, Problem>> + Send {
        std::future::ready(Self::read_now(arg, request))
    }

    fn read_now(arg: &'static ArgInfo, request: &mut RequestParts<S>) -> Result<Self, Problem> {
        let params = request
            .path_params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        let (value, single) = match object_of(T::SHAPE) {
            Some(object) => (coerce::coerce_object(params, object), None),
            None => {
                let name = template_name(arg);
                let text = params
                    .into_iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v)
                    .ok_or_else(|| Problem::invalid(vec![missing("path", name)]))?;
                (coerce::coerce(text, T::SHAPE), Some(name))
            }
        };
        read_parameter(value, "path", single).map(Path)
    }
}

/// Query parameters: one (named exactly like the argument) or a struct of them.
///
/// ```
/// use ringback::server::Query;
/// let Query(page) = Query(Some(2u32));
/// assert_eq!(page, Some(2));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Schema> Extractor for Query<T> {
    const KIND: ExtractorKind = ExtractorKind::Query;
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<S: Send + Sync, T: Schema + DeserializeOwned + Send> FromRequest<S> for Query<T> {
    const KIND: ExtractorKind = <Self as Extractor>::KIND;

    fn document(arg: &ArgInfo, operation: &mut Operation, components: &mut Components) {
        push_parameters::<T>(arg, ParameterLocation::Query, operation, components);
    }

    fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> impl std::future::Future<Output = Result<Self, Problem>> + Send {
        std::future::ready(Self::read_now(arg, request))
    }

    fn read_now(arg: &'static ArgInfo, request: &mut RequestParts<S>) -> Result<Self, Problem> {
        let query = request.parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let pairs = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let (value, single) = match object_of(T::SHAPE) {
            Some(object) => (coerce::coerce_object(pairs, object), None),
            None => {
                let texts: Vec<&str> = pairs
                    .filter(|(k, _)| *k == arg.ident)
                    .map(|(_, v)| v)
                    .collect();
                let value = match (texts.as_slice(), T::SHAPE) {
                    ([], shape) if crate::shape::is_optional(shape) => Value::Null,
                    ([], _) => return Err(Problem::invalid(vec![missing("query", arg.ident)])),
                    (many, Shape::Array(item)) => {
                        Value::Array(many.iter().map(|t| coerce::coerce(t, item)).collect())
                    }
                    ([.., last], shape) => coerce::coerce(last, shape),
                };
                (value, Some(arg.ident))
            }
        };
        read_parameter(value, "query", single).map(Query)
    }
}

/// One request header, named like the argument with `_` as `-` (`x_request_id` reads
/// `X-Request-Id`). Use `Header<Option<T>>` for an optional header.
///
/// ```
/// use ringback::server::Header;
/// let Header(v) = Header("abc".to_string());
/// assert_eq!(v, "abc");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Header<T>(pub T);

impl<T> std::ops::Deref for Header<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

fn header_name(ident: &str) -> String {
    ident.replace('_', "-")
}

impl<T: Schema> Extractor for Header<T> {
    const KIND: ExtractorKind = ExtractorKind::Header;
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<S: Send + Sync, T: Schema + DeserializeOwned + Send> FromRequest<S> for Header<T> {
    const KIND: ExtractorKind = <Self as Extractor>::KIND;

    fn document(arg: &ArgInfo, operation: &mut Operation, components: &mut Components) {
        push_parameters::<T>(arg, ParameterLocation::Header, operation, components);
    }

    fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> impl std::future::Future<Output = Result<Self, Problem>> + Send {
        std::future::ready(Self::read_now(arg, request))
    }

    fn read_now(arg: &'static ArgInfo, request: &mut RequestParts<S>) -> Result<Self, Problem> {
        let name = header_name(arg.ident);
        let value = match request.parts.headers.get(name.as_str()) {
            None if crate::shape::is_optional(T::SHAPE) => Value::Null,
            None => return Err(Problem::invalid(vec![missing("header", &name)])),
            Some(raw) => match raw.to_str() {
                Ok(text) => coerce::coerce(text, T::SHAPE),
                Err(_) => {
                    return Err(Problem::invalid(vec![Violation::in_parameter(
                        "header",
                        &name,
                        "",
                        "must be visible ASCII text",
                    )]))
                }
            },
        };
        read_parameter(value, "header", Some(&name)).map(Header)
    }
}

fn read_parameter<T: Schema + DeserializeOwned>(
    value: Value,
    location: &str,
    single: Option<&str>,
) -> Result<T, Problem> {
    let parsed: T = coerce::from_value(value)
        .map_err(|v| Problem::invalid(vec![parameter_violation(v, location, single)]))?;
    let violations = validate_parameter(&parsed, location, single);
    if violations.is_empty() {
        Ok(parsed)
    } else {
        Err(Problem::invalid(violations))
    }
}
