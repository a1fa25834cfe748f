//! The operations through which the order service's clients get the keys that sign their
//! callbacks: each customer its own secret, behind its token, and anyone the service's public
//! key. Apart from `service`, so that the order service of the compile-time benchmark stays
//! the two operations its plain-axum and poem-openapi counterparts have.

use ringback::auth::{Auth, Secrets};
use ringback::{Api, ApiError, Path, Schema, State};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::service::{api_with_tokens, Shop, DEMO_CUSTOMER, DEMO_TOKEN};

/// A customer's webhook signing secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSecret {
    pub customer_id: Uuid,
    /// `whsec_` and the base64 key: verify `v1` signatures with it.
    pub secret: String,
}

/// The public key of the service's Ed25519 signatures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Schema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPublicKey {
    /// The `webhook-signature` scheme it verifies: `v1a`.
    pub scheme: String,
    /// `whpk_` and the base64 key.
    pub public_key: ringback::dispatch::PublicKey,
}

/// Get Webhook Secret
///
/// The secret the service signs this customer's callbacks with (`v1`, HMAC-SHA256, Standard
/// Webhooks): the customer's receiver verifies with it. No other customer's callbacks are
/// signed with it.
#[ringback::get(
    "/v1/customers/{customerId}/webhook-secret",
    tag = "Webhooks",
    responses(200 = "The customer's signing secret", 404 = "Not Found")
)]
pub async fn get_webhook_secret(
    shop: State<Shop>,
    caller: Auth<Uuid>,
    customer_id: Path<Uuid>,
) -> Result<WebhookSecret, ApiError> {
    let Path(customer_id) = customer_id;
    if caller.0 != customer_id || !shop.knows(customer_id) {
        return Err(ApiError::not_found(format!("no customer {customer_id}")));
    }
    let keys = shop.customer_keys().ok_or_else(|| {
        ApiError::not_found("this service does not sign callbacks with a key per customer")
    })?;
    Ok(WebhookSecret {
        customer_id,
        secret: keys.secret_of(customer_id).to_string(),
    })
}

/// Get Webhook Public Key
///
/// The Ed25519 public key every callback is also signed with (`v1a`, Standard Webhooks): a
/// receiver that verifies with it needs no secret at all.
#[ringback::get(
    "/v1/webhooks/public-key",
    tag = "Webhooks",
    public,
    responses(200 = "The service's public key", 404 = "Not Found")
)]
pub async fn get_webhook_public_key(shop: State<Shop>) -> Result<WebhookPublicKey, ApiError> {
    let keys = shop
        .customer_keys()
        .ok_or_else(|| ApiError::not_found("this service does not sign callbacks with Ed25519"))?;
    Ok(WebhookPublicKey {
        scheme: "v1a".to_owned(),
        public_key: keys.signing_key().public_key(),
    })
}

/// The order service's API with its key operations, knowing the demo customer's token only.
pub fn api() -> Api<Shop> {
    api_with_tokens_and_keys(Secrets::new().with(DEMO_TOKEN, DEMO_CUSTOMER))
}

/// The order service's API with its key operations, with each customer's bearer token.
pub fn api_with_tokens_and_keys(tokens: Secrets<Uuid>) -> Api<Shop> {
    api_with_tokens(tokens)
        .tag("Webhooks", "The keys that sign the service's callbacks")
        .operation(get_webhook_secret)
        .operation(get_webhook_public_key)
}
