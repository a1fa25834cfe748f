//! The order service's types, exactly as DESIGN.md describes them.

use ringback::Schema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An order for beer, placed by a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct BeerOrder {
    /// Assigned by the service; ignored when a client sends it.
    #[schema(read_only)]
    pub id: Option<Uuid>,
    pub customer_id: Uuid,
    pub customer_ref: Option<String>,
    #[serde(default)]
    pub beer_order_lines: Vec<BeerOrderLine>,
    /// Where the service calls back when the order's status changes.
    #[schema(format = "uri")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_status_callback_url: Option<String>,
}

/// One line of an order: a beer and how many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct BeerOrderLine {
    #[schema(read_only)]
    pub id: Option<Uuid>,
    #[schema(read_only)]
    #[serde(default)]
    pub beer_id: Uuid,
    pub upc: String,
    #[schema(minimum = 1, maximum = 999)]
    pub order_quantity: i32,
    #[schema(read_only)]
    pub quantity_allocated: Option<i32>,
}

/// The body of the `orderStatusChange` callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusChange {
    pub order_id: Uuid,
    pub order_status: String,
}
