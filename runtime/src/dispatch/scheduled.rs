//! Sending later: a delivery recorded now, durably, whose first attempt is due at a time the
//! application chooses, and cancelling one before it goes.
//!
//! A scheduled delivery is an ordinary pending delivery whose first attempt is due later, so
//! every store keeps it as it keeps a retry that waits: it survives restarts, and a claim takes
//! it once it falls due. Nothing is held in memory meanwhile.

use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::store::{DeliveryState, StoreError};
use super::{metrics, Dispatcher, SendError};
use crate::{Callback, Schema};

/// Why [`Dispatcher::cancel`] did not cancel a delivery.
///
/// `#[non_exhaustive]`: match with a `_` arm.
///
/// ```
/// use ringback::dispatch::{CancelError, DeliveryState};
/// let e = CancelError::NotPending { id: "msg_1".into(), state: DeliveryState::Delivered };
/// assert_eq!(e.to_string(), "delivery msg_1 cannot be cancelled: it was delivered");
/// assert_eq!(e.state(), Some(DeliveryState::Delivered));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CancelError {
    /// The store has no delivery with this id.
    #[error("no delivery {0} to cancel")]
    NotFound(String),
    /// The delivery is not pending: it is being attempted, or has reached its end.
    #[error("delivery {id} cannot be cancelled: {}", why_not(*.state))]
    NotPending {
        /// The delivery's id.
        id: String,
        /// The state it is in.
        state: DeliveryState,
    },
    /// The store failed; nothing was changed.
    #[error(transparent)]
    Store(StoreError),
}

impl CancelError {
    /// The state of a delivery that could not be cancelled, when it exists.
    ///
    /// ```
    /// use ringback::dispatch::CancelError;
    /// assert_eq!(CancelError::NotFound("msg_1".into()).state(), None);
    /// ```
    pub fn state(&self) -> Option<DeliveryState> {
        match self {
            CancelError::NotPending { state, .. } => Some(*state),
            CancelError::NotFound(_) | CancelError::Store(_) => None,
        }
    }
}

fn why_not(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::InFlight => {
            "it is being attempted now (the receiver may already have it); its outcome decides \
             what happens next"
        }
        DeliveryState::Delivered => "it was delivered",
        DeliveryState::Dead => "it is dead-lettered, and is attempted again only if replayed",
        DeliveryState::Cancelled => "it was already cancelled",
        DeliveryState::Pending => "it is pending",
    }
}

impl Dispatcher {
    /// Records a delivery of `payload` to `callback` whose first attempt is due at `when`, and
    /// returns its id once the store has it durably, as [`send`](Self::send) does. It survives
    /// restarts in every durable store; until it falls due it can be
    /// [`cancel`](Self::cancel)led. A time that has passed sends at once. The target is
    /// checked now, as `send` checks it, and names are resolved at delivery.
    ///
    /// Retries, if the attempt fails, follow the schedule from the attempt, not from `when`.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::{Duration, SystemTime};
    /// use ringback::dispatch::{Dispatcher, DispatcherConfig, Secret};
    /// use ringback::Callback;
    ///
    /// #[derive(serde::Serialize, ringback::Schema)]
    /// struct Reminder { invoice: u64 }
    ///
    /// let dispatcher = Dispatcher::sqlite("outbox.db", DispatcherConfig::new(Secret::generate()))?;
    /// let callback: Callback<Reminder> = Callback::new("invoiceDue", "https://client.example/hooks");
    /// let tomorrow = SystemTime::now() + Duration::from_secs(24 * 3600);
    /// let id = dispatcher.send_at(tomorrow, &callback, &Reminder { invoice: 7 }).await?;
    /// # let _ = id; Ok(()) }
    /// ```
    pub async fn send_at<T: Schema + Serialize>(
        &self,
        when: SystemTime,
        callback: &Callback<T>,
        payload: &T,
    ) -> Result<String, SendError> {
        self.record(callback, payload, Some(when)).await
    }

    /// Records a delivery whose first attempt is due `delay` from now: [`send_at`](Self::send_at)
    /// with `now + delay`.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ringback::dispatch::{Dispatcher, DispatcherConfig, Secret};
    /// use ringback::Callback;
    ///
    /// #[derive(serde::Serialize, ringback::Schema)]
    /// struct Ready { order_id: u64 }
    ///
    /// let dispatcher = Dispatcher::sqlite("outbox.db", DispatcherConfig::new(Secret::generate()))?;
    /// let callback: Callback<Ready> = Callback::new("orderReady", "https://client.example/hooks");
    /// let id = dispatcher
    ///     .send_after(Duration::from_secs(600), &callback, &Ready { order_id: 1 })
    ///     .await?;
    /// # let _ = id; Ok(()) }
    /// ```
    pub async fn send_after<T: Schema + Serialize>(
        &self,
        delay: Duration,
        callback: &Callback<T>,
        payload: &T,
    ) -> Result<String, SendError> {
        let when = SystemTime::now()
            .checked_add(delay)
            .unwrap_or_else(far_future);
        self.send_at(when, callback, payload).await
    }

    /// Cancels a pending delivery: one scheduled for later, or waiting for a retry. It is
    /// kept, in the state [`Cancelled`](DeliveryState::Cancelled), and never attempted again.
    /// The cancel is durable when this returns.
    ///
    /// Fails with [`CancelError::NotPending`] when the delivery is being attempted (it may
    /// already have reached the receiver), was delivered, is dead-lettered or was cancelled
    /// already, and with [`CancelError::NotFound`] when there is no such delivery.
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: ringback::dispatch::Dispatcher, id: String) {
    /// use ringback::dispatch::{CancelError, DeliveryState};
    /// match dispatcher.cancel(&id).await {
    ///     Ok(()) => println!("{id} will not be sent"),
    ///     Err(CancelError::NotPending { state: DeliveryState::Delivered, .. }) => {
    ///         println!("too late: {id} was delivered")
    ///     }
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// # }
    /// ```
    pub async fn cancel(&self, id: &str) -> Result<(), CancelError> {
        match self.inner.store.cancel(id).await {
            Ok(Some(DeliveryState::Pending)) => {
                metrics::Counters::add(&self.inner.counters.cancelled);
                tracing::info!(id, "delivery cancelled");
                Ok(())
            }
            Ok(Some(state)) => Err(CancelError::NotPending {
                id: id.to_owned(),
                state,
            }),
            Ok(None) => Err(CancelError::NotFound(id.to_owned())),
            Err(e) => Err(CancelError::Store(e)),
        }
    }
}

/// A time no delay reaches, for a delay past what `SystemTime` can hold: about 292 million
/// years, which the stores keep as their largest time.
fn far_future() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(i64::MAX as u64)
}
