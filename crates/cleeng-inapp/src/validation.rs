//! Samsung TV and Vizio: wait for the outcome of a purchase validation.
//!
//! `validateSamsungTvPurchase` / `validateVizioPurchase` only hand the purchase to Cleeng; the
//! validation runs afterwards and its state (`pending`, then `success` or `failure`) is read with
//! the matching purchase-status call, keyed by the correlation id (the one you sent in the
//! `correlationId` header, or the one Cleeng returned). The status calls need a customer JWT.
//! [`wait_for_validation`] polls it until the answer is final.

use std::time::Duration;

use cleeng_runtime::Error;

use crate::poll::{poll_until, PollError, PollSchedule, Step};
use crate::types::PurchaseValidationStatusStatus;
use crate::{Client, ClientSamsungExt, ClientVizioExt};

/// Which store's validation to wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// Samsung TV (Samsung Checkout): `getSamsungTvPurchaseStatus`.
    SamsungTv,
    /// Vizio: `getVizioPurchaseStatus`.
    Vizio,
}

/// The final state of a validation. A `Failure` is an answer, not an error: Cleeng looked at the
/// purchase and did not accept it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationOutcome {
    /// The purchase was validated; the subscription is created or synced.
    Success,
    /// The purchase was rejected.
    Failure,
}

/// Why a validation wait ended without an outcome.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// Still not final when the deadline passed.
    #[error("the validation was not final within {waited:?} ({attempts} status checks, last status {last_status:?})")]
    DeadlineExceeded {
        /// Status requests sent.
        attempts: u32,
        /// Time spent waiting.
        waited: Duration,
        /// The last status Cleeng reported, if any arrived.
        last_status: Option<PurchaseValidationStatusStatus>,
    },
    /// Any failure of a status call (an error status, a missing customer JWT, transport...).
    #[error(transparent)]
    Api(Box<Error>),
}

impl From<Error> for ValidationError {
    fn from(e: Error) -> Self {
        ValidationError::Api(Box::new(e))
    }
}

/// A schedule that suits validations: a check every 2 s for up to one minute.
pub fn default_schedule() -> PollSchedule {
    PollSchedule::fixed(Duration::from_secs(2), Duration::from_secs(60))
}

/// Polls the purchase status of `store` for `correlation_id` until it is `success` or
/// `failure`. `pending`, and any status this crate does not know, mean "not yet". Error
/// statuses end the wait at once. Dropping the future stops polling.
pub async fn wait_for_validation(
    client: &Client,
    store: Store,
    correlation_id: &str,
    schedule: &PollSchedule,
) -> Result<ValidationOutcome, ValidationError> {
    let outcome = poll_until(schedule, |_| async move {
        let status = match store {
            Store::SamsungTv => client
                .get_samsung_tv_purchase_status()
                .correlation_id(correlation_id)
                .call()
                .await?
                .status,
            Store::Vizio => client
                .get_vizio_purchase_status()
                .correlation_id(correlation_id)
                .call()
                .await?
                .status,
        };
        Ok::<_, Error>(match status {
            PurchaseValidationStatusStatus::Success => Step::Done(ValidationOutcome::Success),
            PurchaseValidationStatusStatus::Failure => Step::Done(ValidationOutcome::Failure),
            other => Step::NotYet(other),
        })
    })
    .await;
    match outcome {
        Ok(outcome) => Ok(outcome),
        Err(PollError::Failed(e)) => Err(ValidationError::from(e)),
        Err(PollError::Deadline(e)) => Err(ValidationError::DeadlineExceeded {
            attempts: e.attempts,
            waited: e.waited,
            last_status: e.last,
        }),
    }
}
