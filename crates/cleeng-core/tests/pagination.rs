//! Offset/limit pagination: every list walks all its pages and stops at the right one.

use crate::common;

use cleeng_core::{
    ClientCustomersExt, ClientEntitlementsExt, ClientOffersExt, ClientPassesExt, ClientSubscriptionsExt, Error,
    Paginate,
};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn subscription(id: u64) -> serde_json::Value {
    json!({"subscriptionId": id, "offerId": "S123123123_US", "status": "active", "customerId": 123456789})
}

fn pass(id: u64) -> serde_json::Value {
    json!({"passId": id, "offerId": "P123123123_US", "customerId": 123456789})
}

fn offer(n: u64) -> serde_json::Value {
    json!({"id": format!("S{:09}", 100000000 + n), "title": format!("Offer {n}")})
}

async fn page(server: &MockServer, route: &str, params: &[(&str, String)], response: ResponseTemplate) {
    let mut mock = Mock::given(method("GET"))
        .and(path(route))
        .and(header("x-publisher-token", common::TOKEN));
    for (name, value) in params {
        mock = mock.and(query_param(*name, value.as_str()));
    }
    mock.respond_with(response).expect(1).mount(server).await;
}

#[tokio::test]
async fn subscriptions_walk_three_pages_until_the_total_is_reached() {
    let server = MockServer::start().await;
    // 250 subscriptions in pages of 100: the third page reaches X-Total-Count.
    for (offset, count) in [(0u64, 100u64), (100, 100), (200, 50)] {
        let items: Vec<_> = (offset..offset + count).map(subscription).collect();
        page(
            &server,
            "/subscriptions",
            &[("customerId", "123456789".into()), ("offset", offset.to_string()), ("limit", "100".into())],
            ResponseTemplate::new(200)
                .insert_header("X-Total-Count", "250")
                .set_body_json(json!({"success": true, "data": items, "message": ""})),
        )
        .await;
    }
    let client = common::client(&server);

    let all: Vec<_> = client.list_subscriptions().customer_id(123456789).items().try_collect().await.expect("3 pages");

    let ids: Vec<i64> = all.iter().map(|s| s.subscription_id.expect("id")).collect();
    assert_eq!(ids, (0..250).collect::<Vec<i64>>());
    common::assert_requests_authenticated(&server, 3).await;
}

#[tokio::test]
async fn a_full_last_page_stops_on_the_total_without_asking_again() {
    let server = MockServer::start().await;
    for offset in [0u64, 100] {
        let items: Vec<_> = (offset..offset + 100).map(subscription).collect();
        page(
            &server,
            "/subscriptions",
            &[("offset", offset.to_string())],
            ResponseTemplate::new(200).insert_header("X-Total-Count", "200").set_body_json(json!({"data": items})),
        )
        .await;
    }
    let client = common::client(&server);

    let pages: Vec<_> = client.list_subscriptions().customer_id(1).pages().try_collect().await.expect("2 pages");

    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|p| p.total == Some(200) && p.items.len() == 100));
    common::assert_requests_authenticated(&server, 2).await;
}

#[tokio::test]
async fn passes_stop_on_a_short_page_when_there_is_no_total() {
    let server = MockServer::start().await;
    for (offset, count) in [(0u64, 20u64), (20, 20), (40, 7)] {
        let items: Vec<_> = (offset..offset + count).map(pass).collect();
        page(&server, "/passes", &[("offset", offset.to_string())], ResponseTemplate::new(200).set_body_json(items)).await;
    }
    let client = common::client(&server);

    let all: Vec<_> = client.list_passes().customer_id(123456789).items().try_collect().await.expect("3 pages");

    assert_eq!(all.len(), 47);
    assert_eq!(all.last().and_then(|p| p.pass_id), Some(46));
    common::assert_requests_authenticated(&server, 3).await;
}

#[tokio::test]
async fn offers_are_page_numbered_and_a_server_capped_page_does_not_end_the_walk() {
    let server = MockServer::start().await;
    // Pages of 15 asked; the total says 35, so the short middle page (a capped server) is not the end.
    for (number, items) in [(1u64, 0u64..15), (2, 15..25), (3, 25..35)] {
        let body: Vec<_> = items.map(offer).collect();
        page(
            &server,
            "/offers",
            &[("page", number.to_string()), ("limit", "15".into()), ("status", "active".into())],
            ResponseTemplate::new(200).insert_header("x-total-count", "35").set_body_json(body),
        )
        .await;
    }
    let client = common::client(&server);

    let all: Vec<_> = client
        .list_offers()
        .status(cleeng_core::types::OfferStatusFilter::Active)
        .items()
        .try_collect()
        .await
        .expect("3 pages");

    assert_eq!(all.len(), 35);
    assert_eq!(all[34].title.as_deref(), Some("Offer 34"));
    common::assert_requests_authenticated(&server, 3).await;
}

#[tokio::test]
async fn customers_stop_on_an_empty_page() {
    let server = MockServer::start().await;
    let full: Vec<_> = (0..20).map(|i| json!({"id": i, "email": format!("c{i}@example.com")})).collect();
    page(&server, "/customers", &[("offset", "0".into()), ("limit", "20".into()), ("email", "c@example.com".into())], ResponseTemplate::new(200).set_body_json(json!({"items": full}))).await;
    page(&server, "/customers", &[("offset", "20".into()), ("limit", "20".into())], ResponseTemplate::new(200).set_body_json(json!({"items": []}))).await;
    let client = common::client(&server);

    // offset and limit are required by the builder; the walk replaces whatever was set.
    let all: Vec<_> = client
        .list_customers()
        .email("c@example.com")
        .offset(0)
        .limit(1)
        .items()
        .try_collect()
        .await
        .expect("2 pages");

    assert_eq!(all.len(), 20);
    assert_eq!(all[19]["email"], "c19@example.com");
    common::assert_requests_authenticated(&server, 2).await;
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_items_already_read() {
    let server = MockServer::start().await;
    let full: Vec<_> = (0..20).map(|i| json!({"offerId": format!("S{:09}_US", 100000000 + i), "accessGranted": true})).collect();
    page(&server, "/entitlements", &[("offset", "0".into())], ResponseTemplate::new(200).set_body_json(json!({"success": true, "data": full}))).await;
    page(
        &server,
        "/entitlements",
        &[("offset", "20".into())],
        ResponseTemplate::new(400).set_body_json(json!({"message": "Invalid customerId"})),
    )
    .await;
    let client = common::client(&server);

    let results: Vec<Result<serde_json::Value, Error>> =
        client.list_entitlements().customer_id(1).offset(0).limit(20).items().collect().await;

    assert_eq!(results.len(), 21);
    assert!(results[..20].iter().all(Result::is_ok));
    match &results[20] {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 400);
            assert_eq!(e.message.as_deref(), Some("Invalid customerId"));
            assert_eq!(e.operation.as_deref(), Some("listEntitlements"));
        }
        other => panic!("expected the 400 as Error::Api, got {other:?}"),
    }
    common::assert_requests_authenticated(&server, 2).await;
}

#[tokio::test]
async fn an_empty_first_page_yields_nothing() {
    let server = MockServer::start().await;
    page(&server, "/passes", &[("offset", "0".into())], ResponseTemplate::new(200).insert_header("X-Total-Count", "0").set_body_json(json!([]))).await;
    let client = common::client(&server);

    let all: Vec<_> = client.list_passes().customer_id(1).items().try_collect().await.expect("one empty page");

    assert!(all.is_empty());
    common::assert_requests_authenticated(&server, 1).await;
}

#[tokio::test]
async fn a_list_body_without_a_list_is_a_decode_error_naming_the_call() {
    let server = MockServer::start().await;
    page(&server, "/customers", &[("offset", "0".into())], ResponseTemplate::new(200).set_body_json(json!({"success": true, "message": "?"}))).await;
    let client = common::client(&server);

    let err = client
        .list_customers()
        .external_id("ext-1")
        .offset(0)
        .limit(20)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("no list in the body");

    assert_eq!(err.operation(), Some("listCustomers"));
    match err {
        Error::Decode { body, .. } => assert_eq!(&body[..], br#"{"message":"?","success":true}"#),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}
