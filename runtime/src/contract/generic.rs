//! Parts compared as written, down to the member that differs: `info`, `servers`, `tags`,
//! links, extensions.

use serde_json::Value;

use super::classify::{Class, Effect};
use super::diff::at_or;
use super::load::Node;
use super::walk::{Ctx, Walk};

impl<'a> Walk<'a> {
    /// Each member that differs between `old` and `new`, as one difference of `class`; `what`
    /// names the part in messages.
    pub(crate) fn as_written(
        &mut self,
        old: Option<Node<'a>>,
        new: Option<Node<'a>>,
        (old_parent, new_parent): (&str, &str),
        class: Class,
        what: &str,
        context: &str,
    ) {
        match (old, new) {
            (None, None) => {}
            (Some(o), None) => self.note(
                class,
                &o.at,
                new_parent,
                format!("{what} was removed"),
                context,
            ),
            (None, Some(n)) => self.note(
                class,
                old_parent,
                &n.at,
                format!("{what} was added"),
                context,
            ),
            (Some(o), Some(n)) if o.value == n.value => {}
            (Some(o), Some(n)) => match (o.value, n.value) {
                (Value::Object(_), Value::Object(_)) => {
                    let mut keys: Vec<String> =
                        o.entries().iter().map(|(k, _)| k.to_string()).collect();
                    for (k, _) in n.entries() {
                        if !keys.iter().any(|x| x == k) {
                            keys.push(k.to_owned());
                        }
                    }
                    for key in keys {
                        // An extension is for tools, never for the client's code.
                        let class = if key.starts_with("x-") {
                            Class::Documentation
                        } else {
                            class
                        };
                        self.as_written(
                            o.get(&key),
                            n.get(&key),
                            (&o.at, &n.at),
                            class,
                            &format!("{what}.{key}"),
                            context,
                        );
                    }
                }
                (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                    for (i, (x, y)) in o.items().into_iter().zip(n.items()).enumerate() {
                        self.as_written(
                            Some(x),
                            Some(y),
                            (&o.at, &n.at),
                            class,
                            &format!("{what}[{i}]"),
                            context,
                        );
                    }
                }
                _ => self.note(class, &o.at, &n.at, format!("{what} changed"), context),
            },
        }
    }

    /// Each of `keys` compared as written, as documentation: `what: key` in messages.
    pub(crate) fn documentation(
        &mut self,
        (o, n): (&Node<'a>, &Node<'a>),
        keys: &[&str],
        what: &str,
        context: &str,
    ) {
        for key in keys {
            self.as_written(
                o.get(key),
                n.get(key),
                (&o.at, &n.at),
                Class::Documentation,
                &format!("{what}: {key}"),
                context,
            );
        }
    }

    /// Notes that `what` became required, or is no longer, when `required` says otherwise of
    /// `o` and `n`: a client that leaves it out is then refused, or one that relied on it
    /// finds it missing.
    pub(crate) fn required_changed(
        &mut self,
        ctx: Ctx,
        (o, n): (&Node<'a>, &Node<'a>),
        required: impl Fn(&Node<'a>) -> bool,
        what: &str,
        context: &str,
    ) {
        if required(o) == required(n) {
            return;
        }
        let (effect, how) = if required(n) {
            (Effect::Narrow, "became required")
        } else {
            (Effect::Widen, "is no longer required")
        };
        self.note(
            ctx.class(effect),
            &at_or(o, "required"),
            &at_or(n, "required"),
            format!("{what} {how}"),
            context,
        );
    }
}
