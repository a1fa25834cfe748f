//! The worker's side of pausing: it counts failures into the store, pauses a target when the
//! policy says so, takes the probes that fall due, and settles them. It keeps a copy of the
//! store's target state, refreshed each poll interval, to know without a round trip whether a
//! success ends a streak, whether a claim that waited for its host is now paused, and how many
//! targets are paused (the metric).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Instant, SystemTime};

use super::{origin, Health, TargetState, TargetStatus};
use crate::dispatch::store::{Delivery, DeliveryFilter, DeliveryState};
use crate::dispatch::Inner;

#[derive(Default)]
pub(in crate::dispatch) struct Tracker {
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    targets: HashMap<String, TargetState>,
    refreshed: Option<Instant>,
    /// The delivery each probing origin is being probed with, by this worker.
    probes: HashMap<String, String>,
}

impl Tracker {
    fn with<T>(&self, f: impl FnOnce(&mut Seen) -> T) -> T {
        f(&mut self.seen.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Records what the store said of one target (`None`: it has no state), and the gauge.
    pub(in crate::dispatch) fn note(
        &self,
        inner: &Inner,
        origin: &str,
        state: Option<TargetState>,
    ) {
        let held = self.with(|s| {
            match state {
                Some(t) => s.targets.insert(origin.to_owned(), t),
                None => s.targets.remove(origin),
            };
            s.held()
        });
        inner.counters.paused_targets.store(held, Ordering::Relaxed);
    }

    /// Reads the store's target state again, if the copy is older than a poll interval.
    async fn refresh(&self, inner: &Inner) {
        let stale = self.with(|s| {
            s.refreshed
                .is_none_or(|at| at.elapsed() >= inner.config.poll_interval)
        });
        if !stale {
            return;
        }
        match inner.store.targets().await {
            Ok(targets) => {
                let held = self.with(|s| {
                    s.targets = targets.into_iter().map(|t| (t.origin.clone(), t)).collect();
                    s.refreshed = Some(Instant::now());
                    s.held()
                });
                inner.counters.paused_targets.store(held, Ordering::Relaxed);
            }
            Err(e) => tracing::warn!(error = %format_args!("{e:#}"), "reading target state failed"),
        }
    }

    /// Whether a delivery to `url` is held back now (its origin paused or probed), as far as
    /// this worker knows.
    pub(in crate::dispatch) fn holds(&self, url: &str) -> bool {
        self.with(|s| s.targets.get(origin(url)).is_some_and(|t| t.status.holds()))
    }

    /// The deliveries to attempt as probes now: one per paused target whose cool-down ended
    /// and whose probe this worker took.
    pub(in crate::dispatch) async fn due_probes(&self, inner: &Inner) -> Vec<Delivery> {
        self.refresh(inner).await;
        let now = SystemTime::now();
        let due: Vec<TargetState> = self.with(|s| {
            s.targets
                .values()
                // A probe of this worker's still under way keeps its hold; one whose hold ran
                // out (or that a shutdown cut short) is replaced.
                .filter(|t| t.status.holds() && !t.paused_by_hand() && t.until <= now)
                .cloned()
                .collect()
        });
        let mut probes = Vec::new();
        for target in due {
            let hold = now + inner.config.lease;
            match inner.store.start_probe(&target.origin, now, hold).await {
                Ok(true) => {}
                // Another instance probes it, or it changed: the next refresh says.
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(error = %format_args!("{e:#}"), origin = %target.origin, "starting a probe failed");
                    continue;
                }
            }
            let probing = TargetState {
                status: TargetStatus::Probing,
                until: hold,
                ..target.clone()
            };
            self.note(inner, &target.origin, Some(probing));
            match oldest_waiting(inner, &target.origin).await {
                Some(delivery) => {
                    tracing::info!(origin = %target.origin, last_error = target.last_error.as_deref().unwrap_or(""), id = %delivery.id, "callback target probing");
                    self.with(|s| s.probes.insert(target.origin.clone(), delivery.id.clone()));
                    probes.push(delivery);
                }
                None => {
                    // Nothing waits for it: it rests another cool-down, and a delivery sent
                    // meanwhile is the next probe.
                    let rest = TargetState {
                        status: TargetStatus::Paused,
                        until: now + cool_down(inner),
                        ..target
                    };
                    self.store_state(inner, rest).await;
                }
            }
        }
        probes
    }

    /// What `delivery`'s attempt said of its target: counts a failure (pausing the target when
    /// the policy says so), ends a streak on success, and settles a probe.
    pub(in crate::dispatch) async fn observe(
        &self,
        inner: &Inner,
        delivery: &Delivery,
        health: Health,
    ) {
        let origin = origin(&delivery.url);
        let probe = self.with(|s| {
            let probe = s.probes.get(origin) == Some(&delivery.id);
            if probe {
                s.probes.remove(origin);
            }
            probe
        });
        let now = SystemTime::now();
        match (probe, health) {
            (true, Health::Failing(error)) => {
                let Some(counted) = self.count_failure(inner, origin, now, &error).await else {
                    return;
                };
                let again = TargetState {
                    status: TargetStatus::Paused,
                    until: now + cool_down(inner),
                    ..counted
                };
                tracing::warn!(origin, last_error = %error, failures = again.failures, "callback target paused again: its probe failed");
                inner.counters.target_pauses.fetch_add(1, Ordering::Relaxed);
                self.store_state(inner, again).await;
            }
            (true, Health::Well | Health::Silent) => {
                // The receiver answered as a live one does: everything waiting for it is due.
                // The last error is read first: a refresh may drop the target once cleared.
                let last_error =
                    self.with(|s| s.targets.get(origin).and_then(|t| t.last_error.clone()));
                match inner
                    .store
                    .clear_target(origin, Some(TargetStatus::Probing))
                    .await
                {
                    Ok(true) => {
                        tracing::info!(
                            origin,
                            last_error = last_error.as_deref().unwrap_or(""),
                            "callback target resumed: its probe succeeded"
                        );
                        self.note(inner, origin, None);
                        inner.wake.notify_one();
                    }
                    // Resumed or paused by hand meanwhile: the next refresh says which.
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(error = %format_args!("{e:#}"), origin, "resuming a target failed; its probe will be made again")
                    }
                }
            }
            (false, Health::Failing(error)) => {
                let Some(policy) = inner.config.pause else {
                    return;
                };
                let Some(counted) = self.count_failure(inner, origin, now, &error).await else {
                    return;
                };
                if policy.pauses(&counted, now) {
                    let paused = counted.paused(now, now + policy.cool_down);
                    tracing::warn!(origin, last_error = %error, failures = paused.failures, "callback target paused: it keeps failing");
                    inner.counters.target_pauses.fetch_add(1, Ordering::Relaxed);
                    self.store_state(inner, paused).await;
                }
            }
            (false, Health::Well) => {
                let failing = self.with(|s| {
                    s.targets
                        .get(origin)
                        .is_some_and(|t| t.status == TargetStatus::Failing)
                });
                if failing {
                    match inner
                        .store
                        .clear_target(origin, Some(TargetStatus::Failing))
                        .await
                    {
                        Ok(_) => self.note(inner, origin, None),
                        Err(e) => {
                            tracing::warn!(error = %format_args!("{e:#}"), origin, "ending a failure streak failed")
                        }
                    }
                }
            }
            (false, Health::Silent) => {}
        }
    }

    async fn count_failure(
        &self,
        inner: &Inner,
        origin: &str,
        now: SystemTime,
        error: &str,
    ) -> Option<TargetState> {
        match inner.store.target_failed(origin, now, error).await {
            Ok(counted) => {
                self.note(inner, origin, Some(counted.clone()));
                Some(counted)
            }
            Err(e) => {
                tracing::warn!(error = %format_args!("{e:#}"), origin, "counting a failed target failed");
                None
            }
        }
    }

    async fn store_state(&self, inner: &Inner, target: TargetState) {
        let origin = target.origin.clone();
        match inner.store.set_target(target.clone()).await {
            Ok(()) => self.note(inner, &origin, Some(target)),
            Err(e) => {
                tracing::warn!(error = %format_args!("{e:#}"), %origin, "recording target state failed")
            }
        }
    }
}

impl Seen {
    fn held(&self) -> u64 {
        self.targets.values().filter(|t| t.status.holds()).count() as u64
    }
}

/// How long a paused target rests: the policy's, or the default's when pausing is off here
/// (another instance paused it).
fn cool_down(inner: &Inner) -> std::time::Duration {
    inner.config.pause.unwrap_or_default().cool_down
}

/// The oldest delivery waiting for `origin` that is due, to probe it with (one due later, a
/// retry or a send scheduled for later, is not sent early).
async fn oldest_waiting(inner: &Inner, origin_: &str) -> Option<Delivery> {
    let now = SystemTime::now();
    // The filter matches by prefix: `origin/` first, so that port 80 does not find 8080's,
    // then the bare origin for URLs with no path.
    for prefix in [format!("{origin_}/"), origin_.to_owned()] {
        let filter = DeliveryFilter::state(DeliveryState::Pending).target(prefix);
        match inner.store.find(filter, 64).await {
            Ok(found) => {
                let due = |d: &Delivery| origin(&d.url) == origin_ && d.next_attempt_at <= now;
                if let Some(d) = found.into_iter().find(due) {
                    return Some(d);
                }
            }
            Err(e) => {
                tracing::warn!(error = %format_args!("{e:#}"), origin = origin_, "finding a delivery to probe with failed");
                return None;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::dispatch::PausePolicy;

    #[test]
    fn a_burst_of_failures_does_not_pause_before_the_span() {
        let start = SystemTime::now();
        let policy = PausePolicy::new(5, Duration::from_secs(600), Duration::from_secs(600));
        let mut t = TargetState::failing("https://c.test", start, "answered 500");
        t.failures = 50;
        assert!(!policy.pauses(&t, start + Duration::from_secs(1)));
        t.failures = 4;
        assert!(!policy.pauses(&t, start + Duration::from_secs(3600)));
        t.failures = 5;
        assert!(policy.pauses(&t, start + Duration::from_secs(600)));
        let paused = t.paused(start, start);
        assert!(
            !policy.pauses(&paused, start + Duration::from_secs(3600)),
            "paused already"
        );
    }
}
