//! The order service: DESIGN.md's `POST /v1/customers/{customerId}/orders`, and around it
//! what a real service needs (reading an order back, a customer check).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use ringback::auth::{Auth, HttpBearer, Requirement, Secrets};
use ringback::dispatch::{Dispatcher, SendError, SendOptions};
use ringback::{Api, ApiError, Body, Callback, Created, Path, State, WebhookEvent};
use uuid::Uuid;

use crate::keys::CustomerKeys;
use crate::model::{BeerOrder, OrderPlaced, OrderStatusChange};
use crate::orders::{Inserted, OrderBook};

/// The demo customer every fresh service knows, so the quick start works without set-up.
pub const DEMO_CUSTOMER: Uuid = Uuid::from_u128(0x6f1c_2d9e_4b7a_4c1e_9a3f_0d2b_8e5c_7a41);

/// The demo customer's bearer token: every operation needs `Authorization: Bearer <token>`,
/// and this one acts for [`DEMO_CUSTOMER`].
pub const DEMO_TOKEN: &str = "demo-token-0f3a9c";

/// The statuses an order goes through after it is placed.
pub const STATUSES: [&str; 4] = ["NEW", "ALLOCATED", "READY", "PICKED_UP"];

/// The largest request body the service reads. The largest order its schema accepts (100 lines,
/// a 100-character `customerRef`, a 2,048-character callback URL) is well under it.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The webhook the service sends to its order feed (`Shop::with_order_feed`), the subscriber
/// the operator chose to fulfil orders, each time an order is placed.
pub static ORDER_PLACED: WebhookEvent<OrderPlaced> = WebhookEvent::new("orderPlaced")
    .summary("An order was placed")
    .description(
        "Sent to the order feed once for each order placed, before the client gets its 201.",
    )
    .tags(&["Order Service"])
    .responses(&[(200, "Okay")]);

/// The service's state: the customers it knows, their orders (in SQLite), and the dispatcher
/// that calls clients back.
#[derive(Clone)]
pub struct Shop {
    customers: Arc<HashSet<Uuid>>,
    orders: OrderBook,
    /// The URL clients reach the service at, for `Location` headers.
    public_url: Arc<str>,
    /// Sends the callbacks.
    pub callbacks: Dispatcher,
    /// How long each status lasts before the next.
    status_interval: Duration,
    /// Where `orderPlaced` goes, if anywhere.
    order_feed: Option<Arc<str>>,
    /// Each customer's signing keys, when callbacks are signed per customer (the dispatcher
    /// then resolves the same keys: see [`Shop::with_customer_keys`]).
    keys: Option<CustomerKeys>,
}

impl Shop {
    /// A shop that knows `customers`, keeps their orders in `orders`, answers at `public_url`
    /// (such as `http://127.0.0.1:8080`), sends callbacks through `callbacks`, and moves each
    /// order to its next status every `status_interval`.
    pub fn new(
        public_url: &str,
        customers: impl IntoIterator<Item = Uuid>,
        orders: OrderBook,
        callbacks: Dispatcher,
        status_interval: Duration,
    ) -> Self {
        Shop {
            customers: Arc::new(customers.into_iter().collect()),
            orders,
            public_url: public_url.trim_end_matches('/').into(),
            callbacks,
            status_interval,
            order_feed: None,
            keys: None,
        }
    }

    /// Sends the `orderPlaced` webhook to `url` for every order placed.
    pub fn with_order_feed(mut self, url: &str) -> Self {
        self.order_feed = Some(url.into());
        self
    }

    /// Signs each customer's callbacks with that customer's keys: they are sent with the
    /// customer's id as their key id, which `callbacks` must resolve with the same `keys`
    /// (`DispatcherConfig::key_store`).
    pub fn with_customer_keys(mut self, keys: CustomerKeys) -> Self {
        self.keys = Some(keys);
        self
    }

    /// The keys per customer, if callbacks are signed so.
    pub fn customer_keys(&self) -> Option<&CustomerKeys> {
        self.keys.as_ref()
    }

    /// Whether `customer` is one of the shop's customers.
    pub fn knows(&self, customer: Uuid) -> bool {
        self.customers.contains(&customer)
    }

    /// Records every status change of an order at placing time, durably: `NEW` due now, each
    /// later one `status_interval` after the one before. Once this returns, a crash loses
    /// none of them; nothing waits in memory. All four are recorded at once (one group commit
    /// in SQLite) rather than each when the one before is sent: the times are known now, and
    /// a chain would hang each status on the delivery of the one before it.
    ///
    /// If one is not recorded, those that were are cancelled and the error is returned.
    async fn schedule_statuses(
        &self,
        customer_id: Uuid,
        order_id: Uuid,
        on_status: &Callback<OrderStatusChange>,
    ) -> Result<Vec<String>, SendError> {
        let changes = STATUSES.map(|status| OrderStatusChange {
            order_id,
            order_status: status.to_owned(),
        });
        // Signed with the customer's own key, when there are keys per customer.
        let options = match &self.keys {
            Some(_) => SendOptions::new().key(CustomerKeys::key_id(customer_id)),
            None => SendOptions::new(),
        };
        let now = std::time::SystemTime::now();
        let at = |i: usize| {
            let due = now + self.status_interval.saturating_mul(i as u32);
            self.callbacks
                .send_with(on_status, &changes[i], options.clone().at(due))
        };
        let recorded: [Result<String, SendError>; 4] = {
            let (a, b, c, d) = tokio::join!(at(0), at(1), at(2), at(3));
            [a, b, c, d]
        };
        if recorded.iter().all(Result::is_ok) {
            return Ok(recorded.into_iter().flatten().collect());
        }
        let mut failure = None;
        for r in recorded {
            match r {
                Ok(id) => self.cancel_quietly(order_id, &id).await,
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        Err(failure.expect("one of them failed"))
    }

    /// Cancels a status callback of an order that was not placed after all. `NEW` may already
    /// be on its way, and cannot be cancelled then: that is said, not hidden.
    async fn cancel_quietly(&self, order_id: Uuid, delivery: &str) {
        if let Err(e) = self.callbacks.cancel(delivery).await {
            eprintln!("order {order_id} was not placed, but its callback {delivery} stays: {e}");
        }
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
    if !shop.customers.contains(&customer_id) {
        return Err(ApiError::not_found(format!("no customer {customer_id}")));
    }
    if let Some(reference) = &order.customer_ref {
        // Asked first, so that a conflict records no callbacks; the insert checks again.
        if shop
            .orders
            .reference_taken(customer_id, reference)
            .await
            .map_err(ApiError::internal)?
        {
            return Err(reference_taken(customer_id, reference));
        }
    }
    let order_id = Uuid::new_v4();
    order.id = Some(order_id);
    for line in &mut order.beer_order_lines {
        line.id = Some(Uuid::new_v4());
        line.quantity_allocated = Some(0);
    }
    // The callbacks are recorded before the order: once the client has its 201, every status
    // will reach it. A crash between the two leaves callbacks for an order the client was
    // never told of, rather than an order it cannot place again under the same customerRef.
    let scheduled = match &on_status {
        Some(on_status) => shop
            .schedule_statuses(customer_id, order_id, on_status)
            .await
            .map_err(ApiError::internal)?,
        None => Vec::new(),
    };
    let inserted = shop.orders.insert(customer_id, &order).await;
    if !matches!(inserted, Ok(Inserted::Recorded)) {
        // Another request took the customerRef meanwhile, or the order book failed: the
        // statuses of an order that does not exist are not sent.
        for id in &scheduled {
            shop.cancel_quietly(order_id, id).await;
        }
    }
    match inserted.map_err(ApiError::internal)? {
        Inserted::Recorded => {}
        Inserted::ReferenceTaken => {
            let reference = order.customer_ref.as_deref().unwrap_or_default();
            return Err(reference_taken(customer_id, reference));
        }
    }
    if let Some(feed) = &shop.order_feed {
        let placed = OrderPlaced {
            order_id,
            customer_id,
            customer_ref: order.customer_ref.clone(),
            beer_order_lines: order.beer_order_lines.clone(),
        };
        shop.callbacks
            .send_event(&ORDER_PLACED, feed, &placed)
            .await
            .map_err(ApiError::internal)?;
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
    if !shop.customers.contains(&customer_id.0) {
        return Err(ApiError::not_found(format!(
            "no customer {}",
            customer_id.0
        )));
    }
    shop.orders
        .get(customer_id.0, order_id.0)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found(format!("no order {}", order_id.0)))
}

/// 409 for a `customerRef` the customer already used.
fn reference_taken(customer_id: Uuid, reference: &str) -> ApiError {
    ApiError::conflict(format!(
        "customer {customer_id} already has an order with customerRef {reference:?}"
    ))
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
        // Bounded: what one request can make the service hold.
        .body_limit(BODY_LIMIT)
        .webhook(&ORDER_PLACED)
        .operation(place_order)
        .operation(get_order)
}
