//! The differences found, each with where it is in both documents and what it means.

use std::collections::HashMap;
use std::fmt;

use super::classify::{Allow, Class};

/// One difference between two documents.
///
/// ```
/// use ringback::contract::{compare, Class};
/// use serde_json::json;
///
/// let old = json!({"openapi": "3.0.3", "info": {"title": "Shop", "version": "1"},
///     "paths": {"/orders": {"get": {"responses": {"200": {"description": "The orders"}}}}}});
/// let mut new = old.clone();
/// new["paths"]["/orders"]["get"]["responses"]["200"]["description"] = json!("Every order");
///
/// let report = compare(&old, &new).unwrap();
/// let difference = &report.differences()[0];
/// assert_eq!(difference.class(), Class::Documentation);
/// assert_eq!(difference.old_pointer(), "/paths/~1orders/get/responses/200/description");
/// assert_eq!(difference.new_pointer(), difference.old_pointer());
/// assert!(difference.message().contains("description"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    class: Class,
    old_pointer: String,
    new_pointer: String,
    message: String,
    contexts: Vec<String>,
    /// How the difference classes in each context, in the same order.
    classes: Vec<Class>,
}

impl Difference {
    /// Breaking, compatible or documentation only.
    pub fn class(&self) -> Class {
        self.class
    }

    /// Where it is in the older document, as a JSON pointer; for something the older document
    /// does not have, the object it would be in.
    pub fn old_pointer(&self) -> &str {
        &self.old_pointer
    }

    /// Where it is in the newer document; for something removed, the object it was in.
    pub fn new_pointer(&self) -> &str {
        &self.new_pointer
    }

    /// What changed, in a sentence.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the API uses what changed (`request body of POST /orders (application/json)`);
    /// empty when nothing does.
    pub fn contexts(&self) -> &[String] {
        &self.contexts
    }

    /// How the difference classes in one of its [`contexts`](Self::contexts): a tightened
    /// rule breaks a request and not a response.
    pub fn class_in(&self, context: &str) -> Option<Class> {
        let at = self.contexts.iter().position(|c| c == context)?;
        self.classes.get(at).copied()
    }
}

/// Every difference between two documents, breaking ones first.
///
/// ```
/// use ringback::contract::{compare, Allow, Class};
/// use serde_json::json;
///
/// let old = json!({"openapi": "3.0.3", "info": {"title": "Shop", "version": "1"},
///     "paths": {"/orders": {"get": {"responses": {"200": {"description": "The orders"}}}}}});
/// let mut new = old.clone();
/// new["paths"]["/orders"]["delete"] = json!({"responses": {"204": {"description": "Gone"}}});
///
/// let report = compare(&old, &new).unwrap();
/// assert_eq!(report.worst(), Some(Class::Compatible));
/// assert!(report.passes(Allow::Compatible));
/// assert!(!report.passes(Allow::Nothing));
/// assert!(report.to_string().contains("the operation DELETE /orders was added"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    differences: Vec<Difference>,
    names: (String, String),
}

impl Report {
    /// The differences, breaking ones first, then by where they are in the older document.
    pub fn differences(&self) -> &[Difference] {
        &self.differences
    }

    /// Whether the two documents describe the same API in every word.
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }

    /// The most severe class found, or `None` when there is no difference.
    pub fn worst(&self) -> Option<Class> {
        self.differences.iter().map(|d| d.class).max()
    }

    /// Whether every difference is one `allow` lets pass.
    pub fn passes(&self, allow: Allow) -> bool {
        self.differences.iter().all(|d| allow.lets(d.class))
    }

    /// The differences of one class.
    pub fn of_class(&self, class: Class) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(move |d| d.class == class)
    }

    /// The same report, calling the two documents `old` and `new` in its text (`committed`
    /// and `code`, say) rather than `old` and `new`.
    pub fn named(mut self, old: &str, new: &str) -> Self {
        self.names = (old.to_owned(), new.to_owned());
        self
    }

    pub(crate) fn new(mut differences: Vec<Difference>) -> Self {
        differences.sort_by(|a, b| {
            (b.class, &a.old_pointer, &a.new_pointer, &a.message).cmp(&(
                a.class,
                &b.old_pointer,
                &b.new_pointer,
                &b.message,
            ))
        });
        Report {
            differences,
            names: ("old".to_owned(), "new".to_owned()),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |class| self.of_class(class).count();
        if self.differences.is_empty() {
            return write!(f, "no differences");
        }
        writeln!(
            f,
            "{} difference{}: {} breaking, {} compatible, {} documentation only",
            self.differences.len(),
            if self.differences.len() == 1 { "" } else { "s" },
            count(Class::Breaking),
            count(Class::Compatible),
            count(Class::Documentation)
        )?;
        let (old, new) = &self.names;
        let width = old.len().max(new.len()) + 1;
        for d in &self.differences {
            writeln!(f, "\n[{}] {}", d.class, d.message)?;
            const SHOWN: usize = 3;
            let mixed = d.classes.iter().any(|c| *c != d.class);
            for (context, class) in d.contexts.iter().zip(&d.classes).take(SHOWN) {
                if mixed {
                    writeln!(f, "    in {context} ({class} there)")?;
                } else {
                    writeln!(f, "    in {context}")?;
                }
            }
            if d.contexts.len() > SHOWN {
                writeln!(f, "    and {} more", d.contexts.len() - SHOWN)?;
            }
            writeln!(f, "    {:width$} #{}", format!("{old}:"), d.old_pointer)?;
            writeln!(f, "    {:width$} #{}", format!("{new}:"), d.new_pointer)?;
        }
        Ok(())
    }
}

/// A difference as the walk finds it, before it is told where the API uses it.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub class: Class,
    pub old: String,
    pub new: String,
    pub message: String,
}

/// The findings of a walk, one per place and message: a component used by several operations
/// is one difference that lists them all, as severe as its most severe use.
#[derive(Default)]
pub(crate) struct Findings {
    differences: Vec<Difference>,
    index: HashMap<(String, String, String), usize>,
}

impl Findings {
    pub(crate) fn add(&mut self, finding: Finding, context: Option<&str>) {
        let class = finding.class;
        let key = (finding.old, finding.new, finding.message);
        let difference = match self.index.get(&key) {
            Some(&at) => {
                let d = &mut self.differences[at];
                d.class = d.class.max(finding.class);
                d
            }
            None => {
                let (old_pointer, new_pointer, message) = key.clone();
                self.index.insert(key, self.differences.len());
                self.differences.push(Difference {
                    class: finding.class,
                    old_pointer,
                    new_pointer,
                    message,
                    contexts: Vec::new(),
                    classes: Vec::new(),
                });
                self.differences.last_mut().expect("just pushed")
            }
        };
        if let Some(context) = context {
            match difference.contexts.iter().position(|c| c == context) {
                Some(at) => difference.classes[at] = difference.classes[at].max(class),
                None => {
                    difference.contexts.push(context.to_owned());
                    difference.classes.push(class);
                }
            }
        }
    }

    pub(crate) fn into_report(self) -> Report {
        Report::new(self.differences)
    }
}
