//! Endpoint management against a local server: the cursor stream and the redacted secret.

use std::num::NonZeroU32;

use cleeng_webhooks::{
    types, Client, ClientConfig, Environment, Error, PublisherToken, SignatureEncoding,
};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "publisher-token-for-tests";

/// A client for `server` holding [`TOKEN`].
fn client(server: &MockServer) -> Client {
    Client::from_config(
        ClientConfig::new(Environment::Custom(server.uri())).publisher_token(PublisherToken::new(TOKEN)),
    )
    .expect("a client for the mock server")
}

fn endpoint(id: &str) -> serde_json::Value {
    json!({"id": id, "name": id, "url": format!("https://example.com/{id}"), "status": "active",
           "eventTypes": ["offerCreated"], "createdAt": "2025-05-05T10:48:09+02:00"})
}

#[tokio::test]
async fn the_stream_follows_cursors_across_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/endpoints"))
        .and(header("x-publisher-token", TOKEN))
        .and(query_param("status", "active"))
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": [endpoint("ep_1"), endpoint("ep_2")], "nextCursor": "c2"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/endpoints"))
        .and(query_param("cursor", "c2"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "nextCursor": "c3"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/endpoints"))
        .and(query_param("cursor", "c3"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [endpoint("ep_3")], "nextCursor": null})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let ids: Vec<String> = client(&server)
        .stream_webhook_endpoints(Some(types::WebhookEndpointStatus::Active), NonZeroU32::new(2))
        .map_ok(|e| e.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["ep_1", "ep_2", "ep_3"]);
}

#[tokio::test]
async fn a_single_page_without_cursor_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/endpoints"))
        .and(query_param_is_missing("limit"))
        .and(query_param_is_missing("status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [endpoint("ep_1")]})))
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).stream_webhook_endpoints(None, None).collect().await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].as_ref().unwrap().id, "ep_1");
}

#[tokio::test]
async fn a_cursor_that_does_not_advance_ends_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/endpoints"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [endpoint("ep_1")], "nextCursor": "same"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/endpoints"))
        .and(query_param("cursor", "same"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [endpoint("ep_2")], "nextCursor": "same"})))
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).stream_webhook_endpoints(None, None).collect().await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].as_ref().unwrap().id, "ep_1");
    match &all[1] {
        Err(Error::Decode { operation, path, .. }) => {
            assert_eq!(operation.as_deref(), Some("listWebhookEndpoints"));
            assert_eq!(path.as_deref(), Some("nextCursor"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_error_page_ends_the_stream_with_the_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/endpoints"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Invalid token"})))
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).stream_webhook_endpoints(None, None).collect().await;
    assert_eq!(all.len(), 1);
    let err = all.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.api_error().unwrap().message.as_deref(), Some("Invalid token"));
}

#[tokio::test]
async fn create_returns_a_redacted_secret_that_verifies_deliveries() {
    let server = MockServer::start().await;
    let secret = "whsec_created_0123456789";
    let mut created = endpoint("ep_new");
    created["signing"] = json!({"secret": secret, "algorithm": "HMAC-SHA256"});
    Mock::given(method("POST"))
        .and(path("/endpoints"))
        .and(header("x-publisher-token", TOKEN))
        .and(body_json(json!({"url": "https://example.com/hook", "eventTypes": ["offerCreated"]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": created})))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::WebhookEndpointCreate {
        url: "https://example.com/hook".into(),
        event_types: vec!["offerCreated".into()],
        name: None,
        retry_policy: None,
        status: None,
    };
    let result = client(&server).create_endpoint(body).await.unwrap();
    assert_eq!(result.endpoint.id, "ep_new");
    assert_eq!(result.secret.expose(), secret);
    let signing = result.endpoint.signing.as_ref().unwrap();
    assert_eq!(signing.get("algorithm"), Some(&json!("HMAC-SHA256")));
    assert!(signing.get("secret").is_none());
    let debug = format!("{result:?}");
    assert!(!debug.contains(secret), "{debug}");

    let verifier = result.verifier(cleeng_webhooks::SIGNATURE_HEADER).unwrap();
    let delivery = br#"{"broadcasterId":1,"topic":"offerCreated","data":{"offerId":"S1"}}"#;
    let expected = cleeng_webhooks::Verifier::new(secret, "x-sig").unwrap().sign(delivery, SignatureEncoding::Hex);
    assert_eq!(verifier.sign(delivery, SignatureEncoding::Hex), expected);
}

#[tokio::test]
async fn rotate_returns_the_new_secret() {
    let server = MockServer::start().await;
    let mut rotated = endpoint("ep_1");
    rotated["signing"] = json!({"secret": "whsec_rotated"});
    Mock::given(method("POST"))
        .and(path("/endpoints/ep_1/rotate-secret"))
        .and(header("x-publisher-token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": rotated})))
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server).rotate_signing_secret("ep_1").await.unwrap();
    assert_eq!(result.secret.expose(), "whsec_rotated");
    assert_eq!(result.endpoint.id, "ep_1");
    assert!(!format!("{result:?}").contains("whsec_rotated"));
}

#[tokio::test]
async fn rotate_of_an_unknown_endpoint_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/endpoints/ep_missing/rotate-secret"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Endpoint not found"})))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).rotate_signing_secret("ep_missing").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.operation(), Some("rotateEndpointSigningSecret"));
}
