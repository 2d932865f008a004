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
#[derive(Debug, thiserror::Error)]
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
    /// The request could not be built from the given arguments (e.g. a missing required field).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The customer's session cannot be used any more (refresh rejected, token expired):
    /// the customer must log in again.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// No HTTP response arrived (DNS, connect, TLS, connection reset) for a request that is safe
    /// to repeat, or that was never sent.
    #[error("{}transport error: {source}", prefix(operation))]
    Transport {
        /// operationId, when known.
        operation: Option<String>,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// An attempt took longer than the configured timeout (and retries, if allowed, did too).
    #[error("{}timed out: {source}", prefix(operation))]
    Timeout {
        /// operationId, when known.
        operation: Option<String>,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A request that is not safe to repeat (it may create an order, a payment, a subscription)
    /// failed after it was sent: Cleeng may or may not have acted on it. It was not re-sent;
    /// check its effect (e.g. list the customer's orders) before trying again.
    #[error("{operation}: outcome unknown, the request may have taken effect: {source}")]
    UnknownOutcome {
        /// operationId.
        operation: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
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
    #[error("{}cannot decode the response{}: {message}", prefix(operation), at(path))]
    Decode {
        /// operationId, when known.
        operation: Option<String>,
        /// JSON path of the value that failed (e.g. `data[3].status`), when known.
        path: Option<String>,
        /// What the decoder said.
        message: String,
        /// The body exactly as received.
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

fn prefix(operation: &Option<String>) -> String {
    operation.as_ref().map(|o| format!("{o}: ")).unwrap_or_default()
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
            Error::MissingCredential { operation, .. } | Error::UnknownOutcome { operation, .. } => {
                Some(operation)
            }
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. }
            | Error::UnexpectedStatus { operation, .. } => operation.as_deref(),
            Error::RateLimited { error, .. } | Error::Unavailable(error) | Error::Api(error) => {
                error.operation.as_deref()
            }
            Error::Session(SessionError::RefreshFailed(error)) => error.operation(),
            Error::Config(_) | Error::InvalidRequest(_) | Error::Auth(_) | Error::Session(_) => None,
        }
    }

    /// Records the operation on an error that does not name one yet.
    pub fn with_operation(mut self, id: &str) -> Self {
        match &mut self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. }
            | Error::UnexpectedStatus { operation, .. } => {
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
            Error::UnexpectedStatus { status, .. } => Some(*status),
            Error::Session(SessionError::RefreshFailed(error)) => error.status(),
            _ => None,
        }
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
#[derive(Debug, Clone)]
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
    /// Response headers (e.g. `Retry-After`).
    pub headers: http::HeaderMap,
    /// The body exactly as received.
    pub body: Bytes,
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
            Some(m) => write!(f, ": {m}"),
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
            P::InvalidRequest(m) => Error::InvalidRequest(m),
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
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
