//! The order service's components match DESIGN.md property for property (names, types,
//! formats, readOnly, nullable, required, minimum/maximum) in OpenAPI 3.0.3 and 3.1.0, with the
//! bounds the service adds where DESIGN.md leaves them open (maxLength, maxItems).

use crate::support;

use ringback::openapi::{Document, OpenApiVersion};
use ringback::Schema;
use ringback_examples::model::{BeerOrder, BeerOrderLine, OrderStatusChange};
use serde_json::{json, Value};

fn components(version: OpenApiVersion) -> Value {
    let mut doc = Document::new("Beer Orders", "1.0");
    BeerOrder::schema(&mut doc.components);
    OrderStatusChange::schema(&mut doc.components);
    let mut schemas = doc.to_json(version)["components"]["schemas"].take();
    strip_descriptions(&mut schemas);
    schemas
}

/// Descriptions come from doc comments; DESIGN.md does not fix their wording.
fn strip_descriptions(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("description");
            map.values_mut().for_each(strip_descriptions);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_descriptions),
        _ => {}
    }
}

#[test]
fn components_match_design_in_3_0_3() {
    assert_eq!(
        components(OpenApiVersion::V3_0_3),
        json!({
            "BeerOrder": {
                "type": "object",
                "required": ["customerId"],
                "properties": {
                    "id": {"type": "string", "format": "uuid", "nullable": true, "readOnly": true},
                    "customerId": {"type": "string", "format": "uuid"},
                    "customerRef": {"type": "string", "nullable": true, "maxLength": 100},
                    "beerOrderLines": {"type": "array", "items": {"$ref": "#/components/schemas/BeerOrderLine"}, "maxItems": 100},
                    "orderStatusCallbackUrl": {"type": "string", "format": "uri", "maxLength": 2048}
                }
            },
            "BeerOrderLine": {
                "type": "object",
                "required": ["upc", "orderQuantity"],
                "properties": {
                    "id": {"type": "string", "format": "uuid", "nullable": true, "readOnly": true},
                    "beerId": {"type": "string", "format": "uuid", "readOnly": true},
                    "upc": {"type": "string", "maxLength": 32},
                    "orderQuantity": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 999},
                    "quantityAllocated": {"type": "integer", "format": "int32", "nullable": true, "readOnly": true}
                }
            },
            "OrderStatusChange": {
                "type": "object",
                "required": ["orderId", "orderStatus"],
                "properties": {
                    "orderId": {"type": "string", "format": "uuid"},
                    "orderStatus": {"type": "string"}
                }
            }
        })
    );
}

#[test]
fn components_match_design_in_3_1_0() {
    assert_eq!(
        components(OpenApiVersion::V3_1_0),
        json!({
            "BeerOrder": {
                "type": "object",
                "required": ["customerId"],
                "properties": {
                    "id": {"type": ["string", "null"], "format": "uuid", "readOnly": true},
                    "customerId": {"type": "string", "format": "uuid"},
                    "customerRef": {"type": ["string", "null"], "maxLength": 100},
                    "beerOrderLines": {"type": "array", "items": {"$ref": "#/components/schemas/BeerOrderLine"}, "maxItems": 100},
                    "orderStatusCallbackUrl": {"type": "string", "format": "uri", "maxLength": 2048}
                }
            },
            "BeerOrderLine": {
                "type": "object",
                "required": ["upc", "orderQuantity"],
                "properties": {
                    "id": {"type": ["string", "null"], "format": "uuid", "readOnly": true},
                    "beerId": {"type": "string", "format": "uuid", "readOnly": true},
                    "upc": {"type": "string", "maxLength": 32},
                    "orderQuantity": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 999},
                    "quantityAllocated": {"type": ["integer", "null"], "format": "int32", "readOnly": true}
                }
            },
            "OrderStatusChange": {
                "type": "object",
                "required": ["orderId", "orderStatus"],
                "properties": {
                    "orderId": {"type": "string", "format": "uuid"},
                    "orderStatus": {"type": "string"}
                }
            }
        })
    );
}

#[test]
fn an_order_round_trips_through_its_schema() {
    let order = BeerOrder {
        id: Some(uuid::Uuid::new_v4()),
        customer_id: uuid::Uuid::new_v4(),
        customer_ref: None,
        beer_order_lines: vec![BeerOrderLine {
            id: None,
            beer_id: uuid::Uuid::new_v4(),
            upc: "0631234200036".into(),
            order_quantity: 12,
            quantity_allocated: Some(0),
        }],
        order_status_callback_url: Some("https://client.example/hooks/orders".into()),
    };
    support::round_trip(&order);
    assert!(ringback::validate(&order).is_empty());
}
