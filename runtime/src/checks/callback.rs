//! Compile-time checks of a callback declaration: the expression parses, and everything it
//! names exists in the operation, with the right type and presence.

use super::{ArgShape, ExtractorKind, Message};
use crate::case::{names_match, str_eq};
use crate::expr::{next_piece, ErrorKind, Expression, Piece, Source};
use crate::schema::shape::{resolve_pointer, Found, Shape};

/// What a callback check needs to know about its operation.
pub struct OperationShapes<'a> {
    /// The path template, for messages.
    pub path: &'a str,
    /// The template's parameter names.
    pub template: &'a [&'a str],
    /// The operation's path, query, header and body arguments.
    pub args: &'a [ArgShape],
    /// The success response's body, when an expression reads `$response.body`.
    pub response_body: Option<&'static Shape>,
}

/// Checks one callback, and says what is wrong with it, if anything. `argument` is `Some(required)` when a `Callback` argument is bound to
/// it: `Some(true)` for `Callback<T>`, `Some(false)` for `Option<Callback<T>>`.
pub const fn check_callback(
    op: &OperationShapes,
    name: &str,
    expression: &str,
    argument: Option<bool>,
) -> Option<Message> {
    let single = crate::expr::is_single_expression(expression);
    let mut at = 0;
    loop {
        match next_piece(expression, at) {
            Ok(None) => return None,
            Ok(Some((piece, next))) => {
                if let Piece::Expression(e, _, _) = piece {
                    if let Some(m) = check_expression(op, name, expression, e, single, argument) {
                        return Some(m);
                    }
                }
                at = next;
            }
            Err(e) => return Some(malformed(name, expression, e.kind, e.at)),
        }
    }
}

const fn start(name: &str) -> Message {
    Message::new().push("callback `").push(name).push("`: ")
}

const fn malformed(name: &str, expression: &str, kind: ErrorKind, at: usize) -> Message {
    let m = start(name)
        .push("`")
        .push(expression)
        .push("` is not a valid runtime expression: ")
        .push(kind.message());
    if let ErrorKind::DollarOutsideBraces = kind {
        let (before, rest) = expression.as_bytes().split_at(at);
        let (_, after) = rest.split_at(2);
        let fixed = m
            .push("; write `")
            .push(utf8(before))
            .push("{$")
            .push(utf8(after))
            .push("`");
        return fixed;
    }
    m
}

const fn utf8(bytes: &[u8]) -> &str {
    match core::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => "",
    }
}

const fn check_expression(
    op: &OperationShapes,
    name: &str,
    expression: &str,
    e: Expression,
    single: bool,
    argument: Option<bool>,
) -> Option<Message> {
    match e {
        Expression::Request(Source::Body(pointer)) => {
            let mut body = None;
            let mut i = 0;
            while i < op.args.len() {
                if let ExtractorKind::Body = op.args[i].kind {
                    body = Some(op.args[i].shape);
                }
                i += 1;
            }
            match body {
                Some(shape) => check_pointer(name, "$request.body", shape, pointer, single, argument),
                None => Some(start(name)
                    .push("`")
                    .push(expression)
                    .push("` reads the request body, but the operation has no `Body<T>` argument; add one, or read the URL from a parameter")),
            }
        }
        Expression::Response(Source::Body(pointer)) => match op.response_body {
            // The handler resolves a response value itself (`CallbackTemplate::resolve`) and
            // gets an error when it is absent, so its presence is not the declaration's concern.
            Some(shape) => check_pointer(name, "$response.body", shape, pointer, single, None),
            None => {
                Some(start(name).push("`").push(expression).push(
                    "` reads the response body, but the operation's success response has none (a response enum has one only when exactly one 2xx variant carries a JSON body)",
                ))
            }
        },
        Expression::Request(Source::Path(param)) => {
            let mut i = 0;
            while i < op.template.len() {
                if str_eq(op.template[i], param) {
                    return None;
                }
                i += 1;
            }
            Some(
                start(name)
                    .push("`$request.path.")
                    .push(param)
                    .push("` names no parameter of the path template `")
                    .push(op.path)
                    .push("`; use one of its `{...}` names"),
            )
        }
        Expression::Request(Source::Query(param)) => match query_presence(op, param) {
            Presence::Absent => Some(
                start(name)
                    .push("`$request.query.")
                    .push(param)
                    .push("` names no query parameter of this operation; add an argument `")
                    .push(param)
                    .push(": Query<String>` or a field to its `Query<T>` struct"),
            ),
            Presence::Optional => require_option(name, "the query parameter", param, argument),
            Presence::Required => None,
        },
        Expression::Request(Source::Header(header)) if !header_required(op, header) => {
            require_option(name, "the header", header, argument)
        }
        _ => None,
    }
}

enum Presence {
    Absent,
    Optional,
    Required,
}

const fn query_presence(op: &OperationShapes, param: &str) -> Presence {
    let mut i = 0;
    while i < op.args.len() {
        let arg = &op.args[i];
        if let ExtractorKind::Query = arg.kind {
            let mut shape = arg.shape;
            let mut optional = false;
            while let Shape::Optional(inner) = shape {
                optional = true;
                shape = inner;
            }
            match shape {
                Shape::Object(object) => {
                    let mut f = 0;
                    while f < object.fields.len() {
                        if str_eq(object.fields[f].name, param) {
                            return if object.fields[f].required && !optional {
                                Presence::Required
                            } else {
                                Presence::Optional
                            };
                        }
                        f += 1;
                    }
                }
                _ => {
                    if str_eq(arg.ident, param) {
                        return if optional {
                            Presence::Optional
                        } else {
                            Presence::Required
                        };
                    }
                }
            }
        }
        i += 1;
    }
    Presence::Absent
}

const fn header_required(op: &OperationShapes, header: &str) -> bool {
    let mut i = 0;
    while i < op.args.len() {
        let arg = &op.args[i];
        if let ExtractorKind::Header = arg.kind {
            if names_match(arg.ident, header) && !matches!(arg.shape, Shape::Optional(_)) {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// A callback whose URL may be missing must be taken as `Option<Callback<T>>`.
const fn require_option(
    name: &str,
    what: &str,
    which: &str,
    argument: Option<bool>,
) -> Option<Message> {
    match argument {
        Some(true) => Some(start(name)
            .push(what)
            .push(" `")
            .push(which)
            .push("` may be absent, so the callback may have no URL; take the argument as `Option<Callback<T>>`")),
        _ => None,
    }
}

const fn check_pointer(
    name: &str,
    root: &str,
    shape: &'static Shape,
    pointer: &str,
    single: bool,
    argument: Option<bool>,
) -> Option<Message> {
    match resolve_pointer(shape, pointer) {
        Found::Value {
            shape: found,
            optional,
        } => {
            if single && !is_string(found) {
                return Some(start(name)
                    .push("`")
                    .push(root)
                    .push("#")
                    .push(pointer)
                    .push("` is ")
                    .push(kind_name(found))
                    .push(", but a callback URL must be a string; point at a `String` property (with `#[schema(format = \"uri\")]`)"));
            }
            if optional {
                if let Some(true) = argument {
                    return Some(start(name)
                        .push("`")
                        .push(root)
                        .push("#")
                        .push(pointer)
                        .push("` is optional, so the callback may have no URL; take the argument as `Option<Callback<T>>`"));
                }
            }
            None
        }
        Found::NoProperty { depth, object } => {
            let mut m = start(name)
                .push("`")
                .push(object.name)
                .push("` has no property `")
                .push(segment(pointer, depth))
                .push("` (in `")
                .push(root)
                .push("#")
                .push(pointer)
                .push("`); its properties are: ");
            let mut i = 0;
            while i < object.fields.len() {
                if i > 0 {
                    m = m.push(", ");
                }
                m = m.push(object.fields[i].name);
                i += 1;
            }
            Some(m)
        }
        Found::NotContainer { depth } => Some(
            start(name)
                .push("`")
                .push(root)
                .push("#")
                .push(pointer)
                .push("` goes into `")
                .push(segment(pointer, depth))
                .push("`, but the value before it is not an object or array"),
        ),
        Found::BadIndex { depth } => Some(
            start(name)
                .push("`")
                .push(segment(pointer, depth))
                .push("` in `")
                .push(root)
                .push("#")
                .push(pointer)
                .push("` indexes an array, so it must be a number such as `0`"),
        ),
    }
}

const fn is_string(shape: &'static Shape) -> bool {
    matches!(shape, Shape::String { .. } | Shape::StringEnum(_))
}

const fn kind_name(shape: &'static Shape) -> &'static str {
    match shape {
        Shape::Any => "any JSON value",
        Shape::Null => "null",
        Shape::Boolean => "a boolean",
        Shape::Integer | Shape::IntegerIn { .. } => "an integer",
        Shape::Number => "a number",
        Shape::String { .. } | Shape::StringEnum(_) => "a string",
        Shape::Array(_) => "an array",
        Shape::Map(_) | Shape::Object(_) => "an object",
        Shape::Optional(_) => "optional",
        Shape::OneOf(_) => "one of several shapes",
        Shape::Recursive(_) => "an object",
    }
}

/// The reference token number `depth` of a pointer, as written.
const fn segment(pointer: &str, depth: usize) -> &str {
    let b = pointer.as_bytes();
    let mut at = 0;
    let mut n = 0;
    while at < b.len() {
        let start = at + 1;
        let mut end = start;
        while end < b.len() && b[end] != b'/' {
            end += 1;
        }
        if n == depth {
            let (_, tail) = b.split_at(start);
            let (token, _) = tail.split_at(end - start);
            return utf8(token);
        }
        n += 1;
        at = end;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_found_by_depth() {
        assert_eq!(segment("/a/b~1c/0", 1), "b~1c");
        assert_eq!(segment("/a", 3), "");
    }
}
