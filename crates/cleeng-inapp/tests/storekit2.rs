//! StoreKit 2 register/transfer and synchronization polling against a local server.

use crate::common;

use std::time::Duration;

use cleeng_inapp::storekit2::{self, StoreKitError};
use cleeng_inapp::types::{Sk2PurchaseRequest, SynchronizationStatusStatus};
use cleeng_inapp::{PollSchedule, PublisherToken};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "test-publisher-token";
const SYNC_ID: &str = "b7e4c1d2-5a6f-4e3b-9c8d-0f1e2d3c4b5a";
const STATUS: &str = "/storekit2/purchases/synchronizations/b7e4c1d2-5a6f-4e3b-9c8d-0f1e2d3c4b5a";

fn client(server: &MockServer) -> cleeng_inapp::Client {
    common::client(common::config(server).publisher_token(PublisherToken::new(TOKEN)))
}

fn purchase() -> Sk2PurchaseRequest {
    // Generated types are `#[non_exhaustive]`: a body is built through its builder.
    Sk2PurchaseRequest::builder()
        .cleeng_customer_id(123456789)
        .transaction_id("2000000123456789")
        .ip_address(Some("203.0.113.7".to_string()))
        .try_into()
        .expect("every required field is set")
}

fn status(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn quick() -> PollSchedule {
    PollSchedule::backoff(Duration::from_millis(10), Duration::from_millis(40), Duration::from_secs(30))
}

#[tokio::test]
async fn register_returns_the_synchronization_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/storekit2/purchases"))
        .and(header("x-publisher-token", TOKEN))
        .and(header("correlation-id", SYNC_ID))
        .and(body_json(json!({"cleengCustomerId": 123456789, "transactionId": "2000000123456789", "ipAddress": "203.0.113.7"})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"synchronizationId": SYNC_ID})))
        .expect(1)
        .mount(&server)
        .await;
    let id = storekit2::register_purchase(&client(&server), purchase(), Some(SYNC_ID)).await.expect("accepted");
    assert_eq!(id, SYNC_ID);
}

#[tokio::test]
async fn a_running_synchronization_is_a_typed_409() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/storekit2/purchases"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "code": "SK2C0101",
            "message": "The resource is temporarily locked due to a concurrent request."
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/storekit2/purchases/transfers"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({"code": "SK2C0103", "message": "locked"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    match storekit2::register_purchase(&client, purchase(), None).await {
        Err(StoreKitError::SyncInProgress(e)) => {
            assert_eq!(e.status, 409);
            assert_eq!(e.code.as_deref(), Some("SK2C0101"));
            assert_eq!(e.operation.as_deref(), Some("registerAppleSk2Purchase"));
        }
        other => panic!("expected SyncInProgress, got {other:?}"),
    }
    match storekit2::transfer_purchase(&client, purchase(), None).await {
        Err(StoreKitError::SyncInProgress(e)) => assert_eq!(e.code.as_deref(), Some("SK2C0103")),
        other => panic!("expected SyncInProgress, got {other:?}"),
    }
}

#[tokio::test]
async fn other_errors_are_not_mistaken_for_a_running_synchronization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/storekit2/purchases"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"code": "SK2C0100", "message": "Customer not found"})))
        .mount(&server)
        .await;
    match storekit2::register_purchase(&client(&server), purchase(), None).await {
        Err(StoreKitError::Api(e)) => assert_eq!(e.status(), Some(422)),
        other => panic!("expected Api, got {other:?}"),
    }
}

#[tokio::test]
async fn polling_returns_the_finalized_result() {
    let server = MockServer::start().await;
    for (priority, stage) in [(1, "processing"), (2, "retrying")] {
        Mock::given(method("GET"))
            .and(path(STATUS))
            .respond_with(status(json!({"status": stage, "correlationId": SYNC_ID})))
            .up_to_n_times(1)
            .with_priority(priority)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(STATUS))
        .and(header("x-publisher-token", TOKEN))
        .respond_with(status(json!({
            "status": "finalized",
            "accessGranted": true,
            "offerId": "S123123123_US",
            "correlationId": SYNC_ID
        })))
        .with_priority(3)
        .mount(&server)
        .await;
    let done = storekit2::wait_for_synchronization(&client(&server), SYNC_ID, &quick()).await.expect("finalized");
    assert_eq!(done.status, SynchronizationStatusStatus::Finalized);
    assert_eq!(done.access_granted, Some(true));
    assert_eq!(done.offer_id.as_deref(), Some("S123123123_US"));
    assert_eq!(done.result, None);
    assert_eq!(common::hits(&server, STATUS).await, 3);
}

#[tokio::test]
async fn polling_gives_up_at_its_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(STATUS))
        .respond_with(status(json!({"status": "retrying", "correlationId": SYNC_ID})))
        .mount(&server)
        .await;
    let schedule = PollSchedule::backoff(Duration::from_millis(10), Duration::from_millis(40), Duration::from_millis(250));
    match storekit2::wait_for_synchronization(&client(&server), SYNC_ID, &schedule).await {
        Err(StoreKitError::DeadlineExceeded { attempts, last_status, .. }) => {
            assert_eq!(last_status, Some(SynchronizationStatusStatus::Retrying));
            // The deadline also cuts the last request short; it counts as an attempt but may
            // not have reached the server yet.
            let hits = common::hits(&server, STATUS).await;
            assert!(hits == attempts as usize || hits + 1 == attempts as usize, "{attempts} attempts, {hits} requests");
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_status_keeps_polling() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(STATUS))
        .respond_with(status(json!({"status": "queued"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(STATUS))
        .respond_with(status(json!({"status": "finalized", "accessGranted": false, "result": "RECEIVED_EXPIRED_PURCHASE"})))
        .with_priority(2)
        .mount(&server)
        .await;
    let done = storekit2::wait_for_synchronization(&client(&server), SYNC_ID, &quick()).await.expect("finalized");
    assert_eq!(done.access_granted, Some(false));
    assert_eq!(done.result.as_deref(), Some("RECEIVED_EXPIRED_PURCHASE"));
    assert_eq!(common::hits(&server, STATUS).await, 2);
}

#[tokio::test]
async fn an_error_status_ends_polling_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(STATUS))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"code": "REQ0100", "message": "Entity not found"})))
        .mount(&server)
        .await;
    match storekit2::wait_for_synchronization(&client(&server), SYNC_ID, &quick()).await {
        Err(StoreKitError::Api(e)) => {
            assert_eq!(e.status(), Some(404));
            assert_eq!(e.operation(), Some("getAppleSk2SynchronizationStatus"));
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert_eq!(common::hits(&server, STATUS).await, 1);
}
