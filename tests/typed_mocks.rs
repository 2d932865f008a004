//! The generated typed mocks (`httpmock` feature) let a user's unit test stub a Cleeng call with
//! the same types the client returns.

use cleeng_core::mock::MockServerExt;
use cleeng_core::types::{Subscription, SubscriptionStatus};
use cleeng_core::{Client, ClientConfig, ClientSubscriptionsExt, Environment, PublisherToken};

#[tokio::test]
async fn a_typed_mock_answers_the_generated_client() {
    let server = httpmock::MockServer::start_async().await;
    let subscription: Subscription = serde_json::from_value(serde_json::json!({
        "subscriptionId": 987654321, "customerId": 123456789, "status": "paused"
    }))
    .unwrap();
    let mock = server.get_subscription(|when, then| {
        when.subscription_id(987654321);
        then.ok(&subscription);
    });
    let client = Client::from_config(
        ClientConfig::new(Environment::Custom(server.base_url())).publisher_token(PublisherToken::new("pt")),
    )
    .unwrap();
    let got = client.get_subscription().subscription_id(987654321).call().await.unwrap();
    assert_eq!(got.status, Some(SubscriptionStatus::Paused));
    mock.assert_async().await;

    // A call the mock was not set up for does not match it.
    let err = client.get_subscription().subscription_id(1).call().await.unwrap_err();
    assert_eq!(err.status(), Some(404));
}
