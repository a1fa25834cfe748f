//! What a document must be before it is served: every `pattern` an ECMA-262 regular
//! expression, since that is what OpenAPI says it is and what ringback validates with, and
//! every component named as OpenAPI allows.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::pattern::{compile_pattern, PATTERN_FLAGS};
use super::{AdditionalProperties, Document, MediaType, Operation, PathItem, SchemaObject};

/// One thing in a document that OpenAPI tools, and ringback's validation, would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentIssue {
    /// A schema's `pattern` is not an ECMA-262 regular expression.
    InvalidPattern {
        /// Where it is, as a JSON pointer into the OpenAPI 3.0.3 document
        /// (`/components/schemas/OrderLine/properties/upc/pattern`).
        pointer: String,
        /// The pattern as written.
        pattern: String,
        /// Why the ECMA-262 engine refused it.
        reason: String,
    },
    /// A security requirement that cannot be enforced or documented as it is.
    Security {
        /// Where it is (`/security`, `/paths/~1orders/post/security`).
        pointer: String,
        /// What is wrong, and how to fix it.
        message: String,
    },
    /// A component's name has a character OpenAPI does not allow (`^[a-zA-Z0-9.\-_]+$`); a
    /// hand-written `Schema` registered it, since derived names are always valid.
    InvalidComponentName {
        /// Where it is (`/components/schemas/<name>`).
        pointer: String,
        /// The name.
        name: String,
    },
}

impl DocumentIssue {
    /// Where the issue is, as a JSON pointer into the document.
    pub fn pointer(&self) -> &str {
        match self {
            DocumentIssue::InvalidPattern { pointer, .. }
            | DocumentIssue::Security { pointer, .. }
            | DocumentIssue::InvalidComponentName { pointer, .. } => pointer,
        }
    }
}

impl fmt::Display for DocumentIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentIssue::InvalidPattern {
                pointer,
                pattern,
                reason,
            } => write!(
                f,
                "{pointer}: the pattern {pattern:?} is not an ECMA-262 regular expression \
                 ({reason}); OpenAPI patterns are read as JavaScript reads them, with the \
                 `{PATTERN_FLAGS}` flag"
            ),
            DocumentIssue::Security { pointer, message } => write!(f, "{pointer}: {message}"),
            DocumentIssue::InvalidComponentName { pointer, name } => write!(
                f,
                "{pointer}: {name:?} cannot name a component, which may use only ASCII \
                 letters, digits, `.`, `-` and `_`; register the schema under such a name"
            ),
        }
    }
}

/// A document that cannot be served as it is: every issue found, in document order.
///
/// ```
/// use ringback::openapi::{Document, SchemaObject};
/// let mut doc = Document::new("Codes", "1.0");
/// let mut code = SchemaObject::string(None);
/// code.pattern = Some("(?i)^[a-z]+$".into());
/// doc.components.insert("Code", code);
/// let invalid = doc.check().unwrap_err();
/// assert_eq!(invalid.issues()[0].pointer(), "/components/schemas/Code/pattern");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDocument {
    issues: Vec<DocumentIssue>,
}

impl InvalidDocument {
    /// A document with these issues, or none if there are none.
    pub(crate) fn from_issues(issues: Vec<DocumentIssue>) -> Result<(), InvalidDocument> {
        if issues.is_empty() {
            Ok(())
        } else {
            Err(InvalidDocument { issues })
        }
    }

    /// The issues, in document order.
    pub fn issues(&self) -> &[DocumentIssue] {
        &self.issues
    }
}

impl fmt::Display for InvalidDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.issues.len();
        write!(
            f,
            "the OpenAPI document has {count} issue{}:",
            if count == 1 { "" } else { "s" }
        )?;
        for issue in &self.issues {
            write!(f, "\n  {issue}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidDocument {}

impl Document {
    /// Checks what OpenAPI tools would refuse and ringback could not serve: for now, that
    /// every `pattern` is an ECMA-262 regular expression (with the `u` flag, as JSON Schema
    /// validators such as Ajv read it). Each distinct pattern is compiled once.
    pub fn check(&self) -> Result<(), InvalidDocument> {
        let mut walk = Walk::default();
        for (path, item) in &self.paths {
            walk.path_item(item, &format!("/paths/{}", escape(path)));
        }
        for (name, item) in &self.webhooks {
            walk.path_item(item, &format!("/x-webhooks/{}", escape(name)));
        }
        for (name, schema) in self.components.schemas() {
            let at = format!("/components/schemas/{}", escape(name));
            if !is_component_name(name) {
                walk.issues.push(DocumentIssue::InvalidComponentName {
                    pointer: at.clone(),
                    name: name.to_owned(),
                });
            }
            walk.schema(schema, &at);
        }
        if walk.issues.is_empty() {
            Ok(())
        } else {
            Err(InvalidDocument {
                issues: walk.issues,
            })
        }
    }
}

/// OpenAPI's pattern for the keys of `components`: `^[a-zA-Z0-9\.\-_]+$`.
fn is_component_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

#[derive(Default)]
struct Walk<'d> {
    /// Each pattern's verdict, so that one used by many fields is compiled once.
    verdicts: HashMap<&'d str, Option<String>>,
    issues: Vec<DocumentIssue>,
}

impl<'d> Walk<'d> {
    fn path_item(&mut self, item: &'d PathItem, at: &str) {
        for (method, operation) in &item.operations {
            self.operation(operation, &format!("{at}/{}", method.as_key()));
        }
    }

    fn operation(&mut self, op: &'d Operation, at: &str) {
        for (i, parameter) in op.parameters.iter().enumerate() {
            self.schema(&parameter.schema, &format!("{at}/parameters/{i}/schema"));
        }
        if let Some(body) = &op.request_body {
            self.content(&body.content, &format!("{at}/requestBody/content"));
        }
        for (status, response) in &op.responses {
            let at = format!("{at}/responses/{}", escape(status));
            for (name, header) in &response.headers {
                self.schema(
                    &header.schema,
                    &format!("{at}/headers/{}/schema", escape(name)),
                );
            }
            self.content(&response.content, &format!("{at}/content"));
        }
        for (name, expressions) in &op.callbacks {
            for (expression, item) in expressions {
                let at = format!("{at}/callbacks/{}/{}", escape(name), escape(expression));
                self.path_item(item, &at);
            }
        }
    }

    fn content(&mut self, content: &'d BTreeMap<String, MediaType>, at: &str) {
        for (media, media_type) in content {
            self.schema(
                &media_type.schema,
                &format!("{at}/{}/schema", escape(media)),
            );
        }
    }

    fn schema(&mut self, schema: &'d SchemaObject, at: &str) {
        // A reference is written with its annotations only: nothing else of it is documented.
        if schema.reference.is_some() {
            return;
        }
        if let Some(pattern) = &schema.pattern {
            let verdict = self.verdicts.entry(pattern).or_insert_with(|| {
                compile_pattern(pattern)
                    .err()
                    .map(|error| error.to_string())
            });
            if let Some(reason) = verdict {
                self.issues.push(DocumentIssue::InvalidPattern {
                    pointer: format!("{at}/pattern"),
                    pattern: pattern.clone(),
                    reason: reason.clone(),
                });
            }
        }
        if let Some(items) = &schema.items {
            self.schema(items, &format!("{at}/items"));
        }
        for (name, property) in &schema.properties {
            self.schema(property, &format!("{at}/properties/{}", escape(name)));
        }
        if let Some(AdditionalProperties::Schema(values)) = &schema.additional_properties {
            self.schema(values, &format!("{at}/additionalProperties"));
        }
        for (keyword, list) in [
            ("allOf", &schema.all_of),
            ("oneOf", &schema.one_of),
            ("anyOf", &schema.any_of),
        ] {
            for (i, member) in list.iter().enumerate() {
                self.schema(member, &format!("{at}/{keyword}/{i}"));
            }
        }
    }
}

/// A JSON pointer segment (RFC 6901): `~` and `/` escaped.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::{Method, Parameter, ParameterLocation};

    fn string_with_pattern(pattern: &str) -> SchemaObject {
        SchemaObject {
            pattern: Some(pattern.into()),
            ..SchemaObject::string(None)
        }
    }

    #[test]
    fn a_component_name_outside_openapis_pattern_is_reported() {
        let mut doc = Document::new("T", "1");
        doc.components
            .insert("Page<Order>", SchemaObject::string(None));
        doc.components
            .insert("Page_Order", SchemaObject::string(None));
        let issues = doc.check().unwrap_err().issues().to_vec();
        assert_eq!(
            issues,
            [DocumentIssue::InvalidComponentName {
                pointer: "/components/schemas/Page<Order>".into(),
                name: "Page<Order>".into(),
            }]
        );
    }

    #[test]
    fn valid_patterns_pass() {
        let mut doc = Document::new("T", "1");
        doc.components
            .insert("Upc", string_with_pattern(r"^\d{12}$"));
        doc.components
            .insert("Name", string_with_pattern(r"^\p{L}[\p{L} '-]*$"));
        assert_eq!(doc.check(), Ok(()));
    }

    #[test]
    fn every_invalid_pattern_is_reported_at_its_pointer() {
        let mut doc = Document::new("T", "1");
        let line = SchemaObject {
            properties: vec![
                ("upc".into(), string_with_pattern(r"^\p{Nope}$")),
                (
                    "codes".into(),
                    SchemaObject::array(string_with_pattern("(?i)x")),
                ),
            ],
            ..SchemaObject::of_type(crate::openapi::Type::Object)
        };
        doc.components.insert("OrderLine", line);
        let mut operation = Operation::default();
        operation.parameters.push(Parameter {
            name: "code".into(),
            location: ParameterLocation::Query,
            required: false,
            description: None,
            schema: string_with_pattern("(?i)x"),
            deprecated: false,
        });
        doc.paths
            .entry("/v1/{id}/codes".into())
            .or_default()
            .operations
            .insert(Method::Get, operation);

        let invalid = doc.check().unwrap_err();
        let pointers: Vec<&str> = invalid.issues().iter().map(|i| i.pointer()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1v1~1{id}~1codes/get/parameters/0/schema/pattern",
                "/components/schemas/OrderLine/properties/upc/pattern",
                "/components/schemas/OrderLine/properties/codes/items/pattern",
            ]
        );
        let message = invalid.to_string();
        assert!(
            message.starts_with("the OpenAPI document has 3 issues:"),
            "{message}"
        );
        assert!(
            message.contains(
                "/components/schemas/OrderLine/properties/upc/pattern: the pattern \"^\\\\p{Nope}$\" \
                 is not an ECMA-262 regular expression"
            ),
            "{message}"
        );
    }

    #[test]
    fn pointers_point_into_the_rendered_document() {
        let mut doc = Document::new("T", "1");
        doc.components.insert(
            "A/B~C",
            SchemaObject {
                properties: vec![("x".into(), string_with_pattern("("))],
                ..SchemaObject::of_type(crate::openapi::Type::Object)
            },
        );
        let invalid = doc.check().unwrap_err();
        // The name itself is no component name either; both pointers are escaped.
        assert_eq!(invalid.issues()[0].pointer(), "/components/schemas/A~1B~0C");
        let pointer = invalid.issues()[1].pointer();
        assert_eq!(pointer, "/components/schemas/A~1B~0C/properties/x/pattern");
        let json = doc.to_json(crate::openapi::OpenApiVersion::V3_0_3);
        assert_eq!(json.pointer(pointer), Some(&serde_json::json!("(")));
    }
}
