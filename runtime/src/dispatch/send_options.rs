//! How one delivery is sent, beyond its callback and payload.

/// Options of [`Dispatcher::send_with`](super::Dispatcher::send_with).
///
/// `#[non_exhaustive]`: options will be added (when to send, say); start from
/// [`SendOptions::new`] and set what differs.
///
/// ```
/// use ringback::dispatch::SendOptions;
/// let options = SendOptions::new().key("customer-42");
/// assert_eq!(options.key_id.as_deref(), Some("customer-42"));
/// assert_eq!(SendOptions::new().key_id, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SendOptions {
    /// The key id the delivery is signed with, resolved by the dispatcher's
    /// [`KeyStore`](super::KeyStore) at every attempt; `None` signs with the dispatcher's own
    /// keys. Stored with the delivery, never the key itself.
    pub key_id: Option<String>,
}

impl SendOptions {
    /// Sends now, signed with the dispatcher's own keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs with the keys the key store holds for `key_id`.
    pub fn key(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }
}
