//! The two body paths give the same answers. A body deserialized straight from its bytes and
//! one read through a `serde_json::Value` (as when a callback expression reads the body) must
//! be accepted as the same value or refused with the same problem, whatever the bytes:
//! valid, cut short, with keys sent twice, invalid UTF-8, lone surrogates, wrong kinds, values
//! out of range, deep nesting.
//!
//! The number of cases is `RINGBACK_BODY_PATHS_CASES` (default 4000, a few seconds); set it
//! to millions for a long run.

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::extract::RequestParts;
use super::super::operation::OperationMeta;
use super::super::{Problem, ReadOnlyPolicy, Settings};
use super::parse_body;
use crate::callback::BodyReads;

#[derive(Debug, PartialEq, Serialize, Deserialize, crate::Schema)]
#[serde(rename_all = "camelCase")]
struct Order {
    #[schema(read_only)]
    id: Option<u32>,
    #[schema(min_length = 2)]
    card_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(default)]
    #[schema(max_items = 3)]
    lines: Vec<Line>,
    #[serde(default)]
    meta: BTreeMap<String, u8>,
    #[serde(default)]
    beer: Option<Beer>,
    #[serde(default)]
    #[schema(maximum = 100)]
    ratio: f64,
    #[serde(default)]
    customer: Option<uuid::Uuid>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, crate::Schema)]
#[serde(rename_all = "camelCase")]
struct Line {
    #[schema(read_only)]
    id: Option<String>,
    upc: String,
    #[schema(minimum = 1, maximum = 999)]
    quantity: i32,
    #[serde(default)]
    children: Vec<Line>,
    #[serde(default)]
    flag: bool,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, crate::Schema)]
#[serde(rename_all = "lowercase")]
enum Beer {
    Ale,
    Lager,
}

static META: OperationMeta = OperationMeta {
    method: crate::openapi::Method::Post,
    path: "/orders",
    operation_id: "placeOrder",
    tags: &[],
    summary: None,
    description: None,
    deprecated: false,
    responses: &[],
    security: &[],
    public: false,
    read_only: None,
    callbacks: &[],
};

/// What the body path answers: the value, or the problem.
fn answer(bytes: &[u8], direct: bool, policy: ReadOnlyPolicy) -> Result<Order, Problem> {
    let (parts, ()) = http::Request::new(()).into_parts();
    let settings = Settings {
        read_only: policy,
        ..Settings::default()
    };
    // Reads known (none here) allow the direct path; unknown ones send the body through a
    // `Value`, as a callback expression that reads the whole body does.
    let reads = direct.then(|| BodyReads {
        pointers: Vec::new(),
        whole_target: Vec::new(),
    });
    let mut request = RequestParts::new(
        parts,
        axum::body::Body::empty(),
        (),
        Vec::new(),
        Arc::new(settings),
        &META,
        Arc::new(reads),
    );
    parse_body::<(), Order>(bytes, &mut request)
}

const KEYS: &[&str] = &[
    "id",
    "cardNumber",
    "callbackUrl",
    "lines",
    "meta",
    "beer",
    "ratio",
    "customer",
    "upc",
    "quantity",
    "children",
    "flag",
    "x",
    "\\u0078",
    "card\\u004eumber",
    "\\ud800",
    "a\u{e9}",
    "a/b~c",
];

const SCALARS: &[&str] = &[
    "0",
    "-0",
    "1",
    "2",
    "300",
    "-1",
    "1.5",
    "3.0",
    "1e2",
    "1e400",
    "-1e400",
    "99999999999999999999999",
    "0.0000001",
    "true",
    "false",
    "null",
    "\"\"",
    "\"ab\"",
    "\"ale\"",
    "\"stout\"",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"\\ud83d\\ude00\"",
    "\"\\u00e9\"",
    "\"\\x\"",
    "\"caf\u{e9}\"",
    "\"6a2f41a3-c54c-fce8-32d2-0324e1c32e22\"",
    "\"not-a-uuid\"",
];

/// A JSON-ish value as written, where an object may say a key twice.
#[derive(Debug, Clone)]
enum Node {
    Scalar(&'static str),
    /// A string holding raw bytes, which may not be UTF-8.
    Raw(Vec<u8>),
    Array(Vec<Node>),
    Object(Vec<(&'static str, Node)>),
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        8 => proptest::sample::select(SCALARS).prop_map(Node::Scalar),
        1 => proptest::collection::vec(any::<u8>(), 0..4).prop_map(Node::Raw),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Node::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..7)
                .prop_map(Node::Object),
        ]
    })
}

/// An order as a client would mostly send it: the right keys, now and then a wrong value.
fn order() -> impl Strategy<Value = Node> {
    let line = (node(), node(), proptest::bool::weighted(0.8)).prop_map(|(upc, qty, typed)| {
        let (upc, qty) = if typed {
            (Node::Scalar("\"ab\""), Node::Scalar("5"))
        } else {
            (upc, qty)
        };
        Node::Object(vec![("upc", upc), ("quantity", qty)])
    });
    let card = prop_oneof![3 => Just(Node::Scalar("\"ab\"")), 1 => node()];
    (
        proptest::collection::vec(line, 0..5),
        card,
        proptest::collection::vec((proptest::sample::select(KEYS), node()), 0..3),
    )
        .prop_map(|(lines, card, extra)| {
            let mut fields = vec![("cardNumber", card), ("lines", Node::Array(lines))];
            fields.extend(extra);
            Node::Object(fields)
        })
}

fn write(node: &Node, pretty: bool, out: &mut Vec<u8>) {
    let gap: &[u8] = if pretty { b" \n\t" } else { b"" };
    match node {
        Node::Scalar(text) => out.extend_from_slice(text.as_bytes()),
        Node::Raw(bytes) => {
            out.push(b'"');
            out.extend(bytes.iter().filter(|b| **b != b'"' && **b != b'\\'));
            out.push(b'"');
        }
        Node::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(gap);
                write(item, pretty, out);
            }
            out.push(b']');
        }
        Node::Object(entries) => {
            out.push(b'{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(gap);
                out.push(b'"');
                out.extend_from_slice(key.as_bytes());
                out.extend_from_slice(b"\":");
                write(value, pretty, out);
            }
            out.push(b'}');
        }
    }
}

/// A body: written out, and sometimes damaged (cut, or with bytes put in).
fn body() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![node(), order()],
        any::<bool>(),
        proptest::option::weighted(0.15, (any::<prop::sample::Index>(), 0usize..3)),
        proptest::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(|(node, pretty, damage, junk)| {
            let mut out = Vec::new();
            write(&node, pretty, &mut out);
            if let Some((at, how)) = damage {
                let at = at.index(out.len() + 1);
                match how {
                    0 => out.truncate(at),
                    _ => drop(out.splice(at..at, junk)),
                }
            }
            out
        })
}

fn cases() -> u32 {
    std::env::var("RINGBACK_BODY_PATHS_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn both_paths_answer_alike(bytes in body(), reject: bool) {
        let policy = if reject { ReadOnlyPolicy::Reject } else { ReadOnlyPolicy::Strip };
        let direct = answer(&bytes, true, policy);
        let through_value = answer(&bytes, false, policy);
        let shown = String::from_utf8_lossy(&bytes);
        if std::env::var_os("RINGBACK_BODY_PATHS_SHOW").is_some() {
            eprintln!("{} {}", direct.is_ok(), shown);
        }
        prop_assert_eq!(&direct, &through_value, "{}", shown);
        if serde_json::from_slice::<serde_json::Value>(&bytes).is_err() {
            prop_assert!(direct.is_err(), "{} is not JSON but was accepted", shown);
        }
        if let Err(problem) = &direct {
            prop_assert_eq!(problem.status, 400);
            prop_assert!(!problem.violations.is_empty(), "{}", shown);
        }
    }
}

#[test]
fn text_that_is_not_json_inside_an_unknown_property_is_refused_on_both_paths() {
    for body in [
        &b"{\"cardNumber\": \"ab\", \"x\": \"\xff\"}"[..],
        br#"{"cardNumber": "ab", "x": "\ud800"}"#,
        br#"{"cardNumber": "ab", "x": {"y": ["\udc00"]}}"#,
        br#"{"cardNumber": "ab", "x": 1e400}"#,
    ] {
        for direct in [true, false] {
            let problem = answer(body, direct, ReadOnlyPolicy::Strip).unwrap_err();
            assert_eq!(problem.violations.len(), 1, "{problem:?}");
            assert!(problem.violations[0].pointer.starts_with("/x"));
            assert!(problem.violations[0]
                .message
                .starts_with("is not valid JSON"));
        }
    }
}

#[test]
fn every_mistake_and_every_rule_come_in_one_problem() {
    let body = br#"{"cardNumber": "a", "ratio": 101, "beer": "stout", "customer": "nope",
        "meta": {"k": 300}, "lines": [{"upc": 7, "quantity": 0}, {"quantity": 1.5}]}"#;
    for direct in [true, false] {
        let problem = answer(body, direct, ReadOnlyPolicy::Strip).unwrap_err();
        let found: Vec<(&str, &str)> = problem
            .violations
            .iter()
            .map(|v| (v.pointer.as_str(), v.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/beer",
                    "expected one of \"ale\", \"lager\" or null, found \"stout\""
                ),
                (
                    "/meta/k",
                    "expected an integer between 0 and 255, found 300"
                ),
                ("/lines/0/upc", "expected a string, found 7"),
                ("/lines/1/quantity", "expected an integer, found 1.5"),
                (
                    "/lines/1/upc",
                    "is required: expected a string, found nothing"
                ),
                // What only the type's own `Deserialize` knows, in its words.
                (
                    "/customer",
                    "UUID parsing failed: invalid character: found `n` at 0"
                ),
                ("/cardNumber", "must be at least 2 characters long"),
                ("/lines/0/quantity", "must be at least 1"),
                ("/ratio", "must be at most 100"),
            ]
        );
    }
}
