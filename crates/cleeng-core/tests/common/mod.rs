//! Shared helpers for the cleeng-core tests: a client pointed at a local wiremock server.

#![allow(dead_code)]

use cleeng_core::{Client, ClientConfig, Environment, PublisherToken};
use wiremock::MockServer;

/// The publisher token every test client sends.
pub const TOKEN: &str = "test-publisher-token";

/// A client for `server`, holding [`TOKEN`], built the way users build one.
pub fn client(server: &MockServer) -> Client {
    Client::from_config(
        ClientConfig::new(Environment::Custom(server.uri())).publisher_token(PublisherToken::new(TOKEN)),
    )
    .expect("a client for the mock server")
}

/// Asserts that the server saw `expected` requests and that each carried `X-Publisher-Token`
/// with [`TOKEN`] (and not progenitor's `api-version` header).
pub async fn assert_requests_authenticated(server: &MockServer, expected: usize) {
    let requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), expected, "number of requests: {requests:#?}");
    for request in &requests {
        assert_eq!(
            request.headers.get("x-publisher-token").and_then(|v| v.to_str().ok()),
            Some(TOKEN),
            "{} {} lacks the publisher token",
            request.method,
            request.url
        );
        assert!(request.headers.get("api-version").is_none(), "{} sent api-version", request.url);
    }
}
