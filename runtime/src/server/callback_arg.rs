//! `Callback<T>` as a handler argument: resolved from the request as the client sent it.

use serde::Serialize;

use super::{ArgInfo, Extractor, ExtractorKind, FromRequest, Problem, RequestParts};
use crate::callback::{
    parameter_reads, Callback, CallbackDecl, CallbackTemplate, ParameterRead, TargetError,
};
use crate::openapi::{Components, Operation, Parameter, ParameterLocation, SchemaObject};
use crate::schema::shape::Shape;
use crate::{Schema, Violation};

/// What a callback argument becomes once its declaration's target is known: a `Callback<T>`,
/// or a `CallbackTemplate<T>` whose response values are still to come.
trait FromTarget: Sized {
    fn from_target(decl: &'static CallbackDecl, target: String) -> Self;
}

impl<T> FromTarget for Callback<T> {
    fn from_target(decl: &'static CallbackDecl, target: String) -> Self {
        Callback::with_method(decl.name, target, decl.method.as_key())
    }
}

impl<T> FromTarget for CallbackTemplate<T> {
    fn from_target(decl: &'static CallbackDecl, rest: String) -> Self {
        CallbackTemplate::new(decl.name, decl.method.as_key(), rest)
    }
}

/// The four impls each of `Callback<T>` and `CallbackTemplate<T>` needs, required and optional:
/// the callback itself is documented from the operation's declaration; the argument adds the
/// headers and query parameters its expression reads, required when the argument is.
macro_rules! callback_argument {
    ($ty:ident) => {
        impl<T: Schema> Extractor for $ty<T> {
            const KIND: ExtractorKind = ExtractorKind::Callback;
            const SHAPE: &'static Shape = T::SHAPE;
        }

        impl<T: Schema> Extractor for Option<$ty<T>> {
            const KIND: ExtractorKind = ExtractorKind::Callback;
            const SHAPE: &'static Shape = T::SHAPE;
        }

        impl<S: Send + Sync, T: Schema + Serialize + Send> FromRequest<S> for $ty<T> {
            const KIND: ExtractorKind = ExtractorKind::Callback;

            fn document(arg: &ArgInfo, operation: &mut Operation, _: &mut Components) {
                document_reads(declaration(arg), true, operation);
            }

            fn from_request(
                arg: &'static ArgInfo,
                request: &mut RequestParts<S>,
            ) -> impl std::future::Future<Output = Result<Self, Problem>> + Send {
                std::future::ready(Self::read_now(arg, request))
            }

            fn read_now(
                arg: &'static ArgInfo,
                request: &mut RequestParts<S>,
            ) -> Result<Self, Problem> {
                let decl = declaration(arg);
                resolve(decl, request)?.ok_or_else(|| missing(decl))
            }
        }

        impl<S: Send + Sync, T: Schema + Serialize + Send> FromRequest<S> for Option<$ty<T>> {
            const KIND: ExtractorKind = ExtractorKind::Callback;

            fn document(arg: &ArgInfo, operation: &mut Operation, _: &mut Components) {
                document_reads(declaration(arg), false, operation);
            }

            fn from_request(
                arg: &'static ArgInfo,
                request: &mut RequestParts<S>,
            ) -> impl std::future::Future<Output = Result<Self, Problem>> + Send {
                std::future::ready(Self::read_now(arg, request))
            }

            fn read_now(
                arg: &'static ArgInfo,
                request: &mut RequestParts<S>,
            ) -> Result<Self, Problem> {
                resolve(declaration(arg), request)
            }
        }
    };
}

callback_argument!(Callback);
callback_argument!(CallbackTemplate);

/// Documents, as parameters of the operation, the headers and query parameters the callback's
/// expression reads, unless an argument already documents them. A client reading the document
/// then knows to send them.
pub(super) fn document_reads(
    decl: &'static CallbackDecl,
    required: bool,
    operation: &mut Operation,
) {
    let (reads, whole) = parameter_reads(decl);
    for read in reads {
        let (name, location) = match read {
            ParameterRead::Header(name) => (name, ParameterLocation::Header),
            ParameterRead::Query(name) => (name, ParameterLocation::Query),
        };
        let documented = operation.parameters.iter().any(|p| {
            p.location == location
                && match location {
                    ParameterLocation::Header => p.name.eq_ignore_ascii_case(name),
                    _ => p.name == name,
                }
        });
        if documented {
            continue;
        }
        operation.parameters.push(Parameter {
            name: name.to_owned(),
            location,
            required,
            description: Some(format!("Where the `{}` callback is sent.", decl.name)),
            schema: SchemaObject::string(whole.then_some("uri")),
            deprecated: false,
        });
    }
}

fn missing(decl: &'static CallbackDecl) -> Problem {
    Problem::invalid(vec![Violation::new(
        crate::callback::source_pointer(decl),
        format!("is required: the `{}` callback is sent to it", decl.name),
    )])
}

fn declaration(arg: &ArgInfo) -> &'static CallbackDecl {
    arg.callback
        .expect("the operation macro binds every Callback argument to a declared callback")
}

/// The callback the request names, `None` when what it names is absent: resolved earlier, from
/// the body as sent, when the body was read; from the rest of the request otherwise.
fn resolve<S, C: FromTarget>(
    decl: &'static CallbackDecl,
    request: &RequestParts<S>,
) -> Result<Option<C>, Problem> {
    let target = match request.resolved_callback(decl.name) {
        Some(resolved) => resolved.clone(),
        None => target(decl, request, None),
    }?;
    Ok(target.map(|target| C::from_target(decl, target)))
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
    let cx = crate::expr::Context {
        url: &url,
        method: parts.method.as_str(),
        headers: &parts.headers,
        query: parts.uri.query().unwrap_or(""),
        path: request.path_params(),
        body,
        response: None,
    };
    crate::callback::target_in(decl, &cx).map_err(Problem::from)
}

impl From<TargetError> for Problem {
    fn from(e: TargetError) -> Self {
        match e {
            TargetError::Invalid(violation) => Problem::invalid(vec![violation]),
            TargetError::Malformed(detail) => {
                Problem::new(http::StatusCode::INTERNAL_SERVER_ERROR).with_detail(detail)
            }
        }
    }
}
