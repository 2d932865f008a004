//! The documented success bodies in tests/fixtures decode into the generated types, so the spec's
//! schemas match the fields Cleeng documents.

use cleeng_auth::types::{DeviceCode, DeviceTokens, Hi5Token, Jwks};
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(file: &str) -> T {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} does not decode: {e}"))
}

#[test]
fn every_fixture_decodes() {
    let code: DeviceCode = decode("generateDeviceCode.200.json");
    assert_eq!(code.code.as_deref(), Some("K7Q2ZP"));
    assert_eq!(code.expires_at, Some(1_767_225_900_000));
    let tokens: DeviceTokens = decode("checkDeviceCode.200.json");
    assert_eq!(tokens.expires_in, Some(900_000));
    assert_eq!(tokens.customer_id.as_deref(), Some("950136083"));
    assert!(tokens.access_token.is_some() && tokens.refresh_token.is_some());
    assert!(!format!("{tokens:?}").contains("5d0c9a8e7f6b4c3d"), "the refresh token is redacted");
    let hi5: Hi5Token = decode("getHi5ChatbotToken.200.json");
    assert!(hi5.token.is_some());
    let jwks: Jwks = decode("getJwks.200.json");
    assert_eq!(jwks.keys[0].kid.as_deref(), Some("sandbox-key-1"));
    for key in ["rsa-1", "rsa-2", "ec-1"] {
        let jwk: cleeng_auth::types::Jwk = decode(&format!("keys/{key}.jwk.json"));
        assert_eq!(jwk.kid.as_deref(), Some(key));
    }
}
