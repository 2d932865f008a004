//! The axum extractor: a verified delivery reaches the handler, a bad one is answered before it.
#![cfg(feature = "axum")]

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::Router;
use cleeng_webhooks::axum::CleengWebhook;
use cleeng_webhooks::{Event, Verifier, SIGNATURE_HEADER};
use tower::ServiceExt;

const SECRET: &str = "whsec_axum_test_0123456789";

fn verifier(secret: &str) -> Verifier {
    Verifier::new(secret, SIGNATURE_HEADER).expect("a long enough secret")
}
const BODY: &str = r#"{"broadcasterId":42,"topic":"offerCreated","data":{"offerId":"S123123123","createdAt":"2025-05-05T10:48:09+02:00"}}"#;

async fn handler(CleengWebhook(event): CleengWebhook) -> String {
    match event {
        Event::OfferCreated { broadcaster_id, data } => {
            format!("{broadcaster_id} {}", data.offer_id.unwrap_or_default())
        }
        other => format!("other {}", other.topic()),
    }
}

fn app() -> Router {
    Router::new().route("/cleeng", post(handler)).with_state(verifier(SECRET))
}

async fn send(headers: http::HeaderMap, body: &'static str) -> (StatusCode, String) {
    let mut request = Request::post("/cleeng").body(Body::from(body)).unwrap();
    *request.headers_mut() = headers;
    let response = app().oneshot(request).await.unwrap();
    let status = response.status();
    let text = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(text.to_vec()).unwrap())
}

#[tokio::test]
async fn a_signed_delivery_reaches_the_handler() {
    let headers = verifier(SECRET).signed_headers(BODY.as_bytes());
    assert_eq!(send(headers, BODY).await, (StatusCode::OK, "42 S123123123".to_string()));
}

#[tokio::test]
async fn a_delivery_signed_with_another_secret_is_401() {
    let headers = verifier("another secret, rotated").signed_headers(BODY.as_bytes());
    assert_eq!(
        send(headers, BODY).await,
        (StatusCode::UNAUTHORIZED, "the signature does not match the body".to_string())
    );
}

#[tokio::test]
async fn an_unsigned_delivery_is_401() {
    let (status, text) = send(http::HeaderMap::new(), BODY).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(text, format!("the signature header `{SIGNATURE_HEADER}` is missing"));
}

#[tokio::test]
async fn a_signed_body_that_is_not_json_is_400() {
    let headers = verifier(SECRET).signed_headers(b"hello");
    let (status, text) = send(headers, "hello").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.starts_with("the body is not JSON"), "{text}");
}
