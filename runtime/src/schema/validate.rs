//! Collecting rule violations with the JSON pointer of each.

use std::fmt;

/// One broken rule: where (an RFC 6901 JSON pointer into the request) and what.
///
/// ```
/// let v = ringback::Violation::new("/beerOrderLines/0/orderQuantity", "must be at least 1");
/// assert_eq!(v.to_string(), "/beerOrderLines/0/orderQuantity: must be at least 1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, crate::Schema)]
#[schema(description = "One invalid part of a request.")]
pub struct Violation {
    /// Where the value is: a JSON pointer into the body, or into a structured parameter.
    pub pointer: String,
    /// What is wrong with it, for a person.
    pub message: String,
    /// The parameter that is wrong, when it is not the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Where that parameter is: `path`, `query` or `header`.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Violation {
    /// A violation at `pointer` in the body.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Violation {
            pointer: pointer.into(),
            message: message.into(),
            parameter: None,
            location: None,
        }
    }

    /// A violation of the parameter `name` found in `location` (`path`, `query`, `header`).
    ///
    /// ```
    /// let v = ringback::Violation::in_parameter("path", "customerId", "", "must be a valid uuid");
    /// assert_eq!(v.to_string(), "path parameter customerId: must be a valid uuid");
    /// ```
    pub fn in_parameter(
        location: &str,
        name: &str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Violation {
            pointer: pointer.into(),
            message: message.into(),
            parameter: Some(name.to_owned()),
            location: Some(location.to_owned()),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(name), Some(location)) = (&self.parameter, &self.location) {
            write!(f, "{location} parameter {name}")?;
            if !self.pointer.is_empty() {
                write!(f, " at {}", self.pointer)?;
            }
            return write!(f, ": {}", self.message);
        }
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

/// Walks a value, keeping the JSON pointer of the current position, and collects violations.
///
/// Generated [`Schema::validate`](crate::Schema::validate) code calls it; a hand-written
/// implementation does the same:
///
/// ```
/// use ringback::{Schema, Shape, Validator, openapi::{Components, SchemaObject}};
///
/// struct Even(u32);
/// impl Schema for Even {
///     const SHAPE: &'static Shape = &Shape::Integer;
///     fn schema(_: &mut Components) -> SchemaObject { SchemaObject::integer("int64") }
///     fn validate(&self, v: &mut Validator) {
///         if self.0 % 2 == 1 { v.violation("must be even") }
///     }
/// }
/// let mut v = Validator::new();
/// v.field("n", |v| Even(3).validate(v));
/// assert_eq!(v.into_violations()[0].pointer, "/n");
/// ```
#[derive(Debug, Default)]
pub struct Validator {
    prefix: String,
    /// Where the walk is. The pointer is written out only for a violation: most values are
    /// valid, and escaping every name on the way down cost more than the checks themselves.
    path: Vec<Step>,
    violations: Vec<Violation>,
}

#[derive(Debug)]
enum Step {
    /// A property name from generated code.
    Static(&'static str),
    /// Any other property name (such as a map key).
    Owned(String),
    Index(usize),
}

impl Validator {
    /// A validator at the document root.
    pub fn new() -> Self {
        Self::default()
    }

    /// A validator whose pointers start with `prefix` (for a value inside a larger document).
    pub fn at(prefix: &str) -> Self {
        Validator {
            prefix: prefix.to_owned(),
            ..Self::default()
        }
    }

    /// Runs `f` one level down, at the property `name`.
    pub fn field(&mut self, name: &str, f: impl FnOnce(&mut Self)) {
        self.within(Step::Owned(name.to_owned()), f);
    }

    /// [`field`](Self::field) for a name the caller already owns (a map key it formatted).
    pub(crate) fn owned_field(&mut self, name: String, f: impl FnOnce(&mut Self)) {
        self.within(Step::Owned(name), f);
    }

    /// Runs `f` one level down, at the array index `index`.
    pub fn index(&mut self, index: usize, f: impl FnOnce(&mut Self)) {
        self.within(Step::Index(index), f);
    }

    fn within(&mut self, step: Step, f: impl FnOnce(&mut Self)) {
        self.path.push(step);
        f(self);
        self.path.pop();
    }

    /// Steps into the property `name`, until [`leave`](Self::leave): what derived code calls,
    /// since a closure per field would be a copy of the stepping code per field.
    #[doc(hidden)]
    // Inlined into derived code as the closures it replaces were.
    #[inline]
    pub fn enter_static(&mut self, name: &'static str) {
        self.path.push(Step::Static(name));
    }

    /// Steps into the array index `index`, until [`leave`](Self::leave).
    #[inline]
    pub(crate) fn enter_index(&mut self, index: usize) {
        self.path.push(Step::Index(index));
    }

    /// Steps back out of what [`enter_static`](Self::enter_static) stepped into.
    #[doc(hidden)]
    #[inline]
    pub fn leave(&mut self) {
        self.path.pop();
    }

    /// Records a violation at the current position.
    pub fn violation(&mut self, message: impl Into<String>) {
        let pointer = self.pointer();
        self.violations.push(Violation::new(pointer, message));
    }

    /// The current position as a JSON pointer.
    ///
    /// ```
    /// let mut v = ringback::Validator::at("/order");
    /// v.field("lines", |v| v.index(2, |v| assert_eq!(v.pointer(), "/order/lines/2")));
    /// ```
    pub fn pointer(&self) -> String {
        let mut pointer = self.prefix.clone();
        for step in &self.path {
            pointer.push('/');
            match step {
                Step::Static(name) => push_escaped(&mut pointer, name),
                Step::Owned(name) => push_escaped(&mut pointer, name),
                Step::Index(index) => push_index(&mut pointer, *index),
            }
        }
        pointer
    }

    /// Whether nothing was found wrong so far.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }

    /// Every violation, in the order found.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }
}

/// Appends an array index in decimal. Every item of every array validated passes here, so it
/// skips the formatting machinery.
pub(crate) fn push_index(pointer: &mut String, mut index: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (index % 10) as u8;
        index /= 10;
        if index == 0 {
            break;
        }
    }
    for &d in &digits[start..] {
        pointer.push(char::from(d));
    }
}

/// Appends a reference token escaped as RFC 6901 requires (`~` as `~0`, `/` as `~1`).
pub(crate) fn push_escaped(pointer: &mut String, token: &str) {
    // Nearly every name needs no escape: copy it whole. (A byte scan: a char-set pattern
    // costs more than the copy, and this runs for every property validated.)
    if !token.bytes().any(|b| b == b'~' || b == b'/') {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_nest_and_escape() {
        let mut v = Validator::new();
        v.field("a/b", |v| {
            v.index(3, |v| v.field("m~n", |v| v.violation("bad")))
        });
        v.violation("root");
        let found = v.into_violations();
        assert_eq!(found[0].pointer, "/a~1b/3/m~0n");
        assert_eq!(found[1].pointer, "");
        assert_eq!(found[1].to_string(), "root");
    }

    #[test]
    fn indexes_are_written_in_decimal() {
        for (index, text) in [
            (0, "/0"),
            (7, "/7"),
            (10, "/10"),
            (usize::MAX, "/18446744073709551615"),
        ] {
            let mut v = Validator::new();
            v.index(index, |v| v.violation("bad"));
            assert_eq!(v.into_violations()[0].pointer, text);
        }
    }
}
