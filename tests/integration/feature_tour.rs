//! One API that uses every feature a document can show: the schema-name cases (generic types,
//! tagged enums with discriminators, query structs), every security scheme with requirements,
//! alternatives, scopes and a public operation, response enums with headers, text, bytes, a
//! declared success status, a callback whose target is a header, an extractor of the
//! application's own that documents itself, and summaries from doc comments. `.ci/validate-openapi`
//! runs the three external validators on it; Spectral must not even warn.

use ringback::auth::{
    ApiKey, Auth, Credential, Grant, HttpBasic, HttpBearer, OAuth2, OpenIdConnect, Refusal,
    Requirement, Secrets,
};
use ringback::openapi::OpenApiVersion;
use ringback::server::BytesMediaType;

use crate::extractors::Tenant;
use ringback::{Api, ApiError, Body, Bytes, Callback, Path, Schema, Text};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
struct Ticket {
    #[schema(read_only)]
    id: Option<u64>,
    #[schema(min_length = 1, max_length = 200)]
    title: String,
}

#[derive(Serialize, Deserialize, Schema)]
struct Closed {
    id: u64,
}

#[derive(ringback::ApiResponse)]
enum GetTicket {
    /// The ticket.
    #[response(status = 200)]
    Found(Ticket),
    /// Still being filed; ask again later.
    #[response(status = 202)]
    Pending {
        #[response(header = "Retry-After", description = "Seconds to wait.")]
        retry_after: u32,
    },
    /// The ticket was merged into another.
    #[response(status = 303)]
    Merged {
        #[response(
            header = "Location",
            description = "The ticket it was merged into.",
            format = "uri"
        )]
        location: String,
    },
}

struct Png;
impl BytesMediaType for Png {
    const MEDIA_TYPE: &'static str = "image/png";
}

/// File a ticket
///
/// Files a ticket for the caller's tenant; when a callback URL is given in `X-Callback-Url`,
/// calls it back once the ticket is closed.
#[ringback::post("/tickets", tag = "Tickets", status = 202,
    responses(409 = "A ticket with this title is open"),
    callback(closed = "{$request.header.X-Callback-Url}", description = "The ticket was closed", responses(200 = "Okay")))]
async fn file_ticket(
    caller: Auth<String>,
    tenant: Tenant,
    ticket: Body<Ticket>,
    closed: Option<Callback<Closed>>,
) -> Result<Ticket, ApiError> {
    let _ = (caller, tenant.0, closed);
    Ok(ticket.0)
}

/// Get a ticket
///
/// The ticket as filed, while it is being filed, or where it went.
#[ringback::get("/tickets/{id}", tag = "Tickets", security(oauth = ["tickets:read"]), security(api_key, basic))]
async fn get_ticket(caller: Auth<String>, id: Path<u64>) -> Result<GetTicket, ApiError> {
    let _ = caller;
    Ok(match id.0 {
        1 => GetTicket::Pending { retry_after: 5 },
        2 => GetTicket::Merged {
            location: "/tickets/1".to_owned(),
        },
        n => GetTicket::Found(Ticket {
            id: Some(n),
            title: "t".to_owned(),
        }),
    })
}

/// Service status
///
/// Whether the service is up, as plain text; needs no credentials.
#[ringback::get("/status", tag = "Service", public)]
async fn status() -> Text {
    Text::from("up")
}

/// Service logo
///
/// The logo, as PNG bytes.
#[ringback::get("/logo", tag = "Service", security(openid))]
async fn logo(caller: Auth<String>) -> Bytes<Png> {
    let _ = caller;
    Bytes::new(vec![0x89, b'P', b'N', b'G'])
}

async fn verify(_: Credential) -> Result<Grant<String>, Refusal> {
    Err(Refusal::invalid("this tour accepts no credential"))
}

pub(crate) fn api() -> Api<()> {
    crate::schema_names::api()
        .tag("Tickets", "Tickets and their callbacks")
        .tag("Service", "The service itself")
        .security_scheme(
            "bearer",
            HttpBearer::new()
                .format("JWT")
                .describe("A JWT from the identity service."),
            verify,
        )
        .security_scheme(
            "basic",
            HttpBasic::new().describe("A user and password."),
            verify,
        )
        .security_scheme(
            "api_key",
            ApiKey::header("X-Api-Key").describe("A key from the account page."),
            Secrets::new().with("k", "key holder".to_owned()),
        )
        .security_scheme(
            "oauth",
            OAuth2::client_credentials(
                "https://auth.example.com/token",
                [("tickets:read", "Read tickets")],
            )
            .and(OAuth2::authorization_code(
                "https://auth.example.com/authorize",
                "https://auth.example.com/token",
                [("tickets:read", "Read tickets")],
            ))
            .describe("OAuth 2.0 tokens from the identity service."),
            verify,
        )
        .security_scheme(
            "openid",
            OpenIdConnect::new("https://auth.example.com/.well-known/openid-configuration")
                .describe("OpenID Connect."),
            verify,
        )
        .default_security(Requirement::scheme("bearer"))
        .operation(file_ticket)
        .operation(get_ticket)
        .operation(status)
        .operation(logo)
}

/// Writes both documents for `.ci/validate-openapi` when `RINGBACK_OPENAPI_OUT` names a
/// directory; checks in any case that the router accepts them and that they show each feature.
#[test]
fn documents_for_the_validators() {
    let doc = api().document();
    for (version, file) in [
        (OpenApiVersion::V3_0_3, "feature-tour-3.0.json"),
        (OpenApiVersion::V3_1_0, "feature-tour-3.1.json"),
    ] {
        let json = doc.to_json(version);
        let tickets = &json["paths"]["/tickets"]["post"];
        assert_eq!(tickets["summary"], "File a ticket");
        assert!(tickets["responses"]["202"].is_object(), "{tickets}");
        assert!(tickets["responses"]["401"].is_object());
        let names: Vec<&str> = tickets["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["X-Tenant", "X-Callback-Url"]);
        let get = &json["paths"]["/tickets/{id}"]["get"];
        assert!(get["responses"]["303"]["headers"]["Location"].is_object());
        assert!(get["responses"]["403"].is_object());
        assert_eq!(
            json["paths"]["/status"]["get"]["security"],
            serde_json::json!([])
        );
        assert_eq!(
            json["components"]["securitySchemes"]
                .as_object()
                .unwrap()
                .len(),
            5
        );
        if let Some(dir) = std::env::var_os("RINGBACK_OPENAPI_OUT") {
            std::fs::write(
                std::path::Path::new(&dir).join(file),
                doc.to_json_pretty(version),
            )
            .unwrap();
        }
    }
    let _router = api().try_router(()).unwrap();
}
