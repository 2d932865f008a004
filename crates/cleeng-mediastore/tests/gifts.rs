//! The gift helpers against a local HTTP server: exactly which calls each step makes and with
//! which bodies, what it refuses before calling, how answers become typed outcomes, and that a
//! redemption is never sent twice and never prints its code.

use crate::common;

use std::time::Duration;

use cleeng_mediastore::{
    types, Account, Error, GiftChange, GiftCode, GiftDelivery, GiftError, GiftVerdict, RedeemEffect,
    RefusalReason, Session, Tokens,
};
use cleeng_runtime::RetryPolicy;
use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GIFT_ID: i64 = 205196449;
const ORDER_ID: i64 = 987654321;
const CODE: &str = "1A2B-3C4D";

fn account_with(server: &MockServer, retry: RetryPolicy, timeout: Duration) -> Account {
    let token = jwt(CUSTOMER_ID, now() + 3600, "gifts");
    let config = config(server).retry_policy(retry).timeout(timeout);
    Account::new(Session::new(config, Tokens::new(&token, "refresh")).unwrap()).unwrap()
}

fn account(server: &MockServer) -> Account {
    account_with(server, RetryPolicy::default(), Duration::from_secs(10))
}

/// Retries as eager as a policy allows: 5 attempts, no wait.
fn eager() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
        deadline: Duration::from_secs(30),
    }
}

fn delivery() -> GiftDelivery {
    GiftDelivery::new("friend@example.com", 1_900_000_000, "Happy birthday!")
}

fn gift_json(sent_at: Option<i64>) -> serde_json::Value {
    json!({
        "id": GIFT_ID,
        "code": CODE,
        "offerId": "S123123123_US",
        "deliveryDetails": {"recipientEmail": "friend@example.com", "deliveryDate": 1_900_000_000, "personalNote": "Happy birthday!"},
        "sentAt": sent_at,
        "redeemedAt": null
    })
}

async fn offer_v2(server: &MockServer, giftable: bool) {
    Mock::given(method("GET"))
        .and(path("/v2/offers/S123123123_US"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"id": "S123123123", "giftable": giftable}))))
        .expect(1)
        .mount(server)
        .await;
}

fn location() -> types::builder::CreateOrderRequest {
    types::CreateOrderRequest::builder().country(Some("US".into())).currency(Some("USD".into()))
}

#[tokio::test]
async fn a_giftable_offer_is_ordered_with_buy_as_a_gift_then_given_its_delivery_details() {
    let server = MockServer::start().await;
    offer_v2(&server, true).await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .and(body_json(json!({
            "offerId": "S123123123_US", "customerId": CUSTOMER_ID, "country": "US", "currency": "USD", "buyAsAGift": true
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"order": {"id": ORDER_ID, "buyAsAGift": true}}))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/orders/{ORDER_ID}")))
        .and(body_json(json!({
            "buyAsAGift": true,
            "deliveryDetails": {"recipientEmail": "friend@example.com", "deliveryDate": 1_900_000_000, "personalNote": "Happy birthday!"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"order": {"id": ORDER_ID, "buyAsAGift": true}}))))
        .expect(1)
        .mount(&server)
        .await;
    let order = account(&server).order_gift("S123123123_US", &delivery(), location()).await.unwrap();
    assert_eq!((order.id, order.buy_as_a_gift), (Some(ORDER_ID), Some(true)));
}

#[tokio::test]
async fn a_non_giftable_offer_is_refused_before_anything_is_ordered() {
    let server = MockServer::start().await;
    offer_v2(&server, false).await;
    Mock::given(method("POST")).and(path("/orders")).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let err = account(&server).order_gift("S123123123_US", &delivery(), location()).await.unwrap_err();
    assert!(matches!(&err, GiftError::NotGiftable { offer_id } if offer_id == "S123123123_US"), "{err:?}");
    assert_eq!(err.to_string(), "offer S123123123_US cannot be bought as a gift");
}

#[tokio::test]
async fn bad_delivery_details_are_refused_before_any_call() {
    let server = MockServer::start().await;
    let account = account(&server);
    for bad in [
        GiftDelivery::new("not an email", 1_900_000_000, ""),
        GiftDelivery::new("friend@example.com", 0, ""),
        GiftDelivery::new("friend@example.com", 1_900_000_000, "x".repeat(256)),
    ] {
        let err = account.order_gift("S123123123_US", &bad, location()).await.unwrap_err();
        assert!(matches!(err, GiftError::InvalidDelivery(_)), "{bad:?}: {err:?}");
    }
    // 255 characters (not bytes) is fine.
    assert!(GiftDelivery::new("friend@example.com", 1, "é".repeat(255)).validate().is_ok());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn gifts_are_found_in_the_transactions_across_pages() {
    let server = MockServer::start().await;
    let transaction = |i: i64, kind: &str| json!({"transactionId": format!("T{i}"), "offerId": "S1_US", "targetType": kind, "targetId": i});
    let mut first: Vec<_> = (0..50).map(|i| transaction(i, "subscriptionId")).collect();
    first[7] = transaction(7, "giftId");
    // Cleeng sends ids as numbers or strings depending on the call.
    first[9] = json!({"transactionId": "T9", "targetType": "giftId", "targetId": "205196449"});
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}/transactions")))
        .and(query_param("offset", "0"))
        .and(query_param("limit", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"items": first}))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}/transactions")))
        .and(query_param("offset", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"items": [transaction(51, "giftId")]}))))
        .expect(1)
        .mount(&server)
        .await;
    let gifts = account(&server).purchased_gifts().await.unwrap();
    let ids: Vec<i64> = gifts.iter().map(|g| g.gift_id).collect();
    assert_eq!(ids, [7, GIFT_ID, 51]);
    assert_eq!(gifts[0].transaction_id, "T7");
}

#[tokio::test]
async fn a_subscription_transaction_is_not_a_gift() {
    let t: types::Transaction =
        serde_json::from_value(json!({"transactionId": "T1", "targetType": "subscriptionId", "targetId": 5})).unwrap();
    let err = cleeng_mediastore::PurchasedGift::try_from(&t).unwrap_err();
    assert!(matches!(&err, GiftError::NotAGift { transaction_id } if transaction_id == "T1"), "{err:?}");
}

#[tokio::test]
async fn a_date_only_edit_resends_the_current_recipient_and_note() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/gifts/{GIFT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(gift_json(None))))
        .expect(1)
        .mount(&server)
        .await;
    let mut edited = gift_json(None);
    edited["deliveryDetails"]["deliveryDate"] = json!(1_900_086_400);
    Mock::given(method("PATCH"))
        .and(path(format!("/gifts/{GIFT_ID}")))
        .and(body_json(json!({
            "deliveryDetails": {"recipientEmail": "friend@example.com", "deliveryDate": 1_900_086_400, "personalNote": "Happy birthday!"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(edited)))
        .expect(1)
        .mount(&server)
        .await;
    let gift = account(&server)
        .edit_gift(GIFT_ID, GiftChange::new().delivery_date(1_900_086_400))
        .await
        .unwrap();
    assert_eq!(gift.delivery_details.unwrap().delivery_date, Some(1_900_086_400));
    assert!(!format!("{:?}", gift.code).contains("1A2B"), "the code prints redacted");
}

#[tokio::test]
async fn a_sent_gift_is_not_edited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/gifts/{GIFT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(gift_json(Some(1_800_000_000)))))
        .mount(&server)
        .await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let err = account(&server).edit_gift(GIFT_ID, GiftChange::new().personal_note("Hi")).await.unwrap_err();
    assert!(matches!(err, GiftError::AlreadyDelivered { gift_id: GIFT_ID }), "{err:?}");
}

#[tokio::test]
async fn verification_outcomes_are_typed_and_the_code_is_a_plain_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/gifts/verification/{CODE}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "redeemable": true, "redeemMode": "EXTEND", "extendedSubscriptionId": 42, "offerId": "S1_US"
        }))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/gifts/verification/USED-CODE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "redeemable": false, "redeemMode": null, "redeemRefusalReason": "RECURRING_PROCESS_ALREADY_STARTED"
        }))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/gifts/verification/ZZZZ-0000"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"responseData": {}, "errors": ["Gift not found"]})))
        .mount(&server)
        .await;
    let account = account(&server);
    let verdict = account.verify_gift(&GiftCode::parse(CODE).unwrap()).await.unwrap();
    assert_eq!(
        verdict,
        GiftVerdict::Redeemable {
            effect: RedeemEffect::ExtendSubscription { subscription_id: Some(42) },
            offer_id: Some("S1_US".try_into().unwrap())
        }
    );
    let verdict = account.verify_gift(&GiftCode::parse("USED-CODE").unwrap()).await.unwrap();
    assert_eq!(verdict, GiftVerdict::Refused { reason: RefusalReason::RecurringProcessAlreadyStarted, offer_id: None });
    let verdict = account.verify_gift(&GiftCode::parse("ZZZZ-0000").unwrap()).await.unwrap();
    assert_eq!(verdict, GiftVerdict::UnknownCode);
}

#[tokio::test]
async fn a_refused_or_unknown_redemption_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/gifts/redeem/{CODE}")))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "responseData": {}, "errors": ["Gift is not redeemable. Refusal reason: REDEEMED"]
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/gifts/redeem/ZZZZ-0000"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"responseData": {}, "errors": ["Gift not found"]})))
        .mount(&server)
        .await;
    let account = account(&server);
    let err = account.redeem_gift(&GiftCode::parse(CODE).unwrap()).await.unwrap_err();
    assert!(matches!(err, GiftError::NotRedeemable { reason: RefusalReason::AlreadyRedeemed }), "{err:?}");
    let err = account.redeem_gift(&GiftCode::parse("ZZZZ-0000").unwrap()).await.unwrap_err();
    assert!(matches!(err, GiftError::UnknownCode), "{err:?}");
}

#[tokio::test]
async fn a_redemption_answered_503_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/gifts/redeem/{CODE}")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = account_with(&server, eager(), Duration::from_secs(5))
        .redeem_gift(&GiftCode::parse(CODE).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, GiftError::Cleeng(Error::Unavailable(_))), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "sent once, even with 5 attempts allowed");
}

#[tokio::test]
async fn a_redemption_that_may_have_arrived_is_an_unknown_outcome_sent_once_without_its_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/gifts/redeem/{CODE}")))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let err = account_with(&server, eager(), Duration::from_millis(300))
        .redeem_gift(&GiftCode::parse(CODE).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, GiftError::Cleeng(Error::UnknownOutcome { operation, .. }) if operation == "redeemGift"),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "never re-sent");
    let printed = format!("{err} | {err:?} | {:?}", std::error::Error::source(&err));
    assert!(!printed.contains("1A2B") && !printed.contains("3C4D"), "{printed}");
}

#[tokio::test]
async fn a_verification_transport_error_does_not_print_the_code() {
    // Nothing listens on this port: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let token = jwt(CUSTOMER_ID, now() + 3600, "gifts");
    let config = cleeng_mediastore::ClientConfig::new(cleeng_mediastore::Environment::Custom(format!("http://127.0.0.1:{port}")))
        .retry_policy(RetryPolicy::never());
    let account = Account::new(Session::new(config, Tokens::new(&token, "refresh")).unwrap()).unwrap();
    let err = account.verify_gift(&GiftCode::parse(CODE).unwrap()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let printed = format!("{err} | {err:?}");
    assert!(!printed.contains("1A2B"), "{printed}");
}

#[tokio::test]
async fn a_gift_order_that_is_answered_503_is_not_ordered_again() {
    let server = MockServer::start().await;
    offer_v2(&server, true).await;
    Mock::given(method("POST")).and(path("/orders")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let err = account_with(&server, eager(), Duration::from_secs(5))
        .order_gift("S123123123_US", &delivery(), location())
        .await
        .unwrap_err();
    assert!(matches!(err, GiftError::Cleeng(Error::Unavailable(_))), "{err:?}");
    let orders = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == "/orders")
        .count();
    assert_eq!(orders, 1, "createOrder sent once, even with 5 attempts allowed");
}

/// Every message in an error's `source()` chain, `Display` and `Debug`, as one string.
fn whole_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut printed = format!("{error} | {error:?}");
    let mut source = error.source();
    while let Some(inner) = source {
        printed.push_str(&format!(" | {inner} | {inner:?}"));
        source = inner.source();
    }
    printed
}

#[tokio::test]
async fn no_error_in_the_source_chain_of_a_failed_redemption_prints_the_code() {
    // The connection is accepted and closed without an answer: the request may have arrived.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { break };
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut socket, &mut buf);
            drop(socket);
        }
    });
    let token = jwt(CUSTOMER_ID, now() + 3600, "gifts");
    let config = cleeng_mediastore::ClientConfig::new(cleeng_mediastore::Environment::Custom(format!("http://127.0.0.1:{port}")))
        .retry_policy(eager());
    let account = Account::new(Session::new(config, Tokens::new(&token, "refresh")).unwrap()).unwrap();
    let err = account.redeem_gift(&GiftCode::parse(CODE).unwrap()).await.unwrap_err();
    assert!(matches!(&err, GiftError::Cleeng(Error::UnknownOutcome { .. })), "{err:?}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1, "never re-sent");
    let printed = whole_chain(&err);
    assert!(!printed.contains("1A2B") && !printed.contains("3C4D"), "{printed}");
}

#[test]
fn gift_codes_print_as_the_shared_redactor_marker_and_vanish_from_printed_urls() {
    use cleeng_runtime::redact;
    let code = GiftCode::parse(CODE).unwrap();
    assert_eq!(code.to_string(), redact::REDACTED);
    assert_eq!(format!("{code:?}"), format!("GiftCode({})", redact::REDACTED));
    for template in ["http://127.0.0.1:9/gifts/redeem/{}", "http://127.0.0.1:9/gifts/verification/{}"] {
        let url = template.replace("{}", code.expose());
        let printed = redact::url(&url);
        assert_eq!(printed, template.replace("{}", redact::REDACTED));
    }
    // The generated `Gift` keeps its code as a `Secret`.
    let gift: types::Gift = serde_json::from_value(gift_json(None)).unwrap();
    assert!(!format!("{gift:?}").contains("1A2B"), "{gift:?}");
    assert_eq!(gift.code.unwrap().expose(), CODE);
}

#[test]
fn redeeming_and_ordering_move_money_and_are_never_retried() {
    let meta = |id: &str| *cleeng_mediastore::OPERATIONS.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("{id}"));
    let redeem = meta("redeemGift");
    assert!(redeem.moves_money && !redeem.idempotent && !redeem.retry_safe(), "{redeem:?}");
    let order = meta("createOrder");
    assert!(order.moves_money && !order.retry_safe(), "{order:?}");
    // The reads of the journey stay retryable.
    for id in ["getOfferV2", "getGift", "verifyGift", "listCustomerTransactions"] {
        assert!(meta(id).retry_safe(), "{id}");
    }
    // What the guide leaves open about the gift calls is listed at run time.
    for id in ["updateGift", "verifyGift", "redeemGift"] {
        assert!(!meta(id).unconfirmed.is_empty(), "{id}");
    }
}
