//! Envelope unwrap, typed errors and credentials on a local HTTP server.

use crate::common;

use cleeng_mediastore::{
    ClientLoginExt, ClientCustomersExt, ClientOffersExt, ClientSwitchesExt, Error,
};
use cleeng_mediastore::CleengId;
use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn api_error(error: Error) -> cleeng_mediastore::ApiError {
    match &error {
        Error::Api(_) => error.api_error().cloned().unwrap(),
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn protected_calls_send_the_bearer_and_public_calls_send_nothing() {
    let server = MockServer::start().await;
    let token = jwt(CUSTOMER_ID, now() + 3600, "fixed");
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"id": CUSTOMER_ID, "email": "jane@example.com"}))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auths"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("loginCustomer.200.json")))
        .expect(1)
        .mount(&server)
        .await;

    // One client holding a JWT makes both calls: the public one must not carry it.
    let client = jwt_client(&server, &token);
    client.get_customer().customer_id(CUSTOMER_ID).call().await.and_then(|r| r.payload()).unwrap();
    client
        .login_customer()
        .body_map(|b| b.email("jane@example.com").password("s3cret-pass").publisher_id(PUBLISHER_ID.to_string()))
        .call()
        .await
        .and_then(|r| r.payload())
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let auth = |i: usize| requests[i].headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(requests[0].url.path(), format!("/customers/{CUSTOMER_ID}"));
    assert_eq!(auth(0), Some(format!("Bearer {token}")));
    assert_eq!(requests[1].url.path(), "/auths");
    assert_eq!(auth(1), None);
    assert!(requests.iter().all(|r| r.headers.get("x-publisher-token").is_none()));
}

#[tokio::test]
async fn a_protected_call_without_a_jwt_is_refused_before_sending() {
    let server = MockServer::start().await;
    let error = public_client(&server).get_customer().customer_id(1).call().await.and_then(|r| r.payload()).unwrap_err();
    assert!(matches!(&error, Error::MissingCredential { operation, .. } if operation == "getCustomer"), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn payload_is_what_response_data_holds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "id": CUSTOMER_ID, "email": "jane@example.com", "country": "US", "someNewField": true
        }))))
        .mount(&server)
        .await;
    let customer = jwt_client(&server, &jwt(CUSTOMER_ID, now() + 3600, "t"))
        .get_customer()
        .customer_id(CUSTOMER_ID)
        .call()
        .await
        .and_then(|r| r.payload())
        .unwrap();
    assert_eq!(customer.id.as_ref().and_then(CleengId::as_i64), Some(CUSTOMER_ID), "{:?}", customer.id);
    assert_eq!(customer.email.as_deref(), Some("jane@example.com"));
    assert_eq!(customer.country.as_deref(), Some("US"));
}

#[tokio::test]
async fn bare_array_lists_come_out_as_vectors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/offers"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("listOffers.200.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/subscription_switches"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("listSwitches.200.json")))
        .mount(&server)
        .await;
    let client = jwt_client(&server, &jwt(CUSTOMER_ID, now() + 3600, "t"));
    let offers: Vec<cleeng_mediastore::types::OfferV2> = client.list_offers().call().await.and_then(|r| r.payload()).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&fixture("listOffers.200.json")).unwrap();
    assert_eq!(offers.len(), expected["responseData"].as_array().unwrap().len());
    let switches: Vec<cleeng_mediastore::types::Switch> = client.list_switches().call().await.and_then(|r| r.payload()).unwrap();
    assert_eq!(switches.len(), 1);
    assert_eq!(switches[0].to_offer_id.as_deref(), Some("S987654321_US"));
}

#[tokio::test]
async fn an_error_status_is_a_typed_error_with_code_and_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/customers"))
        .and(body_json(json!({
            "email": "jane@example.com", "password": "s3cret-pass", "publisherId": PUBLISHER_ID.to_string(),
            "locale": "en_US", "country": "US", "currency": "USD"
        })))
        .respond_with(ResponseTemplate::new(422).set_body_string(fixture("error.USER0002.json")))
        .expect(1)
        .mount(&server)
        .await;
    let error = public_client(&server)
        .register_customer()
        .body_map(|b| {
            b.email("jane@example.com")
                .password("s3cret-pass")
                .publisher_id(PUBLISHER_ID.to_string())
                .locale("en_US")
                .country("US")
                .currency("USD")
        })
        .call()
        .await
        .and_then(|r| r.payload())
        .unwrap_err();
    let api = api_error(error);
    assert_eq!(api.status, 422);
    assert_eq!(api.code.as_deref(), Some("USER0002"));
    assert_eq!(api.errors, vec!["Customer already exists".to_string()]);
    assert_eq!(api.operation.as_deref(), Some("registerCustomer"));
}

#[tokio::test]
async fn a_rejected_jwt_is_an_api_error_with_auth0001() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "responseData": {}, "errors": ["Missing required JWT"], "code": "AUTH0001"
        })))
        .mount(&server)
        .await;
    let error = jwt_client(&server, &jwt(CUSTOMER_ID, now() + 3600, "t"))
        .get_customer()
        .customer_id(CUSTOMER_ID)
        .call()
        .await
        .and_then(|r| r.payload())
        .unwrap_err();
    let api = api_error(error);
    assert_eq!((api.status, api.code.as_deref()), (401, Some("AUTH0001")));
    assert_eq!(api.message.as_deref(), Some("Missing required JWT"));
}

#[tokio::test]
async fn a_200_that_lists_errors_is_an_error() {
    let server = MockServer::start().await;
    // The envelope decodes (responseData is an object), but errors is not empty.
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "responseData": {}, "errors": ["Customer is blocked"]
        })))
        .mount(&server)
        .await;
    // The envelope does not decode (responseData is null where an object is required): the raw
    // body, with its code, makes the error.
    Mock::given(method("GET"))
        .and(path("/subscription_switches/SW-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "responseData": null, "errors": ["Switch not found"], "code": "SW0001"
        })))
        .mount(&server)
        .await;
    let client = jwt_client(&server, &jwt(CUSTOMER_ID, now() + 3600, "t"));

    let api = api_error(client.get_customer().customer_id(CUSTOMER_ID).call().await.and_then(|r| r.payload()).unwrap_err());
    assert_eq!(api.status, 200);
    assert_eq!(api.errors, vec!["Customer is blocked".to_string()]);
    assert_eq!(api.operation.as_deref(), Some("getCustomer"));

    let api = api_error(client.get_switch().switch_id("SW-1").call().await.and_then(|r| r.payload()).unwrap_err());
    assert_eq!(api.status, 200);
    assert_eq!(api.code.as_deref(), Some("SW0001"));
    assert_eq!(api.errors, vec!["Switch not found".to_string()]);
    assert_eq!(api.operation.as_deref(), Some("getSwitch"));
}

#[tokio::test]
async fn a_body_that_is_no_envelope_stays_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"unexpected": true})))
        .mount(&server)
        .await;
    let error = jwt_client(&server, &jwt(CUSTOMER_ID, now() + 3600, "t"))
        .get_customer()
        .customer_id(CUSTOMER_ID)
        .call()
        .await
        .and_then(|r| r.payload())
        .unwrap_err();
    match error {
        Error::Decode { operation, body, .. } => {
            assert_eq!(operation.as_deref(), Some("getCustomer"));
            assert_eq!(&body[..], br#"{"unexpected":true}"#);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_jwt_never_reaches_debug_output() {
    let server = MockServer::start().await;
    let token = jwt(CUSTOMER_ID, now() + 3600, "t");
    let client = jwt_client(&server, &token);
    let text = format!("{client:?}");
    assert!(!text.contains(&token), "{text}");
    assert!(text.contains("redacted"), "{text}");
}
