//! Device pairing against a local server: the TV generates a code, then polls until authorized.

use crate::common;

use std::time::{Duration, UNIX_EPOCH};

use cleeng_auth::pairing::{self, PairingError};
use cleeng_auth::PollSchedule;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CHECK: &str = "/v1/codes/check";

fn not_yet() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({
        "code": "PINP0301",
        "message": "PIN-Pair Authentication Code not authorized yet"
    }))
}

fn tokens() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "tokenType": "JWT",
        "accessToken": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
        "refreshToken": "refresh-secret",
        "expiresIn": 900000,
        "customerId": "123456789",
        "additionalPayload": "{\"phoneModel\":\"samsung\"}"
    }))
}

fn quick() -> PollSchedule {
    PollSchedule::fixed(Duration::from_millis(10), Duration::from_secs(30))
}

#[tokio::test]
async fn generating_a_code_sends_the_device_and_reads_milliseconds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/codes/generate"))
        .and(body_json(json!({"broadcasterId": 123456789, "deviceId": "tv-0001", "deviceName": "Living room TV"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "AB12CD",
            "expiresAt": 1767225600123_i64,
            "verificationUrl": "https://example.com/activate"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(common::config(&server));
    let code = pairing::start_device_pairing(&client, 123456789, "tv-0001", "Living room TV")
        .await
        .expect("a code");
    assert_eq!(code.code, "AB12CD");
    assert_eq!(code.verification_url.as_deref(), Some("https://example.com/activate"));
    assert_eq!(code.expires_at, Some(UNIX_EPOCH + Duration::from_millis(1_767_225_600_123)));
}

#[tokio::test]
async fn pairing_succeeds_after_two_not_yet_answers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CHECK))
        .and(query_param("code", "AB12CD"))
        .respond_with(not_yet())
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CHECK))
        .and(query_param("code", "AB12CD"))
        .respond_with(tokens())
        .with_priority(2)
        .mount(&server)
        .await;
    let client = common::client(common::config(&server));
    let device = pairing::wait_for_device_authorization(&client, "AB12CD", &quick())
        .await
        .expect("paired");
    assert_eq!(common::hits(&server, CHECK).await, 3);
    assert_eq!(device.access_token.expose(), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
    assert_eq!(device.refresh_token.as_ref().map(|s| s.expose()), Some("refresh-secret"));
    assert_eq!(device.expires_in, Some(Duration::from_secs(900)));
    assert_eq!(device.customer_id.as_deref(), Some("123456789"));
    assert_eq!(device.token_type.as_deref(), Some("JWT"));
    assert_eq!(device.additional_payload.as_deref(), Some("{\"phoneModel\":\"samsung\"}"));
    let debug = format!("{device:?}");
    assert!(!debug.contains("eyJhbGci") && !debug.contains("refresh-secret"), "{debug}");
}

#[tokio::test]
async fn pairing_fails_cleanly_on_410() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CHECK))
        .respond_with(not_yet())
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CHECK))
        .respond_with(ResponseTemplate::new(410).set_body_json(json!({
            "code": "PINP0203",
            "message": "PIN-Pair Authentication Code has expired"
        })))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = common::client(common::config(&server));
    let err = pairing::wait_for_device_authorization(&client, "AB12CD", &quick())
        .await
        .expect_err("expired");
    match err {
        PairingError::Expired(e) => {
            assert_eq!(e.status, 410);
            assert_eq!(e.code.as_deref(), Some("PINP0203"));
        }
        other => panic!("expected Expired, got {other:?}"),
    }
    assert_eq!(common::hits(&server, CHECK).await, 2, "no check after the 410");
}

#[tokio::test]
async fn unknown_code_is_final() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CHECK))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"code": "PINP0201", "message": "not found"})))
        .mount(&server)
        .await;
    let client = common::client(common::config(&server));
    let err = pairing::wait_for_device_authorization(&client, "ZZ99ZZ", &quick()).await.expect_err("404");
    assert!(matches!(err, PairingError::NotFound(ref e) if e.code.as_deref() == Some("PINP0201")), "{err:?}");
    assert_eq!(common::hits(&server, CHECK).await, 1);
}

#[tokio::test]
async fn a_401_with_another_code_is_not_a_pending_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CHECK))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"code": "AUTH0002", "message": "Invalid JWT"})))
        .mount(&server)
        .await;
    let client = common::client(common::config(&server));
    let err = pairing::wait_for_device_authorization(&client, "AB12CD", &quick()).await.expect_err("final");
    match err {
        PairingError::Api(e) => assert_eq!(e.api_error().and_then(|a| a.code.as_deref()), Some("AUTH0002")),
        other => panic!("expected Api, got {other:?}"),
    }
    assert_eq!(common::hits(&server, CHECK).await, 1);
}

#[tokio::test]
async fn pairing_gives_up_at_its_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(CHECK)).respond_with(not_yet()).mount(&server).await;
    let client = common::client(common::config(&server));
    let schedule = PollSchedule::fixed(Duration::from_millis(20), Duration::from_millis(200));
    let err = pairing::wait_for_device_authorization(&client, "AB12CD", &schedule).await.expect_err("deadline");
    match err {
        PairingError::DeadlineExceeded { attempts, .. } => {
            assert!(attempts >= 1);
            // The deadline also cuts the last request short; it counts as an attempt but may not
            // have reached the server yet.
            let hits = common::hits(&server, CHECK).await;
            assert!(
                hits == attempts as usize || hits + 1 == attempts as usize,
                "{attempts} attempts, {hits} requests"
            );
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
}

#[tokio::test]
async fn dropping_the_future_stops_polling() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(CHECK)).respond_with(not_yet()).mount(&server).await;
    let client = common::client(common::config(&server));
    let schedule = PollSchedule::fixed(Duration::from_millis(10), Duration::from_secs(60));
    let polling = pairing::wait_for_device_authorization(&client, "AB12CD", &schedule);
    // The user pressed Back: the future is dropped before it finished.
    let cut = tokio::time::timeout(Duration::from_millis(100), polling).await;
    assert!(cut.is_err(), "still polling when dropped");
    // Let any request that was already on the wire arrive, then check that no new ones follow.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after_drop = common::hits(&server, CHECK).await;
    assert!(after_drop >= 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(common::hits(&server, CHECK).await, after_drop);
}
