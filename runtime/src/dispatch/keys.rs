//! Which keys sign a delivery. A delivery stores a key id, never a key; at each attempt the
//! worker asks the application's [`KeyStore`] what that id's keys are now, so a key can be
//! rotated or revoked after the delivery was recorded. Deliveries without a key id are signed
//! with the dispatcher's own keys (its `DispatcherConfig`), as before key ids existed.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use super::asymmetric::SigningKey;
use super::signing::Secret;

/// The keys that sign one delivery: HMAC secrets (`v1`) and Ed25519 keys (`v1a`). Every one
/// signs, so a receiver that knows any of them accepts the delivery: that is how keys rotate.
///
/// ```
/// use ringback::dispatch::{Secret, SigningKey, SigningKeys};
/// let (old, new) = (Secret::generate(), Secret::generate());
/// let keys = SigningKeys::from(new).secret(old).signing_key(SigningKey::generate());
/// let header = keys.header("msg_1", 1_700_000_000, b"{}");
/// assert_eq!(header.split(' ').filter(|s| s.starts_with("v1,")).count(), 2);
/// assert_eq!(header.split(' ').filter(|s| s.starts_with("v1a,")).count(), 1);
/// ```
#[derive(Clone, Debug, Default)]
pub struct SigningKeys {
    secrets: Vec<Secret>,
    signing_keys: Vec<SigningKey>,
}

impl SigningKeys {
    /// No keys yet: add them with [`secret`](Self::secret) and
    /// [`signing_key`](Self::signing_key). A delivery with no keys is not sent.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also signs with the HMAC secret `secret` (`v1`).
    pub fn secret(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Also signs with the Ed25519 key `key` (`v1a`).
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.signing_keys.push(key);
        self
    }

    /// The HMAC secrets.
    pub fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// The Ed25519 keys.
    pub fn signing_keys(&self) -> &[SigningKey] {
        &self.signing_keys
    }

    /// Whether there is no key at all.
    ///
    /// ```
    /// assert!(ringback::dispatch::SigningKeys::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.signing_keys.is_empty()
    }

    /// The `webhook-signature` header: one `v1,` entry per secret, then one `v1a,` entry per
    /// Ed25519 key, separated by spaces.
    pub fn header(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let symmetric = self.secrets.iter().map(|s| s.sign(id, timestamp, body));
        let asymmetric = self
            .signing_keys
            .iter()
            .map(|k| k.sign(id, timestamp, body));
        symmetric.chain(asymmetric).collect::<Vec<_>>().join(" ")
    }
}

impl From<Secret> for SigningKeys {
    fn from(secret: Secret) -> Self {
        SigningKeys::new().secret(secret)
    }
}

impl From<SigningKey> for SigningKeys {
    fn from(key: SigningKey) -> Self {
        SigningKeys::new().signing_key(key)
    }
}

impl From<Vec<Secret>> for SigningKeys {
    fn from(secrets: Vec<Secret>) -> Self {
        SigningKeys {
            secrets,
            signing_keys: Vec::new(),
        }
    }
}

/// Why a key id's keys could not be had. The attempt fails with this as its error and is
/// retried on the delivery's schedule: a key store that was down, or a key added late, loses
/// nothing.
///
/// ```
/// use ringback::dispatch::KeyError;
/// let e = KeyError::unknown("customer-7");
/// assert_eq!(e.to_string(), "no signing keys for key id \"customer-7\"");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The store knows no such key id (or it has no keys now).
    #[error("no signing keys for key id {key_id:?}")]
    Unknown {
        /// The key id asked for.
        key_id: String,
    },
    /// The store could not answer; its error is the source.
    #[error("the key store failed to look up key id {key_id:?}")]
    Failed {
        /// The key id asked for.
        key_id: String,
        /// What went wrong.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl KeyError {
    /// No keys for `key_id`.
    pub fn unknown(key_id: impl Into<String>) -> Self {
        KeyError::Unknown {
            key_id: key_id.into(),
        }
    }

    /// Looking up `key_id` failed with `source`.
    ///
    /// ```
    /// use std::error::Error;
    /// let io = std::io::Error::other("database unreachable");
    /// let e = ringback::dispatch::KeyError::failed("customer-7", io);
    /// assert_eq!(e.source().unwrap().to_string(), "database unreachable");
    /// ```
    pub fn failed(
        key_id: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        KeyError::Failed {
            key_id: key_id.into(),
            source: source.into(),
        }
    }
}

/// The future a [`KeyStore`] returns.
pub type KeyFuture<'a> = Pin<Box<dyn Future<Output = Result<SigningKeys, KeyError>> + Send + 'a>>;

/// Resolves key ids to the keys valid for them now. The application supplies it (from its
/// database, a secrets manager, a derivation from one master key) with
/// [`DispatcherConfig::key_store`](super::DispatcherConfig::key_store); the worker asks it at
/// every attempt of a delivery sent with a key id
/// ([`SendOptions::key`](super::SendOptions::key)).
///
/// Return every key that is valid during a rotation: all of them sign, and the receiver
/// accepts any it knows.
///
/// A synchronous function `Fn(&str) -> Result<SigningKeys, KeyError>` is a key store, and so
/// is [`StaticKeys`]; anything slower implements the trait:
///
/// ```
/// use ringback::dispatch::{KeyError, KeyFuture, KeyStore, Secret, SigningKeys};
///
/// struct Customers { /* a database pool */ }
///
/// impl KeyStore for Customers {
///     fn keys<'a>(&'a self, key_id: &'a str) -> KeyFuture<'a> {
///         Box::pin(async move {
///             // SELECT secret FROM customer_keys WHERE customer = $1 AND NOT retired
///             let stored: Vec<String> = vec![];
///             let secrets = stored
///                 .iter()
///                 .map(|s| s.parse::<Secret>().map_err(|e| KeyError::failed(key_id, e)))
///                 .collect::<Result<Vec<_>, _>>()?;
///             if secrets.is_empty() {
///                 return Err(KeyError::unknown(key_id));
///             }
///             Ok(SigningKeys::from(secrets))
///         })
///     }
/// }
/// ```
pub trait KeyStore: Send + Sync + 'static {
    /// The keys that sign deliveries recorded with `key_id`.
    fn keys<'a>(&'a self, key_id: &'a str) -> KeyFuture<'a>;
}

impl<F> KeyStore for F
where
    F: Fn(&str) -> Result<SigningKeys, KeyError> + Send + Sync + 'static,
{
    fn keys<'a>(&'a self, key_id: &'a str) -> KeyFuture<'a> {
        let answer = self(key_id);
        Box::pin(std::future::ready(answer))
    }
}

/// A fixed table of key ids and their keys.
///
/// ```
/// use ringback::dispatch::{Secret, StaticKeys};
/// let keys = StaticKeys::new()
///     .with("customer-1", Secret::generate())
///     .with("customer-2", Secret::generate());
/// ```
#[derive(Clone, Debug, Default)]
pub struct StaticKeys {
    keys: HashMap<String, SigningKeys>,
}

impl StaticKeys {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// `key_id` signs with `keys` (a [`Secret`], a [`SigningKey`] or [`SigningKeys`]).
    pub fn with(mut self, key_id: impl Into<String>, keys: impl Into<SigningKeys>) -> Self {
        self.keys.insert(key_id.into(), keys.into());
        self
    }
}

impl KeyStore for StaticKeys {
    fn keys<'a>(&'a self, key_id: &'a str) -> KeyFuture<'a> {
        let answer = self
            .keys
            .get(key_id)
            .filter(|k| !k.is_empty())
            .cloned()
            .ok_or_else(|| KeyError::unknown(key_id));
        Box::pin(std::future::ready(answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn static_keys_and_functions_answer_by_key_id() {
        let secret = Secret::generate();
        let table = StaticKeys::new()
            .with("a", secret.clone())
            .with("empty", SigningKeys::new());
        assert_eq!(
            table.keys("a").await.unwrap().secrets(),
            std::slice::from_ref(&secret)
        );
        assert!(matches!(
            table.keys("b").await,
            Err(KeyError::Unknown { key_id }) if key_id == "b"
        ));
        assert!(table.keys("empty").await.is_err());
        let derived = |id: &str| {
            if id.starts_with("customer-") {
                Ok(SigningKeys::from(Secret::from_bytes(
                    id.as_bytes().to_vec(),
                )))
            } else {
                Err(KeyError::unknown(id))
            }
        };
        let keys = KeyStore::keys(&derived, "customer-12345678").await.unwrap();
        assert_eq!(
            keys.secrets(),
            [Secret::from_bytes(b"customer-12345678".to_vec())]
        );
        assert!(KeyStore::keys(&derived, "x").await.is_err());
    }

    #[test]
    fn the_header_lists_v1_then_v1a_entries() {
        let secret = Secret::generate();
        let key = SigningKey::generate();
        let keys = SigningKeys::from(secret.clone()).signing_key(key.clone());
        assert_eq!(
            keys.header("msg_1", 5, b"{}"),
            format!(
                "{} {}",
                secret.sign("msg_1", 5, b"{}"),
                key.sign("msg_1", 5, b"{}")
            )
        );
        assert_eq!(SigningKeys::new().header("msg_1", 5, b"{}"), "");
    }
}
