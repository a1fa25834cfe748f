//! [`Schema`] for the standard types, `uuid`, `url`, `serde_json` and (behind features) chrono.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value;

use super::visibility::Removed;
use super::{Schema, Shape, Validator};
use crate::openapi::{Components, SchemaObject, Type};

macro_rules! integer {
    ($($ty:ty => $format:literal, $min:expr;)*) => {$(
        impl Schema for $ty {
            const SHAPE: &'static Shape = &Shape::IntegerIn {
                min: <$ty>::MIN as i128,
                max: <$ty>::MAX as i128,
            };
            fn schema(_: &mut Components) -> SchemaObject {
                SchemaObject { minimum: $min, ..SchemaObject::integer($format) }
            }
        }
    )*};
}
integer! {
    i8 => "int32", Some((i8::MIN).into());
    i16 => "int32", Some((i16::MIN).into());
    i32 => "int32", None;
    i64 => "int64", None;
    isize => "int64", None;
    u8 => "int32", Some(0.into());
    u16 => "int32", Some(0.into());
    u32 => "int64", Some(0.into());
    u64 => "int64", Some(0.into());
    usize => "int64", Some(0.into());
}

macro_rules! nonzero {
    ($($ty:ty => $format:literal, $positive:expr;)*) => {$(
        impl Schema for $ty {
            // Zero, which a signed one also refuses, is left to serde to report.
            const SHAPE: &'static Shape = &Shape::IntegerIn {
                min: if $positive { 1 } else { <$ty>::MIN.get() as i128 },
                max: <$ty>::MAX.get() as i128,
            };
            fn schema(_: &mut Components) -> SchemaObject {
                if $positive {
                    SchemaObject { minimum: Some(1.into()), ..SchemaObject::integer($format) }
                } else {
                    SchemaObject { enum_values: vec![], ..SchemaObject::integer($format) }
                }
            }
        }
    )*};
}
nonzero! {
    std::num::NonZeroU8 => "int32", true;
    std::num::NonZeroU16 => "int32", true;
    std::num::NonZeroU32 => "int64", true;
    std::num::NonZeroU64 => "int64", true;
    std::num::NonZeroUsize => "int64", true;
    std::num::NonZeroI32 => "int32", false;
    std::num::NonZeroI64 => "int64", false;
}

impl Schema for i128 {
    const SHAPE: &'static Shape = &Shape::Integer;
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject::of_type(Type::Integer)
    }
}

impl Schema for u128 {
    const SHAPE: &'static Shape = &Shape::Integer;
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject {
            minimum: Some(0.into()),
            ..SchemaObject::of_type(Type::Integer)
        }
    }
}

impl Schema for f32 {
    const SHAPE: &'static Shape = &Shape::Number;
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject {
            format: Some("float".into()),
            ..SchemaObject::of_type(Type::Number)
        }
    }
}

impl Schema for f64 {
    const SHAPE: &'static Shape = &Shape::Number;
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject {
            format: Some("double".into()),
            ..SchemaObject::of_type(Type::Number)
        }
    }
}

impl Schema for bool {
    const SHAPE: &'static Shape = &Shape::Boolean;
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject::of_type(Type::Boolean)
    }
}

macro_rules! string {
    ($($ty:ty),*) => {$(
        impl Schema for $ty {
            const SHAPE: &'static Shape = &Shape::String { format: None };
            fn schema(_: &mut Components) -> SchemaObject { SchemaObject::string(None) }
        }
    )*};
}
string!(String, str);

impl Schema for Cow<'_, str> {
    const SHAPE: &'static Shape = &Shape::String { format: None };
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject::string(None)
    }
}

impl Schema for char {
    const SHAPE: &'static Shape = &Shape::String { format: None };
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject {
            min_length: Some(1),
            max_length: Some(1),
            ..SchemaObject::string(None)
        }
    }
}

impl Schema for () {
    const SHAPE: &'static Shape = &Shape::Null;
    fn schema(_: &mut Components) -> SchemaObject {
        // 3.0.3 has no `null` type; a nullable enum of only `null` says the same in both.
        SchemaObject {
            enum_values: vec![Value::Null],
            ..SchemaObject::string(None)
        }
        .into_nullable()
    }
}

impl Schema for uuid::Uuid {
    const SHAPE: &'static Shape = &Shape::String {
        format: Some("uuid"),
    };
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject::string(Some("uuid"))
    }
}

impl Schema for url::Url {
    const SHAPE: &'static Shape = &Shape::String {
        format: Some("uri"),
    };
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject::string(Some("uri"))
    }
}

macro_rules! ip {
    ($($ty:ty => $format:literal),*) => {$(
        impl Schema for $ty {
            const SHAPE: &'static Shape = &Shape::String { format: Some($format) };
            fn schema(_: &mut Components) -> SchemaObject { SchemaObject::string(Some($format)) }
        }
    )*};
}
ip!(std::net::Ipv4Addr => "ipv4", std::net::Ipv6Addr => "ipv6");

impl Schema for std::net::IpAddr {
    const SHAPE: &'static Shape = &Shape::String { format: None };
    fn schema(c: &mut Components) -> SchemaObject {
        SchemaObject {
            one_of: vec![std::net::Ipv4Addr::schema(c), std::net::Ipv6Addr::schema(c)],
            ..SchemaObject::of_type(Type::String)
        }
    }
}

impl Schema for Value {
    const SHAPE: &'static Shape = &Shape::Any;
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject::default()
    }
}

impl Schema for serde_json::Map<String, Value> {
    const SHAPE: &'static Shape = &Shape::Map(&Shape::Any);
    fn schema(_: &mut Components) -> SchemaObject {
        SchemaObject::map(SchemaObject::default())
    }
}

impl<T: Schema> Schema for Option<T> {
    const SHAPE: &'static Shape = &Shape::Optional(T::SHAPE);
    fn schema(c: &mut Components) -> SchemaObject {
        T::schema(c).into_nullable()
    }
    fn write_name(name: &mut String) {
        name.push_str("Option");
        super::name::push_argument(name, T::write_name);
    }
    fn validate(&self, v: &mut Validator) {
        if let Some(inner) = self {
            inner.validate(v);
        }
    }
    fn strip_read_only(value: &mut Value, removed: &mut Removed) {
        T::strip_read_only(value, removed);
    }
    fn strip_write_only(value: &mut Value) {
        T::strip_write_only(value);
    }
    fn clear_read_only(&mut self) -> bool {
        self.as_mut().is_none_or(T::clear_read_only)
    }
}

/// Pointers and references share their target's schema. A `Box` can reset its target's
/// readOnly fields; shared pointers and references cannot change it in place, so bodies of
/// those types take the JSON path.
macro_rules! transparent {
    ($([$($generics:tt)*] $ty:ty, $name:literal, $($clear:ident)?;)*) => {$(
        impl<$($generics)*> Schema for $ty {
            const SHAPE: &'static Shape = T::SHAPE;
            fn schema(c: &mut Components) -> SchemaObject { T::schema(c) }
            fn write_name(name: &mut String) {
                name.push_str($name);
                super::name::push_argument(name, T::write_name);
            }
            fn validate(&self, v: &mut Validator) { (**self).validate(v) }
            fn strip_read_only(value: &mut Value, removed: &mut Removed) {
                T::strip_read_only(value, removed)
            }
            fn strip_write_only(value: &mut Value) { T::strip_write_only(value) }
            $(
                fn $clear(&mut self) -> bool { (**self).clear_read_only() }
            )?
        }
    )*};
}
transparent! {
    [T: Schema + ?Sized] Box<T>, "Box", clear_read_only;
    [T: Schema + ?Sized] Rc<T>, "Rc",;
    [T: Schema + ?Sized] Arc<T>, "Arc",;
    [T: Schema + ?Sized] &T, "Ref",;
}

/// Arrays of every kind share one schema and one way of visiting their items.
macro_rules! array {
    ($([$($generics:tt)*] $ty:ty, $name:literal, unique = $unique:expr, $($clear:ident)?;)*) => {$(
        impl<$($generics)*> Schema for $ty {
            const SHAPE: &'static Shape = &Shape::Array(T::SHAPE);
            fn schema(c: &mut Components) -> SchemaObject {
                array_schema(T::schema(c), $unique)
            }
            fn write_name(name: &mut String) {
                name.push_str($name);
                super::name::push_argument(name, T::write_name);
            }
            fn validate(&self, v: &mut Validator) {
                for (i, item) in self.iter().enumerate() {
                    v.enter_index(i);
                    item.validate(v);
                    v.leave();
                }
            }
            fn strip_read_only(value: &mut Value, removed: &mut Removed) {
                super::visibility::strip_items::<T>(value, removed);
            }
            fn strip_write_only(value: &mut Value) {
                super::visibility::strip_items_write_only::<T>(value);
            }
            $(
                fn $clear(&mut self) -> bool {
                    self.iter_mut().all(T::clear_read_only)
                }
            )?
        }
    )*};
}
/// An array of `items`: built here, once, rather than in each array type's generic `schema`,
/// where moving the large `SchemaObject` field by field is repeated for every item type.
fn array_schema(items: SchemaObject, unique_items: bool) -> SchemaObject {
    SchemaObject {
        unique_items,
        ..SchemaObject::array(items)
    }
}

// Set items cannot be changed in place: their bodies take the JSON path.
array! {
    [T: Schema] Vec<T>, "Vec", unique = false, clear_read_only;
    [T: Schema] [T], "Slice", unique = false, clear_read_only;
    [T: Schema] VecDeque<T>, "VecDeque", unique = false, clear_read_only;
    [T: Schema, S] HashSet<T, S>, "HashSet", unique = true,;
    [T: Schema] BTreeSet<T>, "BTreeSet", unique = true,;
}

impl<T: Schema, const N: usize> Schema for [T; N] {
    const SHAPE: &'static Shape = &Shape::Array(T::SHAPE);
    fn schema(c: &mut Components) -> SchemaObject {
        SchemaObject {
            min_items: Some(N as u64),
            max_items: Some(N as u64),
            ..SchemaObject::array(T::schema(c))
        }
    }
    fn write_name(name: &mut String) {
        name.push_str("Array");
        super::name::push_argument(name, T::write_name);
        name.push('_');
        name.push_str(&N.to_string());
    }
    fn validate(&self, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.enter_index(i);
            item.validate(v);
            v.leave();
        }
    }
    fn strip_read_only(value: &mut Value, removed: &mut Removed) {
        super::visibility::strip_items::<T>(value, removed);
    }
    fn strip_write_only(value: &mut Value) {
        super::visibility::strip_items_write_only::<T>(value);
    }
    fn clear_read_only(&mut self) -> bool {
        self.iter_mut().all(T::clear_read_only)
    }
}

/// Maps serialize as JSON objects; their keys are strings (or serialize as strings).
macro_rules! map {
    ($([$($generics:tt)*] $ty:ty, $name:literal;)*) => {$(
        impl<$($generics)*> Schema for $ty {
            const SHAPE: &'static Shape = &Shape::Map(V::SHAPE);
            fn schema(c: &mut Components) -> SchemaObject { SchemaObject::map(V::schema(c)) }
            fn write_name(name: &mut String) {
                name.push_str($name);
                name.push('_');
                super::name::push_rust_name(name, core::any::type_name::<K>());
                super::name::push_argument(name, V::write_name);
            }
            fn validate(&self, v: &mut Validator) {
                for (key, value) in self {
                    v.owned_field(key.to_string(), |v| value.validate(v));
                }
            }
            fn strip_read_only(value: &mut Value, removed: &mut Removed) {
                super::visibility::strip_values::<V>(value, removed);
            }
            fn strip_write_only(value: &mut Value) {
                super::visibility::strip_values_write_only::<V>(value);
            }
            fn clear_read_only(&mut self) -> bool {
                self.values_mut().all(V::clear_read_only)
            }
        }
    )*};
}
map! {
    [K: std::fmt::Display, V: Schema, S] HashMap<K, V, S>, "HashMap";
    [K: std::fmt::Display, V: Schema] BTreeMap<K, V>, "BTreeMap";
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::*;

    impl<Tz: chrono::TimeZone> Schema for chrono::DateTime<Tz> {
        const SHAPE: &'static Shape = &Shape::String {
            format: Some("date-time"),
        };
        fn schema(_: &mut Components) -> SchemaObject {
            SchemaObject::string(Some("date-time"))
        }
    }

    impl Schema for chrono::NaiveDate {
        const SHAPE: &'static Shape = &Shape::String {
            format: Some("date"),
        };
        fn schema(_: &mut Components) -> SchemaObject {
            SchemaObject::string(Some("date"))
        }
    }

    impl Schema for chrono::NaiveDateTime {
        // No offset, so not an RFC 3339 `date-time`; described by its pattern instead.
        const SHAPE: &'static Shape = &Shape::String { format: None };
        fn schema(_: &mut Components) -> SchemaObject {
            SchemaObject {
                pattern: Some(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$".into()),
                ..SchemaObject::string(None)
            }
        }
    }

    impl Schema for chrono::NaiveTime {
        const SHAPE: &'static Shape = &Shape::String { format: None };
        fn schema(_: &mut Components) -> SchemaObject {
            SchemaObject {
                pattern: Some(r"^\d{2}:\d{2}:\d{2}(\.\d+)?$".into()),
                ..SchemaObject::string(None)
            }
        }
    }
}

/// Whether `s` is a valid value of the string `format`. Formats ringback does not know are
/// accepted: OpenAPI says tools may ignore them.
pub(crate) fn format_matches(format: &str, s: &str) -> bool {
    match format {
        "uri" | "url" => url::Url::parse(s).is_ok(),
        "uuid" => uuid::Uuid::try_parse(s).is_ok(),
        "email" => is_email(s),
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "date" => is_date(s),
        "date-time" => is_date_time(s),
        _ => true,
    }
}

/// An address with one `@`, a non-empty local part and a dotted domain: what mail senders
/// accept in practice, without claiming full RFC 5321 conformance.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |a: usize, b: usize| -> Option<u32> {
        let part = &s[a..b];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (num(0, 4), num(5, 7), num(8, 10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `date-time`: a date, `T`, a time with optional fraction, and `Z` or an offset.
fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    if !is_date(date) || time.len() < 9 {
        return false;
    }
    let (clock, rest) = time.split_at(8);
    let b = clock.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let part = &clock[i..i + 2];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    if b[2] != b':' || b[5] != b':' {
        return false;
    }
    match (two(0), two(3), two(6)) {
        (Some(h), Some(m), Some(sec)) if h < 24 && m < 60 && sec <= 60 => {}
        _ => return false,
    }
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return false;
            }
            &fraction[digits..]
        }
        None => rest,
    };
    match rest {
        "Z" | "z" => true,
        offset => {
            let b = offset.as_bytes();
            b.len() == 6
                && (b[0] == b'+' || b[0] == b'-')
                && b[3] == b':'
                && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(format_matches("uri", "https://example.com/hook"));
        assert!(!format_matches("uri", "not a uri"));
        assert!(format_matches("email", "a@b.example"));
        assert!(!format_matches("email", "a@b"));
        assert!(format_matches("date", "2024-02-29"));
        assert!(!format_matches("date", "2023-02-29"));
        assert!(format_matches("date-time", "2024-02-29T12:00:00.5+01:00"));
        assert!(format_matches("date-time", "2024-02-29T12:00:00Z"));
        assert!(!format_matches("date-time", "2024-02-29 12:00:00Z"));
        assert!(format_matches("x-unknown", "anything"));
    }

    #[test]
    fn unsigned_integers_have_minimum_zero() {
        let mut c = Components::default();
        assert_eq!(u16::schema(&mut c).minimum, Some(0.into()));
        assert_eq!(u64::schema(&mut c).format.as_deref(), Some("int64"));
        assert_eq!(i32::schema(&mut c).minimum, None);
    }
}
