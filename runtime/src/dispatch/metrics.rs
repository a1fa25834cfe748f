//! Delivery counters, readable as a snapshot or scraped as Prometheus text.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub(super) struct Counters {
    pub enqueued: AtomicU64,
    pub delivered: AtomicU64,
    pub retried: AtomicU64,
    pub dead: AtomicU64,
    pub in_flight: AtomicU64,
    pub scheduled: AtomicU64,
    pub cancelled: AtomicU64,
    /// Targets paused or probed now, as this dispatcher last saw the store.
    pub paused_targets: AtomicU64,
    /// Times this dispatcher paused a target (again after a failed probe included).
    pub target_pauses: AtomicU64,
    /// Finished deliveries the retention task deleted.
    pub purged: AtomicU64,
    /// Dead letters an operator purged.
    pub dead_purged: AtomicU64,
}

impl Counters {
    pub fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Metrics {
        Metrics {
            enqueued: self.enqueued.load(Ordering::Relaxed),
            delivered: self.delivered.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            dead_lettered: self.dead.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            scheduled: self.scheduled.load(Ordering::Relaxed),
            cancelled: self.cancelled.load(Ordering::Relaxed),
            paused_targets: self.paused_targets.load(Ordering::Relaxed),
            target_pauses: self.target_pauses.load(Ordering::Relaxed),
            purged: self.purged.load(Ordering::Relaxed),
            dead_purged: self.dead_purged.load(Ordering::Relaxed),
        }
    }
}

/// What one dispatcher has done since it started, from
/// [`Dispatcher::metrics`](super::Dispatcher::metrics).
///
/// `#[non_exhaustive]`, as counters will be added: read the fields, or start from
/// [`Metrics::default`] to make one.
///
/// ```
/// let mut m = ringback::dispatch::Metrics::default();
/// m.delivered = 2;
/// m.paused_targets = 1;
/// let text = m.to_prometheus();
/// assert!(text.contains("ringback_callbacks_delivered_total 2"));
/// assert!(text.contains("ringback_callback_targets_paused 1"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Metrics {
    /// Deliveries recorded by `send`, `send_at` and `send_after`.
    pub enqueued: u64,
    /// Deliveries the receiver accepted.
    pub delivered: u64,
    /// Failed attempts that were scheduled again.
    pub retried: u64,
    /// Deliveries moved to the dead letters.
    pub dead_lettered: u64,
    /// Attempts running now.
    pub in_flight: u64,
    /// Of the deliveries enqueued, those recorded for later (`send_at` or `send_after` with a
    /// time still to come).
    pub scheduled: u64,
    /// Pending deliveries cancelled (`Dispatcher::cancel`).
    pub cancelled: u64,
    /// Target origins paused (or being probed) now, in the store this dispatcher shares, as
    /// its worker last read it (each poll interval) or changed it.
    pub paused_targets: u64,
    /// Times this dispatcher paused a target that kept failing (a failed probe's pause
    /// included; pauses by hand are not counted).
    pub target_pauses: u64,
    /// Delivered and cancelled deliveries deleted, with their attempts, by this dispatcher's
    /// retention task ([`RetentionPolicy`](super::RetentionPolicy)).
    pub purged: u64,
    /// Dead letters deleted by [`Dispatcher::purge_dead`](super::Dispatcher::purge_dead).
    pub dead_purged: u64,
}

impl Metrics {
    /// The counters in the Prometheus text exposition format.
    pub fn to_prometheus(&self) -> String {
        let mut out = String::new();
        for (name, help, kind, value) in [
            (
                "ringback_callbacks_enqueued_total",
                "Callback deliveries recorded.",
                "counter",
                self.enqueued,
            ),
            (
                "ringback_callbacks_delivered_total",
                "Callback deliveries accepted by the receiver.",
                "counter",
                self.delivered,
            ),
            (
                "ringback_callbacks_retried_total",
                "Failed callback attempts scheduled again.",
                "counter",
                self.retried,
            ),
            (
                "ringback_callbacks_dead_lettered_total",
                "Callback deliveries dead-lettered.",
                "counter",
                self.dead_lettered,
            ),
            (
                "ringback_callbacks_scheduled_total",
                "Callback deliveries recorded to be first attempted later.",
                "counter",
                self.scheduled,
            ),
            (
                "ringback_callbacks_cancelled_total",
                "Pending callback deliveries cancelled.",
                "counter",
                self.cancelled,
            ),
            (
                "ringback_callbacks_purged_total",
                "Finished callback deliveries deleted by the retention policy.",
                "counter",
                self.purged,
            ),
            (
                "ringback_callbacks_dead_purged_total",
                "Dead-lettered callback deliveries purged by an operator.",
                "counter",
                self.dead_purged,
            ),
            (
                "ringback_callbacks_in_flight",
                "Callback attempts running now.",
                "gauge",
                self.in_flight,
            ),
            (
                "ringback_callback_targets_paused",
                "Callback target origins paused or being probed now.",
                "gauge",
                self.paused_targets,
            ),
            (
                "ringback_callback_target_pauses_total",
                "Times a failing callback target was paused.",
                "counter",
                self.target_pauses,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            ));
        }
        out
    }
}
