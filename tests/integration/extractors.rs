//! Any axum `FromRequestParts` extractor as a handler argument, over real HTTP: its value
//! reaches the handler, its rejection is answered as problem+json without running the handler,
//! and it is documented only when its type says how.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{ConnectInfo, Extension, FromRequestParts};
use ringback::openapi::{
    Components, OpenApiVersion, Operation, Parameter, ParameterLocation, SchemaObject,
};
use ringback::server::Documented;
use ringback::{Api, ApiError, Body, Path, Schema};
use serde::Deserialize;
use serde_json::json;

use crate::server::{Reply, Server};

/// The tenant a request is for, from `X-Tenant`: the application's own extractor.
pub(crate) struct Tenant(pub(crate) String);

impl<S: Sync> FromRequestParts<S> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut http::request::Parts, _: &S) -> Result<Self, ApiError> {
        match parts.headers.get("x-tenant").and_then(|v| v.to_str().ok()) {
            Some(tenant) if !tenant.is_empty() => Ok(Tenant(tenant.to_owned())),
            _ => Err(ApiError::new(
                http::StatusCode::UNAUTHORIZED,
                "send the X-Tenant header",
            )),
        }
    }
}

impl Documented for Tenant {
    fn document(operation: &mut Operation, _: &mut Components) {
        operation.parameters.push(Parameter {
            name: "X-Tenant".to_owned(),
            location: ParameterLocation::Header,
            required: true,
            description: Some("The tenant the request is for.".to_owned()),
            schema: SchemaObject::string(None),
            deprecated: false,
        });
    }
}

/// An extractor that documents nothing, whose rejection is plain text with a header of its own.
struct Flag;

impl<S: Sync> FromRequestParts<S> for Flag {
    type Rejection = (
        http::StatusCode,
        [(&'static str, &'static str); 1],
        &'static str,
    );

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key("x-flag") {
            Ok(Flag)
        } else {
            Err((
                http::StatusCode::PRECONDITION_FAILED,
                [("x-flag-help", "send X-Flag: 1")],
                "the X-Flag header is missing",
            ))
        }
    }
}

#[derive(Clone)]
struct Greeting(&'static str);

#[derive(Deserialize, Schema)]
struct Note {
    #[schema(min_length = 1)]
    text: String,
}

static RAN: AtomicUsize = AtomicUsize::new(0);

/// Write a note.
#[ringback::post("/tenants/{id}/notes", responses(200 = "Written"))]
async fn write_note(
    tenant: Tenant,
    id: Path<u32>,
    Extension(greeting): Extension<Greeting>,
    _flag: Flag,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    note: Body<Note>,
) -> Result<String, ApiError> {
    RAN.fetch_add(1, Ordering::SeqCst);
    Ok(format!(
        "{} {} #{}: {} (from {})",
        greeting.0,
        tenant.0,
        id.0,
        note.0.text,
        peer.ip()
    ))
}

fn api() -> Api<()> {
    Api::new("Notes", "1").operation(write_note)
}

async fn start() -> Server {
    let router = api().router(()).layer(Extension(Greeting("hello")));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Server::from_parts(addr, task)
}

async fn post(server: &Server, headers: &[(&str, &str)], body: serde_json::Value) -> Reply {
    let mut request = reqwest::Client::new()
        .post(server.url("/tenants/7/notes"))
        .json(&body);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    Reply::from(request.send().await.unwrap()).await
}

#[tokio::test]
async fn foreign_extractors_run_as_axum_runs_them() {
    let server = start().await;
    let reply = post(
        &server,
        &[("x-tenant", "acme"), ("x-flag", "1")],
        json!({"text": "hi"}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json, json!("hello acme #7: hi (from 127.0.0.1)"));

    let before = RAN.load(Ordering::SeqCst);
    // The application's rejection, already problem+json, is kept.
    let reply = post(&server, &[("x-flag", "1")], json!({"text": "hi"})).await;
    reply.problem(401);
    assert_eq!(reply.json["detail"], "send the X-Tenant header");
    // A plain-text rejection becomes a problem with its status and text, and keeps its headers.
    let reply = post(&server, &[("x-tenant", "acme")], json!({"text": "hi"})).await;
    reply.problem(412);
    assert_eq!(reply.json["detail"], "the X-Flag header is missing");
    assert_eq!(reply.headers["x-flag-help"], "send X-Flag: 1");
    assert_eq!(reply.headers["content-type"], "application/problem+json");
    // A refusal that is not 400 wins over the body's violations, with its headers.
    let reply = post(&server, &[("x-tenant", "acme")], json!({"text": ""})).await;
    reply.problem(412);
    assert_eq!(reply.headers["x-flag-help"], "send X-Flag: 1");
    assert_eq!(
        RAN.load(Ordering::SeqCst),
        before,
        "a refused request ran the handler"
    );
}

#[tokio::test]
async fn a_missing_extension_is_a_server_error_as_problem_json() {
    // Served without the `Extension` layer: axum's rejection is a 500.
    let server = Server::start(api().router(())).await;
    let reply = post(
        &server,
        &[("x-tenant", "acme"), ("x-flag", "1")],
        json!({"text": "hi"}),
    )
    .await;
    reply.problem(500);
}

#[test]
fn only_extractors_that_say_so_are_documented() {
    let doc = api().document().to_json(OpenApiVersion::V3_0_3);
    let op = &doc["paths"]["/tenants/{id}/notes"]["post"];
    let names: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["X-Tenant", "id"]);
    assert_eq!(op["summary"], "Write a note.");
}
