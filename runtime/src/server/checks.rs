//! Compile-time checks of an operation's declaration, run by constant evaluation: the
//! operation macro emits `const _: () = check_...(...)` spanned at the user's token, and a
//! failed check panics with a message that says what to write instead.

use super::extract::{names_match, ExtractorKind};
use crate::openapi::Method;
use crate::schema::shape::{ObjectShape, Shape};

/// A message built during constant evaluation (which has no `format!`).
pub struct Message {
    bytes: [u8; 1024],
    len: usize,
}

impl Message {
    /// An empty message.
    pub const fn new() -> Self {
        Message {
            bytes: [0; 1024],
            len: 0,
        }
    }

    /// The message with `text` appended (cut off at 1 KiB).
    pub const fn push(mut self, text: &str) -> Self {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = b[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// The message with `name` appended in snake_case (`orderId` as `order_id`).
    pub const fn push_snake(mut self, name: &str) -> Self {
        let b = name.as_bytes();
        let mut i = 0;
        while i < b.len() && self.len + 1 < self.bytes.len() {
            let c = b[i];
            if c.is_ascii_uppercase() {
                if i > 0 && b[i - 1] != b'_' && b[i - 1] != b'-' {
                    self.bytes[self.len] = b'_';
                    self.len += 1;
                }
                self.bytes[self.len] = c.to_ascii_lowercase();
            } else if c == b'-' {
                self.bytes[self.len] = b'_';
            } else {
                self.bytes[self.len] = c;
            }
            self.len += 1;
            i += 1;
        }
        self
    }

    /// The message with `name` appended in camelCase (`order_id` as `orderId`).
    pub const fn push_camel(mut self, name: &str) -> Self {
        let b = name.as_bytes();
        let mut i = 0;
        let mut upper = false;
        while i < b.len() && self.len < self.bytes.len() {
            let c = b[i];
            if c == b'_' {
                upper = self.len > 0;
            } else {
                self.bytes[self.len] = if upper { c.to_ascii_uppercase() } else { c };
                self.len += 1;
                upper = false;
            }
            i += 1;
        }
        self
    }

    /// The text so far.
    pub const fn as_str(&self) -> &str {
        let (head, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(head) {
            Ok(s) => s,
            // Only whole `&str`s are pushed, so this is reached only past the cut-off.
            Err(e) => match core::str::from_utf8(head.split_at(e.valid_up_to()).0) {
                Ok(s) => s,
                Err(_) => "",
            },
        }
    }

    /// Stops compilation with this message.
    pub const fn fail(&self) -> ! {
        panic!("{}", self.as_str())
    }
}

impl Default for Message {
    fn default() -> Self {
        Self::new()
    }
}

/// An argument as the checks see it.
pub struct ArgShape {
    /// The argument's name.
    pub ident: &'static str,
    /// What it reads.
    pub kind: ExtractorKind,
    /// The shape of what it reads.
    pub shape: &'static Shape,
}

const fn object_of(mut shape: &'static Shape) -> Option<&'static ObjectShape> {
    while let Shape::Optional(inner) = shape {
        shape = inner;
    }
    match shape {
        Shape::Object(o) => Some(o),
        _ => None,
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    crate::schema::shape::str_eq(a, b)
}

const fn list_params(mut m: Message, template: &[&str]) -> Message {
    if template.is_empty() {
        return m.push("no parameters");
    }
    let mut i = 0;
    while i < template.len() {
        if i > 0 {
            m = m.push(", ");
        }
        m = m.push("{").push(template[i]).push("}");
        i += 1;
    }
    m
}

/// Checks one handler argument against the operation's method and path template.
pub const fn check_arg(method: Method, path: &str, template: &[&str], arg: ArgShape) {
    match arg.kind {
        ExtractorKind::Body => {
            if matches!(method, Method::Get | Method::Delete) {
                Message::new()
                    .push("argument `")
                    .push(arg.ident)
                    .push("` reads a request body, but a ")
                    .push(if matches!(method, Method::Get) { "GET" } else { "DELETE" })
                    .push(" request has none that servers may rely on; send the data as `Query<T>` parameters, or make the operation a POST or PUT")
                    .fail();
            }
        }
        ExtractorKind::Path => match object_of(arg.shape) {
            Some(object) => {
                let mut i = 0;
                while i < object.fields.len() {
                    let name = object.fields[i].name;
                    let mut found = false;
                    let mut j = 0;
                    while j < template.len() {
                        if str_eq(template[j], name) {
                            found = true;
                        }
                        j += 1;
                    }
                    if !found {
                        list_params(
                            Message::new()
                                .push("`")
                                .push(object.name)
                                .push("` has the field `")
                                .push(name)
                                .push("`, which is not a parameter of the path template `")
                                .push(path)
                                .push("`; add `{")
                                .push(name)
                                .push("}` to the template or rename the field (the template has "),
                            template,
                        )
                        .push(")")
                        .fail();
                    }
                    i += 1;
                }
            }
            None => {
                let mut j = 0;
                let mut found = false;
                while j < template.len() {
                    if names_match(arg.ident, template[j]) {
                        found = true;
                    }
                    j += 1;
                }
                if !found {
                    list_params(
                        Message::new()
                            .push("argument `")
                            .push(arg.ident)
                            .push("` is a `Path`, but the path template `")
                            .push(path)
                            .push("` has no parameter of that name; name the argument after one of its parameters (")
                            ,
                        template,
                    )
                    .push(") or add `{")
                    .push_camel(arg.ident)
                    .push("}` to the template")
                    .fail();
                }
            }
        },
        _ => {}
    }
}

/// Checks that every parameter of the path template is read by a `Path` argument.
pub const fn check_template(path: &str, template: &[&str], args: &[ArgShape]) {
    let mut j = 0;
    while j < template.len() {
        let name = template[j];
        let mut read = false;
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            if matches!(arg.kind, ExtractorKind::Path) {
                match object_of(arg.shape) {
                    Some(object) => {
                        let mut f = 0;
                        while f < object.fields.len() {
                            if str_eq(object.fields[f].name, name) {
                                read = true;
                            }
                            f += 1;
                        }
                    }
                    None => {
                        if names_match(arg.ident, name) {
                            read = true;
                        }
                    }
                }
            }
            i += 1;
        }
        if !read {
            Message::new()
                .push("the path template `")
                .push(path)
                .push("` has the parameter `{")
                .push(name)
                .push("}`, but no argument reads it; add an argument `")
                .push_snake(name)
                .push(": Path<T>` (named after the parameter; case, `_` and `-` do not matter), or a `Path<T>` whose struct has the field `")
                .push(name)
                .push("`")
                .fail();
        }
        j += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;

    #[test]
    fn names_change_case() {
        assert_eq!(Message::new().push_snake("orderId").as_str(), "order_id");
        assert_eq!(
            Message::new().push_snake("X-Request-Id").as_str(),
            "x_request_id"
        );
        assert_eq!(Message::new().push_camel("order_id").as_str(), "orderId");
    }

    #[test]
    fn messages_build_and_cut_off() {
        let m = Message::new().push("a").push("é");
        assert_eq!(m.as_str(), "aé");
        let mut long = Message::new();
        for _ in 0..2000 {
            long = long.push("é");
        }
        assert!(long.as_str().len() <= 1024);
    }

    // The happy paths compile; the failures are trybuild fixtures.
    const _: () = check_arg(
        Method::Get,
        "/customers/{customerId}",
        &["customerId"],
        ArgShape {
            ident: "customer_id",
            kind: ExtractorKind::Path,
            shape: <u64 as Schema>::SHAPE,
        },
    );
    const _: () = check_template(
        "/customers/{customerId}",
        &["customerId"],
        &[ArgShape {
            ident: "customer_id",
            kind: ExtractorKind::Path,
            shape: <u64 as Schema>::SHAPE,
        }],
    );
}
