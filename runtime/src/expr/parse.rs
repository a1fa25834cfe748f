//! The OpenAPI runtime expression grammar, parsed by `const fn`s so that the operation macros
//! check expressions during compilation with the same parser that evaluates them at run time.
//!
//! ```text
//! expression = "$url" / "$method" / "$statusCode" / "$request." source / "$response." source
//! source     = header-reference / query-reference / path-reference / body-reference
//! header-reference = "header." token
//! query-reference  = "query." name
//! path-reference   = "path." name
//! body-reference   = "body" ["#" json-pointer]
//! json-pointer     = *( "/" reference-token )     ; `~` only as `~0` or `~1`
//! ```

use crate::case::str_eq;

/// A parsed runtime expression; the strings borrow from the text parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expression<'a> {
    /// `$url`: the full request URL.
    Url,
    /// `$method`: the request method.
    Method,
    /// `$statusCode`: the response status.
    StatusCode,
    /// `$request.<source>`
    Request(Source<'a>),
    /// `$response.<source>`
    Response(Source<'a>),
}

/// Where in a request or response an expression reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// `header.<token>` (matched case-insensitively).
    Header(&'a str),
    /// `query.<name>`
    Query(&'a str),
    /// `path.<name>`
    Path(&'a str),
    /// `body` with a JSON pointer (`""` for the whole body), still escaped.
    Body(&'a str),
}

/// What is wrong with an expression, and where (a byte offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub kind: ErrorKind,
    /// The byte offset in the text.
    pub at: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.kind.message(), self.at)
    }
}

impl std::error::Error for ParseError {}

/// The ways an expression can be malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing where an expression should be.
    Empty,
    /// `${...}`: the `$` is outside the braces.
    DollarOutsideBraces,
    /// It does not start with `$`.
    NoDollar,
    /// Not `$url`, `$method`, `$statusCode`, `$request.` or `$response.`.
    UnknownRoot,
    /// After `$request.`/`$response.`, not `header.`, `query.`, `path.` or `body`.
    UnknownSource,
    /// `header.` with no name, or a character a header name cannot have.
    BadHeaderName,
    /// `query.` or `path.` with no name.
    EmptyName,
    /// Something after `body` other than `#/...`.
    BadBodyReference,
    /// A JSON pointer that does not start with `/`.
    PointerWithoutSlash,
    /// `~` not followed by `0` or `1`.
    BadEscape,
    /// A `{` with no `}` in a template.
    Unclosed,
    /// A `}` with no `{` in a template.
    Unopened,
    /// `{` inside an expression.
    Nested,
}

impl ErrorKind {
    /// What is wrong, for a person.
    pub const fn message(self) -> &'static str {
        match self {
            ErrorKind::Empty => "the expression is empty",
            ErrorKind::DollarOutsideBraces => "the `$` belongs inside the braces",
            ErrorKind::NoDollar => "a runtime expression starts with `$`",
            ErrorKind::UnknownRoot => "a runtime expression is `$url`, `$method`, `$statusCode`, or starts with `$request.` or `$response.`",
            ErrorKind::UnknownSource => "after `$request.` or `$response.` comes `header.`, `query.`, `path.` or `body`",
            ErrorKind::BadHeaderName => "a header reference needs a header name of token characters, as in `$request.header.X-Request-Id`",
            ErrorKind::EmptyName => "a query or path reference needs a name, as in `$request.path.orderId`",
            ErrorKind::BadBodyReference => "a body reference is `body` or `body#/json/pointer`",
            ErrorKind::PointerWithoutSlash => "a JSON pointer after `#` starts with `/`, as in `body#/callbackUrl`",
            ErrorKind::BadEscape => "in a JSON pointer `~` is written `~0` and `/` is written `~1`; no other `~` is allowed",
            ErrorKind::Unclosed => "a `{` opens an expression that no `}` closes",
            ErrorKind::Unopened => "a `}` closes an expression that no `{` opened",
            ErrorKind::Nested => "expressions cannot be nested; remove the inner `{`",
        }
    }
}

const fn sub(s: &str, start: usize, end: usize) -> &str {
    let bytes = s.as_bytes();
    let (_, tail) = bytes.split_at(start);
    let (mid, _) = tail.split_at(end - start);
    match core::str::from_utf8(mid) {
        Ok(s) => s,
        Err(_) => "",
    }
}

const fn starts_with(s: &[u8], at: usize, prefix: &str) -> bool {
    let p = prefix.as_bytes();
    if s.len() < at + p.len() {
        return false;
    }
    let mut i = 0;
    while i < p.len() {
        if s[at + i] != p[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

const fn err(kind: ErrorKind, at: usize) -> Result<Expression<'static>, ParseError> {
    Err(ParseError { kind, at })
}

/// Parses one runtime expression (without braces).
///
/// ```
/// use ringback::expr::{parse_expression, Expression, Source};
/// assert_eq!(
///     parse_expression("$request.body#/orderStatusCallbackUrl"),
///     Ok(Expression::Request(Source::Body("/orderStatusCallbackUrl"))),
/// );
/// assert!(parse_expression("$request.bdy").is_err());
/// ```
pub const fn parse_expression(text: &str) -> Result<Expression<'_>, ParseError> {
    let b = text.as_bytes();
    if b.is_empty() {
        return err(ErrorKind::Empty, 0);
    }
    if b[0] != b'$' {
        return err(ErrorKind::NoDollar, 0);
    }
    if str_eq(text, "$url") {
        return Ok(Expression::Url);
    }
    if str_eq(text, "$method") {
        return Ok(Expression::Method);
    }
    if str_eq(text, "$statusCode") {
        return Ok(Expression::StatusCode);
    }
    let (request, at) = if starts_with(b, 0, "$request.") {
        (true, 9)
    } else if starts_with(b, 0, "$response.") {
        (false, 10)
    } else {
        return err(ErrorKind::UnknownRoot, 0);
    };
    let source = match parse_source(text, at) {
        Ok(source) => source,
        Err(e) => return Err(e),
    };
    Ok(if request {
        Expression::Request(source)
    } else {
        Expression::Response(source)
    })
}

const fn parse_source(text: &str, at: usize) -> Result<Source<'_>, ParseError> {
    let b = text.as_bytes();
    if starts_with(b, at, "header.") {
        let start = at + 7;
        if start == b.len() {
            return Err(ParseError {
                kind: ErrorKind::BadHeaderName,
                at: start,
            });
        }
        let mut i = start;
        while i < b.len() {
            if !is_tchar(b[i]) {
                return Err(ParseError {
                    kind: ErrorKind::BadHeaderName,
                    at: i,
                });
            }
            i += 1;
        }
        return Ok(Source::Header(sub(text, start, b.len())));
    }
    if starts_with(b, at, "query.") || starts_with(b, at, "path.") {
        let query = starts_with(b, at, "query.");
        let start = at + if query { 6 } else { 5 };
        if start == b.len() {
            return Err(ParseError {
                kind: ErrorKind::EmptyName,
                at: start,
            });
        }
        let name = sub(text, start, b.len());
        return Ok(if query {
            Source::Query(name)
        } else {
            Source::Path(name)
        });
    }
    if starts_with(b, at, "body") {
        let after = at + 4;
        if after == b.len() {
            return Ok(Source::Body(""));
        }
        if b[after] != b'#' {
            return Err(ParseError {
                kind: ErrorKind::BadBodyReference,
                at: after,
            });
        }
        let start = after + 1;
        if let Err(e) = check_pointer(b, start) {
            return Err(e);
        }
        return Ok(Source::Body(sub(text, start, b.len())));
    }
    Err(ParseError {
        kind: ErrorKind::UnknownSource,
        at,
    })
}

/// A JSON pointer (RFC 6901) from `start` to the end: empty, or `/`-separated tokens with
/// `~` only as `~0` or `~1`.
const fn check_pointer(b: &[u8], start: usize) -> Result<(), ParseError> {
    if start == b.len() {
        return Ok(());
    }
    if b[start] != b'/' {
        return Err(ParseError {
            kind: ErrorKind::PointerWithoutSlash,
            at: start,
        });
    }
    let mut i = start;
    while i < b.len() {
        if b[i] == b'~' {
            if i + 1 >= b.len() || !(b[i + 1] == b'0' || b[i + 1] == b'1') {
                return Err(ParseError {
                    kind: ErrorKind::BadEscape,
                    at: i,
                });
            }
            i += 1;
        }
        i += 1;
    }
    Ok(())
}

/// A piece of a template: literal text, or an expression in braces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text copied as it is.
    Text(&'a str),
    /// An expression, with the byte range of its braces in the template.
    Expression(Expression<'a>, usize, usize),
}

/// Reads the piece that starts at byte `at` of `template`; `Ok(None)` at the end.
///
/// A template is either one expression in braces (`{$request.body#/callbackUrl}`) or text
/// with embedded expressions (`https://example.com/hooks?tx={$request.body#/id}`).
///
/// ```
/// use ringback::expr::{next_piece, Piece};
/// let t = "https://x.test/{$request.path.id}";
/// let (first, at) = next_piece(t, 0).unwrap().unwrap();
/// assert_eq!(first, Piece::Text("https://x.test/"));
/// let (second, at) = next_piece(t, at).unwrap().unwrap();
/// assert!(matches!(second, Piece::Expression(..)));
/// assert_eq!(next_piece(t, at), Ok(None));
/// ```
pub const fn next_piece(
    template: &str,
    at: usize,
) -> Result<Option<(Piece<'_>, usize)>, ParseError> {
    let b = template.as_bytes();
    if at >= b.len() {
        return Ok(None);
    }
    if b[at] == b'$' && at + 1 < b.len() && b[at + 1] == b'{' {
        return Err(ParseError {
            kind: ErrorKind::DollarOutsideBraces,
            at,
        });
    }
    if b[at] == b'{' {
        let mut i = at + 1;
        while i < b.len() && b[i] != b'}' {
            if b[i] == b'{' {
                return Err(ParseError {
                    kind: ErrorKind::Nested,
                    at: i,
                });
            }
            i += 1;
        }
        if i == b.len() {
            return Err(ParseError {
                kind: ErrorKind::Unclosed,
                at,
            });
        }
        let inner = sub(template, at + 1, i);
        return match parse_expression(inner) {
            Ok(expr) => Ok(Some((Piece::Expression(expr, at, i + 1), i + 1))),
            Err(e) => Err(ParseError {
                kind: e.kind,
                at: at + 1 + e.at,
            }),
        };
    }
    if b[at] == b'}' {
        return Err(ParseError {
            kind: ErrorKind::Unopened,
            at,
        });
    }
    let mut i = at;
    while i < b.len() && b[i] != b'{' && b[i] != b'}' {
        if b[i] == b'$' && i + 1 < b.len() && b[i + 1] == b'{' {
            break;
        }
        i += 1;
    }
    Ok(Some((Piece::Text(sub(template, at, i)), i)))
}

/// Checks a whole template; returns the first error.
pub const fn check_template(template: &str) -> Result<(), ParseError> {
    if template.is_empty() {
        return Err(ParseError {
            kind: ErrorKind::Empty,
            at: 0,
        });
    }
    let mut at = 0;
    loop {
        match next_piece(template, at) {
            Ok(Some((_, next))) => at = next,
            Ok(None) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

/// Whether a template is one expression and nothing else (its value is then the URL itself,
/// not percent-encoded).
pub const fn is_single_expression(template: &str) -> bool {
    match next_piece(template, 0) {
        Ok(Some((Piece::Expression(..), end))) => end == template.len(),
        _ => false,
    }
}

impl std::fmt::Display for Expression<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (root, source) = match self {
            Expression::Url => return f.write_str("$url"),
            Expression::Method => return f.write_str("$method"),
            Expression::StatusCode => return f.write_str("$statusCode"),
            Expression::Request(s) => ("$request", s),
            Expression::Response(s) => ("$response", s),
        };
        match source {
            Source::Header(n) => write!(f, "{root}.header.{n}"),
            Source::Query(n) => write!(f, "{root}.query.{n}"),
            Source::Path(n) => write!(f, "{root}.path.{n}"),
            Source::Body("") => write!(f, "{root}.body"),
            Source::Body(p) => write!(f, "{root}.body#{p}"),
        }
    }
}
