//! How one delivery is sent, beyond its callback and payload.

/// Options of [`Dispatcher::send_with`](super::Dispatcher::send_with).
///
/// `#[non_exhaustive]`: options will be added; start from
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
    /// When the first attempt is due: `None`, or a time already past, sends now.
    /// [`Dispatcher::send_at`](super::Dispatcher::send_at) and
    /// [`send_after`](super::Dispatcher::send_after) set it.
    pub due: Option<std::time::SystemTime>,
}

impl SendOptions {
    /// Sends now, signed with the dispatcher's own keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends no earlier than `when`, durably recorded now (a scheduled send).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// let when = SystemTime::now() + Duration::from_secs(60);
    /// let options = ringback::dispatch::SendOptions::new().key("customer-42").at(when);
    /// assert_eq!(options.due, Some(when));
    /// ```
    pub fn at(mut self, when: std::time::SystemTime) -> Self {
        self.due = Some(when);
        self
    }

    /// Signs with the keys the key store holds for `key_id`.
    pub fn key(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }
}
