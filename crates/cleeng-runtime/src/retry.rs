//! When and how long to wait before sending a request again.
//!
//! The rule that matters most: a request is only repeated when repeating it cannot do harm.
//! GET/HEAD/PUT/DELETE and POSTs the spec marks `x-idempotent: true` may be retried after a
//! connection failure, a timeout, 429, 502, 503 or 504, unless the spec marks them
//! `x-idempotent: false` (a PUT that sends an e-mail) or `x-moves-money: true`
//! ([`crate::OperationMeta::moves_money`]). Anything else (creating an order, a payment, a
//! subscription) is sent once; if its outcome is unknown, the caller is told so
//! ([`crate::Error::UnknownOutcome`]). The one exception is a connection that could not even be
//! opened: nothing was sent, so it is retried for any operation.
//!
//! Time limits, from the innermost out:
//! * the **connect timeout** (`ClientConfig::connect_timeout`) bounds opening one connection;
//! * the **attempt timeout** (`ClientConfig::timeout`) bounds one attempt, from sending the
//!   request to the last byte of the response body;
//! * the **deadline** ([`RetryPolicy::deadline`], `ClientConfig::deadline`) bounds the whole
//!   call: every attempt and every wait between attempts. Each attempt gets the attempt timeout
//!   or the time left before the deadline, whichever is shorter, and no retry starts when its
//!   wait would end past the deadline. A call therefore returns within the deadline (plus the
//!   scheduler's slack), whatever the attempt timeout.

use std::time::{Duration, SystemTime};

/// How the runtime retries. The defaults follow Cleeng's own guidance: retry a failed call at
/// most once (`max_attempts: 2`), within roughly one client timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Upper bound of the first backoff; it doubles per attempt (full jitter: a random wait
    /// between zero and the bound).
    pub initial_backoff: Duration,
    /// Cap on any single wait, `Retry-After` included.
    pub max_backoff: Duration,
    /// Total time allowed for all attempts and waits. Each attempt is cut at the time left, and
    /// no retry starts after it.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1` (attempts count from 1): the server's
    /// `Retry-After` if it sent one (capped), else exponential backoff with full jitter.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let exp = attempt.saturating_sub(1).min(16);
        let bound = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let millis = bound.as_millis().min(u128::from(u64::MAX)) as u64;
        Duration::from_millis(fastrand::u64(0..=millis))
    }
}

/// Statuses that say "try again later" without the request having done anything.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// The longest `Retry-After` the runtime reports: one hour. A server (or a hostile proxy) may
/// send any number; capping it means `Instant::now() + retry_after` can never overflow.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// Reads `Retry-After`: delay-seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`].
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn a_huge_retry_after_is_capped_and_cannot_overflow_an_instant() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let huge = parse_retry_after(&u64::MAX.to_string(), now).unwrap();
        assert_eq!(huge, MAX_RETRY_AFTER);
        let far = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(200_000_000_000));
        assert_eq!(parse_retry_after(&far, now), Some(MAX_RETRY_AFTER));
        let _ = std::time::Instant::now() + huge;
    }

    #[test]
    fn backoff_is_bounded_and_honours_retry_after() {
        let p = RetryPolicy::default();
        for attempt in 1..40 {
            assert!(p.backoff(attempt, None) <= p.max_backoff);
        }
        assert!(p.backoff(1, None) <= p.initial_backoff);
        assert_eq!(p.backoff(1, Some(Duration::from_secs(2))), Duration::from_secs(2));
        assert_eq!(p.backoff(1, Some(Duration::from_secs(3600))), p.max_backoff);
    }
}
