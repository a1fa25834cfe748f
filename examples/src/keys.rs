//! How the order service signs: each customer's callbacks with that customer's own secret
//! (`v1`), so no customer can forge a callback to another, and all of them also with the
//! service's Ed25519 key (`v1a`), whose public key anyone may fetch.
//!
//! A customer's secret is derived from the service's master secret and the customer's id, so
//! nothing per customer is stored and every instance of the service agrees. Rotating the
//! master (`--previous-secret`) gives every customer a new secret while the old one still
//! signs: both verify until the old master is dropped.

use ringback::dispatch::{KeyError, KeyFuture, KeyStore, Secret, SigningKey, SigningKeys};
use uuid::Uuid;

use crate::service::DEMO_CUSTOMER;

/// The master secret the examples use when none is given. It is public: never use it for
/// anything but the demo.
pub const DEMO_SECRET: &str = "whsec_BwgJCgsMDQ4PEBESExQVFhcYGRobHB0e";

/// The Ed25519 key the examples sign with when none is given. Public: demo only.
pub const DEMO_SIGNING_KEY: &str = "whsk_ERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzA=";

/// The order service's keys: a master secret (and, during a rotation, the previous one) from
/// which each customer's secret comes, and the service's Ed25519 key.
#[derive(Clone, Debug)]
pub struct CustomerKeys {
    master: Secret,
    previous: Option<Secret>,
    signing_key: SigningKey,
}

impl CustomerKeys {
    /// Keys derived from `master`, every delivery also signed with `signing_key`.
    pub fn new(master: Secret, signing_key: SigningKey) -> Self {
        CustomerKeys {
            master,
            previous: None,
            signing_key,
        }
    }

    /// The demo's keys: [`DEMO_SECRET`] and [`DEMO_SIGNING_KEY`].
    pub fn demo() -> Self {
        Self::new(
            DEMO_SECRET.parse().expect("the demo secret parses"),
            DEMO_SIGNING_KEY
                .parse()
                .expect("the demo signing key parses"),
        )
    }

    /// During a rotation: secrets derived from `previous` also sign.
    pub fn previous(mut self, previous: Secret) -> Self {
        self.previous = Some(previous);
        self
    }

    /// `customer`'s current secret: what `GET /v1/customers/{customerId}/webhook-secret`
    /// hands that customer.
    pub fn secret_of(&self, customer: Uuid) -> Secret {
        self.master.derive(&label(customer))
    }

    /// The service's Ed25519 key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// The key id a customer's deliveries are sent with.
    pub fn key_id(customer: Uuid) -> String {
        customer.to_string()
    }

    fn keys_of(&self, customer: Uuid) -> SigningKeys {
        let mut keys = SigningKeys::from(self.secret_of(customer));
        if let Some(previous) = &self.previous {
            keys = keys.secret(previous.derive(&label(customer)));
        }
        keys.signing_key(self.signing_key.clone())
    }
}

fn label(customer: Uuid) -> String {
    format!("beer-orders customer {customer}")
}

impl KeyStore for CustomerKeys {
    fn keys<'a>(&'a self, key_id: &'a str) -> KeyFuture<'a> {
        let answer = key_id
            .parse::<Uuid>()
            .map(|customer| self.keys_of(customer))
            .map_err(|_| KeyError::unknown(key_id));
        Box::pin(std::future::ready(answer))
    }
}

/// The demo customer's secret under the demo keys: what its receiver verifies with.
pub fn demo_customer_secret() -> Secret {
    CustomerKeys::demo().secret_of(DEMO_CUSTOMER)
}
