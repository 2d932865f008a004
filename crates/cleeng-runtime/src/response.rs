//! A decoded body together with the status and headers it arrived with.
//!
//! Most calls only need the body, so a generated builder's `call()` returns just that. The few
//! that need response metadata (an `ETag` for a later `If-Match`, the `X-Total-Count` of a list,
//! the request id to quote to Cleeng's support) use `call_with_response()`, which returns this.

use http::{HeaderMap, StatusCode};

/// Headers that carry a per-request id, in the order they are looked up.
const REQUEST_ID_HEADERS: [&str; 4] = ["x-request-id", "x-correlation-id", "correlation-id", "x-amzn-requestid"];

/// A decoded response body with its HTTP status and headers (from `call_with_response()`).
///
/// ```
/// # use cleeng_runtime::Response;
/// let mut headers = http::HeaderMap::new();
/// headers.insert("etag", "\"v2\"".parse().unwrap());
/// headers.insert("x-total-count", "42".parse().unwrap());
/// let response = Response::new(http::StatusCode::OK, headers, vec![1, 2, 3]);
/// assert_eq!(response.etag(), Some("\"v2\""));
/// assert_eq!(response.total_count(), Some(42));
/// assert_eq!(response.into_value(), vec![1, 2, 3]);
/// ```
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    value: T,
}

impl<T> Response<T> {
    /// A response from its parts (the generated code builds it; tests and mocks may too).
    pub fn new(status: StatusCode, headers: HeaderMap, value: T) -> Self {
        Response { status, headers, value }
    }

    /// The HTTP status (a success status: error statuses arrive as `Error`).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded body, dropping status and headers.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The `ETag` header exactly as sent (quotes and `W/` included), for a later `If-Match`
    /// or `If-None-Match`.
    pub fn etag(&self) -> Option<&str> {
        self.header(http::header::ETAG.as_str())
    }

    /// The `X-Total-Count` header of a list call: how many items match in all pages.
    pub fn total_count(&self) -> Option<u64> {
        self.header("x-total-count").and_then(|v| v.trim().parse().ok())
    }

    /// The id Cleeng (or its gateway) gave this request, to quote when asking for support:
    /// the first of `X-Request-Id`, `X-Correlation-Id`, `Correlation-Id`, `X-Amzn-RequestId`.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS.iter().find_map(|name| self.header(name))
    }

    /// Applies `f` to the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, value: f(self.value) }
    }

    /// Status, headers and body, taken apart.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.value)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl<T> From<progenitor_client::ResponseValue<T>> for Response<T> {
    fn from(value: progenitor_client::ResponseValue<T>) -> Self {
        let status = value.status();
        let headers = value.headers().clone();
        Response::new(status, headers, value.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_metadata_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("X-Correlation-Id", "abc-1".parse().expect("header"));
        headers.insert("x-total-count", " 7 ".parse().expect("header"));
        let r = Response::new(StatusCode::ACCEPTED, headers, "body");
        assert_eq!(r.request_id(), Some("abc-1"));
        assert_eq!(r.total_count(), Some(7));
        assert_eq!(r.etag(), None);
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let r = r.map(str::len);
        assert_eq!(*r.value(), 4);
    }

    #[test]
    fn a_count_that_is_not_a_number_is_none() {
        let mut headers = HeaderMap::new();
        headers.insert("x-total-count", "many".parse().expect("header"));
        assert_eq!(Response::new(StatusCode::OK, headers, ()).total_count(), None);
    }
}
