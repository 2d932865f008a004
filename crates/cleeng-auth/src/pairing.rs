//! Device login with a PIN ("PIN pair") for a TV or set-top box.
//!
//! The TV asks Cleeng for a short code ([`start_device_pairing`]) and shows it with the
//! verification URL; the customer enters it on a phone or computer where they are logged in
//! (`authorizeDeviceCode`, with their JWT); meanwhile the TV polls `checkDeviceCode`
//! ([`PairingCode::wait_for_authorization`]) and receives the customer's tokens.
//!
//! While the code is not authorized yet, Cleeng answers the check with `401` and code `PINP0301`:
//! that is "not yet", not a failure. `404` (unknown code) and `410` (expired code) are final.
//! Times in this API are milliseconds (`expiresAt`, `expiresIn`); this module turns them into
//! [`SystemTime`] and [`Duration`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use cleeng_auth::{pairing, Client};
//!
//! let client = Client::sandbox(());
//! let code = pairing::start_device_pairing(&client, 123456789, "tv-0001", "Living room TV").await?;
//! println!("Go to {:?} and enter {}", code.verification_url, code.code);
//! // Dropping this future (e.g. the user pressed Back) stops polling.
//! let device = code.wait_for_authorization(&client, &code.default_schedule()).await?;
//! println!("paired with customer {:?}", device.customer_id);
//! # Ok(()) }
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cleeng_runtime::{ApiError, CustomerJwt, Error, Secret};

use crate::poll::{poll_until, PollError, PollSchedule, Step};
use crate::types::DeviceTokens;
use crate::{Client, ClientDeviceLoginExt};

/// Cleeng's error code for "this code is not authorized yet, keep polling".
pub const NOT_YET_AUTHORIZED: &str = "PINP0301";

/// How long [`PairingCode::default_schedule`] keeps polling when Cleeng gave no expiry.
pub const DEFAULT_PAIRING_DEADLINE: Duration = Duration::from_secs(10 * 60);

/// How often [`PairingCode::default_schedule`] polls. Cleeng documents no interval; five
/// seconds keeps a TV responsive without hammering the API.
pub const DEFAULT_PAIRING_INTERVAL: Duration = Duration::from_secs(5);

/// A code to show on the TV, from `generateDeviceCode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingCode {
    /// The code the customer enters on their other device.
    pub code: String,
    /// Where the customer enters it, if Cleeng sent one.
    pub verification_url: Option<String>,
    /// When the code stops working (Cleeng sends epoch milliseconds), if Cleeng sent it.
    pub expires_at: Option<SystemTime>,
}

/// What the TV receives once the customer authorized its code.
#[derive(Debug, Clone)]
pub struct PairedDevice {
    /// The customer's JWT (short-lived; prints `[redacted]` in `Debug`).
    pub access_token: CustomerJwt,
    /// The token that obtains new JWTs (prints `[redacted]` in `Debug`), if sent.
    pub refresh_token: Option<Secret>,
    /// Lifetime of `access_token` (Cleeng sends milliseconds), if sent.
    pub expires_in: Option<Duration>,
    /// The Cleeng customer id (a string in this API), if sent.
    pub customer_id: Option<String>,
    /// Kind of token, e.g. `JWT`, if sent.
    pub token_type: Option<String>,
    /// Text the verifying device passed along, if any.
    pub additional_payload: Option<String>,
}

/// Why pairing ended without tokens.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PairingError {
    /// `410` (`PINP0203`): the code expired. Generate a new one.
    #[error("the device code expired; generate a new one: {0}")]
    Expired(Box<ApiError>),
    /// `404` (`PINP0201`): Cleeng does not know this code. Generate a new one.
    #[error("the device code is unknown or invalid: {0}")]
    NotFound(Box<ApiError>),
    /// Nobody authorized the code before the deadline.
    #[error("the device code was not authorized within {waited:?} ({attempts} checks)")]
    DeadlineExceeded {
        /// Checks sent.
        attempts: u32,
        /// Time spent waiting.
        waited: Duration,
    },
    /// Any other failure (another error status, transport, a success body without a token...).
    #[error(transparent)]
    Api(Box<Error>),
}

impl From<Error> for PairingError {
    fn from(e: Error) -> Self {
        PairingError::Api(Box::new(e))
    }
}

/// Asks Cleeng for a code to show on the device. `broadcaster_id` is your Cleeng publisher id;
/// `device_id` and `device_name` (1 to 128 characters each) identify the device to the customer.
pub async fn start_device_pairing(
    client: &Client,
    broadcaster_id: i32,
    device_id: impl Into<String>,
    device_name: impl Into<String>,
) -> Result<PairingCode, Error> {
    let (device_id, device_name) = (device_id.into(), device_name.into());
    let code = client
        .generate_device_code()
        .body_map(|b| b.broadcaster_id(broadcaster_id).device_id(device_id).device_name(device_name))
        .call()
        .await?;
    let Some(value) = code.code else {
        return Err(Error::Decode {
            operation: Some("generateDeviceCode".into()),
            path: Some("code".into()),
            message: "the answer has no code".into(),
            body: bytes::Bytes::new(),
        });
    };
    Ok(PairingCode {
        code: value,
        verification_url: code.verification_url,
        expires_at: code.expires_at.and_then(epoch_millis),
    })
}

impl PairingCode {
    /// Polls every [`DEFAULT_PAIRING_INTERVAL`] until the code's expiry (plus a few seconds, so
    /// a clock that runs ahead does not cut the wait short: Cleeng's `410` ends it exactly), or
    /// for [`DEFAULT_PAIRING_DEADLINE`] when there is no expiry.
    pub fn default_schedule(&self) -> PollSchedule {
        let deadline = self
            .expires_at
            .map(|at| {
                at.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO)
                    .saturating_add(Duration::from_secs(5))
            })
            .unwrap_or(DEFAULT_PAIRING_DEADLINE);
        PollSchedule::fixed(DEFAULT_PAIRING_INTERVAL, deadline)
    }

    /// Waits until the customer authorizes this code; see [`wait_for_device_authorization`].
    pub async fn wait_for_authorization(
        &self,
        client: &Client,
        schedule: &PollSchedule,
    ) -> Result<PairedDevice, PairingError> {
        wait_for_device_authorization(client, &self.code, schedule).await
    }
}

/// Polls `checkDeviceCode` for `code` as `schedule` says until Cleeng hands over the tokens.
///
/// `401` with code `PINP0301` means "not yet". So does a `401` whose body carries no error code
/// at all: the check is a public call, so a `401` cannot be about credentials (Cleeng does not
/// publish its error body layout, so the code may not be readable). A `401` with any other code,
/// `404`, `410` and every other error end the wait at once. Dropping the future stops polling.
pub async fn wait_for_device_authorization(
    client: &Client,
    code: &str,
    schedule: &PollSchedule,
) -> Result<PairedDevice, PairingError> {
    let outcome = poll_until(schedule, |_| async move {
        match client.check_device_code().code(code).call().await {
            Ok(tokens) => paired(tokens).map(Step::Done),
            Err(Error::Api(e)) if e.status == 401 && is_not_yet(&e) => Ok(Step::NotYet(())),
            Err(Error::Api(e)) if e.status == 404 => Err(PairingError::NotFound(e)),
            Err(Error::Api(e)) if e.status == 410 => Err(PairingError::Expired(e)),
            Err(e) => Err(PairingError::from(e)),
        }
    })
    .await;
    match outcome {
        Ok(device) => Ok(device),
        Err(PollError::Failed(e)) => Err(e),
        Err(PollError::Deadline(e)) => Err(PairingError::DeadlineExceeded {
            attempts: e.attempts,
            waited: e.waited,
        }),
    }
}

fn is_not_yet(e: &ApiError) -> bool {
    match e.code.as_deref() {
        Some(code) => code == NOT_YET_AUTHORIZED,
        None => true,
    }
}

fn paired(tokens: DeviceTokens) -> Result<PairedDevice, PairingError> {
    let Some(access) = tokens.access_token else {
        return Err(PairingError::from(Error::Decode {
            operation: Some("checkDeviceCode".into()),
            path: Some("accessToken".into()),
            message: "the code is authorized but the answer has no access token".into(),
            body: bytes::Bytes::new(),
        }));
    };
    Ok(PairedDevice {
        access_token: CustomerJwt::new(access.expose()),
        refresh_token: tokens.refresh_token,
        expires_in: tokens
            .expires_in
            .and_then(|ms| u64::try_from(ms).ok())
            .map(Duration::from_millis),
        customer_id: tokens.customer_id,
        token_type: tokens.token_type,
        additional_payload: tokens.additional_payload,
    })
}

/// Epoch milliseconds as a time; `None` for a negative value.
fn epoch_millis(ms: i64) -> Option<SystemTime> {
    let ms = u64::try_from(ms).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_become_times() {
        assert_eq!(epoch_millis(1_767_225_600_000), Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600)));
        assert_eq!(epoch_millis(-1), None);
    }

    #[test]
    fn only_pinp0301_or_no_code_means_not_yet() {
        let e = |code: Option<&str>| ApiError {
            operation: None,
            status: 401,
            message: None,
            code: code.map(str::to_string),
            errors: vec![],
            headers: Default::default(),
            body: Default::default(),
        };
        assert!(is_not_yet(&e(Some("PINP0301"))));
        assert!(is_not_yet(&e(None)));
        assert!(!is_not_yet(&e(Some("AUTH0002"))));
    }

    #[test]
    fn default_schedule_follows_the_code_expiry() {
        let soon = PairingCode {
            code: "AB12CD".into(),
            verification_url: None,
            expires_at: Some(SystemTime::now() + Duration::from_secs(60)),
        };
        let s = soon.default_schedule();
        assert!(s.deadline > Duration::from_secs(60) && s.deadline <= Duration::from_secs(65), "{s:?}");
        let past = PairingCode { expires_at: Some(UNIX_EPOCH), ..soon.clone() };
        assert_eq!(past.default_schedule().deadline, Duration::from_secs(5));
        let none = PairingCode { expires_at: None, ..soon };
        assert_eq!(none.default_schedule().deadline, DEFAULT_PAIRING_DEADLINE);
    }
}
