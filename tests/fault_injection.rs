//! Fault injection against local servers: every failure mode a Cleeng call can meet ends in the
//! exact error kind the runtime promises, without a panic, a hang, or a repeated charge.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cleeng::runtime::RetryPolicy;
use cleeng::{ClientConfig, Environment, Error, PublisherToken};
use cleeng_core::types::{OrderCreate, SubscriptionStatus};
use cleeng_core::{Client, ClientOrdersExt, ClientSubscriptionsExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const TOKEN: &str = "pt-TOP-SECRET-0123456789";

fn client(base: &str, retry: RetryPolicy, timeout: Duration) -> Client {
    Client::from_config(
        ClientConfig::new(Environment::Custom(base.to_string()))
            .publisher_token(PublisherToken::new(TOKEN))
            .retry_policy(retry)
            .timeout(timeout),
    )
    .expect("client builds")
}

fn retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_secs(5),
        deadline: Duration::from_secs(20),
    }
}

fn order() -> OrderCreate {
    serde_json::from_value(serde_json::json!({
        "offerId": "S123456789_US", "customerId": 123456789, "currency": "USD", "country": "US"
    }))
    .expect("order body")
}

/// Answers with the given templates in turn, then repeats the last one.
struct Sequence(Mutex<Vec<ResponseTemplate>>);

impl Sequence {
    fn new(templates: Vec<ResponseTemplate>) -> Self {
        Sequence(Mutex::new(templates.into_iter().rev().collect()))
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let mut left = self.0.lock().unwrap();
        if left.len() > 1 {
            left.pop().unwrap()
        } else {
            left.last().cloned().unwrap()
        }
    }
}

fn subscription(status: &str) -> serde_json::Value {
    serde_json::json!({"subscriptionId": 987654321, "customerId": 123456789, "offerId": "S123456789_US", "status": status})
}

#[tokio::test]
async fn rate_limited_then_ok_is_retried_after_the_retry_after_delay() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/subscriptions/987654321"))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(serde_json::json!({"message": "Too many requests"})),
            ResponseTemplate::new(200).set_body_json(subscription("active")),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let started = Instant::now();
    let sub = client(&server.uri(), retries(2), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(987654321)
        .call()
        .await
        .expect("second attempt succeeds");
    assert_eq!(sub.status, Some(SubscriptionStatus::Active));
    assert!(started.elapsed() >= Duration::from_millis(950), "Retry-After: 1 was not honoured");
}

#[tokio::test]
async fn unavailable_three_times_gives_up_at_the_attempt_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(serde_json::json!({"message": "maintenance"})))
        .expect(3)
        .mount(&server)
        .await;
    let err = client(&server.uri(), retries(3), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(987654321)
        .call()
        .await
        .unwrap_err();
    match &err {
        Error::Unavailable(api) => {
            assert_eq!(api.status, 503);
            assert_eq!(api.message.as_deref(), Some("maintenance"));
            assert_eq!(api.operation.as_deref(), Some("getSubscription"));
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn rate_limit_that_persists_is_a_rate_limited_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .expect(2)
        .mount(&server)
        .await;
    let err = client(&server.uri(), retries(2), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(1)
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::ZERO),
        "{err:?}"
    );
}

#[tokio::test]
async fn stalled_response_times_out_instead_of_hanging() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(subscription("active")).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let err = client(&server.uri(), retries(2), Duration::from_millis(200))
        .get_subscription()
        .subscription_id(1)
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { operation: Some(op), .. } if op == "getSubscription"),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "a safe GET is retried once");
}

#[tokio::test]
async fn stalled_order_post_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let err = client(&server.uri(), retries(3), Duration::from_millis(200))
        .create_order()
        .body(order())
        .call()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::UnknownOutcome { operation, .. } if operation == "createOrder"), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A raw TCP server that resets the first `resets` connections after reading a request, then
/// answers `body` with 200. Counts the requests it read.
async fn resetting_server(resets: usize, body: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let mut buf = vec![0u8; 64 * 1024];
            let mut read = 0;
            // Read until the end of the headers, plus the body if Content-Length says so.
            while let Ok(n) = socket.read(&mut buf[read..]).await {
                if n == 0 {
                    break;
                }
                read += n;
                let text = String::from_utf8_lossy(&buf[..read]).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                        .unwrap_or(0);
                    if read >= end + 4 + len {
                        break;
                    }
                }
            }
            let n = counter.fetch_add(1, Ordering::SeqCst);
            if n < resets {
                // RST (linger 0): the request was received, no response will come.
                let std_socket = socket.into_std().expect("std socket");
                socket2::SockRef::from(&std_socket).set_linger(Some(Duration::ZERO)).ok();
                drop(std_socket);
            } else {
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    body.len(),
                    body
                );
                socket.write_all(response.as_bytes()).await.ok();
                socket.shutdown().await.ok();
            }
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn connection_reset_on_a_get_is_retried() {
    let (base, seen) = resetting_server(1, r#"{"subscriptionId": 1, "status": "active"}"#).await;
    let sub = client(&base, retries(2), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(1)
        .call()
        .await
        .expect("retried after the reset");
    assert_eq!(sub.subscription_id, Some(1));
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn connection_reset_on_an_order_post_is_an_unknown_outcome_sent_once() {
    let (base, seen) = resetting_server(usize::MAX, "{}").await;
    let err = client(&base, retries(3), Duration::from_secs(5))
        .create_order()
        .body(order())
        .call()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::UnknownOutcome { operation, .. } if operation == "createOrder"), "{err:?}");
    assert!(err.to_string().contains("outcome unknown"), "{err}");
    assert_eq!(seen.load(Ordering::SeqCst), 1, "an order POST must never be re-sent");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // Bind then drop, so the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = client(&format!("http://127.0.0.1:{port}"), retries(2), Duration::from_secs(2))
        .get_subscription()
        .subscription_id(1)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Transport { operation: Some(op), .. } if op == "getSubscription"), "{err:?}");
}

#[tokio::test]
async fn html_502_page_is_kept_as_an_unavailable_error() {
    let server = MockServer::start().await;
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html"))
        .mount(&server)
        .await;
    let err = client(&server.uri(), RetryPolicy::never(), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(1)
        .call()
        .await
        .unwrap_err();
    match err {
        Error::Unavailable(api) => {
            assert_eq!(api.status, 502);
            assert_eq!(api.message, None);
            assert_eq!(api.body_text(), page);
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_the_body() {
    let server = MockServer::start().await;
    let body = r#"{"subscriptionId": 1, "status": "act"#;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let err = client(&server.uri(), retries(2), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(1)
        .call()
        .await
        .unwrap_err();
    match err {
        Error::Decode { operation, body: kept, .. } => {
            assert_eq!(operation.as_deref(), Some("getSubscription"));
            assert_eq!(kept, body.as_bytes());
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_json_and_wrong_types_are_decode_errors_naming_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/subscriptions/1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("definitely not json", "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/subscriptions/2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"subscriptionId": "not a number"})))
        .mount(&server)
        .await;
    let c = client(&server.uri(), retries(2), Duration::from_secs(5));
    let err = c.get_subscription().subscription_id(1).call().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let err = c.get_subscription().subscription_id(2).call().await.unwrap_err();
    match err {
        Error::Decode { path, .. } => assert_eq!(path.as_deref(), Some("subscriptionId")),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_enum_value_decodes_and_is_kept() {
    let server = MockServer::start().await;
    let mut body = subscription("hibernating");
    body["fieldCleengAddedLater"] = serde_json::json!({"nested": [1, 2, 3]});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let sub = client(&server.uri(), retries(2), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(987654321)
        .call()
        .await
        .expect("an unknown status or field must not fail the response");
    assert_eq!(sub.status, Some(SubscriptionStatus::Unknown("hibernating".into())));
    assert_eq!(sub.status.as_ref().unwrap().to_string(), "hibernating");
    // And it survives a round trip.
    let json = serde_json::to_value(&sub).unwrap();
    assert_eq!(json["status"], "hibernating");
}

#[tokio::test]
async fn cleeng_error_body_becomes_a_typed_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "Subscription with id: 1 not found"})))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server.uri(), retries(3), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(1)
        .call()
        .await
        .unwrap_err();
    match err {
        Error::Api(api) => {
            assert_eq!(api.status, 404);
            assert_eq!(api.message.as_deref(), Some("Subscription with id: 1 not found"));
        }
        other => panic!("expected Api, got {other:?}"),
    }
}

#[tokio::test]
async fn missing_credential_is_reported_before_anything_is_sent() {
    let server = MockServer::start().await;
    let c = Client::from_config(ClientConfig::new(Environment::Custom(server.uri()))).unwrap();
    let err = c.get_subscription().subscription_id(1).call().await.unwrap_err();
    assert!(matches!(&err, Error::MissingCredential { operation, .. } if operation == "getSubscription"), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn secrets_never_reach_debug_output_or_traces() {
    // Debug of a client, a config and credentials.
    let c = client("http://127.0.0.1:9", retries(1), Duration::from_secs(1));
    let config = ClientConfig::new(Environment::Sandbox)
        .publisher_token(PublisherToken::new(TOKEN))
        .customer_jwt(cleeng::CustomerJwt::new("eyJhbGciOi.SECRETJWT.sig"));
    for text in [format!("{c:?}"), format!("{config:?}"), format!("{:?}", c.context())] {
        assert!(!text.contains("TOP-SECRET") && !text.contains("SECRETJWT"), "{text}");
    }

    // Traces of a real call, at the most verbose level.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(subscription("active")))
        .mount(&server)
        .await;
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || SharedWriter(sink.clone()))
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    client(&server.uri(), retries(1), Duration::from_secs(5))
        .get_subscription()
        .subscription_id(1)
        .call()
        .await
        .expect("call succeeds");
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(text.contains("getSubscription"), "the span names the operation: {text}");
    assert!(!text.contains("TOP-SECRET"), "a token reached the traces: {text}");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get("x-publisher-token").unwrap(), TOKEN);
    assert!(requests[0].headers.get("api-version").is_none(), "progenitor's api-version header is removed");
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
