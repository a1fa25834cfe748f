//! Pausing and resuming a target from the command line, through the dispatcher.

use ringback::dispatch::{Dispatcher, StoreError};

/// What `pause` and `resume` say where the dispatcher cannot pause targets.
pub const NOT_YET: &str = "pausing and resuming targets is not available for this outbox";

/// Pauses the origin of `target` by hand; answers the origin paused.
pub async fn pause(
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
pub async fn resume(dispatcher: &Dispatcher, target: &str) -> Option<Result<bool, StoreError>> {
    Some(dispatcher.resume_target(target).await)
}
