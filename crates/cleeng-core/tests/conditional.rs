//! The Offer API's conditional requests: ETag read, If-Match write, 204/304/412 as outcomes.

use crate::common;

use cleeng_core::{offers, types, ClientOffersExt, ETag, Error, Fetched, Written};
use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OFFER: &str = "S123123123";

fn offer(title: &str) -> serde_json::Value {
    json!({"id": OFFER, "longId": "S123123123_US", "type": "subscription", "title": title, "active": true, "version": 7})
}

fn title(value: &str) -> types::OfferUpdate {
    let mut update = types::OfferUpdate::default();
    update.title = Some(value.parse().expect("a valid title"));
    update
}

#[tokio::test]
async fn read_then_write_if_unchanged_sends_the_etag_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/offers/{OFFER}")))
        .and(header("x-publisher-token", common::TOKEN))
        .and(header("if-none-match", offers::ETAG_PROBE))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"v7\"").set_body_json(offer("Match day")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/offers/{OFFER}")))
        .and(header("x-publisher-token", common::TOKEN))
        .and(header("if-match", "\"v7\""))
        .and(body_json(json!({"title": "Match day (HD)"})))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"v8\"").set_body_json(offer("Match day (HD)")))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);

    let outcome = offers::update_if_unchanged(&client, OFFER, |current| {
        Some(title(&format!("{} (HD)", current.title.as_deref()?)))
    })
    .await
    .expect("the write goes through");

    match outcome {
        Written::Updated(updated) => {
            assert_eq!(updated.etag, Some(ETag::new("\"v8\"")));
            assert_eq!(updated.value.title.as_deref(), Some("Match day (HD)"));
        }
        other => panic!("expected Updated, got {other:?}"),
    }
    common::assert_requests_authenticated(&server, 2).await;
}

#[tokio::test]
async fn a_concurrent_change_is_precondition_failed_not_an_overwrite() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/offers/{OFFER}")))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"v7\"").set_body_json(offer("Match day")))
        .mount(&server)
        .await;
    // Someone else wrote in between: the server is at v8 and refuses If-Match v7, with no body.
    Mock::given(method("PATCH"))
        .and(path(format!("/offers/{OFFER}")))
        .and(header("if-match", "\"v7\""))
        .respond_with(ResponseTemplate::new(412))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);

    let outcome = offers::update_if_unchanged(&client, OFFER, |_| Some(title("Mine")))
        .await
        .expect("412 is an outcome, not a failure");

    assert!(outcome.is_precondition_failed());
    match outcome {
        Written::PreconditionFailed(e) => {
            assert_eq!(e.status, 412);
            assert_eq!(e.operation.as_deref(), Some("updateOffer"));
            assert!(e.body.is_empty());
        }
        other => panic!("expected PreconditionFailed, got {other:?}"),
    }
    common::assert_requests_authenticated(&server, 2).await;
}

#[tokio::test]
async fn no_change_requested_means_no_write() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/offers/{OFFER}")))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"v7\"").set_body_json(offer("Match day")))
        .mount(&server)
        .await;
    let client = common::client(&server);

    let outcome = offers::update_if_unchanged(&client, OFFER, |_| None).await.expect("no error");

    match outcome {
        Written::Unchanged { etag } => assert_eq!(etag, Some(ETag::new("\"v7\""))),
        other => panic!("expected Unchanged, got {other:?}"),
    }
    common::assert_requests_authenticated(&server, 1).await;
}

#[tokio::test]
async fn a_read_without_etag_refuses_to_write_blindly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/offers/{OFFER}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(offer("Match day")))
        .mount(&server)
        .await;
    let client = common::client(&server);

    let err = offers::update_if_unchanged(&client, OFFER, |_| Some(title("Mine")))
        .await
        .expect_err("no ETag, no conditional write");

    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("no ETag for offer S123123123"), "{err}");
    assert_eq!(err.operation(), Some("getOffer"));
    common::assert_requests_authenticated(&server, 1).await; // the PATCH was never sent
}

#[tokio::test]
async fn a_write_that_changes_nothing_is_unchanged() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/offers/{OFFER}/activate")))
        .and(header("if-match", "\"v7\""))
        .respond_with(ResponseTemplate::new(204).insert_header("ETag", "\"v7\""))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);

    let outcome = offers::activate(&client, OFFER, &ETag::new("\"v7\"")).await.expect("204 is an outcome");

    match outcome {
        Written::Unchanged { etag } => assert_eq!(etag, Some(ETag::new("\"v7\""))),
        other => panic!("expected Unchanged, got {other:?}"),
    }
    common::assert_requests_authenticated(&server, 1).await;
}

#[tokio::test]
async fn deactivate_reports_412_as_its_own_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/offers/{OFFER}/deactivate")))
        .and(header("if-match", "\"old\""))
        .respond_with(ResponseTemplate::new(412))
        .mount(&server)
        .await;
    let client = common::client(&server);

    let outcome = offers::deactivate(&client, OFFER, &ETag::new("\"old\"")).await.expect("412 is an outcome");

    assert!(matches!(outcome, Written::PreconditionFailed(ref e) if e.status == 412), "{outcome:?}");
}

#[tokio::test]
async fn a_conditional_read_reports_not_modified_with_the_etag() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/offers/{OFFER}")))
        .and(header("if-none-match", "\"v7\""))
        .respond_with(ResponseTemplate::new(304).insert_header("ETag", "\"v7\""))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/offers/{OFFER}")))
        .and(header("if-none-match", "\"v6\""))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"v7\"").set_body_json(offer("New")))
        .mount(&server)
        .await;
    let client = common::client(&server);

    let current = offers::get_if_changed(&client, OFFER, &ETag::new("\"v7\"")).await.expect("304 is an outcome");
    assert!(matches!(current, Fetched::NotModified { etag: Some(ref e) } if e.as_str() == "\"v7\""), "{current:?}");

    let stale = offers::get_if_changed(&client, OFFER, &ETag::new("\"v6\"")).await.expect("200");
    match stale {
        Fetched::Modified(offer) => {
            assert_eq!(offer.etag, Some(ETag::new("\"v7\"")));
            assert_eq!(offer.value.title.as_deref(), Some("New"));
        }
        other => panic!("expected Modified, got {other:?}"),
    }
    common::assert_requests_authenticated(&server, 2).await;
}

#[tokio::test]
async fn headers_are_readable_from_any_generated_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/offers"))
        .and(header_exists("if-none-match"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("ETag", "W/\"list-3\"")
                .insert_header("x-total-count", "31")
                .set_body_json(json!([offer("A")])),
        )
        .mount(&server)
        .await;
    let client = common::client(&server);

    let response = client.list_offers().if_none_match("\"list-2\"").call_with_response().await.expect("200");

    assert_eq!(response.etag(), Some("W/\"list-3\""));
    assert_eq!(ETag::from_headers(response.headers()), Some(ETag::new("W/\"list-3\"")));
    assert_eq!(response.total_count(), Some(31));
    assert_eq!(response.into_value().len(), 1);
}
