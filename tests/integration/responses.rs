//! Responses of every shape, over real HTTP: a response enum (each variant's status, headers,
//! content type and body), text, bytes of a declared media type, `NoContent`, and an
//! operation's `status = 202`; and how the 3.0.3 and 3.1.0 documents list each.

use ringback::openapi::OpenApiVersion;
use ringback::server::{BytesMediaType, IntoApiResponse};
use ringback::{Api, ApiError, Body, Bytes, NoContent, Path, Text};
use serde_json::{json, Value};

use crate::server::Server;

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
struct Order {
    id: u64,
}

#[derive(serde::Serialize, ringback::Schema)]
struct Reason {
    reason: String,
}

#[derive(ringback::ApiResponse)]
enum GetOrder {
    /// The order.
    #[response(status = 200)]
    Found(Order),
    /// Still being placed.
    #[response(status = 202)]
    Pending {
        #[response(header = "Retry-After", description = "Seconds to wait.")]
        retry_after: u32,
    },
    /// The order conflicts with another.
    #[response(status = 409)]
    Conflict {
        order: Order,
        #[response(header = "X-Conflict-With", format = "uri")]
        conflict_with: Option<String>,
    },
    #[response(status = 400, description = "The order cannot be read")]
    Unreadable(Reason),
    #[response(status = 410)]
    Gone(Text),
    #[response(status = 304)]
    NotModified,
}

/// Get an order.
#[ringback::get("/orders/{id}")]
async fn get_order(id: Path<u64>) -> Result<GetOrder, ApiError> {
    Ok(match id.0 {
        1 => GetOrder::Pending { retry_after: 5 },
        2 => GetOrder::Conflict {
            order: Order { id: 2 },
            conflict_with: Some("/orders/3".to_owned()),
        },
        3 => GetOrder::Conflict {
            order: Order { id: 3 },
            conflict_with: None,
        },
        4 => GetOrder::Unreadable(Reason {
            reason: "torn".to_owned(),
        }),
        5 => GetOrder::Gone(Text::from("order 5 was deleted")),
        6 => GetOrder::NotModified,
        7 => return Err(ApiError::not_found("no order 7")),
        id => GetOrder::Found(Order { id }),
    })
}

/// Is it up?
#[ringback::get("/health")]
async fn health() -> Text {
    Text::from("ok")
}

struct Png;
impl BytesMediaType for Png {
    const MEDIA_TYPE: &'static str = "image/png";
}

/// The logo.
#[ringback::get("/logo")]
async fn logo() -> Bytes<Png> {
    Bytes::new(b"\x89PNG".to_vec())
}

/// The export, as raw bytes.
#[ringback::get("/export", status = 203)]
async fn export() -> Bytes {
    Bytes::new(vec![0, 1, 2])
}

/// Queue an order.
#[ringback::post("/queue", status = 202, responses(202 = "Queued", 422 = "Refused"))]
async fn queue(order: Body<Order>) -> Result<Order, ApiError> {
    if order.0.id == 0 {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "order 0 is never queued",
        ));
    }
    Ok(order.0)
}

/// Forget an order.
#[ringback::delete("/orders/{id}")]
async fn forget(_id: Path<u64>) -> NoContent {
    NoContent
}

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
#[serde(rename_all = "camelCase")]
struct Job {
    status_url: String,
}

#[derive(serde::Serialize, ringback::Schema)]
struct Done {
    ok: bool,
}

#[derive(ringback::ApiResponse)]
enum StartJob {
    #[response(status = 202)]
    Started(Job),
    #[response(status = 303)]
    AlreadyDone {
        #[response(header = "Location")]
        location: String,
    },
}

/// Start a job; a `$response.body` callback reads the started job's `statusUrl`.
#[ringback::post("/jobs", callback(jobDone = "{$response.body#/statusUrl}", body = Done))]
async fn start_job(
    job: Body<Job>,
    job_done: Option<ringback::callback::CallbackTemplate<Done>>,
) -> StartJob {
    let _ = job_done;
    if job.0.status_url.ends_with("/done") {
        return StartJob::AlreadyDone {
            location: job.0.status_url,
        };
    }
    StartJob::Started(job.0)
}

fn api() -> Api<()> {
    Api::new("Responses", "1")
        .operation(get_order)
        .operation(health)
        .operation(logo)
        .operation(export)
        .operation(queue)
        .operation(forget)
        .operation(start_job)
}

struct Raw {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

async fn send(request: reqwest::RequestBuilder) -> Raw {
    let response = request.send().await.expect("the server answers");
    Raw {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("a body").to_vec(),
    }
}

async fn get(server: &Server, path: &str) -> Raw {
    send(reqwest::Client::new().get(server.url(path))).await
}

#[tokio::test]
async fn each_variant_answers_with_its_status_headers_and_body() {
    let server = Server::start(api().router(())).await;

    let found = get(&server, "/orders/42").await;
    assert_eq!(found.status, 200);
    assert_eq!(found.header("content-type"), Some("application/json"));
    assert_eq!(found.json(), json!({"id": 42}));

    let pending = get(&server, "/orders/1").await;
    assert_eq!(pending.status, 202);
    assert_eq!(pending.header("retry-after"), Some("5"));
    assert_eq!(pending.header("content-type"), None);
    assert!(pending.body.is_empty());

    let conflict = get(&server, "/orders/2").await;
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.header("x-conflict-with"), Some("/orders/3"));
    assert_eq!(conflict.header("content-type"), Some("application/json"));
    assert_eq!(conflict.json(), json!({"id": 2}));
    let without = get(&server, "/orders/3").await;
    assert_eq!(without.status, 409);
    assert_eq!(
        without.header("x-conflict-with"),
        None,
        "None sends no header"
    );

    let unreadable = get(&server, "/orders/4").await;
    assert_eq!(unreadable.status, 400);
    assert_eq!(unreadable.json(), json!({"reason": "torn"}));

    let gone = get(&server, "/orders/5").await;
    assert_eq!(gone.status, 410);
    assert_eq!(
        gone.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(gone.body, b"order 5 was deleted");

    let not_modified = get(&server, "/orders/6").await;
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());

    // `Result`'s error is still a problem, and ringback's own refusals still come first.
    let missing = get(&server, "/orders/7").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
    let invalid = get(&server, "/orders/x").await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn text_bytes_and_no_content_are_sent_as_such() {
    let server = Server::start(api().router(())).await;

    let up = get(&server, "/health").await;
    assert_eq!(up.status, 200);
    assert_eq!(up.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(up.body, b"ok");

    let png = get(&server, "/logo").await;
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert_eq!(png.body, b"\x89PNG");

    let raw = get(&server, "/export").await;
    assert_eq!(raw.status, 203);
    assert_eq!(raw.header("content-type"), Some("application/octet-stream"));
    assert_eq!(raw.body, [0, 1, 2]);

    let forgotten = send(reqwest::Client::new().delete(server.url("/orders/1"))).await;
    assert_eq!(forgotten.status, 204);
    assert!(forgotten.body.is_empty());
}

#[tokio::test]
async fn a_declared_status_replaces_200_and_leaves_errors_alone() {
    let server = Server::start(api().router(())).await;
    let post = |body: Value| {
        send(
            reqwest::Client::new()
                .post(server.url("/queue"))
                .json(&body),
        )
    };

    let queued = post(json!({"id": 9})).await;
    assert_eq!(queued.status, 202);
    assert_eq!(queued.json(), json!({"id": 9}));

    let refused = post(json!({"id": 0})).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.header("content-type"),
        Some("application/problem+json")
    );

    let invalid = post(json!({"id": "nine"})).await;
    assert_eq!(invalid.status, 400);
}

#[tokio::test]
async fn an_enum_without_a_200_answers_with_its_own_statuses() {
    let server = Server::start(api().router(())).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let start = |url: &str| {
        send(
            client
                .post(server.url("/jobs"))
                .json(&json!({"statusUrl": url})),
        )
    };
    let started = start("http://localhost/jobs/1").await;
    assert_eq!(started.status, 202);
    assert_eq!(
        started.json(),
        json!({"statusUrl": "http://localhost/jobs/1"})
    );
    let done = start("/jobs/1/done").await;
    assert_eq!(done.status, 303);
    assert_eq!(done.header("location"), Some("/jobs/1/done"));
    assert!(done.body.is_empty());
}

fn responses(doc: &Value, path: &str, method: &str) -> Value {
    doc["paths"][path][method]["responses"].clone()
}

#[test]
fn every_variant_is_documented_in_both_versions() {
    for version in [OpenApiVersion::V3_0_3, OpenApiVersion::V3_1_0] {
        let doc = api().document().to_json(version);
        let r = responses(&doc, "/orders/{id}", "get");
        let statuses: Vec<&str> = r.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            statuses,
            ["200", "202", "304", "400", "409", "410", "500"],
            "{version:?}"
        );

        assert_eq!(r["200"]["description"], "The order.");
        assert_eq!(
            r["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Order"
        );

        assert_eq!(r["202"]["description"], "Still being placed.");
        assert!(r["202"].get("content").is_none(), "{:#}", r["202"]);
        assert_eq!(
            r["202"]["headers"]["Retry-After"],
            json!({"description": "Seconds to wait.", "required": true, "schema": {"type": "string"}})
        );

        assert_eq!(
            r["409"]["headers"]["X-Conflict-With"],
            json!({"schema": {"type": "string", "format": "uri"}}),
            "an Option header is not required"
        );
        assert!(r["409"]["content"]["application/json"].is_object());

        // A variant at a status ringback also answers with shows both bodies.
        assert_eq!(r["400"]["description"], "The order cannot be read");
        assert_eq!(
            r["400"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Reason"
        );
        assert!(r["400"]["content"]["application/problem+json"].is_object());

        assert_eq!(r["410"]["description"], "Gone");
        assert_eq!(
            r["410"]["content"]["text/plain; charset=utf-8"]["schema"],
            json!({"type": "string"})
        );
        assert_eq!(r["304"]["description"], "Not Modified");
        assert!(r["304"].get("content").is_none());
    }
}

#[test]
fn text_bytes_no_content_and_a_declared_status_are_documented() {
    let v30 = api().document().to_json(OpenApiVersion::V3_0_3);
    let v31 = api().document().to_json(OpenApiVersion::V3_1_0);
    for doc in [&v30, &v31] {
        assert_eq!(
            responses(doc, "/health", "get")["200"]["content"],
            json!({"text/plain; charset=utf-8": {"schema": {"type": "string"}}})
        );
        let deleted = responses(doc, "/orders/{id}", "delete");
        assert_eq!(deleted["204"], json!({"description": "No Content"}));
        let queued = responses(doc, "/queue", "post");
        assert!(queued.get("200").is_none(), "{queued:#}");
        assert_eq!(queued["202"]["description"], "Queued");
        assert_eq!(
            queued["202"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Order"
        );
        assert!(queued["422"]["content"]["application/problem+json"].is_object());
        let raw = responses(doc, "/export", "get");
        assert_eq!(raw["203"]["description"], "Non Authoritative Information");
    }
    assert_eq!(
        responses(&v30, "/logo", "get")["200"]["content"],
        json!({"image/png": {"schema": {"type": "string", "format": "binary"}}})
    );
    assert_eq!(
        responses(&v31, "/logo", "get")["200"]["content"],
        json!({"image/png": {"schema": {"contentMediaType": "image/png"}}})
    );
    assert_eq!(
        responses(&v30, "/export", "get")["203"]["content"]["application/octet-stream"]["schema"],
        json!({"type": "string", "format": "binary"})
    );
}

#[test]
fn response_body_expressions_read_the_one_success_body() {
    assert!(<GetOrder as IntoApiResponse>::BODY.is_some());
    assert_eq!(<GetOrder as IntoApiResponse>::STATUS, 200);
    assert!(<Text as IntoApiResponse>::BODY.is_none());
    assert_eq!(<StartJob as IntoApiResponse>::STATUS, 202);
    let doc = api().document().to_json(OpenApiVersion::V3_1_0);
    let operation = &doc["paths"]["/jobs"]["post"];
    assert!(operation["callbacks"]["jobDone"]["{$response.body#/statusUrl}"].is_object());
    assert_eq!(
        operation["responses"]["303"]["headers"]["Location"]["required"],
        true
    );
}

#[tokio::test]
async fn the_served_documents_list_every_shape() {
    let server = Server::start(api().router(())).await;
    for query in ["", "?version=3.1"] {
        let doc = get(&server, &format!("/openapi.json{query}")).await.json();
        assert!(responses(&doc, "/orders/{id}", "get")["202"].is_object());
        assert!(responses(&doc, "/logo", "get")["200"]["content"]["image/png"].is_object());
    }
}
