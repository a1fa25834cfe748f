//! A `const` description of a type's JSON shape.
//!
//! A proc macro sees one item, never the types it names. Checks that cross items (does the
//! body type have a property `orderStatusCallbackUrl`, and is it a string?) are therefore made
//! by constant evaluation: `#[derive(Schema)]` emits a [`Shape`] for the type, and later macros
//! emit `const` items that walk it with the `const fn`s below and panic with a precise message.

use crate::case::str_eq;

/// The JSON shape of a type, as far as compile-time checks need it.
///
/// Every [`Schema`](crate::Schema) type has one in [`Schema::SHAPE`](crate::Schema::SHAPE).
///
/// ```
/// use ringback::{Schema, Shape};
/// assert!(matches!(<Option<String> as Schema>::SHAPE, Shape::Optional(Shape::String { .. })));
/// assert!(matches!(<u8 as Schema>::SHAPE, Shape::IntegerIn { min: 0, max: 255 }));
/// ```
#[derive(Debug)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum Shape {
    /// Any JSON value (`serde_json::Value`).
    Any,
    /// `null` only (the unit type).
    Null,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// A whole number between `min` and `max` inclusive: what a Rust integer type holds, so
    /// that a body scan can say `300` does not fit a `u8` before serde is asked.
    IntegerIn {
        /// The least value.
        min: i128,
        /// The greatest value.
        max: i128,
    },
    /// Any number.
    Number,
    /// A string, with its OpenAPI `format` if it has one.
    String {
        /// The format, such as `uuid` or `uri`.
        format: Option<&'static str>,
    },
    /// A string that takes one of a fixed set of values.
    StringEnum(&'static [&'static str]),
    /// An array of one item shape.
    Array(&'static Shape),
    /// An object with arbitrary keys and one value shape.
    Map(&'static Shape),
    /// A value that may be `null` or absent.
    Optional(&'static Shape),
    /// An object with named properties.
    Object(&'static ObjectShape),
    /// One of several shapes (a data-carrying enum).
    OneOf(&'static [&'static Shape]),
    /// The type named here, which is being described already (a recursive type).
    Recursive(&'static str),
}

/// The properties of an object shape.
#[derive(Debug)]
pub struct ObjectShape {
    /// The type's name, which [`Shape::Recursive`] refers back to.
    pub name: &'static str,
    /// The properties, by their JSON names.
    pub fields: &'static [FieldShape],
    /// Shapes whose properties are merged into this object (`#[serde(flatten)]`).
    pub flattened: &'static [&'static Shape],
}

/// One property of an object shape.
#[derive(Debug)]
pub struct FieldShape {
    /// The JSON name, as serde writes it.
    pub name: &'static str,
    /// The shape of the value.
    pub shape: &'static Shape,
    /// Whether serde requires the property on input.
    pub required: bool,
    /// `readOnly`: ignored on input.
    pub read_only: bool,
    /// `writeOnly`: never output.
    pub write_only: bool,
    /// Whether `null` is a valid value. False for an `Option` that serde never writes as
    /// `null` (`skip_serializing_if`), so a client's explicit `null` is refused.
    pub nullable: bool,
}

/// How deep a walk through recursive shapes may go before it gives up.
const MAX_DEPTH: usize = 64;

/// Where a JSON pointer led.
#[derive(Debug, Clone, Copy)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum Found {
    /// The pointer names a value of this shape. `optional` is true when some step on the way
    /// may be absent or `null`, so the value may not exist in a valid document.
    Value {
        /// The shape found.
        shape: &'static Shape,
        /// Whether the value may be missing.
        optional: bool,
    },
    /// The object at `depth` segments has no property named by the next segment.
    NoProperty {
        /// How many segments were matched before the miss.
        depth: usize,
        /// The object that lacks the property.
        object: &'static ObjectShape,
    },
    /// The segment at `depth` steps into a value that is not an object or array.
    NotContainer {
        /// How many segments were matched before the miss.
        depth: usize,
    },
    /// A segment after an array is not a valid index.
    BadIndex {
        /// The position of the offending segment.
        depth: usize,
    },
}

/// The shapes of the objects a walk is inside, innermost last, so that a
/// [`Shape::Recursive`] can be resolved to the object it names.
struct Enclosing {
    objects: [Option<&'static Shape>; MAX_DEPTH],
    len: usize,
}

impl Enclosing {
    const fn new() -> Self {
        Enclosing {
            objects: [None; MAX_DEPTH],
            len: 0,
        }
    }

    const fn push(&mut self, object: &'static Shape) {
        if self.len < MAX_DEPTH {
            self.objects[self.len] = Some(object);
            self.len += 1;
        }
    }

    const fn find(&self, name: &str) -> Option<&'static Shape> {
        let mut i = self.len;
        while i > 0 {
            i -= 1;
            if let Some(shape) = self.objects[i] {
                if let Shape::Object(object) = shape {
                    if str_eq(object.name, name) {
                        return Some(shape);
                    }
                }
            }
        }
        None
    }

    /// Strips `Optional` and resolves `Recursive`, reporting whether an `Optional` was passed.
    const fn unwrap(&self, mut shape: &'static Shape) -> (&'static Shape, bool) {
        let mut optional = false;
        let mut steps = 0;
        while steps < MAX_DEPTH {
            steps += 1;
            match shape {
                Shape::Optional(inner) => {
                    optional = true;
                    shape = inner;
                }
                Shape::Recursive(name) => match self.find(name) {
                    Some(found) => shape = found,
                    None => return (shape, optional),
                },
                _ => return (shape, optional),
            }
        }
        (shape, optional)
    }
}

/// Follows a JSON pointer (RFC 6901, escaped: `/beerOrderLines/0/upc`, `""` for the whole
/// value) through `shape`.
///
/// ```
/// use ringback::{Schema, shape::{resolve_pointer, Found, Shape}};
/// const FOUND: Found = resolve_pointer(<Vec<Option<String>> as Schema>::SHAPE, "/0");
/// assert!(matches!(FOUND, Found::Value { shape: Shape::String { .. }, optional: true }));
/// ```
pub const fn resolve_pointer(shape: &'static Shape, pointer: &str) -> Found {
    let p = pointer.as_bytes();
    let mut enclosing = Enclosing::new();
    let (mut current, mut optional) = enclosing.unwrap(shape);
    let mut depth = 0;
    let mut at = 0;
    while at < p.len() {
        // `at` is at a `/`; the token runs to the next `/` or the end.
        let start = at + 1;
        let mut end = start;
        while end < p.len() && p[end] != b'/' {
            end += 1;
        }
        let token = Token {
            pointer: p,
            start,
            end,
        };
        let next = match current {
            Shape::Object(object) => {
                enclosing.push(current);
                match find_field(object, &token, &enclosing) {
                    Some((field, via_optional)) => {
                        if !field.required || via_optional {
                            optional = true;
                        }
                        field.shape
                    }
                    None => return Found::NoProperty { depth, object },
                }
            }
            Shape::Array(item) => {
                if !token.is_index() {
                    return Found::BadIndex { depth };
                }
                optional = true;
                item
            }
            Shape::Map(value) => {
                optional = true;
                value
            }
            Shape::Any => {
                return Found::Value {
                    shape: current,
                    optional: true,
                }
            }
            Shape::OneOf(variants) => match first_variant_with(variants, &token, &enclosing) {
                Some(variant) => {
                    optional = true;
                    // Read the same token again, inside the chosen variant.
                    let (variant, _) = enclosing.unwrap(variant);
                    current = variant;
                    continue;
                }
                None => return Found::NotContainer { depth },
            },
            _ => return Found::NotContainer { depth },
        };
        let (next, next_optional) = enclosing.unwrap(next);
        current = next;
        optional |= next_optional;
        depth += 1;
        at = end;
    }
    Found::Value {
        shape: current,
        optional,
    }
}

/// One reference token of a pointer, still escaped.
struct Token<'a> {
    pointer: &'a [u8],
    start: usize,
    end: usize,
}

impl Token<'_> {
    /// Whether the token, unescaped (`~1` is `/`, `~0` is `~`), is `name`.
    const fn is(&self, name: &str) -> bool {
        let n = name.as_bytes();
        let (mut i, mut j) = (self.start, 0);
        while i < self.end {
            let c = if self.pointer[i] == b'~' && i + 1 < self.end {
                i += 1;
                if self.pointer[i] == b'1' {
                    b'/'
                } else {
                    b'~'
                }
            } else {
                self.pointer[i]
            };
            if j >= n.len() || n[j] != c {
                return false;
            }
            i += 1;
            j += 1;
        }
        j == n.len()
    }

    /// Whether the token is an array index as RFC 6901 writes it.
    const fn is_index(&self) -> bool {
        let len = self.end - self.start;
        if len == 0 || (len > 1 && self.pointer[self.start] == b'0') {
            return false;
        }
        let mut i = self.start;
        while i < self.end {
            if !self.pointer[i].is_ascii_digit() {
                return false;
            }
            i += 1;
        }
        true
    }
}

/// Finds a property by JSON name, looking into flattened shapes; the flag says whether the
/// match came through a flattened `Option`.
const fn find_field(
    object: &'static ObjectShape,
    name: &Token<'_>,
    enclosing: &Enclosing,
) -> Option<(&'static FieldShape, bool)> {
    let mut i = 0;
    while i < object.fields.len() {
        if name.is(object.fields[i].name) {
            return Some((&object.fields[i], false));
        }
        i += 1;
    }
    let mut j = 0;
    while j < object.flattened.len() {
        let (flat, via_optional) = enclosing.unwrap(object.flattened[j]);
        if let Shape::Object(inner) = flat {
            if let Some((field, opt)) = find_field(inner, name, enclosing) {
                return Some((field, opt || via_optional));
            }
        }
        j += 1;
    }
    None
}

const fn first_variant_with(
    variants: &'static [&'static Shape],
    segment: &Token<'_>,
    enclosing: &Enclosing,
) -> Option<&'static Shape> {
    let mut i = 0;
    while i < variants.len() {
        let (variant, _) = enclosing.unwrap(variants[i]);
        if let Shape::Object(object) = variant {
            if find_field(object, segment, enclosing).is_some() {
                return Some(variant);
            }
        }
        i += 1;
    }
    None
}

/// Whether a value of this shape may be absent or `null` (serde treats a missing `Option`
/// field as `None`, so such a property is not required).
pub const fn is_optional(shape: &'static Shape) -> bool {
    matches!(shape, Shape::Optional(_))
}

/// Whether a shape, followed through every property, item and variant, has a property
/// marked `writeOnly`. Responses skip the write-only pass for types where this is false.
pub const fn contains_write_only(shape: &'static Shape) -> bool {
    contains(shape, Mark::WriteOnly, 0)
}

/// Whether a shape has a property marked `readOnly` anywhere inside it. Requests skip the
/// read-only pass for properties where this is false.
pub const fn contains_read_only(shape: &'static Shape) -> bool {
    contains(shape, Mark::ReadOnly, 0)
}

/// Whether a shape has a `oneOf` anywhere inside it. Where it has none, whether an integral
/// float such as `3.0` is made an integer cannot change which value a body deserializes to,
/// only whether it deserializes; requests then try the body as sent first.
pub const fn contains_one_of(shape: &'static Shape) -> bool {
    contains(shape, Mark::OneOf, 0)
}

/// What [`contains`] looks for.
#[derive(Clone, Copy)]
enum Mark {
    ReadOnly,
    WriteOnly,
    OneOf,
}

/// Whether `shape`, followed through every property, item and variant, has `mark`.
const fn contains(shape: &'static Shape, mark: Mark, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    match shape {
        Shape::Array(inner) | Shape::Map(inner) | Shape::Optional(inner) => {
            contains(inner, mark, depth + 1)
        }
        Shape::OneOf(_) if matches!(mark, Mark::OneOf) => true,
        Shape::OneOf(variants) => {
            let mut i = 0;
            while i < variants.len() {
                if contains(variants[i], mark, depth + 1) {
                    return true;
                }
                i += 1;
            }
            false
        }
        Shape::Object(object) => {
            let mut i = 0;
            while i < object.fields.len() {
                let field = &object.fields[i];
                let marked = match mark {
                    // The input pass also refuses `null` where the document says non-nullable.
                    Mark::ReadOnly => {
                        field.read_only || (is_optional(field.shape) && !field.nullable)
                    }
                    Mark::WriteOnly => field.write_only,
                    Mark::OneOf => false,
                };
                if marked || contains(field.shape, mark, depth + 1) {
                    return true;
                }
                i += 1;
            }
            let mut j = 0;
            while j < object.flattened.len() {
                if contains(object.flattened[j], mark, depth + 1) {
                    return true;
                }
                j += 1;
            }
            false
        }
        // A recursive reference points back at an object whose answer is being worked out;
        // saying yes costs one extra pass, saying no could skip what is looked for.
        Shape::Recursive(_) => true,
        _ => false,
    }
}
