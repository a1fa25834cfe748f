//! `#[derive(Schema)]`: the schema describes what serde really writes and reads, rules are
//! validated with pointers, readOnly is stripped and writeOnly excluded, at any depth.

use crate::support::*;

use std::collections::{BTreeMap, HashMap};

use ringback::openapi::{Components, OpenApiVersion};
use ringback::schema::visibility::{to_response_json, Removed};
use ringback::Schema;
use serde::{Deserialize, Serialize};
use serde_json::json;

fn component<T: Schema>(name: &str, version: OpenApiVersion) -> serde_json::Value {
    let mut c = Components::default();
    T::schema(&mut c);
    c.get(name)
        .unwrap_or_else(|| panic!("no component {name}"))
        .to_json(version)
}

// --- names exactly as serde writes them ---------------------------------------------------

macro_rules! rename_all_case {
    ($name:ident, $rule:literal, $expected:literal) => {
        #[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
        #[serde(rename_all = $rule)]
        struct $name {
            order_status_url: u8,
        }
    };
}
rename_all_case!(Lower, "lowercase", "order_status_url");
rename_all_case!(Upper, "UPPERCASE", "ORDER_STATUS_URL");
rename_all_case!(Pascal, "PascalCase", "OrderStatusUrl");
rename_all_case!(Camel, "camelCase", "orderStatusUrl");
rename_all_case!(Snake, "snake_case", "order_status_url");
rename_all_case!(ScreamingSnake, "SCREAMING_SNAKE_CASE", "ORDER_STATUS_URL");
rename_all_case!(Kebab, "kebab-case", "order-status-url");
rename_all_case!(ScreamingKebab, "SCREAMING-KEBAB-CASE", "ORDER-STATUS-URL");

fn property_names<T: Schema + Serialize>(value: &T) -> (Vec<String>, Vec<String>) {
    let schema = json_schema::<T>();
    let reference = schema["$ref"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let props = schema["components"]["schemas"][&reference]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let written = serde_json::to_value(value)
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    (props, written)
}

#[test]
fn rename_all_matches_serde_for_every_case() {
    macro_rules! same {
        ($($ty:ident),*) => {$({
            let value = $ty { order_status_url: 1 };
            let (documented, written) = property_names(&value);
            assert_eq!(documented, written, stringify!($ty));
            round_trip(&value);
        })*};
    }
    same!(
        Lower,
        Upper,
        Pascal,
        Camel,
        Snake,
        ScreamingSnake,
        Kebab,
        ScreamingKebab
    );
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Presence {
    #[serde(rename = "ID")]
    id: u32,
    #[serde(skip)]
    cache: u8,
    #[serde(default)]
    retries: u32,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    tags: Vec<String>,
    maybe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    absent_not_null: Option<String>,
    #[serde(flatten)]
    audit: Audit,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Audit {
    created_by: String,
}

#[test]
fn required_and_names_follow_serde_attributes() {
    let s = component::<Presence>("Presence", OpenApiVersion::V3_0_3);
    assert_eq!(s["required"], json!(["ID"]));
    // In declaration order: the document is written in the model's order.
    let mut components = Components::default();
    Presence::schema(&mut components);
    let props: Vec<&str> = components
        .get("Presence")
        .unwrap()
        .properties
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(props, ["ID", "retries", "tags", "maybe", "absentNotNull"]);
    assert_eq!(s["properties"]["maybe"]["nullable"], true);
    assert!(s["properties"]["absentNotNull"].get("nullable").is_none());
    assert_eq!(s["allOf"], json!([{"$ref": "#/components/schemas/Audit"}]));

    let full = Presence {
        id: 1,
        cache: 0,
        retries: 2,
        tags: vec!["a".into()],
        maybe: None,
        absent_not_null: Some("x".into()),
        audit: Audit {
            created_by: "me".into(),
        },
    };
    round_trip(&full);
    round_trip(&Presence {
        tags: vec![],
        absent_not_null: None,
        ..full
    });
    both_accept::<Presence>(json!({"ID": 1, "createdBy": "me"}));
    both_refuse::<Presence>(json!({"retries": 1, "createdBy": "me"}));
    both_refuse::<Presence>(json!({"ID": 1}));
}

#[test]
fn explicit_null_where_not_nullable_is_reported() {
    let mut body = json!({"ID": 1, "createdBy": "me", "absentNotNull": null, "maybe": null});
    let mut removed = Removed::new();
    Presence::strip_read_only(&mut body, &mut removed);
    assert_eq!(removed.nulls(), ["/absentNotNull"]);
    assert!(removed.is_empty());
}

// --- enums, as serde tags them ----------------------------------------------------------

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    New,
    PickedUp,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
enum External {
    Unit,
    Other,
    Newtype(u32),
    Struct { a: String },
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Internal {
    Unit,
    Struct { a: String },
    Newtype(Audit),
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(tag = "t", content = "c")]
enum Adjacent {
    Unit,
    Newtype(u32),
    Struct { a: String },
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(untagged)]
enum Untagged {
    Number(u32),
    Text(String),
    Pair { left: String, right: String },
}

#[test]
fn unit_enums_are_string_enums() {
    let s = component::<Status>("Status", OpenApiVersion::V3_0_3);
    assert_eq!(s, json!({"type": "string", "enum": ["NEW", "PICKED_UP"]}));
    round_trip(&Status::PickedUp);
    both_refuse::<Status>(json!("PickedUp"));
}

#[test]
fn every_tagging_round_trips() {
    for v in [
        External::Unit,
        External::Other,
        External::Newtype(3),
        External::Struct { a: "x".into() },
    ] {
        round_trip(&v);
    }
    for v in [
        Internal::Unit,
        Internal::Struct { a: "x".into() },
        Internal::Newtype(Audit {
            created_by: "me".into(),
        }),
    ] {
        round_trip(&v);
    }
    for v in [
        Adjacent::Unit,
        Adjacent::Newtype(3),
        Adjacent::Struct { a: "x".into() },
    ] {
        round_trip(&v);
    }
    for v in [
        Untagged::Number(1),
        Untagged::Text("x".into()),
        Untagged::Pair {
            left: "l".into(),
            right: "r".into(),
        },
    ] {
        round_trip(&v);
    }
    both_refuse::<External>(json!({"Newtype": "three"}));
    both_refuse::<Internal>(json!({"kind": "struct"}));
    both_refuse::<Adjacent>(json!({"t": "Newtype"}));
    both_refuse::<Untagged>(json!(true));
}

// --- containers, recursion, generics, newtypes ----------------------------------------------

/// A node of a tree.
#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
struct Node {
    name: String,
    children: Vec<Node>,
    parent: Option<Box<Node>>,
    #[serde(default)]
    labels: BTreeMap<String, Node>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
struct Page<T> {
    items: Vec<T>,
    total: u64,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
struct Quantity(#[schema(minimum = 1)] u32);

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(transparent)]
struct Wrapper {
    inner: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
struct Containers {
    map: HashMap<String, u8>,
    nested: Vec<Vec<Option<i64>>>,
    fixed: [u8; 2],
    boxed: Box<Quantity>,
    page: Page<Quantity>,
    wrapper: Wrapper,
    any: serde_json::Value,
    id: uuid::Uuid,
    link: url::Url,
    small: i16,
    big: u64,
    ratio: f32,
    precise: f64,
    flag: bool,
    letter: char,
}

#[test]
fn recursive_types_are_components_that_refer_to_themselves() {
    let s = component::<Node>("Node", OpenApiVersion::V3_1_0);
    assert_eq!(s["description"], "A node of a tree.");
    assert_eq!(
        s["properties"]["children"]["items"]["$ref"],
        "#/components/schemas/Node"
    );
    assert_eq!(
        s["properties"]["parent"],
        json!({"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]})
    );
    let leaf = |n: &str| Node {
        name: n.into(),
        children: vec![],
        parent: None,
        labels: BTreeMap::new(),
    };
    round_trip(&Node {
        name: "root".into(),
        children: vec![leaf("a"), leaf("b")],
        parent: Some(Box::new(leaf("p"))),
        labels: BTreeMap::from([("x".into(), leaf("x"))]),
    });
}

#[test]
fn standard_types_have_their_formats() {
    let s = component::<Containers>("Containers", OpenApiVersion::V3_0_3);
    let p = &s["properties"];
    assert_eq!(
        p["map"],
        json!({"type": "object", "additionalProperties": {"type": "integer", "format": "int32", "minimum": 0}})
    );
    assert_eq!(p["fixed"]["minItems"], 2);
    assert_eq!(p["boxed"], json!({"$ref": "#/components/schemas/Quantity"}));
    assert_eq!(p["id"], json!({"type": "string", "format": "uuid"}));
    assert_eq!(p["link"], json!({"type": "string", "format": "uri"}));
    assert_eq!(p["small"]["format"], "int32");
    assert_eq!(
        p["big"],
        json!({"type": "integer", "format": "int64", "minimum": 0})
    );
    assert_eq!(p["ratio"]["format"], "float");
    assert_eq!(p["precise"]["format"], "double");
    assert_eq!(p["flag"], json!({"type": "boolean"}));
    assert_eq!(
        p["wrapper"],
        json!({"$ref": "#/components/schemas/Wrapper"})
    );
    // Each instantiation of a generic type is a component named after its arguments.
    assert_eq!(
        p["page"],
        json!({"$ref": "#/components/schemas/Page_Quantity"})
    );
    let page = component::<Containers>("Page_Quantity", OpenApiVersion::V3_0_3);
    assert_eq!(
        page["properties"]["items"]["items"]["$ref"],
        "#/components/schemas/Quantity"
    );
    assert_eq!(p["any"], json!({}));
    let q = component::<Containers>("Quantity", OpenApiVersion::V3_0_3);
    assert_eq!(
        q,
        json!({"type": "integer", "format": "int64", "minimum": 1})
    );

    round_trip(&Containers {
        map: HashMap::from([("a".into(), 1)]),
        nested: vec![vec![Some(1), None]],
        fixed: [1, 2],
        boxed: Box::new(Quantity(2)),
        page: Page {
            items: vec![Quantity(1)],
            total: 1,
        },
        wrapper: Wrapper { inner: "w".into() },
        any: json!({"free": [1, "form"]}),
        id: uuid::Uuid::nil(),
        link: "https://example.com/x".parse().unwrap(),
        small: -3,
        big: u64::MAX,
        ratio: 0.5,
        precise: 1e300,
        flag: true,
        letter: 'x',
    });
}

// --- rules and validation ---------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Rules {
    #[schema(minimum = -5, maximum = 5)]
    level: i32,
    #[schema(exclusive_minimum = 0.0, exclusive_maximum = 1.0)]
    share: f64,
    #[schema(min_length = 2, max_length = 4, pattern = "^[a-z]+$")]
    code: String,
    #[schema(min_items = 1, max_items = 2)]
    lines: Vec<Line>,
    #[schema(format = "email")]
    email: Option<String>,
    #[schema(
        example = "ORD-1",
        description = "Overrides the doc comment",
        deprecated
    )]
    /// Not this.
    reference: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Line {
    #[schema(minimum = 1, maximum = 999)]
    order_quantity: i32,
}

#[test]
fn rules_are_documented_per_version() {
    let v30 = component::<Rules>("Rules", OpenApiVersion::V3_0_3);
    let v31 = component::<Rules>("Rules", OpenApiVersion::V3_1_0);
    assert_eq!(v30["properties"]["level"]["minimum"], -5);
    assert_eq!(v30["properties"]["share"]["exclusiveMinimum"], true);
    assert_eq!(v30["properties"]["share"]["minimum"], 0.0);
    assert_eq!(v31["properties"]["share"]["exclusiveMinimum"], 0.0);
    assert_eq!(v31["properties"]["share"]["exclusiveMaximum"], 1.0);
    assert_eq!(v30["properties"]["code"]["pattern"], "^[a-z]+$");
    assert_eq!(v30["properties"]["code"]["maxLength"], 4);
    assert_eq!(v30["properties"]["lines"]["minItems"], 1);
    assert_eq!(v30["properties"]["email"]["format"], "email");
    let reference = &v30["properties"]["reference"];
    assert_eq!(reference["description"], "Overrides the doc comment");
    assert_eq!(reference["example"], "ORD-1");
    assert_eq!(reference["deprecated"], true);
    assert_eq!(v31["properties"]["reference"]["examples"], json!(["ORD-1"]));
}

#[test]
fn validation_reports_every_violation_with_its_pointer() {
    let bad = Rules {
        level: 6,
        share: 1.0,
        code: "A".into(),
        lines: vec![
            Line { order_quantity: 0 },
            Line {
                order_quantity: 1000,
            },
            Line { order_quantity: 5 },
        ],
        email: Some("nobody".into()),
        reference: None,
    };
    let found: Vec<(String, String)> = ringback::validate(&bad)
        .into_iter()
        .map(|v| (v.pointer, v.message))
        .collect();
    let expected = [
        ("/level", "must be at most 5"),
        ("/share", "must be less than 1"),
        ("/code", "must be at least 2 characters long"),
        ("/code", "must match the pattern \"^[a-z]+$\""),
        ("/lines", "must have at most 2 items"),
        ("/lines/0/orderQuantity", "must be at least 1"),
        ("/lines/1/orderQuantity", "must be at most 999"),
        ("/email", "must be a valid email"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(found, expected);

    let good = Rules {
        level: -5,
        share: 0.5,
        code: "ab".into(),
        lines: vec![Line { order_quantity: 1 }],
        email: None,
        reference: None,
    };
    assert!(ringback::validate(&good).is_empty());
}

#[test]
fn validation_reaches_into_enums_by_their_tagging() {
    #[derive(Serialize, Deserialize, Schema)]
    #[serde(tag = "type")]
    enum Shape {
        Square {
            #[schema(minimum = 1)]
            side: u32,
        },
    }
    #[derive(Serialize, Deserialize, Schema)]
    enum Wrapped {
        Line(Line),
    }
    let v = ringback::validate(&Shape::Square { side: 0 });
    assert_eq!(v[0].pointer, "/side");
    let v = ringback::validate(&Wrapped::Line(Line { order_quantity: 0 }));
    assert_eq!(v[0].pointer, "/Line/orderQuantity");
}

// --- readOnly and writeOnly -------------------------------------------------------------

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Account {
    #[schema(read_only)]
    id: Option<u64>,
    name: String,
    #[schema(write_only)]
    password: Option<String>,
    #[serde(default)]
    keys: Vec<Key>,
    #[serde(default)]
    by_name: BTreeMap<String, Key>,
    #[serde(flatten)]
    meta: Meta,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Key {
    #[schema(read_only)]
    #[serde(default)]
    created: u64,
    #[schema(write_only)]
    secret: Option<String>,
    label: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Meta {
    #[schema(read_only)]
    version: Option<u32>,
}

#[test]
fn read_only_is_stripped_at_any_depth_and_reported() {
    let mut sent = json!({
        "id": "not even a number",
        "name": "n",
        "keys": [{"created": 5, "label": "a"}, {"label": "b"}],
        "byName": {"k/1": {"created": 1, "label": "c"}},
        "version": 3,
    });
    let mut removed = Removed::new();
    Account::strip_read_only(&mut sent, &mut removed);
    assert_eq!(
        removed.pointers(),
        ["/id", "/keys/0/created", "/byName/k~11/created", "/version"]
    );
    let account: Account = serde_json::from_value(sent).expect("stripped input deserializes");
    assert_eq!(account.id, None);
    assert_eq!(account.keys[0].created, 0);
    assert_eq!(account.meta.version, None);
}

#[test]
fn write_only_never_leaves_in_a_response() {
    let account = Account {
        id: Some(1),
        name: "n".into(),
        password: Some("hunter2".into()),
        keys: vec![Key {
            created: 1,
            secret: Some("s".into()),
            label: "a".into(),
        }],
        by_name: BTreeMap::from([(
            "x".into(),
            Key {
                created: 2,
                secret: Some("t".into()),
                label: "b".into(),
            },
        )]),
        meta: Meta { version: Some(1) },
    };
    let out = to_response_json(&account).unwrap();
    let text = out.to_string();
    assert!(
        !text.contains("password") && !text.contains("secret"),
        "{text}"
    );
    assert_eq!(out["keys"][0]["label"], "a");
    assert_eq!(out["id"], 1);

    let s = component::<Account>("Account", OpenApiVersion::V3_0_3);
    assert_eq!(s["properties"]["id"]["readOnly"], true);
    assert_eq!(s["properties"]["password"]["writeOnly"], true);
}

#[test]
fn serde_skip_directions_are_read_only_and_write_only() {
    #[derive(Serialize, Deserialize, Schema)]
    struct Directions {
        #[serde(skip_deserializing)]
        computed: u32,
        #[serde(skip_serializing)]
        token: String,
    }
    let s = component::<Directions>("Directions", OpenApiVersion::V3_0_3);
    assert_eq!(s["properties"]["computed"]["readOnly"], true);
    assert_eq!(s["properties"]["token"]["writeOnly"], true);
    assert_eq!(s["required"], json!(["token"]));
}

#[test]
fn the_const_shape_walks_nested_properties() {
    use ringback::shape::{resolve_pointer, Found, Shape};
    const FOUND: Found = resolve_pointer(<Account as Schema>::SHAPE, "/keys/0/label");
    assert!(matches!(
        FOUND,
        Found::Value {
            shape: Shape::String { .. },
            optional: true
        }
    ));
    const FLAT: Found = resolve_pointer(<Account as Schema>::SHAPE, "/version");
    assert!(matches!(
        FLAT,
        Found::Value {
            shape: Shape::IntegerIn {
                min: 0,
                max: 0xffff_ffff
            },
            optional: true
        }
    ));
    const MISSING: Found = resolve_pointer(<Account as Schema>::SHAPE, "/nope");
    assert!(matches!(MISSING, Found::NoProperty { depth: 0, .. }));
    const DEEP: Found = resolve_pointer(
        <Node as Schema>::SHAPE,
        "/children/0/parent/labels/k~1x/name",
    );
    assert!(matches!(
        DEEP,
        Found::Value {
            shape: Shape::String { .. },
            optional: true
        }
    ));
    const REQUIRED: Found = resolve_pointer(<Node as Schema>::SHAPE, "/name");
    assert!(matches!(
        REQUIRED,
        Found::Value {
            optional: false,
            ..
        }
    ));
}

#[test]
fn date_and_time_types_behind_the_chrono_feature() {
    #[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
    struct Stamp {
        at: chrono::DateTime<chrono::Utc>,
        on: chrono::NaiveDate,
    }
    let s = component::<Stamp>("Stamp", OpenApiVersion::V3_0_3);
    assert_eq!(
        s["properties"]["at"],
        json!({"type": "string", "format": "date-time"})
    );
    assert_eq!(
        s["properties"]["on"],
        json!({"type": "string", "format": "date"})
    );
    round_trip(&Stamp {
        at: chrono::DateTime::from_timestamp(1_700_000_000, 5).unwrap(),
        on: chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
    });
}

mod clear_read_only {
    use ringback::Schema;
    use serde::Deserialize;

    fn seven() -> u32 {
        7
    }

    #[derive(Debug, Deserialize, Schema)]
    struct Line {
        #[schema(read_only)]
        id: Option<u32>,
        #[schema(read_only)]
        #[serde(default)]
        allocated: u32,
        size: u32,
    }

    #[derive(Debug, Deserialize, Schema)]
    struct Order {
        #[schema(read_only)]
        id: Option<u32>,
        lines: Vec<Line>,
        first: Option<Box<Line>>,
    }

    #[derive(Debug, Deserialize, Schema)]
    struct WithFunctionDefault {
        #[schema(read_only)]
        #[serde(default = "seven")]
        stock: u32,
    }

    #[test]
    fn read_only_fields_are_reset_to_what_serde_gives_a_missing_one() {
        let mut order: Order = serde_json::from_str(
            r#"{"id": 1, "lines": [{"id": 2, "allocated": 3, "size": 4}],
                "first": {"id": 5, "allocated": 6, "size": 8}}"#,
        )
        .unwrap();
        assert!(order.clear_read_only());
        assert_eq!(order.id, None);
        assert_eq!((order.lines[0].id, order.lines[0].allocated), (None, 0));
        assert_eq!(order.lines[0].size, 4, "other fields are kept");
        let first = order.first.unwrap();
        assert_eq!((first.id, first.allocated, first.size), (None, 0, 8));
    }

    #[test]
    fn a_default_it_cannot_reproduce_sends_the_body_through_json() {
        let mut value: WithFunctionDefault = serde_json::from_str(r#"{"stock": 1}"#).unwrap();
        assert!(!value.clear_read_only());
    }
}
