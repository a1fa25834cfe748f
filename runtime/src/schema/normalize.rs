//! JSON Schema counts `388.0` as an integer; serde does not read it as an `i32`. Before a body
//! is deserialized, numbers with no fractional part are written as integers wherever the
//! type's shape expects one, so that serde accepts exactly what the schema does.

use serde_json::{Number, Value};

use super::shape::{ObjectShape, Shape};

/// Rewrites integral floats as integers where `shape` expects an integer.
///
/// ```
/// use ringback::{Schema, schema::normalize::integers};
/// let mut v = serde_json::json!([1.0, 2.5]);
/// integers(&mut v, <Vec<i32> as Schema>::SHAPE);
/// assert_eq!(v, serde_json::json!([1, 2.5]));
/// ```
pub fn integers(value: &mut Value, shape: &'static Shape) {
    let mut enclosing = Vec::new();
    walk(value, shape, &mut enclosing, 0);
}

const MAX_DEPTH: usize = 128;

fn walk(
    value: &mut Value,
    shape: &'static Shape,
    enclosing: &mut Vec<&'static ObjectShape>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match (shape, value) {
        (Shape::Integer | Shape::IntegerIn { .. }, Value::Number(n)) => {
            if let Some(i) = integral(n) {
                *n = i;
            }
        }
        (Shape::Optional(inner), value) => walk(value, inner, enclosing, depth + 1),
        (Shape::Array(item), Value::Array(items)) => {
            for v in items {
                walk(v, item, enclosing, depth + 1);
            }
        }
        (Shape::Map(item), Value::Object(map)) => {
            for v in map.values_mut() {
                walk(v, item, enclosing, depth + 1);
            }
        }
        (Shape::Object(object), value @ Value::Object(_)) => {
            enclosing.push(object);
            walk_object(value, object, enclosing, depth);
            enclosing.pop();
        }
        (Shape::OneOf(variants), value) => {
            // Making an integral float an integer is harmless for every numeric field, so each
            // variant may rewrite what it recognises.
            for variant in variants.iter() {
                walk(value, variant, enclosing, depth + 1);
            }
        }
        (Shape::Recursive(name), value) => {
            if let Some(object) = enclosing.iter().rev().find(|o| o.name == *name).copied() {
                enclosing.push(object);
                walk_object(value, object, enclosing, depth);
                enclosing.pop();
            }
        }
        _ => {}
    }
}

fn walk_object(
    value: &mut Value,
    object: &'static ObjectShape,
    enclosing: &mut Vec<&'static ObjectShape>,
    depth: usize,
) {
    if let Value::Object(map) = value {
        for field in object.fields {
            if let Some(v) = map.get_mut(field.name) {
                walk(v, field.shape, enclosing, depth + 1);
            }
        }
    }
    for flat in object.flattened {
        walk(value, flat, enclosing, depth + 1);
    }
}

/// The number as an integer, if it is a float with no fractional part within `i64`/`u64`.
fn integral(n: &Number) -> Option<Number> {
    if n.is_i64() || n.is_u64() {
        return None;
    }
    let f = n.as_f64()?;
    if f.fract() != 0.0 || !f.is_finite() {
        return None;
    }
    if f >= i64::MIN as f64 && f < i64::MAX as f64 {
        Some(Number::from(f as i64))
    } else if f >= 0.0 && f < u64::MAX as f64 {
        Some(Number::from(f as u64))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;

    #[test]
    fn only_integer_positions_change() {
        let mut v = serde_json::json!({"a": 2.0, "b": 2.0, "c": {"x": 3.0}, "d": 1e300});
        #[derive(serde::Deserialize, crate::Schema)]
        #[allow(dead_code)]
        struct T {
            a: u8,
            b: f64,
            c: serde_json::Value,
            d: i64,
        }
        integers(&mut v, <T as Schema>::SHAPE);
        assert_eq!(
            v,
            serde_json::json!({"a": 2, "b": 2.0, "c": {"x": 3.0}, "d": 1e300})
        );
    }
}
