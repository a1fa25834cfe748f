//! The walk over two documents: paths, operations, callbacks and webhooks, components.

use serde_json::Value;

use super::classify::{Class, Flow};
use super::load::{ContractError, Doc, Node};
use super::report::Report;
use super::walk::{by_key, Ctx, Keyed, Walk};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Compares two OpenAPI documents (3.0.x or 3.1.x, in any mix) and says how `new` differs from
/// `old`, each difference classed by what it does to the clients of `old`.
///
/// The comparison is semantic: `$ref`s are followed, key order is ignored, and what 3.0 and 3.1
/// spell differently reads alike (`nullable` and a `null` type, boolean and numeric
/// `exclusiveMinimum`, `example` and `examples`, an `allOf` of one schema that only adds
/// annotations). A path parameter's name is not compared: `/pets/{id}` and `/pets/{petId}` are
/// one path, since the name is never on the wire.
///
/// ```
/// use ringback::contract::{compare, Class};
/// use serde_json::json;
///
/// let old = json!({"openapi": "3.0.3", "info": {"title": "Shop", "version": "1"}, "paths": {
///     "/orders": {"post": {
///         "requestBody": {"content": {"application/json": {"schema": {
///             "type": "object",
///             "properties": {"quantity": {"type": "integer", "maximum": 999, "nullable": true}}
///         }}}},
///         "responses": {"201": {"description": "Created"}}
///     }}
/// }});
/// // The same API in 3.1, with a tighter maximum.
/// let new = json!({"openapi": "3.1.0", "info": {"title": "Shop", "version": "1"}, "paths": {
///     "/orders": {"post": {
///         "requestBody": {"content": {"application/json": {"schema": {
///             "type": "object",
///             "properties": {"quantity": {"type": ["integer", "null"], "maximum": 99}}
///         }}}},
///         "responses": {"201": {"description": "Created"}}
///     }}
/// }});
///
/// let report = compare(&old, &new).unwrap();
/// assert_eq!(report.differences().len(), 1, "{report}");
/// let tightened = &report.differences()[0];
/// assert_eq!(tightened.class(), Class::Breaking);
/// assert_eq!(
///     tightened.old_pointer(),
///     "/paths/~1orders/post/requestBody/content/application~1json/schema/properties/quantity/maximum"
/// );
/// assert_eq!(tightened.contexts(), ["request body of POST /orders (application/json)"]);
/// ```
pub fn compare(old: &Value, new: &Value) -> Result<Report, ContractError> {
    let mut walk = Walk::new(Doc::new(old)?, Doc::new(new)?);
    walk.document();
    Ok(walk.findings.into_report())
}

/// A path template with its parameters' names left out: `/pets/{}`.
fn shape(template: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in template.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// Where an operation is, for messages: `POST /orders`, or a callback's within it.
#[derive(Clone)]
pub(crate) struct Site {
    pub label: String,
    /// The flow of the operation's request: a callback's request is the service's to write.
    pub request: Flow,
    pub old_template: String,
    pub new_template: String,
    pub callback: bool,
}

impl<'a> Walk<'a> {
    fn document(&mut self) {
        let (old, new) = (self.old.root_node(), self.new.root_node());
        for key in ["info", "tags", "externalDocs"] {
            self.as_written(
                old.get(key),
                new.get(key),
                ("", ""),
                Class::Documentation,
                key,
                "",
            );
        }
        self.as_written(
            old.get("servers"),
            new.get("servers"),
            ("", ""),
            Class::Compatible,
            "servers",
            "",
        );
        for (key, _) in old.entries().into_iter().chain(new.entries()) {
            // `x-webhooks` is 3.0's spelling of `webhooks` (ringback's and Redoc's): compared
            // with the webhooks below.
            if key == "x-webhooks" {
                continue;
            }
            if key.starts_with("x-") || key == "jsonSchemaDialect" {
                let class = if key.starts_with("x-") {
                    Class::Documentation
                } else {
                    Class::Compatible
                };
                let (o, n) = (old.get(key), new.get(key));
                if o.as_ref().map(|n| n.value) != n.as_ref().map(|n| n.value) {
                    self.as_written(o, n, ("", ""), class, key, "");
                }
            }
        }
        self.paths(&old, &new);
        self.webhooks(&old, &new);
        self.security_schemes(&old, &new);
        self.unused_schemas(&old, &new);
    }

    fn paths(&mut self, old: &Node<'a>, new: &Node<'a>) {
        let op = old.get("paths").map(|p| p.entries()).unwrap_or_default();
        let np = new.get("paths").map(|p| p.entries()).unwrap_or_default();
        let mut matched = vec![false; np.len()];
        for (ot, o) in &op {
            // The same template first; else the same shape with other parameter names.
            let j = np.iter().position(|(nt, _)| nt == ot).or_else(|| {
                np.iter()
                    .enumerate()
                    .position(|(j, (nt, _))| !matched[j] && shape(nt) == shape(ot))
            });
            match j {
                Some(j) => {
                    matched[j] = true;
                    let (nt, n) = &np[j];
                    let site = Site {
                        label: (*nt).to_owned(),
                        request: Flow::Request,
                        old_template: (*ot).to_owned(),
                        new_template: (*nt).to_owned(),
                        callback: false,
                    };
                    self.path_item(o.clone(), n.clone(), &site);
                }
                None => self.operations_only_in(o, "/paths", true, ot),
            }
        }
        for (j, (nt, n)) in np.iter().enumerate() {
            if !matched[j] {
                self.operations_only_in(n, "/paths", false, nt);
            }
        }
    }

    /// The operations of a path item one document does not have.
    fn operations_only_in(
        &mut self,
        item: &Node<'a>,
        other_parent: &str,
        in_old: bool,
        label: &str,
    ) {
        let doc = if in_old { self.old } else { self.new };
        let item = doc.deref(item.clone());
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let name = format!("{} {label}", method.to_uppercase());
                if in_old {
                    self.note(
                        Class::Breaking,
                        &op.at,
                        other_parent,
                        format!("the operation {name} was removed"),
                        &name,
                    );
                } else {
                    self.note(
                        Class::Compatible,
                        other_parent,
                        &op.at,
                        format!("the operation {name} was added"),
                        &name,
                    );
                }
            }
        }
    }

    pub(crate) fn path_item(&mut self, old: Node<'a>, new: Node<'a>, site: &Site) {
        let (old, new) = (self.old.deref(old), self.new.deref(new));
        for key in ["summary", "description"] {
            self.as_written(
                old.get(key),
                new.get(key),
                (&old.at, &new.at),
                Class::Documentation,
                &format!("{} {key}", site.label),
                &site.label,
            );
        }
        self.as_written(
            old.get("servers"),
            new.get("servers"),
            (&old.at, &new.at),
            Class::Compatible,
            &format!("{} servers", site.label),
            &site.label,
        );
        for method in METHODS {
            let name = format!("{} {}", method.to_uppercase(), site.label);
            match (old.get(method), new.get(method)) {
                (Some(o), Some(n)) => {
                    let op_site = Site {
                        label: name,
                        ..site.clone()
                    };
                    self.operation(&old, &new, o, n, &op_site);
                }
                (Some(o), None) => self.note(
                    Class::Breaking,
                    &o.at,
                    &new.at,
                    format!("the operation {name} was removed"),
                    &name,
                ),
                (None, Some(n)) => self.note(
                    Class::Compatible,
                    &old.at,
                    &n.at,
                    format!("the operation {name} was added"),
                    &name,
                ),
                (None, None) => {}
            }
        }
    }

    fn operation(
        &mut self,
        old_item: &Node<'a>,
        new_item: &Node<'a>,
        old: Node<'a>,
        new: Node<'a>,
        site: &Site,
    ) {
        let label = site.label.clone();
        for key in ["summary", "description", "externalDocs", "tags"] {
            self.as_written(
                old.get(key),
                new.get(key),
                (&old.at, &new.at),
                Class::Documentation,
                &format!("{label} {key}"),
                &label,
            );
        }
        self.as_written(
            old.get("operationId"),
            new.get("operationId"),
            (&old.at, &new.at),
            Class::Compatible,
            &format!("{label} operationId"),
            &label,
        );
        self.as_written(
            old.get("servers"),
            new.get("servers"),
            (&old.at, &new.at),
            Class::Compatible,
            &format!("{label} servers"),
            &label,
        );
        for (key, _) in old.entries().into_iter().chain(new.entries()) {
            if key.starts_with("x-") {
                self.as_written(
                    old.get(key),
                    new.get(key),
                    (&old.at, &new.at),
                    Class::Documentation,
                    &format!("{label} {key}"),
                    &label,
                );
            }
        }
        if old.flag("deprecated") != new.flag("deprecated") {
            let what = if new.flag("deprecated") {
                "became deprecated"
            } else {
                "is no longer deprecated"
            };
            self.note(
                Class::Compatible,
                &old.at,
                &new.at,
                format!("{label} {what}"),
                &label,
            );
        }
        self.parameters(old_item, new_item, &old, &new, site);
        self.request_body(&old, &new, site);
        self.responses(&old, &new, site);
        self.callbacks(&old, &new, site);
        if !site.callback {
            self.security(&old, &new, &label);
        }
    }

    fn callbacks(&mut self, old: &Node<'a>, new: &Node<'a>, site: &Site) {
        let oc = old
            .get("callbacks")
            .map(|c| c.entries())
            .unwrap_or_default();
        let nc = new
            .get("callbacks")
            .map(|c| c.entries())
            .unwrap_or_default();
        let label = &site.label;
        for entry in by_key(&oc, &nc) {
            let (name, o, n) = match entry {
                Keyed::Both(name, o, n) => (name, o, n),
                Keyed::Removed(name, o) => {
                    self.note(
                        Class::Breaking,
                        &o.at,
                        &at_or(new, "callbacks"),
                        format!("the callback `{name}` of {label} was removed"),
                        label,
                    );
                    continue;
                }
                Keyed::Added(name, n) => {
                    self.note(
                        Class::Compatible,
                        &at_or(old, "callbacks"),
                        &n.at,
                        format!("the callback `{name}` was added to {label}"),
                        label,
                    );
                    continue;
                }
            };
            let (o, n) = (self.old.deref(o.clone()), self.new.deref(n.clone()));
            let oe: Vec<_> = o
                .entries()
                .into_iter()
                .filter(|(k, _)| !k.starts_with("x-"))
                .collect();
            let ne: Vec<_> = n
                .entries()
                .into_iter()
                .filter(|(k, _)| !k.starts_with("x-"))
                .collect();
            let mut pairs = Vec::new();
            let (mut gone, mut fresh) = (Vec::new(), Vec::new());
            for entry in by_key(&oe, &ne) {
                match entry {
                    Keyed::Both(expr, oi, ni) => pairs.push((*expr, *expr, oi.clone(), ni.clone())),
                    Keyed::Removed(expr, oi) => gone.push((*expr, oi.clone())),
                    Keyed::Added(expr, ni) => fresh.push((*expr, ni.clone())),
                }
            }
            // One expression on each side: the same callback, now keyed otherwise.
            if let ([(oexpr, oi)], [(nexpr, ni)]) = (gone.as_slice(), fresh.as_slice()) {
                self.note(
                    Class::Breaking,
                    &oi.at,
                    &ni.at,
                    format!("the callback `{name}` of {label} is now sent to {nexpr:?} instead of {oexpr:?}"),
                    label,
                );
                pairs.push((oexpr, nexpr, oi.clone(), ni.clone()));
                gone.clear();
                fresh.clear();
            }
            for (expr, item) in gone {
                self.note(
                    Class::Breaking,
                    &item.at,
                    &n.at,
                    format!("the callback `{name}` of {label} is no longer sent to {expr:?}"),
                    label,
                );
            }
            for (expr, item) in fresh {
                self.note(
                    Class::Compatible,
                    &o.at,
                    &item.at,
                    format!("the callback `{name}` of {label} is now also sent to {expr:?}"),
                    label,
                );
            }
            for (oexpr, nexpr, oi, ni) in pairs {
                let callback_site = Site {
                    label: format!("{nexpr} (callback `{name}` of {label})"),
                    request: site.request.reversed(),
                    old_template: oexpr.to_owned(),
                    new_template: nexpr.to_owned(),
                    callback: true,
                };
                self.path_item(oi, ni, &callback_site);
            }
        }
    }

    fn webhooks(&mut self, old: &Node<'a>, new: &Node<'a>) {
        let webhooks = |n: &Node<'a>| n.get("webhooks").or_else(|| n.get("x-webhooks"));
        let ow = webhooks(old).map(|c| c.entries()).unwrap_or_default();
        let nw = webhooks(new).map(|c| c.entries()).unwrap_or_default();
        for entry in by_key(&ow, &nw) {
            match entry {
                Keyed::Both(name, o, n) => {
                    let site = Site {
                        label: format!("webhook `{name}`"),
                        request: Flow::Response,
                        old_template: String::new(),
                        new_template: String::new(),
                        callback: true,
                    };
                    self.path_item(o.clone(), n.clone(), &site);
                }
                Keyed::Removed(name, o) => self.note(
                    Class::Breaking,
                    &o.at,
                    &at_or(new, "webhooks"),
                    format!("the webhook `{name}` was removed"),
                    "",
                ),
                Keyed::Added(name, n) => self.note(
                    Class::Compatible,
                    &at_or(old, "webhooks"),
                    &n.at,
                    format!("the webhook `{name}` was added"),
                    "",
                ),
            }
        }
    }

    /// The schemas no operation reached, compared by name: a change there reaches no client.
    fn unused_schemas(&mut self, old: &Node<'a>, new: &Node<'a>) {
        let schemas = |n: &Node<'a>| n.get("components").and_then(|c| c.get("schemas"));
        let (os, ns) = (schemas(old), schemas(new));
        let oe = os.as_ref().map(|s| s.entries()).unwrap_or_default();
        let ne = ns.as_ref().map(|s| s.entries()).unwrap_or_default();
        let parent = |n: &Option<Node<'a>>, root: &Node<'a>| {
            n.as_ref()
                .map(|n| n.at.clone())
                .unwrap_or_else(|| root.at.clone())
        };
        for entry in by_key(&oe, &ne) {
            match entry {
                Keyed::Both(name, o, n) => {
                    if self.reached_old.contains(&o.at) && self.reached_new.contains(&n.at) {
                        continue;
                    }
                    let found = self.schema(o.clone(), n.clone(), Ctx::new(Flow::Unused), name);
                    self.record(found, "");
                }
                Keyed::Removed(name, o) => self.note(
                    Class::Compatible,
                    &o.at,
                    &parent(&ns, new),
                    format!("the schema `{name}` was removed from the components"),
                    "",
                ),
                Keyed::Added(name, n) => self.note(
                    Class::Compatible,
                    &parent(&os, old),
                    &n.at,
                    format!("the schema `{name}` was added to the components"),
                    "",
                ),
            }
        }
    }
}

/// Where `key` is in `node`, or `node` itself when it has none.
pub(crate) fn at_or(node: &Node, key: &str) -> String {
    node.get(key)
        .map(|n| n.at)
        .unwrap_or_else(|| node.at.clone())
}

/// The parameters' names in a path template, in order.
pub(crate) fn template_names(template: &str) -> Vec<String> {
    template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}
