//! Two schemas compared keyword by keyword, each change judged by which way its data flows.

use std::collections::BTreeSet;

use serde_json::Value;

use super::classify::{Class, Effect, Flow};
use super::keywords::{
    at, compare_annotations, compare_bounds, compare_types, compare_values, union, Out,
};
use super::load::Node;
use super::report::Finding;
use super::view::{Extra, View};
use super::walk::{finding, Ctx, Walk};

fn contains_ref(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.contains_key("$ref") || o.values().any(contains_ref),
        Value::Array(a) => a.iter().any(contains_ref),
        _ => false,
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
