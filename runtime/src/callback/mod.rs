//! Callbacks: declared on an operation, documented, checked at compile time against the
//! request types, and resolved from each request into a [`Callback<T>`] that the dispatcher
//! delivers later; and webhooks ([`WebhookEvent<T>`]), the events an API sends to subscribers
//! it chooses, as callbacks to the URL it gives.

mod target;
mod template;
mod webhook;

pub(crate) use target::{
    body_reads, parameter_reads, source_pointer, sparse_body, target_from_value, target_in,
    BodyReads, ParameterRead, TargetError,
};
pub(crate) use webhook::WebhookDecl;
pub use webhook::WebhookEvent;

pub(crate) use template::reads_response;
pub use template::{CallbackTemplate, ResolveError};

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use crate::openapi::{
    Components, MediaType, Method, Operation, PathItem, RequestBody, Response as ResponseDoc,
    ResponseDecl, SchemaObject,
};

/// A callback as `callback(...)` on an operation declares it.
#[derive(Debug)]
pub struct CallbackDecl {
    /// Its name in the document (`orderStatusChange`).
    pub name: &'static str,
    /// The runtime expression or URL template (`{$request.body#/orderStatusCallbackUrl}`).
    pub expression: &'static str,
    /// What it is for.
    pub description: Option<&'static str>,
    /// The method it is sent with (POST unless declared).
    pub method: Method,
    /// The schema of its body.
    pub body: fn(&mut Components) -> SchemaObject,
    /// The responses the receiver may give.
    pub responses: &'static [ResponseDecl],
}

impl CallbackDecl {
    /// The callback as the document describes it: expression -> path item.
    pub fn document(&self, components: &mut Components) -> (String, PathItem) {
        let mut operation = Operation {
            description: self.description.map(str::to_owned),
            request_body: Some(RequestBody {
                description: None,
                required: true,
                content: [(
                    "application/json".to_owned(),
                    MediaType {
                        schema: (self.body)(components),
                    },
                )]
                .into(),
            }),
            // A callback is a request the API makes: it carries a Standard Webhooks signature,
            // none of the API's credentials, so the document's default requirement is lifted.
            security: Some(Vec::new()),
            ..Operation::default()
        };
        for r in self.responses {
            operation.responses.insert(
                r.status.to_string(),
                ResponseDoc {
                    description: r.description.to_owned(),
                    ..ResponseDoc::default()
                },
            );
        }
        if operation.responses.is_empty() {
            operation.responses.insert(
                "2XX".to_owned(),
                ResponseDoc {
                    description: "The callback was received".to_owned(),
                    ..ResponseDoc::default()
                },
            );
        }
        let mut item = PathItem::default();
        item.operations.insert(self.method, operation);
        (self.expression.to_owned(), item)
    }
}

/// Where to call back, resolved from one request: the callback's name, method and URL. It
/// serializes, so an application stores it next to what it concerns and hands it to the
/// dispatcher when the event happens, seconds or days later.
///
/// ```
/// use ringback::Callback;
/// #[derive(serde::Serialize, ringback::Schema)]
/// struct Ready { order_id: u64 }
///
/// let cb: Callback<Ready> = Callback::new("orderReady", "https://client.test/hooks");
/// let stored = serde_json::to_string(&cb).unwrap();
/// let back: Callback<Ready> = serde_json::from_str(&stored).unwrap();
/// assert_eq!(back.url(), "https://client.test/hooks");
/// ```
#[derive(Serialize, Deserialize)]
#[serde(bound = "", rename_all = "camelCase")]
pub struct Callback<T> {
    name: String,
    url: String,
    #[serde(default = "post")]
    method: String,
    #[serde(skip)]
    payload: PhantomData<fn(T)>,
}

fn post() -> String {
    "POST".to_owned()
}

impl<T> Callback<T> {
    /// A POST callback named `name` to `url`.
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self::with_method(name, url, "POST")
    }

    /// A callback sent with `method`.
    pub fn with_method(name: impl Into<String>, url: impl Into<String>, method: &str) -> Self {
        Callback {
            name: name.into(),
            url: url.into(),
            method: method.to_ascii_uppercase(),
            payload: PhantomData,
        }
    }

    /// The callback's name, as declared.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL to call.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The HTTP method to call it with.
    pub fn method(&self) -> &str {
        &self.method
    }
}

impl<T> Clone for Callback<T> {
    fn clone(&self) -> Self {
        Callback {
            name: self.name.clone(),
            url: self.url.clone(),
            method: self.method.clone(),
            payload: PhantomData,
        }
    }
}

impl<T> PartialEq for Callback<T> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.url == other.url && self.method == other.method
    }
}

impl<T> Eq for Callback<T> {}

impl<T> std::fmt::Debug for Callback<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("url", &self.url)
            .finish()
    }
}
