//! What a shape expects of a value, and the words for a value that is something else: the
//! messages say both ("expected an integer between 0 and 255, found 300").

use super::lexeme::{float, int, Num};
use crate::schema::shape::Shape;

/// The kind of JSON value found, with the token where it says more than the kind.
pub(super) enum Found<'b> {
    Object,
    Array,
    String(&'b [u8]),
    Number(Num<'b>),
    Literal(&'static str),
}

/// Whether a value of kind `found` may stand where `shape` (resolved: no `Optional`) is
/// expected; `nullable` says whether `null` may. Shapes the scan does not judge (any value,
/// `oneOf`, an unresolved reference) accept everything.
pub(super) fn accepts(shape: &Shape, nullable: bool, found: &Found<'_>, key: &[u8]) -> bool {
    match (found, shape) {
        (_, Shape::Any | Shape::OneOf(_) | Shape::Recursive(_)) => true,
        (Found::Literal("null"), shape) => nullable || matches!(shape, Shape::Null),
        (Found::Literal(_), Shape::Boolean) => true,
        (Found::Object, Shape::Object(_) | Shape::Map(_)) => true,
        (Found::Array, Shape::Array(_)) => true,
        (Found::String(_), Shape::String { .. }) => true,
        (Found::String(_), Shape::StringEnum(names)) => names.iter().any(|n| n.as_bytes() == key),
        (Found::Number(_), Shape::Number) => true,
        (Found::Number(n), Shape::Integer) => n.integral || integral_float(n).is_some(),
        (Found::Number(n), Shape::IntegerIn { min, max }) => {
            integer(n).is_some_and(|i| (*min..=*max).contains(&i))
        }
        _ => false,
    }
}

/// The value of an integer token, or of a float with no fraction where serde can be made to
/// read it as an integer (JSON Schema counts `3.0` as one); `None` for any other number.
fn integer(n: &Num<'_>) -> Option<i128> {
    if n.integral {
        int(n.text)
    } else {
        integral_float(n)
    }
}

/// A float with no fraction within `i64`/`u64`: what the body path rewrites as an integer.
fn integral_float(n: &Num<'_>) -> Option<i128> {
    let f = float(n.text)?;
    let whole = f.fract() == 0.0 && f >= i64::MIN as f64 && f < u64::MAX as f64;
    whole.then_some(f as i128)
}

/// The message for a value that does not fit its shape.
pub(super) fn mismatch(shape: &Shape, nullable: bool, found: &Found<'_>) -> String {
    // A fraction is wrong in any range: the range would only distract.
    let shape = match (shape, found) {
        (Shape::IntegerIn { .. }, Found::Number(n)) if has_fraction(n) => &Shape::Integer,
        _ => shape,
    };
    format!(
        "expected {}, found {}",
        expected(shape, nullable),
        describe(found)
    )
}

fn has_fraction(n: &Num<'_>) -> bool {
    !n.integral && float(n.text).is_some_and(|f| f.fract() != 0.0)
}

/// The message for a required property that was not sent.
pub(super) fn missing(shape: &'static Shape) -> String {
    let (shape, nullable) = match shape {
        Shape::Optional(inner) => (*inner, true),
        shape => (shape, false),
    };
    format!(
        "is required: expected {}, found nothing",
        expected(shape, nullable)
    )
}

/// What `shape` expects, as a phrase.
pub(super) fn expected(shape: &Shape, nullable: bool) -> String {
    let text = match shape {
        Shape::Null => return "null".to_owned(),
        Shape::Boolean => "a boolean".to_owned(),
        Shape::Integer => "an integer".to_owned(),
        Shape::IntegerIn { min, max } => format!("an integer between {min} and {max}"),
        Shape::Number => "a number".to_owned(),
        Shape::String { format: Some(f) } => format!("a string ({f})"),
        Shape::String { format: None } => "a string".to_owned(),
        Shape::StringEnum([one]) => format!("\"{one}\""),
        Shape::StringEnum(names) => one_of(names),
        Shape::Array(_) => "an array".to_owned(),
        _ => "an object".to_owned(),
    };
    if nullable {
        text + " or null"
    } else {
        text
    }
}

/// How many values of an enum a message lists before it stops.
const LISTED: usize = 12;

fn one_of(names: &[&str]) -> String {
    let mut text = "one of ".to_owned();
    for (i, name) in names.iter().take(LISTED).enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        text.push('"');
        text.push_str(name);
        text.push('"');
    }
    if names.len() > LISTED {
        text.push_str(", ...");
    }
    text
}

/// How much of a sent value a message quotes.
const QUOTED: usize = 40;

fn describe(found: &Found<'_>) -> String {
    match found {
        Found::Object => "an object".to_owned(),
        Found::Array => "an array".to_owned(),
        Found::Literal(word) => (*word).to_owned(),
        Found::Number(n) => clip(&String::from_utf8_lossy(n.text)),
        Found::String(raw) => format!("\"{}\"", clip(&String::from_utf8_lossy(raw))),
    }
}

fn clip(text: &str) -> String {
    match text.char_indices().nth(QUOTED) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Found<'_> {
        Found::Number(Num {
            text: text.as_bytes(),
            integral: !text.contains(['.', 'e', 'E']),
        })
    }

    const U8: Shape = Shape::IntegerIn { min: 0, max: 255 };

    #[test]
    fn integers_fit_their_range() {
        assert!(accepts(&U8, false, &num("255"), b""));
        assert!(accepts(&U8, false, &num("2.0"), b""));
        assert!(accepts(&U8, false, &num("-0"), b""));
        assert!(!accepts(&U8, false, &num("300"), b""));
        assert!(!accepts(&U8, false, &num("-1"), b""));
        assert!(!accepts(&U8, false, &num("1.5"), b""));
        assert!(!accepts(&U8, false, &num("1e300"), b""));
        assert!(!accepts(&U8, false, &num(&"9".repeat(60)), b""));
        assert!(accepts(&Shape::Integer, false, &num("1e3"), b""));
        assert!(!accepts(&Shape::Integer, false, &num("0.5"), b""));
    }

    #[test]
    fn messages_say_what_was_expected_and_found() {
        assert_eq!(
            mismatch(&U8, false, &num("300")),
            "expected an integer between 0 and 255, found 300"
        );
        assert_eq!(
            mismatch(&Shape::StringEnum(&["ale", "lager"]), true, &Found::Object),
            "expected one of \"ale\", \"lager\" or null, found an object"
        );
        assert_eq!(
            mismatch(
                &Shape::String { format: None },
                false,
                &Found::String(&[b'x'; 50])
            ),
            format!("expected a string, found \"{}...\"", "x".repeat(40))
        );
        assert_eq!(
            mismatch(&U8, false, &num("1.5")),
            "expected an integer, found 1.5"
        );
        assert_eq!(
            missing(&Shape::String { format: None }),
            "is required: expected a string, found nothing"
        );
    }
}
