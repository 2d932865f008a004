//! The checkout flow as a few typed steps: order, payment method, payment.
//!
//! Buying an offer takes several MediaStore calls whose payloads nest the useful part
//! (`responseData.order`, `responseData.payment`, `responseData.redirectUrl`) and whose Adyen
//! step answers with either a finished payment or an `action` for Adyen Drop-in. These methods
//! make each step one call returning the useful part, and [`AdyenOutcome`] makes the either/or
//! something to `match` on:
//!
//! ```no_run
//! # async fn run(account: cleeng_mediastore::Account, drop_in_state: serde_json::Map<String, serde_json::Value>) -> Result<(), cleeng_mediastore::Error> {
//! use cleeng_mediastore::{types, AdyenOutcome};
//!
//! let order = account
//!     .create_order(types::CreateOrderRequest::builder().offer_id("S123123123_US").country(Some("US".into())).currency(Some("USD".into())))
//!     .await?;
//! let order_id = order.id.unwrap_or_default();
//! account.set_payment_method(order_id, 142029029).await?;
//! let request = types::AdyenInitialPaymentRequest::builder()
//!     .order_id(order_id)
//!     .payment_method(drop_in_state)
//!     .return_url("https://example.com/checkout/return");
//! match account.pay_with_adyen(request).await? {
//!     AdyenOutcome::Paid(payment) => println!("paid: {:?}", payment.status),
//!     AdyenOutcome::ActionRequired(action) => {
//!         // hand `action` to Drop-in, then `finalize_adyen_payment` with its details
//!     }
//! }
//! # Ok(()) }
//! ```

use cleeng_runtime::Error;
use serde::Serialize;

use crate::account::Account;
use crate::generated::types::{
    self, AdyenAction, AdyenPaymentDetailsOutcome, AdyenPaymentOutcome, Order, OrderResult, Payment,
    PaymentDetail,
};
use crate::generated::{ClientOrdersExt, ClientPaymentsExt};

/// What an Adyen initial payment answered: the payment, or an action (3-D Secure, a redirect)
/// the customer must complete in Adyen Drop-in before `finalize_adyen_payment`.
#[derive(Debug, Clone)]
pub enum AdyenOutcome {
    /// The payment went through (or was refused with a status on the payment). Boxed: a
    /// payment is much larger than an action.
    Paid(Box<Payment>),
    /// Hand this object, unchanged, to Drop-in's `handleAction`.
    ActionRequired(AdyenAction),
}

impl From<AdyenPaymentOutcome> for AdyenOutcome {
    fn from(outcome: AdyenPaymentOutcome) -> Self {
        match outcome {
            AdyenPaymentOutcome::PaymentResult(result) => AdyenOutcome::Paid(Box::new(result.payment)),
            AdyenPaymentOutcome::ActionResult(result) => AdyenOutcome::ActionRequired(result.action),
        }
    }
}

impl AdyenOutcome {
    /// The payment, if there is one.
    pub fn payment(&self) -> Option<&Payment> {
        match self {
            AdyenOutcome::Paid(payment) => Some(payment),
            AdyenOutcome::ActionRequired(_) => None,
        }
    }

    /// The action, if one is required.
    pub fn action(&self) -> Option<&AdyenAction> {
        match self {
            AdyenOutcome::Paid(_) => None,
            AdyenOutcome::ActionRequired(action) => Some(action),
        }
    }
}

/// What adding Adyen payment details answered: the stored details, or an action to complete
/// first (then `finalizeAdyenPaymentDetails`).
#[derive(Debug, Clone)]
pub enum AdyenDetailsOutcome {
    /// The payment details were stored (boxed, like [`AdyenOutcome::Paid`]).
    Stored(Box<PaymentDetail>),
    /// Hand this object, unchanged, to Drop-in's `handleAction`.
    ActionRequired(AdyenAction),
}

impl From<AdyenPaymentDetailsOutcome> for AdyenDetailsOutcome {
    fn from(outcome: AdyenPaymentDetailsOutcome) -> Self {
        match outcome {
            AdyenPaymentDetailsOutcome::PaymentDetailsResult(result) => {
                AdyenDetailsOutcome::Stored(Box::new(result.payment_details))
            }
            AdyenPaymentDetailsOutcome::ActionResult(result) => {
                AdyenDetailsOutcome::ActionRequired(result.action)
            }
        }
    }
}

/// A payload that lacks the part a step returns: reported as a decode error with the payload
/// re-serialized, so the caller sees what arrived.
fn missing(operation: &str, what: &str, payload: &impl Serialize) -> Error {
    Error::Decode {
        operation: Some(operation.to_string()),
        path: Some(format!("responseData.{what}")),
        message: format!("the response has no {what}"),
        body: serde_json::to_vec(payload).unwrap_or_default().into(),
    }
}

fn order_of(operation: &str, result: OrderResult) -> Result<Order, Error> {
    match result.order {
        Some(order) => Ok(order),
        None => Err(missing(operation, "order", &result)),
    }
}

impl Account {
    /// Step 1: creates an order for this customer (`createOrder`); the customer id is the
    /// session's. Give `offerId` and either country and currency or `customerIP`.
    pub async fn create_order(&self, request: types::builder::CreateOrderRequest) -> Result<Order, Error> {
        let request = request.customer_id(self.customer_id());
        let result = self.client().create_order().body(request).call().await?.payload()?;
        order_of("createOrder", result)
    }

    /// Step 2: sets the order's payment method (`updateOrder` with `paymentMethodId`; ids come
    /// from `listPaymentMethods`).
    pub async fn set_payment_method(&self, order_id: i64, payment_method_id: i64) -> Result<Order, Error> {
        let result = self
            .client()
            .update_order()
            .order_id(order_id)
            .body_map(|b| b.payment_method_id(payment_method_id))
            .call()
            .await?
            .payload()?;
        order_of("updateOrder", result)
    }

    /// Step 3 (Adyen): the initial payment (`createAdyenPayment`).
    pub async fn pay_with_adyen(
        &self,
        request: types::builder::AdyenInitialPaymentRequest,
    ) -> Result<AdyenOutcome, Error> {
        let outcome = self.client().create_adyen_payment().body(request).call().await?.payload()?;
        Ok(outcome.into())
    }

    /// Step 4 (Adyen, after an action): finishes the payment with Drop-in's
    /// `onAdditionalDetails` `details`, and the action's `paymentData` when it had one
    /// (`finalizeAdyenPayment`).
    pub async fn finalize_adyen_payment(
        &self,
        order_id: i64,
        details: serde_json::Map<String, serde_json::Value>,
        payment_data: Option<String>,
    ) -> Result<Payment, Error> {
        let result = self
            .client()
            .finalize_adyen_payment()
            .body_map(|b| b.order_id(order_id).details(details).payment_data(payment_data))
            .call()
            .await?
            .payload()?;
        Ok(result.payment)
    }

    /// PayPal: the URL to send the customer to (`createPaypalToken`). Cleeng sends them back to
    /// `success_url`, `cancel_url` or `error_url` (with a `message` query parameter).
    pub async fn paypal_redirect_url(
        &self,
        order_id: i64,
        success_url: &str,
        cancel_url: &str,
        error_url: &str,
    ) -> Result<String, Error> {
        let result = self
            .client()
            .create_paypal_token()
            .body_map(|b| {
                b.order_id(order_id)
                    .success_url(success_url.to_string())
                    .cancel_url(cancel_url.to_string())
                    .error_url(error_url.to_string())
            })
            .call()
            .await?
            .payload()?;
        match result.redirect_url {
            Some(url) => Ok(url),
            None => Err(missing("createPaypalToken", "redirectUrl", &result)),
        }
    }

    /// An order that costs nothing now (free trial, 100% coupon): completes it without payment
    /// details (`createPaymentWithoutDetails`).
    pub async fn pay_without_details(&self, order_id: i64) -> Result<Payment, Error> {
        self.client()
            .create_payment_without_details()
            .body_map(|b| b.order_id(order_id))
            .call()
            .await?
            .payload()
    }
}
