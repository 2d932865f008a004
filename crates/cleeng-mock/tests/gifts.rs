//! The mock's gift state through the real clients: a paid gift order becomes a gift that the
//! gifter finds in their transactions and edits until it is sent, that MediaStore and Core both
//! see, and whose code redeems once (new or extended subscription, no transaction). Every test
//! ends by checking that no answer broke its schema.

use cleeng_core::ClientGiftsExt as _;
use cleeng_mediastore::prelude::*;
use cleeng_mediastore::{GiftChange, GiftCode, GiftDelivery, GiftError, GiftVerdict, RedeemEffect, RefusalReason};
use cleeng_mock::{Family, MockServer, DEMO_CUSTOMER_ID, DEMO_GIFT_OFFER, DEMO_SUBSCRIPTION_OFFER, PUBLISHER_ID};
use serde_json::json;

const DAY: i64 = 24 * 3600;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn assert_clean(mock: &MockServer) {
    assert_eq!(mock.violations(), Vec::<String>::new());
}

fn ms_config(mock: &MockServer) -> ClientConfig {
    ClientConfig::new(Environment::Custom(mock.url_for(Family::MediaStore)))
}

/// The demo customer (the gifter), with a JWT the mock signed.
fn gifter(mock: &MockServer) -> Account {
    let session = Session::new(ms_config(mock), Tokens::new(mock.customer_jwt(DEMO_CUSTOMER_ID), "unused")).unwrap();
    Account::new(session).unwrap()
}

/// A newly registered customer.
async fn new_customer(mock: &MockServer, email: &str) -> Account {
    let public = cleeng_mediastore::Client::from_config(ms_config(mock)).unwrap();
    let auth = public
        .register_customer()
        .body_map(|b| {
            b.email(email)
                .password("recipient-password-1")
                .locale("en_US")
                .country("US")
                .currency("USD")
                .publisher_id(Some(PUBLISHER_ID.to_string()))
        })
        .call()
        .await
        .and_then(|body| body.payload())
        .unwrap();
    Account::new(Session::new(ms_config(mock), Tokens::try_from(auth).unwrap()).unwrap()).unwrap()
}

fn core(mock: &MockServer) -> cleeng_core::Client {
    cleeng_core::Client::from_config(
        cleeng_core::ClientConfig::new(cleeng_core::Environment::Custom(mock.url_for(Family::Core)))
            .publisher_token(cleeng_core::PublisherToken::new("t")),
    )
    .unwrap()
}

fn gift_offer() -> String {
    format!("{DEMO_GIFT_OFFER}_US")
}

/// Orders and pays a gift of the giftable offer; returns its id and code.
async fn buy_gift(gifter: &Account, delivery_date: i64) -> (i64, GiftCode) {
    let delivery = GiftDelivery::new("friend@example.com", delivery_date, "Happy birthday!");
    let place = types::CreateOrderRequest::builder().country(Some("US".into())).currency(Some("USD".into()));
    let order = gifter.order_gift(&gift_offer(), &delivery, place).await.unwrap();
    assert_eq!(order.buy_as_a_gift, Some(true));
    gifter.pay_without_details(order.id.unwrap()).await.unwrap();
    let gift_id = gifter.purchased_gifts().await.unwrap().last().unwrap().gift_id;
    let gift = gifter.gift(gift_id).await.unwrap();
    (gift_id, GiftCode::parse(gift.code.unwrap().expose()).unwrap())
}

#[tokio::test]
async fn a_paid_gift_order_is_a_gift_in_the_transactions_seen_by_both_families_and_editable_until_sent() {
    let mock = MockServer::start().await;
    let gifter = gifter(&mock);
    let (gift_id, code) = buy_gift(&gifter, now() + 7 * DAY).await;

    // The transaction says gift, and no access went to the gifter.
    let transactions = gifter.list_customer_transactions().call().await.and_then(|body| body.payload()).unwrap().items;
    assert_eq!(transactions.len(), 1);
    assert_eq!(transactions[0].target_type.as_ref().map(ToString::to_string).as_deref(), Some("giftId"));
    assert_eq!(transactions[0].target_id.as_ref().map(ToString::to_string), Some(gift_id.to_string()));
    let access = gifter.client().get_entitlements().offer_id(gift_offer()).call().await.and_then(|body| body.payload()).unwrap();
    assert_eq!(access.access_granted, Some(false), "the gifter pays, the recipient gets access");

    // Core reads the same gift.
    let core = core(&mock);
    let seen = core.get_gift().gift_id(gift_id).call().await.unwrap();
    assert_eq!(seen.code.as_ref().map(|c| c.expose().to_string()), Some(code.expose().to_string()));

    // A MediaStore edit of the date only shows in Core, recipient and note unchanged.
    let new_date = now() + 6 * DAY;
    gifter.edit_gift(gift_id, GiftChange::new().delivery_date(new_date)).await.unwrap();
    let seen = core.get_gift().gift_id(gift_id).call().await.unwrap();
    let details = seen.delivery_details.unwrap();
    assert_eq!(details.delivery_date, Some(new_date));
    assert_eq!(details.recipient_email.as_deref(), Some("friend@example.com"));
    assert_eq!(details.personal_note.map(|n| n.to_string()).as_deref(), Some("Happy birthday!"));

    // A Core edit shows in MediaStore.
    let body: cleeng_core::types::GiftUpdate = serde_json::from_value(json!({"deliveryDetails": {
        "recipientEmail": "friend@example.com", "deliveryDate": new_date, "personalNote": "From Core"
    }}))
    .unwrap();
    core.update_gift().gift_id(gift_id).body(body).call().await.unwrap();
    let gift = gifter.gift(gift_id).await.unwrap();
    assert_eq!(gift.delivery_details.unwrap().personal_note.as_deref(), Some("From Core"));

    // The API wants the whole delivery details: a bare date is refused.
    let partial = gifter
        .client()
        .update_gift()
        .gift_id(gift_id)
        .body_map(|b| b.delivery_details(types::DeliveryDetails::builder().delivery_date(Some(new_date))))
        .call()
        .await
        .and_then(|body| body.payload())
        .unwrap_err();
    assert_eq!(partial.status(), Some(400), "{partial}");

    // Once its delivery date has passed the gift is sent, and edits stop.
    gifter.edit_gift(gift_id, GiftChange::new().delivery_date(now() - 60)).await.unwrap();
    assert!(gifter.gift(gift_id).await.unwrap().sent_at.is_some());
    let err = gifter.edit_gift(gift_id, GiftChange::new().personal_note("Too late")).await.unwrap_err();
    assert!(matches!(err, GiftError::AlreadyDelivered { .. }), "{err:?}");
    let body: cleeng_core::types::GiftUpdate = serde_json::from_value(json!({"deliveryDetails": {
        "recipientEmail": "friend@example.com", "deliveryDate": new_date, "personalNote": "Too late"
    }}))
    .unwrap();
    let err = core.update_gift().gift_id(gift_id).body(body).call().await.unwrap_err();
    assert_eq!(err.status(), Some(409));

    // Someone else's gift does not exist for MediaStore.
    let stranger = new_customer(&mock, "stranger@example.com").await;
    assert_eq!(stranger.gift(gift_id).await.unwrap_err().status(), Some(404));
    assert_clean(&mock);
}

#[tokio::test]
async fn a_code_redeems_once_into_a_new_then_an_extended_subscription_without_transactions() {
    let mock = MockServer::start().await;
    let gifter = gifter(&mock);
    let recipient = new_customer(&mock, "recipient@example.com").await;
    let (_, first) = buy_gift(&gifter, now() + DAY).await;
    let (_, second) = buy_gift(&gifter, now() + DAY).await;

    assert_eq!(
        recipient.verify_gift(&first).await.unwrap(),
        GiftVerdict::Redeemable { effect: RedeemEffect::NewSubscription, offer_id: Some(gift_offer().try_into().unwrap()) }
    );
    let redeemed = recipient.redeem_gift(&first).await.unwrap();
    assert_eq!(redeemed.effect, Some(RedeemEffect::NewSubscription));
    let subscriptions = recipient.list_customer_subscriptions().call().await.and_then(|body| body.payload()).unwrap().items;
    assert_eq!(subscriptions.len(), 1);
    assert_eq!(subscriptions[0].status.as_deref(), Some("active"));
    let (subscription_id, expires) = (subscriptions[0].subscription_id.unwrap(), subscriptions[0].expires_at.unwrap());
    let access = recipient.client().get_entitlements().offer_id(gift_offer()).call().await.and_then(|body| body.payload()).unwrap();
    assert_eq!(access.access_granted, Some(true));

    // The second redemption of the same code: verification and redemption both refuse.
    assert_eq!(
        recipient.verify_gift(&first).await.unwrap(),
        GiftVerdict::Refused { reason: RefusalReason::AlreadyRedeemed, offer_id: Some(gift_offer().try_into().unwrap()) }
    );
    let err = recipient.redeem_gift(&first).await.unwrap_err();
    assert!(matches!(err, GiftError::NotRedeemable { reason: RefusalReason::AlreadyRedeemed }), "{err:?}");

    // A second gift of the same offer extends the subscription the first created.
    assert_eq!(
        recipient.verify_gift(&second).await.unwrap(),
        GiftVerdict::Redeemable {
            effect: RedeemEffect::ExtendSubscription { subscription_id: Some(subscription_id) },
            offer_id: Some(gift_offer().try_into().unwrap())
        }
    );
    recipient.redeem_gift(&second).await.unwrap();
    let subscriptions = recipient.list_customer_subscriptions().call().await.and_then(|body| body.payload()).unwrap().items;
    assert_eq!(subscriptions.len(), 1, "extended, not added");
    assert!(subscriptions[0].expires_at.unwrap() > expires);

    let transactions = recipient.list_customer_transactions().call().await.and_then(|body| body.payload()).unwrap().items;
    assert!(transactions.is_empty(), "a redeemed gift leaves no transaction: {transactions:?}");
    assert_eq!(gifter.purchased_gifts().await.unwrap().len(), 2);
    assert_clean(&mock);
}

#[tokio::test]
async fn core_verifies_and_redeems_the_same_codes() {
    let mock = MockServer::start().await;
    let gifter = gifter(&mock);
    let recipient = new_customer(&mock, "core.recipient@example.com").await;
    let (_, code) = buy_gift(&gifter, now() + DAY).await;
    let core = core(&mock);

    let verified = core
        .verify_gift()
        .code(code.expose())
        .customer_ip("127.0.0.1")
        .redeemer_id(recipient.customer_id())
        .call()
        .await
        .unwrap();
    assert_eq!(verified.redeemable, Some(true));
    let body: cleeng_core::types::GiftRedeem =
        serde_json::from_value(json!({"redeemerId": recipient.customer_id(), "customerIp": "127.0.0.1"})).unwrap();
    core.redeem_gift().code(code.expose()).body(body.clone()).call().await.unwrap();
    // MediaStore sees the redemption.
    assert!(matches!(
        recipient.verify_gift(&code).await.unwrap(),
        GiftVerdict::Refused { reason: RefusalReason::AlreadyRedeemed, .. }
    ));
    let again = core.redeem_gift().code(code.expose()).body(body).call().await.unwrap_err();
    assert_eq!(again.status(), Some(409));
    assert!(again.to_string().contains("Refusal reason: REDEEMED"), "{again}");
    let unknown = core
        .verify_gift()
        .code("ZZZZ-0000")
        .customer_ip("127.0.0.1")
        .redeemer_id(recipient.customer_id())
        .call()
        .await
        .unwrap_err();
    assert_eq!(unknown.status(), Some(404));
    assert_clean(&mock);
}

#[tokio::test]
async fn an_unknown_code_and_a_non_giftable_offer_are_refused() {
    let mock = MockServer::start().await;
    let gifter = gifter(&mock);
    let unknown = GiftCode::parse("ZZZZ-0000").unwrap();
    assert_eq!(gifter.verify_gift(&unknown).await.unwrap(), GiftVerdict::UnknownCode);
    assert!(matches!(gifter.redeem_gift(&unknown).await.unwrap_err(), GiftError::UnknownCode));

    let delivery = GiftDelivery::new("friend@example.com", now() + DAY, "");
    let place = types::CreateOrderRequest::builder().country(Some("US".into()));
    let err = gifter
        .order_gift(&format!("{DEMO_SUBSCRIPTION_OFFER}_US"), &delivery, place)
        .await
        .unwrap_err();
    assert!(matches!(err, GiftError::NotGiftable { .. }), "{err:?}");
    assert!(gifter.purchased_gifts().await.unwrap().is_empty());
    assert!(gifter.list_customer_transactions().call().await.and_then(|body| body.payload()).unwrap().items.is_empty());
    assert_clean(&mock);
}
