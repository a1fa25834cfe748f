//! Parameters arrive as text; their shapes say which JSON value each text stands for, so that
//! one serde path (`serde_json::from_value`) reads path, query and header values alike.

use serde_json::{Map, Number, Value};

use crate::schema::shape::{ObjectShape, Shape};
use crate::Violation;

/// The JSON value `text` stands for as a value of `shape`. Text that does not fit is kept as
/// a string, so that deserializing it reports the mismatch in serde's words.
pub fn coerce(text: &str, shape: &'static Shape) -> Value {
    match unwrap(shape) {
        Shape::Integer | Shape::IntegerIn { .. } => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        Shape::Number => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(text.to_owned())),
        Shape::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        Shape::Array(item) => Value::Array(vec![coerce(text, item)]),
        _ => Value::String(text.to_owned()),
    }
}

/// Named values (a query string, path parameters) as a JSON object of `object`'s shape:
/// repeated names become arrays where the property is an array.
pub fn coerce_object<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    object: &'static ObjectShape,
) -> Value {
    let mut map = Map::new();
    for (name, text) in pairs {
        let shape = field_shape(object, name).unwrap_or(&Shape::Any);
        let value = coerce(text, shape);
        match (map.get_mut(name), value) {
            (Some(Value::Array(existing)), Value::Array(more)) => existing.extend(more),
            (Some(_), value) => {
                // A repeated scalar: the last one wins, as most frameworks do.
                map.insert(name.to_owned(), value);
            }
            (None, value) => {
                map.insert(name.to_owned(), value);
            }
        }
    }
    Value::Object(map)
}

/// The shape of the property `name`, looking into flattened fields as serde does (a flattened
/// field's parameters are documented with the struct's own).
fn field_shape(object: &'static ObjectShape, name: &str) -> Option<&'static Shape> {
    object
        .fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.shape)
        .or_else(|| {
            object
                .flattened
                .iter()
                .find_map(|flat| object_of(flat).and_then(|inner| field_shape(inner, name)))
        })
}

/// The object shape a parameter struct has, if it is one.
pub fn object_of(shape: &'static Shape) -> Option<&'static ObjectShape> {
    match unwrap(shape) {
        Shape::Object(o) => Some(o),
        _ => None,
    }
}

fn unwrap(mut shape: &'static Shape) -> &'static Shape {
    while let Shape::Optional(inner) = shape {
        shape = inner;
    }
    shape
}

/// Deserializes `value` as a `T`, reporting where and why it failed as a violation.
pub fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Violation> {
    // Most values fit: the position is tracked only to say where one does not.
    if let Ok(parsed) = T::deserialize(&value) {
        return Ok(parsed);
    }
    // From `&Value` again, so that the deserializers serde_json instantiates for `T` are the
    // ones the line above already did.
    serde_path_to_error::deserialize(&value).map_err(violation_of)
}

fn violation_of(e: serde_path_to_error::Error<serde_json::Error>) -> Violation {
    let pointer = pointer_of(e.path());
    Violation::new(pointer, plain_message(&e.into_inner().to_string()))
}

/// serde's path as an RFC 6901 JSON pointer.
pub fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                crate::schema::validate_pointer_push(&mut pointer, key);
            }
            Segment::Unknown => {}
        }
    }
    pointer
}

/// serde_json appends " at line 1 column 2" to messages about values that were never text;
/// drop it, the pointer says where.
pub(super) fn plain_message(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;

    #[test]
    fn text_becomes_the_shape_s_json() {
        assert_eq!(coerce("42", <u32 as Schema>::SHAPE), Value::from(42));
        assert_eq!(coerce("-1.5", <f64 as Schema>::SHAPE), Value::from(-1.5));
        assert_eq!(
            coerce("true", <Option<bool> as Schema>::SHAPE),
            Value::Bool(true)
        );
        assert_eq!(coerce("4x", <u32 as Schema>::SHAPE), Value::from("4x"));
        assert_eq!(coerce("abc", <String as Schema>::SHAPE), Value::from("abc"));
    }

    #[test]
    fn failures_carry_a_pointer() {
        let v: Result<Vec<u8>, _> = from_value(serde_json::json!([1, "two"]));
        let v = v.unwrap_err();
        assert_eq!(v.pointer, "/1");
        assert!(
            v.message.starts_with("invalid type: string \"two\""),
            "{}",
            v.message
        );
    }
}
