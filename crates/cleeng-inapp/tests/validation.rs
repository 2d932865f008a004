//! Samsung TV and Vizio validation polling against a local server.

use crate::common;

use std::time::Duration;

use cleeng_inapp::types::PurchaseValidationStatusStatus;
use cleeng_inapp::validation::{self, Store, ValidationError, ValidationOutcome};
use cleeng_inapp::{CustomerJwt, Error, PollSchedule, PublisherToken};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const JWT: &str = "customer.jwt.value";
const CORRELATION: &str = "9a7c1e0b-2f4d-4c6e-8a1b-3d5f7e9a0c2e";

fn quick() -> PollSchedule {
    PollSchedule::fixed(Duration::from_millis(10), Duration::from_secs(30))
}

fn status(value: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "status": value }))
}

#[tokio::test]
async fn samsung_pending_then_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/samsung/purchase-status"))
        .and(query_param("correlationId", CORRELATION))
        .and(header("authorization", format!("Bearer {JWT}").as_str()))
        .respond_with(status("pending"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/samsung/purchase-status"))
        .respond_with(status("success"))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = common::client(common::config(&server).customer_jwt(CustomerJwt::new(JWT)));
    let outcome = validation::wait_for_validation(&client, Store::SamsungTv, CORRELATION, &quick()).await;
    assert_eq!(outcome.ok(), Some(ValidationOutcome::Success));
    assert_eq!(common::hits(&server, "/samsung/purchase-status").await, 3);
}

#[tokio::test]
async fn vizio_failure_is_an_outcome_not_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/vizio/purchase-status"))
        .and(query_param("correlationId", CORRELATION))
        .respond_with(status("failure"))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(common::config(&server).customer_jwt(CustomerJwt::new(JWT)));
    let outcome = validation::wait_for_validation(&client, Store::Vizio, CORRELATION, &quick()).await;
    assert_eq!(outcome.ok(), Some(ValidationOutcome::Failure));
}

#[tokio::test]
async fn a_validation_still_pending_at_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/vizio/purchase-status")).respond_with(status("pending")).mount(&server).await;
    let client = common::client(common::config(&server).customer_jwt(CustomerJwt::new(JWT)));
    let schedule = PollSchedule::fixed(Duration::from_millis(20), Duration::from_millis(150));
    match validation::wait_for_validation(&client, Store::Vizio, CORRELATION, &schedule).await {
        Err(ValidationError::DeadlineExceeded { last_status, attempts, .. }) => {
            assert_eq!(last_status, Some(PurchaseValidationStatusStatus::Pending));
            // The deadline also cuts the last request short; it counts as an attempt but may
            // not have reached the server yet.
            let hits = common::hits(&server, "/vizio/purchase-status").await;
            assert!(hits == attempts as usize || hits + 1 == attempts as usize, "{attempts} attempts, {hits} requests");
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
}

#[tokio::test]
async fn status_calls_need_a_customer_jwt() {
    let server = MockServer::start().await;
    let client = common::client(common::config(&server).publisher_token(PublisherToken::new("publisher")));
    match validation::wait_for_validation(&client, Store::SamsungTv, CORRELATION, &quick()).await {
        Err(ValidationError::Api(e)) => match *e {
            Error::MissingCredential { operation, .. } => assert_eq!(operation, "getSamsungTvPurchaseStatus"),
            other => panic!("expected MissingCredential, got {other:?}"),
        },
        other => panic!("expected MissingCredential, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}
