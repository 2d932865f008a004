//! Every `example:` in specs/core.yaml decodes into the type the client uses for it, without
//! losing a field: success bodies and schema examples through the generated types (decoded, then
//! encoded again and compared), error bodies through the runtime's error parser.
//!
//! A new example the tables below do not cover fails `every_example_is_checked`, so the tables
//! grow with the spec.

use std::collections::BTreeSet;

use cleeng_core::{types, ApiError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/core.yaml");
    let text = std::fs::read_to_string(path).expect("specs/core.yaml is readable");
    serde_yaml::from_str(&text).expect("specs/core.yaml parses")
}

/// Equal as JSON, ignoring `null` members (a `None` is not serialized) and the integer/float
/// distinction (`5` and `5.0` are the same amount).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &serde_json::Map<String, Value>| -> BTreeSet<String> {
                m.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.clone()).collect()
            };
            keys(x) == keys(y) && keys(x).iter().all(|k| same(&x[k], &y[k]))
        }
        _ => a == b,
    }
}

/// Decodes `example` into `T` and checks that encoding it again gives the example back.
fn round_trip<T: DeserializeOwned + Serialize>(what: &str, example: &Value) {
    let decoded: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("{what}: the example does not decode into {}: {e}", std::any::type_name::<T>()));
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert!(same(example, &encoded), "{what}: fields were lost or changed\n example: {example}\n decoded: {encoded}");
}

/// Schema-level examples, by schema name (and `Schema.property` for property examples).
fn check_schema_example(name: &str, example: &Value) {
    match name {
        "ExternalProperties" => round_trip::<types::ExternalProperties>(name, example),
        "GiftDeliveryDetails" => round_trip::<types::GiftDeliveryDetails>(name, example),
        "Gift" => round_trip::<types::Gift>(name, example),
        "GiftVerification" => round_trip::<types::GiftVerification>(name, example),
        "OfferTags" => round_trip::<types::OfferTags>(name, example),
        "PriceRule" => round_trip::<types::PriceRule>(name, example),
        "GeoRestriction" => round_trip::<types::GeoRestriction>(name, example),
        "Offer" => round_trip::<types::Offer>(name, example),
        "SeasonGroup" => round_trip::<types::SeasonGroup>(name, example),
        "SeasonDates" => round_trip::<types::SeasonDates>(name, example),
        "PaymentCreated" => round_trip::<types::PaymentCreated>(name, example),
        "WebhookEndpointConfig" => round_trip::<types::WebhookEndpointConfig>(name, example),
        "WebhookFilter" => round_trip::<types::WebhookFilter>(name, example),
        "AttemptRestrictionsUpdate.attemptRejections" => round_trip::<types::AttemptRestrictionsUpdate>(
            name,
            &serde_json::json!({ "attemptRejections": example }),
        ),
        other => panic!("no type mapped for the example of schema {other}; add it to check_schema_example"),
    }
}

/// Success-body examples, by operationId.
fn check_success_example(operation: &str, example: &Value) {
    match operation {
        "redeemGift" | "deleteSeasonGroup" => round_trip::<types::MessageOnly>(operation, example),
        "deleteCustomer" => round_trip::<types::DeleteCustomerResult>(operation, example),
        other => panic!("no response type mapped for {other}; add it to check_success_example"),
    }
}

/// Error-body examples go through the runtime parser: the message must come out.
fn check_error_example(what: &str, status: u16, example: &Value) {
    let body = serde_json::to_vec(example).expect("encodes");
    let error = ApiError::from_parts(status, Default::default(), body.into());
    let expected = example["message"].as_str().unwrap_or_else(|| panic!("{what}: error example without a message"));
    assert_eq!(error.status, status);
    assert_eq!(error.message.as_deref(), Some(expected), "{what}");
}

fn media_example(response: &Value) -> Option<&Value> {
    response.get("content")?.get("application/json")?.get("example")
}

#[test]
fn every_example_is_checked() {
    let spec = spec();
    let mut checked = 0usize;

    for (route, item) in spec["paths"].as_object().expect("paths") {
        for (verb, op) in item.as_object().expect("path item") {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else { continue };
            let id = op["operationId"].as_str().expect("operationId");
            for (status, response) in responses {
                let Some(example) = media_example(response) else { continue };
                let what = format!("{verb} {route} {status} ({id})");
                let code: u16 = status.parse().unwrap_or_else(|_| panic!("{what}: example under a range status"));
                if code >= 400 {
                    check_error_example(&what, code, example);
                } else {
                    check_success_example(id, example);
                }
                checked += 1;
            }
        }
    }

    for (name, response) in spec["components"]["responses"].as_object().expect("components.responses") {
        if let Some(example) = media_example(response) {
            // Shared error responses; the status is not part of the component, any error status reads the same.
            check_error_example(&format!("components/responses/{name}"), 404, example);
            checked += 1;
        }
    }

    for (name, schema) in spec["components"]["schemas"].as_object().expect("components.schemas") {
        if let Some(example) = schema.get("example") {
            check_schema_example(name, example);
            checked += 1;
        }
        for (property, definition) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if let Some(example) = definition.get("example") {
                check_schema_example(&format!("{name}.{property}"), example);
                checked += 1;
            }
        }
    }

    // Counted in the spec: 31 response examples (30 inline + 1 shared), 14 schema examples.
    assert_eq!(checked, 45, "the number of examples in specs/core.yaml changed; check the new ones are covered");
}

#[test]
fn the_comparison_notices_a_lost_field() {
    let example = serde_json::json!({"message": "OK", "unknownField": 1});
    let decoded: types::MessageOnly = serde_json::from_value(example.clone()).expect("unknown fields are ignored");
    assert!(!same(&example, &serde_json::to_value(decoded).expect("encodes")));
    assert!(same(&serde_json::json!({"a": 5, "b": null}), &serde_json::json!({"a": 5.0})));
}
