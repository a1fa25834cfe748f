//! The states the console lists and filters by, and what people call them.

use crate::dispatch::DeliveryState;

/// The states in the order the console shows them.
pub(super) const STATES: &[DeliveryState] = &[
    DeliveryState::Pending,
    DeliveryState::InFlight,
    DeliveryState::Delivered,
    DeliveryState::Dead,
    DeliveryState::Cancelled,
];

/// A state's name for people. The match has no `_` arm on purpose: a new state stops the
/// build here, to be named and added to [`STATES`].
pub(super) fn label(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Pending => "pending",
        DeliveryState::InFlight => "in flight",
        DeliveryState::Delivered => "delivered",
        DeliveryState::Dead => "dead",
        DeliveryState::Cancelled => "cancelled",
    }
}
