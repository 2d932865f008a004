//! The `{success, data, message}` family of response envelopes, unwrapped to what they carry.
//!
//! Several Core calls wrap their result: list subscriptions in `{success, data, message}`,
//! update subscription in `{success, subscription, message}`, get customer in
//! `{success, message, data}`. Each of these types has an inherent `.payload()` (no trait to
//! import; [`Envelope::into_data`] for generic code) that returns the payload, and turns an
//! envelope that says `success: false` (or lacks its payload) into an [`Error::Decode`] carrying
//! the body, so a caller never mistakes a refused call for an empty result.
//!
//! ```no_run
//! # async fn run(client: cleeng_core::Client) -> Result<(), cleeng_core::Error> {
//! use cleeng_core::prelude::*;
//!
//! let customer = client.get_customer().customer_id(123456789).call().await?.payload()?;
//! # Ok(()) }
//! ```

use cleeng_runtime::Error;
use serde::Serialize;

use crate::conditional::decode_error;
use crate::generated::types::{
    Customer, CustomerEnvelope, Subscription, SubscriptionList, SubscriptionUpdateResult, UpdateSubscriptionResponse,
};

/// A response envelope whose payload can be taken out.
pub trait Envelope: Serialize + Sized {
    /// What the envelope carries.
    type Data;

    /// The payload; an error if the envelope reports failure or has no payload.
    fn into_data(self) -> Result<Self::Data, Error>;
}

fn refused(envelope: &impl Serialize, why: &str, message: Option<&str>) -> Error {
    let body = serde_json::to_vec(envelope).unwrap_or_default();
    let detail = message.filter(|m| !m.is_empty()).map(|m| format!(": {m}")).unwrap_or_default();
    decode_error(format!("{why}{detail}"), body.into())
}

impl Envelope for SubscriptionList {
    type Data = Vec<Subscription>;

    fn into_data(self) -> Result<Vec<Subscription>, Error> {
        if self.success == Some(false) {
            return Err(refused(&self, "Cleeng answered success: false", self.message.as_deref()));
        }
        Ok(self.data)
    }
}

impl Envelope for SubscriptionUpdateResult {
    type Data = Subscription;

    fn into_data(self) -> Result<Subscription, Error> {
        if !self.success {
            return Err(refused(&self, "Cleeng answered success: false", self.message.as_deref()));
        }
        match self.subscription {
            Some(subscription) => Ok(subscription),
            None => Err(refused(&self, "the envelope has no subscription", self.message.as_deref())),
        }
    }
}

/// Update subscription's answer: Cleeng's sources disagree on whether it is enveloped, so the
/// generated type accepts both; either way the payload is the subscription.
impl Envelope for UpdateSubscriptionResponse {
    type Data = Subscription;

    fn into_data(self) -> Result<Subscription, Error> {
        match self {
            UpdateSubscriptionResponse::SubscriptionUpdateResult(envelope) => envelope.into_data(),
            UpdateSubscriptionResponse::Subscription(subscription) => Ok(subscription),
        }
    }
}

impl Envelope for CustomerEnvelope {
    type Data = Customer;

    fn into_data(self) -> Result<Customer, Error> {
        if !self.success {
            return Err(refused(&self, "Cleeng answered success: false", Some(&self.message)));
        }
        Ok(self.data)
    }
}

macro_rules! payload {
    ($($ty:ident => $data:ty),*) => {
        $(
            impl $ty {
                /// The payload; an error if the envelope reports failure or has no payload
                /// (the same as [`Envelope::into_data`]).
                pub fn payload(self) -> Result<$data, Error> {
                    Envelope::into_data(self)
                }
            }
        )*
    };
}

payload!(SubscriptionList => Vec<Subscription>, SubscriptionUpdateResult => Subscription, CustomerEnvelope => Customer);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_or_refuses() {
        let ok: SubscriptionList =
            serde_json::from_value(serde_json::json!({"success": true, "data": [{"subscriptionId": 1}], "message": ""}))
                .expect("decodes");
        assert_eq!(ok.into_data().expect("data").len(), 1);

        let refused: SubscriptionUpdateResult =
            serde_json::from_value(serde_json::json!({"success": false, "subscription": null, "message": "nope"}))
                .expect("decodes");
        match refused.into_data() {
            Err(e @ Error::Decode { .. }) => assert!(e.to_string().contains("success: false: nope"), "{e}"),
            other => panic!("expected a decode error, got {other:?}"),
        }

        let empty: SubscriptionUpdateResult =
            serde_json::from_value(serde_json::json!({"success": true})).expect("decodes");
        assert!(empty.into_data().is_err());
    }

    #[test]
    fn update_subscription_accepts_the_envelope_and_a_bare_subscription() {
        let enveloped: UpdateSubscriptionResponse = serde_json::from_value(serde_json::json!(
            {"success": true, "subscription": {"subscriptionId": 7, "status": "active"}, "message": ""}
        ))
        .expect("envelope decodes");
        assert!(matches!(enveloped, UpdateSubscriptionResponse::SubscriptionUpdateResult(_)));
        assert_eq!(enveloped.into_data().expect("data").subscription_id, Some(7));

        let bare: UpdateSubscriptionResponse =
            serde_json::from_value(serde_json::json!({"subscriptionId": 8, "status": "active"})).expect("bare decodes");
        assert!(matches!(bare, UpdateSubscriptionResponse::Subscription(_)), "a bare subscription must not become an empty envelope");
        assert_eq!(bare.into_data().expect("data").subscription_id, Some(8));

        let refused: UpdateSubscriptionResponse =
            serde_json::from_value(serde_json::json!({"success": false, "subscription": null, "message": "no"}))
                .expect("refusal decodes");
        assert!(refused.into_data().is_err());
    }
}
