//! Sending a webhook event: a callback named after the event, to the subscriber's URL, through
//! the one durable send path.

use serde::Serialize;

use super::{Dispatcher, SendError};
use crate::callback::WebhookEvent;
use crate::Schema;

impl Dispatcher {
    /// Records a delivery of `event` with `payload` to `url`, a subscriber the application
    /// chose, and returns its id (the `webhook-id`) once the store has it durably. It is
    /// [`send`](Self::send) of [`event.to(url)`](WebhookEvent::to): the same outbox, SSRF
    /// guard, signing, retries and dead letters, and the delivery's callback name is the
    /// event's name. The payload must be the event's declared type, or the call does not
    /// compile.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ringback::dispatch::{Dispatcher, DispatcherConfig, Secret};
    /// use ringback::WebhookEvent;
    ///
    /// #[derive(serde::Serialize, ringback::Schema)]
    /// #[serde(rename_all = "camelCase")]
    /// struct CustomerCreated { customer_id: u64 }
    ///
    /// static CUSTOMER_CREATED: WebhookEvent<CustomerCreated> =
    ///     WebhookEvent::new("customerCreated").responses(&[(200, "Received")]);
    ///
    /// let dispatcher = Dispatcher::sqlite("outbox.db", DispatcherConfig::new(Secret::generate()))?;
    /// let worker = dispatcher.start();
    /// let id = dispatcher
    ///     .send_event(&CUSTOMER_CREATED, "https://crm.example/hooks", &CustomerCreated { customer_id: 7 })
    ///     .await?;
    /// println!("recorded {id}");
    /// worker.shutdown(std::time::Duration::from_secs(5)).await;
    /// # Ok(()) }
    /// ```
    pub async fn send_event<T: Schema + Serialize>(
        &self,
        event: &WebhookEvent<T>,
        url: &str,
        payload: &T,
    ) -> Result<String, SendError> {
        self.send(&event.to(url), payload).await
    }
}
