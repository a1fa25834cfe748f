//! The client's side of the order service: an endpoint that receives `orderStatusChange`
//! callbacks, verified with the receiving-side helper.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::post;
use axum::Router;
use ringback::receiver::{Verifier, Webhook};
use tokio::sync::mpsc;

use crate::model::OrderStatusChange;

/// A callback as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// The `webhook-id`.
    pub id: String,
    /// The payload.
    pub change: OrderStatusChange,
}

#[derive(Clone)]
struct Receiver {
    verifier: Arc<Verifier>,
    arrivals: mpsc::UnboundedSender<Received>,
}

impl axum::extract::FromRef<Receiver> for Arc<Verifier> {
    fn from_ref(r: &Receiver) -> Self {
        r.verifier.clone()
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    hook: Webhook<OrderStatusChange>,
) -> &'static str {
    let _ = receiver.arrivals.send(Received {
        id: hook.id,
        change: hook.payload,
    });
    "Okay"
}

/// A router that accepts verified callbacks at `POST /hooks/orders` and passes each to
/// `arrivals`; anything unsigned, tampered, stale or replayed is refused before that.
pub fn router(verifier: Verifier, arrivals: mpsc::UnboundedSender<Received>) -> Router {
    Router::new()
        .route("/hooks/orders", post(receive))
        .with_state(Receiver {
            verifier: Arc::new(verifier),
            arrivals,
        })
}
