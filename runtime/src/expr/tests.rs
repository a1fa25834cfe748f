use super::*;
use proptest::prelude::*;
use serde_json::json;

fn ok(text: &str) -> Expression<'_> {
    parse_expression(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

fn kind(text: &str) -> ErrorKind {
    parse_expression(text).expect_err(text).kind
}

#[test]
fn every_grammar_branch() {
    assert_eq!(ok("$url"), Expression::Url);
    assert_eq!(ok("$method"), Expression::Method);
    assert_eq!(ok("$statusCode"), Expression::StatusCode);
    assert_eq!(
        ok("$request.header.X-Request-Id"),
        Expression::Request(Source::Header("X-Request-Id"))
    );
    assert_eq!(
        ok("$request.query.queryUrl"),
        Expression::Request(Source::Query("queryUrl"))
    );
    assert_eq!(
        ok("$request.path.id"),
        Expression::Request(Source::Path("id"))
    );
    assert_eq!(ok("$request.body"), Expression::Request(Source::Body("")));
    assert_eq!(ok("$request.body#"), Expression::Request(Source::Body("")));
    assert_eq!(
        ok("$request.body#/a~0b/c~1d/0"),
        Expression::Request(Source::Body("/a~0b/c~1d/0"))
    );
    assert_eq!(
        ok("$response.header.Location"),
        Expression::Response(Source::Header("Location"))
    );
    assert_eq!(
        ok("$response.body#/status"),
        Expression::Response(Source::Body("/status"))
    );
}

#[test]
fn the_specification_examples_parse() {
    // OpenAPI 3.0.3, "Runtime Expressions", examples table.
    for e in [
        "$method",
        "$request.header.accept",
        "$request.path.id",
        "$request.body#/user/uuid",
        "$url",
        "$response.body#/status",
        "$response.header.Server",
    ] {
        ok(e);
    }
    // Callback object examples.
    for t in [
        "{$request.body#/callbackUrl}",
        "http://notificationServer.com?transactionId={$request.body#/id}&email={$request.body#/email}",
        "{$request.query.queryUrl}",
        "http://clientdomain.com/fast",
        "{$request.body#/successUrls/2}",
        "{$request.header.Location}",
    ] {
        assert_eq!(check_template(t), Ok(()), "{t}");
    }
}

#[test]
fn malformed_expressions_say_what_is_wrong() {
    assert_eq!(kind(""), ErrorKind::Empty);
    assert_eq!(kind("request.body"), ErrorKind::NoDollar);
    assert_eq!(kind("$req.body"), ErrorKind::UnknownRoot);
    assert_eq!(kind("$request.bdy#/x"), ErrorKind::UnknownSource);
    assert_eq!(kind("$request.header."), ErrorKind::BadHeaderName);
    assert_eq!(kind("$request.header.a b"), ErrorKind::BadHeaderName);
    assert_eq!(kind("$request.path."), ErrorKind::EmptyName);
    assert_eq!(kind("$request.bodyx"), ErrorKind::BadBodyReference);
    assert_eq!(kind("$request.body#x"), ErrorKind::PointerWithoutSlash);
    assert_eq!(kind("$request.body#/a~2"), ErrorKind::BadEscape);
    assert_eq!(kind("$request.body#/a~"), ErrorKind::BadEscape);
}

#[test]
fn malformed_templates_say_what_is_wrong() {
    let e = check_template("${request.body#/orderStatusCallbackUrl}").unwrap_err();
    assert_eq!(e.kind, ErrorKind::DollarOutsideBraces);
    assert_eq!(
        check_template("https://x/{$url").unwrap_err().kind,
        ErrorKind::Unclosed
    );
    assert_eq!(
        check_template("https://x/}").unwrap_err().kind,
        ErrorKind::Unopened
    );
    assert_eq!(
        check_template("{$request.body#/{x}}").unwrap_err().kind,
        ErrorKind::Nested
    );
    assert_eq!(check_template("").unwrap_err().kind, ErrorKind::Empty);
    let e = check_template("https://x/{$request.bdy}").unwrap_err();
    assert_eq!((e.kind, e.at), (ErrorKind::UnknownSource, 20));
}

// Equivalent mutant: check_pointer's `i += 1` past an escape -> `i *= 1` (its digit is not `~`).
fn error(text: &str) -> (ErrorKind, usize) {
    let e = parse_expression(text).expect_err(text);
    (e.kind, e.at)
}

#[test]
fn errors_point_at_the_offending_byte() {
    assert_eq!(error(""), (ErrorKind::Empty, 0));
    assert_eq!(error("url"), (ErrorKind::NoDollar, 0));
    assert_eq!(error("$r"), (ErrorKind::UnknownRoot, 0));
    assert_eq!(error("$urls"), (ErrorKind::UnknownRoot, 0));
    assert_eq!(error("$request"), (ErrorKind::UnknownRoot, 0));
    assert_eq!(error("$request."), (ErrorKind::UnknownSource, 9));
    assert_eq!(error("$response.bod"), (ErrorKind::UnknownSource, 10));
    assert_eq!(error("$request.header."), (ErrorKind::BadHeaderName, 16));
    assert_eq!(error("$request.header.a b"), (ErrorKind::BadHeaderName, 17));
    assert_eq!(error("$request.header.ab:"), (ErrorKind::BadHeaderName, 18));
    assert_eq!(error("$request.query."), (ErrorKind::EmptyName, 15));
    assert_eq!(error("$response.path."), (ErrorKind::EmptyName, 15));
    assert_eq!(error("$request.bodyx"), (ErrorKind::BadBodyReference, 13));
    assert_eq!(
        error("$request.body#x"),
        (ErrorKind::PointerWithoutSlash, 14)
    );
    assert_eq!(error("$request.body#/a~2"), (ErrorKind::BadEscape, 16));
    assert_eq!(error("$response.body#/a~"), (ErrorKind::BadEscape, 17));
    assert_eq!(error("$request.body#/~~0"), (ErrorKind::BadEscape, 15));
    assert_eq!(error("$request.body#/~0~"), (ErrorKind::BadEscape, 17));
}

#[test]
fn names_are_taken_whole() {
    assert_eq!(
        ok("$request.header.!#$%&'*+-.^_`|~Az9"),
        Expression::Request(Source::Header("!#$%&'*+-.^_`|~Az9"))
    );
    assert_eq!(
        ok("$request.header.a"),
        Expression::Request(Source::Header("a"))
    );
    assert_eq!(
        ok("$request.query.q"),
        Expression::Request(Source::Query("q"))
    );
    assert_eq!(
        ok("$response.query.a b"),
        Expression::Response(Source::Query("a b"))
    );
    assert_eq!(
        ok("$response.path.p"),
        Expression::Response(Source::Path("p"))
    );
    assert_eq!(
        ok("$response.body#/~1~0/x"),
        Expression::Response(Source::Body("/~1~0/x"))
    );
    assert_eq!(
        ok("$request.body#/"),
        Expression::Request(Source::Body("/"))
    );
}

#[test]
fn pieces_carry_their_exact_ranges() {
    let t = "ab{$url}cd";
    assert_eq!(next_piece(t, 0), Ok(Some((Piece::Text("ab"), 2))));
    assert_eq!(
        next_piece(t, 2),
        Ok(Some((Piece::Expression(Expression::Url, 2, 8), 8)))
    );
    assert_eq!(next_piece(t, 8), Ok(Some((Piece::Text("cd"), 10))));
    assert_eq!(next_piece(t, 10), Ok(None));
    assert_eq!(next_piece(t, 11), Ok(None));
    assert_eq!(
        next_piece("{$method}", 0),
        Ok(Some((Piece::Expression(Expression::Method, 0, 9), 9)))
    );
    assert_eq!(next_piece("a$b", 0), Ok(Some((Piece::Text("a$b"), 3))));
    assert_eq!(next_piece("a${", 0), Ok(Some((Piece::Text("a"), 1))));
}

#[test]
fn a_dollar_is_text_unless_it_opens_braces() {
    for t in ["$", "a$", "$5 off", "a{$url}", "x{$url}$"] {
        assert_eq!(check_template(t), Ok(()), "{t}");
    }
    let e = check_template("https://x/${$url}").unwrap_err();
    assert_eq!((e.kind, e.at), (ErrorKind::DollarOutsideBraces, 10));
    let e = check_template("${$url}").unwrap_err();
    assert_eq!((e.kind, e.at), (ErrorKind::DollarOutsideBraces, 0));
}

#[test]
fn template_errors_point_at_the_offending_byte() {
    let at = |t: &str| {
        let e = check_template(t).unwrap_err();
        (e.kind, e.at)
    };
    assert_eq!(at("x{$url"), (ErrorKind::Unclosed, 1));
    assert_eq!(at("x{$url}}"), (ErrorKind::Unopened, 7));
    assert_eq!(at("x{$u{rl}"), (ErrorKind::Nested, 4));
    assert_eq!(at("x{}"), (ErrorKind::Empty, 2));
    assert_eq!(at("ab{url}"), (ErrorKind::NoDollar, 3));
}

#[test]
fn a_single_expression_is_the_whole_template() {
    assert!(is_single_expression("{$request.body#/callbackUrl}"));
    for t in [
        "{$url}x",
        "x{$url}",
        "{$url}{$url}",
        "https://x/",
        "",
        "{$u",
    ] {
        assert!(!is_single_expression(t), "{t}");
    }
}

#[test]
fn expressions_print_as_written() {
    for text in [
        "$url",
        "$method",
        "$statusCode",
        "$request.header.X-Id",
        "$request.query.q",
        "$request.path.p",
        "$request.body",
        "$response.body#/a~1b",
    ] {
        assert_eq!(ok(text).to_string(), text);
    }
}

#[test]
fn each_error_has_its_own_message() {
    assert_eq!(ErrorKind::Empty.message(), "the expression is empty");
    assert_eq!(
        ErrorKind::Nested.message(),
        "expressions cannot be nested; remove the inner `{`"
    );
}

fn context<'a>(
    headers: &'a http::HeaderMap,
    body: &'a serde_json::Value,
    path: &'a [(String, String)],
) -> Context<'a> {
    Context {
        url: "http://api.test/v1/orders?x=1",
        method: "POST",
        headers,
        query: "queryUrl=https%3A%2F%2Fq.test%2Fcb&n=5",
        path,
        body: Some(body),
        response: None,
    }
}

#[test]
fn evaluation_reads_every_source() {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-request-id", "r-1".parse().unwrap());
    let body = json!({"url": "https://cb.test/x", "n": 5, "ok": true, "obj": {"b": [1, 2]}, "nothing": null, "a/b": {"m~n": "deep"}});
    let path = vec![("orderId".to_owned(), "o 1".to_owned())];
    let cx = context(&headers, &body, &path);
    let eval = |e: &str| evaluate(&ok(e), &cx);
    assert_eq!(
        eval("$request.header.X-REQUEST-ID").as_deref(),
        Some("r-1"),
        "headers are case-insensitive"
    );
    assert_eq!(
        eval("$request.query.queryUrl").as_deref(),
        Some("https://q.test/cb")
    );
    assert_eq!(eval("$request.path.orderId").as_deref(), Some("o 1"));
    assert_eq!(
        eval("$request.body#/url").as_deref(),
        Some("https://cb.test/x")
    );
    assert_eq!(eval("$request.body#/n").as_deref(), Some("5"));
    assert_eq!(eval("$request.body#/ok").as_deref(), Some("true"));
    assert_eq!(
        eval("$request.body#/obj").as_deref(),
        Some(r#"{"b":[1,2]}"#)
    );
    assert_eq!(eval("$request.body#/a~1b/m~0n").as_deref(), Some("deep"));
    assert_eq!(eval("$request.body#/nothing"), None);
    assert_eq!(eval("$request.body#/absent"), None);
    assert_eq!(eval("$method").as_deref(), Some("POST"));
    assert_eq!(
        eval("$url").as_deref(),
        Some("http://api.test/v1/orders?x=1")
    );
    assert_eq!(eval("$statusCode"), None, "no response yet");
}

#[test]
fn templates_encode_values_for_their_position() {
    let headers = http::HeaderMap::new();
    let body = json!({"id": "a b/c?d", "email": "x&y=z+w@e.test", "frag": "f g", "url": "https://cb.test/p?q=1&r=2"});
    let cx = context(&headers, &body, &[]);
    assert_eq!(
        expand("https://h.test/t/{$request.body#/id}?email={$request.body#/email}#{$request.body#/frag}", &cx).unwrap(),
        "https://h.test/t/a%20b%2Fc%3Fd?email=x%26y%3Dz%2Bw@e.test#f%20g"
    );
    // A single expression is the URL itself.
    assert_eq!(
        expand("{$request.body#/url}", &cx).unwrap(),
        "https://cb.test/p?q=1&r=2"
    );
    assert_eq!(
        expand("{$request.body#/missing}", &cx),
        Err(ExpandError::Missing("$request.body#/missing".into()))
    );
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.-]{1,12}"
}

fn pointer() -> impl Strategy<Value = String> {
    proptest::collection::vec("([A-Za-z0-9 ._-]|~0|~1){0,6}", 0..4)
        .prop_map(|tokens| tokens.iter().map(|t| format!("/{t}")).collect())
}

fn expression_text() -> impl Strategy<Value = String> {
    let source = prop_oneof![
        "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}".prop_map(|n| format!("header.{n}")),
        name().prop_map(|n| format!("query.{n}")),
        name().prop_map(|n| format!("path.{n}")),
        Just("body".to_owned()),
        pointer().prop_map(|p| format!("body#{p}")),
    ];
    prop_oneof![
        Just("$url".to_owned()),
        Just("$method".to_owned()),
        Just("$statusCode".to_owned()),
        source.clone().prop_map(|s| format!("$request.{s}")),
        source.prop_map(|s| format!("$response.{s}")),
    ]
}

proptest! {
    #[test]
    fn expressions_round_trip(text in expression_text()) {
        let parsed = parse_expression(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
        let printed = parsed.to_string();
        // `body#` with an empty pointer prints as `body`; otherwise the text comes back.
        let expected = match text.strip_suffix(".body#") {
            Some(root) => format!("{root}.body"),
            None => text.clone(),
        };
        prop_assert_eq!(&printed, &expected);
        prop_assert_eq!(parse_expression(&printed), Ok(parsed));
        let template = format!("https://h.test/x/{{{printed}}}?y=1");
        prop_assert_eq!(check_template(&template), Ok(()));
    }

    #[test]
    fn parsing_never_panics(text in "\\PC{0,40}") {
        let _ = parse_expression(&text);
        let _ = check_template(&text);
    }
}
