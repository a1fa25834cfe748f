//! What the console offers once the dispatcher can do it: list the deliveries scheduled for
//! later and cancel one, and pause or resume a target. The pages, forms, routes and log
//! events for these are in place; each function here answers `None` ("not available in this
//! build") until the dispatcher's methods exist, and is then one line (each comment says
//! which).

use std::time::SystemTime;

use crate::dispatch::{Delivery, DeliveryFilter, Dispatcher, StoreError};

/// The filter for deliveries scheduled for later, not due yet.
/// Wired: `Some(DeliveryFilter::scheduled())`.
pub(super) fn scheduled() -> Option<DeliveryFilter> {
    None
}

/// Whether `d` can be cancelled (scheduled for later, or pending a retry).
/// Wired: `d.state == DeliveryState::Pending`.
pub(super) fn cancellable(d: &Delivery) -> bool {
    let _ = d;
    false
}

/// Cancels a pending delivery: `Ok(true)` when cancelled, `Ok(false)` when it was not
/// pending. Wired: `Some(match dispatcher.cancel(id).await { Ok(_) => Ok(true),
/// Err(CancelError::Store(e)) => Err(e), Err(_) => Ok(false) })`.
pub(super) async fn cancel(dispatcher: &Dispatcher, id: &str) -> Option<Result<bool, StoreError>> {
    let _ = (dispatcher, id);
    None
}

/// A target that is paused, or being probed.
pub(super) struct Paused {
    /// Its origin, `scheme://host[:port]`.
    pub(super) origin: String,
    /// `paused`, `probing`, ...
    pub(super) status: String,
    pub(super) since: SystemTime,
    pub(super) reason: Option<String>,
    pub(super) last_error: Option<String>,
}

/// The targets paused or being probed now. Wired: `Some(dispatcher.paused_targets().await
/// .map(|ts| ts.into_iter().map(|t| Paused { origin: t.origin, status:
/// format!("{:?}", t.status).to_lowercase(), since: t.since, reason: t.reason, last_error:
/// t.last_error }).collect()))`.
pub(super) async fn paused_targets(
    dispatcher: &Dispatcher,
) -> Option<Result<Vec<Paused>, StoreError>> {
    let _ = dispatcher;
    None
}

/// Pauses the origin of `target` by hand; answers the origin paused.
/// Wired: `Some(dispatcher.pause_target(target, reason).await.map(|t| t.origin))`.
pub(super) async fn pause(
    dispatcher: &Dispatcher,
    target: &str,
    reason: &str,
) -> Option<Result<String, StoreError>> {
    let _ = (dispatcher, target, reason);
    None
}

/// Resumes the origin of `target`: `Ok(false)` when it had no state.
/// Wired: `Some(dispatcher.resume_target(target).await)`.
pub(super) async fn resume(
    dispatcher: &Dispatcher,
    target: &str,
) -> Option<Result<bool, StoreError>> {
    let _ = (dispatcher, target);
    None
}
