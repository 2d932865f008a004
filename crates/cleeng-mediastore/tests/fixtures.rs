//! Every fixture in tests/fixtures decodes into the generated type of each operation it stands
//! for, and the payload comes out of the envelope as documented.

use crate::common;

use cleeng_mediastore::types::*;
use cleeng_mediastore::{AdyenOutcome, ApiError, Envelope};
use common::fixture;

fn decode<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

/// The fixtures this file covers; a new fixture must be added here.
const COVERED: &[&str] = &[
    "createAdyenPayment.action.json",
    "createAdyenPayment.payment.json",
    "createOrder.200.json",
    "error.USER0002.json",
    "listCustomerTransactions.200.json",
    "listOffers.200.json",
    "listSwitches.200.json",
    "loginCustomer.200.json",
    "refreshToken.200.json",
    "verifyGift.200.json",
];

#[test]
fn every_fixture_is_covered() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names, COVERED);
}

#[test]
fn login_and_register_tokens() {
    for tokens in [
        decode::<LoginCustomerResponse>("loginCustomer.200.json").into_data(),
        decode::<RegisterCustomerResponse>("loginCustomer.200.json").into_data(),
    ] {
        assert!(tokens.jwt.as_ref().is_some_and(|j| j.expose().split('.').count() == 3));
        assert!(tokens.refresh_token.is_some());
        assert!(!format!("{tokens:?}").contains(tokens.jwt.as_ref().unwrap().expose()));
    }
}

#[test]
fn refresh_pair() {
    let pair = decode::<RefreshTokenResponse>("refreshToken.200.json").into_data();
    assert_eq!(pair.refresh_token.unwrap().expose(), "0a9c8e7d2b1f3a9e6c4b8d0e1c5f2c6b");
    assert!(pair.jwt.is_some());
}

#[test]
fn order_for_create_get_and_update() {
    let created = decode::<CreateOrderResponse>("createOrder.200.json");
    assert!(created.errors().is_empty());
    let order = created.into_data().order.expect("an order");
    assert!(order.id.is_some());
    assert!(order.price_breakdown.is_some());
    decode::<GetOrderResponse>("createOrder.200.json").into_data().order.expect("an order");
    decode::<UpdateOrderResponse>("createOrder.200.json").into_data().order.expect("an order");
}

#[test]
fn adyen_payment_branch() {
    let outcome: AdyenOutcome = decode::<CreateAdyenPaymentResponse>("createAdyenPayment.payment.json").into_data().into();
    match outcome {
        AdyenOutcome::Paid(payment) => {
            assert_eq!(payment.id, Some(555666777));
            assert_eq!(payment.order_id, Some(987654321));
        }
        other => panic!("expected a payment, got {other:?}"),
    }
}

#[test]
fn adyen_action_branch_keeps_every_key() {
    let outcome: AdyenOutcome = decode::<CreateAdyenPaymentResponse>("createAdyenPayment.action.json").into_data().into();
    let AdyenOutcome::ActionRequired(action) = outcome else {
        panic!("expected an action");
    };
    assert_eq!(action.get("type").and_then(|v| v.as_str()), Some("threeDS2"));
    assert_eq!(action.get("paymentData").and_then(|v| v.as_str()), Some("Ab02b4c0!BQABAgCW5sxB4e..."));
    // Drop-in needs the threeDS2 token: it must survive decoding.
    assert_eq!(
        action.get("token").and_then(|v| v.as_str()),
        Some("eyJ0aHJlZURTTWV0aG9kTm90aWZpY2F0aW9uVVJMIjoi...")
    );
}

#[test]
fn bare_array_lists_stay_arrays() {
    let offers: Vec<OfferV2> = decode::<ListOffersResponse>("listOffers.200.json").into_data();
    assert!(!offers.is_empty());
    let switches: Vec<Switch> = decode::<ListSwitchesResponse>("listSwitches.200.json").into_data();
    assert_eq!(switches.len(), 1);
    assert_eq!(switches[0].id.as_deref(), Some("SW-123e4567"));
}

#[test]
fn gift_verification_for_verify_and_redeem() {
    let verified = decode::<VerifyGiftResponse>("verifyGift.200.json").into_data();
    let redeemed = decode::<RedeemGiftResponse>("verifyGift.200.json").into_data();
    assert_eq!(format!("{verified:?}"), format!("{redeemed:?}"));
}

#[test]
fn transactions() {
    let list = decode::<ListCustomerTransactionsResponse>("listCustomerTransactions.200.json").into_data();
    assert!(!list.items.is_empty());
}

#[test]
fn user0002_error_envelope() {
    let envelope = decode::<ErrorEnvelope>("error.USER0002.json");
    assert_eq!(envelope.code.as_deref(), Some("USER0002"));
    let error = ApiError::from_parts(422, Default::default(), fixture("error.USER0002.json").into());
    assert_eq!(error.code.as_deref(), Some("USER0002"));
    assert_eq!(error.errors, vec!["Customer already exists".to_string()]);
}
