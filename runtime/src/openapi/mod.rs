//! The OpenAPI document: a model that renders as OpenAPI 3.0.3 or 3.1.0, in JSON or YAML.
//!
//! No published crate models both versions (each targets one), and ringback's schemas
//! must come out right in both, so the model is ringback's own and renders per version.

mod check;
mod components;
mod decl;
mod document;
mod ordered;
pub(crate) mod parameters;
mod pattern;
mod render;
mod schema_object;
mod security;

pub use check::{DocumentIssue, InvalidDocument};
pub use components::Components;
pub use decl::{HeaderDecl, ResponseDecl};
pub use document::{
    Contact, Document, Header, Info, MediaType, Method, Operation, Parameter, ParameterLocation,
    PathItem, RequestBody, Response, Server, Tag,
};
pub use schema_object::{AdditionalProperties, Discriminator, SchemaObject, Type};
pub use security::{ApiKeyLocation, NamedScheme, OAuthFlow, SecurityRequirement, SecurityScheme};

pub(crate) use pattern::compile_pattern;

/// Which OpenAPI version a document is written as.
///
/// ```
/// use ringback::openapi::OpenApiVersion;
/// assert_eq!("3.1".parse::<OpenApiVersion>(), Ok(OpenApiVersion::V3_1_0));
/// assert_eq!(OpenApiVersion::default().as_str(), "3.0.3");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum OpenApiVersion {
    /// OpenAPI 3.0.3, the default: the version most tools read.
    #[default]
    V3_0_3,
    /// OpenAPI 3.1.0, whose schemas are JSON Schema 2020-12.
    V3_1_0,
}

impl OpenApiVersion {
    /// The version string a document starts with.
    pub fn as_str(self) -> &'static str {
        match self {
            OpenApiVersion::V3_0_3 => "3.0.3",
            OpenApiVersion::V3_1_0 => "3.1.0",
        }
    }
}

impl std::str::FromStr for OpenApiVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "3.0" | "3.0.3" => Ok(OpenApiVersion::V3_0_3),
            "3.1" | "3.1.0" => Ok(OpenApiVersion::V3_1_0),
            other => Err(format!(
                "unsupported OpenAPI version {other:?}; use 3.0 (3.0.3) or 3.1 (3.1.0)"
            )),
        }
    }
}

impl std::fmt::Display for OpenApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
