//! Checking that a delivery really comes from Cleeng: HMAC-SHA256 over the raw body.
//!
//! What is confirmed (Cleeng's Webhooks configuration guide): each endpoint has a
//! server-generated signing secret, returned only by create and rotate; deliveries are signed
//! with HMAC-SHA256 under that shared secret; rotating invalidates the old secret at once.
//!
//! What is **not** confirmed, and how this module copes:
//! * the header carrying the signature: Cleeng's pages do not name it, so there is no default.
//!   You name it when building the [`Verifier`] ([`SIGNATURE_HEADER`] is only our guess, the
//!   header `cleeng-mock` signs with). A missing header is refused;
//! * the encoding: lowercase/uppercase hex and base64 (standard or URL-safe, padded or not) are
//!   all accepted, with an optional `sha256=` prefix;
//! * what is signed: we sign the raw body bytes alone. If Cleeng also signs a timestamp, every
//!   delivery will fail with [`WebhookError::SignatureMismatch`], visibly, never silently pass;
//! * replay protection: no timestamp or delivery id is documented, so a correctly signed
//!   delivery verifies however often it is sent. **Verification alone does not stop replays**:
//!   de-duplicate on [`DeliveryKey`](crate::DeliveryKey) (see [`crate::replay`]);
//! * the key: the secret string's UTF-8 bytes are the HMAC key, as returned by the API.
//!
//! What [`Verifier`] guarantees: it cannot be built without a plausible secret (an empty or
//! short one, e.g. from `env::var(..).unwrap_or_default()`, is a [`VerifierError`], never a
//! verifier that accepts forgeries); every check is constant-time in the signature; the secret
//! never appears in `Debug` or in an error. Nothing here depends on a particular `http` crate
//! version: [`Verifier::verify_value`] takes the header's value and the body as bytes.

use base64::Engine as _;
use bytes::Bytes;
use cleeng_runtime::Secret;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;

use crate::events::Event;

/// Our guess at the signature header, and the one `cleeng-mock` signs with. **Unconfirmed**:
/// Cleeng's pages do not name it. Pass the header your deliveries carry to [`Verifier::new`].
pub const SIGNATURE_HEADER: &str = "x-cleeng-signature";

/// The shortest signing secret [`Verifier::new`] accepts, in bytes. Cleeng generates the
/// secrets of the Webhooks API; the older Core API subscriptions let the publisher choose one.
/// Anything shorter than 16 bytes is far too weak to stop forgery (and most often a
/// configuration mistake, such as a missing environment variable read as an empty string).
pub const MIN_SECRET_LEN: usize = 16;

/// Why a [`Verifier`] could not be built. None of the variants contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifierError {
    /// The secret is empty or only whitespace: every forgery would pass a check against it.
    #[error("the webhook signing secret is empty")]
    EmptySecret,
    /// The secret is shorter than [`MIN_SECRET_LEN`] bytes.
    #[error("the webhook signing secret is {len} bytes long, fewer than the {min} required")]
    SecretTooShort {
        /// Its length in bytes.
        len: usize,
        /// [`MIN_SECRET_LEN`].
        min: usize,
    },
    /// The header name is not a valid HTTP header name.
    #[error("`{header}` is not a valid HTTP header name")]
    InvalidHeaderName {
        /// The name as given.
        header: String,
    },
}

/// Why a delivery was refused. Each cause is its own variant so a handler can log it precisely;
/// none of them carries the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header is absent: the request is unsigned (or the header name is wrong).
    #[error("the signature header `{header}` is missing")]
    MissingSignature {
        /// The header that was looked for (lowercase).
        header: String,
    },
    /// The signature header is not hex or base64 of a 32-byte HMAC-SHA256.
    #[error("the signature header `{header}` is not a hex or base64 HMAC-SHA256 value")]
    MalformedSignature {
        /// The header that was read (lowercase).
        header: String,
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
            .field("header", &self.header.as_str())
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl Verifier {
    /// A verifier for the endpoint's signing secret (from create or rotate, or the one you
    /// chose for a Core API subscription), reading the signature from the header named
    /// `header` (case-insensitive; Cleeng does not publish its name, see the module docs).
    ///
    /// Refuses an empty secret and one shorter than [`MIN_SECRET_LEN`] bytes, so a missing
    /// configuration value cannot turn into a verifier that accepts forged deliveries, and a
    /// header name HTTP does not allow.
    pub fn new(secret: impl Into<Secret>, header: &str) -> Result<Verifier, VerifierError> {
        let secret = secret.into();
        let text = secret.expose();
        if text.trim().is_empty() {
            return Err(VerifierError::EmptySecret);
        }
        if text.len() < MIN_SECRET_LEN {
            return Err(VerifierError::SecretTooShort { len: text.len(), min: MIN_SECRET_LEN });
        }
        let header = HeaderName::from_bytes(header.trim().as_bytes())
            .map_err(|_| VerifierError::InvalidHeaderName { header: header.to_string() })?;
        Ok(Verifier { secret, header })
    }

    /// The header the signature is read from (lowercase).
    pub fn header(&self) -> &str {
        self.header.as_str()
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail.
        <Hmac<Sha256> as Mac>::new_from_slice(self.secret.expose().as_bytes())
            .expect("HMAC takes keys of any length")
    }

    /// Checks the signature of `body` (the raw bytes as received, before any JSON parsing) and
    /// decodes it. Checks, in order: header present, body not empty, signature well formed,
    /// signature matches (constant-time), body UTF-8, body a webhook envelope.
    ///
    /// A delivery that verified once verifies again: see [`crate::replay`] to de-duplicate.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        self.verify_value(headers.get(&self.header).map(HeaderValue::as_bytes), body)
    }

    /// Like [`Verifier::verify`], from the signature header's value (`None` when the request
    /// has no such header) and the raw body, for servers that do not use the `http` crate (or
    /// another major version of it).
    pub fn verify_value(&self, signature: Option<&[u8]>, body: &[u8]) -> Result<Event, WebhookError> {
        self.verify_signature_value(signature, body)?;
        Event::from_slice(body)
    }

    /// Only checks the signature (see [`Verifier::verify`] for the order of checks), without
    /// decoding the body.
    pub fn verify_signature(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        self.verify_signature_value(headers.get(&self.header).map(HeaderValue::as_bytes), body)
    }

    /// Only checks the signature, from the header's value and the raw body (see
    /// [`Verifier::verify_value`]).
    pub fn verify_signature_value(&self, signature: Option<&[u8]>, body: &[u8]) -> Result<(), WebhookError> {
        let value = signature.ok_or_else(|| WebhookError::MissingSignature {
            header: self.header.as_str().to_string(),
        })?;
        if body.is_empty() {
            return Err(WebhookError::EmptyBody);
        }
        let signature = decode_signature(value).ok_or_else(|| WebhookError::MalformedSignature {
            header: self.header.as_str().to_string(),
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

    /// Signs `body` and returns it as [`Bytes`](bytes::Bytes) with [`Verifier::signed_headers`], for tests
    /// that post a delivery to a running handler.
    pub fn signed_delivery(&self, body: impl Into<Bytes>) -> (HeaderMap, Bytes) {
        let body = body.into();
        (self.signed_headers(&body), body)
    }
}

/// Reads a signature header: optional `sha256=` prefix, then 64 hex digits or base64
/// (standard or URL-safe, padded or not) of exactly 32 bytes.
fn decode_signature(value: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(value).ok()?.trim();
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
