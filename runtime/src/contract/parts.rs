//! An operation's parameters, request body and responses, with their headers and content.

use super::classify::{Class, Effect};
use super::diff::{at_or, template_names, Site};
use super::load::Node;
use super::walk::{Ctx, Walk};

/// How a parameter is serialised when its `style` and `explode` are left out.
fn style_of(param: &Node) -> (String, bool) {
    let location = param.str("in").unwrap_or("");
    let style = param.str("style").unwrap_or(match location {
        "query" | "cookie" => "form",
        _ => "simple",
    });
    let explode = param
        .value
        .get("explode")
        .and_then(|e| e.as_bool())
        .unwrap_or(style == "form");
    (style.to_owned(), explode)
}

impl<'a> Walk<'a> {
    /// An operation's parameters with its path item's: the operation's own win. Each keyed by
    /// where it is and its name; a path parameter by its place in the template, since its
    /// name is never on the wire.
    fn effective_parameters(
        &self,
        old: bool,
        item: &Node<'a>,
        op: &Node<'a>,
        template: &str,
    ) -> Vec<(String, Node<'a>)> {
        let doc = if old { self.old } else { self.new };
        let names = template_names(template);
        let mut out: Vec<(String, Node<'a>)> = Vec::new();
        for list in [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
        {
            for p in list.items() {
                let p = doc.deref(p);
                let location = p.str("in").unwrap_or("").to_owned();
                let name = p.str("name").unwrap_or("").to_owned();
                let key = match location.as_str() {
                    "path" => match names.iter().position(|n| *n == name) {
                        Some(i) => format!("path #{}", i + 1),
                        None => format!("path {name}"),
                    },
                    "header" => format!("header {}", name.to_ascii_lowercase()),
                    _ => format!("{location} {name}"),
                };
                out.retain(|(k, _)| *k != key);
                out.push((key, p));
            }
        }
        out
    }

    pub(crate) fn parameters(
        &mut self,
        old_item: &Node<'a>,
        new_item: &Node<'a>,
        old: &Node<'a>,
        new: &Node<'a>,
        site: &Site,
    ) {
        let label = &site.label;
        let op = self.effective_parameters(true, old_item, old, &site.old_template);
        let np = self.effective_parameters(false, new_item, new, &site.new_template);
        let ctx = Ctx::new(site.request);
        let params_at = |node: &Node<'a>| at_or(node, "parameters");
        for (key, o) in &op {
            let oname = o.str("name").unwrap_or("");
            let Some((_, n)) = np.iter().find(|(k, _)| k == key) else {
                let message = format!(
                    "the {} parameter `{oname}` of {label} was removed",
                    o.str("in").unwrap_or("")
                );
                self.note(
                    ctx.class(Effect::Change),
                    &o.at,
                    &params_at(new),
                    message,
                    label,
                );
                continue;
            };
            let nname = n.str("name").unwrap_or("");
            let what = format!(
                "the {} parameter `{nname}` of {label}",
                n.str("in").unwrap_or("")
            );
            let context = what.clone();
            if oname != nname {
                self.note(
                    Class::Documentation,
                    &o.at,
                    &n.at,
                    format!(
                        "{what} was renamed from `{oname}` (a path parameter's name is not sent)"
                    ),
                    label,
                );
            }
            let required = |p: &Node| p.flag("required") || p.str("in") == Some("path");
            self.required_changed(ctx, (o, n), required, &what, label);
            if style_of(o) != style_of(n)
                || o.flag("allowReserved") != n.flag("allowReserved")
                || o.flag("allowEmptyValue") != n.flag("allowEmptyValue")
            {
                self.note(ctx.class(Effect::Change), &o.at, &n.at, format!("{what} is now serialised differently (style, explode, allowReserved or allowEmptyValue)"), label);
            }
            if o.flag("deprecated") != n.flag("deprecated") {
                self.note(
                    Class::Compatible,
                    &o.at,
                    &n.at,
                    format!("{what}: its deprecation changed"),
                    label,
                );
            }
            self.documentation(
                (o, n),
                &["description", "example", "examples"],
                &what,
                label,
            );
            let pctx = Ctx {
                parameter: true,
                ..ctx
            };
            match (o.get("schema"), n.get("schema")) {
                (Some(os), Some(ns)) => {
                    let found = self.schema(os, ns, pctx, nname);
                    self.record(found, &context);
                }
                _ => self.content(o, n, pctx, &context),
            }
        }
        for (key, n) in &np {
            if op.iter().any(|(k, _)| k == key) {
                continue;
            }
            let required = n.flag("required") || n.str("in") == Some("path");
            let (effect, kind) = if required {
                (Effect::Narrow, "required")
            } else {
                (Effect::Harmless, "optional")
            };
            let message = format!(
                "the {kind} {} parameter `{}` was added to {label}",
                n.str("in").unwrap_or(""),
                n.str("name").unwrap_or("")
            );
            self.note(ctx.class(effect), &params_at(old), &n.at, message, label);
        }
    }

    pub(crate) fn request_body(&mut self, old: &Node<'a>, new: &Node<'a>, site: &Site) {
        let label = &site.label;
        let ctx = Ctx::new(site.request);
        let (o, n) = (old.get("requestBody"), new.get("requestBody"));
        match (o, n) {
            (None, None) => {}
            (Some(o), None) => self.note(
                ctx.class(Effect::Change),
                &o.at,
                &new.at,
                format!("the request body of {label} was removed"),
                label,
            ),
            (None, Some(n)) => {
                let n = self.new.deref(n);
                let (effect, kind) = if n.flag("required") {
                    (Effect::Narrow, "a required")
                } else {
                    (Effect::Harmless, "an optional")
                };
                self.note(
                    ctx.class(effect),
                    &old.at,
                    &n.at,
                    format!("{kind} request body was added to {label}"),
                    label,
                );
            }
            (Some(o), Some(n)) => {
                let (o, n) = (self.old.deref(o), self.new.deref(n));
                let what = format!("the request body of {label}");
                let required = |b: &Node| b.flag("required");
                self.required_changed(ctx, (&o, &n), required, &what, label);
                self.documentation((&o, &n), &["description"], &what, label);
                self.content(&o, &n, ctx, &format!("request body of {label}"));
            }
        }
    }

    /// The media types of a body, a parameter or a header, each schema compared in `ctx`.
    pub(crate) fn content(&mut self, old: &Node<'a>, new: &Node<'a>, ctx: Ctx, what: &str) {
        let entries = |node: &Node<'a>| {
            node.get("content")
                .map(|c| c.entries())
                .unwrap_or_default()
                .into_iter()
                .map(|(k, n)| (k.to_ascii_lowercase().replace(' ', ""), n))
                .collect::<Vec<_>>()
        };
        let (oc, nc) = (entries(old), entries(new));
        for (media, o) in &oc {
            let context = format!("{what} ({media})");
            let Some((_, n)) = nc.iter().find(|(m, _)| m == media) else {
                self.note(
                    ctx.class(Effect::Change),
                    &o.at,
                    &at_or(new, "content"),
                    format!("{what} no longer has the media type {media}"),
                    &context,
                );
                continue;
            };
            let media_what = format!("{what} ({media})");
            self.documentation((o, n), &["example", "examples"], &media_what, &context);
            self.as_written(
                o.get("encoding"),
                n.get("encoding"),
                (&o.at, &n.at),
                ctx.class(Effect::Change),
                &format!("{what} ({media}): encoding"),
                &context,
            );
            match (o.get("schema"), n.get("schema")) {
                (Some(os), Some(ns)) => {
                    let found = self.schema(os, ns, ctx, "body");
                    self.record(found, &context);
                }
                (None, Some(ns)) => self.note(
                    ctx.class(Effect::Narrow),
                    &o.at,
                    &ns.at,
                    format!("{what} ({media}) now has a schema"),
                    &context,
                ),
                (Some(os), None) => self.note(
                    ctx.class(Effect::Widen),
                    &os.at,
                    &n.at,
                    format!("{what} ({media}) no longer has a schema"),
                    &context,
                ),
                (None, None) => {}
            }
        }
        for (media, n) in &nc {
            if !oc.iter().any(|(m, _)| m == media) {
                let context = format!("{what} ({media})");
                self.note(
                    Class::Compatible,
                    &at_or(old, "content"),
                    &n.at,
                    format!("{what} now also has the media type {media}"),
                    &context,
                );
            }
        }
    }

    pub(crate) fn responses(&mut self, old: &Node<'a>, new: &Node<'a>, site: &Site) {
        let label = &site.label;
        let entries = |node: &Node<'a>| {
            node.get("responses")
                .map(|r| r.entries())
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| !k.starts_with("x-"))
                .map(|(k, n)| {
                    let status = if k.eq_ignore_ascii_case("default") {
                        "default".to_owned()
                    } else {
                        k.to_ascii_uppercase()
                    };
                    (status, n)
                })
                .collect::<Vec<_>>()
        };
        let (or, nr) = (entries(old), entries(new));
        // What a response carries flows the other way from the request.
        let ctx = Ctx::new(site.request.reversed());
        for (status, o) in &or {
            let name = format!("response {status} of {label}");
            let Some((_, n)) = nr.iter().find(|(s, _)| s == status) else {
                self.note(
                    Class::Breaking,
                    &o.at,
                    &at_or(new, "responses"),
                    format!("the {name} was removed"),
                    label,
                );
                continue;
            };
            let (o, n) = (self.old.deref(o.clone()), self.new.deref(n.clone()));
            self.as_written(
                o.get("description"),
                n.get("description"),
                (&o.at, &n.at),
                Class::Documentation,
                &format!("the {name}: description"),
                label,
            );
            self.as_written(
                o.get("links"),
                n.get("links"),
                (&o.at, &n.at),
                Class::Compatible,
                &format!("the {name}: links"),
                label,
            );
            self.headers(&o, &n, ctx, &name);
            self.content(&o, &n, ctx, &name);
        }
        for (status, n) in &nr {
            if !or.iter().any(|(s, _)| s == status) {
                self.note(
                    Class::Compatible,
                    &at_or(old, "responses"),
                    &n.at,
                    format!("the response {status} was added to {label}"),
                    label,
                );
            }
        }
    }

    fn headers(&mut self, old: &Node<'a>, new: &Node<'a>, ctx: Ctx, response: &str) {
        let entries = |node: &Node<'a>| {
            node.get("headers")
                .map(|h| h.entries())
                .unwrap_or_default()
                .into_iter()
                .map(|(k, n)| (k.to_ascii_lowercase(), k.to_owned(), n))
                .collect::<Vec<_>>()
        };
        let (oh, nh) = (entries(old), entries(new));
        for (key, name, o) in &oh {
            let what = format!("the header `{name}` of the {response}");
            let Some((_, _, n)) = nh.iter().find(|(k, _, _)| k == key) else {
                self.note(
                    ctx.class(Effect::Change),
                    &o.at,
                    &at_or(new, "headers"),
                    format!("{what} was removed"),
                    response,
                );
                continue;
            };
            let (o, n) = (self.old.deref(o.clone()), self.new.deref(n.clone()));
            let required = |h: &Node| h.flag("required");
            self.required_changed(ctx, (&o, &n), required, &what, response);
            let keys = ["description", "example", "examples"];
            self.documentation((&o, &n), &keys, &what, response);
            let context = format!("header `{name}` of the {response}");
            match (o.get("schema"), n.get("schema")) {
                (Some(os), Some(ns)) => {
                    let found = self.schema(os, ns, ctx, name);
                    self.record(found, &context);
                }
                _ => self.content(&o, &n, ctx, &context),
            }
        }
        for (key, name, n) in &nh {
            if !oh.iter().any(|(k, _, _)| k == key) {
                self.note(
                    Class::Compatible,
                    &at_or(old, "headers"),
                    &n.at,
                    format!("the header `{name}` was added to the {response}"),
                    response,
                );
            }
        }
    }
}
