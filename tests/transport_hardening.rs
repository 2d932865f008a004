//! Transport hardening through the generated clients of every family, against misbehaving
//! servers on 127.0.0.1 (issue 13): the generated `Client::new` follows no redirect, a login
//! answer that drifts from the spec prints no token, a dot segment cannot change the operation,
//! the JWKS fetch is size-limited, and, over 200 fault trials per fault kind, no operation that
//! moves money is ever sent twice.

#[path = "../crates/cleeng-runtime/tests/loopback/mod.rs"]
mod loopback;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use cleeng::runtime::{
    progenitor_client, ApiHosts, ClientConfig, ClientParts, Context, Credentials, CustomerJwt, Environment,
    Error, OperationMeta, PublisherToken, RetryPolicy,
};
use cleeng_core::{ClientOfferLocalizationsExt, ClientSubscriptionsExt};
use loopback::{chunked_head, json, partial, with_headers, Action, Server};

const TOKEN: &str = "pt-PLANTED-TOKEN-0123456789";

#[tokio::test]
async fn the_generated_client_new_follows_no_redirect() {
    let foreign = Server::start(|_, _| Action::Reply(json(200, r#"{"subscriptionId":1}"#))).await;
    let location = format!("{}/subscriptions/1", foreign.url);
    let origin = Server::start(move |_, _| {
        Action::Reply(with_headers(302, &format!("location: {location}\r\n"), "{}"))
    })
    .await;
    let client = cleeng_core::Client::new(Environment::Custom(origin.url.clone()), PublisherToken::new(TOKEN))
        .expect("client builds");
    let err = client.get_subscription().subscription_id(1).call().await.unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { operation, status: 302, followed: false, .. } if operation == "getSubscription"),
        "{err:?}"
    );
    assert_eq!(foreign.count(), 0, "the token never reached the other host");
    // A finished client of the user's own that follows redirects (reqwest's default), given to
    // the hidden `new_with_client`: caught after the fact, the foreign body never becomes `Ok`.
    let context = Context::new(
        Environment::Custom(origin.url.clone()),
        origin.url.clone(),
        Credentials::from(PublisherToken::new(TOKEN)),
        cleeng_core::OPERATIONS,
    );
    // A client that follows redirects (reqwest's default policy), with this build's TLS stack.
    let following = cleeng::runtime::http_client_builder()
        .redirect(reqwest::redirect::Policy::default())
        .build()
        .unwrap();
    let client = cleeng_core::Client::new_with_client(&origin.url, following, context);
    let err = client.get_subscription().subscription_id(1).call().await.unwrap_err();
    assert!(matches!(&err, Error::Redirect { followed: true, .. }), "{err:?}");
}

#[tokio::test]
async fn a_login_answer_that_drifts_from_the_spec_prints_no_token() {
    use cleeng_mediastore::ClientLoginExt;
    let server = Server::start(|_, _| {
        Action::Reply(json(
            200,
            r#"{"responseData":{"jwt":"eyJhbGciOiJIUzI1NiJ9.PLANTED-JWT.sig","refreshToken":"PLANTED-REFRESH","customerId":{"drifted":true}},"errors":[]}"#,
        ))
    })
    .await;
    let client = cleeng_mediastore::Client::from_config(ClientConfig::new(Environment::Custom(server.url.clone())))
        .unwrap();
    let body: cleeng_mediastore::types::LoginRequest = serde_json::from_value(serde_json::json!({
        "email": "a@example.com", "password": "PLANTED-PASSWORD", "publisherId": "123456789"
    }))
    .unwrap();
    let err = client.login_customer().body(body).call().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let printed = format!("{err} | {err:?} | {err:#?}");
    assert!(!printed.contains("PLANTED"), "{printed}");
    assert!(err.raw_body().unwrap().windows(12).any(|w| w == b"PLANTED-JWT."), "the raw body stays reachable");
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // What a user's `.unwrap()` prints is the point here.
        #[allow(clippy::unnecessary_literal_unwrap)]
        Err::<(), _>(err).unwrap();
    }))
    .unwrap_err();
    let text = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(text.contains("Decode") && !text.contains("PLANTED"), "{text}");
}

#[tokio::test]
async fn a_dot_country_code_cannot_activate_the_whole_offer() {
    let server = Server::start(|_, _| Action::Reply(json(200, "{}"))).await;
    let client = cleeng_core::Client::from_config(
        ClientConfig::new(Environment::Custom(server.url.clone())).publisher_token(PublisherToken::new(TOKEN)),
    )
    .unwrap();
    for code in [".."] {
        let err = client
            .activate_offer_localization()
            .offer_id("S123456789")
            .country_code(code)
            .call()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::InvalidRequest { .. }), "{code}: {err:?}");
        assert!(text.contains("activateOfferLocalization") && text.contains("country_code"), "{text}");
    }
    assert_eq!(server.count(), 0, "POST /offers/{{id}}/activate was never sent");
}

/// A value a setter refuses is reported with the operation, the parameter and the rule it
/// broke (issue 13, point 7), and nothing is sent.
#[tokio::test]
async fn a_refused_setter_value_names_the_operation_the_parameter_and_the_rule() {
    let server = Server::start(|_, _| Action::Reply(json(200, "{}"))).await;
    let client = cleeng_core::Client::from_config(
        ClientConfig::new(Environment::Custom(server.url.clone())).publisher_token(PublisherToken::new(TOKEN)),
    )
    .unwrap();
    let err = client
        .activate_offer_localization()
        .offer_id("../offers")
        .country_code("US")
        .call()
        .await
        .unwrap_err();
    match &err {
        Error::InvalidRequest { operation, message } => {
            assert_eq!(operation.as_deref(), Some("activateOfferLocalization"), "{err:?}");
            assert!(message.starts_with("parameter `offer_id`: "), "{message}");
            assert!(message.contains("is not an offer id"), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(err.to_string().starts_with("activateOfferLocalization: invalid request: parameter `offer_id`"), "{err}");
    assert_eq!(server.count(), 0, "nothing was sent");
}

#[tokio::test]
async fn the_jwks_fetch_is_size_limited() {
    let server = Server::start(|_, _| Action::Flood(chunked_head(200), 64 * 1024)).await;
    let client = cleeng_auth::Client::from_config(
        ClientConfig::new(Environment::Custom(server.url.clone())).max_response_bytes(32 * 1024),
    )
    .unwrap();
    let verifier = cleeng_auth::JwtVerifier::new(client, 123_456_789);
    // A token whose header names a key the (empty) cache lacks: the verifier fetches the set.
    let token = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.c2ln";
    let err = verifier.verify(token).await.unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("ResponseTooLarge"), "{text}");
}

// ---- Operations that move money -------------------------------------------------------------

fn families() -> Vec<(&'static str, ApiHosts, &'static [OperationMeta])> {
    vec![
        ("core", cleeng_core::HOSTS, cleeng_core::OPERATIONS),
        ("mediastore", cleeng_mediastore::HOSTS, cleeng_mediastore::OPERATIONS),
        ("auth", cleeng_auth::HOSTS, cleeng_auth::OPERATIONS),
        ("inapp", cleeng_inapp::HOSTS, cleeng_inapp::OPERATIONS),
        ("webhooks", cleeng_webhooks::HOSTS, cleeng_webhooks::OPERATIONS),
    ]
}

#[test]
fn the_specs_mark_every_operation_that_moves_money() {
    let marked: BTreeSet<String> = families()
        .iter()
        .flat_map(|(family, _, ops)| ops.iter().filter(|o| o.moves_money).map(move |o| format!("{family}.{}", o.id)))
        .collect();
    let expected: BTreeSet<String> = [
        "core.cancelPayment", "core.createOrder", "core.createPass", "core.createPayment", "core.createSubscription",
        "core.createSwitch", "core.redeemGift", "core.renewSubscription", "core.reviveSubscription",
        "core.updatePayment",
        "inapp.registerAppleSk2Purchase", "inapp.submitAmazonPayment", "inapp.submitAndroidPayment",
        "inapp.submitApplePayment", "inapp.submitRokuPayment", "inapp.validateAppleSk2Purchase",
        "inapp.validateSamsungTvPurchase", "inapp.validateVizioPurchase",
        "mediastore.createAdyenPayment", "mediastore.createAmazonPayment", "mediastore.createAndroidPayment",
        "mediastore.createApplePayment", "mediastore.createOrder", "mediastore.createPaymentWithoutDetails",
        "mediastore.createPaypalToken", "mediastore.createRokuPayment", "mediastore.finalizeAdyenPayment",
        "mediastore.redeemGift", "mediastore.switchSubscription",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(marked, expected);
    for (_, _, ops) in families() {
        for op in ops.iter().filter(|o| o.moves_money) {
            assert!(!op.retry_safe(), "{} moves money but would be retried", op.id);
        }
    }
    let reset = cleeng_mediastore::OPERATIONS.iter().find(|o| o.id == "requestPasswordReset").unwrap();
    assert_eq!((reset.method, reset.idempotent), ("PUT", false), "a PUT that sends an e-mail");
}

/// The ways an attempt can fail after the request may have left.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// The connection closes after the request arrived, with no answer.
    Reset,
    Status502,
    Status503,
    Status504,
    /// 429 with `Retry-After: 0`.
    RateLimited,
    /// A 200 whose body stalls past the attempt timeout.
    StalledBody,
    /// A 200 whose body is cut off.
    CutBody,
    /// A 200 announcing more than the size limit.
    Oversized,
    /// A 307 back to the same URL (a duplicate, if followed).
    Redirect,
    /// A 401 to a fixed JWT (nothing to renew).
    Unauthorized,
}

const FAULTS: [Fault; 10] = [
    Fault::Reset,
    Fault::Status502,
    Fault::Status503,
    Fault::Status504,
    Fault::RateLimited,
    Fault::StalledBody,
    Fault::CutBody,
    Fault::Oversized,
    Fault::Redirect,
    Fault::Unauthorized,
];

const TRIALS: usize = 200;

fn fault_action(fault: Fault, path: &str) -> Action {
    match fault {
        Fault::Reset => Action::Close,
        Fault::Status502 => Action::Reply(json(502, "{}")),
        Fault::Status503 => Action::Reply(json(503, "{}")),
        Fault::Status504 => Action::Reply(json(504, "{}")),
        Fault::RateLimited => Action::Reply(with_headers(429, "retry-after: 0\r\n", "{}")),
        Fault::StalledBody => Action::ReplyThenStall(partial(200, 64, 8)),
        Fault::CutBody => Action::ReplyThenClose(partial(200, 64, 8)),
        Fault::Oversized => Action::ReplyThenStall(partial(200, 1 << 30, 0)),
        Fault::Redirect => Action::Reply(with_headers(307, &format!("location: {path}\r\n"), "{}")),
        Fault::Unauthorized => Action::Reply(json(401, "{}")),
    }
}

/// Sends `op` `TRIALS` times, each answered first with `fault` (then 200 to anything more), and
/// returns how many requests beyond the first the server received per trial, summed. Each trial
/// carries its own `x-trial` header, so a request that reaches the server late (after its
/// attempt timed out) is still counted against its own trial.
async fn duplicates(hosts: ApiHosts, ops: &'static [OperationMeta], op: &'static OperationMeta, fault: Fault) -> usize {
    let path: String = op
        .path
        .split('/')
        .map(|s| if s.starts_with('{') { "1" } else { s })
        .collect::<Vec<_>>()
        .join("/");
    let seen = Arc::new(std::sync::Mutex::new(BTreeSet::<String>::new()));
    let (seen_in, path_in) = (seen.clone(), path.clone());
    let server = Server::start(move |_, request| {
        let trial = request.header("x-trial").unwrap_or_default().to_string();
        if seen_in.lock().unwrap().insert(trial) {
            fault_action(fault, &path_in)
        } else {
            Action::Reply(json(200, "{}"))
        }
    })
    .await;
    let credentials = Credentials::none()
        .with_publisher_token(PublisherToken::new(TOKEN))
        .with_customer_jwt(CustomerJwt::new("jwt"))
        .with_integration_secret("secret".into());
    let parts: ClientParts = ClientConfig::new(Environment::Custom(server.url.clone()))
        .credentials(credentials)
        .retry_policy(RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            deadline: Duration::from_secs(10),
        })
        // Short only where the fault is a stall, so that 200 stalls take seconds, not minutes.
        .timeout(Duration::from_millis(if matches!(fault, Fault::StalledBody) { 40 } else { 2000 }))
        .max_response_bytes(64 * 1024)
        .into_parts(&hosts, ops)
        .expect("client builds");
    for trial in 0..TRIALS {
        let request = parts
            .http
            .request(op.method.parse().unwrap(), format!("{}{}", parts.base_url, path))
            .header("content-type", "application/json")
            .header("x-trial", trial.to_string())
            .body("{}")
            .build()
            .unwrap();
        let before = server.count();
        let response = parts.context.execute(&parts.http, request, op.method_name).await.unwrap();
        if response.status().as_u16() == 399 {
            let error = Error::from(progenitor_client::Error::<()>::UnexpectedResponse(response));
            // Whatever came back, it never claims the request is safe to send again blindly
            // when it reached the server.
            let reached = server.count() > before;
            if reached && matches!(fault, Fault::Reset | Fault::StalledBody | Fault::CutBody | Fault::Oversized) {
                assert!(error.outcome_unknown(), "{} / {fault:?}: {error:?}", op.id);
            }
        }
    }
    // Let requests that were still on their way arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let requests = server.requests.lock().unwrap();
    let distinct: BTreeSet<&str> = requests.iter().filter_map(|r| r.header("x-trial")).collect();
    requests.len() - distinct.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_operation_that_moves_money_is_sent_twice_over_200_fault_trials_per_fault_kind() {
    // A few runs at a time: enough to finish in seconds, few enough that a loaded machine does
    // not turn every attempt into a timeout.
    let permits = Arc::new(tokio::sync::Semaphore::new(12));
    let mut runs = Vec::new();
    for (family, hosts, ops) in families() {
        for op in ops.iter().filter(|o| o.moves_money) {
            for fault in FAULTS {
                let permits = permits.clone();
                runs.push(tokio::spawn(async move {
                    let _permit = permits.acquire_owned().await.unwrap();
                    let started = std::time::Instant::now();
                    let extra = duplicates(hosts, ops, op, fault).await;
                    eprintln!("{family}.{} {fault:?}: {extra} duplicates in {:?}", op.id, started.elapsed());
                    (family, op.id, fault, extra)
                }));
            }
        }
    }
    let mut total_trials = 0;
    let mut total_duplicates = 0;
    let mut ops = BTreeSet::new();
    for run in runs {
        let (family, id, fault, extra) = run.await.unwrap();
        assert_eq!(extra, 0, "{family}.{id} was sent again after {fault:?}");
        ops.insert(format!("{family}.{id}"));
        total_trials += TRIALS;
        total_duplicates += extra;
    }
    assert!(ops.len() >= 29, "{ops:?}");
    println!(
        "moves-money fault trials: {} operations x {} fault kinds x {TRIALS} trials = {total_trials} trials, {total_duplicates} duplicates",
        ops.len(),
        FAULTS.len()
    );
}

#[tokio::test]
async fn the_fault_harness_does_see_retries_of_a_safe_operation() {
    // Control: the same harness counts the retries of an idempotent read, so zero above is not
    // an artefact of the harness.
    let op = cleeng_core::OPERATIONS.iter().find(|o| o.id == "getSubscription").unwrap();
    let extra = duplicates(cleeng_core::HOSTS, cleeng_core::OPERATIONS, op, Fault::Status503).await;
    assert_eq!(extra, TRIALS, "each 503 is retried once");
}
