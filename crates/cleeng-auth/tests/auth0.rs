//! The Auth0 token call authenticates with the Integration Hub secret, never a customer JWT.

use cleeng_auth::{Client, ClientAuth0Ext, ClientConfig, CustomerJwt, Environment, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request() -> cleeng_auth::types::Auth0TokenRequest {
    serde_json::from_value(serde_json::json!({
        "email": "jane@example.com", "firstName": "Jane", "lastName": "Doe", "userId": "auth0|123",
        "country": "US", "currency": "USD", "locale": "en_US", "ipAddress": "203.0.113.7"
    }))
    .expect("request body")
}

#[tokio::test]
async fn the_integration_secret_is_sent_as_the_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth0/token"))
        .and(header("authorization", "Bearer ih-secret-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": "eyJ.a.b"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::from_config(
        ClientConfig::new(Environment::Custom(server.uri())).integration_secret("ih-secret-123"),
    )
    .unwrap();
    client.generate_auth0_token().body(request()).call().await.expect("accepted");
}

#[tokio::test]
async fn a_customer_jwt_does_not_stand_in_for_the_secret() {
    let server = MockServer::start().await;
    let client = Client::from_config(
        ClientConfig::new(Environment::Custom(server.uri())).customer_jwt(CustomerJwt::new("eyJ.customer.jwt")),
    )
    .unwrap();
    let err = client.generate_auth0_token().body(request()).call().await.unwrap_err();
    assert!(matches!(&err, Error::MissingCredential { .. }), "{err:?}");
    assert!(err.to_string().contains("an Integration Hub secret"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
