//! The order service holds itself to the contract it implements: `examples/openapi.yaml`, the
//! OpenAPI 3.0.3 document DESIGN.md describes. When a change to the service is intended,
//! rewrite the file from the code and review its diff:
//!
//! ```text
//! RINGBACK_CONTRACT=overwrite cargo test -p ringback-examples --test integration -- --exact contract::the_order_service_keeps_its_committed_contract
//! ```

use std::path::PathBuf;
use std::process::Command;

use ringback::contract::{assert_matches, check, compare, load, Allow, Class, Report};
// The API the `beer-orders` binary serves: the order service and its key operations.
use ringback_examples::webhooks::api;
use serde_json::{json, Value};

/// Where a test of this file's own failure points the contract test instead.
const FILE_VAR: &str = "BEER_ORDERS_CONTRACT_FILE";
const CONTRACT_TEST: &str = "contract::the_order_service_keeps_its_committed_contract";

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.yaml")
}

fn committed() -> Value {
    load(committed_path()).expect("examples/openapi.yaml reads")
}

#[test]
fn the_order_service_keeps_its_committed_contract() {
    let path = std::env::var_os(FILE_VAR).map_or_else(committed_path, PathBuf::from);
    assert_matches(&api(), path, Allow::Nothing);
}

#[test]
fn the_committed_contract_is_the_one_design_md_describes() {
    let doc = committed();
    assert_eq!(doc["openapi"], "3.0.3");
    let place = &doc["paths"]["/v1/customers/{customerId}/orders"]["post"];
    assert_eq!(place["tags"], json!(["Order Service"]));
    assert_eq!(place["description"], "Place Order");
    assert_eq!(
        place["parameters"][0],
        json!({"name": "customerId", "in": "path", "required": true,
               "schema": {"type": "string", "format": "uuid"}})
    );
    assert_eq!(place["requestBody"]["required"], false);
    assert_eq!(
        place["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/BeerOrder"
    );
    let responses = &place["responses"];
    assert_eq!(responses["201"]["description"], "Order Created");
    assert_eq!(
        responses["201"]["headers"]["Location"]["schema"],
        json!({"type": "string", "format": "uri"})
    );
    for (status, description) in [
        ("400", "Bad Request"),
        ("404", "Not Found"),
        ("409", "Conflict"),
    ] {
        assert_eq!(responses[status]["description"], description);
    }
    let callback =
        &place["callbacks"]["orderStatusChange"]["{$request.body#/orderStatusCallbackUrl}"]["post"];
    assert_eq!(
        callback["description"],
        "Webhook for order status change notifications"
    );
    assert_eq!(callback["responses"]["200"]["description"], "Okay");
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        callback["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/OrderStatusChange"
    );
    let change = &schemas["OrderStatusChange"]["properties"];
    assert_eq!(
        change["orderId"],
        json!({"type": "string", "format": "uuid"})
    );
    assert_eq!(change["orderStatus"], json!({"type": "string"}));

    let order = &schemas["BeerOrder"];
    assert_eq!(order["required"], json!(["customerId"]));
    let p = &order["properties"];
    assert_eq!(
        (
            &p["id"]["format"],
            &p["id"]["nullable"],
            &p["id"]["readOnly"]
        ),
        (&json!("uuid"), &json!(true), &json!(true))
    );
    assert_eq!(p["customerId"], json!({"type": "string", "format": "uuid"}));
    // DESIGN.md's nullable string, bounded so that what a client can make the service keep
    // is bounded (README: "What the order service keeps").
    assert_eq!(
        (
            &p["customerRef"]["type"],
            &p["customerRef"]["nullable"],
            &p["customerRef"]["maxLength"]
        ),
        (&json!("string"), &json!(true), &json!(100))
    );
    assert_eq!(
        p["beerOrderLines"]["items"]["$ref"],
        "#/components/schemas/BeerOrderLine"
    );
    assert_eq!(p["orderStatusCallbackUrl"]["format"], "uri");

    let line = &schemas["BeerOrderLine"];
    let mut required: Vec<&str> = line["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    required.sort();
    assert_eq!(required, ["orderQuantity", "upc"]);
    let p = &line["properties"];
    assert_eq!(
        (&p["id"]["nullable"], &p["id"]["readOnly"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(
        (&p["beerId"]["format"], &p["beerId"]["readOnly"]),
        (&json!("uuid"), &json!(true))
    );
    assert_eq!(
        (&p["upc"]["type"], &p["upc"]["maxLength"]),
        (&json!("string"), &json!(32))
    );
    assert_eq!(
        (
            &p["orderQuantity"]["minimum"],
            &p["orderQuantity"]["maximum"]
        ),
        (&json!(1), &json!(999))
    );
    assert_eq!(
        (
            &p["quantityAllocated"]["nullable"],
            &p["quantityAllocated"]["readOnly"]
        ),
        (&json!(true), &json!(true))
    );
}

fn classes(r: &Report) -> Vec<(Class, &str)> {
    r.differences()
        .iter()
        .map(|d| (d.class(), d.message()))
        .collect()
}

/// A copy of the committed document with one deliberate change, as the next version of the
/// service would write it.
fn edited(edit: impl FnOnce(&mut Value)) -> Report {
    let old = committed();
    let mut new = old.clone();
    edit(&mut new);
    compare(&old, &new).unwrap()
}

#[test]
fn a_renamed_field_breaks_clients() {
    let r = edited(|doc| {
        let properties = doc["components"]["schemas"]["BeerOrder"]["properties"]
            .as_object_mut()
            .unwrap();
        let field = properties.remove("customerRef").unwrap();
        properties.insert("customerReference".into(), field);
    });
    assert_eq!(
        classes(&r),
        [
            (
                Class::Breaking,
                "`BeerOrder.customerRef`: the optional property was removed"
            ),
            (
                Class::Compatible,
                "`BeerOrder.customerReference`: an optional property was added"
            ),
        ],
        "{r}"
    );
    assert_eq!(r.worst(), Some(Class::Breaking));
    let removed = &r.differences()[0];
    assert_eq!(
        removed.old_pointer(),
        "/components/schemas/BeerOrder/properties/customerRef"
    );
    assert_eq!(
        removed.new_pointer(),
        "/components/schemas/BeerOrder/properties"
    );
    assert!(removed.contexts().contains(
        &"request body of POST /v1/customers/{customerId}/orders (application/json)".to_owned()
    ));
}

#[test]
fn a_tightened_rule_breaks_the_requests_that_carry_it() {
    let r = edited(|doc| {
        doc["components"]["schemas"]["BeerOrderLine"]["properties"]["orderQuantity"]["maximum"] =
            json!(99);
    });
    assert_eq!(
        classes(&r),
        [(
            Class::Breaking,
            "`BeerOrderLine.orderQuantity`: its maximum was tightened from <= 999 to <= 99"
        )],
        "{r}"
    );
    let d = &r.differences()[0];
    let request = "request body of POST /v1/customers/{customerId}/orders (application/json)";
    let response = "response 201 of POST /v1/customers/{customerId}/orders (application/json)";
    // Clients may send 100 to 999, which the service now refuses; they never read more.
    assert_eq!(d.class_in(request), Some(Class::Breaking));
    assert_eq!(d.class_in(response), Some(Class::Compatible));
    assert!(
        r.to_string()
            .contains(&format!("in {request} (breaking there)")),
        "{r}"
    );
}

#[test]
fn a_changed_callback_expression_breaks_clients() {
    let r = edited(|doc| {
        let callback = doc["paths"]["/v1/customers/{customerId}/orders"]["post"]["callbacks"]
            ["orderStatusChange"]
            .as_object_mut()
            .unwrap();
        let item = callback
            .remove("{$request.body#/orderStatusCallbackUrl}")
            .unwrap();
        callback.insert("{$request.body#/statusUrl}".into(), item);
    });
    assert_eq!(
        classes(&r),
        [(Class::Breaking, "the callback `orderStatusChange` of POST /v1/customers/{customerId}/orders is now sent to \"{$request.body#/statusUrl}\" instead of \"{$request.body#/orderStatusCallbackUrl}\"")],
        "{r}"
    );
    let d = &r.differences()[0];
    assert_eq!(
        d.old_pointer(),
        "/paths/~1v1~1customers~1{customerId}~1orders/post/callbacks/orderStatusChange/{$request.body#~1orderStatusCallbackUrl}"
    );
    assert_eq!(
        d.new_pointer(),
        "/paths/~1v1~1customers~1{customerId}~1orders/post/callbacks/orderStatusChange/{$request.body#~1statusUrl}"
    );
}

#[test]
fn an_added_optional_field_is_compatible() {
    let r = edited(|doc| {
        doc["components"]["schemas"]["BeerOrder"]["properties"]["giftMessage"] =
            json!({"type": "string", "maxLength": 200});
    });
    assert_eq!(
        classes(&r),
        [(
            Class::Compatible,
            "`BeerOrder.giftMessage`: an optional property was added"
        )],
        "{r}"
    );
    assert!(r.passes(Allow::Compatible) && !r.passes(Allow::Documentation));
}

#[test]
fn a_changed_callback_body_breaks_clients() {
    // The service may now leave out a field of the callback's body that the client reads
    // (breaking), and promises fewer values for it (compatible: the client reads them all).
    let r = edited(|doc| {
        doc["components"]["schemas"]["OrderStatusChange"]["properties"]["orderStatus"]["enum"] =
            json!(["NEW", "READY"]);
        doc["components"]["schemas"]["OrderStatusChange"]["required"] = json!(["orderId"]);
    });
    assert_eq!(
        classes(&r),
        [
            (
                Class::Breaking,
                "`OrderStatusChange.orderStatus` is no longer required"
            ),
            (
                Class::Compatible,
                "`OrderStatusChange.orderStatus`: became an enum"
            ),
        ],
        "{r}"
    );
}

/// The committed document with `edit` made, in a temporary file.
fn copy_with(dir: &tempfile::TempDir, name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(committed_path()).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    let path = dir.path().join(name);
    std::fs::write(&path, edited).unwrap();
    path
}

fn cli(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_beer-orders"))
        .arg("openapi")
        .args(args)
        .output()
        .expect("beer-orders runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_cli_fails_on_a_breaking_difference_and_passes_additions_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let committed = committed_path();
    let (code, out) = cli(&["--check".as_ref(), committed.as_os_str()]);
    assert_eq!((code, out.trim()), (0, "no differences"));

    // The contract allows up to 1000; the code now stops at 999.
    let looser = copy_with(&dir, "looser.yaml", |t| {
        t.replace("maximum: 999", "maximum: 1000")
    });
    for allow in [&[][..], &["--allow".as_ref(), "compatible".as_ref()][..]] {
        let mut args = vec!["--check".as_ref(), looser.as_os_str()];
        args.extend_from_slice(allow);
        let (code, out) = cli(&args);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("[breaking] `BeerOrderLine.orderQuantity`: its maximum was tightened from <= 1000 to <= 999"), "{out}");
        assert!(
            out.contains(
                "committed: #/components/schemas/BeerOrderLine/properties/orderQuantity/maximum"
            ),
            "{out}"
        );
    }

    // The contract has no customerRef; the code adds it, optional.
    let without = copy_with(&dir, "without.json", |t| {
        let mut doc = ringback::contract::parse(&t).unwrap();
        doc["components"]["schemas"]["BeerOrder"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("customerRef");
        serde_json::to_string_pretty(&doc).unwrap()
    });
    let (code, out) = cli(&["--check".as_ref(), without.as_os_str()]);
    assert_eq!(code, 1, "{out}");
    let (code, out) = cli(&[
        "--check".as_ref(),
        without.as_os_str(),
        "--allow".as_ref(),
        "compatible".as_ref(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("[compatible] `BeerOrder.customerRef`: an optional property was added"),
        "{out}"
    );
}

#[test]
fn a_failing_contract_test_says_how_to_rewrite_the_file_and_that_command_does() {
    let dir = tempfile::tempdir().unwrap();
    let stale = copy_with(&dir, "openapi.yaml", |t| {
        t.replace("maximum: 999", "maximum: 1000")
    });
    let run = |overwrite: bool| {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child.args(["--exact", CONTRACT_TEST]).env(FILE_VAR, &stale);
        if overwrite {
            child.env("RINGBACK_CONTRACT", "overwrite");
        } else {
            child.env_remove("RINGBACK_CONTRACT");
        }
        let out = child.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (passed, text) = run(false);
    assert!(!passed, "{text}");
    assert!(
        text.contains("its maximum was tightened from <= 1000 to <= 999"),
        "{text}"
    );
    let command = format!("RINGBACK_CONTRACT=overwrite cargo test -p ringback-examples --test integration -- --exact {CONTRACT_TEST}");
    assert!(text.contains(&command), "{text}");

    let (passed, text) = run(true);
    assert!(passed, "{text}");
    assert!(check(&api(), &stale).unwrap().is_empty());
    assert_eq!(
        std::fs::read_to_string(&stale).unwrap(),
        std::fs::read_to_string(committed_path()).unwrap()
    );
}
