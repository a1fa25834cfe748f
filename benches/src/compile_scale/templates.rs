//! The source of the generated API, one template per variant. A crate's `lib.rs` is
//! `preamble`, then `item` once per operation, `open`, `member` once per operation, `close`;
//! `{i}` stands for the operation's number. Operation `i` is `POST /v1/thing{i}/{thingId}/items`
//! with a body of type `Thing{i}` (a readOnly `id`, five more properties, a list of
//! `Thing{i}Line` with a ranged `quantity` and an optional `note`), answered 201 with
//! `Location`.
//!
//! Every handler builds its `Location` from the same line, [`LOCATION`]; the incremental
//! build changes one word of it in operation 0.

/// A variant's source, in the parts `lib.rs` is assembled from.
pub struct Template {
    pub preamble: &'static str,
    pub item: &'static str,
    pub open: &'static str,
    pub member: &'static str,
    pub close: &'static str,
}

/// The line every handler builds its `Location` header with.
pub const LOCATION: &str = r#"let location = format!("/v1/thing{i}/{thing_id}/items/{id}");"#;

/// Plain axum, validated by hand as `benches/orders/axum` does: readOnly `id` stripped, every
/// range checked, every violation answered in one problem+json.
pub const AXUM: Template = Template {
    preamble: r#"use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

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

/// The path's `thingId`, or the 400 that says it is not a UUID.
fn thing_id(text: &str) -> Result<Uuid, Response> {
    text.parse().map_err(|_| {
        problem(
            StatusCode::BAD_REQUEST,
            "invalid path",
            vec![json!({"pointer": "", "message": "must be a uuid", "parameter": "thingId", "in": "path"})],
        )
    })
}

/// The request's JSON body, or the problem that refuses it.
fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, Response> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_type {
        return Err(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body must be application/json",
            vec![],
        ));
    }
    if body.len() > 1024 * 1024 {
        return Err(problem(StatusCode::PAYLOAD_TOO_LARGE, "too large", vec![]));
    }
    serde_json::from_slice(body).map_err(|e| {
        problem(
            StatusCode::BAD_REQUEST,
            "invalid JSON",
            vec![json!({"pointer": "", "message": e.to_string()})],
        )
    })
}

/// A typed body read from the JSON, or the 400 that says where serde failed.
fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Response> {
    serde_json::from_value(value).map_err(|e| {
        problem(
            StatusCode::BAD_REQUEST,
            "invalid body",
            vec![json!({"pointer": "", "message": e.to_string()})],
        )
    })
}

fn created<T: Serialize>(location: String, body: &T) -> Response {
    let mut r = (StatusCode::CREATED, serde_json::to_vec(body).unwrap()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
    r.headers_mut()
        .insert(header::LOCATION, location.parse().unwrap());
    r
}
"#,
    item: r#"
/// A thing{i}.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thing{i} {
    pub id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub owner_id: Uuid,
    pub priority: i32,
    #[serde(default)]
    pub lines: Vec<Thing{i}Line>,
}

/// One line of a thing{i}.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thing{i}Line {
    pub quantity: i32,
    pub note: Option<String>,
}

impl Thing{i} {
    fn violations(&self) -> Vec<Value> {
        let mut violations = Vec::new();
        if !(0..=9).contains(&self.priority) {
            violations.push(json!({"pointer": "/priority", "message": "must be between 0 and 9"}));
        }
        for (n, line) in self.lines.iter().enumerate() {
            if !(1..=999).contains(&line.quantity) {
                violations.push(json!({"pointer": format!("/lines/{n}/quantity"), "message": "must be between 1 and 999"}));
            }
        }
        violations
    }
}

/// Create a thing{i}
async fn create_thing{i}(Path(thing_id_text): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let thing_id = match thing_id(&thing_id_text) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let mut value = match json_body(&headers, &body) {
        Ok(value) => value,
        Err(refused) => return refused,
    };
    // readOnly properties, stripped.
    if let Some(o) = value.as_object_mut() {
        o.remove("id");
    }
    let mut thing: Thing{i} = match typed(value) {
        Ok(thing) => thing,
        Err(refused) => return refused,
    };
    let violations = thing.violations();
    if !violations.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "invalid body", violations);
    }
    let id = Uuid::new_v4();
    thing.id = Some(id);
    let location = format!("/v1/thing{i}/{thing_id}/items/{id}");
    created(location, &thing)
}
"#,
    open: r#"
/// The API's routes.
pub fn router() -> axum::Router {
    axum::Router::new()
"#,
    member: r#"        .route("/v1/thing{i}/{thingId}/items", post(create_thing{i}))
"#,
    close: "}\n",
};

/// poem-openapi, with its validators, `read_only`, and a problem+json for what it refuses.
pub const POEM: Template = Template {
    preamble: r#"use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, OpenApiService};
use uuid::Uuid;

/// An RFC 9457 problem.
#[derive(Debug, Object)]
pub struct Problem {
    #[oai(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
}

fn problem(e: poem::Error) -> Json<Problem> {
    Json(Problem {
        kind: "about:blank".into(),
        title: "Bad Request".into(),
        status: 400,
        detail: e.to_string(),
    })
}
"#,
    item: r#"
/// A thing{i}.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct Thing{i} {
    #[oai(read_only)]
    pub id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub owner_id: Uuid,
    #[oai(validator(minimum(value = "0"), maximum(value = "9")))]
    pub priority: i32,
    #[oai(default)]
    pub lines: Vec<Thing{i}Line>,
}

/// One line of a thing{i}.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct Thing{i}Line {
    #[oai(validator(minimum(value = "1"), maximum(value = "999")))]
    pub quantity: i32,
    pub note: Option<String>,
}

#[derive(ApiResponse)]
#[oai(bad_request_handler = "thing{i}_refused")]
pub enum Thing{i}Response {
    /// Created
    #[oai(status = 201)]
    Created(Json<Thing{i}>, #[oai(header = "Location")] String),
    /// Bad Request
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
}

fn thing{i}_refused(e: poem::Error) -> Thing{i}Response {
    Thing{i}Response::BadRequest(problem(e))
}
"#,
    open: r#"
/// The API.
pub struct ThingApi;

#[OpenApi]
impl ThingApi {
"#,
    member: r#"    /// Create a thing{i}
    #[oai(path = "/v1/thing{i}/:thingId/items", method = "post")]
    async fn create_thing{i}(
        &self,
        #[oai(name = "thingId")] thing_id: Path<Uuid>,
        thing: Json<Thing{i}>,
    ) -> Thing{i}Response {
        let Path(thing_id) = thing_id;
        let Json(mut thing) = thing;
        let id = Uuid::new_v4();
        thing.id = Some(id);
        let location = format!("/v1/thing{i}/{thing_id}/items/{id}");
        Thing{i}Response::Created(Json(thing), location)
    }

"#,
    close: r#"}

/// The API's routes.
pub fn app() -> poem::Route {
    let service = OpenApiService::new(ThingApi, "Things", "1.0");
    poem::Route::new().nest("/", service)
}
"#,
};

const RINGBACK_PREAMBLE: &str = r#"use ringback::{Api, Body, Created, Path, Schema};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
"#;

/// ringback: validation, readOnly stripping and problem+json come from the derive and the
/// operation macro.
pub const RINGBACK: Template = Template {
    preamble: RINGBACK_PREAMBLE,
    item: r#"
/// A thing{i}.
#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct Thing{i} {
    #[schema(read_only)]
    pub id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub owner_id: Uuid,
    #[schema(minimum = 0, maximum = 9)]
    pub priority: i32,
    #[serde(default)]
    pub lines: Vec<Thing{i}Line>,
}

/// One line of a thing{i}.
#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct Thing{i}Line {
    #[schema(minimum = 1, maximum = 999)]
    pub quantity: i32,
    pub note: Option<String>,
}

/// Create a thing{i}
#[ringback::post("/v1/thing{i}/{thingId}/items", responses(201 = "Created"))]
pub async fn create_thing{i}(thing_id: Path<Uuid>, thing: Body<Thing{i}>) -> Created<Thing{i}> {
    let Path(thing_id) = thing_id;
    let Body(mut thing) = thing;
    let id = Uuid::new_v4();
    thing.id = Some(id);
    let location = format!("/v1/thing{i}/{thing_id}/items/{id}");
    Created::new(location, thing)
}
"#,
    open: r#"
/// The API.
pub fn api() -> Api<()> {
    Api::new("Things", "1.0")
"#,
    member: "        .operation(create_thing{i})\n",
    close: r#"}

/// The API's routes.
pub fn router() -> axum::Router {
    api().router(())
}
"#,
};

/// ringback with a callback on every operation: a `callbackUrl` property it is resolved from,
/// an `Option<Callback<ThingChanged>>` argument, and the handler sending it through the
/// dispatcher in the API's state.
pub const CALLBACKS: Template = Template {
    preamble: r#"use ringback::dispatch::Dispatcher;
use ringback::{Api, ApiError, Body, Callback, Created, Path, Schema, State};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The body of every operation's callback.
#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct ThingChanged {
    pub id: Uuid,
    pub status: String,
}
"#,
    item: r#"
/// A thing{i}.
#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct Thing{i} {
    #[schema(read_only)]
    pub id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub owner_id: Uuid,
    #[schema(minimum = 0, maximum = 9)]
    pub priority: i32,
    #[serde(default)]
    pub lines: Vec<Thing{i}Line>,
    /// Where the service calls back when the thing changes.
    #[schema(format = "uri")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// One line of a thing{i}.
#[derive(Debug, Clone, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct Thing{i}Line {
    #[schema(minimum = 1, maximum = 999)]
    pub quantity: i32,
    pub note: Option<String>,
}

/// Create a thing{i}
#[ringback::post(
    "/v1/thing{i}/{thingId}/items",
    responses(201 = "Created"),
    callback(thing{i}Changed = "{$request.body#/callbackUrl}", responses(200 = "Received"))
)]
pub async fn create_thing{i}(
    callbacks: State<Dispatcher>,
    thing_id: Path<Uuid>,
    thing: Body<Thing{i}>,
    on_change: Option<Callback<ThingChanged>>,
) -> Result<Created<Thing{i}>, ApiError> {
    let Path(thing_id) = thing_id;
    let Body(mut thing) = thing;
    let id = Uuid::new_v4();
    thing.id = Some(id);
    if let Some(on_change) = &on_change {
        let change = ThingChanged { id, status: "CREATED".into() };
        callbacks.send(on_change, &change).await.map_err(ApiError::internal)?;
    }
    let location = format!("/v1/thing{i}/{thing_id}/items/{id}");
    Ok(Created::new(location, thing))
}
"#,
    open: r#"
/// The API.
pub fn api() -> Api<Dispatcher> {
    Api::new("Things", "1.0")
"#,
    member: "        .operation(create_thing{i})\n",
    close: r#"}

/// The API's routes, sending callbacks through `callbacks`.
pub fn router(callbacks: Dispatcher) -> axum::Router {
    api().router(callbacks)
}
"#,
};
