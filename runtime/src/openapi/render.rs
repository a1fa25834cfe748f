//! Writing the document: JSON or YAML, in the order a reader expects.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ordered::{Json, Object};
use super::{
    Document, MediaType, OpenApiVersion, Operation, Parameter, ParameterLocation, PathItem,
    Response,
};

impl Document {
    /// The document as a JSON value for `version`.
    ///
    /// A `serde_json::Value` orders object keys as serde_json's features say (alphabetically,
    /// unless something turned on `preserve_order`); [`to_json_pretty`](Self::to_json_pretty)
    /// and [`to_yaml`](Self::to_yaml) always write the document in reading order.
    pub fn to_json(&self, version: OpenApiVersion) -> Value {
        self.render(version).into_value()
    }

    /// The document as pretty-printed JSON for `version`, in reading order: `openapi`, `info`,
    /// `servers`, `tags`, `paths`, `webhooks` (`x-webhooks` in 3.0.3), `components`.
    ///
    /// ```
    /// use ringback::openapi::{Document, OpenApiVersion};
    /// let text = Document::new("Pets", "1.0").to_json_pretty(OpenApiVersion::V3_0_3);
    /// assert!(text.find("\"openapi\"") < text.find("\"info\""));
    /// assert!(text.find("\"info\"") < text.find("\"paths\""));
    /// ```
    pub fn to_json_pretty(&self, version: OpenApiVersion) -> String {
        serde_json::to_string_pretty(&self.render(version))
            .expect("the document has only string keys and finite numbers")
    }

    /// The document as YAML for `version`, in the same order as
    /// [`to_json_pretty`](Self::to_json_pretty).
    pub fn to_yaml(&self, version: OpenApiVersion) -> String {
        serde_saphyr::to_string(&self.render(version))
            .expect("the document has only string keys and finite numbers")
    }

    /// The document for `version`, in reading order.
    fn render(&self, version: OpenApiVersion) -> Json {
        let mut info = Object::new();
        info.insert("title", &self.info.title);
        if let Some(d) = &self.info.description {
            info.insert("description", d);
        }
        if let Some(c) = &self.info.contact {
            let mut contact = Object::new();
            for (key, value) in [("name", &c.name), ("url", &c.url), ("email", &c.email)] {
                if let Some(v) = value {
                    contact.insert(key, v);
                }
            }
            info.insert("contact", contact);
        }
        info.insert("version", &self.info.version);

        let mut doc = Object::new();
        doc.insert("openapi", version.as_str());
        doc.insert("info", info);
        if !self.servers.is_empty() {
            let servers = self
                .servers
                .iter()
                .map(|s| {
                    let mut server = Object::new();
                    server.insert("url", &s.url);
                    if let Some(d) = &s.description {
                        server.insert("description", d);
                    }
                    Json::from(server)
                })
                .collect::<Vec<_>>();
            doc.insert("servers", servers);
        }
        if !self.tags.is_empty() {
            let tags = self
                .tags
                .iter()
                .map(|t| {
                    let mut tag = Object::new();
                    tag.insert("name", &t.name);
                    if let Some(d) = &t.description {
                        tag.insert("description", d);
                    }
                    Json::from(tag)
                })
                .collect::<Vec<_>>();
            doc.insert("tags", tags);
        }
        let paths: Object = self
            .paths
            .iter()
            .map(|(path, item)| (path.as_str(), item.render(version)))
            .collect();
        doc.insert("paths", paths);
        if !self.webhooks.is_empty() {
            let webhooks: Object = self
                .webhooks
                .iter()
                .map(|(name, item)| (name.as_str(), item.render(version)))
                .collect();
            doc.insert(webhooks_key(version), webhooks);
        }
        let schemas: Object = self
            .components
            .schemas()
            .map(|(name, schema)| (name, schema.render(version)))
            .collect();
        let mut components = Object::new();
        if !schemas.is_empty() {
            components.insert("schemas", schemas);
        }
        if !self.security_schemes.is_empty() {
            let schemes: Object = self
                .security_schemes
                .iter()
                .map(|(name, scheme)| (name.as_str(), scheme.render()))
                .collect();
            components.insert("securitySchemes", schemes);
        }
        if !components.is_empty() {
            doc.insert("components", components);
        }
        if !self.security.is_empty() {
            doc.insert(
                "security",
                super::security::render_requirement(&self.security),
            );
        }
        Json::Object(doc)
    }
}

impl PathItem {
    fn render(&self, version: OpenApiVersion) -> Json {
        let operations: Object = self
            .operations
            .iter()
            .map(|(method, op)| (method.as_key(), op.render(version)))
            .collect();
        Json::Object(operations)
    }
}

impl Operation {
    fn render(&self, version: OpenApiVersion) -> Json {
        let mut op = Object::new();
        if !self.tags.is_empty() {
            op.insert("tags", strings(&self.tags));
        }
        if let Some(s) = &self.summary {
            op.insert("summary", s);
        }
        if let Some(d) = &self.description {
            op.insert("description", d);
        }
        if let Some(id) = &self.operation_id {
            op.insert("operationId", id);
        }
        if !self.parameters.is_empty() {
            let params = self
                .parameters
                .iter()
                .map(|p| p.render(version))
                .collect::<Vec<_>>();
            op.insert("parameters", params);
        }
        if let Some(body) = &self.request_body {
            let mut b = Object::new();
            if let Some(d) = &body.description {
                b.insert("description", d);
            }
            b.insert("content", content(&body.content, version));
            b.insert("required", body.required);
            op.insert("requestBody", b);
        }
        let responses: Object = self
            .responses
            .iter()
            .map(|(status, r)| (status.as_str(), r.render(version)))
            .collect();
        op.insert("responses", responses);
        if !self.callbacks.is_empty() {
            let callbacks: Object = self
                .callbacks
                .iter()
                .map(|(name, expressions)| {
                    let items: Object = expressions
                        .iter()
                        .map(|(expr, item)| (expr.as_str(), item.render(version)))
                        .collect();
                    (name.as_str(), items)
                })
                .collect();
            op.insert("callbacks", callbacks);
        }
        if self.deprecated {
            op.insert("deprecated", true);
        }
        if let Some(security) = &self.security {
            op.insert("security", super::security::render_requirement(security));
        }
        Json::Object(op)
    }
}

impl Parameter {
    fn render(&self, version: OpenApiVersion) -> Json {
        let location = match self.location {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
        };
        let mut p = Object::new();
        p.insert("name", &self.name);
        p.insert("in", location);
        if let Some(d) = &self.description {
            p.insert("description", d);
        }
        p.insert("required", self.required);
        if self.deprecated {
            p.insert("deprecated", true);
        }
        p.insert("schema", self.schema.render(version));
        Json::Object(p)
    }
}

impl Response {
    fn render(&self, version: OpenApiVersion) -> Json {
        let mut r = Object::new();
        r.insert("description", &self.description);
        if !self.headers.is_empty() {
            let headers: Object = self
                .headers
                .iter()
                .map(|(name, h)| {
                    let mut header = Object::new();
                    if let Some(d) = &h.description {
                        header.insert("description", d);
                    }
                    if h.required {
                        header.insert("required", true);
                    }
                    header.insert("schema", h.schema.render(version));
                    (name.as_str(), header)
                })
                .collect();
            r.insert("headers", headers);
        }
        if !self.content.is_empty() {
            r.insert("content", content(&self.content, version));
        }
        Json::Object(r)
    }
}

fn content(content: &BTreeMap<String, MediaType>, version: OpenApiVersion) -> Object {
    content
        .iter()
        .map(|(media, m)| {
            let mut media_type = Object::new();
            media_type.insert("schema", m.schema.render(version));
            (media.as_str(), media_type)
        })
        .collect()
}

/// Where a version writes the webhooks: 3.0.3 has no `webhooks`, and an `x-` extension is
/// the one place it allows a field of its own.
pub(crate) fn webhooks_key(version: OpenApiVersion) -> &'static str {
    match version {
        OpenApiVersion::V3_0_3 => "x-webhooks",
        _ => "webhooks",
    }
}

fn strings(list: &[String]) -> Vec<Json> {
    list.iter().map(Json::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::{Method, SchemaObject, Type};

    fn document() -> Document {
        let mut doc = Document::new("Orders", "1.0");
        let order = SchemaObject {
            properties: vec![
                ("zeta".into(), SchemaObject::string(None)),
                ("alpha".into(), SchemaObject::string(None)),
            ],
            ..SchemaObject::of_type(Type::Object)
        };
        doc.components.insert("Order", order);
        let mut operation = Operation::default();
        operation.responses.insert(
            "201".into(),
            Response {
                description: "yes".into(),
                ..Response::default()
            },
        );
        doc.paths
            .entry("/orders".into())
            .or_default()
            .operations
            .insert(Method::Post, operation);
        doc
    }

    fn in_order(text: &str, words: &[&str]) {
        let at: Vec<usize> = words
            .iter()
            .map(|w| text.find(w).unwrap_or_else(|| panic!("{w} in {text}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{words:?} in {text}");
    }

    #[test]
    fn json_and_yaml_are_written_in_reading_order() {
        for version in [OpenApiVersion::V3_0_3, OpenApiVersion::V3_1_0] {
            let doc = document();
            for text in [doc.to_json_pretty(version), doc.to_yaml(version)] {
                in_order(
                    &text,
                    &["openapi", "info", "title", "version", "paths", "components"],
                );
                // Properties in declaration order, not alphabetical.
                in_order(&text, &["zeta", "alpha"]);
            }
        }
    }

    #[test]
    fn yaml_keeps_strings_that_look_like_other_things_strings() {
        let yaml = document().to_yaml(OpenApiVersion::V3_0_3);
        for line in ["version: \"1.0\"", "\"201\":", "description: \"yes\""] {
            assert!(yaml.contains(line), "{line} in {yaml}");
        }
    }

    #[test]
    fn the_json_value_is_the_same_document() {
        let doc = document();
        let text: Value =
            serde_json::from_str(&doc.to_json_pretty(OpenApiVersion::V3_1_0)).unwrap();
        assert_eq!(text, doc.to_json(OpenApiVersion::V3_1_0));
    }
}
