//! The order service in poem-openapi, the framework closest to ringback (it too documents
//! and enforces readOnly): the same two operations, rules and problem+json errors. The
//! benchmarks compare it for speed and for compile time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use poem_openapi::auth::Bearer;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, OpenApiService, SecurityScheme};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Each customer's token digest: the same bearer check as the other two services.
static TOKENS: OnceLock<Vec<([u8; 32], Uuid)>> = OnceLock::new();

/// The customer a bearer token acts for.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_token")]
struct Caller(Uuid);

async fn check_token(_: &poem::Request, bearer: Bearer) -> Option<Uuid> {
    let presented: [u8; 32] = Sha256::digest(bearer.token.as_bytes()).into();
    let mut found = None;
    for (digest, customer) in TOKENS.get()? {
        let difference = digest
            .iter()
            .zip(&presented)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if std::hint::black_box(difference) == 0 {
            found = Some(*customer);
        }
    }
    found
}

/// An order, as DESIGN.md describes it.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct BeerOrder {
    #[oai(read_only)]
    pub id: Option<Uuid>,
    pub customer_id: Uuid,
    pub customer_ref: Option<String>,
    #[oai(default)]
    pub beer_order_lines: Vec<BeerOrderLine>,
    #[oai(skip_serializing_if_is_none)]
    pub order_status_callback_url: Option<String>,
}

/// One line of an order.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct BeerOrderLine {
    #[oai(read_only)]
    pub id: Option<Uuid>,
    #[oai(read_only)]
    pub beer_id: Option<Uuid>,
    pub upc: String,
    #[oai(validator(minimum(value = "1"), maximum(value = "999")))]
    pub order_quantity: i32,
    #[oai(read_only)]
    pub quantity_allocated: Option<i32>,
}

/// An RFC 9457 problem.
#[derive(Debug, Object)]
pub struct Problem {
    #[oai(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    #[oai(skip_serializing_if_is_empty)]
    violations: Vec<Violation>,
}

/// One invalid part of a request.
#[derive(Debug, Object)]
pub struct Violation {
    pointer: String,
    message: String,
}

fn problem(status: u16, title: &str, detail: String, violations: Vec<Violation>) -> Json<Problem> {
    Json(Problem {
        kind: "about:blank".into(),
        title: title.into(),
        status,
        detail,
        violations,
    })
}

#[derive(ApiResponse)]
#[oai(bad_request_handler = "place_order_refused")]
pub enum PlaceOrderResponse {
    /// Order Created
    #[oai(status = 201)]
    Created(Json<BeerOrder>, #[oai(header = "Location")] String),
    /// Bad Request
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// Not Found
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// Conflict
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
}

fn place_order_refused(e: poem::Error) -> PlaceOrderResponse {
    PlaceOrderResponse::BadRequest(problem(400, "Bad Request", e.to_string(), Vec::new()))
}

#[derive(ApiResponse)]
#[oai(bad_request_handler = "get_order_refused")]
pub enum GetOrderResponse {
    /// The order
    #[oai(status = 200)]
    Ok(Json<BeerOrder>),
    /// Bad Request
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// Not Found
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
}

fn get_order_refused(e: poem::Error) -> GetOrderResponse {
    GetOrderResponse::BadRequest(problem(400, "Bad Request", e.to_string(), Vec::new()))
}

/// The service: customers and their orders, in memory.
pub struct OrderApi {
    orders: Arc<Mutex<HashMap<Uuid, Vec<BeerOrder>>>>,
}

#[OpenApi]
impl OrderApi {
    /// Place Order
    #[oai(path = "/v1/customers/:customerId/orders", method = "post")]
    async fn place_order(
        &self,
        caller: Caller,
        #[oai(name = "customerId")] customer_id: Path<Uuid>,
        order: Json<BeerOrder>,
    ) -> PlaceOrderResponse {
        let Path(customer_id) = customer_id;
        if caller.0 != customer_id {
            return PlaceOrderResponse::NotFound(problem(
                404,
                "Not Found",
                format!("no customer {customer_id}"),
                Vec::new(),
            ));
        }
        let Json(mut order) = order;
        if let Some(url) = &order.order_status_callback_url {
            if url::Url::parse(url).is_err() {
                let violation = Violation {
                    pointer: "/orderStatusCallbackUrl".into(),
                    message: "must be a valid uri".into(),
                };
                return PlaceOrderResponse::BadRequest(problem(
                    400,
                    "Bad Request",
                    "invalid body".into(),
                    vec![violation],
                ));
            }
        }
        if order.customer_id != customer_id {
            return PlaceOrderResponse::Conflict(problem(
                409,
                "Conflict",
                "this order was sent to the orders of another customer".into(),
                Vec::new(),
            ));
        }
        let order_id = Uuid::new_v4();
        {
            let mut orders = self.orders.lock().unwrap();
            let Some(list) = orders.get_mut(&customer_id) else {
                return PlaceOrderResponse::NotFound(problem(
                    404,
                    "Not Found",
                    format!("no customer {customer_id}"),
                    Vec::new(),
                ));
            };
            if let Some(reference) = &order.customer_ref {
                if list
                    .iter()
                    .any(|o| o.customer_ref.as_ref() == Some(reference))
                {
                    return PlaceOrderResponse::Conflict(problem(
                        409,
                        "Conflict",
                        "customerRef already used".into(),
                        Vec::new(),
                    ));
                }
            }
            order.id = Some(order_id);
            for line in &mut order.beer_order_lines {
                line.id = Some(Uuid::new_v4());
                line.quantity_allocated = Some(0);
            }
            list.push(order.clone());
        }
        let location = format!("http://127.0.0.1/v1/customers/{customer_id}/orders/{order_id}");
        PlaceOrderResponse::Created(Json(order), location)
    }

    /// Get Order
    #[oai(path = "/v1/customers/:customerId/orders/:orderId", method = "get")]
    async fn get_order(
        &self,
        caller: Caller,
        #[oai(name = "customerId")] customer_id: Path<Uuid>,
        #[oai(name = "orderId")] order_id: Path<Uuid>,
    ) -> GetOrderResponse {
        if caller.0 != customer_id.0 {
            return GetOrderResponse::NotFound(problem(
                404,
                "Not Found",
                format!("no customer {}", customer_id.0),
                Vec::new(),
            ));
        }
        let orders = self.orders.lock().unwrap();
        let found = orders
            .get(&customer_id.0)
            .and_then(|list| list.iter().find(|o| o.id == Some(order_id.0)));
        match found {
            Some(order) => GetOrderResponse::Ok(Json(order.clone())),
            None => GetOrderResponse::NotFound(problem(
                404,
                "Not Found",
                format!("no order {}", order_id.0),
                Vec::new(),
            )),
        }
    }
}

/// The service's routes, for a shop that knows `customer`, acting with `token`.
pub fn app(customer: Uuid, token: &str) -> poem::Route {
    let _ = TOKENS.set(vec![(Sha256::digest(token.as_bytes()).into(), customer)]);
    let orders = HashMap::from([(customer, Vec::new())]);
    let api = OrderApi {
        orders: Arc::new(Mutex::new(orders)),
    };
    let service = OpenApiService::new(api, "Beer Order Service", "1.0");
    poem::Route::new().nest("/", service)
}
