//! Standard Webhooks' asymmetric signatures: `webhook-signature: v1a,<base64(Ed25519(key,
//! "{webhook-id}.{webhook-timestamp}.{body}"))>`. The sender keeps a `whsk_` key (the base64
//! 32-byte seed); receivers get only its `whpk_` public key (the base64 32 raw bytes), with
//! which they can check a signature but never make one.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};

use super::signing::{random_bytes, KeyText};

/// An Ed25519 signing key, written `whsk_<base64 seed>` as Standard Webhooks does. One key can
/// sign for every client: what a client holds, the [`PublicKey`], cannot sign.
///
/// ```
/// use ringback::dispatch::SigningKey;
/// let key = SigningKey::generate();
/// let written = key.to_string();
/// assert!(written.starts_with("whsk_"));
/// let again: SigningKey = written.parse().unwrap();
/// assert_eq!(again.public_key(), key.public_key());
/// assert!(key.public_key().to_string().starts_with("whpk_"));
/// ```
#[derive(Clone)]
pub struct SigningKey {
    seed: [u8; 32],
    // Expanding a seed costs a scalar multiplication: done once, shared by clones.
    pair: Arc<Ed25519KeyPair>,
}

impl SigningKey {
    /// A new key from the operating system's cryptographic random generator.
    pub fn generate() -> Self {
        let mut seed = [0u8; 32];
        random_bytes(&mut seed);
        Self::from_seed(seed)
    }

    /// The key whose 32-byte seed is `seed` (what `whsk_` encodes).
    ///
    /// ```
    /// use ringback::dispatch::SigningKey;
    /// let key = SigningKey::from_seed([7; 32]);
    /// assert_eq!(key.to_string(), "whsk_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    /// ```
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed)
            .expect("every 32-byte seed is an Ed25519 key");
        SigningKey {
            seed,
            pair: Arc::new(pair),
        }
    }

    /// The public key receivers verify with.
    pub fn public_key(&self) -> PublicKey {
        let mut raw = [0u8; 32];
        raw.copy_from_slice(self.pair.public_key().as_ref());
        PublicKey(raw)
    }

    /// The `v1a,<base64>` signature of a message.
    ///
    /// ```
    /// use ringback::dispatch::SigningKey;
    /// let key = SigningKey::generate();
    /// let signature = key.sign("msg_1", 1_700_000_000, b"{}");
    /// let base64 = signature.strip_prefix("v1a,").unwrap();
    /// assert!(key.public_key().verifies("msg_1", 1_700_000_000, b"{}", base64));
    /// ```
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let message = signed_content(id, timestamp, body);
        format!("v1a,{}", STANDARD.encode(self.pair.sign(&message)))
    }
}

/// The content both schemes sign: `{id}.{timestamp}.{body}`.
fn signed_content(id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let timestamp = timestamp.to_string();
    let mut message = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    message.extend_from_slice(id.as_bytes());
    message.push(b'.');
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'.');
    message.extend_from_slice(body);
    message
}

/// An Ed25519 public key, written `whpk_<base64 key>`: what a receiver needs to check `v1a`
/// signatures. It is not a secret: publish it where clients find it.
///
/// ```
/// use ringback::dispatch::{PublicKey, SigningKey};
/// let public = SigningKey::from_seed([7; 32]).public_key();
/// let written = public.to_string();
/// assert_eq!(written.parse::<PublicKey>().unwrap(), public);
/// assert!("whsk_AAAA".parse::<PublicKey>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// The key from its 32 raw bytes.
    pub fn from_bytes(raw: [u8; 32]) -> Self {
        PublicKey(raw)
    }

    /// Whether `signature` (the base64 part of a `v1a,` entry) is this key's signature of the
    /// message.
    pub fn verifies(&self, id: &str, timestamp: i64, body: &[u8], signature: &str) -> bool {
        let Ok(signature) = STANDARD.decode(signature) else {
            return false;
        };
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(&signed_content(id, timestamp, body), &signature)
            .is_ok()
    }
}

impl std::str::FromStr for SigningKey {
    type Err = super::SecretError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_seed(KeyText::WHSK.parse_exact(s)?))
    }
}

impl std::str::FromStr for PublicKey {
    type Err = super::SecretError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(PublicKey(KeyText::WHPK.parse_exact(s)?))
    }
}

impl std::fmt::Display for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "whsk_{}", STANDARD.encode(self.seed))
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "whpk_{}", STANDARD.encode(self.0))
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The public half identifies the key without giving it away.
        write!(f, "SigningKey({})", self.public_key())
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

/// A `whpk_` key in a document: a string of its form, so that an operation can return a
/// [`PublicKey`] (or a type holding one) as it is.
///
/// ```
/// use ringback::dispatch::PublicKey;
/// use ringback::Schema;
/// let schema = PublicKey::schema(&mut ringback::openapi::Components::default());
/// assert_eq!(schema.pattern.as_deref(), Some("^whpk_[A-Za-z0-9+/]{43}=$"));
/// ```
impl crate::Schema for PublicKey {
    const SHAPE: &'static crate::Shape = &crate::Shape::String { format: None };

    fn schema(_: &mut crate::openapi::Components) -> crate::openapi::SchemaObject {
        crate::openapi::SchemaObject {
            pattern: Some("^whpk_[A-Za-z0-9+/]{43}=$".to_owned()),
            description: Some(
                "An Ed25519 public key (Standard Webhooks `v1a`): `whpk_` and its 32 bytes in base64."
                    .to_owned(),
            ),
            ..crate::openapi::SchemaObject::string(None)
        }
    }
}

impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_with_the_public_key_only_for_the_exact_message() {
        let key = SigningKey::generate();
        let public = key.public_key();
        let signature = key.sign("msg_1", 10, b"{}");
        let b64 = signature.strip_prefix("v1a,").unwrap();
        assert!(public.verifies("msg_1", 10, b"{}", b64));
        assert!(!public.verifies("msg_1", 11, b"{}", b64));
        assert!(!public.verifies("msg_2", 10, b"{}", b64));
        assert!(!public.verifies("msg_1", 10, b"{ }", b64));
        assert!(!SigningKey::generate()
            .public_key()
            .verifies("msg_1", 10, b"{}", b64));
        assert!(!public.verifies("msg_1", 10, b"{}", "not base64!"));
    }

    #[test]
    fn matches_rfc_8032_test_vector_1() {
        // RFC 8032, section 7.1, TEST 1: the empty message. Checks that the seed is read as
        // the standard expects (Standard Webhooks' `whsk_` is this seed).
        let seed: [u8; 32] =
            hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let key = SigningKey::from_seed(seed);
        assert_eq!(
            key.public_key(),
            PublicKey::from_bytes(hex(
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
            ))
        );
        let signature = key.pair.sign(b"");
        assert_eq!(
            STANDARD.encode(signature),
            STANDARD.encode(hex::<64>(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            ))
        );
    }

    fn hex<const N: usize>(text: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn keys_are_written_with_their_prefixes_and_checked_when_read() {
        let key = SigningKey::from_seed([1; 32]);
        let text = key.to_string();
        assert_eq!(text.parse::<SigningKey>().unwrap().seed, [1; 32]);
        assert!(text.parse::<PublicKey>().is_err());
        let public = key.public_key().to_string();
        assert!(public.parse::<SigningKey>().is_err());
        let short = format!("whpk_{}", STANDARD.encode([1u8; 31]));
        assert_eq!(
            short.parse::<PublicKey>().unwrap_err().to_string(),
            "a `whpk_` key is 32 bytes of base64, not 31"
        );
        assert!(!format!("{key:?}").contains(&text[5..]));
        let json = serde_json::to_string(&key.public_key()).unwrap();
        assert_eq!(json, format!("\"{public}\""));
        assert_eq!(
            serde_json::from_str::<PublicKey>(&json).unwrap(),
            key.public_key()
        );
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(SigningKey::generate().seed, SigningKey::generate().seed);
    }
}
