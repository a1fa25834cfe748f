//! `ringback::contract` on documents no one here wrote: the samples of the npm package
//! `@readme/oas-examples` 8.2.2 (tests/contract-samples/README.md). Each compared with itself
//! reports nothing, read as JSON or as YAML, in 3.0 or converted to 3.1; each known edit is
//! reported as exactly that edit.

use std::path::PathBuf;

use ringback::contract::{compare, load, Class, Report};
use serde_json::{json, Value};

const SAMPLES: &[&str] = &[
    "petstore",
    "callbacks",
    "schema-circular",
    "security",
    "schema-visibility",
    "parameters-common",
];

fn path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("contract-samples")
        .join(file)
}

fn sample(file: &str) -> Value {
    load(path(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The document written as OpenAPI 3.1, the way a person would convert it: `nullable` into
/// the type, boolean exclusive bounds into numeric ones, a schema's `example` into `examples`.
/// It is written here, apart from the comparison's own reading, so that the two check each
/// other.
fn to_3_1(doc: &Value) -> Value {
    fn convert(value: &mut Value) {
        match value {
            Value::Object(o) => {
                if let Some(Value::Bool(nullable)) = o.remove("nullable") {
                    if nullable {
                        match o.get_mut("type") {
                            Some(Value::String(t)) => {
                                let t = t.clone();
                                o.insert("type".into(), json!([t, "null"]));
                            }
                            Some(Value::Array(list)) => list.push(json!("null")),
                            _ => {
                                let rest = Value::Object(std::mem::take(o));
                                o.insert("anyOf".into(), json!([rest, {"type": "null"}]));
                            }
                        }
                    }
                }
                for (flag, bound) in [
                    ("exclusiveMinimum", "minimum"),
                    ("exclusiveMaximum", "maximum"),
                ] {
                    if let Some(Value::Bool(exclusive)) = o.remove(flag) {
                        if exclusive {
                            if let Some(n) = o.remove(bound) {
                                o.insert(flag.into(), n);
                            }
                        }
                    }
                }
                // A schema's `example` (media types and parameters keep theirs, beside `schema`).
                let is_schema = !o.contains_key("schema")
                    && !o.contains_key("content")
                    && !o.contains_key("examples");
                if is_schema {
                    if let Some(example) = o.remove("example") {
                        o.insert("examples".into(), json!([example]));
                    }
                }
                for (key, child) in o.iter_mut() {
                    // Example and default values are data, not schemas.
                    if !matches!(
                        key.as_str(),
                        "example" | "examples" | "default" | "enum" | "const" | "value"
                    ) && !key.starts_with("x-")
                    {
                        convert(child);
                    }
                }
            }
            Value::Array(list) => list.iter_mut().for_each(convert),
            _ => {}
        }
    }
    let mut out = doc.clone();
    convert(&mut out);
    out["openapi"] = json!("3.1.0");
    out
}

fn report(old: &Value, new: &Value) -> Report {
    compare(old, new).expect("both are OpenAPI 3 documents")
}

#[test]
fn each_sample_matches_itself_as_json_and_yaml_and_in_3_1() {
    for name in SAMPLES {
        let json = sample(&format!("{name}.json"));
        let yaml = sample(&format!("{name}.yaml"));
        assert!(
            json["openapi"].as_str().unwrap().starts_with("3.0"),
            "{name}"
        );
        let v31 = to_3_1(&json);
        assert_ne!(json, v31, "{name}: the conversion changed nothing");
        for (what, old, new) in [
            ("itself", &json, &json),
            ("JSON and YAML", &json, &yaml),
            ("YAML and JSON", &yaml, &json),
            ("3.0 and 3.1", &json, &v31),
            ("3.1 and 3.0", &v31, &json),
            ("YAML 3.0 and 3.1", &yaml, &v31),
        ] {
            let r = report(old, new);
            assert!(r.is_empty(), "{name}, {what}:\n{r}");
        }
    }
}

#[test]
fn the_package_s_own_3_1_petstore_differs_from_its_3_0_one_only_where_it_was_edited() {
    // The package's 3.1 petstore has its members in another order and a few real edits; the
    // comparison reports those edits, and nothing for the order or the 3.1 spelling.
    let r = report(&sample("petstore.json"), &sample("petstore-3.1.json"));
    let found: Vec<(Class, &str)> = r
        .differences()
        .iter()
        .map(|d| (d.class(), d.message()))
        .collect();
    let upload = "request body of POST /pet/{petId}/uploadImage";
    assert_eq!(
        found,
        [
            (
                Class::Breaking,
                format!("{upload} no longer has the media type multipart/form-data").as_str()
            ),
            (
                Class::Compatible,
                "`Pet.id`: its default changed from 40 to none"
            ),
            (
                Class::Compatible,
                format!("{upload} now also has the media type application/octet-stream").as_str()
            ),
            (Class::Documentation, "`Pet.id`: its examples changed"),
            (
                Class::Documentation,
                "`Pet.photoUrls[]`: its examples changed"
            ),
            (
                Class::Documentation,
                "POST /pet/{petId}/uploadImage summary changed"
            ),
        ],
        "{r}"
    );
}

/// The one difference an edit makes.
fn only(r: &Report) -> &ringback::contract::Difference {
    assert_eq!(r.differences().len(), 1, "{r}");
    &r.differences()[0]
}

#[test]
fn a_removed_enum_value_is_that_edit_and_breaking() {
    let old = sample("petstore.yaml");
    let mut new = old.clone();
    let values = new["components"]["schemas"]["Pet"]["properties"]["status"]["enum"]
        .as_array_mut()
        .unwrap();
    values.retain(|v| v != "sold");
    let r = report(&old, &new);
    let d = only(&r);
    assert_eq!(d.class(), Class::Breaking, "{r}");
    assert_eq!(
        d.message(),
        "`Pet.status`: the enum value \"sold\" was removed"
    );
    assert_eq!(
        d.old_pointer(),
        "/components/schemas/Pet/properties/status/enum"
    );
    assert!(
        d.contexts()
            .iter()
            .any(|c| c.starts_with("request body of POST /pet")),
        "{r}"
    );
}

#[test]
fn a_removed_operation_is_breaking_and_an_added_optional_property_compatible() {
    let old = sample("petstore.json");
    let mut new = old.clone();
    new["paths"]["/pet/{petId}"]
        .as_object_mut()
        .unwrap()
        .remove("delete");
    let r = report(&old, &new);
    let d = only(&r);
    assert_eq!(d.class(), Class::Breaking);
    assert_eq!(d.message(), "the operation DELETE /pet/{petId} was removed");
    assert_eq!(d.old_pointer(), "/paths/~1pet~1{petId}/delete");
    assert_eq!(d.new_pointer(), "/paths/~1pet~1{petId}");

    let mut new = old.clone();
    new["components"]["schemas"]["Pet"]["properties"]["nickname"] = json!({"type": "string"});
    let r = report(&old, &new);
    let d = only(&r);
    assert_eq!(d.class(), Class::Compatible, "{r}");
    assert_eq!(
        d.message(),
        "`Pet.nickname`: an optional property was added"
    );
    assert_eq!(
        d.new_pointer(),
        "/components/schemas/Pet/properties/nickname"
    );
}

#[test]
fn a_description_is_documentation_and_a_path_parameter_s_name_is_not_on_the_wire() {
    let old = sample("petstore.json");
    let mut new = old.clone();
    new["components"]["schemas"]["Pet"]["properties"]["status"]["description"] =
        json!("where the pet is");
    let r = report(&old, &new);
    let d = only(&r);
    assert_eq!(d.class(), Class::Documentation);
    assert_eq!(
        d.old_pointer(),
        "/components/schemas/Pet/properties/status/description"
    );

    // The same path, its parameter renamed in the template and in each operation.
    let text = serde_json::to_string(&old)
        .unwrap()
        .replace("{orderId}", "{id}");
    let mut new: Value = serde_json::from_str(&text).unwrap();
    for method in ["get", "delete"] {
        new["paths"]["/store/order/{id}"][method]["parameters"][0]["name"] = json!("id");
    }
    let r = report(&old, &new);
    assert_eq!(r.differences().len(), 2, "{r}");
    assert!(r.passes(ringback::contract::Allow::Documentation), "{r}");
}

#[test]
fn a_changed_callback_expression_is_that_edit_and_breaking() {
    let old = sample("callbacks.json");
    let mut new = old.clone();
    let on_data = new["paths"]["/streams"]["post"]["callbacks"]["onData"]
        .as_object_mut()
        .unwrap();
    let item = on_data.remove("{$request.query.callbackUrl}/data").unwrap();
    on_data.insert("{$request.query.callbackUrl}/events".into(), item);
    let r = report(&old, &new);
    let d = only(&r);
    assert_eq!(d.class(), Class::Breaking);
    assert_eq!(
        d.message(),
        "the callback `onData` of POST /streams is now sent to \"{$request.query.callbackUrl}/events\" instead of \"{$request.query.callbackUrl}/data\""
    );
    assert_eq!(
        d.old_pointer(),
        "/paths/~1streams/post/callbacks/onData/{$request.query.callbackUrl}~1data"
    );
}

#[test]
fn a_callback_body_is_judged_from_the_client_s_side() {
    let old = sample("callbacks.yaml");
    let body = "/paths/~1streams/post/callbacks/onData/{$request.query.callbackUrl}~1data/post/requestBody/content/application~1json/schema";
    // The service now sends a field the client may not know: compatible. It stops sending
    // one the client reads: breaking.
    let mut new = old.clone();
    new.pointer_mut(&format!("{body}/properties")).unwrap()["source"] = json!({"type": "string"});
    assert_eq!(only(&report(&old, &new)).class(), Class::Compatible);
    let mut new = old.clone();
    new.pointer_mut(&format!("{body}/properties"))
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("userData");
    let r = report(&old, &new);
    assert_eq!(only(&r).class(), Class::Breaking);
    assert_eq!(
        only(&r).message(),
        "`body.userData`: the optional property was removed"
    );
}

#[test]
fn a_change_inside_a_cycle_is_reported_once() {
    let old = sample("schema-circular.json");
    let schemas: Vec<String> = old["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    // A component that refers to itself, through others or directly.
    let text = serde_json::to_string(&old).unwrap();
    let cyclic = schemas
        .iter()
        .find(|s| {
            let refs = format!("#/components/schemas/{s}\"");
            old["components"]["schemas"][s.as_str()]
                .to_string()
                .contains(&refs)
                || text.matches(&refs).count() > 1
        })
        .expect("a schema that is referred to more than once");
    let mut new = old.clone();
    new["components"]["schemas"][cyclic.as_str()]["description"] = json!("edited");
    let r = report(&old, &new);
    let d = only(&r);
    assert_eq!(d.class(), Class::Documentation);
    assert_eq!(
        d.new_pointer(),
        format!("/components/schemas/{cyclic}/description")
    );
}

#[test]
fn security_that_refuses_a_client_is_breaking() {
    let old = sample("security.json");
    // An operation open to all now asks for a scheme the document defines.
    let (path, method, scheme) = old["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .map(move |(m, op)| (p, m, op))
        })
        .find_map(|(p, m, op)| {
            let requirement = op["security"][0].as_object()?;
            Some((p.clone(), m.clone(), requirement.keys().next()?.clone()))
        })
        .expect("an operation with a requirement");
    let mut new = old.clone();
    new["paths"][path.as_str()][method.as_str()]["security"] = json!([]);
    let r = report(&old, &new);
    assert_eq!(only(&r).class(), Class::Compatible, "{r}");
    let r = report(&new, &old);
    let d = only(&r);
    assert_eq!(d.class(), Class::Breaking, "{r}");
    assert_eq!(
        d.message(),
        format!(
            "{} {path} now requires credentials: `{scheme}`",
            method.to_uppercase()
        ),
        "{r}"
    );
    assert_eq!(
        d.new_pointer(),
        format!("/paths/{}/{method}/security", path.replace('/', "~1"))
    );
}

#[test]
fn read_only_and_write_only_decide_which_side_a_change_reaches() {
    let old = sample("schema-visibility.json");
    let request = "/paths/~1/post/requestBody/content/application~1json/schema/properties";
    let response = "/paths/~1/post/responses/200/content/application~1json/schema/properties";
    let tighten = |doc: &mut Value, at: &str| doc.pointer_mut(at).unwrap()["maxLength"] = json!(8);

    // A readOnly property of a request is never sent: tightening it breaks no client.
    let mut new = old.clone();
    tighten(&mut new, &format!("{request}/propWithReadOnly"));
    assert_eq!(only(&report(&old, &new)).class(), Class::Compatible);
    // A writeOnly one is: tightening it does.
    let mut new = old.clone();
    tighten(&mut new, &format!("{request}/propWithWriteOnly"));
    let r = report(&old, &new);
    assert_eq!(only(&r).class(), Class::Breaking);
    assert_eq!(
        only(&r).message(),
        "`body.propWithWriteOnly`: maxLength changed from none to 8"
    );
    assert_eq!(
        only(&r).old_pointer(),
        format!("{request}/propWithWriteOnly")
    );
    assert_eq!(
        only(&r).new_pointer(),
        format!("{request}/propWithWriteOnly/maxLength")
    );

    // A response property that becomes writeOnly leaves the response: breaking.
    let mut new = old.clone();
    new.pointer_mut(&format!("{response}/id")).unwrap()["writeOnly"] = json!(true);
    let r = report(&old, &new);
    assert_eq!(only(&r).class(), Class::Breaking, "{r}");
    assert_eq!(only(&r).message(), "`body.id` became writeOnly");
    // A request property that becomes readOnly is no longer sent: compatible.
    let mut new = old.clone();
    new.pointer_mut(&format!("{request}/id")).unwrap()["readOnly"] = json!(true);
    assert_eq!(only(&report(&old, &new)).class(), Class::Compatible);
}
