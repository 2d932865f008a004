//! Checking that a delivery really comes from Cleeng: HMAC-SHA256 over the raw body.
//!
//! What is confirmed (Cleeng's Webhooks configuration guide): each endpoint has a
//! server-generated signing secret, returned only by create and rotate; deliveries are signed
//! with HMAC-SHA256; rotating invalidates the old secret at once.
//!
//! What is **not** confirmed, and how this module copes:
//! * the header carrying the signature: [`SIGNATURE_HEADER`] is our guess; set the real name
//!   with [`Verifier::with_header`] once you have seen a delivery. A missing header is refused;
//! * the encoding: lowercase/uppercase hex and base64 (standard or URL-safe, padded or not) are
//!   all accepted, with an optional `sha256=` prefix;
//! * what is signed: we sign the raw body bytes alone. If Cleeng also signs a timestamp, every
//!   delivery will fail with [`WebhookError::SignatureMismatch`], visibly, never silently pass;
//! * replay protection: no timestamp is documented, so none is enforced; make handlers
//!   idempotent;
//! * the key: the secret string's UTF-8 bytes are the HMAC key, as returned by the API.

use base64::Engine as _;
use bytes::Bytes;
use cleeng_runtime::Secret;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;

use crate::events::Event;

/// The header we expect the signature in. **Unconfirmed**: Cleeng's pages do not name it.
/// Override with [`Verifier::with_header`].
pub const SIGNATURE_HEADER: &str = "x-cleeng-signature";

/// Why a delivery was refused. Each cause is its own variant so a handler can log it precisely;
/// none of them carries the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header is absent: the request is unsigned (or the header name is wrong).
    #[error("the signature header `{header}` is missing")]
    MissingSignature {
        /// The header that was looked for.
        header: HeaderName,
    },
    /// The signature header is not hex or base64 of a 32-byte HMAC-SHA256.
    #[error("the signature header `{header}` is not a hex or base64 HMAC-SHA256 value")]
    MalformedSignature {
        /// The header that was read.
        header: HeaderName,
    },
    /// The signature does not match the body and secret: tampered body, wrong secret (e.g.
    /// after a rotation), or a signing scheme other than HMAC-SHA256 over the raw body.
    #[error("the signature does not match the body")]
    SignatureMismatch,
    /// The body is empty.
    #[error("the body is empty")]
    EmptyBody,
    /// The body is not UTF-8 text.
    #[error("the body is not UTF-8 (valid up to byte {valid_up_to})")]
    NotUtf8 {
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },
    /// The body is not JSON.
    #[error("the body is not JSON: {message}")]
    InvalidJson {
        /// What the parser said.
        message: String,
    },
    /// The body is JSON but not a `{broadcasterId, topic, data}` envelope.
    #[error("the body is not a webhook envelope: {message}")]
    InvalidEnvelope {
        /// What is wrong with it.
        message: String,
    },
}

impl WebhookError {
    /// The HTTP status a receiver should answer with: 401 for a missing or wrong signature,
    /// 400 for a body that cannot be read.
    pub fn status(&self) -> http::StatusCode {
        match self {
            WebhookError::MissingSignature { .. }
            | WebhookError::MalformedSignature { .. }
            | WebhookError::SignatureMismatch => http::StatusCode::UNAUTHORIZED,
            _ => http::StatusCode::BAD_REQUEST,
        }
    }
}

/// How [`Verifier::sign`] encodes a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureEncoding {
    /// Lowercase hex (64 characters).
    #[default]
    Hex,
    /// Standard base64 with padding (44 characters).
    Base64,
}

/// Checks deliveries for one endpoint's signing secret and decodes them into [`Event`]s.
/// Cheap to clone; share one per endpoint. `Debug` never prints the secret.
#[derive(Clone)]
pub struct Verifier {
    secret: Secret,
    header: HeaderName,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("header", &self.header)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl Verifier {
    /// A verifier for the endpoint's signing secret (from create or rotate), reading the
    /// signature from [`SIGNATURE_HEADER`].
    pub fn new(secret: impl Into<Secret>) -> Self {
        Verifier {
            secret: secret.into(),
            header: HeaderName::from_static(SIGNATURE_HEADER),
        }
    }

    /// Reads the signature from another header (the name is unconfirmed; see the module docs).
    pub fn with_header(mut self, header: HeaderName) -> Self {
        self.header = header;
        self
    }

    /// The header the signature is read from.
    pub fn header(&self) -> &HeaderName {
        &self.header
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail.
        <Hmac<Sha256> as Mac>::new_from_slice(self.secret.expose().as_bytes())
            .expect("HMAC takes keys of any length")
    }

    /// Checks the signature of `body` (the raw bytes as received, before any JSON parsing) and
    /// decodes it. Checks, in order: header present, body not empty, signature well formed,
    /// signature matches (constant-time), body UTF-8, body a webhook envelope.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        self.verify_signature(headers, body)?;
        Event::from_slice(body)
    }

    /// Only checks the signature (see [`Verifier::verify`] for the order of checks), without
    /// decoding the body.
    pub fn verify_signature(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        let value = headers.get(&self.header).ok_or_else(|| WebhookError::MissingSignature {
            header: self.header.clone(),
        })?;
        if body.is_empty() {
            return Err(WebhookError::EmptyBody);
        }
        let signature = decode_signature(value).ok_or_else(|| WebhookError::MalformedSignature {
            header: self.header.clone(),
        })?;
        let mut mac = self.mac();
        mac.update(body);
        mac.verify_slice(&signature)
            .map_err(|_| WebhookError::SignatureMismatch)
    }

    /// The signature Cleeng would send for `body` under this secret (as far as the signing
    /// scheme is known): for testing your handlers.
    pub fn sign(&self, body: &[u8], encoding: SignatureEncoding) -> String {
        let mut mac = self.mac();
        mac.update(body);
        let tag = mac.finalize().into_bytes();
        match encoding {
            SignatureEncoding::Hex => hex::encode(tag),
            SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(tag),
        }
    }

    /// Headers of a signed delivery of `body` (`Content-Type: application/json` and the
    /// hex signature in this verifier's header), to drive a handler in tests.
    pub fn signed_headers(&self, body: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let signature = self.sign(body, SignatureEncoding::Hex);
        // Hex is always a valid header value.
        if let Ok(value) = HeaderValue::from_str(&signature) {
            headers.insert(self.header.clone(), value);
        }
        headers
    }

    /// Signs `body` and returns it as [`Bytes`] with [`Verifier::signed_headers`], for tests
    /// that post a delivery to a running handler.
    pub fn signed_delivery(&self, body: impl Into<Bytes>) -> (HeaderMap, Bytes) {
        let body = body.into();
        (self.signed_headers(&body), body)
    }
}

/// Reads a signature header: optional `sha256=` prefix, then 64 hex digits or base64
/// (standard or URL-safe, padded or not) of exactly 32 bytes.
fn decode_signature(value: &HeaderValue) -> Option<Vec<u8>> {
    let text = value.to_str().ok()?.trim();
    let text = match text.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sha256=") => &text[7..],
        _ => text,
    };
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(text).ok()?
    } else {
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())?
    };
    (bytes.len() == 32).then_some(bytes)
}
