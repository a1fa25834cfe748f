//! How deliveries are made: the dispatcher's settings.

use std::sync::Arc;
use std::time::Duration;

use super::{
    AllowList, KeyStore, Lookup, PausePolicy, RetentionPolicy, RetrySchedule, Secret, SigningKey,
    SystemLookup,
};

/// How deliveries are made.
///
/// `#[non_exhaustive]`, as settings will be added: start from [`new`](Self::new) and change
/// what differs with the setters. The fields can be read, and set on a config you hold.
///
/// ```
/// use std::time::Duration;
/// use ringback::dispatch::{AllowList, DispatcherConfig, RetrySchedule, Secret};
/// let config = DispatcherConfig::new(Secret::generate())
///     .schedule(RetrySchedule::new([Duration::from_millis(50)]))
///     .allow(AllowList::none().loopback())
///     .response_cap(1024);
/// assert_eq!(config.concurrency, 64);
/// assert_eq!(config.response_cap, 1024);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct DispatcherConfig {
    /// Signing secrets (`v1`); every one signs each delivery sent without a key id, so
    /// receivers can rotate.
    pub secrets: Vec<Secret>,
    /// Ed25519 keys (`v1a`); every one also signs each delivery sent without a key id.
    pub signing_keys: Vec<SigningKey>,
    /// Resolves the key ids of deliveries sent with one ([`SendOptions::key`](super::SendOptions::key)); none by
    /// default, and then `send` refuses a key id.
    pub key_store: Option<Arc<dyn KeyStore>>,
    /// When to retry.
    pub schedule: RetrySchedule,
    /// How long one attempt may take.
    pub attempt_timeout: Duration,
    /// Attempts in flight at once, overall.
    pub concurrency: usize,
    /// Attempts in flight at once to one host.
    pub per_host: usize,
    /// Non-public networks callbacks may reach (none by default).
    pub allow: AllowList,
    /// How much of a response body is read and kept in the attempt log.
    pub response_cap: usize,
    /// How long a claim lasts before another worker may take the delivery over.
    pub lease: Duration,
    /// How often the worker looks for due deliveries when nothing wakes it.
    pub poll_interval: Duration,
    /// Where host names are resolved.
    pub lookup: Arc<dyn Lookup>,
    /// When a target origin that keeps failing is paused, and probed ([`PausePolicy`]'s
    /// default); `None` never pauses one (an operator still can).
    pub pause: Option<PausePolicy>,
    /// How long delivered and cancelled deliveries are kept ([`RetentionPolicy`]'s default,
    /// 7 days); `None` keeps them forever.
    pub retention: Option<RetentionPolicy>,
}

impl DispatcherConfig {
    /// Defaults, signing with `secret`: the Standard Webhooks schedule, 10 s per attempt,
    /// 64 attempts at once (8 per host), public addresses only.
    pub fn new(secret: Secret) -> Self {
        Self::signing_with(vec![secret], Vec::new())
    }

    fn signing_with(secrets: Vec<Secret>, signing_keys: Vec<SigningKey>) -> Self {
        DispatcherConfig {
            secrets,
            signing_keys,
            key_store: None,
            schedule: RetrySchedule::default(),
            attempt_timeout: Duration::from_secs(10),
            concurrency: 64,
            per_host: 8,
            allow: AllowList::none(),
            response_cap: 4096,
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_millis(250),
            lookup: Arc::new(SystemLookup),
            pause: Some(PausePolicy::default()),
            retention: Some(RetentionPolicy::default()),
        }
    }

    /// Defaults as [`new`](Self::new) gives them, signing deliveries without a key id with the
    /// Ed25519 key `key` alone (`v1a`): receivers need only its public key.
    ///
    /// ```
    /// use ringback::dispatch::{DispatcherConfig, SigningKey};
    /// let key = SigningKey::generate();
    /// let config = DispatcherConfig::asymmetric(key.clone());
    /// assert!(config.secrets.is_empty());
    /// assert_eq!(config.signing_keys[0].public_key(), key.public_key());
    /// ```
    pub fn asymmetric(key: SigningKey) -> Self {
        Self::signing_with(Vec::new(), vec![key])
    }

    /// Also signs with `secret` (for rotation).
    pub fn also_sign_with(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Also signs deliveries without a key id with the Ed25519 key `key` (`v1a`).
    ///
    /// ```
    /// use ringback::dispatch::{DispatcherConfig, Secret, SigningKey};
    /// let config = DispatcherConfig::new(Secret::generate()).also_sign_v1a(SigningKey::generate());
    /// assert_eq!((config.secrets.len(), config.signing_keys.len()), (1, 1));
    /// ```
    pub fn also_sign_v1a(mut self, key: SigningKey) -> Self {
        self.signing_keys.push(key);
        self
    }

    /// The application's key store: deliveries sent with a key id are signed with what it
    /// answers for that id, looked up at every attempt.
    ///
    /// ```
    /// use ringback::dispatch::{DispatcherConfig, Secret, StaticKeys};
    /// let customers = StaticKeys::new().with("customer-1", Secret::generate());
    /// let config = DispatcherConfig::new(Secret::generate()).key_store(customers);
    /// assert!(config.key_store.is_some());
    /// ```
    pub fn key_store(mut self, store: impl KeyStore) -> Self {
        self.key_store = Some(Arc::new(store));
        self
    }

    /// The retry schedule.
    pub fn schedule(mut self, schedule: RetrySchedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// The timeout of one attempt. The claim's [`lease`](Self::lease) follows it: three
    /// timeouts and a second.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        // A claim outlives the attempt it covers, with room for the store round trips.
        self.lease = timeout * 3 + Duration::from_secs(1);
        self
    }

    /// How long a claim lasts before another worker may take the delivery over (by default
    /// a minute, or what [`attempt_timeout`](Self::attempt_timeout) sets). Keep it well above
    /// the attempt timeout, or a slow attempt is made twice at once.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ringback::dispatch::{DispatcherConfig, Secret};
    /// let config = DispatcherConfig::new(Secret::generate())
    ///     .attempt_timeout(Duration::from_secs(2))
    ///     .lease(Duration::from_secs(20));
    /// assert_eq!(config.lease, Duration::from_secs(20));
    /// ```
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How many bytes of a response body are read and kept in the attempt log (4096 by
    /// default); the rest is not read.
    ///
    /// ```
    /// use ringback::dispatch::{DispatcherConfig, Secret};
    /// let config = DispatcherConfig::new(Secret::generate()).response_cap(0);
    /// assert_eq!(config.response_cap, 0);
    /// ```
    pub fn response_cap(mut self, bytes: usize) -> Self {
        self.response_cap = bytes;
        self
    }

    /// Non-public networks that callbacks may reach.
    pub fn allow(mut self, allow: AllowList) -> Self {
        self.allow = allow;
        self
    }

    /// How many attempts run at once, overall and per host.
    pub fn concurrency(mut self, overall: usize, per_host: usize) -> Self {
        self.concurrency = overall.max(1);
        self.per_host = per_host.max(1);
        self
    }

    /// How often to look for due deliveries.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// When a target origin that keeps failing is paused, and how long it rests before a
    /// probe (by default 5 failed attempts in a row over at least 10 minutes, and 10 minutes:
    /// see [`PausePolicy`] for why).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ringback::dispatch::{DispatcherConfig, PausePolicy, Secret};
    /// let policy = PausePolicy::new(10, Duration::from_secs(1800), Duration::from_secs(300));
    /// let config = DispatcherConfig::new(Secret::generate()).pause_failing(policy);
    /// assert_eq!(config.pause, Some(policy));
    /// ```
    pub fn pause_failing(mut self, policy: PausePolicy) -> Self {
        self.pause = Some(policy);
        self
    }

    /// Never pauses a target by itself: every delivery is attempted on its schedule however
    /// its target fares. Targets paused by hand, or by another instance, stay paused.
    ///
    /// ```
    /// use ringback::dispatch::{DispatcherConfig, Secret};
    /// assert_eq!(DispatcherConfig::new(Secret::generate()).never_pause().pause, None);
    /// ```
    pub fn never_pause(mut self) -> Self {
        self.pause = None;
        self
    }

    /// Where names are resolved (tests use a fixed table).
    pub fn lookup(mut self, lookup: impl Lookup) -> Self {
        self.lookup = Arc::new(lookup);
        self
    }
}
