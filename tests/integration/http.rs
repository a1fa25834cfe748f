//! Request handling over real HTTP: every error class is a precise problem+json answer, no input
//! causes a 500 except a handler's own panic (which leaks nothing), readOnly is stripped or
//! refused, writeOnly never leaves.

use crate::server::{Reply, Server};

use ringback::{
    Api, ApiError, Body, Created, Header, NoContent, Path, Query, ReadOnlyPolicy, Schema, State,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Account {
    #[schema(read_only)]
    id: Option<u64>,
    #[schema(min_length = 1, max_length = 20)]
    name: String,
    #[schema(write_only, min_length = 8)]
    password: Option<String>,
    #[serde(default)]
    #[schema(max_items = 3)]
    keys: Vec<Key>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Key {
    #[schema(read_only)]
    created: Option<u64>,
    #[schema(minimum = 1, maximum = 999)]
    size: i32,
}

#[derive(Debug, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Paging {
    #[schema(maximum = 100)]
    page_size: Option<u32>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct Counter(std::sync::Arc<std::sync::atomic::AtomicU64>);

#[ringback::post("/accounts", responses(201 = "Created"))]
async fn create_account(
    counter: State<Counter>,
    account: Body<Account>,
) -> Result<Created<Account>, ApiError> {
    let mut account = account.0;
    let id = counter
        .0
         .0
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        + 1;
    account.id = Some(id);
    Ok(Created::new(
        format!("http://localhost/accounts/{id}"),
        account,
    ))
}

#[ringback::post("/strict/accounts", read_only = "reject", responses(201 = "Created"))]
async fn create_strict(account: Body<Account>) -> Created<Account> {
    Created::new("http://localhost/strict/1", account.0)
}

#[ringback::get("/accounts/{accountId}/keys", responses(200 = "Keys"))]
async fn list_keys(
    account_id: Path<u64>,
    paging: Query<Paging>,
    x_request_id: Header<Option<String>>,
) -> Vec<String> {
    vec![
        account_id.0.to_string(),
        format!("{:?}", paging.page_size),
        paging.tags.join(","),
        x_request_id.0.unwrap_or_default(),
    ]
}

#[ringback::get("/search", responses(200 = "Results"))]
async fn search(limit: Query<u8>, cursor: Query<Option<String>>, x_tenant: Header<u32>) -> String {
    format!("{} {:?} {}", limit.0, cursor.0, x_tenant.0)
}

#[ringback::delete("/boom", responses(204 = "Never"))]
async fn boom() -> NoContent {
    panic!("secret internal detail: database password is hunter2");
}

fn api() -> Api<Counter> {
    Api::new("Test", "1")
        .body_limit(2048)
        .operation(create_account)
        .operation(create_strict)
        .operation(list_keys)
        .operation(search)
        .operation(boom)
}

async fn start() -> Server {
    Server::start(api().router(Counter::default())).await
}

async fn post_raw(
    server: &Server,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Reply {
    let mut request = reqwest::Client::new().post(server.url(path)).body(body);
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    Reply::from(request.send().await.unwrap()).await
}

async fn post_json(server: &Server, path: &str, body: serde_json::Value) -> Reply {
    post_raw(server, path, Some("application/json"), body.to_string()).await
}

async fn get(server: &Server, path: &str) -> Reply {
    Reply::from(reqwest::get(server.url(path)).await.unwrap()).await
}

#[tokio::test]
async fn a_valid_body_is_created_with_read_only_stripped_and_write_only_hidden() {
    let server = start().await;
    let reply = post_json(
        &server,
        "/accounts",
        json!({"id": 99, "name": "ada", "password": "correct horse", "keys": [{"created": 5, "size": 3}]}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    assert_eq!(reply.headers["location"], "http://localhost/accounts/1");
    assert_eq!(reply.json["id"], 1, "the client's id was ignored");
    assert!(reply.json["keys"][0]
        .get("created")
        .is_none_or(|c| c.is_null()));
    assert!(
        reply.json.get("password").is_none(),
        "writeOnly left: {}",
        reply.json
    );
}

#[tokio::test]
async fn read_only_reject_policy_names_every_read_only_property_sent() {
    let server = start().await;
    let reply = post_json(
        &server,
        "/strict/accounts",
        json!({"id": 1, "name": "ada", "keys": [{"created": 5, "size": 3}]}),
    )
    .await;
    assert_eq!(
        reply.problem(400),
        [
            (
                "/id".to_owned(),
                "is read-only and must not be sent".to_owned()
            ),
            (
                "/keys/0/created".to_owned(),
                "is read-only and must not be sent".to_owned()
            ),
        ]
    );
    let ok = post_json(&server, "/strict/accounts", json!({"name": "ada"})).await;
    assert_eq!(ok.status, 201);
}

#[tokio::test]
async fn the_reject_policy_can_be_set_for_the_whole_api() {
    let server = Server::start(
        api()
            .read_only_policy(ReadOnlyPolicy::Reject)
            .router(Counter::default()),
    )
    .await;
    let reply = post_json(&server, "/accounts", json!({"id": 1, "name": "ada"})).await;
    assert_eq!(reply.problem(400)[0].0, "/id");
}

#[tokio::test]
async fn every_rule_violation_is_listed_with_its_pointer() {
    let server = start().await;
    let reply = post_json(
        &server,
        "/accounts",
        json!({"name": "", "password": "short", "keys": [{"size": 0}, {"size": 1000}, {"size": 1}, {"size": 2}]}),
    )
    .await;
    let pointers: Vec<String> = reply.problem(400).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        pointers,
        [
            "/name",
            "/password",
            "/keys",
            "/keys/0/size",
            "/keys/1/size"
        ]
    );
}

#[tokio::test]
async fn an_array_where_an_object_belongs_is_refused_so_read_only_cannot_ride_in_it() {
    let server = start().await;
    // serde reads a struct from an array, field by field; `id` is the first, and readOnly.
    let whole = post_json(&server, "/accounts", json!([77, "ada", null, []])).await;
    assert_eq!(
        whole.problem(400),
        [(
            "".to_owned(),
            "expected an object, found an array".to_owned()
        )]
    );
    let nested = post_json(
        &server,
        "/accounts",
        json!({"name": "ada", "keys": [{"size": 3}, [9, 3]]}),
    )
    .await;
    assert_eq!(
        nested.problem(400),
        [(
            "/keys/1".to_owned(),
            "expected an object, found an array".to_owned()
        )]
    );
}

#[tokio::test]
async fn wrong_json_types_and_missing_properties_point_where_they_are() {
    let server = start().await;
    let reply = post_json(
        &server,
        "/accounts",
        json!({"name": "ada", "keys": [{"size": 1}, {"size": "big"}]}),
    )
    .await;
    assert_eq!(
        reply.problem(400),
        [(
            "/keys/1/size".to_owned(),
            "expected an integer between -2147483648 and 2147483647, found \"big\"".to_owned()
        )]
    );

    let reply = post_json(&server, "/accounts", json!({"keys": []})).await;
    assert_eq!(
        reply.problem(400),
        [(
            "/name".to_owned(),
            "is required: expected a string, found nothing".to_owned()
        )]
    );

    let reply = post_json(&server, "/accounts", json!(["not", "an", "object"])).await;
    reply.problem(400);
}

#[tokio::test]
async fn malformed_json_is_400() {
    let server = start().await;
    let reply = post_raw(
        &server,
        "/accounts",
        Some("application/json"),
        "{\"name\": \"ada\",",
    )
    .await;
    let violations = reply.problem(400);
    assert!(
        violations[0].1.starts_with("the body is not valid JSON"),
        "{violations:?}"
    );
}

#[tokio::test]
async fn wrong_or_missing_content_type_is_415() {
    let server = start().await;
    let reply = post_raw(
        &server,
        "/accounts",
        Some("text/plain"),
        "{\"name\": \"ada\"}",
    )
    .await;
    reply.problem(415);
    assert!(reply.json["detail"]
        .as_str()
        .unwrap()
        .contains("text/plain"));
    let reply = post_raw(&server, "/accounts", None, "{\"name\": \"ada\"}").await;
    reply.problem(415);
    let reply = post_raw(
        &server,
        "/accounts",
        Some("application/vnd.api+json; charset=utf-8"),
        "{\"name\": \"ada\"}",
    )
    .await;
    assert_eq!(reply.status, 201, "a +json media type is JSON");
}

#[tokio::test]
async fn a_missing_required_body_is_400() {
    let server = start().await;
    let reply = post_raw(&server, "/accounts", None, "").await;
    assert_eq!(reply.problem(400)[0].1, "a JSON request body is required");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_declared_or_streamed() {
    let server = start().await;
    let big = json!({"name": "x".repeat(4096)}).to_string();
    let reply = post_raw(&server, "/accounts", Some("application/json"), big.clone()).await;
    reply.problem(413);
    // Without a Content-Length the limit still holds while reading.
    let stream = futures_stream(big.into_bytes());
    let reply = post_raw(
        &server,
        "/accounts",
        Some("application/json"),
        reqwest::Body::wrap_stream(stream),
    )
    .await;
    reply.problem(413);
}

fn futures_stream(
    bytes: Vec<u8>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + Sync + 'static {
    ChunkStream(bytes.chunks(512).map(<[u8]>::to_vec).collect())
}

struct ChunkStream(std::collections::VecDeque<Vec<u8>>);

impl futures_core::Stream for ChunkStream {
    type Item = Result<Vec<u8>, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.pop_front().map(Ok))
    }
}

#[tokio::test]
async fn invalid_path_query_and_header_values_name_the_parameter() {
    let server = start().await;
    let reply = get(&server, "/accounts/abc/keys").await;
    reply.problem(400);
    assert_eq!(reply.json["violations"][0]["parameter"], "accountId");
    assert_eq!(reply.json["violations"][0]["in"], "path");

    let reply = get(&server, "/accounts/7/keys?pageSize=500").await;
    reply.problem(400);
    assert_eq!(reply.json["violations"][0]["parameter"], "pageSize");
    assert_eq!(reply.json["violations"][0]["in"], "query");
    assert_eq!(
        reply.json["violations"][0]["message"],
        "must be at most 100"
    );

    let reply = get(&server, "/accounts/7/keys?pageSize=ten").await;
    assert_eq!(reply.problem(400).len(), 1);
    assert_eq!(reply.json["violations"][0]["parameter"], "pageSize");

    let ok = Reply::from(
        reqwest::Client::new()
            .get(server.url("/accounts/7/keys?pageSize=5&tags=a&tags=b"))
            .header("x-request-id", "r-1")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ok.json, json!(["7", "Some(5)", "a,b", "r-1"]));

    // Missing required query and header, all reported together.
    let reply = get(&server, "/search").await;
    let found: Vec<_> = reply.json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["in"].clone(),
                v["parameter"].clone(),
                v["message"].clone(),
            )
        })
        .collect();
    reply.problem(400);
    assert_eq!(
        found,
        [
            (json!("query"), json!("limit"), json!("is required")),
            (json!("header"), json!("x-tenant"), json!("is required")),
        ]
    );
    let reply = Reply::from(
        reqwest::Client::new()
            .get(server.url("/search?limit=300"))
            .header("x-tenant", "-1")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.problem(400).len(), 2, "{}", reply.json);
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_with_allow() {
    let server = start().await;
    get(&server, "/nope").await.problem(404);
    let reply = Reply::from(
        reqwest::Client::new()
            .put(server.url("/accounts"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    reply.problem(405);
    assert_eq!(reply.headers["allow"], "POST");
    let reply = Reply::from(
        reqwest::Client::new()
            .post(server.url("/search"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    reply.problem(405);
    assert_eq!(reply.headers["allow"], "GET, HEAD");
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_that_leaks_nothing_and_the_server_goes_on() {
    let server = start().await;
    for _ in 0..3 {
        let reply = Reply::from(
            reqwest::Client::new()
                .delete(server.url("/boom"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        reply.problem(500);
        assert!(
            !reply.json.to_string().contains("hunter2"),
            "{}",
            reply.json
        );
    }
    let reply = post_json(&server, "/accounts", json!({"name": "after"})).await;
    assert_eq!(reply.status, 201);
}

#[tokio::test]
async fn no_garbage_input_causes_a_500() {
    let server = start().await;
    let bodies: Vec<&[u8]> = vec![
        b"",
        b"null",
        b"0",
        b"\"str\"",
        b"{}",
        b"[]",
        b"{\"name\": null}",
        b"\xff\xfe",
        b"{\"name\": \"\\ud800\"}",
        b"{\"keys\": {\"size\": 1}, \"name\": \"a\"}",
        b"{\"name\": \"a\", \"keys\": [null]}",
        b"{\"name\": \"a\", \"keys\": [{\"size\": 1e400}]}",
        b"{\"name\": \"a\", \"keys\": [{\"size\": 2.0}]}",
    ];
    for body in bodies {
        let reply = post_raw(
            &server,
            "/accounts",
            Some("application/json"),
            body.to_vec(),
        )
        .await;
        assert!(
            reply.status < 500,
            "{} for {:?}: {}",
            reply.status,
            String::from_utf8_lossy(body),
            reply.json
        );
    }
    for path in [
        "/accounts/%ff/keys",
        "/accounts/1/keys?pageSize=%ff",
        "/accounts/18446744073709551616/keys",
        "/accounts/1/keys?tags",
    ] {
        let reply = get(&server, path).await;
        assert!(reply.status < 500, "{} for {path}", reply.status);
    }
}

#[tokio::test]
async fn the_document_lists_every_response_the_server_can_produce() {
    let doc = api()
        .document()
        .to_json(ringback::openapi::OpenApiVersion::V3_0_3);
    let post = &doc["paths"]["/accounts"]["post"]["responses"];
    let codes: Vec<&String> = post.as_object().unwrap().keys().collect();
    assert_eq!(codes, ["201", "400", "413", "415", "500"]);
    assert_eq!(
        post["400"]["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    let panicking = &doc["paths"]["/boom"]["delete"]["responses"];
    assert_eq!(
        panicking.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["204", "500"]
    );
    let keys = &doc["paths"]["/accounts/{accountId}/keys"]["get"];
    let params: Vec<(String, String, bool)> = keys["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().into(),
                p["in"].as_str().unwrap().into(),
                p["required"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        params,
        [
            ("accountId".into(), "path".into(), true),
            ("pageSize".into(), "query".into(), false),
            ("tags".into(), "query".into(), false),
            ("x-request-id".into(), "header".into(), false),
        ]
    );
}

#[tokio::test]
async fn the_document_is_served_in_both_versions_and_formats() {
    let server = start().await;
    assert_eq!(get(&server, "/openapi.json").await.json["openapi"], "3.0.3");
    assert_eq!(
        get(&server, "/openapi.json?version=3.1").await.json["openapi"],
        "3.1.0"
    );
    let yaml = reqwest::get(server.url("/openapi.yaml"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(yaml.starts_with("openapi: \"3.0.3\"\n"), "{yaml}");
    // Served in reading order, whatever order serde_json's `Map` keeps.
    let json = reqwest::get(server.url("/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = |key: &str| json.find(&format!("\n  \"{key}\"")).unwrap_or(usize::MAX);
    assert!(
        at("openapi") < at("info") && at("info") < at("paths") && at("paths") < at("components"),
        "{json}"
    );
    get(&server, "/openapi.json?version=2.0").await.problem(400);
}

#[ringback::get("/secret", security(bearer), security(api_key, oauth = ["orders:read"]), responses(200 = "The secret"))]
async fn secret() -> String {
    "s".into()
}

#[test]
fn security_requirements_name_registered_schemes() {
    use ringback::auth::{ApiKey, HttpBearer, OAuth2, Secrets};
    let api = Api::<()>::new("Sec", "1")
        .security_scheme("bearer", HttpBearer::new(), Secrets::new().with("t", ()))
        .security_scheme(
            "api_key",
            ApiKey::header("X-Api-Key"),
            Secrets::new().with("k", ()),
        )
        .security_scheme(
            "oauth",
            OAuth2::client_credentials("https://auth.test/token", [("orders:read", "read orders")]),
            Secrets::new().with("o", ()),
        )
        .operation(secret);
    let doc = api
        .document()
        .to_json(ringback::openapi::OpenApiVersion::V3_1_0);
    assert_eq!(
        doc["paths"]["/secret"]["get"]["security"],
        json!([{"bearer": []}, {"api_key": [], "oauth": ["orders:read"]}])
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["name"],
        "X-Api-Key"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["oauth"]["flows"]["clientCredentials"]["scopes"]
            ["orders:read"],
        "read orders"
    );

    let invalid = Api::<()>::new("Sec", "1")
        .operation(secret)
        .try_router(())
        .unwrap_err();
    let message = invalid.to_string();
    assert!(
        message.contains(
            "/paths/~1secret/get/security: the security scheme `bearer` is not registered"
        ),
        "{message}"
    );
}
