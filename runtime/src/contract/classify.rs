//! What a difference means to a client: breaking, compatible, or documentation only.
//!
//! A schema change is judged by which way the data flows. A request is the client's to write:
//! it may widen (accept more) but not narrow. A response is the client's to read: it may narrow
//! (promise more) but not widen. A callback turns both around: the service writes its
//! request, the client its response. This is oasdiff's rule; its levels map as ERR and WARN to
//! breaking (`oasdiff breaking` lists both), INFO to compatible, and the changes its changelog
//! leaves out (descriptions, examples) to documentation only.

/// How a difference affects the clients of the older document, mildest first.
///
/// ```
/// use ringback::contract::Class;
/// assert!(Class::Breaking > Class::Compatible);
/// assert_eq!(Class::Documentation.to_string(), "documentation");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Descriptions, summaries, titles, examples, extensions: nothing a client acts on.
    Documentation,
    /// A client of the older document keeps working: an added optional property, operation,
    /// response or request enum value, a widened request range.
    Compatible,
    /// A client of the older document may stop working: a removed operation or response, a new
    /// required property or parameter, a narrowed type or range, a changed callback.
    Breaking,
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Class::Documentation => "documentation",
            Class::Compatible => "compatible",
            Class::Breaking => "breaking",
        })
    }
}

/// How much difference a check lets pass.
///
/// ```
/// use ringback::contract::{Allow, Class};
/// assert!(Allow::Compatible.lets(Class::Documentation));
/// assert!(!Allow::Compatible.lets(Class::Breaking));
/// assert!(!Allow::Nothing.lets(Class::Documentation));
/// assert_eq!("compatible".parse::<Allow>(), Ok(Allow::Compatible));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Allow {
    /// No difference at all, not even in a description.
    #[default]
    Nothing,
    /// Documentation-only differences.
    Documentation,
    /// Documentation-only and compatible differences: only a breaking one fails.
    Compatible,
}

impl Allow {
    /// Whether a difference of `class` passes.
    pub fn lets(self, class: Class) -> bool {
        match self {
            Allow::Nothing => false,
            Allow::Documentation => class == Class::Documentation,
            Allow::Compatible => class != Class::Breaking,
        }
    }
}

impl std::fmt::Display for Allow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Allow::Nothing => "no difference",
            Allow::Documentation => "documentation-only differences",
            Allow::Compatible => "compatible and documentation-only differences",
        })
    }
}

impl std::str::FromStr for Allow {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "nothing" | "none" => Ok(Allow::Nothing),
            "documentation" | "docs" => Ok(Allow::Documentation),
            "compatible" => Ok(Allow::Compatible),
            other => Err(format!(
                "--allow {other:?}: write `nothing`, `documentation` or `compatible`"
            )),
        }
    }
}

/// Which way the data under a schema flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Flow {
    /// The client writes it: an operation's request, a callback's response.
    Request,
    /// The client reads it: an operation's response, a callback's request.
    Response,
    /// Nothing uses it: a component no operation refers to.
    Unused,
}

impl Flow {
    /// The flow seen from the other side, as a callback sees it.
    pub(crate) fn reversed(self) -> Flow {
        match self {
            Flow::Request => Flow::Response,
            Flow::Response => Flow::Request,
            Flow::Unused => Flow::Unused,
        }
    }
}

/// What a change does to the set of values (or requests) the document allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Only words for people.
    Doc,
    /// No value changes its validity: a deprecation, a new optional property, a discriminator.
    Harmless,
    /// More values are valid than before.
    Widen,
    /// Fewer values are valid than before.
    Narrow,
    /// Some values gain validity and some lose it, or ringback cannot tell.
    Change,
}

/// The class of a change of `effect` in a schema that flows `flow`. `shielded` is a change
/// under a property this flow never carries (readOnly in a request, writeOnly in a response).
pub(crate) fn classify(effect: Effect, flow: Flow, shielded: bool) -> Class {
    match effect {
        Effect::Doc => Class::Documentation,
        Effect::Harmless => Class::Compatible,
        _ if shielded || flow == Flow::Unused => Class::Compatible,
        Effect::Change => Class::Breaking,
        Effect::Widen if flow == Flow::Request => Class::Compatible,
        Effect::Narrow if flow == Flow::Response => Class::Compatible,
        Effect::Widen | Effect::Narrow => Class::Breaking,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_may_widen_and_a_response_may_narrow() {
        assert_eq!(
            classify(Effect::Widen, Flow::Request, false),
            Class::Compatible
        );
        assert_eq!(
            classify(Effect::Narrow, Flow::Request, false),
            Class::Breaking
        );
        assert_eq!(
            classify(Effect::Widen, Flow::Response, false),
            Class::Breaking
        );
        assert_eq!(
            classify(Effect::Narrow, Flow::Response, false),
            Class::Compatible
        );
        assert_eq!(
            classify(Effect::Change, Flow::Response, false),
            Class::Breaking
        );
        assert_eq!(
            classify(Effect::Change, Flow::Request, true),
            Class::Compatible
        );
        assert_eq!(
            classify(Effect::Narrow, Flow::Unused, false),
            Class::Compatible
        );
        assert_eq!(
            classify(Effect::Doc, Flow::Request, false),
            Class::Documentation
        );
        assert_eq!(Flow::Request.reversed(), Flow::Response);
    }
}
