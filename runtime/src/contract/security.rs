//! Security: what each operation requires, and the schemes it names.
//!
//! oasdiff reports every security change as information. ringback calls a change breaking
//! when a client that was accepted before can be refused now: a requirement added where
//! there was none, an alternative removed that no remaining one is weaker than, a scheme
//! that moved its credential (another header, another scheme, another token URL).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::classify::Class;
use super::diff::at_or;
use super::load::Node;
use super::walk::{by_key, Keyed, Walk};

/// One way to be let in: each scheme named, with the scopes it needs.
type Alternative = BTreeMap<String, BTreeSet<String>>;

fn alternatives(value: Option<&Value>) -> Vec<Alternative> {
    let Some(Value::Array(list)) = value else {
        // No requirement: anyone is let in.
        return vec![Alternative::new()];
    };
    if list.is_empty() {
        return vec![Alternative::new()];
    }
    list.iter()
        .map(|alt| {
            alt.as_object()
                .map(|o| {
                    o.iter()
                        .map(|(scheme, scopes)| {
                            let scopes = scopes
                                .as_array()
                                .map(|s| {
                                    s.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_owned)
                                        .collect()
                                })
                                .unwrap_or_default();
                            (scheme.clone(), scopes)
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Whether a client that satisfies `old` satisfies `new` too.
fn covers(new: &Alternative, old: &Alternative) -> bool {
    new.iter()
        .all(|(scheme, scopes)| old.get(scheme).is_some_and(|have| scopes.is_subset(have)))
}

fn describe(alt: &Alternative) -> String {
    if alt.is_empty() {
        return "no credentials".to_owned();
    }
    alt.iter()
        .map(|(scheme, scopes)| {
            if scopes.is_empty() {
                format!("`{scheme}`")
            } else {
                let scopes: Vec<_> = scopes.iter().cloned().collect();
                format!("`{scheme}` [{}]", scopes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

impl<'a> Walk<'a> {
    /// The requirement an operation is held to: its own, or else the document's.
    pub(crate) fn security(&mut self, old: &Node<'a>, new: &Node<'a>, label: &str) {
        let effective =
            |op: &Node<'a>, root: Node<'a>| op.get("security").or_else(|| root.get("security"));
        let (o, n) = (
            effective(old, self.old.root_node()),
            effective(new, self.new.root_node()),
        );
        let (oa, na) = (
            alternatives(o.as_ref().map(|n| n.value)),
            alternatives(n.as_ref().map(|n| n.value)),
        );
        let (op, np) = (
            o.map(|n| n.at).unwrap_or_else(|| old.at.clone()),
            n.map(|n| n.at).unwrap_or_else(|| new.at.clone()),
        );
        let open = |alts: &[Alternative]| alts.iter().any(|a| a.is_empty());
        let all = |alts: &[Alternative]| alts.iter().map(describe).collect::<Vec<_>>().join(" or ");
        match (open(&oa), open(&na)) {
            (false, true) => {
                let message = format!(
                    "{label} no longer requires credentials (it took {})",
                    all(&oa)
                );
                return self.note(Class::Compatible, &op, &np, message, label);
            }
            (true, false) => {
                let message = format!("{label} now requires credentials: {}", all(&na));
                return self.note(Class::Breaking, &op, &np, message, label);
            }
            _ => {}
        }
        for alt in oa.iter().filter(|a| !na.contains(a)) {
            let (class, how) = if na.iter().any(|b| covers(b, alt)) {
                (Class::Compatible, "a client using it is still let in")
            } else {
                (Class::Breaking, "a client using it is now refused")
            };
            self.note(
                class,
                &op,
                &np,
                format!("{label} no longer accepts {} ({how})", describe(alt)),
                label,
            );
        }
        // A new alternative only adds a way in.
        for alt in na.iter().filter(|a| !oa.contains(a)) {
            self.note(
                Class::Compatible,
                &op,
                &np,
                format!("{label} now accepts {}", describe(alt)),
                label,
            );
        }
    }

    pub(crate) fn security_schemes(&mut self, old: &Node<'a>, new: &Node<'a>) {
        let schemes = |n: &Node<'a>| n.get("components").and_then(|c| c.get("securitySchemes"));
        let (os, ns) = (schemes(old), schemes(new));
        let oe = os.as_ref().map(|s| s.entries()).unwrap_or_default();
        let ne = ns.as_ref().map(|s| s.entries()).unwrap_or_default();
        let parent = |s: &Option<Node<'a>>, root: &Node<'a>| {
            s.as_ref()
                .map(|s| s.at.clone())
                .unwrap_or_else(|| root.at.clone())
        };
        for entry in by_key(&oe, &ne) {
            let (name, o, n) = match entry {
                Keyed::Both(name, o, n) => (name, o, n),
                Keyed::Removed(name, o) => {
                    self.note(
                        Class::Compatible,
                        &o.at,
                        &parent(&ns, new),
                        format!("the security scheme `{name}` was removed"),
                        "",
                    );
                    continue;
                }
                Keyed::Added(name, n) => {
                    self.note(
                        Class::Compatible,
                        &parent(&os, old),
                        &n.at,
                        format!("the security scheme `{name}` was added"),
                        "",
                    );
                    continue;
                }
            };
            let (o, n) = (self.old.deref(o.clone()), self.new.deref(n.clone()));
            let what = format!("the security scheme `{name}`");
            self.documentation((&o, &n), &["description", "bearerFormat"], &what, "");
            // Where and how the credential travels: a client sending it the old way is refused.
            let lower = |n: &Node, k: &str| n.str(k).map(str::to_ascii_lowercase);
            let header = |n: &Node| {
                if n.str("in") == Some("header") {
                    lower(n, "name")
                } else {
                    n.str("name").map(str::to_owned)
                }
            };
            let moved = n.str("type") != o.str("type")
                || lower(&o, "scheme") != lower(&n, "scheme")
                || o.str("in") != n.str("in")
                || header(&o) != header(&n)
                || o.str("openIdConnectUrl") != n.str("openIdConnectUrl");
            if moved {
                self.note(Class::Breaking, &o.at, &n.at, format!("{what} now takes its credential differently (type, scheme, in, name or URL)"), "");
            }
            let flows = |n: &Node<'a>| n.get("flows").map(|f| f.entries()).unwrap_or_default();
            let (of, nf) = (flows(&o), flows(&n));
            for entry in by_key(&of, &nf) {
                let (flow, of, nf) = match entry {
                    Keyed::Both(flow, of, nf) => (flow, of, nf),
                    Keyed::Removed(flow, of) => {
                        self.note(
                            Class::Breaking,
                            &of.at,
                            &at_or(&n, "flows"),
                            format!("{what} no longer offers the {flow} flow"),
                            "",
                        );
                        continue;
                    }
                    Keyed::Added(flow, nf) => {
                        self.note(
                            Class::Compatible,
                            &at_or(&o, "flows"),
                            &nf.at,
                            format!("{what} now also offers the {flow} flow"),
                            "",
                        );
                        continue;
                    }
                };
                for key in ["authorizationUrl", "tokenUrl", "refreshUrl"] {
                    self.as_written(
                        of.get(key),
                        nf.get(key),
                        (&of.at, &nf.at),
                        Class::Breaking,
                        &format!("{what}: {flow} {key}"),
                        "",
                    );
                }
                self.as_written(
                    of.get("scopes"),
                    nf.get("scopes"),
                    (&of.at, &nf.at),
                    Class::Compatible,
                    &format!("{what}: {flow} scopes"),
                    "",
                );
            }
        }
    }
}
