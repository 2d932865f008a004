//! The customer session on a local HTTP server: one refresh however many calls race for it,
//! rotated tokens handed to the application, a rejected refresh as an auth error.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cleeng_mediastore::{Account, Claims, Error, Session, SessionError, Tokens};
use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OLD_REFRESH: &str = "refresh-token-1";
const NEW_REFRESH: &str = "refresh-token-2";

async fn mount_customer(server: &MockServer, bearer: &str, expected: u64) {
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .and(header("authorization", format!("Bearer {bearer}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"email": "jane@example.com"}))))
        .expect(expected)
        .named("getCustomer with the expected JWT")
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_racing_calls_share_one_refresh() {
    let server = MockServer::start().await;
    let expiring = jwt(CUSTOMER_ID, now() + 5, "old");
    let fresh = jwt(CUSTOMER_ID, now() + 3600, "new");
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .and(body_json(json!({"refreshToken": OLD_REFRESH})))
        // Slow enough that the other calls arrive while the refresh is in flight.
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ok(json!({"jwt": fresh, "refreshToken": NEW_REFRESH})))
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_customer(&server, &fresh, 20).await;

    let rotated = Arc::new(Mutex::new(Vec::new()));
    let seen = rotated.clone();
    let session = Session::builder(config(&server), Tokens::new(&expiring, OLD_REFRESH))
        .refresh_margin(Duration::from_secs(60))
        .on_refresh(move |tokens| seen.lock().unwrap().push(tokens.clone()))
        .build()
        .unwrap();
    let account = Arc::new(Account::new(session.clone()).unwrap());

    let calls: Vec<_> = (0..20)
        .map(|_| {
            let account = account.clone();
            tokio::spawn(async move { account.get_customer().call().await.and_then(|r| r.payload()) })
        })
        .collect();
    for call in calls {
        let customer = call.await.unwrap().unwrap();
        assert_eq!(customer.email.as_deref(), Some("jane@example.com"));
    }

    let refreshes = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/auths/refresh_token")
        .count();
    assert_eq!(refreshes, 1);
    assert_eq!(*rotated.lock().unwrap(), vec![Tokens::new(&fresh, NEW_REFRESH)]);
    assert_eq!(session.tokens(), Tokens::new(&fresh, NEW_REFRESH));
    assert_eq!(session.claims().expires_at, Claims::from_jwt(&fresh).unwrap().expires_at);
    // `expect(1)` / `expect(20)` are verified when the server drops.
}

#[tokio::test]
async fn a_valid_jwt_is_sent_without_refreshing() {
    let server = MockServer::start().await;
    let token = jwt(CUSTOMER_ID, now() + 3600, "valid");
    mount_customer(&server, &token, 3).await;
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let account = Account::new(Session::new(config(&server), Tokens::new(&token, OLD_REFRESH)).unwrap()).unwrap();
    for _ in 0..3 {
        account.get_customer().call().await.and_then(|r| r.payload()).unwrap();
    }
}

#[tokio::test]
async fn a_rejected_refresh_is_an_auth_error_and_is_not_retried() {
    let server = MockServer::start().await;
    let expired = jwt(CUSTOMER_ID, now() - 10, "expired");
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "responseData": {}, "errors": ["Invalid refresh token"], "code": "AUTH0002"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({}))))
        .expect(0)
        .mount(&server)
        .await;
    let hook_calls = Arc::new(Mutex::new(0));
    let counter = hook_calls.clone();
    let session = Session::builder(config(&server), Tokens::new(&expired, OLD_REFRESH))
        .on_refresh(move |_| *counter.lock().unwrap() += 1)
        .build()
        .unwrap();
    let account = Account::new(session.clone()).unwrap();

    for _ in 0..3 {
        let error = account.get_customer().call().await.and_then(|r| r.payload()).unwrap_err();
        match &error {
            Error::Auth(message) => assert!(message.contains("log in again"), "{message}"),
            other => panic!("expected Error::Auth, got {other:?}"),
        }
    }
    assert!(matches!(session.refresh().await, Err(Error::Auth(_))));
    assert_eq!(*hook_calls.lock().unwrap(), 0);
    // The old pair is kept as it was (the application decides what to do with it).
    assert_eq!(session.tokens(), Tokens::new(&expired, OLD_REFRESH));
}

#[tokio::test]
async fn a_refresh_that_returns_errors_with_200_is_rejected_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "responseData": {}, "errors": ["Refresh token expired"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let session = Session::new(config(&server), Tokens::new(jwt(CUSTOMER_ID, now() - 1, "x"), OLD_REFRESH)).unwrap();
    assert!(matches!(session.jwt().await, Err(Error::Auth(_))));
    assert!(matches!(session.jwt().await, Err(Error::Auth(_))));
}

#[tokio::test]
async fn a_failed_refresh_backs_off_then_is_tried_again() {
    let server = MockServer::start().await;
    let fresh = jwt(CUSTOMER_ID, now() + 3600, "new");
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "responseData": {}, "errors": ["Internal error"], "code": "S0001"
        })))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"jwt": fresh, "refreshToken": NEW_REFRESH}))))
        .expect(1)
        .mount(&server)
        .await;
    let session = Session::builder(config(&server), Tokens::new(jwt(CUSTOMER_ID, now() - 1, "old"), OLD_REFRESH))
        .refresh_backoff(Duration::from_millis(300))
        .build()
        .unwrap();
    let first = session.jwt().await.unwrap_err();
    match &first {
        Error::Session(SessionError::RefreshFailed(cause)) => match cause.as_ref() {
            Error::Api(api) => assert_eq!((api.status, api.code.as_deref()), (500, Some("S0001"))),
            other => panic!("expected the 500 as it came, got {other:?}"),
        },
        other => panic!("expected a failed refresh, got {other:?}"),
    }
    assert_eq!(first.status(), Some(500));
    // Within the back-off window: the same failure, without a request.
    for _ in 0..5 {
        let again = session.jwt().await.unwrap_err();
        assert!(matches!(again, Error::Session(SessionError::RefreshFailed(_))), "{again:?}");
        assert!(matches!(session.refresh().await, Err(Error::Session(SessionError::RefreshFailed(_)))));
    }
    assert_eq!(refreshes(&server).await, 1);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(session.jwt().await.unwrap().expose(), fresh);
    assert_eq!(refreshes(&server).await, 2);
}

async fn refreshes(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == "/auths/refresh_token").count()
}

/// Runs `callers` concurrent `session.jwt()` calls; returns their results and the slowest
/// caller's latency.
async fn race(session: &Session, callers: usize) -> (Vec<Result<String, Error>>, Duration) {
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let session = session.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let result = session.jwt().await.map(|jwt| jwt.expose().to_string());
                (result, started.elapsed())
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut worst = Duration::ZERO;
    for task in tasks {
        let (result, took) = task.await.unwrap();
        worst = worst.max(took);
        results.push(result);
    }
    (results, worst)
}

/// Issue 14, point 1: with a refresh endpoint answering 503, 40 racing callers made 40
/// sequential refreshes (the refresh token re-sent each time). Now they share one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_callers_share_one_failing_refresh_and_its_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    let session = Session::new(config(&server), Tokens::new(jwt(CUSTOMER_ID, now() - 1, "old"), OLD_REFRESH)).unwrap();
    let (results, worst) = race(&session, 40).await;
    let refreshes_during = refreshes(&server).await;
    for result in &results {
        let error = result.as_ref().unwrap_err();
        assert!(matches!(error, Error::Session(SessionError::RefreshFailed(_))), "{error:?}");
        assert_eq!(error.status(), Some(503));
    }
    // Another wave inside the back-off window: answered from the cached failure.
    let (again, worst_again) = race(&session, 40).await;
    assert!(again.iter().all(|r| matches!(r, Err(Error::Session(SessionError::RefreshFailed(_))))));
    let refreshes_total = refreshes(&server).await;
    println!(
        "503 refresh endpoint: {refreshes_during} refresh request(s) for 40 racing callers (worst caller {worst:?}); \
         {refreshes_total} after 40 more within the back-off window (worst {worst_again:?})"
    );
    assert_eq!(refreshes_during, 1);
    assert_eq!(refreshes_total, 1);
}

/// Issue 14, point 1: with a hanging refresh and a 500 ms timeout, 20 callers waited up to
/// 10 s each (one timeout per caller, in turn). Now every caller waits for the same attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hanging_refresh_costs_one_timeout_however_many_callers_wait() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let timeout = Duration::from_millis(500);
    let session = Session::new(
        config(&server).timeout(timeout),
        Tokens::new(jwt(CUSTOMER_ID, now() - 1, "old"), OLD_REFRESH),
    )
    .unwrap();
    let (results, worst) = race(&session, 200).await;
    let sent = refreshes(&server).await;
    println!("hanging refresh, {timeout:?} timeout: {sent} refresh request(s) for 200 racing callers, worst caller {worst:?}");
    assert_eq!(sent, 1);
    for result in &results {
        match result {
            Err(Error::Session(SessionError::RefreshFailed(cause))) => {
                // A POST cut off by the timeout may have reached Cleeng: an unknown outcome.
                assert!(matches!(cause.as_ref(), Error::Timeout { .. } | Error::UnknownOutcome { .. }), "{cause:?}")
            }
            other => panic!("expected the shared timeout, got {other:?}"),
        }
    }
}

/// A refresh that fails while the current JWT is due but not expired: calls keep using the
/// current JWT, and only one refresh is tried per back-off window.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_due_jwt_keeps_working_while_the_refresh_endpoint_fails() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // Due (inside the 60 s margin) but valid for 40 s more.
    let due = jwt(CUSTOMER_ID, now() + 40, "due");
    mount_customer(&server, &due, 30).await;
    let account = Account::new(Session::new(config(&server), Tokens::new(&due, OLD_REFRESH)).unwrap()).unwrap();
    for _ in 0..30 {
        account.get_customer().call().await.and_then(|r| r.payload()).unwrap();
    }
    assert_eq!(refreshes(&server).await, 1);
}

/// Issue 14, point 2: a refresh returning an already-expired JWT made every call refresh
/// again (50 calls, 50 refreshes). Now it is a typed error, once per back-off window, and the
/// rotated refresh token is still kept.
#[tokio::test]
async fn a_refresh_returning_an_expired_jwt_is_a_typed_error_not_a_loop() {
    for (label, exp_offset) in [("expired", -5), ("about to expire", 5)] {
        let server = MockServer::start().await;
        let bad = jwt(CUSTOMER_ID, now() + exp_offset, "bad");
        Mock::given(method("POST"))
            .and(path("/auths/refresh_token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"jwt": bad, "refreshToken": NEW_REFRESH}))))
            .mount(&server)
            .await;
        let hook_calls = Arc::new(Mutex::new(0));
        let counter = hook_calls.clone();
        let session = Session::builder(config(&server), Tokens::new(jwt(CUSTOMER_ID, now() - 1, "old"), OLD_REFRESH))
            .on_refresh(move |_| *counter.lock().unwrap() += 1)
            .build()
            .unwrap();
        for _ in 0..50 {
            match session.jwt().await {
                Err(Error::Session(SessionError::ShortLived { expires_in, required })) => {
                    assert!(expires_in <= exp_offset, "{label}: {expires_in}");
                    assert_eq!(required, Duration::from_secs(20));
                }
                other => panic!("{label}: expected ShortLived, got {other:?}"),
            }
        }
        let sent = refreshes(&server).await;
        println!("refresh returning an {label} JWT: {sent} refresh(es) for 50 calls");
        assert_eq!(sent, 1, "{label}");
        assert_eq!(*hook_calls.lock().unwrap(), 1);
        assert_eq!(session.tokens(), Tokens::new(&bad, NEW_REFRESH), "the rotated pair is kept");
    }
}

/// The minimum validity and the clock-skew allowance are settings: a 30 s JWT is refused when
/// a minute is required.
#[tokio::test]
async fn the_minimum_validity_is_configurable() {
    let server = MockServer::start().await;
    let short = jwt(CUSTOMER_ID, now() + 30, "short");
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"jwt": short, "refreshToken": NEW_REFRESH}))))
        .expect(1)
        .mount(&server)
        .await;
    let session = Session::builder(config(&server), Tokens::new(jwt(CUSTOMER_ID, now() - 1, "old"), OLD_REFRESH))
        .min_validity(Duration::from_secs(60))
        .clock_skew(Duration::from_secs(5))
        .build()
        .unwrap();
    // Still usable (30 s > 5 s skew), so it is sent, but the refresh reported it as too short.
    assert!(matches!(
        session.refresh().await,
        Err(Error::Session(SessionError::ShortLived { required, .. })) if required == Duration::from_secs(65)
    ));
    assert_eq!(session.jwt().await.unwrap().expose(), short);
}

#[tokio::test]
async fn a_short_lived_jwt_from_a_refresh_is_not_refreshed_in_a_loop() {
    let server = MockServer::start().await;
    // The refresh returns a JWT living 30 s, less than the 60 s margin: half its lifetime is
    // used instead, so it is sent rather than refreshed again.
    let short = jwt(CUSTOMER_ID, now() + 30, "short");
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"jwt": short, "refreshToken": NEW_REFRESH}))))
        .expect(1)
        .mount(&server)
        .await;
    mount_customer(&server, &short, 3).await;
    let session = Session::new(config(&server), Tokens::new(jwt(CUSTOMER_ID, now() - 1, "old"), OLD_REFRESH)).unwrap();
    let account = Account::new(session).unwrap();
    for _ in 0..3 {
        account.get_customer().call().await.and_then(|r| r.payload()).unwrap();
    }
}

#[test]
fn claims_and_secrets() {
    let token = jwt(CUSTOMER_ID, 1_900_000_000, "t");
    let session = Session::new(
        cleeng_mediastore::ClientConfig::new(cleeng_mediastore::Environment::Sandbox),
        Tokens::new(&token, OLD_REFRESH),
    )
    .unwrap();
    assert_eq!(session.customer_id(), CUSTOMER_ID);
    assert_eq!(
        session.claims(),
        Claims { customer_id: CUSTOMER_ID, publisher_id: Some(PUBLISHER_ID), expires_at: 1_900_000_000 }
    );
    let text = format!("{session:?} {:?}", session.tokens());
    assert!(!text.contains(&token) && !text.contains(OLD_REFRESH), "{text}");
    assert!(text.contains("[redacted]"), "{text}");

    let error = Session::new(
        cleeng_mediastore::ClientConfig::new(cleeng_mediastore::Environment::Sandbox),
        Tokens::new("not-a-jwt", OLD_REFRESH),
    )
    .unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
}

#[tokio::test]
async fn account_calls_use_the_sessions_customer_id() {
    let server = MockServer::start().await;
    let token = jwt(555, now() + 3600, "t");
    Mock::given(method("GET"))
        .and(path("/customers/555/transactions"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("listCustomerTransactions.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    let account = Account::new(Session::new(config(&server), Tokens::new(&token, OLD_REFRESH)).unwrap()).unwrap();
    assert_eq!(account.customer_id(), 555);
    let list = account.list_customer_transactions().limit(10).call().await.and_then(|r| r.payload()).unwrap();
    assert!(!list.items.is_empty());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("limit=10"));
}

#[tokio::test]
async fn a_401_to_a_revoked_jwt_refreshes_once_and_sends_the_call_again() {
    let server = MockServer::start().await;
    // Valid for an hour by its own claims, but Cleeng has revoked it.
    let revoked = jwt(CUSTOMER_ID, now() + 3600, "revoked");
    let fresh = jwt(CUSTOMER_ID, now() + 3600, "fresh");
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .and(header("authorization", format!("Bearer {revoked}").as_str()))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"responseData": {}, "errors": ["Invalid JWT"], "code": "AUTH0001"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .and(body_json(json!({"refreshToken": OLD_REFRESH})))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"jwt": fresh, "refreshToken": NEW_REFRESH}))))
        .expect(1)
        .mount(&server)
        .await;
    mount_customer(&server, &fresh, 1).await;

    let session = Session::new(config(&server), Tokens::new(&revoked, OLD_REFRESH)).unwrap();
    let customer = Account::new(session.clone()).unwrap().get_customer().call().await.and_then(|r| r.payload()).unwrap();
    assert_eq!(customer.email.as_deref(), Some("jane@example.com"));
    assert_eq!(session.tokens(), Tokens::new(&fresh, NEW_REFRESH));
}

#[tokio::test]
async fn a_401_that_persists_after_a_refresh_reaches_the_caller() {
    let server = MockServer::start().await;
    let fresh = jwt(CUSTOMER_ID, now() + 3600, "fresh");
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"responseData": {}, "errors": ["Forbidden"], "code": "AUTH0001"})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auths/refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"jwt": fresh, "refreshToken": NEW_REFRESH}))))
        .expect(1)
        .mount(&server)
        .await;
    let session = Session::new(config(&server), Tokens::new(jwt(CUSTOMER_ID, now() + 3600, "a"), OLD_REFRESH)).unwrap();
    let err = Account::new(session).unwrap().get_customer().call().await.and_then(|r| r.payload()).unwrap_err();
    assert_eq!(err.status(), Some(401), "{err:?}");
}
