//! Replays: a signed delivery verifies every time it is sent, so a receiver that must act once
//! per event de-duplicates.
//!
//! Cleeng documents no timestamp and no delivery id for webhook deliveries, and it re-sends a
//! delivery that was not acknowledged. Signature verification proves who wrote a body, not that
//! it is new: anyone who captured one delivery (a proxy log, a misrouted copy) can post it
//! again and it verifies again. Make handlers idempotent on [`DeliveryKey`]:
//!
//! * across processes or restarts, store the key with the effect of handling it (e.g. a
//!   unique column in the table the handler writes, inserted in the same transaction), and
//!   skip deliveries whose key is already there;
//! * within one process, [`RecentDeliveries`] remembers the last keys in memory, bounded in
//!   count and in age.
//!
//! The key is the SHA-256 of the raw body bytes. A re-sent delivery has the same body, so the
//! same key; two different events differ in their payload (ids, dates), so their keys differ.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// What identifies a delivery for de-duplication: SHA-256 of its raw body. Print it (hex)
/// to store it; it reveals nothing about the payload.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryKey([u8; 32]);

impl DeliveryKey {
    /// The key of a delivery body, the raw bytes as received (the same bytes the signature
    /// covers).
    pub fn of(body: &[u8]) -> DeliveryKey {
        DeliveryKey(Sha256::digest(body).into())
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for DeliveryKey {
    /// Lowercase hex, 64 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeliveryKey({self})")
    }
}

/// Default for [`RecentDeliveries::new`]'s capacity in [`RecentDeliveries::default`].
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Default age after which [`RecentDeliveries::default`] forgets a key (Cleeng's retry window
/// is not published; a day covers the retry schedules of most webhook senders).
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// An in-memory, bounded set of recently handled [`DeliveryKey`]s: at most `capacity` keys
/// (the oldest is forgotten first) and none recorded longer than `max_age` ago. Memory use is bounded by
/// the capacity (about 100 bytes per key). Per process and lost on restart: for exactly-once
/// effects across instances keep the keys in your database instead (see the module docs).
///
/// Record a delivery only once its handling succeeded ([`RecentDeliveries::record`]), so that a
/// delivery that failed half-way is handled again when Cleeng re-sends it; or use
/// [`RecentDeliveries::first_time`] to check and record in one step when a lost event is
/// preferable to a duplicate.
pub struct RecentDeliveries {
    capacity: usize,
    max_age: Duration,
    inner: Mutex<Recent>,
}

#[derive(Default)]
struct Recent {
    seen: HashMap<DeliveryKey, Instant>,
    order: VecDeque<(DeliveryKey, Instant)>,
}

impl Recent {
    fn expire(&mut self, max_age: Duration, now: Instant) {
        while let Some(&(key, at)) = self.order.front() {
            if now.duration_since(at) < max_age {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&key);
        }
    }
}

impl RecentDeliveries {
    /// Remembers up to `capacity` keys (at least 1), each for `max_age`.
    pub fn new(capacity: usize, max_age: Duration) -> RecentDeliveries {
        RecentDeliveries { capacity: capacity.max(1), max_age, inner: Mutex::new(Recent::default()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recent> {
        // Every update leaves the two collections consistent before it can panic.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether `key` was recorded within `max_age` (and not pushed out by newer keys).
    pub fn contains(&self, key: &DeliveryKey) -> bool {
        let mut recent = self.lock();
        recent.expire(self.max_age, Instant::now());
        recent.seen.contains_key(key)
    }

    /// Records `key` as handled.
    pub fn record(&self, key: DeliveryKey) {
        let now = Instant::now();
        let mut recent = self.lock();
        recent.expire(self.max_age, now);
        self.insert(&mut recent, key, now);
    }

    /// Adds `key` unless present (a key keeps the time it was first recorded), then forgets
    /// the oldest keys beyond the capacity.
    fn insert(&self, recent: &mut Recent, key: DeliveryKey, now: Instant) {
        if recent.seen.contains_key(&key) {
            return;
        }
        recent.seen.insert(key, now);
        recent.order.push_back((key, now));
        while recent.order.len() > self.capacity {
            let Some((old, _)) = recent.order.pop_front() else { break };
            recent.seen.remove(&old);
        }
    }

    /// Records `key` and says whether it is new: `true` the first time, `false` for a replay
    /// within the window. One atomic step, so two concurrent copies cannot both be `true`.
    pub fn first_time(&self, key: DeliveryKey) -> bool {
        let now = Instant::now();
        let mut recent = self.lock();
        recent.expire(self.max_age, now);
        if recent.seen.contains_key(&key) {
            return false;
        }
        self.insert(&mut recent, key, now);
        true
    }

    /// How many keys are remembered now.
    pub fn len(&self) -> usize {
        let mut recent = self.lock();
        recent.expire(self.max_age, Instant::now());
        recent.seen.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for RecentDeliveries {
    /// [`DEFAULT_CAPACITY`] keys for [`DEFAULT_MAX_AGE`].
    fn default() -> Self {
        RecentDeliveries::new(DEFAULT_CAPACITY, DEFAULT_MAX_AGE)
    }
}

impl fmt::Debug for RecentDeliveries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecentDeliveries")
            .field("capacity", &self.capacity)
            .field("max_age", &self.max_age)
            .field("len", &self.len())
            .finish()
    }
}
