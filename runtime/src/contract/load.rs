//! Reading a document: JSON or YAML text into a `serde_json::Value`, its version, and its
//! `$ref`s followed within it.

use std::path::Path;

use serde_json::Value;

/// Why a document could not be read or compared.
///
/// ```
/// use ringback::contract::{parse, ContractError};
/// let error = parse(r#"{"swagger": "2.0"}"#).and_then(|doc| {
///     ringback::contract::compare(&doc, &doc).map(|_| ())
/// });
/// assert!(matches!(error, Err(ContractError::NotOpenApi3 { .. })));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContractError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The text is neither JSON nor YAML.
    #[error("the document is neither JSON ({json}) nor YAML ({yaml})")]
    Syntax {
        /// What the JSON parser said.
        json: String,
        /// What the YAML parser said.
        yaml: String,
    },
    /// The document is not an OpenAPI 3.0 or 3.1 document.
    #[error("{found}: only OpenAPI 3.0.x and 3.1.x documents can be compared (a Swagger 2.0 document can be converted with swagger2openapi)")]
    NotOpenApi3 {
        /// What its `openapi` (or `swagger`) field says.
        found: String,
    },
}

/// Reads a document from JSON or YAML text (JSON is YAML too, but JSON is tried first, for
/// its exact numbers and clearer errors).
///
/// ```
/// let json = ringback::contract::parse(r#"{"openapi": "3.0.3", "paths": {}}"#).unwrap();
/// let yaml = ringback::contract::parse("openapi: 3.0.3\npaths: {}\n").unwrap();
/// assert_eq!(json, yaml);
/// ```
pub fn parse(text: &str) -> Result<Value, ContractError> {
    let json = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e.to_string(),
    };
    serde_saphyr::from_str::<Value>(text).map_err(|yaml| ContractError::Syntax {
        json,
        yaml: yaml.to_string(),
    })
}

/// Reads a document from a JSON or YAML file.
///
/// ```no_run
/// let committed = ringback::contract::load("openapi.yaml")?;
/// # Ok::<(), ringback::contract::ContractError>(())
/// ```
pub fn load(path: impl AsRef<Path>) -> Result<Value, ContractError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| ContractError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text)
}

/// A JSON pointer segment (RFC 6901): `~` and `/` escaped.
pub(crate) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A value and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub value: &'a Value,
    pub at: String,
}

impl<'a> Node<'a> {
    /// A member of this object, if it has one.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.value.get(key).map(|value| Node {
            value,
            at: format!("{}/{}", self.at, escape(key)),
        })
    }

    /// The members of this object, in document order.
    pub fn entries(&self) -> Vec<(&'a str, Node<'a>)> {
        match self.value {
            Value::Object(map) => map
                .iter()
                .map(|(k, value)| {
                    let at = format!("{}/{}", self.at, escape(k));
                    (k.as_str(), Node { value, at })
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The items of this array.
    pub fn items(&self) -> Vec<Node<'a>> {
        match self.value {
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, value)| Node {
                    value,
                    at: format!("{}/{i}", self.at),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.value.get(key).and_then(Value::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        self.value
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

/// A document being compared.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub root: &'a Value,
    /// 3.1 reads siblings of `$ref` as constraints too; 3.0 ignores them.
    pub v31: bool,
}

impl<'a> Doc<'a> {
    pub fn new(root: &'a Value) -> Result<Self, ContractError> {
        // An unquoted `openapi: 3.1` in YAML is a number.
        let version = root.get("openapi").map(|v| match v {
            Value::Number(n) => n.to_string(),
            other => other.as_str().unwrap_or("").to_owned(),
        });
        let version = version.as_deref();
        match version {
            Some(v) if v.starts_with("3.0") => Ok(Doc { root, v31: false }),
            Some(v) if v.starts_with("3.1") => Ok(Doc { root, v31: true }),
            _ => Err(ContractError::NotOpenApi3 {
                found: match (version, root.get("swagger").and_then(Value::as_str)) {
                    (Some(v), _) => format!("openapi: {v}"),
                    (None, Some(v)) => format!("swagger: {v}"),
                    (None, None) => "no `openapi` field".to_owned(),
                },
            }),
        }
    }

    pub fn root_node(&self) -> Node<'a> {
        Node {
            value: self.root,
            at: String::new(),
        }
    }

    /// The node a `$ref` chain leads to, with the siblings of the last `$ref` it left (3.1's
    /// annotations beside a reference). A reference into another file, one that leads nowhere
    /// and a chain that loops are left as they are, compared as written.
    pub fn resolve(&self, node: Node<'a>) -> (Node<'a>, Option<Node<'a>>) {
        let mut current = node;
        let mut siblings = None;
        for _ in 0..64 {
            let Some(target) = current
                .value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            else {
                break;
            };
            let decoded = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
            let Some(value) = self.root.pointer(&decoded) else {
                break;
            };
            if current.value.as_object().is_some_and(|o| o.len() > 1) {
                siblings = Some(current.clone());
            }
            current = Node {
                value,
                at: decoded.into_owned(),
            };
        }
        (current, siblings)
    }

    /// The node a `$ref` chain leads to.
    pub fn deref(&self, node: Node<'a>) -> Node<'a> {
        self.resolve(node).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_reads_unquoted_status_codes_and_versions_as_json_does() {
        let yaml = "openapi: 3.0.3\ninfo: {title: T, version: 1.0}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";
        let doc = parse(yaml).unwrap();
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["description"],
            "ok"
        );
        assert!(!Doc::new(&doc).unwrap().v31);
        let v31 = parse("openapi: 3.1\npaths: {}\n").unwrap();
        assert!(Doc::new(&v31).unwrap().v31);
    }

    #[test]
    fn neither_json_nor_yaml_says_both_reasons() {
        let error = parse("{ \"a\": [1, 2").unwrap_err();
        assert!(matches!(error, ContractError::Syntax { .. }), "{error}");
    }
}
