//! Which value of a JSON document a serde_json error is about, as a JSON pointer.
//!
//! A refused body's report reads JSON text written from a `Value`, and needs the pointer of
//! each value serde refuses. Tracking the path while deserializing (`serde_path_to_error`)
//! instantiates every body type's `Deserialize` a second time, as large as the first; serde_json
//! already says where it stopped, as a column of the text. Compact text has no line breaks, so
//! the column is a byte offset, and writing the same text again while keeping the pointer of
//! each value gives the value there. This runs only for a body already refused.

use serde_json::Value;

/// The pointer of the value in `serde_json::to_vec(json)` that `error` is about: the innermost
/// value or property name whose text spans the error's column, which serde_json puts just
/// after the value it refused (or on its first byte, for a value of the wrong type). `""`
/// when the error has no position.
pub(super) fn pointer_of(json: &Value, error: &serde_json::Error) -> String {
    if error.line() != 1 {
        return String::new();
    }
    let mut walk = Walk {
        offset: error.column(),
        text: Vec::new(),
        pointer: String::new(),
        found: None,
    };
    walk.value(json);
    walk.found.unwrap_or_default()
}

struct Walk {
    offset: usize,
    /// The text written so far: the same bytes as `serde_json::to_vec`.
    text: Vec<u8>,
    pointer: String,
    /// The first span to contain the offset: children end before their parents, so it is the
    /// innermost.
    found: Option<String>,
}

impl Walk {
    fn value(&mut self, value: &Value) {
        let start = self.text.len();
        match value {
            Value::Array(items) => {
                self.text.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push(b',');
                    }
                    let len = self.pointer.len();
                    self.pointer.push('/');
                    self.pointer.push_str(&i.to_string());
                    self.value(item);
                    self.pointer.truncate(len);
                }
                self.text.push(b']');
            }
            Value::Object(map) => {
                self.text.push(b'{');
                for (i, (key, item)) in map.iter().enumerate() {
                    if i > 0 {
                        self.text.push(b',');
                    }
                    let len = self.pointer.len();
                    self.pointer.push('/');
                    crate::schema::validate_pointer_push(&mut self.pointer, key);
                    // A refused name (unknown, duplicate) is reported just after it.
                    let key_start = self.text.len();
                    self.scalar(&Value::String(key.clone()));
                    self.spans(key_start);
                    self.text.push(b':');
                    self.value(item);
                    self.pointer.truncate(len);
                }
                self.text.push(b'}');
            }
            scalar => self.scalar(scalar),
        }
        self.spans(start);
    }

    fn scalar(&mut self, value: &Value) {
        serde_json::to_writer(&mut self.text, value).expect("a scalar Value always serializes");
    }

    /// Records the pointer when the text from `start` to here contains the offset (the end
    /// included: serde_json reports a value after reading it).
    fn spans(&mut self, start: usize) {
        if self.found.is_none() && (start..=self.text.len()).contains(&self.offset) {
            self.found = Some(self.pointer.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        quantity: u8,
        id: uuid::Uuid,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Order {
        name: String,
        lines: Vec<Line>,
    }

    fn pointer(json: Value) -> String {
        let text = serde_json::to_vec(&json).unwrap();
        let error = serde_json::from_slice::<Order>(&text).unwrap_err();
        pointer_of(&json, &error)
    }

    #[test]
    fn the_walk_writes_serde_json_s_text() {
        let json =
            serde_json::json!({"a": [1, -2.5, "x\n\"y\"", null, true, {}], "b/~": {"c": []}});
        let mut walk = Walk {
            offset: usize::MAX,
            text: Vec::new(),
            pointer: String::new(),
            found: None,
        };
        walk.value(&json);
        assert_eq!(walk.text, serde_json::to_vec(&json).unwrap());
    }

    #[test]
    fn each_refused_value_is_named_by_its_pointer() {
        let id = "00000000-0000-0000-0000-000000000000";
        let cases = [
            (serde_json::json!({"name": 1, "lines": []}), "/name"),
            (serde_json::json!({"name": "n", "lines": {}}), "/lines"),
            (
                serde_json::json!({"name": "n", "lines": [{"quantity": 1, "id": id}, {"quantity": 300, "id": id}]}),
                "/lines/1/quantity",
            ),
            (
                serde_json::json!({"name": "n", "lines": [{"quantity": 1, "id": "not-a-uuid"}]}),
                "/lines/0/id",
            ),
            (
                serde_json::json!({"name": "n", "lines": [{"quantity": 1}]}),
                "/lines/0",
            ),
            (
                serde_json::json!({"name": "n", "lines": [{"quantity": 1, "id": id, "x~/": 0}]}),
                "/lines/0/x~0~1",
            ),
            (serde_json::json!({"lines": []}), ""),
            (serde_json::json!([]), ""),
        ];
        for (json, expected) in cases {
            assert_eq!(pointer(json.clone()), expected, "{json}");
        }
    }
}
