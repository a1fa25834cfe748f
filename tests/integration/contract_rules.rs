//! Each rule of `ringback::contract`, one edit at a time on a real document (the petstore
//! sample of `@readme/oas-examples`, tests/contract-samples/): the edit is reported as exactly
//! the differences it makes, each with its class and sentence.

use ringback::contract::{compare, load, Class};
use serde_json::{json, Value};

enum Edit {
    Set(&'static str, Value),
    Remove(&'static str),
}
use Edit::{Remove, Set};

fn apply(doc: &mut Value, edit: &Edit) {
    match edit {
        Set(at, value) => {
            let (parent, key) = at.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            let parent = doc
                .pointer_mut(parent)
                .unwrap_or_else(|| panic!("{parent}"));
            match parent {
                Value::Array(list) if key == "-" => list.push(value.clone()),
                Value::Array(list) => list[key.parse::<usize>().unwrap()] = value.clone(),
                Value::Object(map) => {
                    map.insert(key, value.clone());
                }
                _ => panic!("{at}"),
            }
        }
        Remove(at) => {
            let (parent, key) = at.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            let parent = doc
                .pointer_mut(parent)
                .unwrap_or_else(|| panic!("{parent}"));
            assert!(
                parent.as_object_mut().unwrap().remove(&key).is_some(),
                "{at}"
            );
        }
    }
}

#[track_caller]
fn expect(edits: &[Edit], found: &[(Class, &str)]) {
    let old = load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contract-samples/petstore.json"
    ))
    .unwrap();
    let mut new = old.clone();
    for edit in edits {
        apply(&mut new, edit);
    }
    let report = compare(&old, &new).unwrap();
    let got: Vec<(Class, &str)> = report
        .differences()
        .iter()
        .map(|d| (d.class(), d.message()))
        .collect();
    assert_eq!(got, found, "\n{report}");
}

#[test]
fn parameters() {
    let otp = |required: bool| json!({"name": "otp", "in": "query", "required": required, "schema": {"type": "string"}});
    expect(
        &[Set("/paths/~1user~1login/get/parameters/-", otp(true))],
        &[(
            Class::Breaking,
            "the required query parameter `otp` was added to GET /user/login",
        )],
    );
    expect(
        &[Set("/paths/~1user~1login/get/parameters/-", otp(false))],
        &[(
            Class::Compatible,
            "the optional query parameter `otp` was added to GET /user/login",
        )],
    );
    expect(
        &[Set(
            "/paths/~1user~1login/get/parameters/1/required",
            json!(false),
        )],
        &[(
            Class::Compatible,
            "the query parameter `password` of GET /user/login is no longer required",
        )],
    );
    expect(
        &[Set(
            "/paths/~1pet~1{petId}/delete/parameters/0/required",
            json!(true),
        )],
        &[(
            Class::Breaking,
            "the header parameter `api_key` of DELETE /pet/{petId} became required",
        )],
    );
    expect(
        &[Set(
            "/paths/~1store~1order~1{orderId}/get/parameters/0/schema/maximum",
            json!(5),
        )],
        &[(
            Class::Breaking,
            "`orderId`: its maximum was tightened from <= 10 to <= 5",
        )],
    );
    expect(
        &[Set(
            "/paths/~1store~1order~1{orderId}/get/parameters/0/schema/maximum",
            json!(20),
        )],
        &[(
            Class::Compatible,
            "`orderId`: its maximum was relaxed from <= 10 to <= 20",
        )],
    );
    expect(
        &[Set(
            "/paths/~1store~1order~1{orderId}/get/parameters/0/schema/type",
            json!("number"),
        )],
        &[(
            Class::Compatible,
            "`orderId`: its type changed from integer to number",
        )],
    );
    expect(
        &[Set(
            "/paths/~1store~1order~1{orderId}/get/parameters/0/schema/exclusiveMinimum",
            json!(true),
        )],
        &[(
            Class::Breaking,
            "`orderId`: its minimum was tightened from >= 1 to > 1",
        )],
    );
}

#[test]
fn responses_and_headers() {
    expect(
        &[Remove("/paths/~1pet~1{petId}/get/responses/404")],
        &[(
            Class::Breaking,
            "the response 404 of GET /pet/{petId} was removed",
        )],
    );
    expect(
        &[Set(
            "/paths/~1pet~1{petId}/get/responses/429",
            json!({"description": "Slow down"}),
        )],
        &[(
            Class::Compatible,
            "the response 429 was added to GET /pet/{petId}",
        )],
    );
    expect(
        &[Remove(
            "/paths/~1user~1login/get/responses/200/headers/X-Rate-Limit",
        )],
        &[(
            Class::Breaking,
            "the header `X-Rate-Limit` of the response 200 of GET /user/login was removed",
        )],
    );
    expect(
        &[Remove(
            "/paths/~1user~1login/get/responses/200/headers/X-Expires-After/schema/format",
        )],
        &[(
            Class::Breaking,
            "`X-Expires-After`: format `date-time` was removed",
        )],
    );
    expect(
        &[Remove(
            "/paths/~1user~1login/get/responses/200/content/application~1xml",
        )],
        &[(
            Class::Breaking,
            "response 200 of GET /user/login no longer has the media type application/xml",
        )],
    );
    expect(
        &[Set(
            "/paths/~1user~1login/get/responses/200/content/text~1plain",
            json!({"schema": {"type": "string"}}),
        )],
        &[(
            Class::Compatible,
            "response 200 of GET /user/login now also has the media type text/plain",
        )],
    );
}

#[test]
fn bodies_and_schemas() {
    expect(
        &[Set(
            "/paths/~1store~1order/post/requestBody/required",
            json!(false),
        )],
        &[(
            Class::Compatible,
            "the request body of POST /store/order is no longer required",
        )],
    );
    // Order is both sent and read: a new value is fine to send and may surprise a reader.
    expect(
        &[Set(
            "/components/schemas/Order/properties/status/enum/-",
            json!("returned"),
        )],
        &[(
            Class::Breaking,
            "`Order.status`: the enum value \"returned\" was added",
        )],
    );
    expect(
        &[Set("/components/schemas/Pet/required/-", json!("status"))],
        &[(Class::Breaking, "`Pet.status` became required")],
    );
    expect(
        &[Set(
            "/components/schemas/Pet/properties/name/nullable",
            json!(true),
        )],
        &[(Class::Breaking, "`Pet.name`: became nullable")],
    );
    expect(
        &[Set(
            "/components/schemas/Pet/additionalProperties",
            json!(false),
        )],
        &[(
            Class::Breaking,
            "`Pet`: accepts fewer additional properties (additionalProperties)",
        )],
    );
    expect(
        &[Set(
            "/components/schemas/Pet/properties/tags/maxItems",
            json!(10),
        )],
        &[(
            Class::Breaking,
            "`Pet.tags`: maxItems changed from none to 10",
        )],
    );
    // The same, written otherwise: nothing.
    expect(
        &[
            Set("/components/schemas/Pet/properties/tags/minItems", json!(0)),
            Set(
                "/components/schemas/Pet/properties/tags/uniqueItems",
                json!(false),
            ),
            Set(
                "/components/schemas/Pet/properties/name/nullable",
                json!(false),
            ),
            Set(
                "/components/schemas/Pet/properties/name/readOnly",
                json!(false),
            ),
            Set("/components/schemas/Pet/additionalProperties", json!({})),
            Set(
                "/components/schemas/Order/properties/status/enum",
                json!(["delivered", "placed", "approved"]),
            ),
        ],
        &[],
    );
}

#[test]
fn operations_security_and_documentation() {
    expect(
        &[Set(
            "/paths/~1pet~1{petId}/patch",
            json!({"responses": {"204": {"description": "Patched"}}}),
        )],
        &[(
            Class::Compatible,
            "the operation PATCH /pet/{petId} was added",
        )],
    );
    expect(
        &[Set("/paths/~1user~1logout/get/deprecated", json!(true))],
        &[(Class::Compatible, "GET /user/logout became deprecated")],
    );
    expect(
        &[Set("/components/securitySchemes/api_key/in", json!("query"))],
        &[(Class::Breaking, "the security scheme `api_key` now takes its credential differently (type, scheme, in, name or URL)")],
    );
    expect(
        &[Set("/paths/~1pet/post/security/0/petstore_auth/-", json!("admin:pets"))],
        &[
            (Class::Breaking, "POST /pet no longer accepts `petstore_auth` [read:pets, write:pets] (a client using it is now refused)"),
            (Class::Compatible, "POST /pet now accepts `petstore_auth` [admin:pets, read:pets, write:pets]"),
        ],
    );
    expect(
        &[Set("/paths/~1pet/post/security/-", json!({"api_key": []}))],
        &[(Class::Compatible, "POST /pet now accepts `api_key`")],
    );
    expect(
        &[Set(
            "/paths/~1store~1order/post/security",
            json!([{"api_key": []}]),
        )],
        &[(
            Class::Breaking,
            "POST /store/order now requires credentials: `api_key`",
        )],
    );
    expect(
        &[Set("/servers/0/url", json!("https://petstore.example/v3"))],
        &[(Class::Compatible, "servers[0].url changed")],
    );
    expect(
        &[
            Set("/info/version", json!("1.0.1")),
            Set("/paths/~1user~1logout/get/summary", json!("Log out")),
            Set("/paths/~1user~1logout/get/x-internal", json!(true)),
        ],
        &[
            (Class::Documentation, "info.version changed"),
            (
                Class::Documentation,
                "GET /user/logout x-internal was added",
            ),
            (Class::Documentation, "GET /user/logout summary changed"),
        ],
    );
}
