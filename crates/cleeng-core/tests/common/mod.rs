//! Shared helpers for the cleeng-core tests: a client pointed at a local wiremock server.

#![allow(dead_code)]

use std::sync::OnceLock;

use cleeng_core::{Client, ClientConfig, Environment, PublisherToken, HOSTS, OPERATIONS};
use cleeng_runtime::OperationMeta;
use wiremock::MockServer;

/// The publisher token every test client sends.
pub const TOKEN: &str = "test-publisher-token";

/// A client for `server`, holding [`TOKEN`].
///
/// WORKAROUND (see /tmp/requests/core.md, reported to the lead): the runtime looks operations up
/// by progenitor's snake_case name while `OPERATIONS` holds the spec's camelCase ids, so
/// `Client::from_config` fails every call with "not in this client's operation table". Until the
/// pipeline is fixed, the client gets a copy of `OPERATIONS` keyed by the snake_case names.
/// Once fixed, this becomes `Client::from_config(config)`.
pub fn client(server: &MockServer) -> Client {
    let config = ClientConfig::new(Environment::Custom(server.uri())).publisher_token(PublisherToken::new(TOKEN));
    let parts = config.into_parts(&HOSTS, snake_case_operations()).expect("a client for the mock server");
    Client::new_with_client(&parts.base_url, parts.http, parts.context)
}

fn snake_case_operations() -> &'static [OperationMeta] {
    static TABLE: OnceLock<Vec<OperationMeta>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<OperationMeta> = OPERATIONS
            .iter()
            .map(|op| {
                let mut snake = String::new();
                for c in op.id.chars() {
                    if c.is_ascii_uppercase() {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_lowercase());
                }
                OperationMeta { id: Box::leak(snake.into_boxed_str()), ..*op }
            })
            .chain(OPERATIONS.iter().copied())
            .collect();
        table.sort_by(|a, b| a.id.cmp(b.id));
        table
    })
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
