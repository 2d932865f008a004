//! The legacy client against local servers: a read, a write after a connection reset, a
//! JSON-RPC error object, numbers sent as strings, and secrets kept out of output.

#![allow(deprecated)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cleeng_legacy::prelude::*;
use cleeng_legacy::types::{SubscriptionDataStatus, SubscriptionStatus};
use cleeng_legacy::{ClientConfig, Environment, Error, PublisherToken};
use cleeng_runtime::RetryPolicy;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pt-LEGACY-TOP-SECRET-0123456789";
const CUSTOMER_TOKEN: &str = "ct-CUSTOMER-SECRET-987654321";
const ENDPOINT: &str = "/3.0/json-rpc";

fn config(base: &str, max_attempts: u32) -> ClientConfig {
    ClientConfig::new(Environment::Custom(base.to_string()))
        .publisher_token(PublisherToken::new(TOKEN))
        .retry_policy(RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_secs(1),
            deadline: Duration::from_secs(20),
        })
        .timeout(Duration::from_secs(5))
}

fn client(base: &str, max_attempts: u32) -> Client {
    Client::from_config(config(base, max_attempts)).expect("client builds")
}

/// The write both retry tests send: a `registerSubscription` that must never be re-sent.
fn registration(client: &Client) -> cleeng_legacy::builder::RegisterSubscription<'_> {
    client
        .register_subscription()
        .customer_email("viewer@example.com")
        .offer_id("S123123123_US")
        .expiration_date(1_900_000_000)
        .payment_gateway("free-isp")
        .payment_method("free-isp")
}

/// Answers every call with `body`, echoing the call's id as a string (as Cleeng does).
async fn answering(body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ENDPOINT))
        .respond_with(move |request: &wiremock::Request| {
            let call: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let mut answer = body.clone();
            answer["id"] = Value::String(call["id"].to_string());
            answer["jsonrpc"] = json!("2.0");
            ResponseTemplate::new(200).set_body_json(answer)
        })
        .mount(&server)
        .await;
    server
}

async fn sent(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn a_read_sends_the_documented_envelope_and_decodes_the_result() {
    let server = answering(json!({"result": {"items": [{
        "subscriptionId": 955044431, "offerId": "S123123123_US", "status": "active",
        "startedAt": 1653054759, "expiresAt": 1655966417, "nextPaymentPrice": 21.98,
        "nextPaymentCurrency": "USD", "nextPaymentAt": 1655750417, "paymentGateway": "apple",
        "paymentMethod": "tvos", "externalPaymentId": "", "inTrial": true,
        "pendingSwitchId": "fd55c5be-919a-4b7b-9a7a-3bc09bca9f00"
    }], "totalItemCount": 1, "customerId": 801798658}}))
    .await;
    let page = client(&server.uri(), 2)
        .list_customer_subscriptions()
        .customer_email("viewer@example.com")
        .offset(0)
        .limit(10)
        .call()
        .await
        .expect("the read succeeds");
    assert_eq!(page.items.len(), 1);
    let item = &page.items[0];
    assert_eq!(item.subscription_id, Some(955044431));
    assert_eq!(item.status, Some(SubscriptionStatus::Active));
    assert_eq!(item.next_payment_price, Some(21.98));
    assert_eq!(page.customer_id, Some(801798658));

    let calls = sent(&server).await;
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call["jsonrpc"], "2.0");
    assert_eq!(call["method"], "listCustomerSubscriptions");
    assert!(call["id"].is_u64());
    // The token travels in params; offset and limit are sent as the integers the API documents.
    assert_eq!(
        call["params"],
        json!({"publisherToken": TOKEN, "customerEmail": "viewer@example.com", "offset": 0, "limit": 10})
    );
}

#[tokio::test]
async fn call_with_response_keeps_the_status_and_the_request_id() {
    // The REST families' second call shape: the same decoded result, plus status and headers.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ENDPOINT))
        .respond_with(|request: &wiremock::Request| {
            let call: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-legacy-42")
                .set_body_json(json!({"jsonrpc": "2.0", "id": call["id"].to_string(), "result": {"tags": ["sport"]}}))
        })
        .mount(&server)
        .await;
    let response = client(&server.uri(), 1)
        .get_accessible_tags()
        .customer_token(CUSTOMER_TOKEN)
        .call_with_response()
        .await
        .expect("the call succeeds");
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req-legacy-42"));
    assert_eq!(response.into_value().tags, vec!["sport".to_string()]);
}

#[tokio::test]
async fn numbers_sent_as_strings_decode() {
    let server = answering(json!({"result": {"items": [{
        "subscriptionId": "955044431", "status": "cancelled", "expiresAt": "1655966417",
        "nextPaymentPrice": "21.98", "inTrial": false, "pendingSwitchId": null
    }], "totalItemCount": "1", "customerId": "801798658"}}))
    .await;
    let page = client(&server.uri(), 1)
        .list_customer_subscriptions()
        .customer_email("viewer@example.com")
        .offset(0)
        .limit(10)
        .call()
        .await
        .expect("strings where numbers are documented still decode");
    let item = &page.items[0];
    assert_eq!(item.subscription_id, Some(955044431));
    assert_eq!(item.expires_at, Some(1655966417));
    assert_eq!(item.next_payment_price, Some(21.98));
    assert_eq!(page.total_item_count, Some(1));

    // Something that is no number at all is a decode error naming the field.
    let server = answering(json!({"result": {"items": [{"subscriptionId": "abc"}]}})).await;
    let err = client(&server.uri(), 1)
        .list_customer_subscriptions()
        .customer_email("viewer@example.com")
        .offset(0)
        .limit(10)
        .call()
        .await
        .unwrap_err();
    let Error::Decode { path, operation, .. } = &err else { panic!("{err:?}") };
    assert_eq!(path.as_deref(), Some("result.items[0].subscriptionId"));
    assert_eq!(operation.as_deref(), Some("listCustomerSubscriptions"));
}

#[tokio::test]
async fn a_json_rpc_error_object_is_an_api_error_with_code_and_message() {
    let server = answering(json!({"result": null, "error": {"code": 1, "message": "Customer token is not valid"}})).await;
    let err = client(&server.uri(), 3)
        .get_access_status()
        .customer_token(CUSTOMER_TOKEN)
        .offer_id("S123123123_US")
        .call()
        .await
        .unwrap_err();
    let api = match &err {
        Error::Api(api) => api,
        other => panic!("{other:?}"),
    };
    assert_eq!(api.code.as_deref(), Some("1"));
    assert_eq!(api.message.as_deref(), Some("Customer token is not valid"));
    assert_eq!(err.operation(), Some("getAccessStatus"));
    // An application error is an answer: never retried, even for a read.
    assert_eq!(sent(&server).await.len(), 1);
    let text = format!("{err} {err:?}");
    assert!(!text.contains(CUSTOMER_TOKEN), "{text}");
}

#[tokio::test]
async fn missing_params_and_credentials_fail_before_sending() {
    let server = answering(json!({"result": {"tags": []}})).await;
    let err = client(&server.uri(), 1)
        .list_customer_subscriptions()
        .customer_email("viewer@example.com")
        .call()
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "listCustomerSubscriptions: invalid request: parameter `offset` is required");
    // A value the setter refuses names the method, the parameter and the rule it broke.
    let err = client(&server.uri(), 1)
        .extend_token_expiration()
        .customer_token(CUSTOMER_TOKEN)
        .extension_time(0u64)
        .call()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "extendTokenExpiration: invalid request: parameter `extensionTime`: out of range integral type conversion attempted"
    );
    let anonymous = Client::from_config(ClientConfig::new(Environment::Custom(server.uri()))).unwrap();
    let err = anonymous
        .get_accessible_tags()
        .customer_token(CUSTOMER_TOKEN)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingCredential { .. }), "{err:?}");
    assert!(sent(&server).await.is_empty(), "nothing may be sent");
}

/// A raw TCP server that resets the first `resets` connections after reading a whole request,
/// then answers `body`. Counts the requests it read.
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
            while let Ok(n) = socket.read(&mut buf[read..]).await {
                if n == 0 {
                    break;
                }
                read += n;
                let text = String::from_utf8_lossy(&buf[..read]).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if read >= end + 4 + len {
                        break;
                    }
                }
            }
            let n = counter.fetch_add(1, Ordering::SeqCst);
            if n < resets {
                // RST (linger 0): the call arrived; no answer will come.
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
async fn an_answer_over_the_clients_size_limit_is_refused_and_a_write_is_not_resent() {
    // The same limit as every family (`ClientConfig::max_response_bytes`), not one of its own.
    let big = "x".repeat(4096);
    let server = answering(json!({"result": {"tags": [big]}})).await;
    let limited = |attempts| Client::from_config(config(&server.uri(), attempts).max_response_bytes(1024)).expect("client builds");
    let err = limited(1).get_accessible_tags().customer_token(CUSTOMER_TOKEN).call().await.unwrap_err();
    assert!(
        matches!(&err, Error::ResponseTooLarge { limit: 1024, operation: Some(op), .. } if op == "getAccessibleTags"),
        "{err:?}"
    );
    let before = sent(&server).await.len();
    let err = registration(&limited(3)).call().await.unwrap_err();
    assert!(
        matches!(&err, Error::UnknownOutcome { operation, .. } if operation == "registerSubscription"),
        "{err:?}"
    );
    assert_eq!(sent(&server).await.len(), before + 1, "a write whose answer was refused is not re-sent");

    // And the limit is that one alone: with it raised, a 9 MiB answer (over the 8 MiB cap the
    // JSON-RPC path used to add of its own) decodes.
    let huge = "y".repeat(9 * 1024 * 1024);
    let server = answering(json!({"result": {"tags": [huge]}})).await;
    let tags = Client::from_config(config(&server.uri(), 1).max_response_bytes(32 * 1024 * 1024))
        .expect("client builds")
        .get_accessible_tags()
        .customer_token(CUSTOMER_TOKEN)
        .call()
        .await
        .expect("within the configured limit");
    assert_eq!(tags.tags.first().map(String::len), Some(9 * 1024 * 1024));
}

#[tokio::test]
async fn a_write_is_not_resent_after_a_connection_reset() {
    let (base, seen) = resetting_server(usize::MAX, r#"{"result":{"success":true}}"#).await;
    let err = registration(&client(&base, 3)).call().await.unwrap_err();
    assert!(
        matches!(&err, Error::UnknownOutcome { operation, .. } if operation == "registerSubscription"),
        "{err:?}"
    );
    assert_eq!(seen.load(Ordering::SeqCst), 1, "registerSubscription must never be re-sent");

    let (base, seen) = resetting_server(usize::MAX, r#"{"result":{}}"#).await;
    let err = client(&base, 3)
        .update_customer_subscription()
        .customer_email("viewer@example.com")
        .offer_id("S123123123_US")
        .subscription_data(cleeng_legacy::types::SubscriptionData::builder().status(SubscriptionDataStatus::Cancelled))
        .call()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnknownOutcome { .. }), "{err:?}");
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_read_is_retried_after_a_connection_reset() {
    let (base, seen) = resetting_server(1, r#"{"result":{"tags":["premium"]},"error":null}"#).await;
    let tags = client(&base, 2)
        .get_accessible_tags()
        .customer_token(CUSTOMER_TOKEN)
        .call()
        .await
        .expect("retried after the reset");
    assert_eq!(tags.tags, ["premium"]);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn tokens_never_reach_debug_output_errors_or_traces() {
    let server = answering(json!({"result": {"token": "NEW-CUSTOMER-TOKEN-SECRET"}})).await;
    let c = client(&server.uri(), 1);
    let builder = c.get_access_status().customer_token(CUSTOMER_TOKEN).offer_id("S1_US");
    for text in [format!("{c:?}"), format!("{builder:?}"), format!("{:?}", c.context())] {
        assert!(!text.contains("TOP-SECRET") && !text.contains("CUSTOMER-SECRET"), "{text}");
    }

    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || SharedWriter(sink.clone()))
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let minted = c
        .generate_customer_token()
        .customer_email("viewer@example.com")
        .call()
        .await
        .expect("call succeeds");
    let token = minted.token.clone().expect("a token");
    assert_eq!(token.expose(), "NEW-CUSTOMER-TOKEN-SECRET");
    assert!(!format!("{minted:?}").contains("NEW-CUSTOMER-TOKEN-SECRET"));
    // A result that fails to decode keeps the body, minus the token.
    let server = answering(json!({"result": {"token": 42, "customerToken": "LEAKED-IN-BODY"}})).await;
    let err = client(&server.uri(), 1)
        .generate_customer_token()
        .customer_email("viewer@example.com")
        .call()
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, Error::Decode { .. }) && !text.contains("LEAKED-IN-BODY"), "{text}");

    let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("generateCustomerToken"), "the span names the method: {logs}");
    assert!(!logs.contains("TOP-SECRET") && !logs.contains("CUSTOMER-SECRET"), "{logs}");
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

#[test]
fn every_method_is_in_the_operation_table_with_its_retry_rule() {
    assert_eq!(cleeng_legacy::OPERATIONS.len(), 25);
    let op = |name: &str| cleeng_legacy::OPERATIONS.iter().find(|o| o.id == name).unwrap();
    assert!(op("getAccessStatus").idempotent);
    assert!(!op("registerSubscription").idempotent);
    assert!(!op("updateCustomerSubscription").idempotent);
    assert!(cleeng_legacy::OPERATIONS.iter().all(|o| o.deprecated && o.path == ENDPOINT && o.auth.is_empty()));
    assert_eq!(cleeng_legacy::HOSTS.production, "https://api.cleeng.com");
    assert_eq!(cleeng_legacy::HOSTS.sandbox, "https://sandbox.cleeng.com/api");
}
