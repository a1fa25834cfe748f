//! A callback whose target reads the response: bound to the request's values when the request
//! is read, resolved by the handler once its response exists.

use std::marker::PhantomData;

use http::HeaderMap;
use serde::Serialize;

use super::Callback;
use crate::expr::{self, Context, ExpandError, ResponseContext};

/// A callback keyed on the response (`{$response.body#/id}`, `{$response.header.Location}`,
/// `{$statusCode}`), with everything it reads from the request already filled in. The handler
/// resolves it with what it answers, and then sends or stores the [`Callback<T>`] it gets.
///
/// ```
/// use ringback::callback::CallbackTemplate;
/// #[derive(serde::Serialize, ringback::Schema)]
/// struct Entry { amount: u64 }
/// #[derive(serde::Serialize)]
/// struct Payment { id: u64 }
///
/// // What the operation's extractor builds from `https://ledger.test/{$request.path.merchant}/payments/{$response.body#/id}`.
/// let template: CallbackTemplate<Entry> =
///     CallbackTemplate::new("ledger", "POST", "https://ledger.test/m1/payments/{$response.body#/id}");
/// let callback = template.resolve(&Payment { id: 42 }).unwrap();
/// assert_eq!(callback.url(), "https://ledger.test/m1/payments/42");
/// ```
pub struct CallbackTemplate<T> {
    name: &'static str,
    method: &'static str,
    /// The template with the request's values expanded and the response's still to come.
    rest: String,
    payload: PhantomData<fn(T)>,
}

/// Why a [`CallbackTemplate`] did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// New cases come as ringback grows: match with a `_` arm.
#[non_exhaustive]
pub enum ResolveError {
    /// The response has no value where the expression reads (or it is `null`).
    #[error("the `{callback}` callback reads {what}, which the response does not have{hint}")]
    Missing {
        /// The callback.
        callback: &'static str,
        /// The expression that found nothing.
        what: String,
        /// How to give it, when the resolve call could not.
        hint: &'static str,
    },
    /// The expanded target is not an absolute http or https URL.
    #[error("the `{callback}` callback's target {url:?} is not an absolute http or https URL")]
    NotAUrl {
        /// The callback.
        callback: &'static str,
        /// What the template expanded to.
        url: String,
    },
}

impl<T> CallbackTemplate<T> {
    /// A template named `name`, sent with `method`, whose request values are expanded in `rest`.
    pub fn new(name: &'static str, method: &'static str, rest: impl Into<String>) -> Self {
        CallbackTemplate {
            name,
            method,
            rest: rest.into(),
            payload: PhantomData,
        }
    }

    /// The callback's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Resolves the target with the response body the handler answers with
    /// (`$response.body#/...`). A template that also reads the status or a response header
    /// needs [`resolve_response`](Self::resolve_response).
    pub fn resolve<B: Serialize + ?Sized>(&self, body: &B) -> Result<Callback<T>, ResolveError> {
        self.finish(None, &HeaderMap::new(), body)
    }

    /// Resolves the target with the whole response: its status, headers and body.
    ///
    /// ```
    /// use ringback::callback::CallbackTemplate;
    /// let template: CallbackTemplate<()> = CallbackTemplate::new("audit", "POST", "{$response.header.Location}");
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("location", "https://shop.test/orders/7".parse().unwrap());
    /// let callback = template.resolve_response(201, &headers, &()).unwrap();
    /// assert_eq!(callback.url(), "https://shop.test/orders/7");
    /// ```
    pub fn resolve_response<B: Serialize + ?Sized>(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &B,
    ) -> Result<Callback<T>, ResolveError> {
        self.finish(Some(status), headers, body)
    }

    fn finish<B: Serialize + ?Sized>(
        &self,
        status: Option<u16>,
        headers: &HeaderMap,
        body: &B,
    ) -> Result<Callback<T>, ResolveError> {
        // A body that does not serialize has no values to read: the expression then reports
        // what it found missing.
        let body = serde_json::to_value(body).ok();
        let url = finish_template(&self.rest, status, headers, body.as_ref()).map_err(|what| {
            ResolveError::Missing {
                callback: self.name,
                what,
                hint: if status.is_none() {
                    "; give the status and headers with `resolve_response`"
                } else {
                    ""
                },
            }
        })?;
        match url::Url::parse(&url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(
                Callback::with_method(self.name, String::from(u), self.method),
            ),
            _ => Err(ResolveError::NotAUrl {
                callback: self.name,
                url,
            }),
        }
    }
}

// Apart from `finish`, which every payload type instantiates, so that it is compiled once.
fn finish_template(
    rest: &str,
    status: Option<u16>,
    headers: &HeaderMap,
    body: Option<&serde_json::Value>,
) -> Result<String, String> {
    let empty = HeaderMap::new();
    let cx = Context {
        url: "",
        method: "",
        headers: &empty,
        query: "",
        path: &[],
        body: None,
        response: Some(ResponseContext {
            // `$statusCode` without a status reads as missing, below.
            status: status.unwrap_or(0),
            headers,
            body,
        }),
    };
    if status.is_none() && rest.contains("{$statusCode}") {
        return Err("$statusCode".to_owned());
    }
    expr::expand(rest, &cx).map_err(|e| match e {
        ExpandError::Missing(what) => what,
        other => other.to_string(),
    })
}

impl<T> std::fmt::Debug for CallbackTemplate<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackTemplate")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("rest", &self.rest)
            .finish()
    }
}

/// Whether a callback's expression reads the response, so that it resolves only once the
/// handler has one.
pub(crate) fn reads_response(expression: &str) -> bool {
    expression.contains("$response.") || expression.contains("$statusCode")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_headers_come_only_with_the_whole_response() {
        let t: CallbackTemplate<()> = CallbackTemplate::new(
            "c",
            "POST",
            "https://x.test/{$statusCode}/{$response.body#/id}",
        );
        let err = t.resolve(&serde_json::json!({"id": 1})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the `c` callback reads $statusCode, which the response does not have; give the status and headers with `resolve_response`"
        );
        let ok = t
            .resolve_response(201, &HeaderMap::new(), &serde_json::json!({"id": "a/b"}))
            .unwrap();
        assert_eq!(ok.url(), "https://x.test/201/a%2Fb");
        let missing = t
            .resolve_response(201, &HeaderMap::new(), &serde_json::json!({}))
            .unwrap_err();
        assert!(matches!(missing, ResolveError::Missing { .. }), "{missing}");
    }

    #[test]
    fn a_target_that_is_no_url_is_refused() {
        let t: CallbackTemplate<()> = CallbackTemplate::new("c", "POST", "{$response.body#/url}");
        let err = t
            .resolve(&serde_json::json!({"url": "ftp://x.test/"}))
            .unwrap_err();
        assert!(matches!(err, ResolveError::NotAUrl { .. }), "{err}");
    }
}
