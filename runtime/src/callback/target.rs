//! Where a callback goes: its expression expanded against what the request holds, checked to
//! be an absolute http(s) URL; and what an operation's callbacks read from a body, worked out
//! once so that a request's body is scanned for just those values.

use std::borrow::Cow;

use super::CallbackDecl;
use crate::expr::{self, Context, ExpandError, Expression, Piece, Source};
use crate::Violation;

/// Why a callback has no target.
#[derive(Debug, Clone)]
pub(crate) enum TargetError {
    /// What the client sent does not make an absolute http or https URL.
    Invalid(Violation),
    /// The expression is malformed. The operation macros check expressions at compile time,
    /// so only a declaration built by hand gets here.
    Malformed(String),
}

/// Where the callback goes, its expression expanded in `cx`; `None` when what the expression
/// names is absent.
pub(crate) fn target_in(
    decl: &'static CallbackDecl,
    cx: &Context<'_>,
) -> Result<Option<String>, TargetError> {
    // A target that reads the response is finished by the handler, from a `CallbackTemplate`:
    // here it gets the request's values only, and is checked as a URL once it is whole.
    let expanded = match super::reads_response(decl.expression) {
        true => expr::expand_request(decl.expression, cx).map(|rest| (rest, false)),
        false => expr::expand(decl.expression, cx).map(|target| (target, true)),
    };
    match expanded {
        Ok((rest, false)) => Ok(Some(rest)),
        Ok((target, _)) => checked_target(decl, &target).map(Some),
        Err(ExpandError::Missing(_)) => Ok(None),
        Err(ExpandError::Parse(e)) => Err(TargetError::Malformed(format!(
            "callback `{}` has a malformed expression: {}",
            decl.name,
            e.kind.message()
        ))),
    }
}

/// The target of a callback whose template is one body expression, from the value found at
/// its pointer: what [`target_in`] gives, without expanding the template again.
pub(crate) fn target_from_value(
    decl: &'static CallbackDecl,
    value: Option<&serde_json::Value>,
) -> Result<Option<String>, TargetError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => checked_target(decl, s).map(Some),
        Some(other) => checked_target(decl, &other.to_string()).map(Some),
    }
}

/// An absolute http or https URL, or the violation that says it must be one.
fn checked_target(decl: &'static CallbackDecl, target: &str) -> Result<String, TargetError> {
    match url::Url::parse(target) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u.into()),
        _ => Err(TargetError::Invalid(Violation::new(
            source_pointer(decl),
            format!(
                "must be an absolute http or https URL for the `{}` callback",
                decl.name
            ),
        ))),
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
pub(crate) fn source_pointer(decl: &CallbackDecl) -> String {
    match expr::next_piece(decl.expression, 0) {
        Ok(Some((Piece::Expression(Expression::Request(Source::Body(p)), _, _), _)))
            if expr::is_single_expression(decl.expression) =>
        {
            p.to_owned()
        }
        _ => String::new(),
    }
}

/// Where a callback's expression reads a request header or query parameter, which the
/// operation must document for a client to know to send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParameterRead {
    /// `$request.header.<name>`
    Header(&'static str),
    /// `$request.query.<name>`
    Query(&'static str),
}

/// The headers and query parameters a callback reads, and whether one of them is the whole
/// target (so a URL).
pub(crate) fn parameter_reads(decl: &'static CallbackDecl) -> (Vec<ParameterRead>, bool) {
    let single = expr::is_single_expression(decl.expression);
    let mut reads = Vec::new();
    let mut at = 0;
    while let Ok(Some((piece, next))) = expr::next_piece(decl.expression, at) {
        match piece {
            Piece::Expression(Expression::Request(Source::Header(name)), _, _) => {
                reads.push(ParameterRead::Header(name))
            }
            Piece::Expression(Expression::Request(Source::Query(name)), _, _) => {
                reads.push(ParameterRead::Query(name))
            }
            _ => {}
        }
        at = next;
    }
    (reads, single)
}
