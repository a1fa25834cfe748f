//! A schema read the same way whatever its spelling: 3.0's `nullable` and 3.1's `null` type,
//! 3.0's boolean `exclusiveMinimum` and 3.1's numeric one, `const` and a one-value `enum`,
//! `example` and `examples`, and the wrappers that only carry annotations (`allOf` of one
//! schema, `anyOf`/`oneOf` of a schema and `null`) seen through.

use std::collections::BTreeSet;

use serde_json::Value;

use super::load::{Doc, Node};

/// Keywords that describe a schema without constraining it, or that only mark it.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "xml",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "default",
];

/// The keywords a view reads; any other is compared as written.
const UNDERSTOOD: &[&str] = &[
    "type",
    "format",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "pattern",
    "uniqueItems",
    "multipleOf",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "discriminator",
    "$ref",
    "contentMediaType",
    "contentEncoding",
];

/// A numeric bound: its value and whether the value itself is excluded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bound {
    pub value: f64,
    pub exclusive: bool,
}

impl Bound {
    /// Whether `self` admits fewer numbers than `other`, as a lower bound.
    pub fn tighter_lower(self, other: Bound) -> bool {
        self.value > other.value
            || (self.value == other.value && self.exclusive && !other.exclusive)
    }

    /// Whether `self` admits fewer numbers than `other`, as an upper bound.
    pub fn tighter_upper(self, other: Bound) -> bool {
        self.value < other.value
            || (self.value == other.value && self.exclusive && !other.exclusive)
    }

    pub fn describe(self, lower: bool) -> String {
        let op = match (lower, self.exclusive) {
            (true, false) => ">=",
            (true, true) => ">",
            (false, false) => "<=",
            (false, true) => "<",
        };
        format!("{op} {}", self.value)
    }
}

/// What a schema allows beside its named properties.
#[derive(Debug, Clone)]
pub(crate) enum Extra<'a> {
    Any,
    Forbidden,
    Schema(Node<'a>),
}

/// A schema, normalised.
#[derive(Debug, Clone)]
pub(crate) struct View<'a> {
    /// Where the constraints are.
    pub inner: Node<'a>,
    /// Where the outermost wrapper is (annotations may be there).
    pub outer: Node<'a>,
    /// The component this schema is, when it was reached through a `$ref`.
    pub component: Option<String>,
    /// `None`: any type. `"null"` is never in it: see `nullable`.
    pub types: Option<BTreeSet<String>>,
    pub nullable: bool,
    /// Raw bytes: 3.0's `type: string, format: binary`, 3.1's `contentMediaType`.
    pub binary: bool,
    pub format: Option<&'a str>,
    /// The allowed values, `null` apart.
    pub enumeration: Option<Vec<&'a Value>>,
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
    pub pattern: Option<&'a str>,
    pub unique_items: bool,
    pub required: BTreeSet<&'a str>,
    pub properties: Vec<(&'a str, Node<'a>)>,
    pub extra: Extra<'a>,
    pub items: Option<Node<'a>>,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    pub default: Option<&'a Value>,
    /// `example` and `examples` as one list.
    pub examples: Vec<&'a Value>,
    /// Every other annotation and `x-` extension, as written, and where.
    pub docs: Vec<(String, Node<'a>)>,
    /// Keywords compared as written (`not`, `discriminator`, `multipleOf`, ...).
    pub other: Vec<(String, Node<'a>)>,
}

/// The size keywords, each a lower (`true`) or an upper bound.
pub(crate) const SIZES: &[(&str, bool)] = &[
    ("minLength", true),
    ("maxLength", false),
    ("minItems", true),
    ("maxItems", false),
    ("minProperties", true),
    ("maxProperties", false),
];

fn is_null_schema(value: &Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.get("type").and_then(Value::as_str) == Some("null")
            && o.keys()
                .all(|k| k == "type" || ANNOTATIONS.contains(&k.as_str()))
    })
}

/// Whether the object has no keyword that constrains, beside `except`.
fn only_annotations(node: &Node, except: &str) -> bool {
    node.value.as_object().is_some_and(|o| {
        o.keys()
            .all(|k| k == except || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
    })
}

fn component_name(at: &str) -> Option<String> {
    at.strip_prefix("/components/schemas/")
        .filter(|rest| !rest.contains('/'))
        .map(|name| name.replace("~1", "/").replace("~0", "~"))
}

impl<'a> View<'a> {
    pub fn of(doc: &Doc<'a>, node: Node<'a>) -> View<'a> {
        let (resolved, siblings) = doc.resolve(node.clone());
        let mut layers: Vec<Node<'a>> = Vec::new();
        // 3.1 reads annotations beside `$ref`; 3.0 ignores them, as it says.
        if let Some(s) = siblings.filter(|_| doc.v31) {
            layers.push(s);
        }
        let mut component = component_name(&resolved.at);
        let mut inner = resolved;
        let mut nullable = false;
        for _ in 0..16 {
            let unwrapped = Self::unwrap(&inner);
            let Some((next, adds_null)) = unwrapped else {
                break;
            };
            nullable |= adds_null;
            layers.push(inner.clone());
            let (target, siblings) = doc.resolve(next);
            if let Some(s) = siblings.filter(|_| doc.v31) {
                layers.push(s);
            }
            if let Some(name) = component_name(&target.at) {
                component = Some(name);
            }
            inner = target;
        }
        let outer = layers.first().cloned().unwrap_or_else(|| inner.clone());
        layers.push(inner.clone());
        let mut view = View {
            inner: inner.clone(),
            outer,
            component,
            types: None,
            nullable,
            binary: false,
            format: inner.str("format"),
            enumeration: None,
            lower: None,
            upper: None,
            pattern: inner.str("pattern"),
            unique_items: inner.flag("uniqueItems"),
            required: inner
                .value
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
            properties: inner
                .get("properties")
                .map(|p| p.entries())
                .unwrap_or_default(),
            extra: match inner.get("additionalProperties") {
                None => Extra::Any,
                Some(n) if n.value == &Value::Bool(true) => Extra::Any,
                Some(n) if n.value == &Value::Bool(false) => Extra::Forbidden,
                Some(n) if n.value.as_object().is_some_and(|o| o.is_empty()) => Extra::Any,
                Some(n) => Extra::Schema(n),
            },
            items: inner.get("items").filter(|n| n.value.is_object()),
            read_only: false,
            write_only: false,
            deprecated: false,
            default: None,
            examples: Vec::new(),
            docs: Vec::new(),
            other: Vec::new(),
        };
        for layer in &layers {
            view.read_annotations(layer);
        }
        view.read_type(&inner);
        view.read_content(&inner);
        view.read_bounds(&inner);
        for (key, node) in inner.entries() {
            let known =
                UNDERSTOOD.contains(&key) || ANNOTATIONS.contains(&key) || key.starts_with("x-");
            let compared_as_written = !known
                || matches!(key, "not" | "discriminator" | "multipleOf")
                || (key == "items" && !node.value.is_object());
            if compared_as_written {
                view.other.push((key.to_owned(), node));
            }
        }
        view
    }

    /// The schema a wrapper only annotates, and whether the wrapper adds `null`.
    fn unwrap(node: &Node<'a>) -> Option<(Node<'a>, bool)> {
        let o = node.value.as_object()?;
        if o.contains_key("type") {
            return None;
        }
        if let Some(all) = node
            .get("allOf")
            .filter(|_| only_annotations(node, "allOf"))
        {
            if let [one] = all.items().as_slice() {
                return Some((one.clone(), false));
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(list) = node.get(key).filter(|_| only_annotations(node, key)) {
                let items = list.items();
                if let [a, b] = items.as_slice() {
                    if is_null_schema(b.value) {
                        return Some((a.clone(), true));
                    }
                    if is_null_schema(a.value) {
                        return Some((b.clone(), true));
                    }
                }
            }
        }
        None
    }

    fn read_annotations(&mut self, layer: &Node<'a>) {
        self.nullable |= layer.flag("nullable");
        self.read_only |= layer.flag("readOnly");
        self.write_only |= layer.flag("writeOnly");
        self.deprecated |= layer.flag("deprecated");
        if let Some(d) = layer.value.get("default") {
            self.default.get_or_insert(d);
        }
        if let Some(e) = layer.value.get("example") {
            self.examples.push(e);
        }
        if let Some(list) = layer.value.get("examples").and_then(Value::as_array) {
            self.examples.extend(list);
        }
        for (key, node) in layer.entries() {
            let doc = matches!(
                key,
                "description" | "title" | "externalDocs" | "xml" | "$comment"
            ) || key.starts_with("x-");
            if doc && !self.docs.iter().any(|(k, _)| k == key) {
                self.docs.push((key.to_owned(), node));
            }
        }
    }

    fn read_type(&mut self, inner: &Node<'a>) {
        let mut types: Option<BTreeSet<String>> = match inner.value.get("type") {
            Some(Value::String(t)) => Some([t.clone()].into()),
            Some(Value::Array(list)) => Some(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            ),
            _ => None,
        };
        if let Some(t) = &mut types {
            self.nullable |= t.remove("null");
        }
        self.types = types;
        let values: Option<Vec<&'a Value>> =
            match (inner.value.get("const"), inner.value.get("enum")) {
                (Some(c), _) => Some(vec![c]),
                (None, Some(Value::Array(list))) => Some(list.iter().collect()),
                _ => None,
            };
        if let Some(mut values) = values {
            // A nullable enum lists `null` (both versions require it); it is the nullability.
            if values.iter().any(|v| v.is_null()) {
                self.nullable = true;
                values.retain(|v| !v.is_null());
            }
            values.dedup();
            self.enumeration = Some(values);
        }
    }

    /// Bytes and base64 text, as each version writes them: 3.0 by `format`, 3.1 by
    /// `contentMediaType` and `contentEncoding`.
    fn read_content(&mut self, inner: &Node<'a>) {
        let string_or_any = self
            .types
            .as_ref()
            .is_none_or(|t| t.len() == 1 && t.contains("string"));
        if !string_or_any {
            return;
        }
        if self.format == Some("binary") || inner.value.get("contentMediaType").is_some() {
            self.binary = true;
            self.format = None;
            self.types = None;
        }
        if inner.str("contentEncoding") == Some("base64") {
            self.format = Some("byte");
        }
    }

    fn read_bounds(&mut self, inner: &Node<'a>) {
        let number = |key: &str| inner.value.get(key).and_then(Value::as_f64);
        let flag = |key: &str| {
            inner
                .value
                .get(key)
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        for (plain, exclusive, lower) in [
            ("minimum", "exclusiveMinimum", true),
            ("maximum", "exclusiveMaximum", false),
        ] {
            // 3.0: the bound in `minimum`, a flag beside it; 3.1: each keyword a bound of its own.
            let inclusive = number(plain).map(|value| Bound {
                value,
                exclusive: flag(exclusive),
            });
            let strict = number(exclusive).map(|value| Bound {
                value,
                exclusive: true,
            });
            let bound = match (inclusive, strict) {
                (Some(a), Some(b)) => {
                    let b_tighter = if lower {
                        b.tighter_lower(a)
                    } else {
                        b.tighter_upper(a)
                    };
                    Some(if b_tighter { b } else { a })
                }
                (a, b) => a.or(b),
            };
            if lower {
                self.lower = bound;
            } else {
                self.upper = bound;
            }
        }
    }

    /// A size keyword's value.
    pub fn size(&self, key: &str) -> Option<f64> {
        self.inner.value.get(key).and_then(Value::as_f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn view_of(doc: &Value, at: &str) -> (Option<BTreeSet<String>>, bool, Option<Bound>) {
        let d = Doc::new(doc).unwrap();
        let node = Node {
            value: doc.pointer(at).unwrap(),
            at: at.to_owned(),
        };
        let v = View::of(&d, node);
        (v.types, v.nullable, v.lower)
    }

    #[test]
    fn the_two_spellings_of_nullable_and_exclusive_bounds_read_alike() {
        let v30 = json!({"openapi": "3.0.3", "s": {"type": "integer", "nullable": true, "minimum": 1, "exclusiveMinimum": true}});
        let v31 =
            json!({"openapi": "3.1.0", "s": {"type": ["integer", "null"], "exclusiveMinimum": 1}});
        assert_eq!(view_of(&v30, "/s"), view_of(&v31, "/s"));
        let (_, nullable, lower) = view_of(&v31, "/s");
        assert!(nullable);
        assert_eq!(
            lower,
            Some(Bound {
                value: 1.0,
                exclusive: true
            })
        );
    }

    #[test]
    fn wrappers_that_only_annotate_are_seen_through() {
        let v30 = json!({"openapi": "3.0.3", "components": {"schemas": {"A": {"type": "object"}}},
            "s": {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true, "description": "d"}});
        let v31 = json!({"openapi": "3.1.0", "components": {"schemas": {"A": {"type": "object"}}},
            "s": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}], "description": "d"}});
        let d30 = Doc::new(&v30).unwrap();
        let d31 = Doc::new(&v31).unwrap();
        let a = View::of(
            &d30,
            Node {
                value: &v30["s"],
                at: "/s".into(),
            },
        );
        let b = View::of(
            &d31,
            Node {
                value: &v31["s"],
                at: "/s".into(),
            },
        );
        assert_eq!(a.component.as_deref(), Some("A"));
        assert_eq!(b.component.as_deref(), Some("A"));
        assert!(a.nullable && b.nullable);
        assert_eq!(a.inner.at, "/components/schemas/A");
        assert_eq!(a.docs[0].1.at, "/s/description");
    }

    #[test]
    fn a_ref_cycle_ends() {
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}});
        let d = Doc::new(&doc).unwrap();
        let v = View::of(
            &d,
            Node {
                value: &doc["components"]["schemas"]["A"],
                at: "/components/schemas/A".into(),
            },
        );
        assert!(v.types.is_none());
    }
}
