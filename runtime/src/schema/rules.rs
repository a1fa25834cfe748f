//! The runtime half of `#[schema]` rules: each check reads a value through a small trait, so
//! that a rule put on the wrong kind of field is a type error at the user's attribute.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet, VecDeque};
use std::sync::OnceLock;

use super::Validator;
use crate::openapi::compile_pattern;

/// A value that length, pattern and format rules read as a string.
///
/// ```
/// use ringback::schema::rules::StrRule;
/// assert_eq!(Some("x".to_string()).rule_str(), Some("x"));
/// assert_eq!(None::<String>.rule_str(), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a string, so `min_length`, `max_length`, `pattern` and string formats do not apply",
    label = "this rule needs a string field",
    note = "string rules apply to `String`, `&str`, `Cow<str>` and `Option`s of them; for arrays use `min_items`/`max_items`"
)]
pub trait StrRule {
    /// The string to check, or `None` to skip the rule (an absent optional value).
    fn rule_str(&self) -> Option<&str>;
}

/// A value that `minimum`/`maximum` rules read as a number.
///
/// ```
/// use ringback::schema::rules::{NumRule, Num};
/// assert_eq!(7u8.rule_number(), Some(Num::Int(7)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number, so `minimum`, `maximum`, `exclusive_minimum` and `exclusive_maximum` do not apply",
    label = "this rule needs a numeric field",
    note = "range rules apply to integers, floats and `Option`s of them; for strings use `min_length`/`max_length`"
)]
pub trait NumRule {
    /// The number to check, or `None` to skip the rule.
    fn rule_number(&self) -> Option<Num>;
}

/// A value that `min_items`/`max_items` rules read as a collection.
///
/// ```
/// use ringback::schema::rules::ItemsRule;
/// assert_eq!(vec![1, 2].rule_len(), Some(2));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an array, so `min_items` and `max_items` do not apply",
    label = "this rule needs an array field",
    note = "item rules apply to `Vec`, slices, `VecDeque`, sets and `Option`s of them; for strings use `min_length`/`max_length`"
)]
pub trait ItemsRule {
    /// How many items there are, or `None` to skip the rule.
    fn rule_len(&self) -> Option<usize>;
}

/// A number as rules compare it: integers exactly, floats as `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// A whole number.
    Int(i128),
    /// Any other number.
    Float(f64),
}

impl Num {
    fn compare(self, other: Num) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Float(x) => write!(f, "{x}"),
        }
    }
}

/// Checks `minimum` (or `exclusive_minimum` when `exclusive`).
pub fn minimum<T: NumRule + ?Sized>(value: &T, bound: Num, exclusive: bool, v: &mut Validator) {
    if let Some(n) = value.rule_number() {
        match n.compare(bound) {
            Some(std::cmp::Ordering::Less) => {}
            Some(std::cmp::Ordering::Equal) if exclusive => {}
            Some(_) => return,
            None => {}
        }
        if exclusive {
            v.violation(format!("must be greater than {bound}"));
        } else {
            v.violation(format!("must be at least {bound}"));
        }
    }
}

/// Checks `maximum` (or `exclusive_maximum` when `exclusive`).
pub fn maximum<T: NumRule + ?Sized>(value: &T, bound: Num, exclusive: bool, v: &mut Validator) {
    if let Some(n) = value.rule_number() {
        match n.compare(bound) {
            Some(std::cmp::Ordering::Greater) => {}
            Some(std::cmp::Ordering::Equal) if exclusive => {}
            Some(_) => return,
            None => {}
        }
        if exclusive {
            v.violation(format!("must be less than {bound}"));
        } else {
            v.violation(format!("must be at most {bound}"));
        }
    }
}

/// Checks `min_length`, counted in characters as JSON Schema does.
pub fn min_length<T: StrRule + ?Sized>(value: &T, min: usize, v: &mut Validator) {
    if let Some(s) = value.rule_str() {
        if s.chars().count() < min {
            v.violation(format!(
                "must be at least {min} character{} long",
                plural(min)
            ));
        }
    }
}

/// Checks `max_length`, counted in characters as JSON Schema does.
pub fn max_length<T: StrRule + ?Sized>(value: &T, max: usize, v: &mut Validator) {
    if let Some(s) = value.rule_str() {
        if s.chars().count() > max {
            v.violation(format!(
                "must be at most {max} character{} long",
                plural(max)
            ));
        }
    }
}

/// Checks `min_items`.
pub fn min_items<T: ItemsRule + ?Sized>(value: &T, min: usize, v: &mut Validator) {
    if let Some(n) = value.rule_len() {
        if n < min {
            v.violation(format!("must have at least {min} item{}", plural(min)));
        }
    }
}

/// Checks `max_items`.
pub fn max_items<T: ItemsRule + ?Sized>(value: &T, max: usize, v: &mut Validator) {
    if let Some(n) = value.rule_len() {
        if n > max {
            v.violation(format!("must have at most {max} item{}", plural(max)));
        }
    }
}

/// A `pattern` declared on a field, compiled once, on first use, as the ECMA-262 regular
/// expression (with the `u` flag) that OpenAPI says it is.
///
/// The macro crate cannot run a regex engine, so it checks a pattern's ECMA-262 syntax
/// itself; what only the engine knows (Unicode property names) is found when the `Api` is
/// built (`Api::try_router`), which reports each invalid pattern with its place in the document.
pub struct Pattern {
    source: &'static str,
    owner: &'static str,
    compiled: OnceLock<Result<regress::Regex, regress::Error>>,
}

impl Pattern {
    /// A pattern declared on `owner` (`"Type.field"`).
    pub const fn new(source: &'static str, owner: &'static str) -> Self {
        Pattern {
            source,
            owner,
            compiled: OnceLock::new(),
        }
    }

    /// The compiled expression, or why the pattern is not one.
    fn compiled(&self) -> Result<&regress::Regex, &regress::Error> {
        self.compiled
            .get_or_init(|| compile_pattern(self.source))
            .as_ref()
    }

    /// Whether `s` contains a match (unanchored, as ECMA-262 `test` does).
    ///
    /// # Panics
    /// If the pattern is not a valid ECMA-262 regular expression. An `Api` refuses such a
    /// pattern before it serves anything (`Api::try_router`), so a request never gets here.
    pub fn is_match(&self, s: &str) -> bool {
        match self.compiled() {
            Ok(regex) => regex.find(s).is_some(),
            Err(error) => panic!(
                "invalid #[schema(pattern = {:?})] on {}: {error}",
                self.source, self.owner
            ),
        }
    }

    /// The pattern as written.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The type and field that declared it (`"Type.field"`).
    pub fn owner(&self) -> &'static str {
        self.owner
    }
}

/// Checks `pattern` (unanchored, as ECMA-262 `test` does).
pub fn pattern<T: StrRule + ?Sized>(value: &T, pattern: &Pattern, v: &mut Validator) {
    if let Some(s) = value.rule_str() {
        if !pattern.is_match(s) {
            v.violation(format!("must match the pattern {:?}", pattern.source()));
        }
    }
}

/// A value that a string `format` rule applies to. Types that already guarantee their format
/// when deserialized (`Uuid`, `Url`) have nothing left to check.
///
/// ```
/// use ringback::schema::rules::FormatRule;
/// assert_eq!("x".to_string().rule_format_str(), Some("x"));
/// assert_eq!(uuid::Uuid::nil().rule_format_str(), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a string, so a string `format` cannot be checked on it",
    label = "this format needs a string field",
    note = "formats such as \"uri\", \"email\" and \"uuid\" apply to `String`, `&str` and `Option`s of them"
)]
pub trait FormatRule {
    /// The string to check, or `None` when there is nothing to check.
    fn rule_format_str(&self) -> Option<&str>;
}

impl<T: StrRule + ?Sized> FormatRule for T {
    fn rule_format_str(&self) -> Option<&str> {
        self.rule_str()
    }
}

/// Checks a string `format` that ringback knows; other formats are documented only.
pub fn format<T: FormatRule + ?Sized>(value: &T, format: &str, v: &mut Validator) {
    if let Some(s) = value.rule_format_str() {
        if !crate::schema::impls::format_matches(format, s) {
            v.violation(format!("must be a valid {format}"));
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

macro_rules! str_rule {
    ($($ty:ty),*) => {$(
        impl StrRule for $ty {
            fn rule_str(&self) -> Option<&str> { Some(self) }
        }
    )*};
}
str_rule!(String, str);

impl StrRule for Cow<'_, str> {
    fn rule_str(&self) -> Option<&str> {
        Some(self)
    }
}

macro_rules! int_rule {
    ($($ty:ty),*) => {$(
        impl NumRule for $ty {
            fn rule_number(&self) -> Option<Num> { Some(Num::Int(*self as i128)) }
        }
    )*};
}
int_rule!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

impl NumRule for u128 {
    fn rule_number(&self) -> Option<Num> {
        Some(match i128::try_from(*self) {
            Ok(i) => Num::Int(i),
            Err(_) => Num::Float(*self as f64),
        })
    }
}

impl NumRule for f32 {
    fn rule_number(&self) -> Option<Num> {
        Some(Num::Float(f64::from(*self)))
    }
}

impl NumRule for f64 {
    fn rule_number(&self) -> Option<Num> {
        Some(Num::Float(*self))
    }
}

macro_rules! nonzero_rule {
    ($($ty:ty),*) => {$(
        impl NumRule for $ty {
            fn rule_number(&self) -> Option<Num> { self.get().rule_number() }
        }
    )*};
}
nonzero_rule!(
    std::num::NonZeroU8,
    std::num::NonZeroU16,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroUsize,
    std::num::NonZeroI8,
    std::num::NonZeroI16,
    std::num::NonZeroI32,
    std::num::NonZeroI64,
    std::num::NonZeroIsize
);

impl<T> ItemsRule for Vec<T> {
    fn rule_len(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<T> ItemsRule for [T] {
    fn rule_len(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<T> ItemsRule for VecDeque<T> {
    fn rule_len(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<T, S> ItemsRule for HashSet<T, S> {
    fn rule_len(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<T> ItemsRule for BTreeSet<T> {
    fn rule_len(&self) -> Option<usize> {
        Some(self.len())
    }
}

macro_rules! forward_rules {
    ($($wrapper:ident),*) => {$(
        impl<T: StrRule + ?Sized> StrRule for $wrapper<T> {
            fn rule_str(&self) -> Option<&str> { (**self).rule_str() }
        }
        impl<T: NumRule + ?Sized> NumRule for $wrapper<T> {
            fn rule_number(&self) -> Option<Num> { (**self).rule_number() }
        }
        impl<T: ItemsRule + ?Sized> ItemsRule for $wrapper<T> {
            fn rule_len(&self) -> Option<usize> { (**self).rule_len() }
        }
    )*};
}
use std::rc::Rc;
use std::sync::Arc;
forward_rules!(Box, Rc, Arc);

impl<T: StrRule + ?Sized> StrRule for &T {
    fn rule_str(&self) -> Option<&str> {
        (**self).rule_str()
    }
}

impl<T: StrRule> StrRule for Option<T> {
    fn rule_str(&self) -> Option<&str> {
        self.as_ref().and_then(StrRule::rule_str)
    }
}
impl<T: NumRule> NumRule for Option<T> {
    fn rule_number(&self) -> Option<Num> {
        self.as_ref().and_then(NumRule::rule_number)
    }
}
impl<T: ItemsRule> ItemsRule for Option<T> {
    fn rule_len(&self) -> Option<usize> {
        self.as_ref().and_then(ItemsRule::rule_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl FnOnce(&mut Validator)) -> Vec<String> {
        let mut v = Validator::new();
        f(&mut v);
        v.into_violations().into_iter().map(|v| v.message).collect()
    }

    #[test]
    fn ranges_are_inclusive_unless_exclusive() {
        assert!(run(|v| minimum(&1i32, Num::Int(1), false, v)).is_empty());
        assert_eq!(
            run(|v| minimum(&1i32, Num::Int(1), true, v)),
            ["must be greater than 1"]
        );
        assert_eq!(
            run(|v| maximum(&1000u64, Num::Int(999), false, v)),
            ["must be at most 999"]
        );
        assert!(run(|v| maximum(&0.5f64, Num::Float(0.5), false, v)).is_empty());
        assert_eq!(
            run(|v| maximum(&0.5f64, Num::Float(0.5), true, v)),
            ["must be less than 0.5"]
        );
        assert!(run(|v| minimum(&None::<i32>, Num::Int(5), false, v)).is_empty());
    }

    #[test]
    fn large_integers_compare_exactly() {
        let big = i64::MAX;
        assert!(run(|v| maximum(&big, Num::Int(i64::MAX as i128), false, v)).is_empty());
        assert_eq!(
            run(|v| maximum(&big, Num::Int(i64::MAX as i128 - 1), false, v)).len(),
            1
        );
    }

    #[test]
    fn nan_is_out_of_every_range() {
        assert_eq!(run(|v| minimum(&f64::NAN, Num::Int(0), false, v)).len(), 1);
    }

    #[test]
    fn lengths_count_characters() {
        assert!(run(|v| max_length("ééé", 3, v)).is_empty());
        assert_eq!(
            run(|v| min_length("", 1, v)),
            ["must be at least 1 character long"]
        );
    }

    #[test]
    fn patterns_search_unanchored() {
        static P: Pattern = Pattern::new("[0-9]{3}", "T.f");
        assert!(run(|v| pattern("ab123", &P, v)).is_empty());
        assert_eq!(run(|v| pattern("ab12", &P, v)).len(), 1);
    }

    #[test]
    fn patterns_are_ecma_262_with_the_u_flag() {
        static DIGITS: Pattern = Pattern::new(r"^\d+$", "T.f");
        static LETTERS: Pattern = Pattern::new(r"^\p{L}+$", "T.f");
        static ONE: Pattern = Pattern::new("^.$", "T.f");
        assert!(DIGITS.is_match("0123"));
        // `\d` is ASCII in ECMA-262, not every Unicode digit.
        assert!(!DIGITS.is_match("\u{0663}"));
        assert!(LETTERS.is_match("Ωmega"));
        // `.` is one code point, an emoji included.
        assert!(ONE.is_match("\u{1F600}"));
    }

    #[test]
    fn an_invalid_pattern_documents_without_compiling() {
        static P: Pattern = Pattern::new("(", "Order.code");
        assert_eq!(P.source(), "(");
        assert!(P.compiled().is_err());
    }

    #[test]
    fn a_pattern_is_compiled_once() {
        static P: Pattern = Pattern::new("^a+$", "T.f");
        let first: *const regress::Regex = P.compiled().unwrap();
        assert!(P.is_match("aaa"));
        assert!(std::ptr::eq(first, P.compiled().unwrap()));
    }

    #[test]
    #[should_panic(expected = "invalid #[schema(pattern = \"(?i)x\")] on Order.code")]
    fn matching_an_invalid_pattern_names_its_owner() {
        static P: Pattern = Pattern::new("(?i)x", "Order.code");
        P.is_match("x");
    }
}

/// Types whose deserialization already guarantees their format.
macro_rules! format_checked_by_type {
    ($($ty:ty),*) => {$(
        impl FormatRule for $ty {
            fn rule_format_str(&self) -> Option<&str> { None }
        }
        impl FormatRule for Option<$ty> {
            fn rule_format_str(&self) -> Option<&str> { None }
        }
    )*};
}
format_checked_by_type!(
    uuid::Uuid,
    url::Url,
    std::net::IpAddr,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr
);
