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
    pointer: String,
    violations: Vec<Violation>,
}

impl Validator {
    /// A validator at the document root.
    pub fn new() -> Self {
        Self::default()
    }

    /// A validator whose pointers start with `prefix` (for a value inside a larger document).
    pub fn at(prefix: &str) -> Self {
        Validator {
            pointer: prefix.to_owned(),
            violations: Vec::new(),
        }
    }

    /// Runs `f` one level down, at the property `name`.
    pub fn field(&mut self, name: &str, f: impl FnOnce(&mut Self)) {
        let len = self.pointer.len();
        self.pointer.push('/');
        push_escaped(&mut self.pointer, name);
        f(self);
        self.pointer.truncate(len);
    }

    /// Runs `f` one level down, at the array index `index`.
    pub fn index(&mut self, index: usize, f: impl FnOnce(&mut Self)) {
        use fmt::Write;
        let len = self.pointer.len();
        let _ = write!(self.pointer, "/{index}");
        f(self);
        self.pointer.truncate(len);
    }

    /// Records a violation at the current position.
    pub fn violation(&mut self, message: impl Into<String>) {
        self.violations
            .push(Violation::new(self.pointer.clone(), message));
    }

    /// The current position as a JSON pointer.
    pub fn pointer(&self) -> &str {
        &self.pointer
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

/// Appends a reference token escaped as RFC 6901 requires (`~` as `~0`, `/` as `~1`).
pub(crate) fn push_escaped(pointer: &mut String, token: &str) {
    // Nearly every name needs no escape: copy it whole.
    if !token.contains(['~', '/']) {
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
}
