//! Decoding deliveries: every documented example, every topic in the spec, unknown and broken
//! payloads.

use std::collections::BTreeSet;
use std::path::PathBuf;

use cleeng_webhooks::{CleengId, Decimal, Event, Timestamp, ValidationResult, WebhookError, TOPICS};
use serde_json::{json, Value};

fn spec() -> serde_yaml::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs/webhooks.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// topic -> data schema name, from the spec's `x-cleeng-topics`.
fn spec_topics(spec: &serde_yaml::Value) -> Vec<(String, String)> {
    spec["x-cleeng-topics"]
        .as_mapping()
        .expect("x-cleeng-topics is a mapping")
        .iter()
        .map(|(topic, entry)| {
            (
                topic.as_str().unwrap().to_string(),
                entry["schema"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events").join(name);
    std::fs::read(path).unwrap()
}

fn fixture_names() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_spec_topic_has_a_variant_and_no_variant_lacks_a_topic() {
    let spec = spec();
    let in_spec: BTreeSet<String> = spec_topics(&spec).into_iter().map(|(t, _)| t).collect();
    let in_code: BTreeSet<String> = TOPICS.iter().map(|t| t.to_string()).collect();
    assert_eq!(in_spec.len(), 23);
    assert_eq!(in_code, in_spec);
    for topic in &in_spec {
        let event = Event::from_value(json!({"broadcasterId": 1, "topic": topic, "data": {}})).unwrap();
        assert_eq!(event.topic(), topic);
        assert!(
            !matches!(event, Event::Unknown { .. } | Event::Undecodable { .. }),
            "{topic} decoded to {event:?}"
        );
    }
}

#[test]
fn every_schema_example_in_the_spec_decodes_into_its_variant() {
    let spec = spec();
    let mut with_example = 0;
    for (topic, schema) in spec_topics(&spec) {
        let example = &spec["components"]["schemas"][schema.as_str()]["example"];
        if example.is_null() {
            continue;
        }
        with_example += 1;
        let data: Value = serde_json::to_value(example).unwrap();
        let event = Event::from_value(json!({"broadcasterId": 7, "topic": topic, "data": data})).unwrap();
        assert_eq!(event.topic(), topic);
        assert_eq!(event.broadcaster_id(), 7);
        assert!(
            !matches!(event, Event::Unknown { .. } | Event::Undecodable { .. }),
            "{topic}: {event:?}"
        );
    }
    assert_eq!(with_example, 13);
}

/// The hand-written payload structs must name exactly the properties of the spec's schemas.
#[test]
fn payload_fields_match_the_spec_schemas() {
    let spec = spec();
    for (topic, schema) in spec_topics(&spec) {
        let expected: BTreeSet<String> = spec["components"]["schemas"][schema.as_str()]["properties"]
            .as_mapping()
            .map(|m| m.keys().map(|k| k.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        let root = Event::data_schema(&topic).unwrap_or_else(|| panic!("no payload type for {topic}"));
        let actual: BTreeSet<String> = root
            .schema
            .object
            .map(|o| o.properties.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(actual, expected, "fields of {topic} ({schema})");
    }
}

#[test]
fn every_fixture_decodes_into_its_variant() {
    let names = fixture_names();
    assert_eq!(names.len(), 15);
    for name in names.iter().filter(|n| *n != "unknown-topic.json") {
        let topic = name.split('.').next().unwrap();
        let event = Event::from_slice(&fixture(name)).unwrap();
        assert_eq!(event.topic(), topic, "{name}");
        assert!(
            !matches!(event, Event::Unknown { .. } | Event::Undecodable { .. }),
            "{name}: {event:?}"
        );
    }
}

#[test]
fn payment_authorisation_reads_string_id_and_hides_the_token() {
    let event = Event::from_slice(&fixture("subscriptionReadyForPaymentAuthorisation.json")).unwrap();
    let Event::SubscriptionReadyForPaymentAuthorisation { broadcaster_id, data } = &event else {
        panic!("{event:?}")
    };
    assert_eq!(*broadcaster_id, 558186818);
    assert_eq!(data.subscription_id, Some(CleengId::from(332332332)));
    assert_eq!(data.subscription_id.as_ref().unwrap().as_str(), "332332332");
    assert_eq!(data.token.as_ref().unwrap().expose(), "tok_en");
    assert_eq!(data.dunning_status.as_deref(), Some("authorize"));
    assert_eq!(
        data.expiration_date,
        Timestamp::parse("2019-11-07T19:55:41Z")
    );
    let debug = format!("{event:?}");
    assert!(!debug.contains("tok_en"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
}

#[test]
fn payment_capture_reads_integer_id_and_offset_dates() {
    let event = Event::from_slice(&fixture("subscriptionReadyForPaymentCapture.json")).unwrap();
    let Event::SubscriptionReadyForPaymentCapture { data, .. } = event else { panic!() };
    assert_eq!(data.subscription_id.unwrap().as_i64(), Some(121780131));
    let due = data.dunning_attempt_date.unwrap();
    assert_eq!(due.to_string(), "2019-11-04T19:55:41+01:00");
    assert_eq!(due.unix_seconds(), 1572893741);
}

#[test]
fn both_transaction_shapes_decode_amounts_and_dates_into_one_type() {
    let Event::TransactionCreated { data: old, .. } =
        Event::from_slice(&fixture("transactionCreated.json")).unwrap()
    else {
        panic!()
    };
    assert_eq!(old.offer_price, Some(Decimal::parse("5.25").unwrap()));
    assert_eq!(old.offer_price.unwrap().to_minor_units(2), Some(525));
    assert_eq!(old.discount_rate, None);
    assert_eq!(old.subscription_plan_id, Some(543221430));
    assert_eq!(old.transaction_date, None);

    let Event::TransactionCreated { data: new, .. } =
        Event::from_slice(&fixture("transactionCreated.newest.json")).unwrap()
    else {
        panic!()
    };
    assert_eq!(new.transaction_price_incl_tax.unwrap().to_string(), "12.3000");
    assert_eq!(new.transaction_price_incl_tax, Some(Decimal::new(123, 1).unwrap()));
    assert_eq!(new.tax_rate.unwrap().to_minor_units(4), Some(2300));
    assert_eq!(new.transaction_date.unwrap().unix_seconds(), 1628085830);
    assert_eq!(new.transaction_date.unwrap().to_string(), "2021-08-04T14:03:50+00:00");
}

#[test]
fn inapp_validation_reads_its_result_and_store_data() {
    let Event::InappPurchaseValidationSucceeded { data, .. } =
        Event::from_slice(&fixture("inappPurchaseValidationSucceeded.json")).unwrap()
    else {
        panic!()
    };
    assert_eq!(data.result, Some(ValidationResult::SubscriptionCreated));
    assert_eq!(data.subscription_id, Some(CleengId::from("123123123")));
    assert_eq!(
        data.in_app_specific_data.unwrap()["receiptId"],
        json!("q1YqVbJSyjH28DGP0EXAMPLE")
    );
    let later = Event::from_value(json!({
        "broadcasterId": 1, "topic": "inappPurchaseValidationSucceeded",
        "data": {"result": "SubscriptionPaused"}
    }))
    .unwrap();
    let Event::InappPurchaseValidationSucceeded { data, .. } = later else { panic!("{later:?}") };
    assert_eq!(data.result, Some(ValidationResult::Unknown("SubscriptionPaused".into())));
}

#[test]
fn every_documented_validation_result_has_its_own_arm() {
    let spec = spec();
    let values = spec["components"]["schemas"]["InappPurchaseValidationSucceededData"]["properties"]
        ["result"]["enum"]
        .as_sequence()
        .unwrap();
    assert_eq!(values.len(), 4);
    for v in values {
        let v = v.as_str().unwrap();
        let result = ValidationResult::from_wire(v);
        assert!(!matches!(result, ValidationResult::Unknown(_)), "{v}");
        assert_eq!(result.as_str(), v);
    }
}

#[test]
fn offer_and_pass_topics_read_their_dates() {
    let Event::OfferCreated { broadcaster_id, data } = Event::from_slice(&fixture("offerCreated.json")).unwrap()
    else {
        panic!()
    };
    assert_eq!(broadcaster_id, 123123123);
    assert_eq!(data.offer_id.as_deref(), Some("S123123123"));
    assert_eq!(data.created_at.unwrap().to_utc().to_rfc3339(), "2025-05-05T08:48:09+00:00");
    let Event::PassExpirationChanged { data, .. } =
        Event::from_slice(&fixture("passExpirationChanged.json")).unwrap()
    else {
        panic!()
    };
    assert_eq!(data.pass_id, Some(CleengId::from(123456789)));
    assert!(data.previous_expiration_date.unwrap() < data.expiration_date.unwrap());
}

#[test]
fn password_reset_link_is_redacted() {
    let event = Event::from_value(json!({
        "broadcasterId": 1, "topic": "customerRequestedPasswordReset",
        "data": {"passwordResetUrl": "https://example.com/reset?token=s3cr3t"}
    }))
    .unwrap();
    assert!(!format!("{event:?}").contains("s3cr3t"));
    let Event::CustomerRequestedPasswordReset { data, .. } = event else { panic!() };
    assert_eq!(
        data.password_reset_url.unwrap().expose(),
        "https://example.com/reset?token=s3cr3t"
    );
}

#[test]
fn unknown_topic_keeps_its_data() {
    let event = Event::from_slice(&fixture("unknown-topic.json")).unwrap();
    let Event::Unknown { broadcaster_id, topic, data } = &event else { panic!("{event:?}") };
    assert_eq!(*broadcaster_id, 558186818);
    assert_eq!(topic, "someFutureTopic");
    assert_eq!(data, &json!({"anything": 1}));
    assert_eq!(event.topic(), "someFutureTopic");
}

#[test]
fn a_known_topic_with_broken_data_is_kept_not_dropped() {
    let event = Event::from_value(json!({
        "broadcasterId": "558186818",
        "topic": "offerCreated",
        "data": {"offerId": "S1", "createdAt": "last tuesday"}
    }))
    .unwrap();
    let Event::Undecodable { broadcaster_id, topic, data, error } = &event else { panic!("{event:?}") };
    assert_eq!(*broadcaster_id, 558186818);
    assert_eq!(topic, "offerCreated");
    assert_eq!(data, &json!({"offerId": "S1", "createdAt": "last tuesday"}));
    assert!(error.contains("last tuesday"), "{error}");
    assert_eq!(event.topic(), "offerCreated");

    // A free-form topic still needs an object.
    let event = Event::from_value(json!({"broadcasterId": 1, "topic": "refundPayment", "data": [1, 2]})).unwrap();
    assert!(matches!(event, Event::Undecodable { ref data, .. } if data == &json!([1, 2])), "{event:?}");
    // A missing data is kept as null.
    let event = Event::from_value(json!({"broadcasterId": 1, "topic": "passCreated"})).unwrap();
    assert!(matches!(event, Event::Undecodable { ref data, .. } if data.is_null()), "{event:?}");
}

#[test]
fn broken_envelopes_are_errors() {
    assert!(matches!(Event::from_slice(b""), Err(WebhookError::EmptyBody)));
    assert!(matches!(Event::from_slice(b"{\"topic\":\xff}"), Err(WebhookError::NotUtf8 { valid_up_to: 9 })));
    assert!(matches!(Event::from_slice(b"{\"topic\":"), Err(WebhookError::InvalidJson { .. })));
    assert!(matches!(Event::from_slice(b"[1]"), Err(WebhookError::InvalidEnvelope { .. })));
    assert!(matches!(
        Event::from_slice(br#"{"broadcasterId":1,"data":{}}"#),
        Err(WebhookError::InvalidEnvelope { .. })
    ));
    assert!(matches!(
        Event::from_slice(br#"{"topic":"offerCreated","data":{}}"#),
        Err(WebhookError::InvalidEnvelope { .. })
    ));
    assert!(matches!(
        Event::from_slice(br#"{"broadcasterId":1.5,"topic":"offerCreated","data":{}}"#),
        Err(WebhookError::InvalidEnvelope { .. })
    ));
}

/// Issue 14, point 8: payloads kept as raw JSON printed a payment `token` in `Debug`.
#[test]
fn raw_json_payloads_redact_secret_looking_keys_in_debug() {
    let secret_bits = ["tok_live_4242", "hunter2-pass", "whsec_live_abc", "amzn-receipt-77"];
    let raw = json!({
        "token": "tok_live_4242",
        "customer": {"password": "hunter2-pass", "email": "jane@example.com"},
        "items": [{"signingSecret": "whsec_live_abc"}],
        "paymentToken": null,
        "amount": 10
    });
    let deliveries = [
        json!({"broadcasterId": 1, "topic": "someFutureTopic", "data": raw}),
        json!({"broadcasterId": 1, "topic": "refundPayment", "data": raw}),
        // A known topic whose data does not decode: kept raw, as Undecodable.
        json!({"broadcasterId": 1, "topic": "transactionCreated", "data": {"transactionId": [1], "token": "tok_live_4242"}}),
        json!({"broadcasterId": 1, "topic": "inappPurchaseValidationSucceeded", "data": {
            "paymentGateway": "amazon", "inAppSpecificData": {"receiptId": "amzn-receipt-77", "receiptUserId": "u-1"}
        }}),
    ];
    let mut kinds = Vec::new();
    for delivery in deliveries {
        let event = Event::from_value(delivery).unwrap();
        let debug = format!("{event:?} {event:#?}");
        for bit in secret_bits {
            assert!(!debug.contains(bit), "{bit} leaked: {debug}");
        }
        assert!(debug.contains("[redacted]"), "{debug}");
        kinds.push(debug.split_whitespace().next().unwrap_or("").to_string());
    }
    assert_eq!(kinds, ["Unknown", "RefundPayment", "Undecodable", "InappPurchaseValidationSucceeded"]);
    // What is not secret still prints, and the event itself keeps every value.
    let event = Event::from_value(json!({"broadcasterId": 1, "topic": "x", "data": raw})).unwrap();
    assert!(format!("{event:?}").contains("jane@example.com"));
    match event {
        Event::Unknown { data, .. } => assert_eq!(data["token"], "tok_live_4242"),
        other => panic!("{other:?}"),
    }
}
