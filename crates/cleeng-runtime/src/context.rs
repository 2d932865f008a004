//! The per-client context every generated request goes through (progenitor's `ClientHooks::exec`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tracing::Instrument;

use crate::credentials::{Credentials, CustomerJwt};
use crate::environment::Environment;
use crate::error::Error;
use crate::operation::{find, AuthScheme, OperationMeta};
use crate::retry::{is_retryable_status, parse_retry_after, RetryPolicy};

const PUBLISHER_TOKEN_HEADER: &str = "x-publisher-token";

/// Status of the synthetic response that carries a runtime failure back through progenitor.
/// 399 is outside every status the specs document and outside the `4XX`/`5XX` catch-alls, so
/// progenitor hands it over untouched as `Error::UnexpectedResponse`, and `Error::from` turns it
/// back into the typed error stored in its extensions.
pub(crate) const FAILURE_STATUS: u16 = 399;

/// The typed error riding in a synthetic response's extensions.
#[derive(Clone)]
pub(crate) struct CarriedError(pub(crate) Arc<Mutex<Option<Error>>>);

/// State shared by every request of one client: where it sends, which credentials it holds, and
/// the operation table of its family.
#[derive(Debug, Clone)]
pub struct Context {
    environment: Environment,
    base_url: String,
    credentials: Credentials,
    /// The publisher token as a ready header value (validated once, marked sensitive).
    publisher_header: Option<http::HeaderValue>,
    operations: &'static [OperationMeta],
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
}

impl Context {
    /// A context for a family whose operations are `operations` (its generated `OPERATIONS`).
    pub fn new(
        environment: Environment,
        base_url: String,
        credentials: Credentials,
        operations: &'static [OperationMeta],
    ) -> Self {
        let publisher_header = credentials.publisher.as_ref().and_then(|token| {
            let mut value = http::HeaderValue::from_str(token.expose()).ok()?;
            value.set_sensitive(true);
            Some(value)
        });
        Context {
            environment,
            base_url,
            credentials,
            publisher_header,
            operations,
            retry: RetryPolicy::default(),
            attempt_timeout: Some(crate::config::DEFAULT_TIMEOUT),
        }
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the time allowed for each attempt (`None`: no per-attempt limit).
    pub fn with_attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The family's resolved base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The environment requests go to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The credentials requests use.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The facts of one operation, by Rust method name or operationId.
    pub fn operation(&self, id: &str) -> Option<&'static OperationMeta> {
        find(self.operations, id)
    }

    /// Sends one request for operation `operation_id`: moves the request to the operation's own host if it has one, attaches the credential
    /// the operation accepts, then sends it under the retry policy (see [`RetryPolicy`] for
    /// what is retried), inside a `cleeng.call` tracing span, and buffers error bodies so that
    /// [`Error::from`] can read them without `.await`.
    ///
    /// Failures of the runtime itself (a missing credential, a failed token refresh, a request
    /// whose outcome is unknown) come back as a synthetic response that `Error::from` turns into
    /// the typed error; other transport errors come back as they are.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        let Some(op) = self.operation(operation_id) else {
            return Ok(failure_response(Error::Config(format!(
                "operation {operation_id} is not in this client's operation table"
            ))));
        };
        if let Err(e) = self.route(&mut request, op) {
            return Ok(failure_response(e));
        }
        let sent_jwt = match self.authorize(&mut request, op).await {
            Ok(jwt) => jwt,
            Err(e) => return Ok(failure_response(e)),
        };
        if let Some(timeout) = self.attempt_timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let span = tracing::info_span!(
            "cleeng.call",
            operation = op.id,
            method = op.method,
            path = op.path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.send_with_retries(http, request, op, sent_jwt)
            .instrument(span)
            .await
    }

    async fn send_with_retries(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        op: &OperationMeta,
        mut sent_jwt: Option<CustomerJwt>,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let span = tracing::Span::current();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let spare = request.try_clone();
            let result = http.execute(request).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let traced = !span.is_disabled();
            if traced {
                span.record("attempts", attempt);
                span.record("elapsed_ms", elapsed_ms);
            }
            let may_retry = attempt < self.retry.max_attempts && spare.is_some();
            match result {
                Ok(response) => {
                    let status = response.status().as_u16();
                    if traced {
                        span.record("status", status);
                    }
                    tracing::debug!(attempt, status, elapsed_ms, "cleeng response");
                    // A 401 to the customer's JWT: ask its source for a new one and send once
                    // more (at most once per call; a 401 means the request did nothing).
                    if status == 401 {
                        if let (Some(jwt), Some(copy)) = (sent_jwt.take(), spare.as_ref()) {
                            if let Some(renewed) = self.renewed_request(copy, jwt).await {
                                drop(response);
                                tracing::debug!(attempt, "customer JWT renewed after 401, sending again");
                                request = renewed;
                                attempt -= 1;
                                continue;
                            }
                        }
                    }
                    if op.idempotent && may_retry && is_retryable_status(status) {
                        let retry_after = response
                            .headers()
                            .get(http::header::RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| parse_retry_after(v, SystemTime::now()));
                        if let Some(wait) = self.wait_within_deadline(started, attempt, retry_after) {
                            drop(response);
                            tracing::debug!(attempt, status, wait_ms = wait.as_millis() as u64, "retrying");
                            tokio::time::sleep(wait).await;
                            request = spare.expect("checked by may_retry");
                            continue;
                        }
                    }
                    return buffer_error_body(response).await;
                }
                Err(error) => {
                    // A connection that never opened sent nothing: safe to retry for any method.
                    let never_sent = error.is_connect();
                    tracing::debug!(
                        attempt,
                        elapsed_ms,
                        timeout = error.is_timeout(),
                        connect = never_sent,
                        "cleeng transport error"
                    );
                    if (op.idempotent || never_sent) && may_retry {
                        if let Some(wait) = self.wait_within_deadline(started, attempt, None) {
                            tokio::time::sleep(wait).await;
                            request = spare.expect("checked by may_retry");
                            continue;
                        }
                    }
                    if !op.idempotent && !never_sent {
                        return Ok(failure_response(Error::UnknownOutcome {
                            operation: op.id.to_string(),
                            source: error,
                        }));
                    }
                    return Err(error);
                }
            }
        }
    }

    /// A copy of `request` carrying a renewed customer JWT, if the bearer source could renew
    /// the `rejected` one.
    async fn renewed_request(
        &self,
        request: &reqwest::Request,
        rejected: CustomerJwt,
    ) -> Option<reqwest::Request> {
        let source = self.credentials.customer.as_ref()?;
        if !source.renew(rejected).await {
            return None;
        }
        let jwt = source.bearer().await.ok()?;
        let mut value = http::HeaderValue::from_str(&format!("Bearer {}", jwt.expose())).ok()?;
        value.set_sensitive(true);
        let mut copy = request.try_clone()?;
        copy.headers_mut().insert(http::header::AUTHORIZATION, value);
        Some(copy)
    }

    /// The wait before the next attempt, or `None` when it would end past the deadline.
    fn wait_within_deadline(
        &self,
        started: Instant,
        attempt: u32,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let wait = self.retry.backoff(attempt, retry_after);
        (started.elapsed() + wait < self.retry.deadline).then_some(wait)
    }

    /// Rewrites the base of the URL for operations that live on another host (legacy endpoints).
    fn route(&self, request: &mut reqwest::Request, op: &OperationMeta) -> Result<(), Error> {
        let Some(hosts) = op.hosts else { return Ok(()) };
        if self.environment.is_custom() {
            return Ok(());
        }
        let target = self.environment.base_url(&hosts);
        let rest = request
            .url()
            .as_str()
            .strip_prefix(self.base_url.as_str())
            .ok_or_else(|| Error::Config(format!("the URL of {} is not under the base URL", op.id)))?;
        let rewritten = format!("{target}{rest}");
        *request.url_mut() = rewritten
            .parse()
            .map_err(|e| Error::Config(format!("bad host override for {}: {e}", op.id)))?;
        Ok(())
    }

    /// Attaches the first credential the operation accepts; returns the customer JWT if that is
    /// what was sent (so a 401 can renew it).
    async fn authorize(
        &self,
        request: &mut reqwest::Request,
        op: &OperationMeta,
    ) -> Result<Option<CustomerJwt>, Error> {
        for scheme in op.auth {
            match scheme {
                AuthScheme::PublisherToken => {
                    if self.credentials.publisher.is_some() {
                        let value = self.publisher_header.clone().ok_or_else(|| {
                            Error::Config("the publisher token is not a valid header value".into())
                        })?;
                        request.headers_mut().insert(PUBLISHER_TOKEN_HEADER, value);
                        return Ok(None);
                    }
                }
                AuthScheme::IntegrationSecret => {
                    if let Some(secret) = &self.credentials.integration {
                        let mut value = http::HeaderValue::from_str(&format!("Bearer {}", secret.expose()))
                            .map_err(|_| Error::Config("the integration secret is not a valid header value".into()))?;
                        value.set_sensitive(true);
                        request.headers_mut().insert(http::header::AUTHORIZATION, value);
                        return Ok(None);
                    }
                }
                AuthScheme::CustomerJwt => {
                    if let Some(source) = &self.credentials.customer {
                        let jwt = source.bearer().await?;
                        let mut value = http::HeaderValue::from_str(&format!("Bearer {}", jwt.expose()))
                            .map_err(|_| Error::Config("the customer JWT is not a valid header value".into()))?;
                        value.set_sensitive(true);
                        request.headers_mut().insert(http::header::AUTHORIZATION, value);
                        return Ok(Some(jwt));
                    }
                }
            }
        }
        if op.auth.is_empty() {
            Ok(None)
        } else {
            Err(Error::MissingCredential {
                operation: op.id.to_string(),
                accepted: op.auth.to_vec(),
            })
        }
    }
}

/// A response that carries `error` back through the generated code.
pub(crate) fn failure_response(error: Error) -> reqwest::Response {
    let mut response = http::Response::new(bytes::Bytes::new());
    *response.status_mut() =
        http::StatusCode::from_u16(FAILURE_STATUS).expect("399 is a valid status code");
    response
        .extensions_mut()
        .insert(CarriedError(Arc::new(Mutex::new(Some(error)))));
    reqwest::Response::from(response)
}

/// Reads an error response's body into memory, so the error conversion can parse it
/// synchronously. Success bodies stream through untouched.
async fn buffer_error_body(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return Ok(response);
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}
