//! The scan agrees with the JSON pass it replaces: on every body, the same readOnly
//! properties and refused nulls, the same callback values, and (when the body deserializes)
//! the same value once readOnly fields are reset.
use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::{scan, MistakeKind};
use crate::schema::visibility::Removed;
use crate::Schema;

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::Schema)]
#[serde(rename_all = "camelCase")]
struct Order {
    #[schema(read_only)]
    id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(default)]
    lines: Vec<Line>,
    #[serde(default)]
    meta: BTreeMap<String, Line>,
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::Schema)]
struct Line {
    #[schema(read_only)]
    id: Option<String>,
    #[serde(default)]
    upc: String,
    #[serde(default)]
    children: Vec<Line>,
    #[schema(read_only)]
    #[serde(default)]
    size: u32,
}

const KEYS: [&str; 9] = [
    "id",
    "callbackUrl",
    "lines",
    "meta",
    "upc",
    "children",
    "size",
    "a/b~c",
    "x",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0u32..2000).prop_map(Value::from),
        (-5.0f64..5.0).prop_map(|f| json!(f)),
        "[a-z\"\\\\{}\\[\\],: ]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(&KEYS[..]), inner), 0..6).prop_map(
                |pairs| {
                    Value::Object(
                        pairs
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect::<Map<_, _>>(),
                    )
                }
            ),
        ]
    })
}

/// The body as a client might send it: compact or pretty, and with some key characters
/// written as `\u` escapes.
fn spelled(value: &Value, pretty: bool, escape_keys: bool) -> Vec<u8> {
    let text = if pretty {
        serde_json::to_string_pretty(value).unwrap()
    } else {
        value.to_string()
    };
    if escape_keys {
        text.replace("\"id\"", "\"\\u0069d\"").into_bytes()
    } else {
        text.into_bytes()
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

const WANTED: [&[&str]; 3] = [&["callbackUrl"], &["meta", "a/b~c", "upc"], &["id"]];

/// Orders as a client would send them: well typed, readOnly properties or not, and
/// sometimes a `null` where it is refused.
fn order() -> impl Strategy<Value = Value> {
    let line = (
        proptest::option::of("[a-z]{1,3}"),
        "[a-z\"]{0,4}",
        proptest::option::of(0u32..9),
    )
        .prop_map(|(id, upc, size)| {
            let mut line = json!({"upc": upc, "children": [{"upc": "c", "id": id}]});
            if let Some(size) = size {
                line["size"] = size.into();
            }
            line
        });
    (
        proptest::option::of(0u32..99),
        proptest::option::of(proptest::option::of("[a-z:/]{0,8}")),
        proptest::collection::vec(line.clone(), 0..3),
        proptest::option::of(line),
    )
        .prop_map(|(id, url, lines, meta)| {
            let mut order = json!({"lines": lines});
            if let Some(id) = id {
                order["id"] = id.into();
            }
            if let Some(url) = url {
                order["callbackUrl"] = url.map_or(Value::Null, Value::from);
            }
            if let Some(meta) = meta {
                order["meta"] = json!({"a/b~c": meta});
            }
            order
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn on_every_body(value in json_value(), pretty: bool, escape_keys: bool) {
        check(&value, pretty, escape_keys)?;
    }

    #[test]
    fn on_every_order(value in order(), pretty: bool, escape_keys: bool) {
        prop_assert!(check(&value, pretty, escape_keys)?, "{} did not deserialize", value);
    }
}

/// Checks one body; says whether it deserialized directly.
fn check(value: &Value, pretty: bool, escape_keys: bool) -> Result<bool, TestCaseError> {
    {
        let bytes = spelled(value, pretty, escape_keys);
        let wanted: Vec<Vec<&str>> = WANTED.iter().map(|p| p.to_vec()).collect();
        let sent = scan(&bytes, Order::SHAPE, &wanted, true).expect("valid JSON scans");

        let mut stripped = value.clone();
        let mut removed = Removed::new();
        Order::strip_read_only(&mut stripped, &mut removed);
        prop_assert_eq!(
            sorted(sent.read_only.clone()),
            sorted(removed.pointers().to_vec())
        );
        prop_assert_eq!(sent.any_read_only, !removed.pointers().is_empty());
        prop_assert_eq!(sorted(sent.nulls.clone()), sorted(removed.nulls().to_vec()));

        for (tokens, found) in wanted.iter().zip(&sent.found) {
            let pointer: String = tokens
                .iter()
                .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
                .collect();
            if !sent.through_array {
                prop_assert_eq!(found.as_ref(), value.pointer(&pointer), "{}", pointer);
            }
        }

        // The request path refuses these before deserializing anything; a body with none
        // deserializes, and one serde reads has none (but a key sent twice, which serde
        // lets pass, and an array where an object belongs, which serde reads field by field).
        let messages: Vec<(&str, &str)> = sent
            .mistakes
            .iter()
            .map(|m| (m.pointer.as_str(), m.message.as_str()))
            .collect();
        let fits = sent
            .mistakes
            .iter()
            .all(|m| m.kind == MistakeKind::Duplicate);
        // As the request path reads it: readOnly values (which the scan does not judge)
        // stripped, integral floats made integers.
        let mut readable = stripped.clone();
        crate::schema::normalize::integers(&mut readable, Order::SHAPE);
        let deserializes = serde_json::from_value::<Order>(readable).is_ok();
        prop_assert!(!fits || deserializes, "{}", String::from_utf8_lossy(&bytes));
        let serde_lets_pass = |m: &&super::Mistake| {
            m.kind == MistakeKind::Duplicate
                || (matches!(m.kind, MistakeKind::Expected(crate::Shape::Object(_)))
                    && m.message.ends_with("found an array"))
        };
        prop_assert!(
            !deserializes || sent.mistakes.iter().all(|m| serde_lets_pass(&m)),
            "{:?}",
            messages
        );
        if !sent.mistakes.is_empty() {
            return Ok(false);
        }
        let Ok(mut direct) = serde_json::from_slice::<Order>(&bytes) else {
            return Ok(false);
        };
        prop_assert!(!sent.any_read_only || direct.clear_read_only());
        let through_json: Order = serde_json::from_value(stripped)
            .expect("what deserializes directly deserializes stripped");
        prop_assert_eq!(direct, through_json);
        Ok(true)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Any bytes: no panic, and the scan reads as JSON text exactly what serde_json does.
    #[test]
    fn never_panics_and_reads_json_as_serde_json_does(
        value in json_value(),
        cut in 0usize..64,
        junk in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let wanted: Vec<Vec<&str>> = WANTED.iter().map(|p| p.to_vec()).collect();
        let mut bytes = value.to_string().into_bytes();
        let at = bytes.len().saturating_sub(cut);
        bytes.splice(at..at, junk);
        let scanned = scan(&bytes, Order::SHAPE, &wanted, true);
        let text = scanned.is_ok_and(|s| s.mistakes.iter().all(|m| m.kind != MistakeKind::NotText));
        prop_assert_eq!(
            text,
            serde_json::from_slice::<Value>(&bytes).is_ok(),
            "{}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn bytes_that_are_not_json_are_refused() {
    let none: &[Vec<&str>] = &[];
    for bad in [
        &b""[..],
        b"{",
        b"{\"id\" 1}",
        b"{\"id\": 1,}",
        b"[1 2]",
        b"\"open",
        b"{} x",
        b"{\"a\": [}",
    ] {
        assert!(
            scan(bad, Order::SHAPE, none, true).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}
