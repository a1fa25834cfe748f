//! Pausing and resuming a target from the command line, once the dispatcher can: each
//! function answers `None` until then, and is one line after (its comment says which).

use ringback::dispatch::{Dispatcher, StoreError};

/// What `pause` and `resume` say until the dispatcher can pause targets.
pub const NOT_YET: &str = "pausing and resuming targets is not available in this build yet \
                           (it arrives with Dispatcher::pause_target and resume_target)";

/// Wired: `Some(dispatcher.pause_target(target, reason).await.map(|t| t.origin))`.
pub async fn pause(
    dispatcher: &Dispatcher,
    target: &str,
    reason: &str,
) -> Option<Result<String, StoreError>> {
    let _ = (dispatcher, target, reason);
    None
}

/// Wired: `Some(dispatcher.resume_target(target).await)`.
pub async fn resume(dispatcher: &Dispatcher, target: &str) -> Option<Result<bool, StoreError>> {
    let _ = (dispatcher, target);
    None
}
