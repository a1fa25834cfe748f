//! Deliveries in memory, for tests and benchmarks: the store's contract without a disk.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::SystemTime;

use super::{
    Attempt, Claim, Delivery, DeliveryFilter, DeliveryState, DeliveryStore, Outcome, StoreError,
    StoreFuture, TargetState, TargetStatus,
};
use crate::dispatch::pause::origin;

/// Deliveries in memory. **Not durable**: everything is lost when the process ends. For tests
/// and benchmarks only.
///
/// ```
/// let store = ringback::dispatch::MemoryStore::default();
/// # let _ = store;
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    deliveries: HashMap<String, Entry>,
    attempts: HashMap<String, Vec<Attempt>>,
    /// Pending deliveries by when they are due, and in-flight ones by when their lease ends:
    /// a claim reads the front of each instead of every delivery ever sent.
    pending: BTreeSet<(SystemTime, u64, String)>,
    leased: BTreeSet<(SystemTime, u64, String)>,
    sequence: u64,
    /// Target state by origin.
    targets: BTreeMap<String, TargetState>,
}

#[derive(Debug)]
struct Entry {
    delivery: Delivery,
    lease_until: SystemTime,
    /// When it was delivered, dead-lettered or cancelled; `None` while it may be attempted.
    finished_at: Option<SystemTime>,
    /// Order of arrival, to keep deliveries due at the same time in the order they were sent.
    sequence: u64,
}

impl Entry {
    /// Where the entry is indexed: its due time when pending, its lease's end when in flight.
    fn key(&self) -> Option<(bool, (SystemTime, u64, String))> {
        let id = self.delivery.id.clone();
        match self.delivery.state {
            DeliveryState::Pending => {
                Some((true, (self.delivery.next_attempt_at, self.sequence, id)))
            }
            DeliveryState::InFlight => Some((false, (self.lease_until, self.sequence, id))),
            DeliveryState::Delivered | DeliveryState::Dead | DeliveryState::Cancelled => None,
        }
    }
}

impl Memory {
    /// Changes a delivery and keeps the indexes in step; `false` when there is no such id.
    fn update(&mut self, id: &str, change: impl FnOnce(&mut Entry)) -> bool {
        let Some(entry) = self.deliveries.get_mut(id) else {
            return false;
        };
        let before = entry.key();
        change(entry);
        let after = entry.key();
        if before != after {
            if let Some((pending, key)) = before {
                self.index(pending).remove(&key);
            }
            if let Some((pending, key)) = after {
                self.index(pending).insert(key);
            }
        }
        true
    }

    /// Deletes finished deliveries (in no index) and their attempts; answers how many went.
    fn remove(&mut self, ids: impl IntoIterator<Item = String>) -> u64 {
        let mut removed = 0;
        for id in ids {
            if self.deliveries.remove(&id).is_some() {
                removed += 1;
            }
            self.attempts.remove(&id);
        }
        removed
    }

    fn index(&mut self, pending: bool) -> &mut BTreeSet<(SystemTime, u64, String)> {
        if pending {
            &mut self.pending
        } else {
            &mut self.leased
        }
    }

    /// The ids of up to `limit` deliveries that can be claimed at `now`: expired leases
    /// first, then pending ones in the order they fall due.
    fn claimable(&self, now: SystemTime, limit: usize, skip: &[String]) -> Vec<String> {
        let expired = self.leased.iter().take_while(|(until, ..)| *until <= now);
        let due = self.pending.iter().take_while(|(at, ..)| *at <= now);
        // Deliveries to a paused or probed origin stay where they are, as the SQL stores'
        // claims leave them.
        let held = |id: &String| {
            self.deliveries.get(id).is_some_and(|e| {
                let origin = origin(&e.delivery.url);
                skip.iter().any(|o| o == origin)
                    || self.targets.get(origin).is_some_and(|t| t.status.holds())
            })
        };
        expired
            .chain(due)
            .filter(|(_, _, id)| !held(id))
            .take(limit)
            .map(|(_, _, id)| id.clone())
            .collect()
    }
}

impl MemoryStore {
    fn with<T>(&self, f: impl FnOnce(&mut Memory) -> T) -> T {
        // A panic while holding the lock cannot leave a half-made change: each is one insert.
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }
}

/// A dead delivery made pending again, due at `now`, with a fresh schedule.
fn revive(d: &mut Delivery, now: SystemTime) {
    d.state = DeliveryState::Pending;
    d.next_attempt_at = now;
    d.attempts = 0;
}

fn ready<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
    Box::pin(std::future::ready(Ok(value)))
}

impl DeliveryStore for MemoryStore {
    fn enqueue(&self, delivery: Delivery) -> StoreFuture<'_, ()> {
        Box::pin(std::future::ready(self.with(|m| {
            // As in the other stores, an id is recorded once.
            if m.deliveries.contains_key(&delivery.id) {
                return Err(StoreError::new(format!(
                    "delivery {} already exists",
                    delivery.id
                )));
            }
            m.sequence += 1;
            let entry = Entry {
                delivery,
                lease_until: SystemTime::UNIX_EPOCH,
                finished_at: None,
                sequence: m.sequence,
            };
            if let Some((pending, key)) = entry.key() {
                m.index(pending).insert(key);
            }
            m.deliveries.insert(entry.delivery.id.clone(), entry);
            Ok(())
        })))
    }

    fn claim(&self, claim: Claim) -> StoreFuture<'_, Vec<Delivery>> {
        let claimed = self.with(|m| {
            let ids = m.claimable(claim.now, claim.limit, &claim.skip);
            let mut claimed = Vec::with_capacity(ids.len());
            for id in ids {
                m.update(&id, |e| {
                    e.delivery.state = DeliveryState::InFlight;
                    e.lease_until = claim.lease_until;
                    claimed.push(e.delivery.clone());
                });
            }
            claimed
        });
        ready(claimed)
    }

    fn finish(&self, id: &str, attempt: Attempt, outcome: Outcome) -> StoreFuture<'_, ()> {
        self.with(|m| {
            m.update(id, |e| {
                outcome.apply(&mut e.delivery, &attempt);
                e.finished_at = outcome.next_attempt().is_none().then_some(attempt.at);
            });
            m.attempts.entry(id.to_owned()).or_default().push(attempt);
        });
        ready(())
    }

    fn release(&self, id: &str) -> StoreFuture<'_, ()> {
        self.with(|m| {
            m.update(id, |e| {
                if e.delivery.state == DeliveryState::InFlight {
                    e.delivery.state = DeliveryState::Pending;
                }
            })
        });
        ready(())
    }

    fn get(&self, id: &str) -> StoreFuture<'_, Option<Delivery>> {
        ready(self.with(|m| m.deliveries.get(id).map(|e| e.delivery.clone())))
    }

    fn attempts(&self, id: &str) -> StoreFuture<'_, Vec<Attempt>> {
        ready(self.with(|m| m.attempts.get(id).cloned().unwrap_or_default()))
    }

    fn find(&self, filter: DeliveryFilter, limit: usize) -> StoreFuture<'_, Vec<Delivery>> {
        ready(self.with(|m| {
            let mut found: Vec<Delivery> = m
                .deliveries
                .values()
                .map(|e| &e.delivery)
                .filter(|d| filter.matches(d))
                .cloned()
                .collect();
            found.sort_by_key(|d| d.created_at);
            found.truncate(limit);
            found
        }))
    }

    fn replay_matching(&self, filter: DeliveryFilter, now: SystemTime) -> StoreFuture<'_, u64> {
        let filter = DeliveryFilter {
            state: Some(DeliveryState::Dead),
            ..filter
        };
        ready(self.with(|m| {
            let ids: Vec<String> = m
                .deliveries
                .values()
                .filter(|e| filter.matches(&e.delivery))
                .map(|e| e.delivery.id.clone())
                .collect();
            for id in &ids {
                m.update(id, |e| revive(&mut e.delivery, now));
            }
            ids.len() as u64
        }))
    }

    fn cancel(&self, id: &str) -> StoreFuture<'_, Option<DeliveryState>> {
        ready(self.with(|m| {
            let before = m.deliveries.get(id).map(|e| e.delivery.state)?;
            if before == DeliveryState::Pending {
                m.update(id, |e| {
                    e.delivery.state = DeliveryState::Cancelled;
                    e.finished_at = Some(SystemTime::now());
                });
            }
            Some(before)
        }))
    }

    fn replay(&self, id: &str, now: SystemTime) -> StoreFuture<'_, bool> {
        ready(self.with(|m| {
            let dead = m
                .deliveries
                .get(id)
                .is_some_and(|e| e.delivery.state == DeliveryState::Dead);
            dead && m.update(id, |e| revive(&mut e.delivery, now))
        }))
    }

    fn purge_finished(&self, before: SystemTime, limit: usize) -> StoreFuture<'_, u64> {
        ready(self.with(|m| {
            // Recorded already finished, with no time: finished at the last attempt, or now
            // if none (a cancel), as the SQL stores stamp them before they delete.
            let now = SystemTime::now();
            let Memory {
                deliveries,
                attempts,
                ..
            } = &mut *m;
            for e in deliveries.values_mut() {
                let done = matches!(
                    e.delivery.state,
                    DeliveryState::Delivered | DeliveryState::Cancelled
                );
                if done && e.finished_at.is_none() {
                    let last = match e.delivery.state {
                        DeliveryState::Delivered => attempts
                            .get(&e.delivery.id)
                            .and_then(|a| a.iter().map(|a| a.at).max()),
                        _ => None,
                    };
                    e.finished_at = Some(last.unwrap_or(now));
                }
            }
            let mut finished: Vec<(SystemTime, String)> = m
                .deliveries
                .values()
                .filter(|e| {
                    matches!(
                        e.delivery.state,
                        DeliveryState::Delivered | DeliveryState::Cancelled
                    )
                })
                .filter_map(|e| Some((e.finished_at?, e.delivery.id.clone())))
                .filter(|(at, _)| *at < before)
                .collect();
            // Oldest first, as the SQL stores walk their index.
            finished.sort();
            finished.truncate(limit);
            m.remove(finished.into_iter().map(|(_, id)| id))
        }))
    }

    fn purge_dead(&self, filter: DeliveryFilter, limit: usize) -> StoreFuture<'_, u64> {
        let filter = DeliveryFilter {
            state: Some(DeliveryState::Dead),
            ..filter
        };
        ready(self.with(|m| {
            let mut dead: Vec<&Delivery> = m
                .deliveries
                .values()
                .map(|e| &e.delivery)
                .filter(|d| filter.matches(d))
                .collect();
            dead.sort_by_key(|d| d.created_at);
            let ids: Vec<String> = dead.iter().take(limit).map(|d| d.id.clone()).collect();
            m.remove(ids)
        }))
    }

    fn targets(&self) -> StoreFuture<'_, Vec<TargetState>> {
        ready(self.with(|m| m.targets.values().cloned().collect()))
    }

    fn target_failed(
        &self,
        origin: &str,
        at: SystemTime,
        error: &str,
    ) -> StoreFuture<'_, TargetState> {
        ready(self.with(|m| {
            let target = m
                .targets
                .entry(origin.to_owned())
                .and_modify(|t| {
                    t.failures += 1;
                    t.last_error = Some(error.to_owned());
                })
                .or_insert_with(|| TargetState::failing(origin, at, error));
            target.clone()
        }))
    }

    fn set_target(&self, target: TargetState) -> StoreFuture<'_, ()> {
        self.with(|m| m.targets.insert(target.origin.clone(), target));
        ready(())
    }

    fn clear_target(&self, origin: &str, status: Option<TargetStatus>) -> StoreFuture<'_, bool> {
        ready(self.with(|m| {
            let matches = m
                .targets
                .get(origin)
                .is_some_and(|t| status.is_none_or(|s| s == t.status));
            matches && m.targets.remove(origin).is_some()
        }))
    }

    fn start_probe(
        &self,
        origin: &str,
        now: SystemTime,
        until: SystemTime,
    ) -> StoreFuture<'_, bool> {
        ready(self.with(|m| match m.targets.get_mut(origin) {
            Some(t) if t.status.holds() && t.reason.is_none() && t.until <= now => {
                t.status = TargetStatus::Probing;
                t.until = until;
                true
            }
            _ => false,
        }))
    }
}
