//! Standard Webhooks signatures: `webhook-signature: v1,<base64(HMAC-SHA256(key,
//! "{webhook-id}.{webhook-timestamp}.{body}"))>`, one per secret, separated by spaces.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// A signing secret, written `whsec_<base64 key>` as Standard Webhooks does.
///
/// ```
/// use ringback::dispatch::Secret;
/// let s: Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse().unwrap();
/// assert_eq!(s.to_string(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
/// assert!("MfKQ9r8G".parse::<Secret>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// A secret from raw key bytes.
    pub fn from_bytes(key: impl Into<Vec<u8>>) -> Self {
        Secret(key.into())
    }

    /// A new 24-byte secret from the operating system's cryptographic random generator.
    pub fn generate() -> Self {
        let mut key = vec![0u8; 24];
        random_bytes(&mut key);
        Secret(key)
    }

    /// A 32-byte secret derived from this one for `label` (HMAC-SHA256 of the label under this
    /// secret): one master secret gives each subscriber its own, with nothing more to store.
    /// Knowing a derived secret reveals neither the master nor any other label's secret.
    ///
    /// ```
    /// use ringback::dispatch::Secret;
    /// let master = Secret::generate();
    /// let alice = master.derive("customer alice");
    /// assert_eq!(alice, master.derive("customer alice"));
    /// assert_ne!(alice, master.derive("customer bob"));
    /// ```
    pub fn derive(&self, label: &str) -> Secret {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(label.as_bytes());
        Secret(mac.finalize().into_bytes().to_vec())
    }

    /// The `v1,<base64>` signature of a message.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        format!(
            "v1,{}",
            STANDARD.encode(self.mac(id, timestamp, body).finalize().into_bytes())
        )
    }

    /// Whether `signature` (the base64 part) is this secret's signature of the message,
    /// compared in constant time.
    pub fn verifies(&self, id: &str, timestamp: i64, body: &[u8], signature: &str) -> bool {
        match STANDARD.decode(signature) {
            Ok(bytes) => self.mac(id, timestamp, body).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

/// Why a text is not a signing secret.
///
/// ```
/// use ringback::dispatch::{Secret, SecretError};
/// let e = "whsec_AAAA".parse::<Secret>().unwrap_err();
/// assert!(matches!(e, SecretError::TooShort { bytes: 3 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// It does not start with `whsec_`.
    #[error("a signing secret is written `whsec_<base64 key>`")]
    NoPrefix,
    /// What follows the prefix (`whsec_`, `whsk_`, `whpk_`) is not base64; the decoder's error
    /// is the source.
    #[error("the key after its prefix is not base64")]
    NotBase64(#[source] base64::DecodeError),
    /// The key is shorter than 16 bytes.
    #[error("a signing secret needs at least 16 bytes of key, not {bytes}")]
    TooShort {
        /// How many bytes it has.
        bytes: usize,
    },
    /// An Ed25519 key (`whsk_` or `whpk_`) does not start with its prefix.
    #[error("this key is written `{prefix}<base64 key>`")]
    WrongPrefix {
        /// The prefix it needs.
        prefix: &'static str,
    },
    /// An Ed25519 key is not 32 bytes long.
    #[error("a `{prefix}` key is 32 bytes of base64, not {bytes}")]
    WrongLength {
        /// Its prefix.
        prefix: &'static str,
        /// How many bytes it has.
        bytes: usize,
    },
}

/// Fills `bytes` from the operating system's cryptographic random generator (`getrandom(2)`
/// and its kin, through ring), never from a userspace generator.
pub(super) fn random_bytes(bytes: &mut [u8]) {
    use ring::rand::SecureRandom;
    ring::rand::SystemRandom::new()
        .fill(bytes)
        // Only an operating system without a random source fails here; signing keys must not
        // be made without one.
        .expect("the operating system's random generator is unavailable");
}

/// How an Ed25519 key is written: a prefix, then base64 of exactly 32 bytes.
pub(super) struct KeyText {
    prefix: &'static str,
}

impl KeyText {
    pub(super) const WHSK: KeyText = KeyText { prefix: "whsk_" };
    pub(super) const WHPK: KeyText = KeyText { prefix: "whpk_" };

    pub(super) fn parse_exact(&self, s: &str) -> Result<[u8; 32], SecretError> {
        let prefix = self.prefix;
        let key = s
            .strip_prefix(prefix)
            .ok_or(SecretError::WrongPrefix { prefix })?;
        let bytes = STANDARD.decode(key).map_err(SecretError::NotBase64)?;
        bytes
            .as_slice()
            .try_into()
            .map_err(|_| SecretError::WrongLength {
                prefix,
                bytes: bytes.len(),
            })
    }
}

impl std::str::FromStr for Secret {
    type Err = SecretError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.strip_prefix("whsec_").ok_or(SecretError::NoPrefix)?;
        let bytes = STANDARD.decode(key).map_err(SecretError::NotBase64)?;
        if bytes.len() < 16 {
            return Err(SecretError::TooShort { bytes: bytes.len() });
        }
        Ok(Secret(bytes))
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "whsec_{}", STANDARD.encode(&self.0))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The `webhook-signature` header value for all `secrets` (rotation: the receiver accepts any).
pub fn signature_header(secrets: &[Secret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|s| s.sign(id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn a_secret_is_never_printed_by_debug() {
        let secret: Secret = KEY.parse().unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(..)");
        assert_eq!(format!("{secret:#?}"), "Secret(..)");
        let holder = Some(vec![secret]);
        let printed = format!("{holder:?}");
        assert!(!printed.contains("MfKQ9r8G"), "{printed}");
    }

    #[test]
    fn display_writes_the_whsec_form_that_parses_back() {
        let secret = Secret::from_bytes(*b"0123456789abcdef");
        assert_eq!(secret.to_string(), "whsec_MDEyMzQ1Njc4OWFiY2RlZg==");
        assert_eq!(secret.to_string().parse::<Secret>(), Ok(secret));
        assert_eq!(KEY.parse::<Secret>().unwrap().to_string(), KEY);
    }

    #[test]
    fn parsing_wants_the_prefix_base64_and_sixteen_bytes() {
        let sixteen = STANDARD.encode([7u8; 16]);
        let fifteen = STANDARD.encode([7u8; 15]);
        assert_eq!(
            format!("whsec_{sixteen}").parse::<Secret>(),
            Ok(Secret::from_bytes([7u8; 16]))
        );
        let short = format!("whsec_{fifteen}").parse::<Secret>().unwrap_err();
        assert_eq!(short, SecretError::TooShort { bytes: 15 });
        assert_eq!(
            short.to_string(),
            "a signing secret needs at least 16 bytes of key, not 15"
        );
        let bare = sixteen.parse::<Secret>().unwrap_err();
        assert_eq!(bare, SecretError::NoPrefix);
        assert_eq!(
            bare.to_string(),
            "a signing secret is written `whsec_<base64 key>`"
        );
        let garbled = "whsec_not base64!".parse::<Secret>().unwrap_err();
        assert!(matches!(garbled, SecretError::NotBase64(_)));
        let cause = std::error::Error::source(&garbled).expect("the decoder's error");
        assert!(cause.to_string().contains("Invalid"), "{cause}");
    }

    #[test]
    fn generated_secrets_are_24_random_bytes() {
        let secrets: Vec<Secret> = (0..1000).map(|_| Secret::generate()).collect();
        assert!(secrets.iter().all(|s| s.0.len() == 24));
        let distinct: std::collections::HashSet<&[u8]> =
            secrets.iter().map(|s| s.0.as_slice()).collect();
        assert_eq!(distinct.len(), secrets.len());
        // Every byte value turns up: not a generator stuck on a few values.
        let seen: std::collections::HashSet<u8> =
            secrets.iter().flat_map(|s| s.0.iter().copied()).collect();
        assert_eq!(seen.len(), 256);
        let written = secrets[0].to_string();
        assert_eq!(written.parse::<Secret>().as_ref(), Ok(&secrets[0]));
    }

    #[test]
    fn the_header_signs_once_per_secret_separated_by_spaces() {
        let first: Secret = KEY.parse().unwrap();
        let second = Secret::from_bytes(*b"0123456789abcdef");
        let (id, at, body) = (
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        let header = signature_header(&[first.clone(), second.clone()], id, at, body);
        assert_eq!(
            header,
            format!("{} {}", first.sign(id, at, body), second.sign(id, at, body))
        );
        assert!(header.starts_with("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,"));
        assert_eq!(signature_header(&[], id, at, body), "");
    }

    #[test]
    fn matches_the_standard_webhooks_reference_vector() {
        // From the Standard Webhooks specification's test vectors.
        let secret: Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse().unwrap();
        let signature = secret.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn verification_is_exact() {
        let secret = Secret::generate();
        let sig = secret.sign("msg_1", 10, b"{}");
        let b64 = sig.strip_prefix("v1,").unwrap();
        assert!(secret.verifies("msg_1", 10, b"{}", b64));
        assert!(!secret.verifies("msg_1", 11, b"{}", b64));
        assert!(!secret.verifies("msg_2", 10, b"{}", b64));
        assert!(!secret.verifies("msg_1", 10, b"{ }", b64));
        assert!(!Secret::generate().verifies("msg_1", 10, b"{}", b64));
        assert!(!secret.verifies("msg_1", 10, b"{}", "not base64!"));
    }
}
