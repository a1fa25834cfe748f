//! The list's filters as they travel: read from a query string or a form, turned into a
//! [`DeliveryFilter`], and written back into links and hidden fields.

use std::collections::HashMap;

use super::{html, states, wire};
use crate::dispatch::{Cursor, DeliveryFilter, DeliveryState};

/// What the operator asked to see.
#[derive(Default)]
pub(super) struct Listing {
    pub(super) filter: DeliveryFilter,
    /// The fields as given, to show them again in the form.
    pub(super) state: String,
    pub(super) callback: String,
    pub(super) target: String,
    pub(super) since: String,
    pub(super) until: String,
    /// Where the page starts.
    pub(super) after: Option<Cursor>,
    /// What could not be read, said to the operator rather than ignored.
    pub(super) problems: Vec<String>,
}

/// The name-value pairs of a query string or form body.
pub(super) fn pairs(encoded: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(encoded).into_owned().collect()
}

impl Listing {
    pub(super) fn read(fields: &HashMap<String, String>) -> Self {
        let field = |name: &str| {
            fields
                .get(name)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let mut l = Listing {
            state: field("state"),
            callback: field("callback"),
            target: field("target"),
            since: field("since"),
            until: field("until"),
            ..Listing::default()
        };
        match l.state.as_str() {
            "" | "any" => {}
            "scheduled" => match wire::scheduled() {
                Some(scheduled) => l.filter = scheduled,
                None => l
                    .problems
                    .push("this build cannot list scheduled deliveries".into()),
            },
            name => match DeliveryState::parse(name) {
                Some(state) => l.filter.state = Some(state),
                None => l.problems.push(format!("there is no state {name:?}")),
            },
        }
        if !l.callback.is_empty() {
            l.filter.callback = Some(l.callback.clone());
        }
        if !l.target.is_empty() {
            l.filter.target = Some(l.target.clone());
        }
        for (text, slot, name) in [
            (&l.since, &mut l.filter.since, "from"),
            (&l.until, &mut l.filter.until, "to"),
        ] {
            if text.is_empty() {
                continue;
            }
            match html::parse_time(text) {
                Some(t) => *slot = Some(t),
                None => l.problems.push(format!(
                    "{name} {text:?} is not a time: write 2026-12-01T04:23 (UTC)"
                )),
            }
        }
        let after = field("after");
        if !after.is_empty() {
            l.after = Cursor::parse(&after);
            if l.after.is_none() {
                l.problems
                    .push("that page cursor is not valid; showing the first page".into());
            }
        }
        l
    }

    /// The filter's fields as `name=value` pairs (no cursor).
    fn fields(&self) -> Vec<(&'static str, &str)> {
        [
            ("state", self.state.as_str()),
            ("callback", &self.callback),
            ("target", &self.target),
            ("since", &self.since),
            ("until", &self.until),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    /// A query string for this filter, starting after `after`.
    pub(super) fn query(&self, after: Option<&Cursor>) -> String {
        let mut parts: Vec<String> = self
            .fields()
            .into_iter()
            .map(|(n, v)| format!("{n}={}", html::query_value(v)))
            .collect();
        if let Some(cursor) = after {
            parts.push(format!("after={}", html::query_value(&cursor.to_token())));
        }
        parts.join("&")
    }

    /// Whether the filter narrows the deliveries beyond their state: a callback, a target or
    /// a time range.
    pub(super) fn narrowed(&self) -> bool {
        let f = &self.filter;
        f.callback.is_some() || f.target.is_some() || f.since.is_some() || f.until.is_some()
    }

    /// The filter as hidden fields, for a form that acts on what is listed.
    pub(super) fn hidden(&self) -> String {
        self.fields()
            .into_iter()
            .map(|(n, v)| html::hidden(n, v))
            .collect()
    }

    /// The filter form.
    pub(super) fn form(&self, base: &str) -> String {
        let mut options = vec![("any".to_owned(), "any state".to_owned())];
        if wire::scheduled().is_some() {
            options.push(("scheduled".into(), "scheduled".into()));
        }
        options.extend(
            states::STATES
                .iter()
                .map(|s| (s.as_str().to_owned(), states::label(*s).to_owned())),
        );
        let options: String = options
            .iter()
            .map(|(value, label)| {
                let selected = if *value == self.state {
                    " selected"
                } else {
                    ""
                };
                format!(
                    "<option value=\"{}\"{selected}>{}</option>",
                    html::escape(value),
                    html::escape(label)
                )
            })
            .collect();
        let input = |name: &str, label: &str, value: &str, kind: &str, hint: &str| {
            format!(
                "<label>{label}<input type=\"{kind}\" name=\"{name}\" value=\"{}\" placeholder=\"{hint}\"></label>",
                html::escape(value)
            )
        };
        format!(
            "<form class=\"filters\" method=\"get\" action=\"{}/deliveries\">\
             <label>State<select name=\"state\">{options}</select></label>{}{}{}{}\
             <button type=\"submit\">Filter</button>\
             <a href=\"{}/deliveries\">clear</a></form>",
            html::escape(base),
            input(
                "callback",
                "Callback",
                &self.callback,
                "text",
                "orderStatusChange"
            ),
            input(
                "target",
                "Target starts with",
                &self.target,
                "text",
                "https://client.example/"
            ),
            input("since", "From (UTC)", &self.since, "datetime-local", ""),
            input("until", "To (UTC)", &self.until, "datetime-local", ""),
            html::escape(base),
        )
    }
}
