//! The one error type every family client returns.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use crate::context::{CarriedError, FAILURE_STATUS};
use crate::operation::AuthScheme;

/// Everything that can go wrong calling Cleeng. Match on the variant; every variant keeps what
/// arrived (status, headers, body bytes), so nothing is lost when a response was not what we
/// expected. `operation` fields name the spec's operationId when the error came through a
/// generated `call()` (they are `None` after a bare `send()`).
///
/// `Debug` and `Display` never print a secret: bodies appear as a redacted preview and a length
/// (see [`crate::redact`]), sensitive headers lose their values, and URLs are left out of
/// transport errors (the operation is named instead). The raw body of a `Decode` or API error
/// stays reachable through [`Error::raw_body`].
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operation needs a credential this client does not hold.
    #[error("{operation} needs {} but the client has none", describe(accepted))]
    MissingCredential {
        /// operationId.
        operation: String,
        /// The credentials the operation accepts.
        accepted: Vec<AuthScheme>,
    },
    /// The client is misconfigured (bad base URL, a token that is not a valid header value...).
    #[error("configuration error: {0}")]
    Config(String),
    /// The request could not be built from the given arguments and was not sent: a missing
    /// required value, or a value a setter refused. `message` names the parameter and the rule
    /// it broke (e.g. "parameter `offer_id`: doesn't match pattern ...").
    #[error("{}invalid request: {}", prefix(operation), message)]
    InvalidRequest {
        /// operationId, once the request was being built for one.
        operation: Option<String>,
        /// What was wrong: the parameter and the rule.
        message: String,
    },
    /// The customer's session cannot be used any more (refresh rejected, token expired):
    /// the customer must log in again.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// No HTTP response arrived (DNS, connect, TLS, connection reset) for a request that is safe
    /// to repeat, or that was never sent.
    #[error("{}transport error: {}", prefix(operation), source_text(source))]
    Transport {
        /// operationId, when known.
        operation: Option<String>,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// An attempt took longer than the configured timeout (and retries, if allowed, did too).
    #[error("{}timed out: {}", prefix(operation), source_text(source))]
    Timeout {
        /// operationId, when known.
        operation: Option<String>,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A request that is not safe to repeat (it may create an order, a payment, a subscription)
    /// failed after it may have reached Cleeng: the connection broke or timed out while sending
    /// it, while waiting for the answer, or while reading the answer's body (even after a `200`
    /// status line), or the body was over the size limit. Cleeng may or may not have acted on
    /// it. It was not re-sent and must not be re-sent blindly: check its effect (e.g. list the
    /// customer's orders) before trying again.
    #[error("{operation}: outcome unknown, the request may have taken effect: {source}")]
    UnknownOutcome {
        /// operationId.
        operation: String,
        /// What went wrong ([`Error::Transport`], [`Error::Timeout`] or
        /// [`Error::ResponseTooLarge`]).
        #[source]
        source: Box<Error>,
    },
    /// The response body was larger than the client's limit
    /// (`ClientConfig::max_response_bytes`, 16 MiB by default): refused from its
    /// `Content-Length` before reading, or cut off while streaming. Never retried.
    #[error("{}response too large: {} over the limit of {limit} bytes", prefix(operation), announced(content_length))]
    ResponseTooLarge {
        /// operationId, when known.
        operation: Option<String>,
        /// The response status.
        status: u16,
        /// The limit in force.
        limit: u64,
        /// The `Content-Length` the server announced, if it did.
        content_length: Option<u64>,
    },
    /// The server answered with a redirect (or your own HTTP client followed one). Cleeng's
    /// APIs document none, and following one could carry the publisher token or a payment body
    /// to another host, so redirects are never followed and the response is refused. When
    /// `followed` is `true`, the `reqwest::Client` you supplied followed it before the runtime
    /// saw the answer: the request may already have been sent to `location`.
    #[error("{operation}: refused a {status} redirect{}{}", location_text(location), followed_text(*followed))]
    Redirect {
        /// operationId.
        operation: String,
        /// The redirect status (or the final status, when `followed`).
        status: u16,
        /// The `Location` (or final URL) as received. It may hold secrets; `Display` and
        /// `Debug` print a redacted form.
        location: Option<String>,
        /// Your HTTP client followed the redirect before the runtime could refuse it.
        followed: bool,
    },
    /// Cleeng throttled the client (429) and retries, if allowed, did not get through.
    #[error("rate limited: {error}")]
    RateLimited {
        /// What `Retry-After` asked for, if it was sent.
        retry_after: Option<Duration>,
        /// The 429 response.
        error: Box<ApiError>,
    },
    /// Cleeng or a proxy in front of it was unavailable (502, 503, 504) and retries, if allowed,
    /// did not help.
    #[error("service unavailable: {0}")]
    Unavailable(Box<ApiError>),
    /// Cleeng answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// A success response whose body does not match the documented shape.
    #[error("{}cannot decode the response{}: {}", prefix(operation), at(path), crate::redact::message(message))]
    Decode {
        /// operationId, when known.
        operation: Option<String>,
        /// JSON path of the value that failed (e.g. `data[3].status`), when known.
        path: Option<String>,
        /// What the decoder said. It may quote a value of the body; `Display` and `Debug` hide
        /// quoted values.
        message: String,
        /// The body exactly as received. It may hold secrets (a login answer carries the
        /// customer's JWT and refresh token): never log it; `Display` and `Debug` print a
        /// redacted preview.
        body: Bytes,
    },
    /// A status the spec does not document for this operation (e.g. `304`, `204`).
    #[error("{}unexpected HTTP status {status}", prefix(operation))]
    UnexpectedStatus {
        /// operationId, when known.
        operation: Option<String>,
        /// The status.
        status: u16,
        /// Response headers (e.g. `ETag`).
        headers: Box<http::HeaderMap>,
    },
    /// A customer session (a [`BearerSource`](crate::BearerSource) that refreshes its token)
    /// could not supply a usable token. Every caller that waited for the same refresh gets the
    /// same [`SessionError`].
    #[error("customer session: {0}")]
    Session(#[source] SessionError),
}

/// Why a customer session had no usable token. Cheap to clone: one refresh's outcome is handed
/// to every caller that waited for it, and a failure is kept for the back-off window.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The token refresh failed in a way a later attempt may get past (transport failure,
    /// timeout, 5xx, 429); the error is the refresh call's own. No new attempt is made until
    /// the session's back-off window has passed: calls in between get this same error.
    #[error("the token refresh failed: {0}")]
    RefreshFailed(Arc<Error>),
    /// The refresh succeeded but returned a JWT that expires too soon to be used (already
    /// expired, or within the clock-skew allowance plus the minimum validity). The rotated
    /// tokens were kept; refreshing again at once would only loop, so the session waits for its
    /// back-off window.
    #[error("the refreshed JWT expires in {expires_in} s, less than the {required:?} required (clock skew plus minimum validity)")]
    ShortLived {
        /// Seconds from the moment it arrived to its `exp` (negative: already expired).
        expires_in: i64,
        /// Clock-skew allowance plus minimum validity.
        required: Duration,
    },
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingCredential { operation, accepted } => f
                .debug_struct("MissingCredential")
                .field("operation", operation)
                .field("accepted", accepted)
                .finish(),
            Error::Config(m) => f.debug_tuple("Config").field(&crate::redact::text(m)).finish(),
            Error::InvalidRequest { operation, message } => f
                .debug_struct("InvalidRequest")
                .field("operation", operation)
                .field("message", &crate::redact::text(message))
                .finish(),
            Error::Auth(m) => f.debug_tuple("Auth").field(&crate::redact::text(m)).finish(),
            Error::Transport { operation, source } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("source", &source_text(source))
                .finish(),
            Error::Timeout { operation, source } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("source", &source_text(source))
                .finish(),
            Error::UnknownOutcome { operation, source } => f
                .debug_struct("UnknownOutcome")
                .field("operation", operation)
                .field("source", source)
                .finish(),
            Error::ResponseTooLarge { operation, status, limit, content_length } => f
                .debug_struct("ResponseTooLarge")
                .field("operation", operation)
                .field("status", status)
                .field("limit", limit)
                .field("content_length", content_length)
                .finish(),
            Error::Redirect { operation, status, location, followed } => f
                .debug_struct("Redirect")
                .field("operation", operation)
                .field("status", status)
                .field("location", &location.as_deref().map(crate::redact::url))
                .field("followed", followed)
                .finish(),
            Error::RateLimited { retry_after, error } => f
                .debug_struct("RateLimited")
                .field("retry_after", retry_after)
                .field("error", error)
                .finish(),
            Error::Unavailable(error) => f.debug_tuple("Unavailable").field(error).finish(),
            Error::Api(error) => f.debug_tuple("Api").field(error).finish(),
            Error::Decode { operation, path, message, body } => f
                .debug_struct("Decode")
                .field("operation", operation)
                .field("path", path)
                .field("message", &crate::redact::message(message))
                .field("body", &crate::redact::body(body))
                .finish(),
            Error::UnexpectedStatus { operation, status, headers } => f
                .debug_struct("UnexpectedStatus")
                .field("operation", operation)
                .field("status", status)
                .field("headers", &crate::redact::Headers(headers))
                .finish(),
            // SessionError's Debug prints its inner `Error` through this same impl.
            Error::Session(error) => f.debug_tuple("Session").field(error).finish(),
        }
    }
}

/// A transport error as text, with any URL it still carries redacted.
fn source_text(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), &crate::redact::url(url.as_str()));
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&crate::redact::text(&inner.to_string()));
        source = inner.source();
    }
    text
}

fn prefix(operation: &Option<String>) -> String {
    operation.as_ref().map(|o| format!("{o}: ")).unwrap_or_default()
}

fn announced(content_length: &Option<u64>) -> String {
    match content_length {
        Some(length) => format!("Content-Length {length}"),
        None => "the streamed body went".to_string(),
    }
}

fn location_text(location: &Option<String>) -> String {
    location
        .as_deref()
        .map(|l| format!(" to {}", crate::redact::url(l)))
        .unwrap_or_default()
}

fn followed_text(followed: bool) -> &'static str {
    if followed {
        " that the HTTP client already followed (the request may have been sent there)"
    } else {
        " (redirects are never followed)"
    }
}

fn at(path: &Option<String>) -> String {
    path.as_ref().map(|p| format!(" at `{p}`")).unwrap_or_default()
}

impl Error {
    /// A decode error for a response that breaks the spec in a way serde cannot see (a missing
    /// header, an envelope that says `success: false` with a 200), keeping the body.
    pub fn decode(operation: &str, message: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Error::Decode {
            operation: Some(operation.to_string()),
            path: None,
            message: message.into(),
            body: body.into(),
        }
    }

    /// The operationId this error belongs to, when known.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Error::MissingCredential { operation, .. }
            | Error::UnknownOutcome { operation, .. }
            | Error::Redirect { operation, .. } => Some(operation),
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::UnexpectedStatus { operation, .. } => operation.as_deref(),
            Error::RateLimited { error, .. } | Error::Unavailable(error) | Error::Api(error) => {
                error.operation.as_deref()
            }
            Error::Session(SessionError::RefreshFailed(error)) => error.operation(),
            Error::Config(_) | Error::InvalidRequest { .. } | Error::Auth(_) | Error::Session(_) => None,
        }
    }

    /// Records the operation on an error that does not name one yet.
    pub fn with_operation(mut self, id: &str) -> Self {
        match &mut self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::UnexpectedStatus { operation, .. }
            | Error::InvalidRequest { operation, .. } => {
                operation.get_or_insert_with(|| id.to_string());
            }
            Error::RateLimited { error, .. } | Error::Unavailable(error) | Error::Api(error) => {
                error.operation.get_or_insert_with(|| id.to_string());
            }
            _ => {}
        }
        self
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::RateLimited { error, .. } | Error::Unavailable(error) | Error::Api(error) => {
                Some(error.status)
            }
            Error::UnexpectedStatus { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::Session(SessionError::RefreshFailed(error)) => error.status(),
            _ => None,
        }
    }

    /// The response body exactly as received, for a `Decode` error or an error response.
    ///
    /// It may hold secrets (a login answer carries the customer's JWT and refresh token, an
    /// error may echo a password): never log it. `Debug` and `Display` print a redacted preview
    /// instead (see [`crate::redact::body`]).
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Error::Decode { body, .. } => Some(body),
            Error::RateLimited { error, .. } | Error::Unavailable(error) | Error::Api(error) => {
                Some(&error.body)
            }
            Error::UnknownOutcome { source, .. } => source.raw_body(),
            Error::Session(SessionError::RefreshFailed(error)) => error.raw_body(),
            _ => None,
        }
    }

    /// `true` when the request may have taken effect at Cleeng and must not be sent again
    /// without checking first: [`Error::UnknownOutcome`].
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Error::UnknownOutcome { .. })
    }

    /// The Cleeng error details, for any error that came with an error response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::RateLimited { error, .. } | Error::Unavailable(error) | Error::Api(error) => Some(error),
            Error::Session(SessionError::RefreshFailed(error)) => error.api_error(),
            _ => None,
        }
    }
}

fn describe(accepted: &[AuthScheme]) -> String {
    accepted
        .iter()
        .map(|a| match a {
            AuthScheme::PublisherToken => "a publisher token",
            AuthScheme::CustomerJwt => "a customer JWT",
            AuthScheme::IntegrationSecret => "an Integration Hub secret",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// An error response from Cleeng, read from whichever body shape it came in:
/// `{"message": ...}`, `{"success": false, "message": ...}`, MediaStore's
/// `{"responseData": ..., "errors": [...]}`, or something that is not JSON at all (an HTML page
/// from a proxy), which is kept as raw bytes.
///
/// `Debug` prints the headers with sensitive values hidden and the body as a redacted preview;
/// `headers` and `body` themselves are as received and may hold secrets.
#[derive(Clone)]
pub struct ApiError {
    /// operationId, when known.
    pub operation: Option<String>,
    /// HTTP status.
    pub status: u16,
    /// The human-readable message, if the body had one.
    pub message: Option<String>,
    /// A machine code (`USER0002`, `PINP0301`...), if the body had one.
    pub code: Option<String>,
    /// The `errors` list, if the body had one.
    pub errors: Vec<String>,
    /// Response headers (e.g. `Retry-After`), as received: `Set-Cookie` and the like may be
    /// among them.
    pub headers: http::HeaderMap,
    /// The body exactly as received. It may hold secrets (an echoed password, a token): never
    /// log it.
    pub body: Bytes,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("message", &self.message.as_deref().map(crate::redact::text))
            .field("code", &self.code)
            .field("errors", &self.errors.iter().map(|e| crate::redact::text(e)).collect::<Vec<_>>())
            .field("headers", &crate::redact::Headers(&self.headers))
            .field("body", &crate::redact::body(&self.body))
            .finish()
    }
}

impl ApiError {
    /// Reads an error response.
    pub fn from_parts(status: u16, headers: http::HeaderMap, body: Bytes) -> Self {
        let mut error = ApiError {
            operation: None,
            status,
            message: None,
            code: None,
            errors: Vec::new(),
            headers,
            body,
        };
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(&error.body) {
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            error.message = ["message", "error", "errorMessage"]
                .iter()
                .find_map(|k| map.get(*k).and_then(text));
            error.code = ["code", "errorCode"].iter().find_map(|k| map.get(*k).and_then(text));
            if let Some(serde_json::Value::Array(items)) = map.get("errors") {
                error.errors = items
                    .iter()
                    .filter_map(|item| {
                        text(item).or_else(|| item.get("message").and_then(text))
                    })
                    .collect();
                if error.code.is_none() {
                    error.code = items.iter().find_map(|i| i.get("code").and_then(text));
                }
            }
            if error.message.is_none() && !error.errors.is_empty() {
                error.message = Some(error.errors.join("; "));
            }
        }
        error
    }

    /// The body as text (lossy), e.g. to log an HTML error page.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = &self.operation {
            write!(f, "{op}: ")?;
        }
        write!(f, "Cleeng answered {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        match &self.message {
            Some(m) => write!(f, ": {}", crate::redact::text(m)),
            None if self.body.is_empty() => Ok(()),
            None => write!(f, " with a body that is not a Cleeng error ({} bytes)", self.body.len()),
        }
    }
}

impl std::error::Error for ApiError {}

/// Reads a byte stream that the runtime already buffered (see `Context::execute`) without
/// `.await`: its chunks are in memory, so every poll is ready at once. Returns what was
/// readable if a chunk would have to wait, so this never blocks.
fn drain_buffered(stream: progenitor_client::ByteStream) -> Bytes {
    use std::task::{Context, Poll, Waker};
    let mut inner = stream.into_inner();
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    while let Poll::Ready(Some(Ok(chunk))) = inner.as_mut().poll_next(&mut cx) {
        out.extend_from_slice(&chunk);
    }
    Bytes::from(out)
}

impl<E> From<progenitor_client::Error<E>> for Error
where
    E: IntoErrorBody,
{
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(m) => Error::InvalidRequest { operation: None, message: m },
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
                // The URL may carry a gift or device code: the operation names the call instead.
                let e = e.without_url();
                if e.is_timeout() {
                    Error::Timeout { operation: None, source: e }
                } else {
                    Error::Transport { operation: None, source: e }
                }
            }
            P::ErrorResponse(rv) => {
                let status = rv.status().as_u16();
                let headers = rv.headers().clone();
                ApiError::from_parts(status, headers, rv.into_inner().into_error_body()).into()
            }
            P::InvalidResponsePayload(body, e) => Error::Decode {
                operation: None,
                path: None,
                message: e.to_string(),
                body,
            },
            P::UnexpectedResponse(response) => {
                if response.status().as_u16() == FAILURE_STATUS {
                    if let Some(carried) = response.extensions().get::<CarriedError>() {
                        if let Some(e) = carried.0.lock().ok().and_then(|mut slot| slot.take()) {
                            return e;
                        }
                    }
                }
                Error::UnexpectedStatus {
                    operation: None,
                    status: response.status().as_u16(),
                    headers: Box::new(response.headers().clone()),
                }
            }
            P::Custom(m) => Error::Config(m),
        }
    }
}

impl From<ApiError> for Error {
    /// Sorts an error response: 429 → [`Error::RateLimited`], 502/503/504 →
    /// [`Error::Unavailable`], anything else → [`Error::Api`].
    fn from(e: ApiError) -> Self {
        match e.status {
            429 => Error::RateLimited {
                // Capped by `parse_retry_after` (MAX_RETRY_AFTER), so adding it to an
                // `Instant` cannot overflow.
                retry_after: e
                    .headers
                    .get(http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| crate::retry::parse_retry_after(v, SystemTime::now())),
                error: Box::new(e),
            },
            502..=504 => Error::Unavailable(Box::new(e)),
            _ => Error::Api(Box::new(e)),
        }
    }
}

/// Error payloads progenitor can hand back: raw bytes (what our normalized specs produce), or a
/// typed value that is serialized back to JSON.
pub trait IntoErrorBody {
    /// The body as bytes.
    fn into_error_body(self) -> Bytes;
}

impl IntoErrorBody for progenitor_client::ByteStream {
    fn into_error_body(self) -> Bytes {
        drain_buffered(self)
    }
}

impl IntoErrorBody for () {
    fn into_error_body(self) -> Bytes {
        Bytes::new()
    }
}

impl IntoErrorBody for serde_json::Value {
    fn into_error_body(self) -> Bytes {
        Bytes::from(serde_json::to_vec(&self).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> ApiError {
        ApiError::from_parts(status, http::HeaderMap::new(), Bytes::from(body.to_string()))
    }

    #[test]
    fn reads_every_documented_error_shape() {
        let e = parse(404, r#"{"message":"Subscription with id: 1 not found"}"#);
        assert_eq!(e.message.as_deref(), Some("Subscription with id: 1 not found"));
        let e = parse(422, r#"{"success":false,"data":null,"message":"User has an active subscription"}"#);
        assert_eq!(e.message.as_deref(), Some("User has an active subscription"));
        let e = parse(401, r#"{"responseData":{},"errors":["Invalid credentials"],"code":"AUTH0001"}"#);
        assert_eq!(e.errors, vec!["Invalid credentials".to_string()]);
        assert_eq!(e.code.as_deref(), Some("AUTH0001"));
        assert_eq!(e.message.as_deref(), Some("Invalid credentials"));
        assert_eq!(e.to_string(), "Cleeng answered 401 [AUTH0001]: Invalid credentials");
    }

    #[test]
    fn keeps_a_body_that_is_not_json() {
        let e = parse(502, "<html><body>Bad Gateway</body></html>");
        assert_eq!(e.message, None);
        assert_eq!(e.body_text(), "<html><body>Bad Gateway</body></html>");
        assert!(e.to_string().contains("502"));
    }

    #[test]
    fn errors_stay_small_enough_to_return_by_value() {
        // clippy's `result_large_err` threshold is 128 bytes; large payloads are boxed.
        assert!(std::mem::size_of::<Error>() < 128, "{}", std::mem::size_of::<Error>());
    }

    #[test]
    fn missing_credential_names_what_is_accepted() {
        assert!(matches!(Error::from(parse(429, "")), Error::RateLimited { .. }));
        assert!(matches!(Error::from(parse(503, "")), Error::Unavailable(_)));
        assert!(matches!(Error::from(parse(404, "")), Error::Api(_)));
        let e = Error::MissingCredential {
            operation: "getSubscription".into(),
            accepted: vec![AuthScheme::PublisherToken, AuthScheme::CustomerJwt],
        };
        assert_eq!(
            e.to_string(),
            "getSubscription needs a publisher token or a customer JWT but the client has none"
        );
    }
}
