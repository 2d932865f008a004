//! Every example, run against an in-process mock: the same `run` each example's `main` calls,
//! included as a module, with exact outcomes asserted and the mock's answers checked against
//! the specs (no schema violations).

use cleeng::mediastore::{GiftVerdict, RedeemEffect, RefusalReason};
use cleeng_mock::MockServer;

#[allow(dead_code)]
#[path = "../examples/checkout.rs"]
mod checkout;
#[allow(dead_code)]
#[path = "../examples/device_pairing.rs"]
mod device_pairing;
#[allow(dead_code)]
#[path = "../examples/gift_subscription.rs"]
mod gift_subscription;
#[allow(dead_code)]
#[path = "../examples/migrating_from_jsonrpc.rs"]
mod migrating_from_jsonrpc;
#[allow(dead_code)]
#[path = "../examples/offer_update.rs"]
mod offer_update;
#[allow(dead_code)]
#[path = "../examples/publisher_backend.rs"]
mod publisher_backend;
#[allow(dead_code)]
#[path = "../examples/quickstart.rs"]
mod quickstart;
#[allow(dead_code)]
#[path = "../examples/webhook_receiver.rs"]
mod webhook_receiver;

fn assert_clean(mock: &MockServer) {
    assert_eq!(mock.violations(), Vec::<String>::new(), "answers that broke their schema");
}

#[tokio::test]
async fn quickstart_runs_every_readme_snippet_against_the_mock() {
    let mock = MockServer::start().await;
    let outcome = quickstart::run(quickstart::Target::mock(&mock).await.unwrap()).await.unwrap();
    assert_eq!(outcome.subscriptions, 1, "the demo customer's seeded subscription");
    assert_eq!(outcome.customer_email.as_deref(), Some(cleeng_mock::DEMO_EMAIL));
    assert!(!outcome.device_code.is_empty());
    assert!(!outcome.synchronization_id.is_empty());
    assert!(outcome.event_types > 0);
    assert_clean(&mock);
}

#[tokio::test]
async fn checkout_ends_with_the_entitlement_granted() {
    let mock = MockServer::start().await;
    let outcome = checkout::run(checkout::Target::mock(&mock)).await.unwrap();
    assert!(outcome.access_granted);
    assert_eq!(outcome.offer_id, format!("{}_US", cleeng_mock::DEMO_PASS_OFFER));
    assert!(outcome.customer_id > 0 && outcome.order_id > 0);
    assert_clean(&mock);
}

#[tokio::test]
async fn publisher_backend_pauses_and_resumes() {
    let mock = MockServer::start().await;
    let outcome = publisher_backend::run(publisher_backend::Target::mock(&mock)).await.unwrap();
    assert_eq!(outcome.listed, 1);
    assert_eq!(outcome.status_after_pause, "paused");
    assert_eq!(outcome.status_after_resume, "active");
    assert!(outcome.access_granted);
    assert_clean(&mock);
}

#[tokio::test]
async fn device_pairing_logs_the_tv_in_as_the_customer() {
    let mock = MockServer::start().await;
    let outcome = device_pairing::run(device_pairing::Target::mock(&mock)).await.unwrap();
    assert_eq!(outcome.customer_id, Some(cleeng_mock::DEMO_CUSTOMER_ID));
    assert_clean(&mock);
}

#[tokio::test]
async fn offer_update_writes_once_and_refuses_the_stale_write() {
    let mock = MockServer::start().await;
    let outcome = offer_update::run(offer_update::Target::mock(&mock)).await.unwrap();
    assert_eq!(outcome.new_title, "Monthly subscription (HD)");
    assert!(outcome.stale_write_refused);
    assert_clean(&mock);
}

#[tokio::test]
async fn webhook_receiver_verifies_the_signed_events() {
    let mock = MockServer::start().await;
    let outcome = webhook_receiver::run(webhook_receiver::Target::mock(&mock)).await.unwrap();
    assert_eq!(outcome.topics, ["customerRegistered", "subscriptionCreated"]);
    assert_eq!(outcome.replays_skipped, 1, "the replayed delivery verified but was not handled again");
    let deliveries = mock.deliveries();
    assert_eq!(deliveries.len(), 2);
    assert!(deliveries.iter().all(|d| d.status == Some(200)), "{deliveries:?}");
    assert_clean(&mock);
}

#[tokio::test]
async fn gift_subscription_is_bought_edited_and_redeemed_once() {
    let mock = MockServer::start().await;
    let outcome = gift_subscription::run(gift_subscription::Target::mock(&mock)).await.unwrap();
    let offer: cleeng::runtime::OfferId = format!("{}_US", cleeng_mock::DEMO_GIFT_OFFER).try_into().unwrap();
    assert_eq!(outcome.non_giftable_refused, Some(true));
    assert!(outcome.gift_id > 0);
    assert_eq!(outcome.delivery_dates.0 - outcome.delivery_dates.1, 24 * 3600, "moved one day earlier");
    assert!(outcome.other_fields_kept);
    assert_eq!(
        outcome.first_verdict,
        GiftVerdict::Redeemable { effect: RedeemEffect::NewSubscription, offer_id: Some(offer.clone()) }
    );
    assert_eq!(outcome.redemption.effect, Some(RedeemEffect::NewSubscription));
    assert_eq!(
        outcome.second_verdict,
        GiftVerdict::Refused { reason: RefusalReason::AlreadyRedeemed, offer_id: Some(offer) }
    );
    assert_eq!(outcome.second_redemption_refused, Some(RefusalReason::AlreadyRedeemed));
    assert_eq!(outcome.unknown_code_verdict, GiftVerdict::UnknownCode);
    assert!(outcome.recipient_subscribed);
    assert_eq!(outcome.recipient_transactions, 0, "a redeemed gift leaves no transaction");
    assert_clean(&mock);
}

#[tokio::test]
async fn migrating_from_jsonrpc_gets_the_same_answers_both_ways() {
    let mock = MockServer::start().await;
    let outcome = migrating_from_jsonrpc::run(migrating_from_jsonrpc::Target::mock(&mock)).await.unwrap();
    // The seeded subscription and the one created through Core, listed by both APIs.
    assert_eq!(outcome.rest_ids.len(), 2, "{outcome:?}");
    assert!(outcome.legacy_ids.contains(&outcome.created), "{outcome:?}");
    assert_eq!(outcome.rest_ids, outcome.legacy_ids);
    assert!(outcome.rest_access && outcome.legacy_access);
    assert_clean(&mock);
}
