//! `#[schema(crate = "...")]`: a crate that knows ringback only through a re-export names that
//! path, and everything the derive writes (the shape, the schema, validation, readOnly
//! stripping, the `Schema` bounds of generic parameters, the marker of recursive types) reaches
//! ringback through it.

use serde::{Deserialize, Serialize};
use serde_json::json;

use reexport::rb::openapi::{Components, OpenApiVersion};
use reexport::rb::schema::visibility::Removed;
use reexport::rb::Schema;

/// What a crate built on ringback exposes to its users.
mod reexport {
    pub use ::ringback as rb;
}

#[derive(Debug, Serialize, Deserialize, reexport::rb::Schema)]
#[schema(crate = "reexport::rb")]
#[serde(rename_all = "camelCase")]
struct CrateLine {
    #[schema(read_only)]
    id: Option<u64>,
    #[schema(minimum = 1, maximum = 999)]
    order_quantity: u32,
    #[schema(pattern = "^[0-9]+$")]
    upc: String,
    #[schema(format = "email")]
    contact: Option<String>,
}

mod nested {
    /// The path is resolved where the type is, like any path the type's own code writes.
    #[derive(serde::Serialize, serde::Deserialize, super::reexport::rb::Schema)]
    #[schema(crate = "super::reexport::rb")]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum CrateStatus {
        Placed,
        Shipped {
            #[schema(min_length = 1)]
            carrier: String,
        },
    }
}

/// Generic, with its parameter bound by `Schema` through the path; each instantiation is a
/// component named after its argument.
#[derive(Serialize, Deserialize, reexport::rb::Schema)]
#[schema(crate = "reexport::rb")]
struct CratePage<T> {
    items: Vec<T>,
}

/// Recursive, so its shape names itself through the path's `Recursive` marker.
#[derive(Serialize, Deserialize, reexport::rb::Schema)]
#[schema(crate = "reexport::rb")]
struct CrateTree {
    children: Vec<CrateTree>,
    status: nested::CrateStatus,
}

fn component<T: Schema>(name: &str) -> serde_json::Value {
    let mut components = Components::default();
    T::schema(&mut components);
    components
        .get(name)
        .unwrap_or_else(|| panic!("no component {name}"))
        .to_json(OpenApiVersion::V3_0_3)
}

#[test]
fn schemas_are_derived_through_the_given_path() {
    let line = component::<CrateLine>("CrateLine");
    assert_eq!(line["properties"]["id"]["readOnly"], true);
    assert_eq!(line["properties"]["orderQuantity"]["minimum"], 1);
    assert_eq!(line["properties"]["orderQuantity"]["maximum"], 999);
    assert_eq!(line["properties"]["upc"]["pattern"], "^[0-9]+$");
    assert_eq!(line["required"], json!(["orderQuantity", "upc"]));

    let tree = component::<CrateTree>("CrateTree");
    assert_eq!(
        tree["properties"]["children"]["items"]["$ref"],
        "#/components/schemas/CrateTree"
    );
    let status = component::<nested::CrateStatus>("CrateStatus");
    assert_eq!(status["oneOf"].as_array().map(Vec::len), Some(2));
    assert_eq!(status["discriminator"]["propertyName"], "kind");
    let shipped = component::<nested::CrateStatus>("CrateStatus_Shipped");
    assert_eq!(shipped["properties"]["carrier"]["minLength"], 1);

    let page = component::<CratePage<CrateLine>>("CratePage_CrateLine");
    assert_eq!(
        page["properties"]["items"]["items"]["$ref"],
        "#/components/schemas/CrateLine"
    );
}

#[test]
fn rules_and_read_only_work_through_the_given_path() {
    let line = CrateLine {
        id: None,
        order_quantity: 0,
        upc: "x".into(),
        contact: Some("nobody".into()),
    };
    let found: Vec<(String, String)> = reexport::rb::validate(&line)
        .into_iter()
        .map(|v| (v.pointer, v.message))
        .collect();
    let expected = [
        ("/orderQuantity", "must be at least 1"),
        ("/upc", "must match the pattern \"^[0-9]+$\""),
        ("/contact", "must be a valid email"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(found, expected);

    let status = nested::CrateStatus::Shipped {
        carrier: String::new(),
    };
    let found: Vec<String> = reexport::rb::validate(&status)
        .into_iter()
        .map(|v| v.pointer)
        .collect();
    assert_eq!(found, ["/carrier"]);

    let mut sent = json!({"id": 7, "orderQuantity": 1, "upc": "1"});
    let mut removed = Removed::new();
    CrateLine::strip_read_only(&mut sent, &mut removed);
    assert_eq!(removed.pointers(), ["/id"]);
    assert_eq!(sent, json!({"orderQuantity": 1, "upc": "1"}));
}
