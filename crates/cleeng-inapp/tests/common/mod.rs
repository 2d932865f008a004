//! Shared helpers for the cleeng-inapp tests: a client pointed at a local wiremock server.

#![allow(dead_code)]

use cleeng_inapp::{Client, ClientConfig, Environment};
use wiremock::MockServer;

/// A configuration for `server` without credentials; add them with its builder methods.
pub fn config(server: &MockServer) -> ClientConfig {
    ClientConfig::new(Environment::Custom(server.uri()))
}

/// A client built from `config`, exactly as users build one.
pub fn client(config: ClientConfig) -> Client {
    Client::from_config(config).expect("a client for the mock server")
}

/// How many requests the server saw for `path`.
pub async fn hits(server: &MockServer, path: &str) -> usize {
    let requests = server.received_requests().await.expect("request recording is on");
    requests.iter().filter(|r| r.url.path() == path).count()
}
