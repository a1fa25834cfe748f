//! The scan on hand-written shapes: what it finds, where, and what it refuses.

use super::*;

const fn property(name: &'static str, shape: &'static Shape) -> FieldShape {
    FieldShape {
        name,
        shape,
        required: false,
        read_only: false,
        write_only: false,
        nullable: true,
    }
}

const fn read_only(field: FieldShape) -> FieldShape {
    FieldShape {
        read_only: true,
        ..field
    }
}

const UUID: Shape = Shape::String {
    format: Some("uuid"),
};
const TEXT: Shape = Shape::String { format: None };
const LINE: Shape = Shape::Object(&ObjectShape {
    name: "Line",
    fields: &[
        read_only(property("id", &Shape::Optional(&UUID))),
        property("upc", &TEXT),
        property(
            "children",
            &Shape::Optional(&Shape::Array(&Shape::Recursive("Line"))),
        ),
    ],
    flattened: &[],
});
const ORDER: Shape = Shape::Object(&ObjectShape {
    name: "Order",
    fields: &[
        read_only(property("id", &Shape::Optional(&UUID))),
        FieldShape {
            nullable: false,
            ..property("callbackUrl", &Shape::Optional(&TEXT))
        },
        property("lines", &Shape::Array(&LINE)),
        property("meta", &Shape::Map(&LINE)),
    ],
    flattened: &[],
});

fn run(body: &str, wanted: &[&[&str]]) -> Sent {
    let wanted: Vec<Vec<String>> = wanted
        .iter()
        .map(|p| p.iter().map(|t| t.to_string()).collect())
        .collect();
    let sent = scan(body.as_bytes(), &ORDER, &wanted, false).expect("JSON");
    assert_eq!(
        sent.any_read_only,
        !sent.read_only.is_empty() || sent_any(body, &wanted)
    );
    let listed = scan(body.as_bytes(), &ORDER, &wanted, true).expect("JSON");
    assert_eq!(listed.any_read_only, sent.any_read_only);
    listed
}

fn sent_any(body: &str, wanted: &[Vec<String>]) -> bool {
    scan(body.as_bytes(), &ORDER, wanted, true).is_ok_and(|s| !s.read_only.is_empty())
}

#[test]
fn read_only_properties_are_found_at_any_depth() {
    let sent = run(
        r#"{"id": 1, "lines": [{"upc": "a"}, {"id": null, "children": [{"id": "x"}]}],
            "meta": {"a/b": {"id": 2}}, "other": {"id": 3}}"#,
        &[],
    );
    assert_eq!(
        sent.read_only,
        [
            "/id",
            "/lines/1/id",
            "/lines/1/children/0/id",
            "/meta/a~1b/id"
        ]
    );
    assert!(sent.nulls.is_empty());
}

#[test]
fn null_is_found_where_the_schema_refuses_it() {
    let sent = run(r#"{"callbackUrl": null, "lines": []}"#, &[]);
    assert_eq!(sent.nulls, ["/callbackUrl"]);
    assert!(run(r#"{"callbackUrl": "x"}"#, &[]).nulls.is_empty());
}

#[test]
fn wanted_values_are_captured_as_sent() {
    let sent = run(
        r#"{"callbackUrl": "https://a.example/x", "id": "r", "extra": {"deep": {"v": [1, 2]}}}"#,
        &[
            &["callbackUrl"],
            &["id"],
            &["extra", "deep", "v"],
            &["absent"],
        ],
    );
    assert_eq!(sent.found[0], Some(Value::from("https://a.example/x")));
    assert_eq!(
        sent.found[1],
        Some(Value::from("r")),
        "readOnly values are read as sent"
    );
    assert_eq!(sent.found[2], Some(serde_json::json!([1, 2])));
    assert_eq!(sent.found[3], None);
    assert_eq!(sent.read_only, ["/id"]);
    assert!(!sent.through_array);
    let null = run(r#"{"callbackUrl": null}"#, &[&["callbackUrl"]]);
    assert_eq!(null.nulls, ["/callbackUrl"]);
    assert_eq!(null.found[0], Some(Value::Null));
}

#[test]
fn arrays_where_objects_belong_are_reported() {
    let sent = run(r#"[1, "x"]"#, &[]);
    assert_eq!(
        mistakes(&sent),
        [("", "expected an object, found an array")]
    );
    let sent = run(
        r#"{"lines": [["a"], {"children": [[]]}], "meta": {"k": []}}"#,
        &[],
    );
    let pointers: Vec<_> = mistakes(&sent).into_iter().map(|(p, _)| p).collect();
    assert_eq!(pointers, ["/lines/0", "/lines/1/children/0", "/meta/k"]);
}

#[test]
fn a_wanted_pointer_through_an_array_is_reported() {
    let sent = run(r#"{"lines": [{"upc": "a"}]}"#, &[&["lines", "0", "upc"]]);
    assert!(sent.through_array);
}

fn mistakes(sent: &Sent) -> Vec<(&str, &str)> {
    sent.mistakes
        .iter()
        .map(|m| (m.pointer.as_str(), m.message.as_str()))
        .collect()
}

#[test]
fn json_that_does_not_match_the_shape_is_reported_and_bad_json_is_refused() {
    let sent = run(r#"{"lines": "no", "meta": [1], "id": {"a": [1]}}"#, &[]);
    assert_eq!(sent.read_only, ["/id"], "a readOnly value is not judged");
    assert_eq!(
        mistakes(&sent),
        [
            ("/lines", "expected an array, found \"no\""),
            ("/meta", "expected an object, found an array"),
        ]
    );
    let cut = scan::<String>(b"{\"id\": ", &ORDER, &[], true).unwrap_err();
    assert_eq!(
        cut.message,
        "the body is not valid JSON: the body ends too soon"
    );
    assert_eq!(cut.pointer, "/id");
    assert!(scan::<String>(b"{} {}", &ORDER, &[], true).is_err());
}

const BEER: Shape = Shape::StringEnum(&["ale", "lager"]);
const STRICT: Shape = Shape::Object(&ObjectShape {
    name: "Strict",
    fields: &[
        FieldShape {
            required: true,
            ..property("count", &Shape::IntegerIn { min: 0, max: 255 })
        },
        FieldShape {
            required: true,
            ..property("beer", &BEER)
        },
        property("ratio", &Shape::Number),
        property("ok", &Shape::Optional(&Shape::Boolean)),
        property("lines", &Shape::Optional(&Shape::Array(&LINE))),
    ],
    flattened: &[],
});

fn strict(body: &str) -> Vec<(String, String)> {
    scan::<String>(body.as_bytes(), &STRICT, &[], false)
        .expect("JSON")
        .mistakes
        .into_iter()
        .map(|m| (m.pointer, m.message))
        .collect()
}

#[test]
fn every_mistake_is_found_each_at_its_pointer() {
    assert_eq!(strict(r#"{"count": 3, "beer": "ale", "ok": null}"#), []);
    assert_eq!(
        strict(r#"{"count": 3.0, "beer": "\u0061le", "ratio": 1}"#),
        []
    );
    let found = strict(
        r#"{"count": 300, "beer": "stout", "ratio": "x", "ok": 1,
            "lines": [{"upc": 5}, {"upc": "a", "children": [{"upc": null}]}]}"#,
    );
    let expected = [
        ("/count", "expected an integer between 0 and 255, found 300"),
        (
            "/beer",
            "expected one of \"ale\", \"lager\", found \"stout\"",
        ),
        ("/ratio", "expected a number, found \"x\""),
        ("/ok", "expected a boolean or null, found 1"),
        ("/lines/0/upc", "expected a string, found 5"),
        ("/lines/1/children/0/upc", "expected a string, found null"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(
        strict(r#"{"count": -1}"#),
        [
            (
                "/beer".to_owned(),
                "is required: expected one of \"ale\", \"lager\", found nothing".to_owned()
            ),
            (
                "/count".to_owned(),
                "expected an integer between 0 and 255, found -1".to_owned()
            )
        ]
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
    );
    assert_eq!(
        strict(r#"{"beer": "ale", "count": 1.5}"#)[0].1,
        "expected an integer, found 1.5"
    );
}

#[test]
fn a_key_sent_twice_is_a_mistake_at_its_second_place() {
    let found = strict(
        r#"{"count": 1, "beer": "ale", "count": 2, "x": 1, "\u0078": 2,
            "lines": [{"upc": "a", "upc": "b"}]}"#,
    );
    let pointers: Vec<_> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pointers, ["/count", "/x", "/lines/0/upc"]);
    assert!(found[0].1.contains("sent twice"), "{found:?}");
    let sent = scan::<String>(br#"{"meta": {"k": {}, "k": {}}}"#, &ORDER, &[], false).unwrap();
    assert_eq!(sent.mistakes[0].pointer, "/meta/k");
    assert_eq!(sent.mistakes[0].kind, MistakeKind::Duplicate);
}

#[test]
fn text_that_is_not_json_is_found_wherever_it_is() {
    for (body, pointer) in [
        (&b"{\"x\": \"\xff\"}"[..], "/x"),
        (br#"{"x": {"y": ["\ud800"]}}"#, "/x/y/0"),
        (br#"{"lines": [{"upc": "\udc00"}]}"#, "/lines/0/upc"),
        (br#"{"x": 1e400}"#, "/x"),
    ] {
        let sent = scan::<String>(body, &ORDER, &[], false).expect("ends as JSON does");
        assert_eq!(
            sent.mistakes.len(),
            1,
            "{:?}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(sent.mistakes[0].pointer, pointer);
        assert_eq!(sent.mistakes[0].kind, MistakeKind::NotText);
        assert!(serde_json::from_slice::<Value>(body).is_err());
    }
}

#[test]
fn nesting_stops_where_serde_json_stops() {
    for depth in [126, 127, 128, 129] {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(
            scan::<String>(body.as_bytes(), &Shape::Any, &[], false).is_ok(),
            serde_json::from_str::<Value>(&body).is_ok(),
            "{depth}"
        );
    }
}
