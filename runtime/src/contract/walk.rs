//! The state of one comparison: both documents, what was found, and what was already compared.

use std::collections::{HashMap, HashSet};

use super::classify::{classify, Class, Effect, Flow};
use super::load::Doc;
use super::report::{Finding, Findings};

/// How a schema is being compared: which way it flows, whether it is under a property that
/// flow never carries, and whether it is a parameter's (whose default the server applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Ctx {
    pub flow: Flow,
    pub shielded: bool,
    pub parameter: bool,
}

impl Ctx {
    pub fn new(flow: Flow) -> Self {
        Ctx {
            flow,
            shielded: false,
            parameter: false,
        }
    }

    pub fn class(self, effect: Effect) -> Class {
        classify(effect, self.flow, self.shielded)
    }
}

pub(crate) struct Walk<'a> {
    pub old: Doc<'a>,
    pub new: Doc<'a>,
    pub findings: Findings,
    /// The findings of each schema pair already compared in a context, so that a component
    /// used by many operations is compared once per context and a cycle ends.
    pub memo: HashMap<(String, String, Ctx), Vec<Finding>>,
    pub active: HashSet<(String, String, Ctx)>,
    /// The schemas of each document an operation reached, so that the components nothing uses
    /// are compared apart.
    pub reached_old: HashSet<String>,
    pub reached_new: HashSet<String>,
}

impl<'a> Walk<'a> {
    pub fn new(old: Doc<'a>, new: Doc<'a>) -> Self {
        Walk {
            old,
            new,
            findings: Findings::default(),
            memo: HashMap::new(),
            active: HashSet::new(),
            reached_old: HashSet::new(),
            reached_new: HashSet::new(),
        }
    }

    /// Records findings made in `context` (an operation's body, a response...).
    pub fn record(&mut self, findings: Vec<Finding>, context: &str) {
        for f in findings {
            self.findings
                .add(f, Some(context).filter(|c| !c.is_empty()));
        }
    }

    pub fn note(&mut self, class: Class, old: &str, new: &str, message: String, context: &str) {
        self.record(vec![finding(class, old, new, message)], context);
    }
}

/// An entry of two keyed lists matched by key.
pub(crate) enum Keyed<'x, K, V> {
    /// In both lists: the key, the old value, the new value.
    Both(&'x K, &'x V, &'x V),
    /// Only in the old list.
    Removed(&'x K, &'x V),
    /// Only in the new list.
    Added(&'x K, &'x V),
}

/// The old list's entries in order, each with its counterpart in the new list if it has one,
/// then the new list's entries the old one lacks: the order findings are reported in.
pub(crate) fn by_key<'x, K: PartialEq, V>(
    old: &'x [(K, V)],
    new: &'x [(K, V)],
) -> impl Iterator<Item = Keyed<'x, K, V>> {
    let kept = old
        .iter()
        .map(move |(k, o)| match new.iter().find(|(m, _)| m == k) {
            Some((_, n)) => Keyed::Both(k, o, n),
            None => Keyed::Removed(k, o),
        });
    let added = new
        .iter()
        .filter(move |(k, _)| !old.iter().any(|(m, _)| m == k))
        .map(|(k, n)| Keyed::Added(k, n));
    kept.chain(added)
}

pub(crate) fn finding(class: Class, old: &str, new: &str, message: String) -> Finding {
    Finding {
        class,
        old: old.to_owned(),
        new: new.to_owned(),
        message,
    }
}
