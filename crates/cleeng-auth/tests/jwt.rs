//! Offline JWT verification against a key set served by a local server.
//!
//! The keys under tests/fixtures/keys were generated with openssl for these tests only
//! (`*.pem` private keys sign, `*.jwk.json` are the matching public keys as a JWKS would list them).

use crate::common;

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

/// The publisher the test tokens are issued for.
const PUBLISHER: i64 = 987654321;

fn verifier(server: &MockServer) -> JwtVerifier {
    JwtVerifier::new(common::client(common::config(server)), PUBLISHER)
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

/// Issue 14, point 3: any valid Cleeng customer token verified, including one issued for
/// another publisher. The publisher is now part of building a verifier.
#[tokio::test]
async fn a_token_of_another_publisher_or_of_none_is_refused() {
    let server = MockServer::start().await;
    serve(&server, &["rsa-1"]).await;
    let verifier = verifier(&server);
    assert_eq!(verifier.publisher_id(), PUBLISHER);
    let exp = now() + 900;
    let mut other = claims(exp);
    other["publisherId"] = json!(111111111);
    match verifier.verify(&token("rsa-1", Some("rsa-1"), &other)).await {
        Err(JwtError::PublisherMismatch { expected, found }) => assert_eq!((expected, found), (PUBLISHER, Some(111111111))),
        other => panic!("expected PublisherMismatch, got {other:?}"),
    }
    let mut none = claims(exp);
    none.as_object_mut().unwrap().remove("publisherId");
    assert!(matches!(
        verifier.verify(&token("rsa-1", Some("rsa-1"), &none)).await,
        Err(JwtError::PublisherMismatch { found: None, .. })
    ));
    // Device tokens name the publisher `broadcasterId`; a numeric string is read as a number.
    let mut device = none.clone();
    device["broadcasterId"] = json!(PUBLISHER.to_string());
    assert!(verifier.verify(&token("rsa-1", Some("rsa-1"), &device)).await.is_ok());
    // The same token passes a verifier built for its own publisher.
    let theirs = JwtVerifier::new(common::client(common::config(&server)), 111111111);
    assert!(theirs.verify(&token("rsa-1", Some("rsa-1"), &other)).await.is_ok());
}

#[tokio::test]
async fn issuer_and_audience_are_checked_only_when_set() {
    let server = MockServer::start().await;
    serve(&server, &["rsa-1"]).await;
    let exp = now() + 900;
    let mut with = claims(exp);
    with["iss"] = json!("https://auth.example-cleeng.test");
    with["aud"] = json!(["tv-app", "web"]);
    let signed = token("rsa-1", Some("rsa-1"), &with);
    let plain = token("rsa-1", Some("rsa-1"), &claims(exp));

    // Off by default: a token without iss/aud verifies.
    assert!(verifier(&server).verify(&plain).await.is_ok());

    let strict = verifier(&server).issuer("https://auth.example-cleeng.test").audience("web");
    assert!(strict.verify(&signed).await.is_ok());
    match strict.verify(&plain).await {
        Err(JwtError::IssuerMismatch { expected, found }) => {
            assert_eq!((expected.as_str(), found), ("https://auth.example-cleeng.test", None))
        }
        other => panic!("expected IssuerMismatch, got {other:?}"),
    }
    let wrong_issuer = verifier(&server).issuer("https://someone-else.test");
    assert!(matches!(
        wrong_issuer.verify(&signed).await,
        Err(JwtError::IssuerMismatch { found: Some(ref f), .. }) if f == "https://auth.example-cleeng.test"
    ));
    let wrong_audience = verifier(&server).audience("backend");
    match wrong_audience.verify(&signed).await {
        Err(JwtError::AudienceMismatch { expected, found }) => {
            assert_eq!(expected, "backend");
            assert_eq!(found, vec!["tv-app".to_string(), "web".to_string()]);
        }
        other => panic!("expected AudienceMismatch, got {other:?}"),
    }
    let mut single = claims(exp);
    single["aud"] = json!("backend");
    assert!(wrong_audience.verify(&token("rsa-1", Some("rsa-1"), &single)).await.is_ok());
}

/// alg=none, a symmetric `oct` key in the set and a token not valid yet are all refused.
#[tokio::test]
async fn alg_none_oct_keys_and_future_nbf_are_refused() {
    use base64::Engine as _;
    let server = MockServer::start().await;
    let secret = b"a shared secret an attacker knows";
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let oct = json!({"kty": "oct", "kid": "oct-1", "k": engine.encode(secret), "alg": "HS256"});
    Mock::given(method("GET"))
        .and(path(JWKS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [jwk("rsa-1"), oct]})))
        .mount(&server)
        .await;
    let verifier = verifier(&server).min_refresh_interval(Duration::from_secs(3600));
    let exp = now() + 900;

    let none = format!(
        "{}.{}.",
        engine.encode(r#"{"alg":"none","typ":"JWT","kid":"rsa-1"}"#),
        engine.encode(serde_json::to_vec(&claims(exp)).unwrap())
    );
    assert!(matches!(verifier.verify(&none).await, Err(JwtError::Malformed(_))), "alg=none");

    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("oct-1".into());
    let hs = jsonwebtoken::encode(&header, &claims(exp), &EncodingKey::from_secret(secret)).unwrap();
    assert!(matches!(verifier.verify(&hs).await, Err(JwtError::UnknownKey { .. })), "oct keys are never used");

    let mut early = claims(exp);
    early["nbf"] = json!(now() + 3600);
    assert!(matches!(verifier.verify(&token("rsa-1", Some("rsa-1"), &early)).await, Err(JwtError::Rejected(_))));
}

/// Issue 14, point 4: while the key-set endpoint fails, each unknown-kid token cost two
/// fetches and all verifications queued behind one lock (100 concurrent verifies: 14.8 s).
/// Now one fetch is shared by every waiter and its failure is cached for the interval.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_key_set_costs_one_fetch_per_interval() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JWKS))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(150)))
        .mount(&server)
        .await;
    // Without the runtime's own retry of the GET, so that requests count fetches.
    let config = common::config(&server).retry_policy(cleeng_runtime::RetryPolicy::never());
    let verifier = JwtVerifier::new(common::client(config), PUBLISHER).min_refresh_interval(Duration::from_millis(800));
    let verifier = std::sync::Arc::new(verifier);
    let exp = now() + 900;
    let tokens: Vec<String> = (0..100).map(|i| token("rsa-1", Some(&format!("kid-{i}")), &claims(exp))).collect();

    let started = std::time::Instant::now();
    let tasks: Vec<_> = tokens
        .iter()
        .cloned()
        .map(|t| {
            let verifier = verifier.clone();
            tokio::spawn(async move {
                let began = std::time::Instant::now();
                (verifier.verify(&t).await, began.elapsed())
            })
        })
        .collect();
    let mut worst = Duration::ZERO;
    for task in tasks {
        let (result, took) = task.await.unwrap();
        worst = worst.max(took);
        match result {
            Err(JwtError::KeySet(e)) => assert_eq!(e.status(), Some(503)),
            other => panic!("expected the shared KeySet error, got {other:?}"),
        }
    }
    let all = started.elapsed();
    let concurrent_fetches = common::hits(&server, JWKS).await;

    // 100 more unknown-kid tokens, one after another, within the interval: the cached failure.
    for t in &tokens {
        assert!(matches!(verifier.verify(t).await, Err(JwtError::KeySet(_))));
    }
    let fetches = common::hits(&server, JWKS).await;
    println!(
        "failing JWKS: {concurrent_fetches} fetch(es) for 100 concurrent unknown-kid verifies (all done in {all:?}, \
         worst {worst:?}); {fetches} after 100 more sequential ones within the interval"
    );
    assert_eq!(concurrent_fetches, 1);
    assert_eq!(fetches, 1);

    // After the interval, one new attempt.
    tokio::time::sleep(Duration::from_millis(850)).await;
    assert!(matches!(verifier.verify(&tokens[0]).await, Err(JwtError::KeySet(_))));
    assert!(matches!(verifier.verify(&tokens[1]).await, Err(JwtError::KeySet(_))));
    assert_eq!(common::hits(&server, JWKS).await, 2);
}

/// Concurrent verifies of a valid token on a cold cache share one fetch and all succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_verifies_on_a_cold_cache_share_one_fetch() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JWKS))
        .respond_with(key_set(&["rsa-1"]).set_delay(Duration::from_millis(100)))
        .mount(&server)
        .await;
    let verifier = std::sync::Arc::new(verifier(&server));
    let t = token("rsa-1", Some("rsa-1"), &claims(now() + 900));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (verifier, t) = (verifier.clone(), t.clone());
            tokio::spawn(async move { verifier.verify(&t).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("verifies");
    }
    assert_eq!(common::hits(&server, JWKS).await, 1);
}

#[tokio::test]
async fn a_key_set_larger_than_the_limit_is_refused() {
    let server = MockServer::start().await;
    let padding: Vec<_> = (0..200).map(|i| json!({"kty": "unknown", "kid": format!("pad-{i}"), "x": "y".repeat(64)})).collect();
    let mut keys = vec![jwk("rsa-1")];
    keys.extend(padding);
    Mock::given(method("GET"))
        .and(path(JWKS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": keys })))
        .mount(&server)
        .await;
    let t = token("rsa-1", Some("rsa-1"), &claims(now() + 900));
    let small = verifier(&server).max_key_set_bytes(4 * 1024);
    assert!(matches!(small.verify(&t).await, Err(JwtError::KeySetTooLarge { limit: 4096 })));
    // The default limit (64 KiB) admits it.
    assert!(verifier(&server).verify(&t).await.is_ok());
}

/// A key-set body without a length (chunked) is cut off at the limit rather than buffered.
#[tokio::test]
async fn an_endless_chunked_key_set_is_cut_off_at_the_limit() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 2048];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("{:x}\r\n{}\r\n", 1024, " ".repeat(1024));
        // Up to 64 MiB, or until the client hangs up.
        for _ in 0..65_536 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
            counter.fetch_add(1024, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let config = cleeng_auth::ClientConfig::new(cleeng_auth::Environment::Custom(format!("http://{addr}")));
    let verifier = JwtVerifier::new(common::client(config), PUBLISHER).max_key_set_bytes(16 * 1024);
    let t = token("rsa-1", Some("rsa-1"), &claims(now() + 900));
    assert!(matches!(verifier.verify(&t).await, Err(JwtError::KeySetTooLarge { limit: 16384 })));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let served = sent.load(std::sync::atomic::Ordering::Relaxed);
    assert!(served < 8 * 1024 * 1024, "the server wrote {served} bytes before the client hung up");
}
