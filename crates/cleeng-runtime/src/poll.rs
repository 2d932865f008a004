//! Asking the same question until the answer is final, within a deadline.
//!
//! Several Cleeng flows start work and let the caller poll for its outcome: device pairing
//! (`checkDeviceCode`), StoreKit 2 synchronizations, Samsung and Vizio validations. This module
//! is the one loop they share: ask, wait (a fixed interval or a growing one), ask again, and give
//! up at an overall deadline. Every request is also bounded by that deadline, so a hanging
//! request cannot outlive it.
//!
//! Cancelling is dropping: the loop is a plain future, so dropping it (a `select!` branch that
//! lost, `tokio::time::timeout`, an aborted task) stops it at once and nothing more is sent.
//!
//! It lives in the runtime because two families need it (`cleeng-auth` re-exports it as
//! `cleeng_auth::poll`, `cleeng-inapp` as `cleeng_inapp::poll`).

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// The shortest wait between two requests; smaller intervals are raised to it so that a zero
/// interval cannot turn polling into a request storm.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(10);

/// When to ask again and when to give up.
///
/// Waits start at `interval` and are multiplied by `multiplier` after every "not yet" answer,
/// up to `max_interval`; `multiplier: 1` polls at a fixed interval. `deadline` counts from the
/// first request and bounds everything, requests included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSchedule {
    /// Wait after the first "not yet" (at least [`MIN_POLL_INTERVAL`]).
    pub interval: Duration,
    /// Growth of the wait per "not yet" answer (`1` = fixed interval, `0` is read as `1`).
    pub multiplier: u32,
    /// Cap on any single wait.
    pub max_interval: Duration,
    /// Total time allowed, from the first request.
    pub deadline: Duration,
}

impl PollSchedule {
    /// Asks every `interval` until `deadline`.
    pub fn fixed(interval: Duration, deadline: Duration) -> Self {
        PollSchedule {
            interval,
            multiplier: 1,
            max_interval: interval,
            deadline,
        }
    }

    /// Waits `initial`, then twice as long after each "not yet", never more than `max_interval`,
    /// until `deadline`.
    pub fn backoff(initial: Duration, max_interval: Duration, deadline: Duration) -> Self {
        PollSchedule {
            interval: initial,
            multiplier: 2,
            max_interval,
            deadline,
        }
    }

    /// The same schedule with another overall deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The wait after the `answers`-th "not yet" (counting from 1).
    pub fn wait_after(&self, answers: u32) -> Duration {
        let base = self.interval.max(MIN_POLL_INTERVAL);
        let cap = self.max_interval.max(base);
        let multiplier = self.multiplier.max(1);
        if multiplier == 1 {
            return base;
        }
        let mut wait = base;
        for _ in 1..answers {
            if wait >= cap {
                break;
            }
            wait = wait.saturating_mul(multiplier);
        }
        wait.min(cap)
    }
}

/// One answer to a poll: final, or not yet (with what was seen, e.g. the last status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<T, P> {
    /// The answer is final.
    Done(T),
    /// Not final yet; ask again later.
    NotYet(P),
}

/// What polling saw before its deadline passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exhausted<P> {
    /// Requests started (the last one may have been cut off by the deadline).
    pub attempts: u32,
    /// Time from the first request to giving up.
    pub waited: Duration,
    /// The last "not yet" answer, if any arrived.
    pub last: Option<P>,
}

/// Why polling stopped without a final answer.
#[derive(Debug)]
pub enum PollError<E, P> {
    /// The deadline passed.
    Deadline(Exhausted<P>),
    /// A request failed in a way that ends polling.
    Failed(E),
}

/// Calls `ask` (with the attempt number, from 1) until it returns [`Step::Done`] or an error,
/// waiting between attempts as `schedule` says, and gives up at `schedule.deadline`.
pub async fn poll_until<T, P, E, F, Fut>(
    schedule: &PollSchedule,
    mut ask: F,
) -> Result<T, PollError<E, P>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Step<T, P>, E>>,
{
    let started = Instant::now();
    let deadline = started
        .checked_add(schedule.deadline)
        .unwrap_or_else(|| started + Duration::from_secs(60 * 60 * 24 * 365));
    let mut attempts: u32 = 0;
    let mut last = None;
    loop {
        attempts = attempts.saturating_add(1);
        let answer = match tokio::time::timeout_at(deadline, ask(attempts)).await {
            Ok(answer) => answer,
            Err(_) => {
                return Err(PollError::Deadline(Exhausted {
                    attempts,
                    waited: started.elapsed(),
                    last,
                }))
            }
        };
        match answer {
            Ok(Step::Done(value)) => return Ok(value),
            Ok(Step::NotYet(seen)) => last = Some(seen),
            Err(e) => return Err(PollError::Failed(e)),
        }
        let wait = schedule.wait_after(attempts);
        match Instant::now().checked_add(wait) {
            Some(next) if next < deadline => tokio::time::sleep_until(next).await,
            _ => {
                tokio::time::sleep_until(deadline).await;
                return Err(PollError::Deadline(Exhausted {
                    attempts,
                    waited: started.elapsed(),
                    last,
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_at_the_cap() {
        let s = PollSchedule::backoff(Duration::from_millis(100), Duration::from_millis(350), Duration::from_secs(5));
        let waits: Vec<u128> = (1..=5).map(|n| s.wait_after(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350, 350]);
        let fixed = PollSchedule::fixed(Duration::from_millis(40), Duration::from_secs(1));
        assert_eq!(fixed.wait_after(1), fixed.wait_after(9));
        let flat = PollSchedule { max_interval: Duration::from_secs(9), ..fixed };
        assert_eq!(flat.wait_after(u32::MAX), Duration::from_millis(40));
        let zero = PollSchedule::fixed(Duration::ZERO, Duration::from_secs(1));
        assert_eq!(zero.wait_after(1), MIN_POLL_INTERVAL);
        let huge = PollSchedule { multiplier: u32::MAX, ..PollSchedule::backoff(Duration::MAX, Duration::MAX, Duration::MAX) };
        assert_eq!(huge.wait_after(u32::MAX), Duration::MAX);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_at_the_deadline_with_the_last_answer() {
        let s = PollSchedule::fixed(Duration::from_secs(1), Duration::from_millis(3500));
        let result: Result<(), PollError<(), u32>> =
            poll_until(&s, |n| async move { Ok(Step::NotYet(n)) }).await;
        match result {
            Err(PollError::Deadline(e)) => {
                assert_eq!(e.attempts, 4);
                assert_eq!(e.last, Some(4));
                assert_eq!(e.waited, Duration::from_millis(3500));
            }
            other => panic!("expected the deadline, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_request_is_cut_off_by_the_deadline() {
        let s = PollSchedule::fixed(Duration::from_secs(1), Duration::from_secs(2));
        let result: Result<(), PollError<(), ()>> = poll_until(&s, |_| async {
            std::future::pending::<Result<Step<(), ()>, ()>>().await
        })
        .await;
        assert!(matches!(result, Err(PollError::Deadline(Exhausted { attempts: 1, last: None, .. }))));
    }

    #[tokio::test(start_paused = true)]
    async fn stops_on_the_first_final_answer_or_error() {
        let s = PollSchedule::fixed(Duration::from_secs(1), Duration::from_secs(60));
        let done: Result<u32, PollError<(), ()>> = poll_until(&s, |n| async move {
            Ok(if n == 3 { Step::Done(n) } else { Step::NotYet(()) })
        })
        .await;
        assert_eq!(done.ok(), Some(3));
        let failed: Result<(), PollError<&str, ()>> =
            poll_until(&s, |_| async { Err("gone") }).await;
        assert!(matches!(failed, Err(PollError::Failed("gone"))));
    }
}
