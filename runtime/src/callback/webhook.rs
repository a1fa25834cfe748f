//! Webhooks: events an API sends to subscribers that the application chooses, rather than to a
//! URL that a request names (a callback's). Each is declared once with its payload's type,
//! documented under OpenAPI 3.1's `webhooks`, and sent as a [`Callback<T>`] to the URL the
//! application gives, so that every way of sending a callback sends a webhook too.

use std::marker::PhantomData;

use super::Callback;
use crate::openapi::{
    Components, MediaType, Method, Operation, Parameter, ParameterLocation, PathItem, RequestBody,
    Response, SchemaObject,
};
use crate::Schema;

/// A webhook event: its name, the type of its payload, and the answers a subscriber may give.
///
/// Declare it once, as a `static` (or `const`), with the `const` builder; register it on an
/// [`Api`](crate::Api) with [`Api::webhook`](crate::Api::webhook), which documents it; send it
/// with [`Dispatcher::send_event`](crate::dispatch::Dispatcher::send_event), which takes a
/// payload of type `T` only. The delivery goes through the same durable outbox, SSRF guard,
/// signing and retries as a callback, named after the event.
///
/// The OpenAPI 3.1.0 document lists the event under `webhooks`: a path item whose `post`
/// carries the payload's schema as its required JSON request body, the Standard Webhooks
/// headers every delivery carries as header parameters, and the responses. 3.0.3
/// has no `webhooks`; there the same path item is written under the `x-webhooks` extension,
/// which 3.0.3 allows and Redoc reads, so the document stays valid and its components stay
/// used.
///
/// ```
/// use ringback::callback::WebhookEvent;
/// use ringback::openapi::OpenApiVersion;
///
/// #[derive(serde::Serialize, ringback::Schema)]
/// #[serde(rename_all = "camelCase")]
/// struct CustomerCreated { customer_id: u64 }
///
/// static CUSTOMER_CREATED: WebhookEvent<CustomerCreated> = WebhookEvent::new("customerCreated")
///     .summary("A customer was created")
///     .responses(&[(200, "Received"), (410, "Unsubscribe")]);
///
/// let api = ringback::Api::<()>::new("Shop", "1").webhook(&CUSTOMER_CREATED);
/// let json = api.document().to_json(OpenApiVersion::V3_1_0);
/// let post = &json["webhooks"]["customerCreated"]["post"];
/// assert_eq!(
///     post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
///     "#/components/schemas/CustomerCreated"
/// );
/// assert_eq!(post["responses"]["410"]["description"], "Unsubscribe");
///
/// // Sending (the URL is the subscriber's, chosen by the application):
/// // dispatcher.send_event(&CUSTOMER_CREATED, "https://crm.example/hooks", &created).await?;
/// let callback = CUSTOMER_CREATED.to("https://crm.example/hooks");
/// assert_eq!(callback.name(), "customerCreated");
/// ```
///
/// A status outside 100 to 599, or listed twice, stops the build where the event is declared:
///
/// ```compile_fail
/// # #[derive(ringback::Schema)] struct Ping { at: u64 }
/// static PING: ringback::callback::WebhookEvent<Ping> =
///     ringback::callback::WebhookEvent::new("ping").responses(&[(2000, "Received")]);
/// ```
pub struct WebhookEvent<T> {
    decl: WebhookDecl,
    payload: PhantomData<fn(T)>,
}

/// What an event declares, without its payload's type: what the document is made from, kept
/// by an `Api` for each event it registers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WebhookDecl {
    pub name: &'static str,
    summary: Option<&'static str>,
    description: Option<&'static str>,
    pub tags: &'static [&'static str],
    responses: &'static [(u16, &'static str)],
    payload: fn(&mut Components) -> SchemaObject,
}

impl<T: Schema> WebhookEvent<T> {
    /// The event `name` (its key under `webhooks`, and the name its deliveries carry), with
    /// a payload of type `T`.
    ///
    /// # Panics
    /// If `name` is empty; in a `static` or `const`, that stops the build.
    pub const fn new(name: &'static str) -> Self {
        assert!(
            !name.is_empty(),
            "a webhook event needs a name, such as \"orderPlaced\""
        );
        WebhookEvent {
            decl: WebhookDecl {
                name,
                summary: None,
                description: None,
                tags: &[],
                responses: &[],
                payload: T::schema,
            },
            payload: PhantomData,
        }
    }
}

impl<T> WebhookEvent<T> {
    /// A one-line summary of the event.
    pub const fn summary(mut self, summary: &'static str) -> Self {
        self.decl.summary = Some(summary);
        self
    }

    /// What the event means and when it is sent.
    pub const fn description(mut self, description: &'static str) -> Self {
        self.decl.description = Some(description);
        self
    }

    /// The tags the event is grouped under, as an operation's `tag`.
    pub const fn tags(mut self, tags: &'static [&'static str]) -> Self {
        self.decl.tags = tags;
        self
    }

    /// The answers a subscriber may give, each a status and what it means, as an operation's
    /// `responses(200 = "...")`. Without any, the document lists `2XX`, "The webhook was
    /// received". Delivery treats every 2xx as success, 410 as a request to stop, and
    /// anything else as a reason to retry, whatever is declared here.
    ///
    /// # Panics
    /// If a status is outside 100 to 599 or listed twice; in a `static` or `const`, that stops
    /// the build.
    pub const fn responses(mut self, responses: &'static [(u16, &'static str)]) -> Self {
        let mut i = 0;
        while i < responses.len() {
            let status = responses[i].0;
            assert!(
                status >= 100 && status <= 599,
                "a webhook response status is an HTTP status, from 100 to 599"
            );
            let mut j = 0;
            while j < i {
                assert!(
                    responses[j].0 != status,
                    "a webhook lists a response status twice; list each status once"
                );
                j += 1;
            }
            i += 1;
        }
        self.decl.responses = responses;
        self
    }

    /// The event's name.
    pub const fn name(&self) -> &'static str {
        self.decl.name
    }

    /// The callback that sends this event to `url`, the subscriber's: what
    /// [`Dispatcher::send_event`](crate::dispatch::Dispatcher::send_event) sends, and what
    /// any other way of sending a [`Callback<T>`] takes. It serializes, so a subscription can
    /// be stored as one.
    ///
    /// ```
    /// # #[derive(serde::Serialize, ringback::Schema)] struct Ping { at: u64 }
    /// static PING: ringback::callback::WebhookEvent<Ping> = ringback::callback::WebhookEvent::new("ping");
    /// let callback = PING.to("https://subscriber.example/hooks");
    /// assert_eq!((callback.name(), callback.method()), ("ping", "POST"));
    /// ```
    pub fn to(&self, url: impl Into<String>) -> Callback<T> {
        Callback::new(self.decl.name, url)
    }

    /// The event as the document describes it: a path item with one `post`.
    pub fn document(&self, components: &mut Components) -> PathItem {
        self.decl.document(components)
    }

    pub(crate) fn decl(&self) -> WebhookDecl {
        self.decl
    }
}

/// A header's name, description and schema.
type HeaderDoc = (&'static str, &'static str, fn() -> SchemaObject);

/// The headers every delivery carries, documented so that a subscriber knows to verify them:
/// the webhook is the contract with a party that did not write the request.
const SIGNATURE_HEADERS: [HeaderDoc; 3] = [
    (
        "webhook-id",
        "The delivery's id (Standard Webhooks), the same on every retry: a receiver that has \
         seen it may answer 2xx and do nothing.",
        || SchemaObject::string(None),
    ),
    (
        "webhook-timestamp",
        "When this attempt was signed, in seconds since the Unix epoch.",
        || SchemaObject::integer("int64"),
    ),
    (
        "webhook-signature",
        "Standard Webhooks signatures of `{webhook-id}.{webhook-timestamp}.{body}`, separated \
         by spaces; one that verifies with a key of the subscriber's is enough.",
        || SchemaObject::string(None),
    ),
];

impl WebhookDecl {
    pub(crate) fn document(&self, components: &mut Components) -> PathItem {
        let mut operation = Operation {
            tags: self.tags.iter().map(|t| (*t).to_owned()).collect(),
            summary: self.summary.map(str::to_owned),
            description: self.description.map(str::to_owned),
            parameters: SIGNATURE_HEADERS
                .iter()
                .map(|(name, description, schema)| Parameter {
                    name: (*name).to_owned(),
                    location: ParameterLocation::Header,
                    required: true,
                    description: Some((*description).to_owned()),
                    schema: schema(),
                    deprecated: false,
                })
                .collect(),
            request_body: Some(RequestBody {
                description: None,
                required: true,
                content: [(
                    "application/json".to_owned(),
                    MediaType {
                        schema: (self.payload)(components),
                    },
                )]
                .into(),
            }),
            ..Operation::default()
        };
        for (status, description) in self.responses {
            operation.responses.insert(
                status.to_string(),
                Response {
                    description: (*description).to_owned(),
                    ..Response::default()
                },
            );
        }
        if operation.responses.is_empty() {
            operation.responses.insert(
                "2XX".to_owned(),
                Response {
                    description: "The webhook was received".to_owned(),
                    ..Response::default()
                },
            );
        }
        let mut item = PathItem::default();
        item.operations.insert(Method::Post, operation);
        item
    }
}

impl<T> Clone for WebhookEvent<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for WebhookEvent<T> {}

impl<T> std::fmt::Debug for WebhookEvent<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEvent")
            .field("name", &self.decl.name)
            .field("payload", &std::any::type_name::<T>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::{Document, OpenApiVersion};
    use serde_json::{json, Value};

    #[derive(serde::Serialize, crate::Schema)]
    #[serde(rename_all = "camelCase")]
    struct Shipped {
        order_id: u64,
        #[schema(pattern = "^[A-Z]{2}$")]
        carrier: String,
        note: Option<String>,
    }

    static SHIPPED: WebhookEvent<Shipped> = WebhookEvent::new("orderShipped")
        .summary("An order left the warehouse")
        .description("Sent once per order, when the carrier collects it.")
        .tags(&["Shipping"])
        .responses(&[(204, "Received"), (410, "Unsubscribed")]);

    static BARE: WebhookEvent<String> = WebhookEvent::new("ping");

    fn document(events: &[WebhookDecl]) -> Document {
        let mut doc = Document::new("Shop", "1");
        for event in events {
            let item = event.document(&mut doc.components);
            doc.webhooks.insert(event.name.to_owned(), item);
        }
        doc
    }

    #[test]
    fn version_3_1_writes_each_event_under_webhooks_with_its_payload_and_responses() {
        let json = document(&[SHIPPED.decl()]).to_json(OpenApiVersion::V3_1_0);
        assert!(json.get("x-webhooks").is_none());
        let mut hook = json["webhooks"]["orderShipped"].clone();
        let parameters = hook["post"]
            .as_object_mut()
            .unwrap()
            .remove("parameters")
            .unwrap();
        let headers: Vec<(&str, &str, &Value)> = parameters
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                assert_eq!(p["required"], true);
                (
                    p["name"].as_str().unwrap(),
                    p["in"].as_str().unwrap(),
                    &p["schema"]["type"],
                )
            })
            .collect();
        assert_eq!(
            headers,
            [
                ("webhook-id", "header", &json!("string")),
                ("webhook-timestamp", "header", &json!("integer")),
                ("webhook-signature", "header", &json!("string")),
            ]
        );
        assert_eq!(
            hook,
            json!({"post": {
                "tags": ["Shipping"],
                "summary": "An order left the warehouse",
                "description": "Sent once per order, when the carrier collects it.",
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shipped"}}},
                    "required": true
                },
                "responses": {
                    "204": {"description": "Received"},
                    "410": {"description": "Unsubscribed"}
                }
            }})
        );
        // The payload is a component as any other, in 3.1's own dialect.
        let shipped = &json["components"]["schemas"]["Shipped"];
        assert_eq!(
            shipped["properties"]["note"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn version_3_0_3_writes_them_under_the_x_webhooks_extension_instead() {
        let doc = document(&[SHIPPED.decl()]);
        let json = doc.to_json(OpenApiVersion::V3_0_3);
        assert!(json.get("webhooks").is_none(), "3.0.3 has no `webhooks`");
        let post = &json["x-webhooks"]["orderShipped"]["post"];
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Shipped"
        );
        assert_eq!(
            json["components"]["schemas"]["Shipped"]["properties"]["note"]["nullable"],
            true
        );
    }

    #[test]
    fn webhooks_come_after_paths_and_before_components_in_both_formats() {
        let doc = document(&[SHIPPED.decl()]);
        for version in [OpenApiVersion::V3_0_3, OpenApiVersion::V3_1_0] {
            for text in [doc.to_json_pretty(version), doc.to_yaml(version)] {
                let at = |word: &str| text.find(word).unwrap_or_else(|| panic!("{word}"));
                assert!(at("paths") < at("webhooks"), "{text}");
                assert!(at("webhooks") < at("components"), "{text}");
            }
        }
    }

    #[test]
    fn an_event_without_responses_documents_any_2xx_and_an_inline_payload() {
        let json = document(&[BARE.decl()]).to_json(OpenApiVersion::V3_1_0);
        let post = &json["webhooks"]["ping"]["post"];
        assert_eq!(
            post["responses"],
            json!({"2XX": {"description": "The webhook was received"}})
        );
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"],
            json!({"type": "string"})
        );
        assert!(post.get("summary").is_none() && post.get("tags").is_none());
    }

    #[test]
    fn no_webhooks_no_key_in_either_version() {
        let doc = Document::new("Shop", "1");
        for version in [OpenApiVersion::V3_0_3, OpenApiVersion::V3_1_0] {
            let json = doc.to_json(version);
            assert!(json.get("webhooks").is_none() && json.get("x-webhooks").is_none());
        }
    }

    #[test]
    fn a_bad_pattern_in_a_webhook_payload_is_found_at_its_pointer() {
        let mut doc = Document::new("Shop", "1");
        let mut code = SchemaObject::string(None);
        code.pattern = Some("(?i)x".into());
        let operation = Operation {
            request_body: Some(RequestBody {
                description: None,
                required: true,
                content: [("application/json".to_owned(), MediaType { schema: code })].into(),
            }),
            ..Operation::default()
        };
        let mut item = PathItem::default();
        item.operations.insert(Method::Post, operation);
        doc.webhooks.insert("code/changed".into(), item);
        let invalid = doc.check().unwrap_err();
        let pointer = invalid.issues()[0].pointer();
        assert_eq!(
            pointer,
            "/x-webhooks/code~1changed/post/requestBody/content/application~1json/schema/pattern"
        );
        let json = doc.to_json(OpenApiVersion::V3_0_3);
        assert_eq!(json.pointer(pointer), Some(&json!("(?i)x")));
        // The derived payload's pattern is valid and in its component.
        assert_eq!(document(&[SHIPPED.decl()]).check(), Ok(()));
    }

    #[test]
    fn the_callback_carries_the_event_name_and_the_chosen_url() {
        let callback = SHIPPED.to("https://warehouse.example/hooks");
        assert_eq!(callback.name(), "orderShipped");
        assert_eq!(callback.url(), "https://warehouse.example/hooks");
        assert_eq!(callback.method(), "POST");
        assert_eq!(SHIPPED.name(), "orderShipped");
        assert!(format!("{SHIPPED:?}").contains("Shipped"));
    }
}
