//! Every mistake of a refused body at once, each at its pointer.
//!
//! The scan finds where a body does not fit its type; serde can say nothing more once one
//! value does not fit, so the `#[schema]` rules, which run on the typed value, would go
//! unchecked. Each place the scan (or serde, for what only a type's own `Deserialize` knows,
//! such as a malformed uuid) refuses is therefore filled with a stand-in value of the shape
//! expected there, the body is read again, and the rules run on that: their violations join
//! the mistakes, but for those about the stand-ins. This runs only for a body already refused.

use serde_json::{Map, Value};

use crate::schema::scan::{MistakeKind, Sent};
use crate::schema::shape::{resolve_pointer, Found, ObjectShape, Shape};
use crate::schema::visibility::Removed;
use crate::Violation;

pub(super) const NULL_REFUSED: &str = "must not be null; leave the property out instead";
pub(super) const READ_ONLY_REFUSED: &str = "is read-only and must not be sent";

/// How many times serde is asked again after a stand-in: each answer is one more mistake.
const ROUNDS: usize = 16;

/// What the body path needs of the body's type, as plain functions so that this module is
/// compiled once and not for every body type.
pub(super) struct TypeOps {
    pub shape: &'static Shape,
    pub strip_read_only: fn(&mut Value, &mut Removed),
    /// Deserializes JSON text and validates it: its rule violations, or serde's error (located
    /// by [`error_pointer`](super::error_pointer), so that the type's `Deserialize` is not
    /// instantiated again to track where it is).
    pub read: fn(&[u8]) -> Result<Vec<Violation>, serde_json::Error>,
    /// Whether the type has a `oneOf` somewhere, where normalising integral floats first can
    /// change the variant chosen.
    pub one_of: bool,
}

/// Whether the scan found anything to refuse: a mistake, a refused `null`, or (listed only
/// when the policy refuses them) a readOnly property.
pub(super) fn any_refused(sent: &Sent) -> bool {
    !sent.mistakes.is_empty() || !sent.nulls.is_empty() || !sent.read_only.is_empty()
}

/// Every violation of `bytes`: what the scan found, what serde finds past it, and the rule
/// violations of the body with each of those filled in.
pub(super) fn violations(bytes: &[u8], sent: Sent, ops: &TypeOps) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut filled = Vec::new();
    let mut stand_ins = Vec::new();
    let mut readable = true;
    for mistake in sent.mistakes {
        match mistake.kind {
            MistakeKind::Expected(shape) => stand_ins.push((mistake.pointer.clone(), shape)),
            MistakeKind::NotText => readable = false,
            MistakeKind::Duplicate => {}
        }
        filled.push(mistake.pointer.clone());
        violations.push(Violation::new(mistake.pointer, mistake.message));
    }
    violations.extend(
        sent.nulls
            .into_iter()
            .map(|p| Violation::new(p, NULL_REFUSED)),
    );
    violations.extend(
        sent.read_only
            .into_iter()
            .map(|p| Violation::new(p, READ_ONLY_REFUSED)),
    );
    // Text that is not JSON cannot be read at all: its mistakes are all there is to say.
    let Some(mut json) = readable
        .then(|| serde_json::from_slice::<Value>(bytes).ok())
        .flatten()
    else {
        return violations;
    };
    (ops.strip_read_only)(&mut json, &mut Removed::without_list());
    for (pointer, shape) in stand_ins {
        if !fill(&mut json, &pointer, shape) {
            return violations;
        }
    }
    for _ in 0..ROUNDS {
        crate::schema::normalize::integers(&mut json, ops.shape);
        let text = serde_json::to_vec(&json).expect("a Value always serializes");
        match (ops.read)(&text) {
            Ok(rules) => {
                let about_stand_ins = |v: &Violation| filled.iter().any(|p| within(&v.pointer, p));
                violations.extend(rules.into_iter().filter(|v| !about_stand_ins(v)));
                break;
            }
            Err(error) => {
                let refused = Violation::new(
                    super::error_pointer::pointer_of(&json, &error),
                    super::coerce::plain_message(&error.to_string()),
                );
                let refused = missing_at_its_pointer(refused);
                if filled.iter().any(|p| within(&refused.pointer, p)) {
                    // A stand-in did not satisfy the type: the rules stay unchecked.
                    break;
                }
                let shape = match resolve_pointer(ops.shape, &refused.pointer) {
                    Found::Value { shape, .. } => Some(shape),
                    _ => None,
                };
                filled.push(refused.pointer.clone());
                let pointer = refused.pointer.clone();
                violations.push(refused);
                if !shape.is_some_and(|shape| fill(&mut json, &pointer, shape)) {
                    break;
                }
            }
        }
    }
    violations
}

/// Whether `pointer` is `at` or inside it.
fn within(pointer: &str, at: &str) -> bool {
    pointer
        .strip_prefix(at)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// serde says a missing field is missing from its object; the pointer should name the field.
fn missing_at_its_pointer(violation: Violation) -> Violation {
    let name = violation
        .message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'));
    match name {
        Some(name) => {
            let mut pointer = violation.pointer.clone();
            pointer.push('/');
            crate::schema::validate_pointer_push(&mut pointer, name);
            Violation::new(pointer, "is required, and missing")
        }
        None => violation,
    }
}

/// Puts a stand-in of `shape` at `pointer` (replacing what is there, or adding the property);
/// `false` when there is no such place or no stand-in.
fn fill(json: &mut Value, pointer: &str, shape: &'static Shape) -> bool {
    let Some(value) = stand_in(shape, &mut Vec::new()) else {
        return false;
    };
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        *json = value;
        return true;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match json.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(last, value);
            true
        }
        Some(Value::Array(items)) => {
            match last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(item) => {
                    *item = value;
                    true
                }
                None => false,
            }
        }
        _ => false,
    }
}

/// A value serde reads as `shape` and no rule is asked about; `None` where there is none
/// (a type that contains itself).
fn stand_in(shape: &'static Shape, within: &mut Vec<&'static str>) -> Option<Value> {
    Some(match shape {
        Shape::Boolean => Value::Bool(false),
        Shape::Integer | Shape::Number => Value::from(0),
        Shape::IntegerIn { min, max } => Value::from(0.clamp(*min, *max) as i64),
        Shape::String { format } => Value::from(match *format {
            Some("uuid") => "00000000-0000-0000-0000-000000000000",
            Some("uri") => "https://example.invalid/",
            Some("date-time") => "1970-01-01T00:00:00Z",
            Some("date") => "1970-01-01",
            Some("ipv4") => "0.0.0.0",
            Some("ipv6") => "::",
            _ => "",
        }),
        Shape::StringEnum(names) => Value::from(*names.first()?),
        Shape::Array(_) => Value::Array(Vec::new()),
        Shape::Map(_) => Value::Object(Map::new()),
        Shape::Object(object) => {
            if within.contains(&object.name) || within.len() > 32 {
                return None;
            }
            within.push(object.name);
            let mut map = Map::new();
            required_stand_ins(object, &mut map, within)?;
            within.pop();
            Value::Object(map)
        }
        Shape::OneOf(variants) => stand_in(variants.first()?, within)?,
        Shape::Recursive(_) => return None,
        _ => Value::Null,
    })
}

fn required_stand_ins(
    object: &'static ObjectShape,
    map: &mut Map<String, Value>,
    within: &mut Vec<&'static str>,
) -> Option<()> {
    for field in object.fields.iter().filter(|f| f.required) {
        map.insert(field.name.to_owned(), stand_in(field.shape, within)?);
    }
    for flattened in object.flattened {
        if let Shape::Object(inner) = flattened {
            required_stand_ins(inner, map, within)?;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_fill_missing_and_wrong_values() {
        let mut json = serde_json::json!({"a": [1, "x"], "b": {}});
        assert!(fill(
            &mut json,
            "/a/1",
            &Shape::IntegerIn { min: 1, max: 9 }
        ));
        assert!(fill(&mut json, "/b/c~1d", &Shape::String { format: None }));
        assert!(!fill(&mut json, "/a/7", &Shape::Boolean));
        assert!(!fill(&mut json, "/x/y", &Shape::Boolean));
        assert_eq!(json, serde_json::json!({"a": [1, 1], "b": {"c/d": ""}}));
    }

    #[test]
    fn a_missing_field_is_named_by_its_pointer() {
        let v = missing_at_its_pointer(Violation::new("/lines/0", "missing field `upc`"));
        assert_eq!(v.pointer, "/lines/0/upc");
        assert!(within("/a/b", "/a") && within("/a", "/a") && !within("/ab", "/a"));
        assert!(within("/a", ""));
    }
}
