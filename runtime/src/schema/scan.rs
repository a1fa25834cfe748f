//! A request body read against its type's shape without being built: which `readOnly`
//! properties the client sent, which properties that must not be `null` are, and the values
//! that callback pointers name. With that known, the body deserializes straight from its bytes
//! into the handler's type, instead of through a `serde_json::Value` that is then pruned.
//!
//! The scan never fails a request: JSON that does not match the shape is passed over, and the
//! deserialization that follows reports it.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::shape::{is_optional, ObjectShape, Shape};
use super::validate::{push_escaped, push_index};

/// What a scan found.
#[derive(Debug, Default)]
pub(crate) struct Sent {
    /// Pointers of the `readOnly` properties present (when asked for).
    pub read_only: Vec<String>,
    /// Whether any `readOnly` property is present.
    pub any_read_only: bool,
    /// Pointers of properties sent as `null` where the schema says non-nullable.
    pub nulls: Vec<String>,
    /// For each wanted pointer, the value found there, if any.
    pub found: Vec<Option<Value>>,
    /// A wanted pointer stepped into an array; its value was not looked for.
    pub through_array: bool,
}

/// Scans `bytes` against `shape`, looking also for the values at `wanted` (pointers split into
/// unescaped tokens, each through objects only), and listing the pointers of the readOnly
/// properties sent when `list_read_only`. `None` when the bytes are not JSON.
pub(crate) fn scan(
    bytes: &[u8],
    shape: &'static Shape,
    wanted: &[Vec<String>],
    list_read_only: bool,
) -> Option<Sent> {
    let mut state = State {
        list_read_only,
        sent: Sent {
            found: vec![None; wanted.len()],
            ..Sent::default()
        },
        pointer: String::new(),
        enclosing: Vec::new(),
        depth: 0,
    };
    let wanted: Vec<(usize, &[String])> = wanted
        .iter()
        .enumerate()
        .map(|(i, tokens)| (i, tokens.as_slice()))
        .collect();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Scan {
        shape: Some(shape),
        wanted: &wanted,
        state: &mut state,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    Some(state.sent)
}

/// How deep the scan follows the shape; below that, the deserialization that follows does
/// the work (serde_json refuses nesting past 128 anyway).
const MAX_DEPTH: usize = 128;

struct State {
    sent: Sent,
    list_read_only: bool,
    /// Where the scan is, as a JSON pointer.
    pointer: String,
    /// The object shapes the scan is inside, for [`Shape::Recursive`].
    enclosing: Vec<&'static Shape>,
    depth: usize,
}

/// One value: its shape (`None` when nothing in it matters to the shape) and the wanted
/// pointers that continue inside it (index into `found`, remaining tokens).
struct Scan<'s, 'w> {
    shape: Option<&'static Shape>,
    wanted: &'w [(usize, &'w [String])],
    state: &'s mut State,
}

impl Scan<'_, '_> {
    /// The shape, with optional and recursive shapes resolved; `None` when nothing inside
    /// matters.
    fn resolved(&self) -> Option<&'static Shape> {
        let mut shape = self.shape?;
        loop {
            match shape {
                Shape::Optional(inner) => shape = inner,
                Shape::Recursive(name) => {
                    shape = self
                        .state
                        .enclosing
                        .iter()
                        .rev()
                        .copied()
                        .find(|s| matches!(s, Shape::Object(o) if o.name == *name))?;
                }
                _ => return Some(shape),
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Scan<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.state.depth >= MAX_DEPTH || (self.resolved().is_none() && self.wanted.is_empty()) {
            return <IgnoredAny as serde::Deserialize>::deserialize(deserializer).map(drop);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if !self.wanted.is_empty() {
            self.state.sent.through_array = true;
        }
        let item = match self.resolved() {
            Some(Shape::Array(item)) => Some(*item),
            _ => None,
        };
        let mut index = 0;
        loop {
            let len = self.state.pointer.len();
            self.state.pointer.push('/');
            push_index(&mut self.state.pointer, index);
            self.state.depth += 1;
            let next = seq.next_element_seed(Scan {
                shape: item,
                wanted: &[],
                state: &mut *self.state,
            });
            self.state.depth -= 1;
            self.state.pointer.truncate(len);
            if next?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let shape = self.resolved();
        let pushed = matches!(shape, Some(Shape::Object(_)));
        if let Some(object) = shape.filter(|_| pushed) {
            self.state.enclosing.push(object);
        }
        let mut inside: Vec<(usize, &[String])> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.as_str();
            let (field_shape, read_only, nullable) = match shape {
                Some(Shape::Object(object)) => match field(object, key) {
                    Some(f) => (
                        Some(f.shape),
                        f.read_only,
                        f.nullable || !is_optional(f.shape),
                    ),
                    None => (None, false, true),
                },
                Some(Shape::Map(value)) => (Some(*value), false, true),
                _ => (None, false, true),
            };
            inside.clear();
            let mut capture = Vec::new();
            for &(i, tokens) in self.wanted {
                match tokens {
                    [first] if first == key => capture.push(i),
                    [first, rest @ ..] if first == key => inside.push((i, rest)),
                    _ => {}
                }
            }
            let len = self.state.pointer.len();
            self.state.pointer.push('/');
            push_escaped(&mut self.state.pointer, key);
            if read_only {
                self.state.sent.any_read_only = true;
                if self.state.list_read_only {
                    self.state.sent.read_only.push(self.state.pointer.clone());
                }
            }
            if !capture.is_empty() {
                let value: Value = map.next_value()?;
                if value.is_null() && !nullable && !read_only {
                    self.state.sent.nulls.push(self.state.pointer.clone());
                }
                if !read_only {
                    self.state.depth += 1;
                    let scanned = Scan {
                        shape: field_shape,
                        wanted: &[],
                        state: &mut *self.state,
                    }
                    .deserialize(&value);
                    self.state.depth -= 1;
                    scanned.map_err(serde::de::Error::custom)?;
                }
                for i in capture {
                    self.state.sent.found[i] = Some(value.clone());
                }
            } else if read_only {
                map.next_value::<IgnoredAny>()?;
            } else if !nullable {
                let value: Option<NotNull> = map.next_value_seed(Nullable(Scan {
                    shape: field_shape,
                    wanted: &inside,
                    state: &mut *self.state,
                }))?;
                if value.is_none() {
                    self.state.sent.nulls.push(self.state.pointer.clone());
                }
            } else {
                self.state.depth += 1;
                let scanned = map.next_value_seed(Scan {
                    shape: field_shape,
                    wanted: &inside,
                    state: &mut *self.state,
                });
                self.state.depth -= 1;
                scanned?;
            }
            self.state.pointer.truncate(len);
        }
        if pushed {
            self.state.enclosing.pop();
        }
        Ok(())
    }
}

/// The property `name` of an object, among its own fields and those of flattened shapes.
fn field(object: &'static ObjectShape, name: &str) -> Option<&'static super::shape::FieldShape> {
    if let Some(f) = object.fields.iter().find(|f| f.name == name) {
        return Some(f);
    }
    object.flattened.iter().find_map(|shape| match shape {
        Shape::Object(inner) | Shape::Optional(Shape::Object(inner)) => field(inner, name),
        _ => None,
    })
}

/// A value that was not `null`.
struct NotNull;

/// Scans a value, telling `null` apart.
struct Nullable<'s, 'w>(Scan<'s, 'w>);

impl<'de> DeserializeSeed<'de> for Nullable<'_, '_> {
    type Value = Option<NotNull>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Nullable<'_, '_> {
    type Value = Option<NotNull>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let Scan {
            shape,
            wanted,
            state,
        } = self.0;
        state.depth += 1;
        let scanned = Scan {
            shape,
            wanted,
            state: &mut *state,
        }
        .deserialize(deserializer);
        state.depth -= 1;
        scanned.map(|()| Some(NotNull))
    }
}

/// An object key, borrowed from the input when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(s))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::super::shape::FieldShape;
    use super::*;

    const fn property(name: &'static str, shape: &'static Shape) -> FieldShape {
        FieldShape {
            name,
            shape,
            required: false,
            read_only: false,
            write_only: false,
            nullable: true,
        }
    }

    const UUID: Shape = Shape::String {
        format: Some("uuid"),
    };
    const TEXT: Shape = Shape::String { format: None };
    const LINE: Shape = Shape::Object(&ObjectShape {
        name: "Line",
        fields: &[
            FieldShape {
                read_only: true,
                ..property("id", &Shape::Optional(&UUID))
            },
            property("upc", &TEXT),
            property(
                "children",
                &Shape::Optional(&Shape::Array(&Shape::Recursive("Line"))),
            ),
        ],
        flattened: &[],
    });
    const ORDER: Shape = Shape::Object(&ObjectShape {
        name: "Order",
        fields: &[
            FieldShape {
                read_only: true,
                ..property("id", &Shape::Optional(&UUID))
            },
            FieldShape {
                nullable: false,
                ..property("callbackUrl", &Shape::Optional(&TEXT))
            },
            property("lines", &Shape::Array(&LINE)),
            property("meta", &Shape::Map(&LINE)),
        ],
        flattened: &[],
    });

    fn run(body: &str, wanted: &[&[&str]]) -> Sent {
        let wanted: Vec<Vec<String>> = wanted
            .iter()
            .map(|p| p.iter().map(|t| t.to_string()).collect())
            .collect();
        let sent = scan(body.as_bytes(), &ORDER, &wanted, false).expect("JSON");
        assert_eq!(
            sent.any_read_only,
            !sent.read_only.is_empty() || sent_any(body, &wanted)
        );
        let listed = scan(body.as_bytes(), &ORDER, &wanted, true).expect("JSON");
        assert_eq!(listed.any_read_only, sent.any_read_only);
        listed
    }

    fn sent_any(body: &str, wanted: &[Vec<String>]) -> bool {
        scan(body.as_bytes(), &ORDER, wanted, true).is_some_and(|s| !s.read_only.is_empty())
    }

    #[test]
    fn read_only_properties_are_found_at_any_depth() {
        let sent = run(
            r#"{"id": 1, "lines": [{"upc": "a"}, {"id": null, "children": [{"id": "x"}]}],
                "meta": {"a/b": {"id": 2}}, "other": {"id": 3}}"#,
            &[],
        );
        assert_eq!(
            sent.read_only,
            [
                "/id",
                "/lines/1/id",
                "/lines/1/children/0/id",
                "/meta/a~1b/id"
            ]
        );
        assert!(sent.nulls.is_empty());
    }

    #[test]
    fn null_is_found_where_the_schema_refuses_it() {
        let sent = run(r#"{"callbackUrl": null, "lines": []}"#, &[]);
        assert_eq!(sent.nulls, ["/callbackUrl"]);
        assert!(run(r#"{"callbackUrl": "x"}"#, &[]).nulls.is_empty());
    }

    #[test]
    fn wanted_values_are_captured_as_sent() {
        let sent = run(
            r#"{"callbackUrl": "https://a.example/x", "id": "r", "extra": {"deep": {"v": [1, 2]}}}"#,
            &[
                &["callbackUrl"],
                &["id"],
                &["extra", "deep", "v"],
                &["absent"],
            ],
        );
        assert_eq!(sent.found[0], Some(Value::from("https://a.example/x")));
        assert_eq!(
            sent.found[1],
            Some(Value::from("r")),
            "readOnly values are read as sent"
        );
        assert_eq!(sent.found[2], Some(serde_json::json!([1, 2])));
        assert_eq!(sent.found[3], None);
        assert_eq!(sent.read_only, ["/id"]);
        assert!(!sent.through_array);
        let null = run(r#"{"callbackUrl": null}"#, &[&["callbackUrl"]]);
        assert_eq!(null.nulls, ["/callbackUrl"]);
        assert_eq!(null.found[0], Some(Value::Null));
    }

    #[test]
    fn a_wanted_pointer_through_an_array_is_reported() {
        let sent = run(r#"{"lines": [{"upc": "a"}]}"#, &[&["lines", "0", "upc"]]);
        assert!(sent.through_array);
    }

    #[test]
    fn json_that_does_not_match_the_shape_is_passed_over_and_bad_json_is_none() {
        let sent = run(r#"{"lines": "no", "meta": [1], "id": {"a": [1]}}"#, &[]);
        assert_eq!(sent.read_only, ["/id"]);
        assert!(scan(b"{\"id\": ", &ORDER, &[], true).is_none());
        assert!(scan(b"{} {}", &ORDER, &[], true).is_none());
    }
}
