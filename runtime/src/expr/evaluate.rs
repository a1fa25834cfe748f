//! Evaluating expressions and expanding templates against a request (and its response).

use http::HeaderMap;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::Value;

use super::parse::{next_piece, Expression, ParseError, Piece, Source};

/// What an expression reads from: the request, and the response once there is one.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The full request URL.
    pub url: &'a str,
    /// The request method.
    pub method: &'a str,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The raw query string (without `?`).
    pub query: &'a str,
    /// The path parameters, percent-decoded.
    pub path: &'a [(String, String)],
    /// The request body as the client sent it.
    pub body: Option<&'a Value>,
    /// The response, if the expression may read it.
    pub response: Option<ResponseContext<'a>>,
}

/// The response half of a [`Context`].
#[derive(Debug, Clone, Copy)]
pub struct ResponseContext<'a> {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// The response body.
    pub body: Option<&'a Value>,
}

/// Why a template could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum ExpandError {
    /// The template is malformed.
    Parse(ParseError),
    /// An expression names something the request does not have (or is `null`).
    Missing(String),
}

impl std::fmt::Display for ExpandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpandError::Parse(_) => f.write_str("the template is not a valid runtime expression"),
            ExpandError::Missing(what) => write!(f, "{what} is not in the request"),
        }
    }
}

impl std::error::Error for ExpandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExpandError::Parse(e) => Some(e),
            ExpandError::Missing(_) => None,
        }
    }
}

/// The value of one expression, as text: strings as they are, other JSON values as compact
/// JSON (numbers, `true`/`false`, objects and arrays in the order they were sent), so the
/// same request always gives the same text. `None` when absent or `null`.
///
/// ```
/// use ringback::expr::{evaluate, parse_expression, Context};
/// let headers = http::HeaderMap::new();
/// let body = serde_json::json!({"a": {"b/c": 7}});
/// let cx = Context { url: "", method: "POST", headers: &headers, query: "", path: &[], body: Some(&body), response: None };
/// let e = parse_expression("$request.body#/a/b~1c").unwrap();
/// assert_eq!(evaluate(&e, &cx).as_deref(), Some("7"));
/// ```
pub fn evaluate(expression: &Expression<'_>, cx: &Context<'_>) -> Option<String> {
    match expression {
        Expression::Url => Some(cx.url.to_owned()),
        Expression::Method => Some(cx.method.to_owned()),
        Expression::StatusCode => cx.response.map(|r| r.status.to_string()),
        Expression::Request(source) => read(source, cx.headers, Some(cx), cx.body),
        Expression::Response(source) => {
            let r = cx.response?;
            read(source, r.headers, None, r.body)
        }
    }
}

fn read(
    source: &Source<'_>,
    headers: &HeaderMap,
    request: Option<&Context<'_>>,
    body: Option<&Value>,
) -> Option<String> {
    match source {
        // HeaderMap looks names up case-insensitively.
        Source::Header(name) => headers.get(*name)?.to_str().ok().map(str::to_owned),
        Source::Query(name) => form_urlencoded::parse(request?.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned()),
        Source::Path(name) => request?
            .path
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone()),
        Source::Body(pointer) => text_of(body?.pointer(pointer)?),
    }
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Characters encoded in a path segment: all but RFC 3986 unreserved and sub-delimiters.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');
/// Characters encoded in a query component: also `&`, `=`, `+` and `;`, which split it.
const QUERY: &AsciiSet = &PATH
    .add(b'&')
    .add(b'=')
    .add(b'+')
    .add(b';')
    .remove(b'/')
    .remove(b'?');
/// Characters encoded in a fragment. Braces are not fragment characters (RFC 3986); encoding
/// them also keeps a value from reading as an expression when a template is expanded in two
/// steps ([`expand_request`]).
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'%')
    .add(b'{')
    .add(b'}');

/// Where in a URL an expression's value lands, which decides how it is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Path,
    Query,
    Fragment,
}

/// Expands a template: a single expression gives its value as it is (it is the URL); an
/// expression inside a larger template is percent-encoded for where it stands.
///
/// ```
/// use ringback::expr::{expand, Context};
/// let headers = http::HeaderMap::new();
/// let body = serde_json::json!({"id": "a/b", "email": "x+y@z.test"});
/// let cx = Context { url: "", method: "POST", headers: &headers, query: "", path: &[], body: Some(&body), response: None };
/// let url = expand("https://h.test/hooks/{$request.body#/id}?email={$request.body#/email}", &cx).unwrap();
/// assert_eq!(url, "https://h.test/hooks/a%2Fb?email=x%2By@z.test");
/// ```
pub fn expand(template: &str, cx: &Context<'_>) -> Result<String, ExpandError> {
    expand_with(template, cx, false)
}

/// Expands what a template reads from the request, and leaves what it reads from the response
/// (`$response.…`, `$statusCode`) as it is written: the rest of the template, which
/// [`expand`] finishes once the response exists. Request values are encoded, braces
/// included, so none of them can read as an expression in the second step.
///
/// ```
/// use ringback::expr::{expand, expand_request, Context, ResponseContext};
/// let headers = http::HeaderMap::new();
/// let path = [("merchantId".to_owned(), "m 1".to_owned())];
/// let cx = Context { url: "", method: "POST", headers: &headers, query: "", path: &path, body: None, response: None };
/// let t = "https://ledger.test/{$request.path.merchantId}/payments/{$response.body#/id}";
/// let rest = expand_request(t, &cx).unwrap();
/// assert_eq!(rest, "https://ledger.test/m%201/payments/{$response.body#/id}");
/// let body = serde_json::json!({"id": 7});
/// let response = ResponseContext { status: 201, headers: &headers, body: Some(&body) };
/// let cx = Context { response: Some(response), ..cx };
/// assert_eq!(expand(&rest, &cx).unwrap(), "https://ledger.test/m%201/payments/7");
/// ```
pub fn expand_request(template: &str, cx: &Context<'_>) -> Result<String, ExpandError> {
    expand_with(template, cx, true)
}

fn expand_with(
    template: &str,
    cx: &Context<'_>,
    keep_response: bool,
) -> Result<String, ExpandError> {
    let mut out = String::new();
    let mut at = 0;
    let mut position = Position::Path;
    let single = super::parse::is_single_expression(template);
    while let Some((piece, next)) = next_piece(template, at).map_err(ExpandError::Parse)? {
        match piece {
            Piece::Text(text) => {
                if text.contains('#') {
                    position = Position::Fragment;
                } else if text.contains('?') && position == Position::Path {
                    position = Position::Query;
                }
                out.push_str(text);
            }
            Piece::Expression(Expression::Response(_) | Expression::StatusCode, start, end)
                if keep_response =>
            {
                out.push_str(&template[start..end]);
            }
            Piece::Expression(expression, start, end) => {
                let value = evaluate(&expression, cx)
                    .ok_or_else(|| ExpandError::Missing(template[start + 1..end - 1].to_owned()))?;
                if single {
                    out.push_str(&value);
                } else {
                    let set = match position {
                        Position::Path => PATH,
                        Position::Query => QUERY,
                        Position::Fragment => FRAGMENT,
                    };
                    out.extend(utf8_percent_encode(&value, set));
                }
            }
        }
        at = next;
    }
    Ok(out)
}
