//! The document as an ordered JSON tree, written in the order a reader expects (`openapi`,
//! `info`, ..., `paths`, `components`).
//!
//! serde_json's `Map` keeps insertion order only with its `preserve_order` feature, and a
//! library that turned that on would turn it on for every crate built beside it. So the
//! document keeps its own order here and serializes straight to JSON or YAML text;
//! `serde_json::Value` is made only for callers who ask for one.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

/// A JSON value whose objects keep the order their keys were inserted in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Object(Object),
    Array(Vec<Json>),
    /// A scalar, or a value given whole (an example, a default, a security scheme).
    Value(Value),
}

/// A JSON object in insertion order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Object(Vec<(String, Json)>);

impl Object {
    pub(crate) fn new() -> Self {
        Object(Vec::new())
    }

    /// Sets `key`: a new key goes last, an existing one keeps its place.
    pub(crate) fn insert(&mut self, key: impl Into<String>, value: impl Into<Json>) {
        let key = key.into();
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => self.0.push((key, value)),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, V: Into<Json>> FromIterator<(K, V)> for Object {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut object = Object::new();
        for (key, value) in iter {
            object.insert(key, value);
        }
        object
    }
}

impl Json {
    /// The same value as a `serde_json::Value` (whose objects are ordered as serde_json's
    /// features say, not necessarily as written here).
    pub(crate) fn into_value(self) -> Value {
        match self {
            Json::Object(Object(entries)) => Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, value.into_value()))
                    .collect(),
            ),
            Json::Array(items) => Value::Array(items.into_iter().map(Json::into_value).collect()),
            Json::Value(value) => value,
        }
    }
}

impl From<Object> for Json {
    fn from(object: Object) -> Self {
        Json::Object(object)
    }
}

impl From<Vec<Json>> for Json {
    fn from(items: Vec<Json>) -> Self {
        Json::Array(items)
    }
}

impl From<Value> for Json {
    fn from(value: Value) -> Self {
        Json::Value(value)
    }
}

impl From<serde_json::Number> for Json {
    fn from(n: serde_json::Number) -> Self {
        Json::Value(Value::Number(n))
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json::Value(Value::String(s.to_owned()))
    }
}

impl From<String> for Json {
    fn from(s: String) -> Self {
        Json::Value(Value::String(s))
    }
}

impl From<&String> for Json {
    fn from(s: &String) -> Self {
        Json::Value(Value::String(s.clone()))
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Self {
        Json::Value(Value::Bool(b))
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Self {
        Json::Value(Value::from(n))
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Object(object) => object.serialize(serializer),
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Value(value) => value.serialize(serializer),
        }
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Json {
        let mut inner = Object::new();
        inner.insert("zeta", 1u64);
        inner.insert("alpha", vec![Json::from("x"), Json::from(json!(null))]);
        let mut outer = Object::new();
        outer.insert("openapi", "3.0.3");
        outer.insert("info", inner);
        outer.insert("components", true);
        Json::Object(outer)
    }

    #[test]
    fn keys_come_out_in_insertion_order() {
        assert_eq!(
            serde_json::to_string(&sample()).unwrap(),
            r#"{"openapi":"3.0.3","info":{"zeta":1,"alpha":["x",null]},"components":true}"#
        );
    }

    #[test]
    fn a_key_set_twice_keeps_its_place_and_the_last_value() {
        let mut object = Object::new();
        object.insert("a", 1u64);
        object.insert("b", 2u64);
        object.insert("a", 3u64);
        assert_eq!(serde_json::to_string(&object).unwrap(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn the_value_is_the_same_json() {
        assert_eq!(
            sample().into_value(),
            json!({"openapi": "3.0.3", "info": {"zeta": 1, "alpha": ["x", null]}, "components": true})
        );
    }
}
