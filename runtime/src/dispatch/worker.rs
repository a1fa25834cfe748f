//! The delivery worker: claims due deliveries, attempts them with bounded concurrency
//! (overall and per host), and records every attempt.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::keys::SigningKeys;
use super::metrics::Counters;
use super::pause::{origin, Health};
use super::retry::parse_retry_after;
use super::ssrf::{check_url, Refused};
use super::store::{Attempt, Claim, Delivery, Outcome};
use super::Inner;

/// The running worker; [`shutdown`](Self::shutdown) stops it without losing anything.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    /// The retention task ([`RetentionPolicy`](super::RetentionPolicy)), stopped with it.
    retention: tokio::task::JoinHandle<()>,
    deadline: Arc<Mutex<Option<Instant>>>,
}

impl Worker {
    /// Stops claiming, lets attempts in flight finish until `grace` has passed, and hands
    /// back the claims of any still running (they are attempted again later: the receiver
    /// may see such a delivery twice, with the same `webhook-id`).
    pub async fn shutdown(self, grace: Duration) {
        *self.deadline.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now() + grace);
        // `send_replace` sets the flag even if the worker has already stopped listening.
        self.stop.send_replace(true);
        let _ = self.task.await;
        // It stops between batches: at most the one under way is finished.
        let _ = self.retention.await;
    }
}

pub(super) fn start(inner: Arc<Inner>) -> Worker {
    let deadline = Arc::new(Mutex::new(None));
    // Each worker has its own stop signal, so a dispatcher can be started again after a stop.
    let (stop, stopped) = watch::channel(false);
    let retention = tokio::spawn(super::retention::run(inner.clone(), stopped.clone()));
    let task = tokio::spawn(run(inner, stopped, deadline.clone()));
    Worker {
        stop,
        task,
        retention,
        deadline,
    }
}

async fn run(
    inner: Arc<Inner>,
    mut stop: watch::Receiver<bool>,
    deadline: Arc<Mutex<Option<Instant>>>,
) {
    let config = &inner.config;
    let overall = Arc::new(Semaphore::new(config.concurrency));
    let hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>> = Arc::default();
    // Ids this worker is attempting, so that a claim that outlived its lease here is not
    // attempted a second time by the same worker.
    let running: Arc<Mutex<HashSet<String>>> = Arc::default();
    // Attempts this worker holds per origin, running or waiting for their host. An origin at
    // its per-host limit is left out of claims: more of its deliveries would only wait here,
    // holding slots that other targets' deliveries could use.
    let busy: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let mut tasks = JoinSet::new();
    loop {
        if *stop.borrow() {
            break;
        }
        // Every finished attempt frees its slot before the next claim, so claims come in
        // batches rather than one delivery at a time.
        while tasks.try_join_next().is_some() {}
        // Claimed deliveries are bounded by the concurrency: no more are taken from the store
        // than can be attempted soon.
        let free = config.concurrency.saturating_sub(tasks.len());
        // A claim is a store round trip: make it when a quarter of the slots are free (or
        // nothing runs), not after every single completion.
        if free > 0 && (tasks.is_empty() || free >= config.concurrency.div_ceil(4)) {
            let skip: Vec<String> = lock(&busy)
                .iter()
                .filter(|(_, held)| **held >= config.per_host)
                .map(|(origin, _)| origin.clone())
                .collect();
            let claim = Claim::new(SystemTime::now(), free, config.lease).skip(skip);
            match inner.store.claim(claim).await {
                Ok(claimed) => {
                    let probes = inner.targets.due_probes(&inner).await;
                    let claimed = claimed.into_iter().map(|d| (d, false));
                    for (delivery, probe) in claimed.chain(probes.into_iter().map(|d| (d, true))) {
                        if !running
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(delivery.id.clone())
                        {
                            continue;
                        }
                        let target = origin(&delivery.url).to_owned();
                        if !take_slot(&busy, &target, config.per_host, probe) {
                            // One claim can take more for an origin than its limit: the rest
                            // go back, due as they were, for a claim with room for them.
                            lock(&running).remove(&delivery.id);
                            if let Err(e) = inner.store.release(&delivery.id).await {
                                tracing::warn!(error = %format_args!("{e:#}"), id = %delivery.id, "handing back a delivery failed; its lease will expire");
                            }
                            continue;
                        }
                        let busy = busy.clone();
                        let inner = inner.clone();
                        let overall = overall.clone();
                        let host = host_permits(&hosts, &delivery.url, config.per_host);
                        let running = running.clone();
                        tasks.spawn(async move {
                            let id = delivery.id.clone();
                            let _host = host.acquire_owned().await;
                            if !probe && inner.targets.holds(&delivery.url) {
                                // Its target was paused while this claim waited for the host:
                                // handed back unattempted, it waits with the rest.
                                if let Err(e) = inner.store.release(&id).await {
                                    tracing::warn!(error = %format_args!("{e:#}"), id, "handing back a paused target's delivery failed; its lease will expire");
                                }
                            } else {
                                let _slot = overall.acquire_owned().await;
                                attempt(&inner, delivery).await;
                            }
                            lock(&running).remove(&id);
                            free_slot(&busy, &target);
                            id
                        });
                    }
                }
                Err(e) => {
                    tracing::error!(error = %format_args!("{e:#}"), "claiming deliveries failed")
                }
            }
        }
        tokio::select! {
            _ = inner.wake.notified() => {}
            _ = tokio::time::sleep(config.poll_interval) => {}
            _ = stop.changed() => {}
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    // Graceful stop: finish what is in flight until the deadline, then release the rest.
    let until = deadline
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .unwrap_or_else(Instant::now);
    while !tasks.is_empty() {
        match tokio::time::timeout_at(until.into(), tasks.join_next()).await {
            Ok(_) => {}
            Err(_) => break,
        }
    }
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    let unfinished: Vec<String> = running
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .drain()
        .collect();
    for id in unfinished {
        if let Err(e) = inner.store.release(&id).await {
            tracing::error!(error = %format_args!("{e:#}"), id, "releasing a delivery at shutdown failed; its lease will expire");
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Counts one more attempt held for `origin` if it holds fewer than `limit`, or anyway when
/// `always` (a probe: one attempt, which the target's state already keeps alone). Returns
/// whether it was counted.
fn take_slot(
    busy: &Mutex<HashMap<String, usize>>,
    origin: &str,
    limit: usize,
    always: bool,
) -> bool {
    let mut busy = lock(busy);
    let held = busy.entry(origin.to_owned()).or_default();
    let room = *held < limit || always;
    if room {
        *held += 1;
    }
    room
}

fn free_slot(busy: &Mutex<HashMap<String, usize>>, origin: &str) {
    let mut busy = lock(busy);
    if let Some(held) = busy.get_mut(origin) {
        *held = held.saturating_sub(1);
        if *held == 0 {
            busy.remove(origin);
        }
    }
}

fn host_permits(
    hosts: &Mutex<HashMap<String, Arc<Semaphore>>>,
    url: &str,
    per_host: usize,
) -> Arc<Semaphore> {
    let mut hosts = hosts.lock().unwrap_or_else(|e| e.into_inner());
    let key = authority(url);
    if let Some(permits) = hosts.get(key) {
        return permits.clone();
    }
    hosts
        .entry(key.to_owned())
        .or_insert_with(|| Arc::new(Semaphore::new(per_host)))
        .clone()
}

/// The `host:port` part of a URL, as the key of its concurrency limit. Taken from the text,
/// not a full parse: this runs for every attempt, and the URL is parsed (and checked) once,
/// when it is sent.
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // Credentials are not part of the host.
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

/// What the receiver did.
enum Answer {
    Answered {
        status: u16,
        retry_after: Option<Duration>,
        head: Vec<u8>,
    },
    Failed(String),
    Refused(String),
}

async fn attempt(inner: &Inner, delivery: Delivery) {
    // A guard, so the gauge is right even when a shutdown aborts the attempt midway.
    struct InFlight<'a>(&'a std::sync::atomic::AtomicU64);
    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    inner
        .counters
        .in_flight
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let _in_flight = InFlight(&inner.counters.in_flight);
    attempt_once(inner, delivery).await;
}

async fn attempt_once(inner: &Inner, delivery: Delivery) {
    let number = delivery.attempts + 1;
    let span = tracing::info_span!("callback_attempt", id = %delivery.id, callback = %delivery.callback, attempt = number);
    async {
        let started = SystemTime::now();
        let clock = Instant::now();
        let answer = send(inner, &delivery).await;
        let record = |status, error, response_head| Attempt {
            number,
            at: started,
            status,
            error,
            latency: clock.elapsed(),
            response_head,
        };
        let schedule = &inner.config.schedule;
        let health = match &answer {
            Answer::Answered { status, .. } => Health::of_status(*status),
            Answer::Failed(error) => Health::Failing(error.clone()),
            Answer::Refused(_) => Health::Silent,
        };
        let (record, outcome) = match answer {
            Answer::Answered {
                status,
                retry_after,
                head,
            } => {
                let record = record(Some(status), None, head);
                let outcome = if (200..300).contains(&status) {
                    tracing::info!(status, latency = ?record.latency, "delivered");
                    Outcome::Delivered
                } else if status == 410 {
                    tracing::warn!("receiver answered 410 Gone; no more attempts");
                    Outcome::Dead
                } else {
                    tracing::warn!(status, "receiver refused the delivery");
                    retry_or_dead(
                        schedule.next_attempt(number + 1, SystemTime::now(), retry_after),
                        number,
                    )
                };
                (record, outcome)
            }
            Answer::Failed(error) => {
                tracing::warn!(%error, "attempt failed");
                let next = schedule.next_attempt(number + 1, SystemTime::now(), None);
                (record(None, Some(error), Vec::new()), retry_or_dead(next, number))
            }
            Answer::Refused(reason) => {
                // A refused target is refused on every attempt: dead at once, with the reason.
                tracing::warn!(%reason, "target refused");
                (record(None, Some(reason), Vec::new()), retry_or_dead(None, number))
            }
        };
        Counters::add(match outcome {
            Outcome::Delivered => &inner.counters.delivered,
            Outcome::RetryAt(_) => &inner.counters.retried,
            Outcome::Dead => &inner.counters.dead,
        });
        if let Err(e) = inner.store.finish(&delivery.id, record, outcome).await {
            // The claim's lease expires and the delivery is attempted again: nothing is lost.
            tracing::error!(error = %format_args!("{e:#}"), id = %delivery.id, "recording an attempt failed");
        }
        inner.targets.observe(inner, &delivery, health).await;
    }
    .instrument(span)
    .await
}

/// A failed attempt's outcome: another attempt at `next`, or, when the schedule has run out,
/// none.
fn retry_or_dead(next: Option<SystemTime>, attempts: u32) -> Outcome {
    match next {
        Some(at) => Outcome::RetryAt(at),
        None => {
            tracing::warn!(attempts, "dead-lettered");
            Outcome::Dead
        }
    }
}

async fn send(inner: &Inner, delivery: &Delivery) -> Answer {
    let config = &inner.config;
    let url = match check_url(&delivery.url, &config.allow) {
        Ok(url) => url,
        Err(refused) => return Answer::Refused(refused.to_string()),
    };
    let method = match reqwest::Method::from_bytes(delivery.method.as_bytes()) {
        Ok(m) => m,
        Err(_) => return Answer::Refused(format!("unknown method {}", delivery.method)),
    };
    let keys = match signing_keys(inner, delivery).await {
        Ok(keys) => keys,
        // Retried on the schedule: a key store that was down, or a key added late, loses
        // nothing; a key that never comes dead-letters the delivery, to be replayed.
        Err(e) => return Answer::Failed(e),
    };
    let started = Instant::now();
    let mut outcome = post(inner, delivery, &keys, method.clone(), url.clone()).await;
    // A receiver restarting refuses connections for a moment: one immediate retry saves a
    // delivery a wait of the whole first step of the schedule.
    if let Err(e) = &outcome {
        if is_refused_connection(e) && started.elapsed() < Duration::from_secs(1) {
            tracing::debug!("connection refused at once; retrying immediately");
            outcome = post(inner, delivery, &keys, method, url).await;
        }
    }
    match outcome {
        Ok(o) => o,
        Err(e) => match find_refused(&e) {
            Some(refused) => Answer::Refused(refused.to_string()),
            None => Answer::Failed(describe(&e)),
        },
    }
}

/// The keys that sign `delivery` now: the key store's for its key id, or the dispatcher's own.
async fn signing_keys<'a>(
    inner: &'a Inner,
    delivery: &Delivery,
) -> Result<std::borrow::Cow<'a, SigningKeys>, String> {
    let Some(key_id) = &delivery.key_id else {
        return Ok(std::borrow::Cow::Borrowed(&inner.default_keys));
    };
    let Some(store) = &inner.config.key_store else {
        return Err(format!(
            "no key store resolves key id {key_id:?} (DispatcherConfig::key_store)"
        ));
    };
    // A key store that hangs must not hold the attempt's slot forever: it gets the time an
    // attempt gets.
    let looked_up = tokio::time::timeout(inner.config.attempt_timeout, store.keys(key_id))
        .await
        .map_err(|_| format!("the key store did not answer for key id {key_id:?} in time"))?;
    let keys = looked_up.map_err(|e| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    })?;
    if keys.is_empty() {
        return Err(format!("the key store holds no keys for key id {key_id:?}"));
    }
    Ok(std::borrow::Cow::Owned(keys))
}

fn is_refused_connection(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        source = s.source();
    }
    false
}

/// One HTTP request of an attempt.
async fn post(
    inner: &Inner,
    delivery: &Delivery,
    keys: &SigningKeys,
    method: reqwest::Method,
    url: url::Url,
) -> Result<Answer, reqwest::Error> {
    let config = &inner.config;
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let request = inner
        .client
        .request(method, url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            keys.header(&delivery.id, timestamp, &delivery.body),
        )
        .body(delivery.body.clone());
    let mut response = request.send().await?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    let mut head = Vec::new();
    // Only the first bytes are kept; the rest is not read.
    while head.len() < config.response_cap {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                head.extend_from_slice(&chunk[..chunk.len().min(config.response_cap - head.len())])
            }
            Ok(None) | Err(_) => break,
        }
    }
    Ok(Answer::Answered {
        status,
        retry_after,
        head,
    })
}

fn find_refused<'e>(e: &'e (dyn std::error::Error + 'static)) -> Option<&'e Refused> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(r) = err.downcast_ref::<Refused>() {
            return Some(r);
        }
        current = err.source();
    }
    None
}

fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the response broke off"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_is_limited_per_host_and_port() {
        assert_eq!(authority("https://example.com/hooks?x=1"), "example.com");
        assert_eq!(authority("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(authority("http://user:pw@[::1]:9/a#b"), "[::1]:9");
        assert_eq!(authority("https://example.com?x"), "example.com");
    }

    #[tokio::test]
    async fn a_refused_connection_is_recognised_and_nothing_else_is() {
        // A port that was just free: connecting to it is refused at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = reqwest::Client::new();
        let refused = client
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert!(is_refused_connection(&refused), "{refused:?}");
        // A server that accepts and hangs up: the connection broke, it was not refused.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                drop(socket);
            }
        });
        let closed = client
            .get(format!("http://{address}/"))
            .send()
            .await
            .unwrap_err();
        assert!(!is_refused_connection(&closed), "{closed:?}");
    }
}
