//! What the console offers from the dispatcher's scheduling and pausing: the deliveries
//! scheduled for later and their cancelling, and the targets paused by a run of failures or
//! by hand. Each function answers `Some`: `None` is kept in the signatures so that a store
//! or build without these can still say "not available" through the same pages.

use std::time::SystemTime;

use crate::dispatch::{
    CancelError, Delivery, DeliveryFilter, DeliveryState, Dispatcher, StoreError,
};

/// The filter for deliveries scheduled for later, not due yet.
pub(super) fn scheduled() -> Option<DeliveryFilter> {
    Some(DeliveryFilter::scheduled())
}

/// Whether `d` can be cancelled (scheduled for later, or pending a retry).
pub(super) fn cancellable(d: &Delivery) -> bool {
    d.state == DeliveryState::Pending
}

/// Cancels a pending delivery: `Ok(true)` when cancelled, `Ok(false)` when it was not
/// pending (or is gone).
pub(super) async fn cancel(dispatcher: &Dispatcher, id: &str) -> Option<Result<bool, StoreError>> {
    Some(match dispatcher.cancel(id).await {
        Ok(()) => Ok(true),
        Err(CancelError::Store(e)) => Err(e),
        Err(_) => Ok(false),
    })
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

/// The targets paused or being probed now.
pub(super) async fn paused_targets(
    dispatcher: &Dispatcher,
) -> Option<Result<Vec<Paused>, StoreError>> {
    Some(dispatcher.paused_targets().await.map(|targets| {
        targets
            .into_iter()
            .map(|t| Paused {
                origin: t.origin,
                status: t.status.as_str().to_owned(),
                since: t.since,
                reason: t.reason,
                last_error: t.last_error,
            })
            .collect()
    }))
}

/// Pauses the origin of `target` by hand; answers the origin paused.
pub(super) async fn pause(
    dispatcher: &Dispatcher,
    target: &str,
    reason: &str,
) -> Option<Result<String, StoreError>> {
    Some(
        dispatcher
            .pause_target(target, reason)
            .await
            .map(|t| t.origin),
    )
}

/// Resumes the origin of `target`: `Ok(false)` when it had no state.
pub(super) async fn resume(
    dispatcher: &Dispatcher,
    target: &str,
) -> Option<Result<bool, StoreError>> {
    Some(dispatcher.resume_target(target).await)
}
