//! The order service written by hand in plain axum, doing the work ringback's version does:
//! the JSON body parsed, readOnly properties removed, every rule checked, problem+json errors,
//! the order stored, 201 with `Location`; and the order read back, both behind the same bearer
//! check (a token's SHA-256 compared in constant time, 401 with `WWW-Authenticate`, a token
//! acting for its own customer only). The benchmarks' baseline, for speed and for compile time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// An order, as DESIGN.md describes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BeerOrder {
    pub id: Option<Uuid>,
    pub customer_id: Uuid,
    pub customer_ref: Option<String>,
    #[serde(default)]
    pub beer_order_lines: Vec<BeerOrderLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_status_callback_url: Option<String>,
}

/// One line of an order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BeerOrderLine {
    pub id: Option<Uuid>,
    #[serde(default)]
    pub beer_id: Uuid,
    pub upc: String,
    pub order_quantity: i32,
    pub quantity_allocated: Option<i32>,
}

/// Customers and their orders, in memory, and each customer's token digest.
#[derive(Clone, Default)]
pub struct Shop {
    orders: Arc<Mutex<HashMap<Uuid, Vec<BeerOrder>>>>,
    tokens: Arc<Vec<([u8; 32], Uuid)>>,
}

impl Shop {
    /// A shop that knows one customer, acting with `token`.
    pub fn new(customer: Uuid, token: &str) -> Self {
        let shop = Shop {
            tokens: Arc::new(vec![(Sha256::digest(token.as_bytes()).into(), customer)]),
            ..Shop::default()
        };
        shop.orders.lock().unwrap().insert(customer, Vec::new());
        shop
    }

    /// The customer the request's bearer token acts for, or the 401 that refuses it.
    fn authenticate(&self, headers: &HeaderMap) -> Result<Uuid, Box<Response>> {
        let refuse = |error: Option<&str>, detail: &str| {
            let mut r = problem(StatusCode::UNAUTHORIZED, detail, vec![]);
            let challenge = match error {
                Some(e) => format!("Bearer realm=\"Beer Order Service\", error=\"{e}\""),
                None => "Bearer realm=\"Beer Order Service\"".to_owned(),
            };
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge.parse().unwrap());
            Box::new(r)
        };
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Err(refuse(None, "send `Authorization: Bearer ...`"));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .filter(|t| {
                !t.is_empty()
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b))
            })
            .ok_or_else(|| refuse(Some("invalid_request"), "not a bearer token"))?;
        let presented: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for (digest, customer) in self.tokens.iter() {
            let difference = digest
                .iter()
                .zip(&presented)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if std::hint::black_box(difference) == 0 {
                found = Some(*customer);
            }
        }
        found.ok_or_else(|| refuse(Some("invalid_token"), "the credential is not known"))
    }
}

fn problem(status: StatusCode, detail: &str, violations: Vec<Value>) -> Response {
    let mut body = json!({"type": "about:blank", "title": status.canonical_reason(), "status": status.as_u16(), "detail": detail});
    if !violations.is_empty() {
        body["violations"] = Value::Array(violations);
    }
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/problem+json".parse().unwrap(),
    );
    r
}

fn invalid_customer() -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        "invalid path",
        vec![
            json!({"pointer": "", "message": "must be a uuid", "parameter": "customerId", "in": "path"}),
        ],
    )
}

async fn place_order(
    State(shop): State<Shop>,
    Path(customer_text): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let caller = match shop.authenticate(&headers) {
        Ok(caller) => caller,
        Err(refused) => return *refused,
    };
    let Ok(customer_id) = customer_text.parse::<Uuid>() else {
        return invalid_customer();
    };
    if caller != customer_id {
        return problem(StatusCode::NOT_FOUND, "no such customer", vec![]);
    }
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_type {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body must be application/json",
            vec![],
        );
    }
    if body.len() > 1024 * 1024 {
        return problem(StatusCode::PAYLOAD_TOO_LARGE, "too large", vec![]);
    }
    let mut value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid JSON",
                vec![json!({"pointer": "", "message": e.to_string()})],
            )
        }
    };
    // readOnly properties, stripped.
    if let Some(o) = value.as_object_mut() {
        o.remove("id");
        if let Some(Value::Array(lines)) = o.get_mut("beerOrderLines") {
            for line in lines.iter_mut().filter_map(Value::as_object_mut) {
                line.remove("id");
                line.remove("beerId");
                line.remove("quantityAllocated");
            }
        }
        if o.get("orderStatusCallbackUrl") == Some(&Value::Null) {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid",
                vec![json!({"pointer": "/orderStatusCallbackUrl", "message": "must not be null"})],
            );
        }
    }
    let mut order: BeerOrder = match serde_json::from_value(value) {
        Ok(o) => o,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid body",
                vec![json!({"pointer": "", "message": e.to_string()})],
            )
        }
    };
    let mut violations = Vec::new();
    for (i, line) in order.beer_order_lines.iter().enumerate() {
        if !(1..=999).contains(&line.order_quantity) {
            violations.push(json!({"pointer": format!("/beerOrderLines/{i}/orderQuantity"), "message": "must be between 1 and 999"}));
        }
    }
    if let Some(url) = &order.order_status_callback_url {
        if url::Url::parse(url).is_err() {
            violations.push(
                json!({"pointer": "/orderStatusCallbackUrl", "message": "must be a valid uri"}),
            );
        }
    }
    if !violations.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "invalid body", violations);
    }
    if order.customer_id != customer_id {
        return problem(
            StatusCode::CONFLICT,
            "this order was sent to the orders of another customer",
            vec![],
        );
    }
    let order_id = Uuid::new_v4();
    {
        let mut orders = shop.orders.lock().unwrap();
        let Some(list) = orders.get_mut(&customer_id) else {
            return problem(StatusCode::NOT_FOUND, "no such customer", vec![]);
        };
        if let Some(reference) = &order.customer_ref {
            if list
                .iter()
                .any(|o| o.customer_ref.as_ref() == Some(reference))
            {
                return problem(StatusCode::CONFLICT, "customerRef already used", vec![]);
            }
        }
        order.id = Some(order_id);
        for line in &mut order.beer_order_lines {
            line.id = Some(Uuid::new_v4());
            line.quantity_allocated = Some(0);
        }
        list.push(order.clone());
    }
    let mut r = (StatusCode::CREATED, serde_json::to_vec(&order).unwrap()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
    r.headers_mut().insert(
        header::LOCATION,
        format!("http://127.0.0.1/v1/customers/{customer_id}/orders/{order_id}")
            .parse()
            .unwrap(),
    );
    r
}

async fn get_order(
    State(shop): State<Shop>,
    Path((customer_text, order_text)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let caller = match shop.authenticate(&headers) {
        Ok(caller) => caller,
        Err(refused) => return *refused,
    };
    let Ok(customer_id) = customer_text.parse::<Uuid>() else {
        return invalid_customer();
    };
    if caller != customer_id {
        return problem(StatusCode::NOT_FOUND, "no such customer", vec![]);
    }
    let Ok(order_id) = order_text.parse::<Uuid>() else {
        return problem(StatusCode::BAD_REQUEST, "invalid path", vec![]);
    };
    let orders = shop.orders.lock().unwrap();
    let Some(list) = orders.get(&customer_id) else {
        return problem(StatusCode::NOT_FOUND, "no such customer", vec![]);
    };
    match list.iter().find(|o| o.id == Some(order_id)) {
        Some(order) => {
            let mut r = serde_json::to_vec(order).unwrap().into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
            r
        }
        None => problem(StatusCode::NOT_FOUND, "no such order", vec![]),
    }
}

/// The service's routes, for a shop that knows `customer`, acting with `token`.
pub fn router(customer: Uuid, token: &str) -> axum::Router {
    axum::Router::new()
        .route(
            "/v1/customers/{customerId}/orders",
            axum::routing::post(place_order),
        )
        .route(
            "/v1/customers/{customerId}/orders/{orderId}",
            axum::routing::get(get_order),
        )
        .with_state(Shop::new(customer, token))
}
