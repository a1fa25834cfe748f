//! The document and its parts: info, tags, paths, operations, parameters, bodies, responses,
//! headers and callbacks.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{Components, OpenApiVersion, SchemaObject};

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
/// assert!(yaml.starts_with("openapi: 3.0.3"));
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
    /// Named schemas.
    pub components: Components,
    /// Security schemes by name (`components.securitySchemes`), as OpenAPI writes them.
    pub security_schemes: BTreeMap<String, Value>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// Security requirements: each map is one alternative.
    pub security: Vec<BTreeMap<String, Vec<String>>>,
}

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// The document as JSON for `version`.
    pub fn to_json(&self, version: OpenApiVersion) -> Value {
        let mut info = Map::new();
        info.insert("title".into(), self.info.title.clone().into());
        if let Some(d) = &self.info.description {
            info.insert("description".into(), d.clone().into());
        }
        if let Some(c) = &self.info.contact {
            let mut contact = Map::new();
            for (key, value) in [("name", &c.name), ("url", &c.url), ("email", &c.email)] {
                if let Some(v) = value {
                    contact.insert(key.into(), v.clone().into());
                }
            }
            info.insert("contact".into(), Value::Object(contact));
        }
        info.insert("version".into(), self.info.version.clone().into());

        let mut doc = Map::new();
        doc.insert("openapi".into(), version.as_str().into());
        doc.insert("info".into(), Value::Object(info));
        if !self.servers.is_empty() {
            let servers = self
                .servers
                .iter()
                .map(|s| {
                    let mut server = Map::new();
                    server.insert("url".into(), s.url.clone().into());
                    if let Some(d) = &s.description {
                        server.insert("description".into(), d.clone().into());
                    }
                    Value::Object(server)
                })
                .collect();
            doc.insert("servers".into(), Value::Array(servers));
        }
        if !self.tags.is_empty() {
            let tags = self
                .tags
                .iter()
                .map(|t| {
                    let mut tag = Map::new();
                    tag.insert("name".into(), t.name.clone().into());
                    if let Some(d) = &t.description {
                        tag.insert("description".into(), d.clone().into());
                    }
                    Value::Object(tag)
                })
                .collect();
            doc.insert("tags".into(), Value::Array(tags));
        }
        let paths: Map<String, Value> = self
            .paths
            .iter()
            .map(|(path, item)| (path.clone(), item.to_json(version)))
            .collect();
        doc.insert("paths".into(), Value::Object(paths));
        let schemas: Map<String, Value> = self
            .components
            .schemas()
            .map(|(name, schema)| (name.to_owned(), schema.to_json(version)))
            .collect();
        let mut components = Map::new();
        if !schemas.is_empty() {
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if !self.security_schemes.is_empty() {
            components.insert("securitySchemes".into(), json!(self.security_schemes));
        }
        if !components.is_empty() {
            doc.insert("components".into(), Value::Object(components));
        }
        Value::Object(doc)
    }

    /// The document as YAML for `version`.
    pub fn to_yaml(&self, version: OpenApiVersion) -> String {
        serde_yaml_ng::to_string(&self.to_json(version))
            .expect("a JSON value always serializes as YAML")
    }
}

impl PathItem {
    fn to_json(&self, version: OpenApiVersion) -> Value {
        Value::Object(
            self.operations
                .iter()
                .map(|(method, op)| (method.as_key().to_owned(), op.to_json(version)))
                .collect(),
        )
    }
}

impl Operation {
    fn to_json(&self, version: OpenApiVersion) -> Value {
        let mut op = Map::new();
        if !self.tags.is_empty() {
            op.insert("tags".into(), self.tags.clone().into());
        }
        if let Some(s) = &self.summary {
            op.insert("summary".into(), s.clone().into());
        }
        if let Some(d) = &self.description {
            op.insert("description".into(), d.clone().into());
        }
        if let Some(id) = &self.operation_id {
            op.insert("operationId".into(), id.clone().into());
        }
        if !self.parameters.is_empty() {
            let params = self.parameters.iter().map(|p| p.to_json(version)).collect();
            op.insert("parameters".into(), Value::Array(params));
        }
        if let Some(body) = &self.request_body {
            let mut b = Map::new();
            if let Some(d) = &body.description {
                b.insert("description".into(), d.clone().into());
            }
            b.insert("content".into(), content_json(&body.content, version));
            b.insert("required".into(), body.required.into());
            op.insert("requestBody".into(), Value::Object(b));
        }
        let responses: Map<String, Value> = self
            .responses
            .iter()
            .map(|(status, r)| (status.clone(), r.to_json(version)))
            .collect();
        op.insert("responses".into(), Value::Object(responses));
        if !self.callbacks.is_empty() {
            let callbacks: Map<String, Value> = self
                .callbacks
                .iter()
                .map(|(name, expressions)| {
                    let items: Map<String, Value> = expressions
                        .iter()
                        .map(|(expr, item)| (expr.clone(), item.to_json(version)))
                        .collect();
                    (name.clone(), Value::Object(items))
                })
                .collect();
            op.insert("callbacks".into(), Value::Object(callbacks));
        }
        if self.deprecated {
            op.insert("deprecated".into(), true.into());
        }
        if !self.security.is_empty() {
            op.insert("security".into(), json!(self.security));
        }
        Value::Object(op)
    }
}

impl Parameter {
    fn to_json(&self, version: OpenApiVersion) -> Value {
        let location = match self.location {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
        };
        let mut p = Map::new();
        p.insert("name".into(), self.name.clone().into());
        p.insert("in".into(), location.into());
        if let Some(d) = &self.description {
            p.insert("description".into(), d.clone().into());
        }
        p.insert("required".into(), self.required.into());
        if self.deprecated {
            p.insert("deprecated".into(), true.into());
        }
        p.insert("schema".into(), self.schema.to_json(version));
        Value::Object(p)
    }
}

impl Response {
    fn to_json(&self, version: OpenApiVersion) -> Value {
        let mut r = Map::new();
        r.insert("description".into(), self.description.clone().into());
        if !self.headers.is_empty() {
            let headers: Map<String, Value> = self
                .headers
                .iter()
                .map(|(name, h)| {
                    let mut header = Map::new();
                    if let Some(d) = &h.description {
                        header.insert("description".into(), d.clone().into());
                    }
                    if h.required {
                        header.insert("required".into(), true.into());
                    }
                    header.insert("schema".into(), h.schema.to_json(version));
                    (name.clone(), Value::Object(header))
                })
                .collect();
            r.insert("headers".into(), Value::Object(headers));
        }
        if !self.content.is_empty() {
            r.insert("content".into(), content_json(&self.content, version));
        }
        Value::Object(r)
    }
}

fn content_json(content: &BTreeMap<String, MediaType>, version: OpenApiVersion) -> Value {
    Value::Object(
        content
            .iter()
            .map(|(media, m)| {
                (
                    media.clone(),
                    json!({ "schema": m.schema.to_json(version) }),
                )
            })
            .collect(),
    )
}
