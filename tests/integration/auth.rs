//! Authentication over real HTTP: every way a credential can be missing or wrong is answered
//! 401 (403 for missing scopes) before the handler runs, the principal reaches the handler,
//! and no credential reaches a log line.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ringback::auth::{
    ApiKey, Auth, Credential, Grant, HttpBasic, HttpBearer, OAuth2, Refusal, Requirement, Secrets,
};
use ringback::openapi::OpenApiVersion;
use ringback::{Api, ApiError, Body, Schema};
use serde::Deserialize;
use serde_json::json;

use crate::server::{Reply, Server};

#[derive(Debug, Clone, PartialEq)]
struct Customer {
    name: &'static str,
}

const GOOD: &str = "good-token-0123";
const READER: &str = "reader-token-4567";
const EXPIRED: &str = "expired-token-89";
const API_KEY: &str = "key-abcdef-123456";

async fn verify_token(credential: Credential) -> Result<Grant<Customer>, Refusal> {
    match credential.secret().expose() {
        GOOD => Ok(Grant::new(Customer { name: "ada" }).with_scopes(["orders:write"])),
        READER => Ok(Grant::new(Customer { name: "bob" }).with_scopes(["orders:read"])),
        EXPIRED => Err(Refusal::expired()),
        _ => Err(Refusal::invalid("the token is not known")),
    }
}

async fn verify_password(credential: Credential) -> Result<Grant<Customer>, Refusal> {
    match &credential {
        Credential::Basic { user, password } if user == "ada" && password.expose() == "pa:ss" => {
            Ok(Grant::new(Customer { name: "ada" }))
        }
        _ => Err(Refusal::invalid("wrong user or password")),
    }
}

static RAN: AtomicUsize = AtomicUsize::new(0);

/// Who am I?
#[ringback::get("/me", responses(200 = "The caller"))]
async fn me(caller: Auth<Customer>) -> String {
    RAN.fetch_add(1, Ordering::SeqCst);
    caller.0.name.to_owned()
}

#[derive(Deserialize, Schema)]
struct Order {
    #[schema(minimum = 1)]
    quantity: u32,
}

/// Place an order.
#[ringback::post("/orders", security(oauth = ["orders:write"]), responses(200 = "Placed"))]
async fn place(caller: Auth<Customer>, order: Body<Order>) -> Result<String, ApiError> {
    RAN.fetch_add(1, Ordering::SeqCst);
    Ok(format!("{} x{}", caller.0.name, order.0.quantity))
}

/// By key.
#[ringback::get("/keyed", security(api_key), responses(200 = "The caller"))]
async fn keyed(caller: Auth<Customer>) -> String {
    RAN.fetch_add(1, Ordering::SeqCst);
    caller.0.name.to_owned()
}

/// By password, or by token.
#[ringback::get("/either", security(basic), security(bearer), responses(200 = "The caller"))]
async fn either(caller: Auth<Customer>) -> String {
    RAN.fetch_add(1, Ordering::SeqCst);
    caller.0.name.to_owned()
}

/// Is it up?
#[ringback::get("/health", public, responses(200 = "Up"))]
async fn health() -> String {
    "up".to_owned()
}

fn api() -> Api<()> {
    Api::new("Shop", "1.0")
        .security_scheme("bearer", HttpBearer::new(), verify_token)
        .security_scheme("basic", HttpBasic::new(), verify_password)
        .security_scheme(
            "oauth",
            OAuth2::client_credentials(
                "https://auth.example.com/token",
                [
                    ("orders:write", "Place orders"),
                    ("orders:read", "Read orders"),
                ],
            ),
            verify_token,
        )
        .security_scheme(
            "api_key",
            ApiKey::header("X-Api-Key"),
            Secrets::new().with(API_KEY, Customer { name: "key holder" }),
        )
        .default_security(Requirement::scheme("bearer"))
        .operation(me)
        .operation(place)
        .operation(keyed)
        .operation(either)
        .operation(health)
}

/// Every log line written while it is installed on this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<String>>);

impl tracing::Subscriber for Captured {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Line<'a>(&'a mut String);
        impl tracing::field::Visit for Line<'_> {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                let _ = write!(self.0, " {}={:?}", field.name(), value);
            }
        }
        let mut out = self.0.lock().unwrap();
        event.record(&mut Line(&mut out));
        out.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

async fn call(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> Reply {
    let client = reqwest::Client::new();
    let mut request = client.request(method.parse().unwrap(), server.url(path));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    Reply::from(request.send().await.unwrap()).await
}

fn challenges(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

// A current-thread runtime, so that the server's tasks log on the thread the subscriber is on.
#[tokio::test(flavor = "current_thread")]
async fn every_wrong_credential_is_refused_before_the_handler_and_never_logged() {
    let logs = Captured::default();
    let _guard = tracing::subscriber::set_default(logs.clone());
    let server = Server::start(api().router(())).await;
    let before = RAN.load(Ordering::SeqCst);

    // Missing.
    let reply = call(&server, "GET", "/me", &[], None).await;
    reply.problem(401);
    assert_eq!(challenges(&reply), ["Bearer realm=\"Shop\""]);
    assert!(
        reply.json["detail"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer"),
        "{}",
        reply.json
    );

    // Malformed: no token, two tokens, characters a token cannot have, another scheme.
    for bad in ["Bearer", "Bearer a b", "Bearer tok\"en", "Bearer ==="] {
        let reply = call(&server, "GET", "/me", &[("authorization", bad)], None).await;
        reply.problem(401);
        let challenge = &challenges(&reply)[0];
        assert!(
            challenge.contains("error=\"invalid_request\""),
            "{bad}: {challenge}"
        );
    }
    let reply = call(
        &server,
        "GET",
        "/me",
        &[("authorization", "Basic YWRhOnBhOnNz")],
        None,
    )
    .await;
    reply.problem(401);
    assert_eq!(challenges(&reply), ["Bearer realm=\"Shop\""]);

    // Expired and wrong.
    let reply = call(
        &server,
        "GET",
        "/me",
        &[("authorization", &format!("Bearer {EXPIRED}"))],
        None,
    )
    .await;
    reply.problem(401);
    assert_eq!(reply.json["detail"], "the credential has expired");
    assert!(challenges(&reply)[0].contains("error=\"invalid_token\""));
    let reply = call(
        &server,
        "GET",
        "/me",
        &[("authorization", "Bearer wrong-token-000")],
        None,
    )
    .await;
    reply.problem(401);
    assert_eq!(reply.json["detail"], "the token is not known");

    // Authentication comes before the body is read: an invalid body without a token is 401.
    let reply = call(
        &server,
        "POST",
        "/orders",
        &[],
        Some(json!({"quantity": 0})),
    )
    .await;
    reply.problem(401);
    // Missing scope: 403, naming the scope.
    let reader = format!("Bearer {READER}");
    let reply = call(
        &server,
        "POST",
        "/orders",
        &[("authorization", &reader)],
        Some(json!({"quantity": 2})),
    )
    .await;
    reply.problem(403);
    assert_eq!(
        challenges(&reply),
        ["Bearer realm=\"Shop\", error=\"insufficient_scope\", scope=\"orders:write\""]
    );

    // API keys: missing, wrong (compared in constant time by `Secrets`), twice.
    call(&server, "GET", "/keyed", &[], None).await.problem(401);
    call(
        &server,
        "GET",
        "/keyed",
        &[("x-api-key", "key-abcdef-123457")],
        None,
    )
    .await
    .problem(401);
    let reply = call(&server, "GET", "/keyed", &[("x-api-key", "")], None).await;
    reply.problem(401);
    // Either basic or bearer: both challenges, the first refusal's reason.
    let reply = call(&server, "GET", "/either", &[], None).await;
    reply.problem(401);
    assert_eq!(
        challenges(&reply),
        [
            "Basic realm=\"Shop\", charset=\"UTF-8\"",
            "Bearer realm=\"Shop\""
        ]
    );
    let reply = call(
        &server,
        "GET",
        "/either",
        &[("authorization", "Basic YWRhOndyb25n")],
        None,
    )
    .await;
    reply.problem(401);
    assert_eq!(reply.json["detail"], "wrong user or password");

    assert_eq!(
        RAN.load(Ordering::SeqCst),
        before,
        "a refused request ran a handler"
    );

    // The right credentials reach the handler with their principal.
    let good = format!("Bearer {GOOD}");
    let reply = call(&server, "GET", "/me", &[("authorization", &good)], None).await;
    assert_eq!((reply.status, reply.json.clone()), (200, json!("ada")));
    let reply = call(
        &server,
        "POST",
        "/orders",
        &[("authorization", &good)],
        Some(json!({"quantity": 2})),
    )
    .await;
    assert_eq!((reply.status, reply.json.clone()), (200, json!("ada x2")));
    let reply = call(
        &server,
        "POST",
        "/orders",
        &[("authorization", &good)],
        Some(json!({"quantity": 0})),
    )
    .await;
    reply.problem(400);
    let reply = call(&server, "GET", "/keyed", &[("x-api-key", API_KEY)], None).await;
    assert_eq!(reply.json, json!("key holder"));
    // "ada:pa:ss": the password may hold a colon.
    let reply = call(
        &server,
        "GET",
        "/either",
        &[("authorization", "Basic YWRhOnBhOnNz")],
        None,
    )
    .await;
    assert_eq!(reply.json, json!("ada"));
    let reply = call(&server, "GET", "/health", &[], None).await;
    assert_eq!(reply.json, json!("up"));

    let logs = logs.0.lock().unwrap().clone();
    assert!(
        logs.contains("request refused"),
        "refusals are logged: {logs}"
    );
    for secret in [
        GOOD,
        READER,
        EXPIRED,
        API_KEY,
        "wrong-token-000",
        "key-abcdef-123457",
        "YWRhOnBhOnNz",
        "pa:ss",
        "YWRhOndyb25n",
    ] {
        assert!(!logs.contains(secret), "`{secret}` is in the log:\n{logs}");
    }
}

#[test]
fn requirements_schemes_and_refusals_are_documented_in_both_versions() {
    let doc = api().document();
    for version in [OpenApiVersion::V3_0_3, OpenApiVersion::V3_1_0] {
        let json = doc.to_json(version);
        assert_eq!(json["security"], json!([{"bearer": []}]));
        let schemes = &json["components"]["securitySchemes"];
        assert_eq!(
            schemes["bearer"],
            json!({"type": "http", "scheme": "bearer"})
        );
        assert_eq!(schemes["basic"], json!({"type": "http", "scheme": "basic"}));
        assert_eq!(
            schemes["api_key"],
            json!({"type": "apiKey", "name": "X-Api-Key", "in": "header"})
        );
        assert_eq!(
            schemes["oauth"]["flows"]["clientCredentials"]["tokenUrl"],
            "https://auth.example.com/token"
        );
        let paths = &json["paths"];
        // Inherited: no `security` of its own, but its 401 is listed.
        assert!(paths["/me"]["get"].get("security").is_none());
        assert!(paths["/me"]["get"]["responses"]["401"].is_object());
        assert!(paths["/me"]["get"]["responses"].get("403").is_none());
        assert_eq!(
            paths["/orders"]["post"]["security"],
            json!([{"oauth": ["orders:write"]}])
        );
        assert!(paths["/orders"]["post"]["responses"]["403"].is_object());
        assert_eq!(
            paths["/either"]["get"]["security"],
            json!([{"basic": []}, {"bearer": []}])
        );
        assert_eq!(paths["/health"]["get"]["security"], json!([]));
        assert!(paths["/health"]["get"]["responses"].get("401").is_none());
        // The doc comment's one line is the summary.
        assert_eq!(paths["/me"]["get"]["summary"], "Who am I?");
        assert!(paths["/me"]["get"].get("description").is_none());
    }
}

/// Someone else's.
#[ringback::get("/other", responses(200 = "Them"))]
async fn other(caller: Auth<u64>) -> String {
    caller.0.to_string()
}

#[test]
fn requirements_that_cannot_be_enforced_are_refused_when_the_router_is_built() {
    // `Auth<P>` with nothing to authenticate it.
    let invalid = Api::<()>::new("Shop", "1")
        .operation(me)
        .try_router(())
        .unwrap_err()
        .to_string();
    assert!(
        invalid.contains("/paths/~1me/get/security: the handler takes `Auth<"),
        "{invalid}"
    );
    assert!(
        invalid.contains("set the Api's `default_security`"),
        "{invalid}"
    );

    // A principal the scheme does not give.
    let invalid = api()
        .operation(other)
        .try_router(())
        .unwrap_err()
        .to_string();
    assert!(
        invalid.contains("the handler takes `Auth<u64>`, but the scheme `bearer` verifies to"),
        "{invalid}"
    );

    // Scopes on a scheme that has none, and a scope the OAuth 2.0 scheme does not define.
    let invalid = api()
        .default_security(
            Requirement::scheme("bearer")
                .scopes(["x"])
                .or(Requirement::scheme("oauth").scopes(["orders:delete"])),
        )
        .try_router(())
        .unwrap_err()
        .to_string();
    assert!(
        invalid.contains("/security: the scheme `bearer` has no scopes"),
        "{invalid}"
    );
    assert!(
        invalid
            .contains("the scope `orders:delete` is not one the OAuth 2.0 scheme `oauth` defines"),
        "{invalid}"
    );
}
