//! Component names: each instantiation of a generic type is a component named after its
//! arguments, tagged enums' variants are components a discriminator maps to, a struct of query
//! parameters leaves no component behind, and no parameter is `nullable`. The document this
//! API serves is also what `.ci/validate-openapi` gives the external validators.

use crate::server::Server;

use ringback::openapi::{Components, OpenApiVersion};
use ringback::{Api, Body, Header, Query, Schema};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: u32,
    pub status: Status,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    New,
    Shipped,
}

/// A page of results.
#[derive(Serialize, Deserialize, Schema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

#[derive(Serialize, Deserialize, Schema)]
pub struct Pair<A, B> {
    pub left: A,
    pub right: B,
}

#[derive(Serialize, Deserialize, Schema)]
#[schema(rename = "Item")]
pub struct Product {
    pub name: String,
}

/// Generic but inline: no component at all.
#[derive(Serialize, Deserialize, Schema)]
#[schema(inline)]
pub struct Envelope<T> {
    pub data: T,
}

/// What happened to an order.
#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// An order was placed.
    Created {
        order: Order,
    },
    Shipped(Shipment),
    Cancelled,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
pub struct Shipment {
    pub carrier: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Schema)]
#[serde(tag = "kind", content = "data")]
pub enum Change {
    Renamed(String),
    Moved { to: String },
    Deleted,
}

#[derive(Deserialize, Schema)]
pub struct Search {
    pub status: Option<Status>,
    pub limit: Option<u32>,
    pub q: String,
    #[serde(flatten)]
    pub paging: Paging,
}

/// Flattened into `Search`: its fields are parameters too, and it is no component either.
#[derive(Deserialize, Schema)]
pub struct Paging {
    pub page: Option<u32>,
}

/// Search orders
///
/// The orders that match a search, a page at a time.
#[ringback::get("/orders", tag = "Orders", responses(200 = "A page of orders"))]
async fn list_orders(search: Query<Search>, x_request_id: Header<Option<String>>) -> Page<Order> {
    let _ = (search.status.as_ref(), x_request_id);
    Page {
        items: vec![],
        next: Some(format!(
            "{} {:?} {:?}",
            search.q, search.limit, search.paging.page
        )),
    }
}

/// Order with products
///
/// An order with the products it holds.
#[ringback::get("/pairs", tag = "Orders", responses(200 = "An order and its products"))]
async fn pairs() -> Pair<Order, Page<Product>> {
    Pair {
        left: Order {
            id: 1,
            status: Status::New,
        },
        right: Page {
            items: vec![],
            next: None,
        },
    }
}

/// Order events
///
/// The events of every order.
#[ringback::get("/events", tag = "Orders", responses(200 = "The events"))]
async fn events(after: Query<Option<u64>>) -> Envelope<Vec<Event>> {
    let _ = after;
    Envelope {
        data: vec![Event::Cancelled],
    }
}

/// Change the catalog
///
/// Applies a change to the catalog.
#[ringback::post("/changes", tag = "Orders", responses(200 = "The change, applied"))]
async fn apply_change(change: Body<Change>) -> Page<Change> {
    Page {
        items: vec![change.0],
        next: None,
    }
}

pub fn api() -> Api<()> {
    Api::new("Schema names", "1.0")
        .description("Generic types, tagged enums and query structs, for the validators.")
        .server("http://127.0.0.1:8080", "A local server")
        .contact(ringback::openapi::Contact {
            name: Some("ringback".into()),
            url: Some("https://github.com/ringback-rs/ringback".into()),
            ..Default::default()
        })
        .tag("Orders", "Orders and what happens to them")
        .operation(list_orders)
        .operation(pairs)
        .operation(events)
        .operation(apply_change)
}

async fn document(version: &str) -> Value {
    let server = Server::start(api().router(())).await;
    let url = server.url(&format!("/openapi.json?version={version}"));
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

fn schema_names(doc: &Value) -> Vec<String> {
    doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn every_component_is_named_and_used() {
    for version in ["3.0", "3.1"] {
        let doc = document(version).await;
        assert_eq!(
            schema_names(&doc),
            [
                "Change",
                "Change_Deleted",
                "Change_Moved",
                "Change_Renamed",
                "Event",
                "Event_Cancelled",
                "Event_Created",
                "Event_Shipped",
                "Item",
                "Order",
                "Page_Change",
                "Page_Item",
                "Page_Order",
                "Pair_Order_Page_Item",
                // The problem+json of every operation's 400.
                "Problem",
                "Shipment",
                "Status",
                "Violation",
            ],
            "{version}"
        );
        // Every component is referred to from somewhere outside itself.
        let text = doc.to_string();
        for name in schema_names(&doc) {
            let reference = format!("\"#/components/schemas/{name}\"");
            assert!(text.contains(&reference), "{name} is unused ({version})");
        }
    }
}

#[tokio::test]
async fn generic_instantiations_refer_to_their_own_components() {
    let doc = document("3.0").await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Page_Order"]["properties"]["items"]["items"]["$ref"],
        "#/components/schemas/Order"
    );
    assert_eq!(schemas["Page_Order"]["description"], "A page of results.");
    assert_eq!(
        schemas["Pair_Order_Page_Item"]["properties"]["right"]["$ref"],
        "#/components/schemas/Page_Item"
    );
    let ok = |path: &str, method: &str| {
        doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
            .clone()
    };
    assert_eq!(
        ok("/orders", "get"),
        json!({"$ref": "#/components/schemas/Page_Order"})
    );
    // `#[schema(inline)]` still inlines, generic or not.
    assert_eq!(
        ok("/events", "get")["properties"]["data"]["items"]["$ref"],
        "#/components/schemas/Event"
    );
}

#[tokio::test]
async fn tagged_enums_have_a_discriminator_mapping_to_their_variants() {
    for version in ["3.0", "3.1"] {
        let doc = document(version).await;
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Event"]["oneOf"],
            json!([
                {"$ref": "#/components/schemas/Event_Created"},
                {"$ref": "#/components/schemas/Event_Shipped"},
                {"$ref": "#/components/schemas/Event_Cancelled"},
            ])
        );
        assert_eq!(
            schemas["Event"]["discriminator"],
            json!({"propertyName": "type", "mapping": {
                "created": "#/components/schemas/Event_Created",
                "shipped": "#/components/schemas/Event_Shipped",
                "cancelled": "#/components/schemas/Event_Cancelled",
            }})
        );
        assert_eq!(
            schemas["Event"]["description"],
            "What happened to an order."
        );
        assert_eq!(
            schemas["Event_Created"]["description"],
            "An order was placed."
        );
        assert_eq!(
            schemas["Event_Created"]["required"],
            json!(["type", "order"])
        );
        assert_eq!(
            schemas["Change"]["discriminator"]["propertyName"],
            json!("kind")
        );
        assert_eq!(
            schemas["Change_Moved"]["properties"]["kind"]["enum"],
            json!(["Moved"])
        );
    }
}

#[test]
fn a_tagged_enum_still_describes_what_serde_writes() {
    for value in [
        Event::Created {
            order: Order {
                id: 1,
                status: Status::Shipped,
            },
        },
        Event::Shipped(Shipment {
            carrier: "post".into(),
        }),
        Event::Cancelled,
    ] {
        crate::support::round_trip(&value);
    }
    for value in [
        Change::Renamed("x".into()),
        Change::Moved { to: "y".into() },
        Change::Deleted,
    ] {
        crate::support::round_trip(&value);
    }
}

#[tokio::test]
async fn query_parameters_are_not_nullable_and_leave_no_component() {
    for version in ["3.0", "3.1"] {
        let doc = document(version).await;
        assert!(doc["components"]["schemas"].get("Search").is_none());
        assert!(doc["components"]["schemas"].get("Paging").is_none());
        let parameters = &doc["paths"]["/orders"]["get"]["parameters"];
        assert_eq!(
            parameters,
            &json!([
                {"name": "status", "in": "query", "required": false,
                 "schema": {"$ref": "#/components/schemas/Status"}},
                {"name": "limit", "in": "query", "required": false,
                 "schema": {"type": "integer", "format": "int64", "minimum": 0}},
                {"name": "q", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "page", "in": "query", "required": false,
                 "schema": {"type": "integer", "format": "int64", "minimum": 0}},
                {"name": "x-request-id", "in": "header", "required": false,
                 "schema": {"type": "string"}},
            ]),
            "{version}"
        );
        let after = &doc["paths"]["/events"]["get"]["parameters"][0];
        assert_eq!(after["required"], false);
        assert_eq!(
            after["schema"],
            json!({"type": "integer", "format": "int64", "minimum": 0})
        );
    }
}

#[tokio::test]
async fn the_documented_parameters_are_the_ones_read() {
    let server = Server::start(api().router(())).await;
    let url = server.url("/orders?q=beer&limit=3&page=2&status=NEW");
    let page: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(page["next"], "beer Some(3) Some(2)", "{page}");
}

#[test]
fn names_follow_the_arguments_renames_and_containers() {
    fn name<T: Schema>() -> String {
        let mut c = Components::default();
        T::schema(&mut c).reference.unwrap()
    }
    assert_eq!(name::<Page<Product>>(), "Page_Item");
    assert_eq!(name::<Page<Vec<Option<Order>>>>(), "Page_Vec_Option_Order");
    assert_eq!(
        name::<Pair<String, std::collections::BTreeMap<String, u8>>>(),
        "Pair_String_BTreeMap_String_u8"
    );
    assert_eq!(name::<Page<Page<i64>>>(), "Page_Page_i64");
}

#[test]
#[should_panic(expected = "two types are both named `Page_Order`")]
fn two_instantiations_that_share_a_name_are_refused() {
    mod other {
        #[derive(ringback::Schema)]
        pub struct Order {
            pub code: String,
        }
    }
    let mut c = Components::default();
    Page::<Order>::schema(&mut c);
    Page::<other::Order>::schema(&mut c);
}

/// Writes both documents for `.ci/validate-openapi` when `RINGBACK_OPENAPI_OUT` names a
/// directory; otherwise checks only that both render.
#[tokio::test]
async fn documents_for_the_validators() {
    let api = api();
    let doc = api.document();
    for (version, file) in [
        (OpenApiVersion::V3_0_3, "schema-names-3.0.json"),
        (OpenApiVersion::V3_1_0, "schema-names-3.1.json"),
    ] {
        let json = doc.to_json_pretty(version);
        if let Some(dir) = std::env::var_os("RINGBACK_OPENAPI_OUT") {
            std::fs::write(std::path::Path::new(&dir).join(file), json).unwrap();
        }
    }
}

#[test]
fn const_arguments_are_part_of_the_name() {
    #[derive(Schema)]
    struct Code<const N: usize> {
        digits: [u8; N],
    }
    let mut c = Components::default();
    let four = Code::<4>::schema(&mut c);
    let six = Code::<6>::schema(&mut c);
    assert_eq!(four.reference.as_deref(), Some("Code_4"));
    assert_eq!(six.reference.as_deref(), Some("Code_6"));
    assert_eq!(c.get("Code_6").unwrap().properties[0].1.max_items, Some(6));
}

#[test]
fn const_arguments_keep_to_the_component_alphabet() {
    #[derive(Schema)]
    struct Signed<const N: i8, const C: char> {
        value: i8,
    }
    let mut c = Components::default();
    let name = Signed::<-3, 'é'>::schema(&mut c).reference.unwrap();
    assert_eq!(name, "Signed_-3__");
    let _ = Signed::<0, 'x'> { value: 0 }.value;
}
