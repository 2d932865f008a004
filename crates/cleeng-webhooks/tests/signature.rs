//! Signature verification: what is accepted, and that each kind of bad delivery is refused
//! with its own error.

use std::path::PathBuf;

use base64::Engine as _;
use cleeng_webhooks::{
    Event, SignatureEncoding, Verifier, VerifierError, WebhookError, MIN_SECRET_LEN, SIGNATURE_HEADER,
};
use http::{HeaderMap, HeaderValue};

const SECRET: &str = "whsec_test_0123456789abcdef";

fn verifier(secret: &str) -> Verifier {
    Verifier::new(secret, SIGNATURE_HEADER).expect("a long enough secret")
}

fn body() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events/transactionCreated.json");
    std::fs::read(path).unwrap()
}

fn headers_with(signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(signature).unwrap());
    headers
}

/// RFC 4231 test case 4 (key 0x01..=0x19, data 50 bytes of 0xcd): proves we compute the
/// standard HMAC-SHA256, not something of our own.
#[test]
fn signs_like_the_reference_hmac_sha256() {
    let key: String = (1u8..=0x19).map(char::from).collect();
    let verifier = verifier(&key);
    let body = [0xcdu8; 50];
    let expected = "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b";
    assert_eq!(verifier.sign(&body, SignatureEncoding::Hex), expected);
    assert!(verifier.verify_signature(&headers_with(expected), &body).is_ok());
}

/// An empty secret (think `env::var("SECRET").unwrap_or_default()`) would make every forged
/// delivery whose signature is HMAC("", body) pass: such a verifier cannot be built.
#[test]
fn empty_and_short_secrets_are_refused_at_construction() {
    assert_eq!(Verifier::new("", SIGNATURE_HEADER).unwrap_err(), VerifierError::EmptySecret);
    assert_eq!(Verifier::new("   \n", SIGNATURE_HEADER).unwrap_err(), VerifierError::EmptySecret);
    assert_eq!(Verifier::new(String::new(), SIGNATURE_HEADER).unwrap_err(), VerifierError::EmptySecret);
    let short = "a".repeat(MIN_SECRET_LEN - 1);
    assert_eq!(
        Verifier::new(short.as_str(), SIGNATURE_HEADER).unwrap_err(),
        VerifierError::SecretTooShort { len: MIN_SECRET_LEN - 1, min: MIN_SECRET_LEN }
    );
    assert!(Verifier::new("a".repeat(MIN_SECRET_LEN), SIGNATURE_HEADER).is_ok());
    let err = Verifier::new(SECRET, "not a header").unwrap_err();
    assert_eq!(err, VerifierError::InvalidHeaderName { header: "not a header".into() });
    // No error message repeats the secret.
    let err = Verifier::new("hunter2", SIGNATURE_HEADER).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"));
}

/// The header is named by the user, matched without regard to case, and nothing is read from
/// any other header.
#[test]
fn the_user_names_the_signature_header() {
    let verifier = Verifier::new(SECRET, "X-Webhook-Signature").unwrap();
    assert_eq!(verifier.header(), "x-webhook-signature");
    let body = body();
    let mut headers = HeaderMap::new();
    headers.insert("x-webhook-signature", HeaderValue::from_str(&verifier.sign(&body, SignatureEncoding::Hex)).unwrap());
    assert!(verifier.verify(&headers, &body).is_ok());
    let mut guessed = HeaderMap::new();
    guessed.insert(SIGNATURE_HEADER, HeaderValue::from_str(&verifier.sign(&body, SignatureEncoding::Hex)).unwrap());
    assert_eq!(
        verifier.verify(&guessed, &body).unwrap_err(),
        WebhookError::MissingSignature { header: "x-webhook-signature".into() }
    );
}

/// Without `http::HeaderMap`: the header's value and the body as bytes.
#[test]
fn verifies_from_the_header_value_and_body() {
    let verifier = verifier(SECRET);
    let body = body();
    let signature = verifier.sign(&body, SignatureEncoding::Base64);
    let event = verifier.verify_value(Some(signature.as_bytes()), &body).unwrap();
    assert!(matches!(event, Event::TransactionCreated { broadcaster_id: 558186818, .. }), "{event:?}");
    assert_eq!(verifier.verify_signature_value(Some(signature.as_bytes()), &body), Ok(()));
    assert_eq!(
        verifier.verify_value(None, &body).unwrap_err(),
        WebhookError::MissingSignature { header: SIGNATURE_HEADER.into() }
    );
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert_eq!(
        verifier.verify_value(Some(signature.as_bytes()), &tampered).unwrap_err(),
        WebhookError::SignatureMismatch
    );
    assert!(matches!(
        verifier.verify_value(Some(b"\xff\xfe"), &body),
        Err(WebhookError::MalformedSignature { .. })
    ));
}

#[test]
fn a_correctly_signed_body_verifies_and_decodes() {
    let verifier = verifier(SECRET);
    let body = body();
    let event = verifier.verify(&verifier.signed_headers(&body), &body).unwrap();
    assert!(matches!(event, Event::TransactionCreated { broadcaster_id: 558186818, .. }), "{event:?}");
}

#[test]
fn hex_in_either_case_base64_in_every_variant_and_a_sha256_prefix_are_accepted() {
    let verifier = verifier(SECRET);
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
    let verifier = verifier(SECRET);
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
    let verifier = verifier(SECRET);
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
    let headers = verifier("the old secret before rotation").signed_headers(&body);
    assert_eq!(
        verifier(SECRET).verify(&headers, &body).unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn a_missing_header_is_refused() {
    let verifier = verifier(SECRET);
    let body = body();
    let err = verifier.verify(&HeaderMap::new(), &body).unwrap_err();
    assert_eq!(
        err,
        WebhookError::MissingSignature { header: SIGNATURE_HEADER.into() }
    );
    assert_eq!(err.status(), http::StatusCode::UNAUTHORIZED);
    // Signed under another header name is still unsigned for this verifier.
    let other = Verifier::new(SECRET, "x-signature").unwrap();
    assert!(matches!(
        verifier.verify(&other.signed_headers(&body), &body),
        Err(WebhookError::MissingSignature { .. })
    ));
}

#[test]
fn an_empty_body_is_refused() {
    let verifier = verifier(SECRET);
    let headers = verifier.signed_headers(b"");
    let err = verifier.verify(&headers, b"").unwrap_err();
    assert_eq!(err, WebhookError::EmptyBody);
    assert_eq!(err.status(), http::StatusCode::BAD_REQUEST);
}

#[test]
fn a_signed_non_utf8_body_is_refused() {
    let verifier = verifier(SECRET);
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
    let verifier = verifier(SECRET);
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
    let verifier = verifier(SECRET);
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
            WebhookError::MalformedSignature { header: SIGNATURE_HEADER.into() },
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
    let verifier = verifier(SECRET);
    let debug = format!("{verifier:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains(SIGNATURE_HEADER), "{debug}");
}

#[test]
fn signed_delivery_returns_matching_headers_and_body() {
    let verifier = verifier(SECRET);
    let (headers, body) = verifier.signed_delivery(body());
    assert_eq!(headers[http::header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[SIGNATURE_HEADER], verifier.sign(&body, SignatureEncoding::Hex).as_str());
    assert!(verifier.verify(&headers, &body).is_ok());
}
