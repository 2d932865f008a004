//! Conditional requests (the Offer API's `ETag` / `If-Match` / `If-None-Match`) as typed outcomes.
//!
//! progenitor hands response headers over only as a raw `HeaderMap`, and Cleeng's conditional
//! statuses do not fit a plain `Result`: `304` and `204` carry no body (the generated code reports
//! them as an unexpected status), and `412` is an error status although it is an expected answer to
//! a write that lost a race. This module turns the result of any conditional call's
//! `call_with_response()` into [`Fetched`] (reads) or [`Written`] (writes), with the `ETag` as a
//! typed [`ETag`], so a caller matches on what happened instead of on status codes.

use std::fmt;

use cleeng_runtime::{ApiError, Error, Response};
use reqwest::header::HeaderMap;

/// The `X-Total-Count` response header (header names are case-insensitive).
const TOTAL_COUNT: &str = "x-total-count";

/// An opaque version of a resource, as Cleeng sent it in the `ETag` header.
///
/// Kept verbatim (quotes and `W/` prefix included) because `If-Match` must echo exactly what the
/// server sent; never build one from a resource's fields.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    /// Wraps a value you stored from an earlier response's `ETag` header.
    pub fn new(value: impl Into<String>) -> Self {
        ETag(value.into())
    }

    /// The header value exactly as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads the `ETag` header of a response, if it has a usable (visible ASCII) one.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let value = headers.get(reqwest::header::ETAG)?.to_str().ok()?.trim();
        (!value.is_empty()).then(|| ETag(value.to_string()))
    }
}

impl fmt::Debug for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ETag({})", self.0)
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lets an `ETag` go straight into a generated builder: `.if_match(&etag)`.
impl From<&ETag> for String {
    fn from(etag: &ETag) -> String {
        etag.0.clone()
    }
}

/// Lets an `ETag` go straight into a generated builder: `.if_match(etag)`.
impl From<ETag> for String {
    fn from(etag: ETag) -> String {
        etag.0
    }
}

/// Reads the `X-Total-Count` header (total matching items of a list call), if present and a
/// non-negative integer.
pub fn total_count_of(headers: &HeaderMap) -> Option<u64> {
    headers.get(TOTAL_COUNT)?.to_str().ok()?.trim().parse().ok()
}

/// A resource together with the version it was read (or written) at.
#[derive(Debug, Clone)]
pub struct Versioned<T> {
    /// The resource.
    pub value: T,
    /// Its version, if Cleeng sent one.
    pub etag: Option<ETag>,
}

impl<T> Versioned<T> {
    /// Takes the body and the `ETag` of a successful response.
    pub fn from_response(response: Response<T>) -> Self {
        let etag = ETag::from_headers(response.headers());
        Versioned {
            value: response.into_value(),
            etag,
        }
    }
}

/// What a conditional read (`If-None-Match`) found.
#[derive(Debug, Clone)]
#[must_use = "a conditional read may report that nothing changed"]
pub enum Fetched<T> {
    /// `200`: the resource changed since the given version (or no version was given).
    Modified(Versioned<T>),
    /// `304`: the copy you hold is still current; no body was sent.
    NotModified {
        /// The current version, if Cleeng repeated it.
        etag: Option<ETag>,
    },
}

/// What a conditional write (`If-Match`) did.
///
/// `PreconditionFailed` is an outcome, not an `Err`: losing a race is expected with optimistic
/// concurrency, and the caller must decide (re-read and retry, or give up). Because the new
/// resource is only reachable through `Updated`, a caller cannot overlook the conflict.
#[derive(Debug, Clone)]
#[must_use = "a conditional write may have been refused because the resource changed"]
pub enum Written<T> {
    /// `200`: the write was applied; the resource after it and its new version.
    Updated(Versioned<T>),
    /// `204` (the version matched but the write changed nothing), or a read-modify-write whose
    /// change function asked for no change; nothing was written.
    Unchanged {
        /// The version, if known.
        etag: Option<ETag>,
    },
    /// `412`: someone changed the resource after you read it; nothing was written.
    /// Read it again and redo your change. (Boxed: an `ApiError` is large and this is the rare arm.)
    PreconditionFailed(Box<ApiError>),
}

impl<T> Written<T> {
    /// `true` when the write was refused because the resource changed in between.
    pub fn is_precondition_failed(&self) -> bool {
        matches!(self, Written::PreconditionFailed(_))
    }
}

/// Interprets the result of a conditional read (any generated GET's `call_with_response()`, sent
/// with `If-None-Match`):
/// `200` is [`Fetched::Modified`], `304` is [`Fetched::NotModified`], anything else an [`Error`].
pub fn fetched<T, E>(result: Result<Response<T>, E>) -> Result<Fetched<T>, Error>
where
    Error: From<E>,
{
    match result {
        Ok(response) => Ok(Fetched::Modified(Versioned::from_response(response))),
        Err(e) => match Error::from(e) {
            Error::UnexpectedStatus { status: 304, headers, .. } => Ok(Fetched::NotModified {
                etag: ETag::from_headers(&headers),
            }),
            other => Err(other),
        },
    }
}

/// Interprets the result of a conditional write (any generated `call_with_response()` sent with
/// `If-Match`):
/// `200` is [`Written::Updated`], `204` is [`Written::Unchanged`], `412` is
/// [`Written::PreconditionFailed`], anything else an [`Error`].
pub fn written<T, E>(result: Result<Response<T>, E>) -> Result<Written<T>, Error>
where
    Error: From<E>,
{
    match result {
        Ok(response) => Ok(Written::Updated(Versioned::from_response(response))),
        Err(e) => match Error::from(e) {
            Error::UnexpectedStatus { status: 204, headers, .. } => Ok(Written::Unchanged {
                etag: ETag::from_headers(&headers),
            }),
            Error::Api(api) if api.status == 412 => Ok(Written::PreconditionFailed(api)),
            other => Err(other),
        },
    }
}

/// An [`Error::Decode`] for a success response that is not what the spec promises (built through
/// the runtime's own conversion, so it carries whatever context the runtime adds).
pub(crate) fn decode_error(message: String, body: bytes::Bytes) -> Error {
    let cause = <serde_json::Error as serde::de::Error>::custom(message);
    Error::from(cleeng_runtime::progenitor_client::Error::<()>::InvalidResponsePayload(body, cause))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_headers_leniently() {
        let mut headers = HeaderMap::new();
        assert_eq!(ETag::from_headers(&headers), None);
        assert_eq!(total_count_of(&headers), None);
        headers.insert("etag", HeaderValue::from_static("W/\"7\""));
        headers.insert("X-Total-Count", HeaderValue::from_static(" 42 "));
        assert_eq!(ETag::from_headers(&headers).unwrap().as_str(), "W/\"7\"");
        assert_eq!(total_count_of(&headers), Some(42));
        headers.insert("x-total-count", HeaderValue::from_static("-1"));
        assert_eq!(total_count_of(&headers), None);
        headers.insert("etag", HeaderValue::from_static(""));
        assert_eq!(ETag::from_headers(&headers), None);
    }

    #[test]
    fn etag_converts_into_a_header_string() {
        let etag = ETag::new("\"3\"");
        let s: String = (&etag).into();
        assert_eq!(s, "\"3\"");
        assert_eq!(format!("{etag:?}"), "ETag(\"3\")");
    }
}
