//! Shared helpers for the cleeng-mediastore tests: hand-built JWTs and clients pointed at a
//! local wiremock server.

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use cleeng_mediastore::{Client, ClientConfig, CustomerJwt, Environment};
use wiremock::MockServer;

/// The customer every test JWT belongs to.
pub const CUSTOMER_ID: i64 = 123456789;
/// The publisher every test JWT names.
pub const PUBLISHER_ID: i64 = 987654321;

/// Unix seconds now.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A JWT `header.payload.signature` for `customer_id` expiring at `exp`, with `tag` in the
/// payload so tests can tell tokens apart. The signature is fake: nothing here checks it.
pub fn jwt(customer_id: i64, exp: i64, tag: &str) -> String {
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = e.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = e.encode(format!(
        r#"{{"customerId":{customer_id},"publisherId":{PUBLISHER_ID},"exp":{exp},"tag":"{tag}"}}"#
    ));
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

/// A configuration pointing at `server`.
pub fn config(server: &MockServer) -> ClientConfig {
    ClientConfig::new(Environment::Custom(server.uri()))
}

/// A client for `server` with no credentials.
pub fn public_client(server: &MockServer) -> Client {
    Client::from_config(config(server)).expect("a client for the mock server")
}

/// A client for `server` holding a fixed customer JWT.
pub fn jwt_client(server: &MockServer, jwt: &str) -> Client {
    Client::from_config(config(server).customer_jwt(CustomerJwt::new(jwt))).expect("a client for the mock server")
}

/// The envelope `{responseData: data, errors: []}`.
pub fn ok(data: serde_json::Value) -> serde_json::Value {
    serde_json::json!({ "responseData": data, "errors": [] })
}

/// A fixture file's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
