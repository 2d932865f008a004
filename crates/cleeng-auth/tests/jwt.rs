//! Offline JWT verification against a key set served by a local server.
//!
//! The keys under tests/fixtures/keys were generated with openssl for these tests only
//! (`*.pem` private keys sign, `*.jwk.json` are the matching public keys as a JWKS would list them).

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cleeng_auth::jwt::{JwtError, JwtVerifier};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const JWKS: &str = "/.well-known/jwks.json";

fn fixture(name: &str) -> String {
    let file = format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn jwk(name: &str) -> Value {
    serde_json::from_str(&fixture(&format!("{name}.jwk.json"))).expect("a JWK")
}

fn key_set(names: &[&str]) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "keys": names.iter().map(|n| jwk(n)).collect::<Vec<_>>() }))
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs()
}

fn claims(exp: u64) -> Value {
    json!({ "customerId": 123456789, "publisherId": "987654321", "exp": exp, "iat": now(), "jti": "t-1" })
}

/// A token signed by `key` (`rsa-1`, `rsa-2`, `ec-1`) whose header names `kid`.
fn token(key: &str, kid: Option<&str>, claims: &Value) -> String {
    let (alg, encoding) = if key.starts_with("ec") {
        (Algorithm::ES256, EncodingKey::from_ec_pem(fixture(&format!("{key}.pem")).as_bytes()).expect("EC key"))
    } else {
        (Algorithm::RS256, EncodingKey::from_rsa_pem(fixture(&format!("{key}.pem")).as_bytes()).expect("RSA key"))
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, claims, &encoding).expect("signed")
}

async fn serve(server: &MockServer, names: &[&str]) {
    Mock::given(method("GET")).and(path(JWKS)).respond_with(key_set(names)).mount(server).await;
}

fn verifier(server: &MockServer) -> JwtVerifier {
    JwtVerifier::new(common::client(common::config(server)))
}

#[tokio::test]
async fn a_token_signed_by_a_served_key_verifies() {
    let server = MockServer::start().await;
    serve(&server, &["rsa-1", "ec-1"]).await;
    let verifier = verifier(&server);
    let exp = now() + 900;
    let claims = verifier.verify(&token("rsa-1", Some("rsa-1"), &claims(exp))).await.expect("valid RS256 token");
    assert_eq!(claims.customer_id, Some(123456789));
    assert_eq!(claims.publisher_id, Some(987654321));
    assert_eq!(claims.exp, exp);
    assert_eq!(claims.expires_at(), UNIX_EPOCH + Duration::from_secs(exp));
    assert_eq!(claims.other.get("jti"), Some(&json!("t-1")));
    let ec = verifier.verify(&token("ec-1", Some("ec-1"), &self::claims(exp))).await.expect("valid ES256 token");
    assert_eq!(ec.customer_id, Some(123456789));
    assert_eq!(common::hits(&server, JWKS).await, 1, "keys are cached");
}

#[tokio::test]
async fn tampered_expired_and_foreign_tokens_are_rejected() {
    let server = MockServer::start().await;
    serve(&server, &["rsa-1"]).await;
    let verifier = verifier(&server);
    let good = token("rsa-1", Some("rsa-1"), &claims(now() + 900));

    // Another customer id in the payload, the original signature kept.
    let parts: Vec<&str> = good.split('.').collect();
    let forged = {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut payload: Value = serde_json::from_slice(&engine.decode(parts[1]).expect("base64")).expect("json");
        payload["customerId"] = json!(1);
        engine.encode(serde_json::to_vec(&payload).expect("json"))
    };
    let tampered = format!("{}.{}.{}", parts[0], forged, parts[2]);
    assert!(matches!(verifier.verify(&tampered).await, Err(JwtError::InvalidSignature)));

    let expired = token("rsa-1", Some("rsa-1"), &claims(now() - 3600));
    assert!(matches!(verifier.verify(&expired).await, Err(JwtError::Expired)));

    // Signed by a key Cleeng does not hold, but claiming Cleeng's key id.
    let foreign = token("rsa-2", Some("rsa-1"), &claims(now() + 900));
    assert!(matches!(verifier.verify(&foreign).await, Err(JwtError::InvalidSignature)));

    // An HMAC token keyed with public material must not pass as RS256.
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("rsa-1".into());
    let hmac = jsonwebtoken::encode(&header, &claims(now() + 900), &EncodingKey::from_secret(b"public")).expect("signed");
    assert!(matches!(verifier.verify(&hmac).await, Err(JwtError::Rejected(_))));

    assert!(matches!(verifier.verify("not.a.jwt").await, Err(JwtError::Malformed(_))));
    assert!(verifier.verify(&good).await.is_ok(), "the untouched token still verifies");
}

#[tokio::test]
async fn an_unknown_kid_triggers_exactly_one_refetch() {
    let server = MockServer::start().await;
    // First the set holds rsa-1 only; after a rotation it also holds rsa-2.
    Mock::given(method("GET"))
        .and(path(JWKS))
        .respond_with(key_set(&["rsa-1"]))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(JWKS)).respond_with(key_set(&["rsa-1", "rsa-2"])).with_priority(2).mount(&server).await;
    let verifier = verifier(&server).min_refresh_interval(Duration::from_secs(3600));
    let exp = now() + 900;
    verifier.verify(&token("rsa-1", Some("rsa-1"), &claims(exp))).await.expect("first key");
    assert_eq!(common::hits(&server, JWKS).await, 1);

    let rotated = verifier.verify(&token("rsa-2", Some("rsa-2"), &claims(exp))).await;
    assert!(rotated.is_ok(), "{rotated:?}");
    assert_eq!(common::hits(&server, JWKS).await, 2, "one refetch for the new key id");

    // More unknown key ids right after: refused without a request (no refetch storm).
    for kid in ["made-up-1", "made-up-2", "made-up-3"] {
        let err = verifier.verify(&token("rsa-2", Some(kid), &claims(exp))).await.expect_err("unknown kid");
        assert!(matches!(err, JwtError::UnknownKey { kid: ref k } if k == kid), "{err:?}");
    }
    assert_eq!(common::hits(&server, JWKS).await, 2);
}

#[tokio::test]
async fn each_call_refetches_at_most_once() {
    let server = MockServer::start().await;
    serve(&server, &["rsa-1"]).await;
    let verifier = verifier(&server).min_refresh_interval(Duration::ZERO);
    let exp = now() + 900;
    // Cold cache and an unknown kid: the first load is this call's one request.
    let err = verifier.verify(&token("rsa-1", Some("nope"), &claims(exp))).await.expect_err("unknown");
    assert!(matches!(err, JwtError::UnknownKey { .. }), "{err:?}");
    assert_eq!(common::hits(&server, JWKS).await, 1);
    // Loaded cache and an unknown kid: exactly one refetch per call.
    verifier.verify(&token("rsa-1", Some("nope"), &claims(exp))).await.expect_err("unknown");
    assert_eq!(common::hits(&server, JWKS).await, 2);
    verifier.verify(&token("rsa-1", Some("nope"), &claims(exp))).await.expect_err("unknown");
    assert_eq!(common::hits(&server, JWKS).await, 3);
}

#[tokio::test]
async fn a_failed_key_fetch_is_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(JWKS)).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let verifier = verifier(&server);
    let err = verifier.verify(&token("rsa-1", Some("rsa-1"), &claims(now() + 900))).await.expect_err("no keys");
    match err {
        JwtError::KeySet(e) => assert_eq!(e.status(), Some(500)),
        other => panic!("expected KeySet, got {other:?}"),
    }
    let debug = format!("{verifier:?}");
    assert!(debug.contains("cached_keys: 0"), "{debug}");
}
