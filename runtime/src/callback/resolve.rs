//! `Callback<T>` as a handler argument: resolved from the request as the client sent it.

use std::borrow::Cow;

use serde::Serialize;

use super::{Callback, CallbackDecl};
use crate::expr::{self, Context, ExpandError, Expression, Piece, Source};
use crate::openapi::{Components, Operation};
use crate::schema::shape::Shape;
use crate::server::{ArgInfo, Extractor, ExtractorKind, FromRequest, Problem, RequestParts};
use crate::{Schema, Violation};

impl<T: Schema> Extractor for Callback<T> {
    const KIND: ExtractorKind = ExtractorKind::Callback;
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<T: Schema> Extractor for Option<Callback<T>> {
    const KIND: ExtractorKind = ExtractorKind::Callback;
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<S: Send + Sync, T: Schema + Serialize + Send> FromRequest<S> for Callback<T> {
    const KIND: ExtractorKind = ExtractorKind::Callback;

    // The callback is documented from the operation's declaration, not from its argument.
    fn document(_: &ArgInfo, _: &mut Operation, _: &mut Components) {}

    async fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> Result<Self, Problem> {
        let decl = declaration(arg);
        resolve(decl, request)?.ok_or_else(|| {
            Problem::invalid(vec![Violation::new(
                source_pointer(decl),
                format!("is required: the `{}` callback is sent to it", decl.name),
            )])
        })
    }
}

impl<S: Send + Sync, T: Schema + Serialize + Send> FromRequest<S> for Option<Callback<T>> {
    const KIND: ExtractorKind = ExtractorKind::Callback;

    fn document(_: &ArgInfo, _: &mut Operation, _: &mut Components) {}

    async fn from_request(
        arg: &'static ArgInfo,
        request: &mut RequestParts<S>,
    ) -> Result<Self, Problem> {
        resolve(declaration(arg), request)
    }
}

fn declaration(arg: &'static ArgInfo) -> &'static CallbackDecl {
    arg.callback
        .expect("the operation macro binds every Callback argument to a declared callback")
}

/// The URL the callback goes to, `None` when what it names is absent.
/// The callback the request names, `None` when what it names is absent: resolved earlier, from
/// the body as sent, when the body was read; from the rest of the request otherwise.
fn resolve<S, T>(
    decl: &'static CallbackDecl,
    request: &RequestParts<S>,
) -> Result<Option<Callback<T>>, Problem> {
    let target = match request.resolved_callback(decl.name) {
        Some(resolved) => resolved.clone(),
        None => target(decl, request, None),
    }?;
    Ok(target.map(|url| Callback::with_method(decl.name, url, decl.method.as_key())))
}

/// Where the callback goes for this request, read from `body` (the JSON as sent) and the rest
/// of the request; `None` when what the expression names is absent.
pub(crate) fn target<S>(
    decl: &'static CallbackDecl,
    request: &RequestParts<S>,
    body: Option<&serde_json::Value>,
) -> Result<Option<String>, Problem> {
    let parts = &request.parts;
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    // Built only for an expression that reads it: this runs on every request of the operation.
    let url = if decl.expression.contains("$url") {
        format!(
            "http://{host}{}",
            parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/")
        )
    } else {
        String::new()
    };
    let cx = Context {
        url: &url,
        method: parts.method.as_str(),
        headers: &parts.headers,
        query: parts.uri.query().unwrap_or(""),
        path: request.path_params(),
        body,
        response: None,
    };
    let target = match expr::expand(decl.expression, &cx) {
        Ok(target) => target,
        Err(ExpandError::Missing(_)) => return Ok(None),
        Err(ExpandError::Parse(e)) => {
            // Checked at compile time; reaching this means the declaration was built by hand.
            return Err(
                Problem::new(http::StatusCode::INTERNAL_SERVER_ERROR).with_detail(format!(
                    "callback `{}` has a malformed expression: {}",
                    decl.name,
                    e.kind.message()
                )),
            );
        }
    };
    checked_target(decl, &target).map(Some)
}

/// The target of a callback whose template is one body expression, from the value found at
/// its pointer: what [`target`] gives, without expanding the template again.
pub(crate) fn target_from_value(
    decl: &'static CallbackDecl,
    value: Option<&serde_json::Value>,
) -> Result<Option<String>, Problem> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => checked_target(decl, s).map(Some),
        Some(other) => checked_target(decl, &other.to_string()).map(Some),
    }
}

/// An absolute http or https URL, or the violation that says it must be one.
fn checked_target(decl: &'static CallbackDecl, target: &str) -> Result<String, Problem> {
    match url::Url::parse(target) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u.into()),
        _ => Err(Problem::invalid(vec![Violation::new(
            source_pointer(decl),
            format!(
                "must be an absolute http or https URL for the `{}` callback",
                decl.name
            ),
        )])),
    }
}

/// What an operation's callbacks read from the body, worked out once when the router is
/// built: the pointers, split into unescaped tokens so that a scan of the body can pick out
/// just those values, and for each callback whose template is one body expression, which
/// pointer is its whole target.
#[derive(Debug)]
pub(crate) struct BodyReads {
    pub pointers: Vec<Vec<Cow<'static, str>>>,
    pub whole_target: Vec<Option<usize>>,
}

/// `None` when an expression reads the whole body (or is malformed): the body is then read
/// as JSON.
pub(crate) fn body_reads(callbacks: &'static [CallbackDecl]) -> Option<BodyReads> {
    let mut reads = BodyReads {
        pointers: Vec::new(),
        whole_target: Vec::new(),
    };
    for decl in callbacks {
        let single = expr::is_single_expression(decl.expression);
        let mut whole_target = None;
        let mut at = 0;
        while let Some((piece, next)) = expr::next_piece(decl.expression, at).ok()? {
            if let Piece::Expression(Expression::Request(Source::Body(pointer)), _, _) = piece {
                let tokens = pointer
                    .strip_prefix('/')?
                    .split('/')
                    .map(|t| match t.contains('~') {
                        true => Cow::Owned(t.replace("~1", "/").replace("~0", "~")),
                        false => Cow::Borrowed(t),
                    })
                    .collect();
                if single {
                    whole_target = Some(reads.pointers.len());
                }
                reads.pointers.push(tokens);
            }
            at = next;
        }
        reads.whole_target.push(whole_target);
    }
    Some(reads)
}

/// A body holding only the values found at `pointers` (objects all the way down), which
/// every body pointer the callbacks read resolves in as it would in the whole body.
pub(crate) fn sparse_body(
    pointers: &[Vec<Cow<'static, str>>],
    found: Vec<Option<serde_json::Value>>,
) -> serde_json::Value {
    let mut body = serde_json::Value::Object(serde_json::Map::new());
    for (tokens, value) in pointers.iter().zip(found) {
        let (Some(value), Some((last, path))) = (value, tokens.split_last()) else {
            continue;
        };
        let mut at = &mut body;
        for token in path {
            let serde_json::Value::Object(map) = at else {
                break;
            };
            at = map
                .entry(token.as_ref())
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        }
        if let serde_json::Value::Object(map) = at {
            map.insert(last.to_string(), value);
        }
    }
    body
}

/// The body pointer a single-expression callback reads, for violations; `""` otherwise.
fn source_pointer(decl: &CallbackDecl) -> String {
    match expr::next_piece(decl.expression, 0) {
        Ok(Some((Piece::Expression(Expression::Request(Source::Body(p)), _, _), _)))
            if expr::is_single_expression(decl.expression) =>
        {
            p.to_owned()
        }
        _ => String::new(),
    }
}
