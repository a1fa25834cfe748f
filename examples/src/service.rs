//! The order service: DESIGN.md's `POST /v1/customers/{customerId}/orders`, and around it
//! what a real service needs (reading an order back, a customer check).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ringback::auth::{Auth, HttpBearer, Requirement, Secrets};
use ringback::dispatch::Dispatcher;
use ringback::{Api, ApiError, Body, Callback, Created, Path, State};
use uuid::Uuid;

use crate::keys::CustomerKeys;
use crate::model::{BeerOrder, OrderStatusChange};

/// The demo customer every fresh service knows, so the quick start works without set-up.
pub const DEMO_CUSTOMER: Uuid = Uuid::from_u128(0x6f1c_2d9e_4b7a_4c1e_9a3f_0d2b_8e5c_7a41);

/// The demo customer's bearer token: every operation needs `Authorization: Bearer <token>`,
/// and this one acts for [`DEMO_CUSTOMER`].
pub const DEMO_TOKEN: &str = "demo-token-0f3a9c";

/// The statuses an order goes through after it is placed.
pub const STATUSES: [&str; 4] = ["NEW", "ALLOCATED", "READY", "PICKED_UP"];

/// The service's state: customers and their orders in memory, and the dispatcher that calls
/// clients back.
#[derive(Clone)]
pub struct Shop {
    inner: Arc<Mutex<Orders>>,
    /// The URL clients reach the service at, for `Location` headers.
    public_url: Arc<str>,
    /// Sends the callbacks.
    pub callbacks: Dispatcher,
    /// How long each status lasts before the next.
    status_interval: Duration,
    /// Each customer's signing keys, when callbacks are signed per customer (the dispatcher
    /// then resolves the same keys: see [`Shop::with_customer_keys`]).
    keys: Option<CustomerKeys>,
}

#[derive(Default)]
struct Orders {
    customers: HashMap<Uuid, Vec<StoredOrder>>,
}

/// An order and where to call back about it: `Callback` serializes, so it is kept with the
/// order it concerns.
struct StoredOrder {
    order: BeerOrder,
    #[allow(dead_code)]
    on_status: Option<Callback<OrderStatusChange>>,
}

impl Shop {
    /// A shop that knows `customers`, answers at `public_url` (such as
    /// `http://127.0.0.1:8080`), sends callbacks through `callbacks`, and moves each order to
    /// its next status every `status_interval`.
    pub fn new(
        public_url: &str,
        customers: impl IntoIterator<Item = Uuid>,
        callbacks: Dispatcher,
        status_interval: Duration,
    ) -> Self {
        let orders = Orders {
            customers: customers.into_iter().map(|c| (c, Vec::new())).collect(),
        };
        Shop {
            inner: Arc::new(Mutex::new(orders)),
            public_url: public_url.trim_end_matches('/').into(),
            callbacks,
            status_interval,
            keys: None,
        }
    }

    /// Signs each customer's callbacks with that customer's keys: they are sent with the
    /// customer's id as their key id, which `callbacks` must resolve with the same `keys`
    /// (`DispatcherConfig::key_store`).
    pub fn with_customer_keys(mut self, keys: CustomerKeys) -> Self {
        self.keys = Some(keys);
        self
    }

    /// Records `change` for `on_status`, signed with the customer's key when there are keys
    /// per customer.
    async fn notify(
        &self,
        customer_id: Uuid,
        on_status: &Callback<OrderStatusChange>,
        change: &OrderStatusChange,
    ) -> Result<String, ringback::dispatch::SendError> {
        match &self.keys {
            Some(_) => {
                let key_id = CustomerKeys::key_id(customer_id);
                self.callbacks.send_keyed(&key_id, on_status, change).await
            }
            None => self.callbacks.send(on_status, change).await,
        }
    }

    /// Stores a new order, giving it and its lines their ids; refuses an unknown customer and
    /// a `customerRef` the customer already used.
    fn record(
        &self,
        customer_id: Uuid,
        order: &mut BeerOrder,
        on_status: Option<Callback<OrderStatusChange>>,
    ) -> Result<Uuid, ApiError> {
        let mut orders = self.lock();
        let Some(existing) = orders.customers.get_mut(&customer_id) else {
            return Err(ApiError::not_found(format!("no customer {customer_id}")));
        };
        if let Some(reference) = &order.customer_ref {
            if existing
                .iter()
                .any(|o| o.order.customer_ref.as_ref() == Some(reference))
            {
                return Err(ApiError::conflict(format!(
                    "customer {customer_id} already has an order with customerRef {reference:?}"
                )));
            }
        }
        let order_id = Uuid::new_v4();
        order.id = Some(order_id);
        for line in &mut order.beer_order_lines {
            line.id = Some(Uuid::new_v4());
            line.quantity_allocated = Some(0);
        }
        existing.push(StoredOrder {
            order: order.clone(),
            on_status,
        });
        Ok(order_id)
    }

    /// Sends `orderStatusChange` for each status after the first, `status_interval` apart.
    fn advance(&self, customer_id: Uuid, order_id: Uuid, on_status: Callback<OrderStatusChange>) {
        let shop = self.clone();
        tokio::spawn(async move {
            for status in &STATUSES[1..] {
                tokio::time::sleep(shop.status_interval).await;
                let change = OrderStatusChange {
                    order_id,
                    order_status: (*status).to_owned(),
                };
                if let Err(e) = shop.notify(customer_id, &on_status, &change).await {
                    eprintln!("order {order_id}: the {status} callback was not recorded: {e:#}");
                }
            }
        });
    }

    /// The keys per customer, if callbacks are signed so.
    pub fn customer_keys(&self) -> Option<&CustomerKeys> {
        self.keys.as_ref()
    }

    /// Whether `customer` is one of the shop's customers.
    pub fn knows(&self, customer: Uuid) -> bool {
        self.lock().customers.contains_key(&customer)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Orders> {
        // A panic while holding the lock leaves the map consistent (every change is one
        // insert), so a poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Place Order
#[ringback::post(
    "/v1/customers/{customerId}/orders",
    tag = "Order Service",
    description = "Place Order",
    responses(201 = "Order Created", 400 = "Bad Request", 404 = "Not Found", 409 = "Conflict"),
    callback(
        orderStatusChange = "{$request.body#/orderStatusCallbackUrl}",
        description = "Webhook for order status change notifications",
        responses(200 = "Okay")
    )
)]
pub async fn place_order(
    shop: State<Shop>,
    caller: Auth<Uuid>,
    customer_id: Path<Uuid>,
    order: Option<Body<BeerOrder>>,
    on_status: Option<Callback<OrderStatusChange>>,
) -> Result<Created<BeerOrder>, ApiError> {
    let Path(customer_id) = customer_id;
    // A token acts for its own customer only; to anyone else, other customers do not exist.
    if caller.0 != customer_id {
        return Err(ApiError::not_found(format!("no customer {customer_id}")));
    }
    // DESIGN.md declares the body optional: without one, the customer places an empty order.
    let mut order = match order {
        Some(Body(order)) => order,
        None => BeerOrder {
            id: None,
            customer_id,
            customer_ref: None,
            beer_order_lines: Vec::new(),
            order_status_callback_url: None,
        },
    };
    if order.customer_id != customer_id {
        // The collection belongs to the path's customer; an order for another conflicts with it.
        return Err(ApiError::conflict(format!(
            "this order is for customer {}, but was sent to the orders of customer {customer_id}",
            order.customer_id
        ))
        .with_violations(vec![ringback::Violation::new(
            "/customerId",
            format!("must be {customer_id}, the customer of the path"),
        )]));
    }
    if let Some(callback) = &on_status {
        if let Err(refused) = shop.callbacks.check_target(callback.url()) {
            return Err(ApiError::invalid(vec![ringback::Violation::new(
                "/orderStatusCallbackUrl",
                format!("cannot be called back: {}", refused.reason),
            )]));
        }
    }
    let order_id = shop.record(customer_id, &mut order, on_status.clone())?;
    if let Some(on_status) = on_status {
        // NEW is recorded before the order is confirmed: once the client has its 201, the
        // callback is durable and will reach it.
        let change = OrderStatusChange {
            order_id,
            order_status: STATUSES[0].to_owned(),
        };
        shop.notify(customer_id, &on_status, &change)
            .await
            .map_err(ApiError::internal)?;
        shop.advance(customer_id, order_id, on_status);
    }
    let location = format!(
        "{}/v1/customers/{customer_id}/orders/{order_id}",
        shop.public_url
    );
    Ok(Created::new(location, order))
}

/// Get Order
///
/// One of the customer's orders, as placed, with the ids the service gave it and its lines.
#[ringback::get(
    "/v1/customers/{customerId}/orders/{orderId}",
    tag = "Order Service",
    responses(200 = "The order", 404 = "Not Found")
)]
pub async fn get_order(
    shop: State<Shop>,
    caller: Auth<Uuid>,
    customer_id: Path<Uuid>,
    order_id: Path<Uuid>,
) -> Result<BeerOrder, ApiError> {
    if caller.0 != customer_id.0 {
        return Err(ApiError::not_found(format!(
            "no customer {}",
            customer_id.0
        )));
    }
    let orders = shop.lock();
    orders
        .customers
        .get(&customer_id)
        .ok_or_else(|| ApiError::not_found(format!("no customer {}", customer_id.0)))?
        .iter()
        .find(|o| o.order.id == Some(order_id.0))
        .map(|o| o.order.clone())
        .ok_or_else(|| ApiError::not_found(format!("no order {}", order_id.0)))
}

/// The order service's API, knowing the demo customer's token only.
pub fn api() -> Api<Shop> {
    api_with_tokens(Secrets::new().with(DEMO_TOKEN, DEMO_CUSTOMER))
}

/// The order service's API, with each customer's bearer token.
pub fn api_with_tokens(tokens: Secrets<Uuid>) -> Api<Shop> {
    Api::new("Beer Order Service", "1.0")
        .description("Places beer orders and calls back as their status changes.")
        .server(
            "http://127.0.0.1:8080",
            "The service on its default address",
        )
        .contact(ringback::openapi::Contact {
            name: Some("ringback".into()),
            url: Some("https://github.com/ringback-rs/ringback".into()),
            email: None,
        })
        .tag("Order Service", "Placing and tracking beer orders")
        .security_scheme(
            "bearer",
            HttpBearer::new()
                .format("opaque")
                .describe("A customer's token; the demo customer's is `demo-token-0f3a9c`."),
            tokens,
        )
        .default_security(Requirement::scheme("bearer"))
        .operation(place_order)
        .operation(get_order)
}
