//! The legacy JSON-RPC 3.0 endpoint (`POST /legacy/3.0/json-rpc`), for the entitlement and
//! subscription-listing methods, answered from the same state as the REST journeys: a
//! subscription created through Core is listed by `listCustomerSubscriptions`, an order paid
//! through MediaStore grants what `getAccessStatus` reports.
//!
//! Answered methods: `generateCustomerToken` (the way to get a customer token here),
//! `getAccessStatus`, `getAccessibleTags`, `listCustomerSubscriptions`. Any other method gets
//! the JSON-RPC "method not found" error (-32601). Failures use Cleeng's codes (1 customer
//! token, 3 publisher token, 4 offer, 10 email, 11 arguments), always inside an HTTP 200 body
//! with the call's id echoed as a string, as Cleeng does. Numeric params are accepted as
//! numbers or strings, like the real API.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::server::Shared;
use crate::state::{now, State};

/// Path prefix of the endpoint under the mock's root (`MockServer::legacy_url`).
pub(crate) const PREFIX: &str = "/legacy";
/// The endpoint path under [`PREFIX`], as in Cleeng's URLs.
pub(crate) const ENDPOINT: &str = "/3.0/json-rpc";
/// Largest call body read.
const BODY_LIMIT: usize = 1 << 20;

/// A JSON-RPC failure: Cleeng's numeric code and a message.
struct Failure(i64, String);

fn fail(code: i64, message: impl Into<String>) -> Failure {
    Failure(code, message.into())
}

/// Handles one request under [`PREFIX`].
pub(crate) async fn handle(shared: &Shared, method: &http::Method, path: &str, body: Body) -> Response {
    if path != format!("{PREFIX}{ENDPOINT}") {
        return answer(200, json!({"result": null, "error": {"code": -32601, "message": format!("no JSON-RPC endpoint at {path}; use {PREFIX}{ENDPOINT}")}, "id": null}));
    }
    if method != http::Method::POST {
        return (http::StatusCode::METHOD_NOT_ALLOWED, "JSON-RPC calls are POSTed").into_response();
    }
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return answer(413, json!({"error": {"code": -32600, "message": "call too large"}, "id": null})),
    };
    let call: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return answer(200, json!({"result": null, "error": {"code": -32700, "message": format!("parse error: {e}")}, "id": null})),
    };
    let id = match call.get("id") {
        Some(Value::Number(n)) => Value::String(n.to_string()),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let name = call.get("method").and_then(Value::as_str).unwrap_or_default();
    let params = call.get("params").and_then(Value::as_object).cloned().unwrap_or_default();
    let outcome = {
        let mut state = shared.state();
        dispatch(shared, &mut state, name, &params)
    };
    match outcome {
        Ok(result) => answer(200, json!({"result": result, "id": id, "jsonrpc": "2.0"})),
        Err(Failure(code, message)) => answer(
            200,
            json!({"result": null, "error": {"code": code, "message": message}, "id": id, "jsonrpc": "2.0"}),
        ),
    }
}

fn answer(status: u16, body: Value) -> Response {
    let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    (status, [(http::header::CONTENT_TYPE, "application/json")], Body::from(bytes)).into_response()
}

fn dispatch(shared: &Shared, state: &mut State, name: &str, params: &Map<String, Value>) -> Result<Value, Failure> {
    match name {
        "generateCustomerToken" => {
            publisher(shared, params)?;
            let customer_id = customer(state, params)?;
            let token = format!("ct{:046}", state.next_id());
            state.legacy_tokens.insert(token.clone(), customer_id);
            Ok(json!({"token": token}))
        }
        "getAccessStatus" => {
            let customer_id = customer_token(state, params)?;
            let offer_id = text(params, "offerId")?;
            if state.offer(&offer_id).is_none() {
                return Err(fail(4, format!("offer {offer_id} does not exist")));
            }
            let expires = state.access(customer_id, &offer_id);
            Ok(json!({
                "accessGranted": expires.is_some(),
                "grantType": if expires.is_some() { json!("direct-purchase") } else { Value::Null },
                "expiresAt": expires,
                "purchasedDirectly": expires.is_some(),
            }))
        }
        "getAccessibleTags" => {
            publisher(shared, params)?;
            let customer_id = customer_token(state, params)?;
            let mut tags: Vec<String> = state
                .offers
                .values()
                .filter(|o| state.access(customer_id, &o.id).is_some())
                .flat_map(|o| o.tags.clone())
                .collect();
            tags.sort();
            tags.dedup();
            Ok(json!({"tags": tags}))
        }
        "listCustomerSubscriptions" => {
            publisher(shared, params)?;
            let customer_id = customer(state, params)?;
            let offset = number(params, "offset")?.max(0) as usize;
            let limit = number(params, "limit")?.clamp(1, 100) as usize;
            let t = now();
            let all: Vec<Value> = state
                .subscriptions
                .values()
                .filter(|s| s.customer_id == customer_id && s.date_to > t)
                .filter(|s| matches!(s.status, "active" | "cancelled"))
                .map(|s| {
                    let offer = state.offer(&s.offer_id);
                    json!({
                        "subscriptionId": s.id,
                        "offerId": offer.map(|o| o.long_id()).unwrap_or_else(|| s.offer_id.clone()),
                        "status": s.status,
                        "startedAt": s.date_from,
                        "expiresAt": s.date_to,
                        "nextPaymentPrice": offer.map(|o| o.amount).unwrap_or_default(),
                        "nextPaymentCurrency": offer.map(|o| o.currency.clone()).unwrap_or_else(|| "USD".into()),
                        "nextPaymentAt": s.date_to,
                        "paymentGateway": "mock",
                        "paymentMethod": "card",
                        "externalPaymentId": s.external_id,
                        "inTrial": s.in_trial,
                        "pendingSwitchId": null,
                    })
                })
                .collect();
            let total = all.len();
            let items: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
            Ok(json!({"items": items, "totalItemCount": total, "customerId": customer_id}))
        }
        other => Err(fail(
            -32601,
            format!("method {other:?} is not answered by the mock (generateCustomerToken, getAccessStatus, getAccessibleTags, listCustomerSubscriptions are)"),
        )),
    }
}

fn text(params: &Map<String, Value>, key: &str) -> Result<String, Failure> {
    params
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| fail(11, format!("{key} is required")))
}

/// An integer param, sent as a number or a numeric string (both happen).
fn number(params: &Map<String, Value>, key: &str) -> Result<i64, Failure> {
    match params.get(key) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| fail(11, format!("{key} must be an integer")))
}

fn publisher(shared: &Shared, params: &Map<String, Value>) -> Result<(), Failure> {
    let given = params.get("publisherToken").and_then(Value::as_str).unwrap_or_default();
    let ok = match &shared.publisher_token {
        Some(expected) => given == expected,
        None => !given.is_empty(),
    };
    if ok {
        Ok(())
    } else {
        Err(fail(3, "publisher token empty or invalid"))
    }
}

fn customer(state: &State, params: &Map<String, Value>) -> Result<i64, Failure> {
    let email = text(params, "customerEmail").map_err(|_| fail(10, "customerEmail is required"))?;
    state
        .customer_by_email(&email)
        .map(|c| c.id)
        .ok_or_else(|| fail(10, format!("no customer {email}")))
}

fn customer_token(state: &State, params: &Map<String, Value>) -> Result<i64, Failure> {
    let token = params.get("customerToken").and_then(Value::as_str).unwrap_or_default();
    state
        .legacy_tokens
        .get(token)
        .copied()
        .ok_or_else(|| fail(1, "customer token empty or invalid"))
}
