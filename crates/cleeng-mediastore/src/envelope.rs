//! MediaStore's `{responseData, errors}` envelope, unwrapped to the payload or a typed error.
//!
//! Every MediaStore success body is `{"responseData": <payload>, "errors": []}`. Cleeng's own
//! JavaScript client decides success by `errors.length`, not by the HTTP status, so a body with
//! a non-empty `errors` list is a failure even when it arrives with `200`. Every generated
//! envelope type has an inherent `.payload()` (no trait to import) that returns the payload, or
//! an [`Error::Api`] whose [`ApiError`] carries `errors[]`, `code` (`USER0002`, `AUTH0001`...)
//! and the body:
//!
//! ```no_run
//! # async fn run(client: cleeng_mediastore::Client) -> Result<(), cleeng_mediastore::Error> {
//! use cleeng_mediastore::prelude::*;
//!
//! let customer = client.get_customer().customer_id(123456789).call().await?.payload()?;
//! # Ok(()) }
//! ```
//!
//! Error statuses (4xx, 5xx) already arrive as [`Error::Api`] with `code` parsed by the runtime,
//! and so does a `200` body that does not decode but lists errors
//! (`{"responseData": null, "errors": ["..."]}`). Two list calls (`listOffers`, `listSwitches`)
//! carry a bare array in `responseData`; their payload is that `Vec` exactly.

use cleeng_runtime::{ApiError, Error};
use serde::Serialize;

use crate::generated::types::*;

/// A generated MediaStore response type: the `{responseData, errors}` envelope of one operation.
///
/// Implemented for every generated success envelope (the list is [`ENVELOPE_TYPES`]; a test
/// checks it against the spec), so [`unwrap_envelope`] works on any call's body. Each of them
/// also has the inherent `payload()`, which is the same as [`unwrap_envelope`].
pub trait Envelope: Serialize + Sized {
    /// What `responseData` holds (an `Option` where the spec says it may be absent).
    type Data;
    /// The operationId this envelope belongs to, used to name errors; `None` for the shared
    /// `UndocumentedEnvelope`.
    const OPERATION: Option<&'static str>;
    /// The `errors` list (empty on success).
    fn errors(&self) -> &[String];
    /// The payload, dropping the (empty) `errors` list.
    fn into_data(self) -> Self::Data;
}

macro_rules! envelopes {
    ($($ty:ident ($op:expr) => $data:ty),* $(,)?) => {
        $(
            impl Envelope for $ty {
                type Data = $data;
                const OPERATION: Option<&'static str> = $op;
                fn errors(&self) -> &[String] {
                    &self.errors.0
                }
                fn into_data(self) -> $data {
                    self.response_data
                }
            }

            impl $ty {
                /// The payload of `responseData`, or [`Error::Api`] when the envelope lists
                /// errors (see [`unwrap_envelope`]).
                pub fn payload(self) -> Result<$data, Error> {
                    unwrap_envelope(self)
                }
            }
        )*
        /// Names of the generated types that implement [`Envelope`] (tests compare it with the
        /// spec so a new operation cannot be left out).
        pub const ENVELOPE_TYPES: &[&str] = &[$(stringify!($ty)),*];
    };
}

envelopes! {
    AddAdyenPaymentDetailsResponse(Some("addAdyenPaymentDetails")) => AdyenPaymentDetailsOutcome,
    CreateAdyenPaymentResponse(Some("createAdyenPayment")) => AdyenPaymentOutcome,
    CreateOrderResponse(Some("createOrder")) => OrderResult,
    CreatePaymentWithoutDetailsResponse(Some("createPaymentWithoutDetails")) => Payment,
    CreatePaypalPaymentDetailsTokenResponse(Some("createPaypalPaymentDetailsToken")) => RedirectUrl,
    CreatePaypalTokenResponse(Some("createPaypalToken")) => RedirectUrl,
    DeletePaymentDetailsResponse(Some("deletePaymentDetails")) => Option<DeletedPaymentDetails>,
    FinalizeAdyenPaymentDetailsResponse(Some("finalizeAdyenPaymentDetails")) => AdyenPaymentDetailsResult,
    FinalizeAdyenPaymentResponse(Some("finalizeAdyenPayment")) => AdyenPaymentResult,
    GetAdyenPaymentMethodsResponse(Some("getAdyenPaymentMethods")) => AdyenPaymentMethods,
    GetAvailableSwitchesResponse(Some("getAvailableSwitches")) => SwitchAvailability,
    GetCaptureStatusResponse(Some("getCaptureStatus")) => CaptureStatus,
    GetCustomerConsentsResponse(Some("getCustomerConsents")) => CustomerConsentList,
    GetCustomerResponse(Some("getCustomer")) => Customer,
    GetEntitlementsResponse(Some("getEntitlements")) => Entitlement,
    GetGiftResponse(Some("getGift")) => Gift,
    GetLocalesResponse(Some("getLocales")) => Locales,
    GetOfferForCustomerResponse(Some("getOfferForCustomer")) => Offer,
    GetOfferResponse(Some("getOffer")) => Offer,
    GetOfferV2Response(Some("getOfferV2")) => OfferV2,
    GetOrderResponse(Some("getOrder")) => OrderResult,
    GetPublisherConsentsResponse(Some("getPublisherConsents")) => PublisherConsentList,
    GetSwitchResponse(Some("getSwitch")) => Switch,
    ListCampaignsResponse(Some("listCampaigns")) => Campaign,
    ListCustomerOffersResponse(Some("listCustomerOffers")) => ListCustomerOffersResponseResponseData,
    ListCustomerPassesResponse(Some("listCustomerPasses")) => PassList,
    ListCustomerSubscriptionsResponse(Some("listCustomerSubscriptions")) => SubscriptionList,
    ListCustomerTransactionsResponse(Some("listCustomerTransactions")) => TransactionList,
    ListOffersResponse(Some("listOffers")) => Vec<OfferV2>,
    ListPaymentDetailsResponse(Some("listPaymentDetails")) => PaymentDetailList,
    ListPaymentMethodsResponse(Some("listPaymentMethods")) => PaymentMethodList,
    ListSwitchesResponse(Some("listSwitches")) => Vec<Switch>,
    LoginCustomerResponse(Some("loginCustomer")) => AuthTokens,
    RedeemGiftResponse(Some("redeemGift")) => GiftVerification,
    RefreshTokenResponse(Some("refreshToken")) => TokenPair,
    RegisterCustomerResponse(Some("registerCustomer")) => AuthTokens,
    RequestPasswordResetResponse(Some("requestPasswordReset")) => Option<serde_json::Value>,
    RevokeRefreshTokensResponse(Some("revokeRefreshTokens")) => Option<serde_json::Value>,
    SsoLoginResponse(Some("ssoLogin")) => TokenPair,
    UndocumentedEnvelope(None) => Option<serde_json::Value>,
    UpdateCaptureAnswersResponse(Some("updateCaptureAnswers")) => Option<serde_json::Value>,
    UpdateCustomerConsentsResponse(Some("updateCustomerConsents")) => Option<UpdateConfirmation>,
    UpdateCustomerResponse(Some("updateCustomer")) => Option<Customer>,
    UpdateCustomerSubscriptionResponse(Some("updateCustomerSubscription")) => Option<SubscriptionStatusChange>,
    UpdateGiftResponse(Some("updateGift")) => Gift,
    UpdateOrderResponse(Some("updateOrder")) => OrderResult,
    UpdatePasswordResponse(Some("updatePassword")) => Option<serde_json::Value>,
    VerifyGiftResponse(Some("verifyGift")) => GiftVerification,
}

/// Turns a generated call's body into the envelope's payload.
///
/// * an empty `errors` list → the payload;
/// * an envelope that lists errors → [`Error::Api`] with status 200 (every documented MediaStore
///   success status is 200), `errors`, `code`, and the envelope re-serialized as the body.
///
/// A body that did not decode but lists errors never gets here: the generated `call()` already
/// reports it as [`Error::Api`].
pub fn unwrap_envelope<E: Envelope>(envelope: E) -> Result<E::Data, Error> {
    if envelope.errors().is_empty() {
        return Ok(envelope.into_data());
    }
    let body = serde_json::to_vec(&envelope).unwrap_or_default();
    let mut error = ApiError::from_parts(200, reqwest::header::HeaderMap::new(), body.into());
    error.operation = E::OPERATION.map(str::to_string);
    Err(Error::from(error))
}
