//! The checkout steps on a local HTTP server: order → payment method → Adyen (action, then
//! finalize), the payment branch, PayPal, and a payment without details.

use crate::common;

use cleeng_mediastore::{types, Account, AdyenOutcome, Error, Session, Tokens};
use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORDER_ID: i64 = 987654321;

async fn account(server: &MockServer) -> (Account, String) {
    let token = jwt(CUSTOMER_ID, now() + 3600, "checkout");
    let session = Session::new(config(server), Tokens::new(&token, "refresh")).unwrap();
    (Account::new(session).unwrap(), token)
}

fn payment_json() -> serde_json::Value {
    json!({"payment": {"id": 555666777, "orderId": ORDER_ID, "status": "captured", "currency": "USD"}})
}

#[tokio::test]
async fn order_payment_method_adyen_action_then_finalize() {
    let server = MockServer::start().await;
    let (account, token) = account(&server).await;
    let bearer = format!("Bearer {token}");
    Mock::given(method("POST"))
        .and(path("/orders"))
        .and(header("authorization", bearer.as_str()))
        .and(body_json(json!({"offerId": "S123123123_US", "customerId": CUSTOMER_ID, "country": "US", "currency": "USD"})))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("createOrder.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/orders/{ORDER_ID}")))
        .and(body_json(json!({"paymentMethodId": 142029029})))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("createOrder.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/connectors/adyen/initial-payment"))
        .and(body_json(json!({
            "orderId": ORDER_ID,
            "paymentMethod": {"type": "scheme", "encryptedCardNumber": "test_4111"},
            "returnUrl": "https://example.com/return"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("createAdyenPayment.action.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/connectors/adyen/initial-payment/finalize"))
        .and(body_json(json!({
            "orderId": ORDER_ID,
            "details": {"threeDSResult": "eyJ0cmFuc1N0YXR1cyI6IlkifQ=="},
            "paymentData": "Ab02b4c0!BQABAgCW5sxB4e..."
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(payment_json())))
        .expect(1)
        .mount(&server)
        .await;

    let order = account
        .create_order(types::CreateOrderRequest::builder().offer_id("S123123123_US").country(Some("US".into())).currency(Some("USD".into())))
        .await
        .unwrap();
    assert_eq!(order.id, Some(ORDER_ID));
    account.set_payment_method(ORDER_ID, 142029029).await.unwrap();

    let payment_method = json!({"type": "scheme", "encryptedCardNumber": "test_4111"});
    let request = types::AdyenInitialPaymentRequest::builder()
        .order_id(ORDER_ID)
        .payment_method(payment_method.as_object().unwrap().clone())
        .return_url("https://example.com/return");
    let action = match account.pay_with_adyen(request).await.unwrap() {
        AdyenOutcome::ActionRequired(action) => action,
        AdyenOutcome::Paid(payment) => panic!("expected an action, got {payment:?}"),
    };
    let payment_data = action.get("paymentData").and_then(|v| v.as_str()).map(str::to_string);
    let details = json!({"threeDSResult": "eyJ0cmFuc1N0YXR1cyI6IlkifQ=="}).as_object().unwrap().clone();
    let payment = account.finalize_adyen_payment(ORDER_ID, details, payment_data).await.unwrap();
    assert_eq!((payment.id, payment.status.as_deref()), (Some(555666777), Some("captured")));
}

#[tokio::test]
async fn adyen_payment_branch_and_refusal() {
    let server = MockServer::start().await;
    let (account, _) = account(&server).await;
    Mock::given(method("POST"))
        .and(path("/connectors/adyen/initial-payment"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("createAdyenPayment.payment.json")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/connectors/adyen/initial-payment"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "responseData": {}, "errors": ["Payment refused"], "code": "ADYEN0002"
        })))
        .mount(&server)
        .await;
    let request = || {
        types::AdyenInitialPaymentRequest::builder()
            .order_id(ORDER_ID)
            .payment_method(serde_json::Map::new())
            .return_url("https://example.com/return")
    };
    let outcome = account.pay_with_adyen(request()).await.unwrap();
    assert_eq!(outcome.payment().and_then(|p| p.id), Some(555666777));
    assert!(outcome.action().is_none());
    match account.pay_with_adyen(request()).await.unwrap_err() {
        Error::Api(api) => assert_eq!((api.status, api.code.as_deref()), (422, Some("ADYEN0002"))),
        other => panic!("expected the refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn paypal_redirect_and_payment_without_details() {
    let server = MockServer::start().await;
    let (account, _) = account(&server).await;
    Mock::given(method("POST"))
        .and(path("/connectors/paypal/v1/tokens"))
        .and(body_json(json!({
            "orderId": ORDER_ID,
            "successUrl": "https://example.com/ok",
            "cancelUrl": "https://example.com/cancel",
            "errorUrl": "https://example.com/error"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"redirectUrl": "https://paypal.example/checkout?token=EC-1"}))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(body_json(json!({"orderId": ORDER_ID})))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"id": 1, "orderId": ORDER_ID, "status": "captured"}))))
        .expect(1)
        .mount(&server)
        .await;
    let url = account
        .paypal_redirect_url(ORDER_ID, "https://example.com/ok", "https://example.com/cancel", "https://example.com/error")
        .await
        .unwrap();
    assert_eq!(url, "https://paypal.example/checkout?token=EC-1");
    let payment = account.pay_without_details(ORDER_ID).await.unwrap();
    assert_eq!((payment.order_id, payment.status.as_deref()), (Some(ORDER_ID), Some("captured")));
}

#[tokio::test]
async fn an_order_payload_without_an_order_is_a_decode_error() {
    let server = MockServer::start().await;
    let (account, _) = account(&server).await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"success": false, "message": "Offer not available"}))))
        .mount(&server)
        .await;
    let error = account
        .create_order(types::CreateOrderRequest::builder().offer_id("S1_US").country(Some("US".into())).currency(Some("USD".into())))
        .await
        .unwrap_err();
    match error {
        Error::Decode { operation, path, body, .. } => {
            assert_eq!(operation.as_deref(), Some("createOrder"));
            assert_eq!(path.as_deref(), Some("responseData.order"));
            assert!(String::from_utf8_lossy(&body).contains("Offer not available"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
