//! A refused body over real HTTP: every mistake in one 400, each at its pointer, whichever
//! path the body takes (read straight from its bytes, or through a JSON value because a
//! callback expression reads it through an array).

use crate::server::{Reply, Server};

use ringback::{Api, Body, NoContent, Schema};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Payment {
    card_number: String,
    #[schema(minimum = 1, maximum = 10000)]
    amount: u32,
    #[serde(default)]
    currency: Option<Currency>,
    #[serde(default)]
    lines: Vec<PaymentLine>,
    #[serde(default)]
    hooks: Vec<String>,
    #[serde(default)]
    retries: u8,
}

#[derive(Debug, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct PaymentLine {
    upc: String,
    #[schema(min_length = 3)]
    #[serde(default)]
    label: String,
}

#[derive(Debug, Serialize, Deserialize, Schema)]
#[serde(rename_all = "UPPERCASE")]
enum Currency {
    Eur,
    Usd,
}

#[derive(Debug, Serialize, Deserialize, Schema)]
struct Receipt {
    paid: bool,
}

#[ringback::post("/direct", responses(204 = "Paid"))]
async fn pay_direct(payment: Body<Payment>) -> NoContent {
    let _ = payment;
    NoContent
}

// A callback read through an array sends the body through a JSON value.
#[ringback::post(
    "/through-value",
    responses(204 = "Paid"),
    callback(onPaid = "{$request.body#/hooks/0}", body = Receipt)
)]
async fn pay_through_value(payment: Body<Payment>) -> NoContent {
    let _ = payment;
    NoContent
}

const PATHS: [&str; 2] = ["/direct", "/through-value"];

async fn start() -> Server {
    let api = Api::new("Payments", "1")
        .operation(pay_direct)
        .operation(pay_through_value);
    Server::start(api.router(())).await
}

async fn post(server: &Server, path: &str, body: impl Into<reqwest::Body>) -> Reply {
    let request = reqwest::Client::new()
        .post(server.url(path))
        .header("content-type", "application/json")
        .body(body);
    Reply::from(request.send().await.unwrap()).await
}

/// Posts `body` on both paths; both must answer alike. Returns the violations.
async fn refused_alike(server: &Server, body: impl Into<Vec<u8>>) -> Vec<(String, String)> {
    let body = body.into();
    let direct = post(server, PATHS[0], body.clone()).await;
    let through_value = post(server, PATHS[1], body.clone()).await;
    let violations = direct.problem(400);
    assert_eq!(
        through_value.problem(400),
        violations,
        "{}",
        String::from_utf8_lossy(&body)
    );
    violations
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect()
}

#[tokio::test]
async fn a_valid_payment_is_accepted_on_both_paths() {
    let server = start().await;
    let body = json!({"cardNumber": "4111", "amount": 3, "currency": "EUR",
        "lines": [{"upc": "1", "label": "ale"}], "hooks": [], "x": "\u{e9}"});
    for path in PATHS {
        assert_eq!(post(&server, path, body.to_string()).await.status, 204);
    }
}

#[tokio::test]
async fn a_missing_property_is_reported_at_its_own_pointer() {
    let server = start().await;
    let violations = refused_alike(&server, r#"{"amount": 5, "lines": [{"label": "ale"}]}"#).await;
    assert_eq!(
        violations,
        pairs(&[
            (
                "/lines/0/upc",
                "is required: expected a string, found nothing"
            ),
            (
                "/cardNumber",
                "is required: expected a string, found nothing"
            ),
        ])
    );
}

#[tokio::test]
async fn wrong_types_ranges_enum_values_and_rules_come_in_one_400() {
    let server = start().await;
    let body = json!({
        "cardNumber": 4111,
        "amount": 20000,
        "currency": "GBP",
        "retries": 300,
        "lines": [{"upc": "1", "label": "x"}, {"upc": ["1"], "label": "ale"}],
        "hooks": [-1],
    });
    // (`json!` writes the keys in order.)
    let violations = refused_alike(&server, body.to_string()).await;
    assert_eq!(
        violations,
        pairs(&[
            ("/cardNumber", "expected a string, found 4111"),
            (
                "/currency",
                "expected one of \"EUR\", \"USD\" or null, found \"GBP\""
            ),
            ("/hooks/0", "expected a string, found -1"),
            ("/lines/1/upc", "expected a string, found an array"),
            (
                "/retries",
                "expected an integer between 0 and 255, found 300"
            ),
            ("/amount", "must be at most 10000"),
            ("/lines/0/label", "must be at least 3 characters long"),
        ])
    );
    let violations = refused_alike(&server, r#"{"cardNumber": "1", "amount": -1}"#).await;
    assert_eq!(
        violations,
        pairs(&[(
            "/amount",
            "expected an integer between 0 and 4294967295, found -1"
        )])
    );
    let violations = refused_alike(&server, r#"{"cardNumber": "1", "amount": 1.5}"#).await;
    assert_eq!(violations[0].0, "/amount");
    assert!(violations[0].1.ends_with("found 1.5"), "{violations:?}");
}

#[tokio::test]
async fn a_key_sent_twice_is_refused_at_its_pointer() {
    let server = start().await;
    let violations = refused_alike(
        &server,
        r#"{"cardNumber": "1", "amount": 5, "amount": 6, "lines": [{"upc": "1", "label": "ale", "u\u0070c": "2"}]}"#,
    )
    .await;
    let pointers: Vec<&str> = violations.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pointers, ["/amount", "/lines/0/upc"]);
    assert!(violations[0].1.contains("only once"), "{violations:?}");
}

#[tokio::test]
async fn text_that_is_not_json_is_refused_alike_wherever_it_sits() {
    let server = start().await;
    for (body, pointer) in [
        (
            &b"{\"cardNumber\": \"1\", \"amount\": 5, \"x\": \"\xff\"}"[..],
            "/x",
        ),
        (br#"{"cardNumber": "1", "amount": 5, "x": "\ud800"}"#, "/x"),
        (
            br#"{"cardNumber": "1", "amount": 5, "x": {"y": ["\udc00"]}}"#,
            "/x/y/0",
        ),
        (br#"{"cardNumber": "1", "amount": 5, "x": 1e400}"#, "/x"),
    ] {
        let violations = refused_alike(&server, body).await;
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].0, pointer);
        assert!(
            violations[0].1.starts_with("is not valid JSON"),
            "{violations:?}"
        );
    }
    let cut = refused_alike(&server, r#"{"cardNumber": "1", "amount": "#).await;
    assert_eq!(
        cut,
        pairs(&[(
            "/amount",
            "the body is not valid JSON: the body ends too soon"
        )])
    );
}
