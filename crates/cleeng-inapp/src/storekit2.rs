//! Apple StoreKit 2: register or transfer a purchase, then wait until Cleeng's synchronization
//! with Apple is `finalized`.
//!
//! Cleeng answers a registration or transfer with `202` and a `synchronizationId` before it has
//! talked to Apple; the outcome comes later, from `getAppleSk2SynchronizationStatus` (or the
//! `inappPurchaseSyncResult` webhook). Only one synchronization per `transactionId` may run at a
//! time: a second request meanwhile is refused with `409`, reported here as
//! [`StoreKitError::SyncInProgress`] so callers can wait for the running one instead of failing.
//!
//! ```no_run
//! # async fn run(client: cleeng_inapp::Client) -> Result<(), cleeng_inapp::storekit2::StoreKitError> {
//! use cleeng_inapp::storekit2;
//! use cleeng_inapp::types::Sk2PurchaseRequest;
//!
//! let purchase = Sk2PurchaseRequest { cleeng_customer_id: 123456789, transaction_id: "2000000123456789".into(), ip_address: None };
//! let id = storekit2::register_purchase(&client, purchase, None).await?;
//! let done = storekit2::wait_for_synchronization(&client, &id, &storekit2::default_schedule()).await?;
//! println!("access granted: {:?}, result: {:?}", done.access_granted, done.result);
//! # Ok(()) }
//! ```

use std::time::Duration;

use cleeng_runtime::{ApiError, Error};

use crate::poll::{poll_until, PollError, PollSchedule, Step};
use crate::types::{Sk2PurchaseRequest, SynchronizationStatus, SynchronizationStatusStatus};
use crate::{Client, ClientStorekit2Ext};

/// Why a StoreKit 2 call or wait did not produce a result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreKitError {
    /// `409`: a synchronization for the same transaction is still running (`SK2C0101`; for a
    /// transfer `SK2C0103`/`SK2C0104`). Wait for it to finalize, then send the request again.
    #[error("a synchronization for this transaction is already running: {0}")]
    SyncInProgress(Box<ApiError>),
    /// The synchronization was not `finalized` before the deadline. It may still finish: poll
    /// again later or listen for the `inappPurchaseSyncResult` webhook.
    #[error("the synchronization did not finalize within {waited:?} ({attempts} status checks, last status {last_status:?})")]
    DeadlineExceeded {
        /// Status requests sent.
        attempts: u32,
        /// Time spent waiting.
        waited: Duration,
        /// The last status Cleeng reported, if any arrived.
        last_status: Option<SynchronizationStatusStatus>,
    },
    /// Any other failure (an error status, transport, decoding...).
    #[error(transparent)]
    Api(Box<Error>),
}

impl From<Error> for StoreKitError {
    fn from(e: Error) -> Self {
        StoreKitError::Api(Box::new(e))
    }
}

/// The schedule [`wait_for_synchronization`] callers usually want: first check after 1 s, then
/// doubling up to 15 s between checks, giving up after 2 minutes (Cleeng may keep `retrying`
/// for a while; use the webhook for longer waits).
pub fn default_schedule() -> PollSchedule {
    PollSchedule::backoff(Duration::from_secs(1), Duration::from_secs(15), Duration::from_secs(120))
}

/// Registers a StoreKit 2 purchase and returns the `synchronizationId` to wait on.
/// `correlation_id`, if given, is sent as `Correlation-Id` and becomes the synchronization id.
pub async fn register_purchase(
    client: &Client,
    purchase: Sk2PurchaseRequest,
    correlation_id: Option<&str>,
) -> Result<String, StoreKitError> {
    let mut call = client.register_apple_sk2_purchase().body(purchase);
    if let Some(id) = correlation_id {
        call = call.correlation_id(id);
    }
    started(call.call().await)
}

/// Transfers a StoreKit 2 purchase to `purchase.cleeng_customer_id` and returns the
/// `synchronizationId` to wait on, like [`register_purchase`].
pub async fn transfer_purchase(
    client: &Client,
    purchase: Sk2PurchaseRequest,
    correlation_id: Option<&str>,
) -> Result<String, StoreKitError> {
    let mut call = client.transfer_apple_sk2_purchase().body(purchase);
    if let Some(id) = correlation_id {
        call = call.correlation_id(id);
    }
    started(call.call().await)
}

fn started(
    result: Result<crate::types::SynchronizationAccepted, Error>,
) -> Result<String, StoreKitError> {
    match result {
        Ok(accepted) => Ok(accepted.synchronization_id),
        Err(Error::Api(e)) if e.status == 409 => Err(StoreKitError::SyncInProgress(e)),
        Err(e) => Err(StoreKitError::from(e)),
    }
}

/// Polls the synchronization `synchronization_id` until its status is `finalized` and returns
/// that final status (`accessGranted`, `offerId`, `result`). `processing` and `retrying` mean
/// "not yet"; so does a status this crate does not know (Cleeng may add one), which is reported
/// in [`StoreKitError::DeadlineExceeded`] if it never turns `finalized`. Error statuses end the
/// wait at once. Dropping the future stops polling.
pub async fn wait_for_synchronization(
    client: &Client,
    synchronization_id: &str,
    schedule: &PollSchedule,
) -> Result<SynchronizationStatus, StoreKitError> {
    let outcome = poll_until(schedule, |_| async move {
        let status = client
            .get_apple_sk2_synchronization_status()
            .synchronization_id(synchronization_id)
            .call()
            .await?;
        Ok::<_, Error>(match status.status {
            SynchronizationStatusStatus::Finalized => Step::Done(status),
            other => Step::NotYet(other),
        })
    })
    .await;
    match outcome {
        Ok(status) => Ok(status),
        Err(PollError::Failed(e)) => Err(StoreKitError::from(e)),
        Err(PollError::Deadline(e)) => Err(StoreKitError::DeadlineExceeded {
            attempts: e.attempts,
            waited: e.waited,
            last_status: e.last,
        }),
    }
}
