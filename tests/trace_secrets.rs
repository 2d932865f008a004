//! Secrets never reach `Debug` output or traces, checked with a scoped tracing subscriber at
//! the most verbose level.
//!
//! Alone in its own test binary on purpose: a scoped subscriber (`set_default`) races with other
//! tests registering tracing callsites on other threads, which intermittently left the captured
//! log empty when this test shared a binary with the fault-injection tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cleeng::runtime::RetryPolicy;
use cleeng::{ClientConfig, Environment, PublisherToken};
use cleeng_core::{Client, ClientSubscriptionsExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

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

fn subscription(status: &str) -> serde_json::Value {
    serde_json::json!({"subscriptionId": 987654321, "customerId": 123456789, "offerId": "S123456789_US", "status": status})
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
