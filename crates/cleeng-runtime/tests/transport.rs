//! Transport hardening, proven with real traffic to misbehaving servers on 127.0.0.1: no
//! redirect is followed, no body grows past the limit, a maybe-charged request is never reported
//! as safe, the deadline holds, errors print no secrets, path parameters cannot change the path.

mod loopback;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cleeng_runtime::{
    ApiHosts, AuthScheme, BearerFuture, BearerSource, ClientConfig, ClientParts, Confidence, CustomerJwt,
    Environment, Error, OperationMeta, PublisherToken, RenewFuture, RetryPolicy, MAX_RETRY_AFTER,
};
use loopback::{chunked_head, json, partial, with_headers, Action, Server};

const TOKEN: &str = "pt-PLANTED-SECRET-TOKEN-0001";
const HOSTS: ApiHosts = ApiHosts { production: "https://unused.invalid", sandbox: "https://unused.invalid" };

const fn op(
    id: &'static str,
    method_name: &'static str,
    method: &'static str,
    path: &'static str,
    idempotent: bool,
    moves_money: bool,
) -> OperationMeta {
    OperationMeta {
        id,
        method_name,
        method,
        path,
        auth: &[AuthScheme::PublisherToken, AuthScheme::CustomerJwt],
        idempotent,
        moves_money,
        hosts: None,
        deprecated: false,
        confidence: Confidence::Verified,
        unconfirmed: &[],
    }
}

/// Sorted by method name, as the generator emits it.
static OPS: &[OperationMeta] = &[
    op("activateOfferLocalization", "activate_offer_localization", "POST", "/offers/{offerId}/localizations/{countryCode}/activate", false, false),
    op("createOrder", "create_order", "POST", "/orders", false, true),
    op("getThing", "get_thing", "GET", "/things/{id}", true, false),
    op("putThing", "put_thing", "PUT", "/things/{id}", true, false),
    op("requestPasswordReset", "request_password_reset", "PUT", "/customers/passwords", false, false),
];

fn retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        deadline: Duration::from_secs(20),
    }
}

fn config(base: &str) -> ClientConfig {
    ClientConfig::new(Environment::Custom(base.to_string()))
        .publisher_token(PublisherToken::new(TOKEN))
        .retry_policy(retries(3))
        .timeout(Duration::from_secs(5))
}

fn parts(config: ClientConfig) -> ClientParts {
    config.into_parts(&HOSTS, OPS).expect("client builds")
}

/// Sends `method path` as operation `op` the way a generated call does, and returns the status
/// and body, or the typed error.
async fn call(parts: &ClientParts, op: &str, method: &str, path: &str) -> Result<(u16, Bytes), Error> {
    let url = format!("{}{}", parts.base_url, path);
    let request = parts
        .http
        .request(method.parse().unwrap(), url)
        .header("content-type", "application/json")
        .body(r#"{"offerId":"S1_US"}"#)
        .build()
        .expect("request builds");
    let response = parts.context.execute(&parts.http, request, op).await.map_err(|e| Error::Transport {
        operation: Some(op.into()),
        source: e,
    })?;
    let status = response.status().as_u16();
    if status == 399 {
        return Err(Error::from(progenitor_client::Error::<()>::UnexpectedResponse(response)));
    }
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("buffered body");
    if status >= 400 {
        // What the generated code does with an error status.
        return Err(Error::from(cleeng_runtime::ApiError::from_parts(status, headers, body)));
    }
    Ok((status, body))
}

// ---- 1. Redirects -------------------------------------------------------------------------

#[tokio::test]
async fn no_redirect_is_followed_and_the_token_never_reaches_the_other_host() {
    let foreign = Server::start(|_, _| Action::Reply(json(200, r#"{"orderId":1}"#))).await;
    for status in [301u16, 302, 303, 307, 308] {
        let location = format!("{}/orders?code=GIFT-PLANTED-SECRET", foreign.url);
        let origin = Server::start(move |_, _| {
            Action::Reply(with_headers(status, &format!("location: {location}\r\n"), "{}"))
        })
        .await;
        let err = call(&parts(config(&origin.url)), "create_order", "POST", "/orders").await.unwrap_err();
        match &err {
            Error::Redirect { operation, status: s, location, followed } => {
                assert_eq!(operation, "createOrder");
                assert_eq!(*s, status);
                assert!(location.as_deref().unwrap().starts_with(&foreign.url));
                assert!(!followed);
            }
            other => panic!("{status}: expected Redirect, got {other:?}"),
        }
        let text = format!("{err} {err:?}");
        assert!(text.contains("createOrder") && text.contains("127.0.0.1"), "{text}");
        assert!(!text.contains("PLANTED"), "{text}");
        assert_eq!(origin.count(), 1, "{status}: sent once");
        // A GET is not followed either (and not retried: a redirect is an answer).
        let err = call(&parts(config(&origin.url)), "get_thing", "GET", "/things/1").await.unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    }
    assert_eq!(foreign.count(), 0, "nothing reached the host a Location named");
    // No Referer, ever.
    let origin = Server::start(|_, _| Action::Reply(json(200, "{}"))).await;
    call(&parts(config(&origin.url)), "get_thing", "GET", "/things/1").await.unwrap();
    assert!(origin.requests.lock().unwrap().iter().all(|r| r.header("referer").is_none()));
}

#[tokio::test]
async fn a_user_client_that_follows_redirects_is_caught_after_the_fact() {
    let foreign = Server::start(|_, _| Action::Reply(json(200, r#"{"orderId":1}"#))).await;
    let location = format!("{}/elsewhere", foreign.url);
    let origin = Server::start(move |_, _| {
        Action::Reply(with_headers(302, &format!("location: {location}\r\n"), "{}"))
    })
    .await;
    let parts = parts(config(&origin.url).http_client(reqwest::Client::new()));
    let err = call(&parts, "create_order", "POST", "/orders").await.unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { followed: true, operation, .. } if operation == "createOrder"),
        "the foreign body must not become Ok: {err:?}"
    );
    // What the docs warn about: reqwest followed it, so the other host did get a request.
    assert_eq!(foreign.count(), 1);
}

#[tokio::test]
async fn a_customized_builder_still_follows_no_redirect() {
    let foreign = Server::start(|_, _| Action::Reply(json(200, "{}"))).await;
    let location = format!("{}/x", foreign.url);
    let origin = Server::start(move |_, _| {
        Action::Reply(with_headers(307, &format!("location: {location}\r\n"), "{}"))
    })
    .await;
    let config = config(&origin.url)
        .http_client_builder(|b| b.redirect(reqwest::redirect::Policy::limited(10)));
    let err = call(&parts(config), "create_order", "POST", "/orders").await.unwrap_err();
    assert!(matches!(err, Error::Redirect { followed: false, .. }), "{err:?}");
    assert_eq!(foreign.count(), 0);
}

#[tokio::test]
async fn not_modified_is_not_a_redirect() {
    let server = Server::start(|_, _| Action::Reply(with_headers(304, "etag: \"1\"\r\n", ""))).await;
    let (status, _) = call(&parts(config(&server.url)), "get_thing", "GET", "/things/1").await.unwrap();
    assert_eq!(status, 304);
}

// ---- 2. Bounded memory --------------------------------------------------------------------

#[tokio::test]
async fn an_oversized_content_length_is_refused_before_reading() {
    let server = Server::start(|_, _| Action::ReplyThenStall(partial(200, 1 << 30, 10))).await;
    let started = Instant::now();
    let err = call(&parts(config(&server.url).max_response_bytes(1 << 20)), "get_thing", "GET", "/things/1")
        .await
        .unwrap_err();
    match err {
        Error::ResponseTooLarge { operation, status, limit, content_length } => {
            assert_eq!(operation.as_deref(), Some("getThing"));
            assert_eq!((status, limit, content_length), (200, 1 << 20, Some(1 << 30)));
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(4), "refused without waiting for the body");
    assert_eq!(server.count(), 1, "a too-large answer is not retried");
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_off_at_the_limit() {
    for status in [200u16, 500] {
        let server = Server::start(move |_, _| Action::Flood(chunked_head(status), 64 * 1024)).await;
        let err = call(&parts(config(&server.url).max_response_bytes(2 << 20)), "get_thing", "GET", "/things/1")
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::ResponseTooLarge { content_length: None, limit, .. } if limit == 2 << 20),
            "{status}: {err:?}"
        );
    }
}

#[tokio::test]
async fn the_default_limit_is_16_mib() {
    assert_eq!(cleeng_runtime::DEFAULT_MAX_RESPONSE_BYTES, 16 * 1024 * 1024);
    let server = Server::start(|_, _| Action::ReplyThenStall(partial(200, 16 * 1024 * 1024 + 1, 0))).await;
    let err = call(&parts(config(&server.url)), "get_thing", "GET", "/things/1").await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 16777216, .. }), "{err:?}");
}

#[tokio::test]
async fn an_oversized_answer_to_a_payment_is_an_unknown_outcome() {
    let server = Server::start(|_, _| Action::Flood(chunked_head(200), 64 * 1024)).await;
    let err = call(&parts(config(&server.url).max_response_bytes(1 << 20)), "create_order", "POST", "/orders")
        .await
        .unwrap_err();
    match &err {
        Error::UnknownOutcome { operation, source } => {
            assert_eq!(operation, "createOrder");
            assert!(matches!(**source, Error::ResponseTooLarge { .. }), "{source:?}");
        }
        other => panic!("expected UnknownOutcome, got {other:?}"),
    }
    assert!(err.outcome_unknown());
}

// ---- 3. Unknown outcome, whole ------------------------------------------------------------

#[tokio::test]
async fn a_payment_whose_200_body_stalls_or_breaks_is_an_unknown_outcome() {
    let stalls = Server::start(|_, _| Action::ReplyThenStall(partial(200, 100, 10))).await;
    let breaks = Server::start(|_, _| Action::ReplyThenClose(partial(201, 100, 10))).await;
    for (server, kind) in [(&stalls, "stall"), (&breaks, "cut off")] {
        let config = config(&server.url).timeout(Duration::from_millis(400));
        let err = call(&parts(config), "create_order", "POST", "/orders").await.unwrap_err();
        match &err {
            Error::UnknownOutcome { operation, source } => {
                assert_eq!(operation, "createOrder", "{kind}");
                assert!(matches!(**source, Error::Timeout { .. } | Error::Transport { .. }), "{kind}: {source:?}");
            }
            other => panic!("{kind}: expected UnknownOutcome, got {other:?}"),
        }
        assert_eq!(server.count(), 1, "{kind}: a payment is sent once");
    }
}

#[tokio::test]
async fn an_idempotent_read_whose_body_breaks_is_retried() {
    let server = Server::start(|n, _| {
        if n == 1 {
            Action::ReplyThenClose(partial(200, 100, 10))
        } else {
            Action::Reply(json(200, r#"{"ok":true}"#))
        }
    })
    .await;
    let (status, body) = call(&parts(config(&server.url)), "get_thing", "GET", "/things/1").await.unwrap();
    assert_eq!((status, &body[..]), (200, &br#"{"ok":true}"#[..]));
    assert_eq!(server.count(), 2);
}

// ---- 4. Deadline --------------------------------------------------------------------------

#[tokio::test]
async fn each_attempt_is_cut_at_the_time_left_before_the_deadline() {
    let server = Server::start(|_, _| Action::ReplyThenStall(Vec::new())).await;
    let policy = RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
        deadline: Duration::from_millis(1500),
    };
    let config = config(&server.url).retry_policy(policy).timeout(Duration::from_secs(1));
    let started = Instant::now();
    let err = call(&parts(config), "get_thing", "GET", "/things/1").await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    // Attempt 1 takes its full second; attempt 2 only the half second left. Without the cap it
    // would take another full second (2.0 s in all).
    assert!(elapsed < Duration::from_millis(1850), "deadline overrun: {elapsed:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn the_deadline_setter_sets_the_policy_deadline() {
    let server = Server::start(|_, _| Action::ReplyThenStall(Vec::new())).await;
    let config = config(&server.url).timeout(Duration::from_secs(5)).deadline(Duration::from_millis(300));
    let started = Instant::now();
    let err = call(&parts(config), "get_thing", "GET", "/things/1").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "the 5 s attempt timeout was cut to the deadline");
}

// ---- 5. Errors print no secrets -----------------------------------------------------------

const PLANTED: [&str; 7] = [
    "PLANTED-JWT",
    "PLANTED-REFRESH",
    "PLANTED-PASSWORD",
    "PLANTED-COOKIE",
    "PLANTED-GIFT",
    "PLANTED-SECRET",
    TOKEN,
];

fn assert_clean(error: &Error) {
    for text in [format!("{error}"), format!("{error:?}"), format!("{error:#?}")] {
        for secret in PLANTED {
            assert!(!text.contains(secret), "{secret} leaked in: {text}");
        }
        assert!(!text.contains("PLANTED"), "{text}");
    }
}

fn api(status: u16) -> cleeng_runtime::ApiError {
    let mut headers = http::HeaderMap::new();
    headers.insert("set-cookie", "session=PLANTED-COOKIE".parse().unwrap());
    headers.insert("x-publisher-token", TOKEN.parse().unwrap());
    headers.insert("retry-after", "1".parse().unwrap());
    let body = r#"{"message":"bad","errors":[],"password":"PLANTED-PASSWORD","jwt":"PLANTED-JWT"}"#;
    cleeng_runtime::ApiError::from_parts(status, headers, Bytes::from(body))
}

#[tokio::test]
async fn no_error_variant_prints_a_planted_secret() {
    let login = r#"{"responseData":{"jwt":"eyJhbGciOiJIUzI1NiJ9.PLANTED-JWT.sig","refreshToken":"PLANTED-REFRESH","customerId":"not-a-number"}}"#;
    let mut errors = vec![
        Error::MissingCredential { operation: "x".into(), accepted: vec![AuthScheme::PublisherToken] },
        Error::Config("bad base URL".into()),
        Error::InvalidRequest { operation: Some("getOffer".into()), message: "parameter `offer_id`: conversion failed".into() },
        Error::Auth("refresh rejected".into()),
        Error::Decode {
            operation: Some("loginCustomer".into()),
            path: Some("responseData.customerId".into()),
            message: r#"invalid type: string "PLANTED-SECRET", expected u64"#.into(),
            body: Bytes::from(login),
        },
        Error::UnexpectedStatus {
            operation: None,
            status: 304,
            headers: Box::new(api(304).headers),
        },
        Error::ResponseTooLarge { operation: None, status: 200, limit: 1, content_length: None },
        Error::Redirect {
            operation: "redeemGift".into(),
            status: 302,
            location: Some("https://evil.example/gifts/PLANTED-GIFT?token=PLANTED-SECRET".into()),
            followed: false,
        },
        Error::from(api(429)),
        Error::from(api(503)),
        Error::from(api(422)),
        Error::Session(cleeng_runtime::SessionError::RefreshFailed(Arc::new(Error::decode(
            "refreshToken",
            "missing field `customerId`",
            login,
        )))),
    ];
    // Transport, Timeout and UnknownOutcome from real traffic, with a gift code in the URL.
    let closes = Server::start(|_, _| Action::Close).await;
    let stalls = Server::start(|_, _| Action::ReplyThenStall(Vec::new())).await;
    let path = "/things/PLANTED-GIFT?code=PLANTED-SECRET";
    let fast = |url: &str| parts(config(url).retry_policy(retries(1)).timeout(Duration::from_millis(200)));
    errors.push(call(&fast(&closes.url), "get_thing", "GET", path).await.unwrap_err());
    errors.push(call(&fast(&stalls.url), "get_thing", "GET", path).await.unwrap_err());
    errors.push(call(&fast(&closes.url), "create_order", "POST", "/orders?code=PLANTED-GIFT").await.unwrap_err());
    assert!(matches!(errors[errors.len() - 3], Error::Transport { .. }), "{:?}", errors[errors.len() - 3]);
    assert!(matches!(errors[errors.len() - 2], Error::Timeout { .. }), "{:?}", errors[errors.len() - 2]);
    assert!(matches!(errors[errors.len() - 1], Error::UnknownOutcome { .. }), "{:?}", errors[errors.len() - 1]);
    for error in &errors {
        assert_clean(error);
    }
    // Every variant is covered: the match below stops compiling when one is added.
    for error in &errors {
        match error {
            Error::MissingCredential { .. }
            | Error::Config(_)
            | Error::InvalidRequest { .. }
            | Error::Auth(_)
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::UnknownOutcome { .. }
            | Error::ResponseTooLarge { .. }
            | Error::Redirect { .. }
            | Error::RateLimited { .. }
            | Error::Unavailable(_)
            | Error::Api(_)
            | Error::Decode { .. }
            | Error::UnexpectedStatus { .. }
            | Error::Session(_) => {}
            _ => unreachable!(),
        }
    }
    // The raw body is still there, on purpose.
    let decode = &errors[4];
    assert_eq!(decode.raw_body().unwrap(), &Bytes::from(login));
    let text = format!("{decode:?}");
    assert!(text.contains(&format!("{} bytes", login.len())) && text.contains("customerId"), "{text}");
}

#[tokio::test]
async fn an_unwrap_panic_prints_no_secret() {
    let error = Error::decode("refreshToken", "missing field `customerId`", r#"{"jwt":"PLANTED-JWT","refreshToken":"PLANTED-REFRESH"}"#);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let result: Result<(), Error> = Err(error);
        // What a user's `.unwrap()` prints is the point here.
        #[allow(clippy::unnecessary_literal_unwrap)]
        result.unwrap();
    }))
    .unwrap_err();
    let text = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(text.contains("Decode") && !text.contains("PLANTED"), "{text}");
}

// ---- 6. Path parameters -------------------------------------------------------------------

#[tokio::test]
async fn a_dot_segment_cannot_turn_a_call_into_another_operation() {
    let server = Server::start(|_, _| Action::Reply(json(200, "{}"))).await;
    let parts = parts(config(&server.url));
    for path in [
        "/offers/S1_US/localizations/../activate",
        "/offers/S1_US/localizations/./activate",
        "/offers/S1_US/localizations/%2e%2E/activate",
        "/offers/S1_US/localizations//activate",
        "/offers/../localizations/US/activate",
    ] {
        let err = call(&parts, "activate_offer_localization", "POST", path).await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::InvalidRequest { .. }), "{path}: {err:?}");
        assert!(text.contains("activateOfferLocalization"), "{text}");
    }
    let err = call(&parts, "activate_offer_localization", "POST", "/offers/S1_US/localizations/%2e%2e/activate")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`countryCode`"), "{err}");
    assert_eq!(server.count(), 0, "nothing was sent");
    call(&parts, "activate_offer_localization", "POST", "/offers/S1_US/localizations/US/activate")
        .await
        .expect("an ordinary value goes through");
}

// ---- 7. Small ones ------------------------------------------------------------------------

#[tokio::test]
async fn a_huge_retry_after_is_capped() {
    let server = Server::start(|_, _| {
        Action::Reply(with_headers(429, "retry-after: 18446744073709551615\r\n", r#"{"message":"slow down"}"#))
    })
    .await;
    let err = call(&parts(config(&server.url).retry_policy(retries(1))), "get_thing", "GET", "/things/1")
        .await
        .unwrap_err();
    match err {
        Error::RateLimited { retry_after: Some(wait), .. } => {
            assert_eq!(wait, MAX_RETRY_AFTER);
            let _ = Instant::now() + wait;
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn idle_connections_per_host_are_capped() {
    let server = Server::start(|_, _| Action::Reply(json(200, "{}"))).await;
    let reused = parts(config(&server.url));
    for _ in 0..3 {
        call(&reused, "get_thing", "GET", "/things/1").await.unwrap();
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "default: connections are kept");
    let other = Server::start(|_, _| Action::Reply(json(200, "{}"))).await;
    let none_idle = parts(config(&other.url).max_idle_connections_per_host(0));
    for _ in 0..3 {
        call(&none_idle, "get_thing", "GET", "/things/1").await.unwrap();
    }
    assert_eq!(other.connections.load(Ordering::SeqCst), 3, "cap 0: no idle connection is kept");
}

#[tokio::test]
async fn a_put_marked_not_idempotent_is_not_retried() {
    let server = Server::start(|_, _| Action::Reply(json(503, r#"{"message":"busy"}"#))).await;
    let parts = parts(config(&server.url));
    let err = call(&parts, "request_password_reset", "PUT", "/customers/passwords").await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
    assert_eq!(server.count(), 1, "an e-mail is sent once");
    call(&parts, "put_thing", "PUT", "/things/1").await.unwrap_err();
    assert_eq!(server.count(), 1 + 3, "an ordinary PUT is retried");
    // A reset connection after the PUT left: outcome unknown, not a retried transport error.
    let closes = Server::start(|_, _| Action::Close).await;
    let err = call(&parts_for(&closes.url), "request_password_reset", "PUT", "/customers/passwords").await.unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    assert_eq!(closes.count(), 1);
}

fn parts_for(url: &str) -> ClientParts {
    parts(config(url))
}

// ---- 8. The 401 resend ----------------------------------------------------------------------

struct Renewing(AtomicBool);

impl BearerSource for Renewing {
    fn bearer(&self) -> BearerFuture<'_> {
        let renewed = self.0.load(Ordering::SeqCst);
        Box::pin(async move { Ok(CustomerJwt::new(if renewed { "jwt-new" } else { "jwt-old" })) })
    }

    fn renew(&self, _rejected: CustomerJwt) -> RenewFuture<'_> {
        self.0.store(true, Ordering::SeqCst);
        Box::pin(async { true })
    }
}

#[tokio::test]
async fn a_payment_answered_401_is_sent_once_more_after_the_jwt_renews() {
    // Documented choice: a 401 means Cleeng refused the credential before doing anything, so
    // the resend cannot charge twice. It happens once, whatever the retry policy.
    let server = Server::start(|_, r| {
        if r.header("authorization") == Some("Bearer jwt-new") {
            Action::Reply(json(200, r#"{"orderId":1}"#))
        } else {
            Action::Reply(json(401, r#"{"message":"expired"}"#))
        }
    })
    .await;
    let config = ClientConfig::new(Environment::Custom(server.url.clone()))
        .bearer_source(Arc::new(Renewing(AtomicBool::new(false))))
        .retry_policy(RetryPolicy::never());
    let (status, _) = call(&parts(config), "create_order", "POST", "/orders").await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(server.count(), 2);
    // A second 401 (the renewed token refused too) reaches the caller: no loop.
    let refuses = Server::start(|_, _| Action::Reply(json(401, r#"{"message":"no"}"#))).await;
    let config = ClientConfig::new(Environment::Custom(refuses.url.clone()))
        .bearer_source(Arc::new(Renewing(AtomicBool::new(false))));
    let err = call(&parts(config), "create_order", "POST", "/orders").await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(refuses.count(), 2);
}
