//! The webhooks an [`Api`] documents: registered once each, written into its document.

use super::Api;
use crate::callback::{WebhookDecl, WebhookEvent};

impl<S: Clone + Send + Sync + 'static> Api<S> {
    /// Documents a webhook event: the OpenAPI 3.1.0 document lists it under `webhooks`, and
    /// 3.0.3, which has no such field, under the `x-webhooks` extension. Its payload's schema
    /// is registered in the components as any other; its tags join the document's tags; the
    /// Standard Webhooks headers every delivery carries are its header parameters; and when the
    /// API has a default security requirement, the webhook says `security: []`, as it presents
    /// none of the API's credentials (its signature authenticates it). Send
    /// it with [`Dispatcher::send_event`](crate::dispatch::Dispatcher::send_event).
    ///
    /// ```
    /// use ringback::{Api, WebhookEvent};
    /// use ringback::openapi::OpenApiVersion;
    ///
    /// #[derive(serde::Serialize, ringback::Schema)]
    /// #[serde(rename_all = "camelCase")]
    /// struct OrderCancelled { order_id: u64, reason: String }
    ///
    /// static ORDER_CANCELLED: WebhookEvent<OrderCancelled> = WebhookEvent::new("orderCancelled")
    ///     .description("An order was cancelled before it was picked up.")
    ///     .responses(&[(200, "Okay")]);
    ///
    /// let doc = Api::<()>::new("Shop", "1").webhook(&ORDER_CANCELLED).document();
    /// let v31 = doc.to_json(OpenApiVersion::V3_1_0);
    /// assert_eq!(v31["webhooks"]["orderCancelled"]["post"]["responses"]["200"]["description"], "Okay");
    /// let v30 = doc.to_json(OpenApiVersion::V3_0_3);
    /// assert!(v30.get("webhooks").is_none());
    /// assert!(v30["x-webhooks"]["orderCancelled"]["post"].is_object());
    /// assert_eq!(v30["x-webhooks"]["orderCancelled"]["post"]["parameters"][2]["name"], "webhook-signature");
    /// ```
    ///
    /// # Panics
    /// If another event of the same name is registered: the document lists each name once.
    pub fn webhook<T>(self, event: &WebhookEvent<T>) -> Self {
        self.add_webhook(event.decl())
    }

    // Apart from `webhook`, which every payload type instantiates, so that this is compiled once.
    fn add_webhook(mut self, event: WebhookDecl) -> Self {
        assert!(
            self.webhooks.iter().all(|w| w.name != event.name),
            "the webhook `{}` is registered twice; register each event once, and give \
             different events different names",
            event.name
        );
        self.webhooks.push(event);
        self
    }

    /// Writes every registered webhook into `doc`, returning the tags they use.
    pub(super) fn document_webhooks(
        &self,
        doc: &mut crate::openapi::Document,
    ) -> Vec<&'static str> {
        let mut tags = Vec::new();
        for event in &self.webhooks {
            let mut item = event.document(&mut doc.components);
            if !doc.security.is_empty() {
                // The API's requirement is what its callers present. A webhook is sent by the
                // API, authenticated by its signature headers, which no OpenAPI scheme
                // describes: it presents none of the API's credentials.
                for operation in item.operations.values_mut() {
                    operation.security = Some(Vec::new());
                }
            }
            doc.webhooks.insert(event.name.to_owned(), item);
            tags.extend(event.tags.iter().copied());
        }
        tags
    }
}
