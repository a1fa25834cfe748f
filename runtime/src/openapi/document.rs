//! The document and its parts: info, tags, paths, operations, parameters, bodies, responses,
//! headers and callbacks.

use std::collections::BTreeMap;

use super::{Components, SchemaObject};

/// An OpenAPI document.
///
/// ```
/// use ringback::{Schema, openapi::{Document, OpenApiVersion}};
/// #[derive(ringback::Schema)]
/// struct Pet { name: String }
///
/// let mut doc = Document::new("Pets", "1.0");
/// Pet::schema(&mut doc.components);
/// let json = doc.to_json(OpenApiVersion::V3_1_0);
/// assert_eq!(json["openapi"], "3.1.0");
/// assert_eq!(json["components"]["schemas"]["Pet"]["required"][0], "name");
/// let yaml = doc.to_yaml(OpenApiVersion::V3_0_3);
/// assert!(yaml.starts_with("openapi: \"3.0.3\"\ninfo:"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Title, version and description.
    pub info: Info,
    /// Tags with their descriptions.
    pub tags: Vec<Tag>,
    /// Where the API is served.
    pub servers: Vec<Server>,
    /// Operations by path template.
    pub paths: BTreeMap<String, PathItem>,
    /// Webhooks by event name: what the API sends to subscribers it chooses. OpenAPI 3.1.0
    /// writes them under `webhooks`; 3.0.3 has no such field, so they are written under the
    /// `x-webhooks` extension (the name Redoc reads), which keeps the document valid.
    pub webhooks: BTreeMap<String, PathItem>,
    /// Named schemas.
    pub components: Components,
    /// Security schemes by name (`components.securitySchemes`).
    pub security_schemes: BTreeMap<String, super::NamedScheme>,
    /// The requirement of every operation that does not name its own (`security`).
    pub security: super::SecurityRequirement,
}

/// The document's `info` object.
#[derive(Debug, Clone, Default)]
pub struct Info {
    /// The API's title.
    pub title: String,
    /// The API's version (not the OpenAPI version).
    pub version: String,
    /// A description.
    pub description: Option<String>,
    /// Who to contact about the API.
    pub contact: Option<Contact>,
}

/// The `info.contact` object.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    /// A person or team.
    pub name: Option<String>,
    /// A web page.
    pub url: Option<String>,
    /// An email address.
    pub email: Option<String>,
}

/// A server the API is served from.
#[derive(Debug, Clone, Default)]
pub struct Server {
    /// Its URL.
    pub url: String,
    /// What it is.
    pub description: Option<String>,
}

/// A tag and its description.
#[derive(Debug, Clone, Default)]
pub struct Tag {
    /// The tag's name.
    pub name: String,
    /// What the tag groups.
    pub description: Option<String>,
}

/// The operations at one path, by method.
#[derive(Debug, Clone, Default)]
pub struct PathItem {
    /// The operations, by method.
    pub operations: BTreeMap<Method, Operation>,
}

/// An HTTP method that an operation can have.
///
/// Each variant is named as its operation attribute (`#[ringback::post]`) with a capital
/// first letter: the macros write the variant from the attribute's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
}

impl Method {
    /// The lower-case key used in a path item.
    pub fn as_key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Patch => "patch",
        }
    }
}

/// One operation.
#[derive(Debug, Clone, Default)]
pub struct Operation {
    /// Tags.
    pub tags: Vec<String>,
    /// A short summary.
    pub summary: Option<String>,
    /// A longer description.
    pub description: Option<String>,
    /// The unique operation id.
    pub operation_id: Option<String>,
    /// Path, query and header parameters.
    pub parameters: Vec<Parameter>,
    /// The request body.
    pub request_body: Option<RequestBody>,
    /// Responses by status code (`"201"`) or `"default"`.
    pub responses: BTreeMap<String, Response>,
    /// Callbacks by name, then by expression.
    pub callbacks: BTreeMap<String, BTreeMap<String, PathItem>>,
    /// Whether the operation is deprecated.
    pub deprecated: bool,
    /// The operation's own security requirement: each map is one alternative. `None`, the
    /// document's applies; `Some` and empty, the operation is public.
    pub security: Option<super::SecurityRequirement>,
}

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum ParameterLocation {
    /// A path template segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Where it is.
    pub location: ParameterLocation,
    /// Whether it must be present.
    pub required: bool,
    /// What it means.
    pub description: Option<String>,
    /// Its schema.
    pub schema: SchemaObject,
    /// Whether it is deprecated.
    pub deprecated: bool,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// What it is.
    pub description: Option<String>,
    /// Whether it must be sent.
    pub required: bool,
    /// Media types and their schemas.
    pub content: BTreeMap<String, MediaType>,
}

/// A media type's schema.
#[derive(Debug, Clone)]
pub struct MediaType {
    /// The schema of the content.
    pub schema: SchemaObject,
}

/// A response.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// What it means (required by OpenAPI).
    pub description: String,
    /// Headers by name.
    pub headers: BTreeMap<String, Header>,
    /// Media types and their schemas.
    pub content: BTreeMap<String, MediaType>,
}

/// A response header.
#[derive(Debug, Clone)]
pub struct Header {
    /// What it means.
    pub description: Option<String>,
    /// Whether it is always sent.
    pub required: bool,
    /// Its schema.
    pub schema: SchemaObject,
}

impl Document {
    /// An empty document with the given title and API version.
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        Document {
            info: Info {
                title: title.into(),
                version: version.into(),
                description: None,
                contact: None,
            },
            ..Self::default()
        }
    }
}
