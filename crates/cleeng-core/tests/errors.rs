//! Every request carries the publisher token; Cleeng's error bodies become typed errors.

use crate::common;

use cleeng_core::{
    types, ClientCustomersExt, ClientOffersExt, ClientSubscriptionsExt, Error,
};
use serde_json::json;
use wiremock::matchers::{any, body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_publisher_token_is_on_every_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = common::client(&server);

    // One call per method, on different resources; the bodies do not matter here.
    let _ = client.get_subscription().subscription_id(123456789).send().await;
    let _ = client.list_offers().send().await;
    let _ = client
        .update_subscription()
        .subscription_id(123456789)
        .body_map(|b| b.expires_at(Some(1767225600)))
        .send()
        .await;
    let _ = client.activate_offer().offer_id("S123123123").send().await;
    let _ = client.delete_customer().customer_id(123456789).send().await;

    common::assert_requests_authenticated(&server, 5).await;
    let methods: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(methods, ["GET", "GET", "PATCH", "POST", "DELETE"]);
}

#[tokio::test]
async fn a_message_error_body_becomes_a_typed_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/subscriptions/123456789"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Subscription with id: 123456789 not found"})))
        .mount(&server)
        .await;
    let client = common::client(&server);

    let err = Error::from(client.get_subscription().subscription_id(123456789).send().await.expect_err("404"));

    match &err {
        Error::Api(e) => {
            assert_eq!(e.status, 404);
            assert_eq!(e.message.as_deref(), Some("Subscription with id: 123456789 not found"));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert!(err.to_string().contains("Subscription with id: 123456789 not found"), "{err}");
}

#[tokio::test]
async fn an_envelope_error_body_becomes_a_typed_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/subscriptions/123456789"))
        .and(body_json(json!({"status": "stopped"})))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"success": false, "subscription": null, "message": "status value is invalid"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/customers/123456789"))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_json(json!({"data": null, "success": false, "message": "User has an active subscription"})),
        )
        .mount(&server)
        .await;
    let client = common::client(&server);

    let mut update = types::SubscriptionUpdate::default();
    update.status = Some(types::SubscriptionUpdateStatus::Stopped);
    let err = Error::from(
        client.update_subscription().subscription_id(123456789).body(update).send().await.expect_err("400"),
    );
    assert!(
        matches!(&err, Error::Api(e) if e.status == 400 && e.message.as_deref() == Some("status value is invalid")),
        "{err:?}"
    );

    let err = Error::from(client.delete_customer().customer_id(123456789).send().await.expect_err("422"));
    assert!(
        matches!(&err, Error::Api(e) if e.status == 422 && e.message.as_deref() == Some("User has an active subscription")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_success_body_of_the_wrong_shape_is_a_decode_error_with_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/offers"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"))
        .mount(&server)
        .await;
    let client = common::client(&server);

    let err = Error::from(client.list_offers().send().await.expect_err("not JSON"));

    match err {
        Error::Decode { body, .. } => assert_eq!(&body[..], b"<html>maintenance</html>"),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}
