//! Signature verification: what is accepted, and that each kind of bad delivery is refused
//! with its own error.

use std::path::PathBuf;

use base64::Engine as _;
use cleeng_webhooks::{Event, SignatureEncoding, Verifier, WebhookError, SIGNATURE_HEADER};
use http::{HeaderMap, HeaderName, HeaderValue};

const SECRET: &str = "whsec_test_0123456789abcdef";

fn body() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events/transactionCreated.json");
    std::fs::read(path).unwrap()
}

fn headers_with(signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(signature).unwrap());
    headers
}

/// HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the RFC 4231-style
/// vector everyone quotes: proves we compute the standard HMAC, not something of our own.
#[test]
fn signs_like_the_reference_hmac_sha256() {
    let verifier = Verifier::new("key");
    let body = b"The quick brown fox jumps over the lazy dog";
    assert_eq!(
        verifier.sign(body, SignatureEncoding::Hex),
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    );
    assert!(verifier
        .verify_signature(&headers_with("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"), body)
        .is_ok());
}

#[test]
fn a_correctly_signed_body_verifies_and_decodes() {
    let verifier = Verifier::new(SECRET);
    let body = body();
    let event = verifier.verify(&verifier.signed_headers(&body), &body).unwrap();
    assert!(matches!(event, Event::TransactionCreated { broadcaster_id: 558186818, .. }), "{event:?}");
}

#[test]
fn hex_in_either_case_base64_in_every_variant_and_a_sha256_prefix_are_accepted() {
    let verifier = Verifier::new(SECRET);
    let body = body();
    let hex = verifier.sign(&body, SignatureEncoding::Hex);
    let b64 = verifier.sign(&body, SignatureEncoding::Base64);
    assert_eq!(hex.len(), 64);
    assert_eq!(b64.len(), 44);
    let raw = base64::engine::general_purpose::STANDARD.decode(&b64).unwrap();
    let accepted = [
        hex.clone(),
        hex.to_uppercase(),
        format!("sha256={hex}"),
        format!("SHA256={hex}"),
        format!(" {hex} "),
        b64.clone(),
        b64.trim_end_matches('=').to_string(),
        base64::engine::general_purpose::URL_SAFE.encode(&raw),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw),
    ];
    for signature in accepted {
        assert_eq!(verifier.verify_signature(&headers_with(&signature), &body), Ok(()), "{signature}");
    }
}

#[test]
fn one_flipped_body_byte_is_a_mismatch() {
    let verifier = Verifier::new(SECRET);
    let body = body();
    let headers = verifier.signed_headers(&body);
    for position in [0, body.len() / 2, body.len() - 1] {
        let mut tampered = body.clone();
        tampered[position] ^= 0x01;
        assert_eq!(
            verifier.verify(&headers, &tampered).unwrap_err(),
            WebhookError::SignatureMismatch,
            "byte {position}"
        );
    }
}

#[test]
fn one_flipped_signature_byte_is_a_mismatch() {
    let verifier = Verifier::new(SECRET);
    let body = body();
    let mut raw = hex::decode(verifier.sign(&body, SignatureEncoding::Hex)).unwrap();
    for position in [0, 31] {
        raw[position] ^= 0x80;
        for signature in [hex::encode(&raw), base64::engine::general_purpose::STANDARD.encode(&raw)] {
            assert_eq!(
                verifier.verify(&headers_with(&signature), &body).unwrap_err(),
                WebhookError::SignatureMismatch
            );
        }
        raw[position] ^= 0x80;
    }
}

#[test]
fn a_wrong_secret_is_a_mismatch() {
    let body = body();
    let headers = Verifier::new("the old secret before rotation").signed_headers(&body);
    assert_eq!(
        Verifier::new(SECRET).verify(&headers, &body).unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn a_missing_header_is_refused() {
    let verifier = Verifier::new(SECRET);
    let body = body();
    let err = verifier.verify(&HeaderMap::new(), &body).unwrap_err();
    assert_eq!(
        err,
        WebhookError::MissingSignature { header: HeaderName::from_static(SIGNATURE_HEADER) }
    );
    assert_eq!(err.status(), http::StatusCode::UNAUTHORIZED);
    // Signed under another header name is still unsigned for this verifier.
    let other = verifier.clone().with_header(HeaderName::from_static("x-signature"));
    assert!(matches!(
        verifier.verify(&other.signed_headers(&body), &body),
        Err(WebhookError::MissingSignature { .. })
    ));
}

#[test]
fn the_header_name_can_be_overridden() {
    let verifier = Verifier::new(SECRET).with_header(HeaderName::from_static("x-webhook-signature"));
    assert_eq!(verifier.header().as_str(), "x-webhook-signature");
    let body = body();
    let headers = verifier.signed_headers(&body);
    assert!(headers.contains_key("x-webhook-signature"));
    assert!(!headers.contains_key(SIGNATURE_HEADER));
    assert!(verifier.verify(&headers, &body).is_ok());
}

#[test]
fn an_empty_body_is_refused() {
    let verifier = Verifier::new(SECRET);
    let headers = verifier.signed_headers(b"");
    let err = verifier.verify(&headers, b"").unwrap_err();
    assert_eq!(err, WebhookError::EmptyBody);
    assert_eq!(err.status(), http::StatusCode::BAD_REQUEST);
}

#[test]
fn a_signed_non_utf8_body_is_refused() {
    let verifier = Verifier::new(SECRET);
    let body = b"{\"broadcasterId\":1,\"topic\":\"\xc3\x28\",\"data\":{}}".to_vec();
    let headers = verifier.signed_headers(&body);
    assert_eq!(verifier.verify_signature(&headers, &body), Ok(()));
    assert_eq!(
        verifier.verify(&headers, &body).unwrap_err(),
        WebhookError::NotUtf8 { valid_up_to: 28 }
    );
}

#[test]
fn a_signed_body_that_is_not_an_envelope_is_refused() {
    let verifier = Verifier::new(SECRET);
    for (body, expected) in [
        (&b"not json"[..], "InvalidJson"),
        (&b"{\"hello\":1}"[..], "InvalidEnvelope"),
    ] {
        let err = verifier.verify(&verifier.signed_headers(body), body).unwrap_err();
        assert!(format!("{err:?}").starts_with(expected), "{err:?}");
    }
}

#[test]
fn malformed_signatures_are_refused_without_panicking() {
    let verifier = Verifier::new(SECRET);
    let body = body();
    let good = verifier.sign(&body, SignatureEncoding::Hex);
    let malformed = [
        String::new(),
        "sha256=".to_string(),
        "zz".repeat(32),
        good[..62].to_string(),
        format!("{good}00"),
        "not a signature at all".to_string(),
        base64::engine::general_purpose::STANDARD.encode([0u8; 31]),
        base64::engine::general_purpose::STANDARD.encode([0u8; 33]),
    ];
    for signature in malformed {
        assert_eq!(
            verifier.verify(&headers_with(&signature), &body).unwrap_err(),
            WebhookError::MalformedSignature { header: HeaderName::from_static(SIGNATURE_HEADER) },
            "{signature:?}"
        );
    }
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, HeaderValue::from_bytes(b"\xff\xfe").unwrap());
    assert!(matches!(
        verifier.verify(&headers, &body),
        Err(WebhookError::MalformedSignature { .. })
    ));
}

#[test]
fn the_secret_never_prints() {
    let verifier = Verifier::new(SECRET);
    let debug = format!("{verifier:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains(SIGNATURE_HEADER), "{debug}");
}

#[test]
fn signed_delivery_returns_matching_headers_and_body() {
    let verifier = Verifier::new(SECRET);
    let (headers, body) = verifier.signed_delivery(body());
    assert_eq!(headers[http::header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[SIGNATURE_HEADER], verifier.sign(&body, SignatureEncoding::Hex).as_str());
    assert!(verifier.verify(&headers, &body).is_ok());
}
