//! Two schemas compared keyword by keyword, each change judged by which way its data flows.

use std::collections::BTreeSet;

use serde_json::Value;

use super::classify::{Class, Effect, Flow};
use super::load::Node;
use super::report::Finding;
use super::view::{Bound, Extra, View, SIZES};
use super::walk::{finding, Ctx, Walk};

fn contains_ref(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.contains_key("$ref") || o.values().any(contains_ref),
        Value::Array(a) => a.iter().any(contains_ref),
        _ => false,
    }
}

/// The names of both lists, each once, in order of appearance.
fn union<'k>(a: impl Iterator<Item = &'k str>, b: impl Iterator<Item = &'k str>) -> Vec<&'k str> {
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
fn at(node: &Node, key: &str) -> String {
    node.get(key)
        .map(|n| n.at)
        .unwrap_or_else(|| node.at.clone())
}

/// Collects the findings of one schema pair.
struct Out<'v> {
    ctx: Ctx,
    subject: String,
    found: Vec<Finding>,
    old: &'v Node<'v>,
    new: &'v Node<'v>,
}

impl Out<'_> {
    fn push(&mut self, effect: Effect, key: &str, message: String) {
        self.push_class(self.ctx.class(effect), key, message);
    }

    fn push_class(&mut self, class: Class, key: &str, message: String) {
        let (old, new) = (at(self.old, key), at(self.new, key));
        let message = format!("`{}`: {message}", self.subject);
        self.found.push(finding(class, &old, &new, message));
    }
}

impl<'a> Walk<'a> {
    /// The differences between two schemas, compared in `ctx`; `subject` names an inline
    /// schema in messages (a component is named by its name).
    pub(crate) fn schema(
        &mut self,
        old: Node<'a>,
        new: Node<'a>,
        ctx: Ctx,
        subject: &str,
    ) -> Vec<Finding> {
        let ov = View::of(&self.old, old);
        let nv = View::of(&self.new, new);
        let key = (
            format!("{}|{}", ov.outer.at, ov.inner.at),
            format!("{}|{}", nv.outer.at, nv.inner.at),
            ctx,
        );
        if let Some(found) = self.memo.get(&key) {
            return found.clone();
        }
        if !self.active.insert(key.clone()) {
            return Vec::new();
        }
        if ctx.flow != Flow::Unused {
            self.reached_old.insert(ov.inner.at.clone());
            self.reached_new.insert(nv.inner.at.clone());
        }
        let same = self.old.v31 == self.new.v31
            && ov.outer.value == nv.outer.value
            && ov.inner.value == nv.inner.value
            && !contains_ref(ov.outer.value)
            && !contains_ref(ov.inner.value);
        let found = if same {
            Vec::new()
        } else {
            let subject = ov
                .component
                .clone()
                .or(nv.component.clone())
                .unwrap_or_else(|| subject.to_owned());
            self.compare_views(&ov, &nv, ctx, subject)
        };
        self.active.remove(&key);
        self.memo.insert(key, found.clone());
        found
    }

    fn compare_views(
        &mut self,
        ov: &View<'a>,
        nv: &View<'a>,
        ctx: Ctx,
        subject: String,
    ) -> Vec<Finding> {
        let mut out = Out {
            ctx,
            subject: subject.clone(),
            found: Vec::new(),
            old: &ov.inner,
            new: &nv.inner,
        };
        compare_types(ov, nv, &mut out);
        compare_values(ov, nv, &mut out);
        compare_bounds(ov, nv, &mut out);
        compare_annotations(ov, nv, &mut out);
        let mut found = out.found;
        found.extend(self.compare_properties(ov, nv, ctx, &subject));
        found.extend(self.compare_children(ov, nv, ctx, &subject));
        found
    }

    fn compare_properties(
        &mut self,
        ov: &View<'a>,
        nv: &View<'a>,
        ctx: Ctx,
        subject: &str,
    ) -> Vec<Finding> {
        let mut found = Vec::new();
        let props_at = |v: &View| at(&v.inner, "properties");
        let names = union(
            ov.properties.iter().map(|(n, _)| *n),
            nv.properties.iter().map(|(n, _)| *n),
        );
        for name in names {
            let o = ov
                .properties
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, p)| p.clone());
            let n = nv
                .properties
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, p)| p.clone());
            let path = format!("{subject}.{name}");
            let (was_required, is_required) =
                (ov.required.contains(name), nv.required.contains(name));
            match (o, n) {
                (Some(o), Some(n)) => {
                    let op = View::of(&self.old, o.clone());
                    let np = View::of(&self.new, n.clone());
                    let hidden = |v: &View| match ctx.flow {
                        Flow::Request => v.read_only,
                        Flow::Response => v.write_only,
                        Flow::Unused => false,
                    };
                    let shielded = ctx.shielded || hidden(&op) || hidden(&np);
                    let inner = Ctx { shielded, ..ctx };
                    found.extend(self.schema(o.clone(), n.clone(), inner, &path));
                    found.extend(visibility(&op, &np, ctx, &path, is_required));
                    if was_required != is_required {
                        let (effect, what) = if is_required {
                            (Effect::Narrow, "became required")
                        } else {
                            (Effect::Widen, "is no longer required")
                        };
                        let class = Ctx { shielded, ..ctx }.class(effect);
                        found.push(finding(
                            class,
                            &at(&ov.inner, "required"),
                            &at(&nv.inner, "required"),
                            format!("`{path}` {what}"),
                        ));
                    }
                }
                (Some(o), None) => {
                    let op = View::of(&self.old, o.clone());
                    let unseen = (ctx.flow == Flow::Request && op.read_only)
                        || (ctx.flow == Flow::Response && op.write_only);
                    let class = Ctx {
                        shielded: ctx.shielded || unseen,
                        ..ctx
                    }
                    .class(Effect::Change);
                    let kind = if was_required { "required" } else { "optional" };
                    found.push(finding(
                        class,
                        &o.at,
                        &props_at(nv),
                        format!("`{path}`: the {kind} property was removed"),
                    ));
                }
                (None, Some(n)) => {
                    let np = View::of(&self.new, n.clone());
                    let unseen = (ctx.flow == Flow::Request && np.read_only)
                        || (ctx.flow == Flow::Response && np.write_only);
                    let effect = if is_required {
                        Effect::Narrow
                    } else {
                        Effect::Harmless
                    };
                    let class = Ctx {
                        shielded: ctx.shielded || unseen,
                        ..ctx
                    }
                    .class(effect);
                    let kind = if is_required { "required" } else { "optional" };
                    found.push(finding(
                        class,
                        &props_at(ov),
                        &n.at,
                        format!("`{path}`: an {kind} property was added")
                            .replace("an required", "a required"),
                    ));
                }
                (None, None) => {}
            }
        }
        // Names required without a property of their own here (an `allOf` part defines it).
        let op: BTreeSet<&str> = ov.properties.iter().map(|(n, _)| *n).collect();
        let np: BTreeSet<&str> = nv.properties.iter().map(|(n, _)| *n).collect();
        for name in ov.required.symmetric_difference(&nv.required) {
            if op.contains(name) || np.contains(name) {
                continue;
            }
            let (effect, what) = if nv.required.contains(name) {
                (Effect::Narrow, "became required")
            } else {
                (Effect::Widen, "is no longer required")
            };
            found.push(finding(
                ctx.class(effect),
                &at(&ov.inner, "required"),
                &at(&nv.inner, "required"),
                format!("`{subject}.{name}` {what}"),
            ));
        }
        found
    }

    fn compare_children(
        &mut self,
        ov: &View<'a>,
        nv: &View<'a>,
        ctx: Ctx,
        subject: &str,
    ) -> Vec<Finding> {
        let mut found = Vec::new();
        let mut out = Out {
            ctx,
            subject: subject.to_owned(),
            found: Vec::new(),
            old: &ov.inner,
            new: &nv.inner,
        };
        match (&ov.items, &nv.items) {
            (Some(o), Some(n)) => {
                found.extend(self.schema(o.clone(), n.clone(), ctx, &format!("{subject}[]")))
            }
            (None, Some(_)) => out.push(
                Effect::Narrow,
                "items",
                "its items are now constrained".into(),
            ),
            (Some(_), None) => out.push(
                Effect::Widen,
                "items",
                "its items are no longer constrained".into(),
            ),
            (None, None) => {}
        }
        match (&ov.extra, &nv.extra) {
            (Extra::Schema(o), Extra::Schema(n)) => {
                found.extend(self.schema(o.clone(), n.clone(), ctx, &format!("{subject}.*")))
            }
            (Extra::Any, Extra::Any) | (Extra::Forbidden, Extra::Forbidden) => {}
            (Extra::Forbidden, _) | (Extra::Schema(_), Extra::Any) => out.push(
                Effect::Widen,
                "additionalProperties",
                "accepts more additional properties (additionalProperties)".into(),
            ),
            (_, Extra::Forbidden) | (Extra::Any, Extra::Schema(_)) => out.push(
                Effect::Narrow,
                "additionalProperties",
                "accepts fewer additional properties (additionalProperties)".into(),
            ),
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            let ol = ov.inner.get(key).map(|n| n.items()).unwrap_or_default();
            let nl = nv.inner.get(key).map(|n| n.items()).unwrap_or_default();
            if ol.is_empty() && nl.is_empty() {
                continue;
            }
            let (pairs, removed, added) = match_branches(&ol, &nl);
            for (o, n) in pairs {
                found.extend(self.schema(o.clone(), n.clone(), ctx, &format!("{subject} ({key})")));
            }
            // Each `allOf` part constrains; each `anyOf`/`oneOf` branch admits.
            let (less, more) = if key == "allOf" {
                (Effect::Narrow, Effect::Widen)
            } else {
                (Effect::Widen, Effect::Narrow)
            };
            for o in removed {
                found.push(finding(
                    ctx.class(more),
                    &o.at,
                    &at(&nv.inner, key),
                    format!("`{subject}`: a branch of {key} was removed"),
                ));
            }
            for n in added {
                found.push(finding(
                    ctx.class(less),
                    &at(&ov.inner, key),
                    &n.at,
                    format!("`{subject}`: a branch was added to {key}"),
                ));
            }
        }
        found.extend(out.found);
        found
    }
}

/// Pairs the branches of a composition: the same `$ref` or the same value first, then in order.
fn match_branches<'n, 'a>(
    ol: &'n [Node<'a>],
    nl: &'n [Node<'a>],
) -> (
    Vec<(&'n Node<'a>, &'n Node<'a>)>,
    Vec<&'n Node<'a>>,
    Vec<&'n Node<'a>>,
) {
    let mut taken = vec![false; nl.len()];
    let mut pairs = Vec::new();
    let mut left = Vec::new();
    for o in ol {
        let same = nl.iter().enumerate().position(|(j, n)| {
            !taken[j]
                && (o.value == n.value
                    || (o.value.get("$ref").is_some()
                        && o.value.get("$ref") == n.value.get("$ref")))
        });
        match same {
            Some(j) => {
                taken[j] = true;
                pairs.push((o, &nl[j]));
            }
            None => left.push(o),
        }
    }
    let mut removed = Vec::new();
    for o in left {
        match taken.iter().position(|t| !t) {
            Some(j) if o.value.get("$ref").is_none() && nl[j].value.get("$ref").is_none() => {
                taken[j] = true;
                pairs.push((o, &nl[j]));
            }
            _ => removed.push(o),
        }
    }
    let added = nl
        .iter()
        .enumerate()
        .filter(|(j, _)| !taken[*j])
        .map(|(_, n)| n)
        .collect();
    (pairs, removed, added)
}

/// readOnly and writeOnly changes of a property, judged by whether the flow carries it.
fn visibility(op: &View, np: &View, ctx: Ctx, path: &str, required: bool) -> Vec<Finding> {
    let mut found = Vec::new();
    for (key, was, is) in [
        ("readOnly", op.read_only, np.read_only),
        ("writeOnly", op.write_only, np.write_only),
    ] {
        if was == is {
            continue;
        }
        // A request no longer carrying a property, or a response newly carrying one, is fine;
        // a request that must now send a required property, or a response that stops
        // carrying one, breaks the client.
        let class = match (ctx.flow, key, is) {
            (Flow::Request, "readOnly", false) if required && !ctx.shielded => Class::Breaking,
            (Flow::Response, "writeOnly", true) if !ctx.shielded => Class::Breaking,
            _ => Class::Compatible,
        };
        let what = if is { "became" } else { "is no longer" };
        found.push(finding(
            class,
            &at(&op.outer, key),
            &at(&np.outer, key),
            format!("`{path}` {what} {key}"),
        ));
    }
    found
}

fn compare_types(ov: &View, nv: &View, out: &mut Out) {
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

fn compare_values(ov: &View, nv: &View, out: &mut Out) {
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

fn compare_bounds(ov: &View, nv: &View, out: &mut Out) {
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

fn compare_annotations(ov: &View, nv: &View, out: &mut Out) {
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
