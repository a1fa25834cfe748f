//! Each keyword of two schemas compared: types, values, bounds, annotations.

use std::collections::BTreeSet;

use serde_json::Value;

use super::classify::{Class, Effect};
use super::load::Node;
use super::report::Finding;
use super::view::{Bound, View, SIZES};
use super::walk::{finding, Ctx};

/// The names of both lists, each once, in order of appearance.
pub(crate) fn union<'k>(
    a: impl Iterator<Item = &'k str>,
    b: impl Iterator<Item = &'k str>,
) -> Vec<&'k str> {
    let mut out: Vec<&str> = Vec::new();
    for k in a.chain(b) {
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

fn allowed(types: &BTreeSet<String>, t: &str) -> bool {
    types.contains(t) || (t == "integer" && types.contains("number"))
}

fn list(types: &BTreeSet<String>) -> String {
    types.iter().cloned().collect::<Vec<_>>().join(" or ")
}

/// A JSON value in a message, kept short.
pub(crate) fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

/// Where a keyword is, or the schema it would be in.
pub(crate) fn at(node: &Node, key: &str) -> String {
    node.get(key)
        .map(|n| n.at)
        .unwrap_or_else(|| node.at.clone())
}

/// Collects the findings of one schema pair.
pub(crate) struct Out<'v> {
    pub ctx: Ctx,
    pub subject: String,
    pub found: Vec<Finding>,
    pub old: &'v Node<'v>,
    pub new: &'v Node<'v>,
}

impl Out<'_> {
    pub fn push(&mut self, effect: Effect, key: &str, message: String) {
        self.push_class(self.ctx.class(effect), key, message);
    }

    pub fn push_class(&mut self, class: Class, key: &str, message: String) {
        let (old, new) = (at(self.old, key), at(self.new, key));
        let message = format!("`{}`: {message}", self.subject);
        self.found.push(finding(class, &old, &new, message));
    }
}

pub(crate) fn compare_types(ov: &View, nv: &View, out: &mut Out) {
    match (&ov.types, &nv.types) {
        (None, None) => {}
        (a, b) if a == b => {}
        (None, Some(n)) => out.push(
            Effect::Narrow,
            "type",
            format!("its type is now restricted to {}", list(n)),
        ),
        (Some(o), None) => out.push(
            Effect::Widen,
            "type",
            format!("its type is no longer restricted to {}", list(o)),
        ),
        (Some(o), Some(n)) => {
            let widened = o.iter().all(|t| allowed(n, t));
            let narrowed = n.iter().all(|t| allowed(o, t));
            let effect = match (widened, narrowed) {
                (true, false) => Effect::Widen,
                (false, true) => Effect::Narrow,
                _ => Effect::Change,
            };
            out.push(
                effect,
                "type",
                format!("its type changed from {} to {}", list(o), list(n)),
            );
        }
    }
    if ov.binary != nv.binary {
        let what = if nv.binary {
            "is now raw bytes"
        } else {
            "is no longer raw bytes"
        };
        out.push(Effect::Change, "type", what.into());
    }
    if ov.nullable != nv.nullable {
        let (effect, what) = if nv.nullable {
            (Effect::Widen, "became nullable")
        } else {
            (Effect::Narrow, "is no longer nullable")
        };
        out.push(effect, "nullable", what.into());
    }
    match (ov.format, nv.format) {
        (None, None) => {}
        (a, b) if a == b => {}
        (None, Some(n)) => out.push(Effect::Narrow, "format", format!("format `{n}` was added")),
        (Some(o), None) => out.push(Effect::Widen, "format", format!("format `{o}` was removed")),
        (Some(o), Some(n)) => out.push(
            Effect::Change,
            "format",
            format!("its format changed from `{o}` to `{n}`"),
        ),
    }
}

pub(crate) fn compare_values(ov: &View, nv: &View, out: &mut Out) {
    match (&ov.enumeration, &nv.enumeration) {
        (None, None) => {}
        (None, Some(_)) => out.push(Effect::Narrow, "enum", "became an enum".into()),
        (Some(_), None) => out.push(Effect::Widen, "enum", "is no longer an enum".into()),
        (Some(o), Some(n)) => {
            for v in o.iter().filter(|v| !n.contains(v)) {
                out.push(
                    Effect::Narrow,
                    "enum",
                    format!("the enum value {} was removed", show(v)),
                );
            }
            for v in n.iter().filter(|v| !o.contains(v)) {
                out.push(
                    Effect::Widen,
                    "enum",
                    format!("the enum value {} was added", show(v)),
                );
            }
        }
    }
    match (ov.pattern, nv.pattern) {
        (None, None) => {}
        (a, b) if a == b => {}
        (None, Some(n)) => out.push(
            Effect::Narrow,
            "pattern",
            format!("the pattern {n:?} was added"),
        ),
        (Some(o), None) => out.push(
            Effect::Widen,
            "pattern",
            format!("the pattern {o:?} was removed"),
        ),
        (Some(o), Some(n)) => out.push(
            Effect::Change,
            "pattern",
            format!("its pattern changed from {o:?} to {n:?}"),
        ),
    }
    if ov.unique_items != nv.unique_items {
        let (effect, what) = if nv.unique_items {
            (Effect::Narrow, "its items must now be unique")
        } else {
            (Effect::Widen, "its items need no longer be unique")
        };
        out.push(effect, "uniqueItems", what.into());
    }
}

pub(crate) fn compare_bounds(ov: &View, nv: &View, out: &mut Out) {
    for (lower, o, n) in [(true, ov.lower, nv.lower), (false, ov.upper, nv.upper)] {
        let (name, key) = if lower {
            ("minimum", "minimum")
        } else {
            ("maximum", "maximum")
        };
        let key = if ov.inner.value.get(key).is_some() || nv.inner.value.get(key).is_some() {
            key
        } else if lower {
            "exclusiveMinimum"
        } else {
            "exclusiveMaximum"
        };
        let tighter = |a: Bound, b: Bound| {
            if lower {
                a.tighter_lower(b)
            } else {
                a.tighter_upper(b)
            }
        };
        match (o, n) {
            (None, None) => {}
            (None, Some(n)) => out.push(
                Effect::Narrow,
                key,
                format!("a {name} was set: {}", n.describe(lower)),
            ),
            (Some(o), None) => out.push(
                Effect::Widen,
                key,
                format!("its {name} ({}) was removed", o.describe(lower)),
            ),
            (Some(o), Some(n)) if tighter(n, o) => out.push(
                Effect::Narrow,
                key,
                format!(
                    "its {name} was tightened from {} to {}",
                    o.describe(lower),
                    n.describe(lower)
                ),
            ),
            (Some(o), Some(n)) if tighter(o, n) => out.push(
                Effect::Widen,
                key,
                format!(
                    "its {name} was relaxed from {} to {}",
                    o.describe(lower),
                    n.describe(lower)
                ),
            ),
            _ => {}
        }
    }
    for &(key, lower) in SIZES {
        // A minimum size of 0 is no minimum.
        let read = |v: &View| v.size(key).filter(|n| !(lower && *n == 0.0));
        let (o, n) = (read(ov), read(nv));
        let effect = match (o, n) {
            (a, b) if a == b => continue,
            (None, Some(_)) => Effect::Narrow,
            (Some(_), None) => Effect::Widen,
            (Some(a), Some(b)) if (b > a) == lower => Effect::Narrow,
            _ => Effect::Widen,
        };
        let show = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_else(|| "none".into());
        out.push(
            effect,
            key,
            format!("{key} changed from {} to {}", show(o), show(n)),
        );
    }
}

pub(crate) fn compare_annotations(ov: &View, nv: &View, out: &mut Out) {
    if ov.deprecated != nv.deprecated {
        let what = if nv.deprecated {
            "became deprecated"
        } else {
            "is no longer deprecated"
        };
        out.push(Effect::Harmless, "deprecated", what.into());
    }
    if ov.default != nv.default {
        // A parameter's default is what the server assumes when the client sends none.
        let effect = if out.ctx.parameter {
            Effect::Change
        } else {
            Effect::Harmless
        };
        let show_opt = |v: Option<&Value>| v.map(show).unwrap_or_else(|| "none".into());
        out.push(
            effect,
            "default",
            format!(
                "its default changed from {} to {}",
                show_opt(ov.default),
                show_opt(nv.default)
            ),
        );
    }
    if ov.examples != nv.examples {
        let key = if ov.outer.value.get("examples").is_some() {
            "examples"
        } else {
            "example"
        };
        out.push(Effect::Doc, key, "its examples changed".into());
    }
    let keys = union(
        ov.docs.iter().map(|(k, _)| k.as_str()),
        nv.docs.iter().map(|(k, _)| k.as_str()),
    );
    for key in keys {
        let o = ov.docs.iter().find(|(k, _)| k == key).map(|(_, n)| n);
        let n = nv.docs.iter().find(|(k, _)| k == key).map(|(_, n)| n);
        if o.map(|n| n.value) != n.map(|n| n.value) {
            let (oa, na) = (
                o.map(|n| n.at.clone())
                    .unwrap_or_else(|| ov.outer.at.clone()),
                n.map(|n| n.at.clone())
                    .unwrap_or_else(|| nv.outer.at.clone()),
            );
            let message = format!("`{}`: its {key} changed", out.subject);
            out.found
                .push(finding(Class::Documentation, &oa, &na, message));
        }
    }
    let keys = union(
        ov.other.iter().map(|(k, _)| k.as_str()),
        nv.other.iter().map(|(k, _)| k.as_str()),
    );
    for key in keys {
        let o = ov
            .other
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n.value);
        let n = nv
            .other
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n.value);
        if o != n {
            let effect = if key == "discriminator" {
                Effect::Harmless
            } else {
                Effect::Change
            };
            out.push(effect, key, format!("its {key} changed"));
        }
    }
}
