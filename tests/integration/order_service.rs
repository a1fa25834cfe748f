//! The order service of DESIGN.md over real HTTP, and its operation as DESIGN.md describes it.

use crate::server::{Reply, Server};

use std::time::Duration;

use ringback::dispatch::{Dispatcher, DispatcherConfig, MemoryStore, Secret};
use ringback::openapi::OpenApiVersion;
use ringback_examples::orders::OrderBook;
use ringback_examples::service::{api, Shop, DEMO_CUSTOMER, DEMO_TOKEN};
use serde_json::json;

/// The service, with its orders in a SQLite file in `dir` as `beer-orders` keeps them.
async fn start_in(dir: &std::path::Path) -> Server {
    // The Location header needs the public URL, which is only known once bound; the tests
    // check its shape against a fixed one. Callbacks go to a store nobody delivers from.
    let callbacks = Dispatcher::new(
        MemoryStore::default(),
        DispatcherConfig::new(Secret::generate()),
    );
    let shop = Shop::new(
        "http://orders.test",
        [DEMO_CUSTOMER],
        OrderBook::open(dir.join("orders.db")).unwrap(),
        callbacks,
        Duration::from_secs(3600),
    );
    Server::start(api().router(shop)).await
}

/// The service, with its orders in memory: for tests that do not read them back.
async fn start() -> Server {
    let callbacks = Dispatcher::new(
        MemoryStore::default(),
        DispatcherConfig::new(Secret::generate()),
    );
    let shop = Shop::new(
        "http://orders.test",
        [DEMO_CUSTOMER],
        OrderBook::in_memory(),
        callbacks,
        Duration::from_secs(3600),
    );
    Server::start(api().router(shop)).await
}

/// A GET with the demo customer's token.
async fn get(url: String) -> Reply {
    Reply::from(
        reqwest::Client::new()
            .get(url)
            .bearer_auth(DEMO_TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn orders_url(server: &Server, customer: impl std::fmt::Display) -> String {
    server.url(&format!("/v1/customers/{customer}/orders"))
}

async fn place(
    server: &Server,
    customer: impl std::fmt::Display,
    body: serde_json::Value,
) -> Reply {
    place_raw(server, customer, serde_json::to_vec(&body).unwrap()).await
}

/// Places an order whose body is sent byte for byte as given, as JSON.
async fn place_raw(
    server: &Server,
    customer: impl std::fmt::Display,
    body: impl Into<reqwest::Body>,
) -> Reply {
    Reply::from(
        reqwest::Client::new()
            .post(orders_url(server, customer))
            .bearer_auth(DEMO_TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn order(lines: serde_json::Value) -> serde_json::Value {
    json!({
        "customerId": DEMO_CUSTOMER,
        "customerRef": "ORD-1",
        "beerOrderLines": lines,
        "orderStatusCallbackUrl": "https://client.example/hooks"
    })
}

#[tokio::test]
async fn an_order_is_placed_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let mut body = order(
        json!([{"upc": "0631234200036", "orderQuantity": 12, "beerId": "00000000-0000-0000-0000-00000000beef", "quantityAllocated": 12}]),
    );
    body["id"] = json!("00000000-0000-0000-0000-000000000bad");
    let reply = place(&server, DEMO_CUSTOMER, body).await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    let id = reply.json["id"].as_str().unwrap().to_owned();
    assert_ne!(
        id, "00000000-0000-0000-0000-000000000bad",
        "readOnly id was ignored"
    );
    assert_eq!(
        reply.json["beerOrderLines"][0]["beerId"],
        "00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(reply.json["beerOrderLines"][0]["quantityAllocated"], 0);
    let location = reply.headers["location"].to_str().unwrap();
    assert_eq!(
        location,
        format!("http://orders.test/v1/customers/{DEMO_CUSTOMER}/orders/{id}")
    );

    let path = location.trim_start_matches("http://orders.test");
    let back = get(server.url(path)).await;
    assert_eq!(back.status, 200);
    assert_eq!(back.json, reply.json);
}

#[tokio::test]
async fn an_integral_float_is_an_integer_and_a_malformed_read_only_value_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    // JSON Schema calls 12.0 an integer; serde alone would refuse it for an i32. A readOnly
    // property is ignored whatever its value, even one that would not deserialize.
    let lines =
        json!([{"upc": "0631234200036", "orderQuantity": 12.0, "quantityAllocated": "lots"}]);
    let reply = place(&server, DEMO_CUSTOMER, order(lines)).await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    assert_eq!(reply.json["beerOrderLines"][0]["orderQuantity"], 12);
    assert_eq!(reply.json["beerOrderLines"][0]["quantityAllocated"], 0);

    // A fraction is not an integer: refused, at its pointer.
    let lines = json!([{"upc": "0631234200036", "orderQuantity": 12.5}]);
    let violations = place(&server, DEMO_CUSTOMER, order(lines))
        .await
        .problem(400);
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].0, "/beerOrderLines/0/orderQuantity");
}

#[tokio::test]
async fn the_service_answers_its_documented_errors() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let unknown = uuid::Uuid::new_v4();
    let mut body = order(json!([]));
    body["customerId"] = json!(unknown);
    place(&server, unknown, body).await.problem(404);

    assert_eq!(
        place(&server, DEMO_CUSTOMER, order(json!([]))).await.status,
        201
    );
    place(&server, DEMO_CUSTOMER, order(json!([])))
        .await
        .problem(409);

    let mut other = order(json!([]));
    other["customerId"] = json!(unknown);
    other["customerRef"] = json!("ORD-2");
    let conflict = place(&server, DEMO_CUSTOMER, other).await;
    assert_eq!(conflict.problem(409)[0].0, "/customerId");

    let mut bad =
        order(json!([{"upc": "1", "orderQuantity": 0}, {"upc": "2", "orderQuantity": 1000}]));
    bad["customerRef"] = json!("ORD-3");
    bad["orderStatusCallbackUrl"] = json!("not a url");
    let violations = place(&server, DEMO_CUSTOMER, bad).await.problem(400);
    let pointers: Vec<&str> = violations.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/beerOrderLines/0/orderQuantity",
            "/beerOrderLines/1/orderQuantity",
            "/orderStatusCallbackUrl"
        ]
    );

    let mut null_url = order(json!([]));
    null_url["orderStatusCallbackUrl"] = json!(null);
    null_url["customerRef"] = json!("ORD-4");
    assert_eq!(
        place(&server, DEMO_CUSTOMER, null_url).await.problem(400),
        [(
            "/orderStatusCallbackUrl".to_owned(),
            "must not be null; leave the property out instead".to_owned()
        )]
    );

    let missing = server.url(&format!(
        "/v1/customers/{DEMO_CUSTOMER}/orders/{}",
        uuid::Uuid::new_v4()
    ));
    get(missing).await.problem(404);
    get(server.url("/v1/customers/not-a-uuid/orders/x"))
        .await
        .problem(400);
}

#[tokio::test]
async fn a_post_without_a_body_places_an_empty_order() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let reply = Reply::from(
        reqwest::Client::new()
            .post(orders_url(&server, DEMO_CUSTOMER))
            .bearer_auth(DEMO_TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    assert_eq!(reply.json["beerOrderLines"], json!([]));
}

#[test]
fn the_operation_matches_design() {
    for version in [OpenApiVersion::V3_0_3, OpenApiVersion::V3_1_0] {
        let doc = api().document().to_json(version);
        let op = &doc["paths"]["/v1/customers/{customerId}/orders"]["post"];
        assert_eq!(op["tags"], json!(["Order Service"]));
        assert_eq!(op["description"], "Place Order");
        assert_eq!(
            op["parameters"],
            json!([{"name": "customerId", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}])
        );
        assert_eq!(op["requestBody"]["required"], false);
        assert_eq!(
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/BeerOrder"
        );
        let responses = &op["responses"];
        assert_eq!(responses["201"]["description"], "Order Created");
        assert_eq!(
            responses["201"]["headers"]["Location"]["schema"],
            json!({"type": "string", "format": "uri"})
        );
        assert_eq!(responses["400"]["description"], "Bad Request");
        assert_eq!(responses["404"]["description"], "Not Found");
        assert_eq!(responses["409"]["description"], "Conflict");
    }
}

#[tokio::test]
async fn orders_need_the_customers_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let refused = Reply::from(
        reqwest::Client::new()
            .post(orders_url(&server, DEMO_CUSTOMER))
            .json(&order(json!([])))
            .send()
            .await
            .unwrap(),
    )
    .await;
    refused.problem(401);
    assert_eq!(
        refused.headers["www-authenticate"],
        "Bearer realm=\"Beer Order Service\""
    );
    // The demo token acts for the demo customer only.
    let other = uuid::Uuid::new_v4();
    place(&server, other, order(json!([]))).await.problem(404);
    let doc = api().document().to_json(OpenApiVersion::V3_0_3);
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["bearerFormat"],
        "opaque"
    );
}

#[tokio::test]
async fn the_docs_page_and_the_document_are_public() {
    let server = start().await;
    for path in [
        "/docs",
        "/docs?version=3.1",
        "/openapi.json",
        "/openapi.yaml",
    ] {
        let response = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(response.status(), 200, "{path} without a token");
    }
    let page = reqwest::get(server.url("/docs"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<title>Beer Order Service</title>"), "{page}");
    assert!(page.contains(r#"data-openapi="openapi.json?version=3.0.3""#));
}

#[tokio::test]
async fn text_that_is_not_json_in_an_unknown_property_is_refused_with_or_without_a_read_only_id() {
    let server = start().await;
    for tail in [&b"\"\xff\""[..], br#""\ud800""#] {
        let mut answers = Vec::new();
        // `"id": 5` is readOnly: a body with it may take the path through a JSON value.
        for id in [&b""[..], br#""id": 5, "#] {
            let mut body = b"{".to_vec();
            body.extend_from_slice(id);
            body.extend_from_slice(
                format!("\"customerId\": \"{DEMO_CUSTOMER}\", \"x\": ").as_bytes(),
            );
            body.extend_from_slice(tail);
            body.push(b'}');
            let reply = place_raw(&server, DEMO_CUSTOMER, body).await;
            answers.push(reply.problem(400));
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0].len(), 1);
        assert_eq!(answers[0][0].0, "/x");
    }
}

#[tokio::test]
async fn a_missing_customer_id_is_reported_at_its_pointer() {
    let server = start().await;
    let reply = place(
        &server,
        DEMO_CUSTOMER,
        json!({"beerOrderLines": [{"orderQuantity": 1}]}),
    )
    .await;
    assert_eq!(
        reply.problem(400),
        [
            (
                "/beerOrderLines/0/upc".to_owned(),
                "is required: expected a string, found nothing".to_owned()
            ),
            (
                "/customerId".to_owned(),
                "is required: expected a string (uuid), found nothing".to_owned()
            ),
        ]
    );
}

/// The example README shows.
#[tokio::test]
async fn every_mistake_comes_back_at_once_as_readme_shows() {
    let server = start().await;
    let body = r#"{"customerId": "6f1c2d9e-4b7a-4c1e-9a3f-0d2b8e5c7a41", "customerRef": 7,
        "beerOrderLines": [{"upc": "1", "orderQuantity": 0}, {"orderQuantity": 1000},
                           {"upc": "3", "orderQuantity": 2.5}]}"#;
    let reply = place_raw(&server, DEMO_CUSTOMER, body).await;
    let violations = reply.problem(400);
    let expected = [
        ("/customerRef", "expected a string or null, found 7"),
        (
            "/beerOrderLines/1/upc",
            "is required: expected a string, found nothing",
        ),
        (
            "/beerOrderLines/2/orderQuantity",
            "expected an integer, found 2.5",
        ),
        ("/beerOrderLines/0/orderQuantity", "must be at least 1"),
        ("/beerOrderLines/1/orderQuantity", "must be at most 999"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(violations, expected);
    assert_eq!(reply.json["detail"], "the request has 5 invalid parts");
}

#[tokio::test]
async fn what_a_client_can_make_the_service_keep_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let mut long_ref = order(json!([]));
    long_ref["customerRef"] = json!("r".repeat(101));
    let violations = place(&server, DEMO_CUSTOMER, long_ref).await.problem(400);
    assert_eq!(violations[0].0, "/customerRef", "{violations:?}");

    let lines: Vec<serde_json::Value> = (0..101)
        .map(|_| json!({"upc": "0631234200036", "orderQuantity": 1}))
        .collect();
    let violations = place(&server, DEMO_CUSTOMER, order(json!(lines)))
        .await
        .problem(400);
    assert_eq!(violations[0].0, "/beerOrderLines", "{violations:?}");

    let mut huge = order(json!([]));
    huge["customerRef"] = json!("r".repeat(ringback_examples::service::BODY_LIMIT));
    place(&server, DEMO_CUSTOMER, huge).await.problem(413);

    // The largest order the schema accepts fits well under the body limit.
    let lines: Vec<serde_json::Value> = (0..100)
        .map(|i| json!({"upc": format!("{i:032}"), "orderQuantity": 999}))
        .collect();
    let mut largest = order(json!(lines));
    largest["customerRef"] = json!("r".repeat(100));
    largest["orderStatusCallbackUrl"] =
        json!(format!("https://client.example/{}", "h".repeat(2000)));
    assert_eq!(place(&server, DEMO_CUSTOMER, largest).await.status, 201);
}
