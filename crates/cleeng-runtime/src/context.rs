//! The per-client context every generated request goes through (progenitor's `ClientHooks::exec`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tracing::Instrument;

use crate::credentials::{Credentials, CustomerJwt};
use crate::environment::Environment;
use crate::error::Error;
use crate::limit::BodyError;
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
    max_response_bytes: u64,
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
            max_response_bytes: crate::limit::DEFAULT_MAX_RESPONSE_BYTES,
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

    /// Sets the largest response body read (see [`crate::limit`]).
    pub fn with_max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The largest response body this context reads.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
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

    /// Sends one request for operation `operation_id`: moves the request to the operation's own
    /// host if it has one, checks that its path parameters did not change its path, attaches
    /// the credential the operation accepts, then sends it under the retry policy (see
    /// [`RetryPolicy`] for what is retried and how the timeouts and the deadline interact),
    /// inside a `cleeng.call` tracing span.
    ///
    /// Each attempt reads the whole response body, bounded by the size limit, within the
    /// attempt's timeout, so a body that stalls or breaks is a failure of that attempt (for an
    /// operation that is not safe to repeat: [`Error::UnknownOutcome`]). A redirect is never
    /// followed: it ends in [`Error::Redirect`].
    ///
    /// Every failure comes back as a synthetic response that `Error::from` turns into the typed
    /// error, naming the operation.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        self.execute_with_limit(http, request, operation_id, self.max_response_bytes).await
    }

    /// [`execute`](Self::execute) with a tighter size limit for this one request (the smaller
    /// of `max_response_bytes` and the client's limit applies), for a caller that knows its
    /// answer is small (e.g. a JWKS key set).
    pub async fn execute_with_limit(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation_id: &str,
        max_response_bytes: u64,
    ) -> reqwest::Result<reqwest::Response> {
        let limit = max_response_bytes.min(self.max_response_bytes);
        let Some(op) = self.operation(operation_id) else {
            return Ok(failure_response(Error::Config(format!(
                "operation {operation_id} is not in this client's operation table"
            ))));
        };
        if let Err(e) = self.route(&mut request, op) {
            return Ok(failure_response(e));
        }
        if let Err(e) = self.check_path(&request, op) {
            return Ok(failure_response(e));
        }
        let sent_jwt = match self.authorize(&mut request, op).await {
            Ok(jwt) => jwt,
            Err(e) => return Ok(failure_response(e)),
        };
        let span = tracing::info_span!(
            "cleeng.call",
            operation = op.id,
            method = op.method,
            path = op.path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let result = self
            .send_with_retries(http, request, op, sent_jwt, limit)
            .instrument(span)
            .await;
        Ok(result.unwrap_or_else(failure_response))
    }

    async fn send_with_retries(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        op: &OperationMeta,
        mut sent_jwt: Option<CustomerJwt>,
        limit: u64,
    ) -> Result<reqwest::Response, Error> {
        let started = Instant::now();
        let span = tracing::Span::current();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            // The attempt gets its own timeout or what is left of the deadline, whichever is
            // shorter; reqwest applies it to the headers and the body alike.
            let left = self.retry.deadline.saturating_sub(started.elapsed());
            let budget = self.attempt_timeout.map_or(left, |t| t.min(left));
            *request.timeout_mut() = Some(budget);
            let spare = request.try_clone();
            let sent_url = request.url().clone();
            let result = self.attempt(http, request, op, &sent_url, limit).await;
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
                    // more (at most once per call), for every operation, payments included. A
                    // 401 means Cleeng refused the credential before doing anything, so the
                    // request had no effect and sending it again with a valid token cannot
                    // repeat one.
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
                    if op.retry_safe() && may_retry && is_retryable_status(status) {
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
                    return Ok(response);
                }
                Err(Failure::Refused(error)) => return Err(error),
                Err(Failure::Transport(error)) => {
                    // A connection that never opened sent nothing: safe to retry for any method.
                    let never_sent = error.is_connect();
                    tracing::debug!(
                        attempt,
                        elapsed_ms,
                        timeout = error.is_timeout(),
                        connect = never_sent,
                        "cleeng transport error"
                    );
                    if (op.retry_safe() || never_sent) && may_retry {
                        if let Some(wait) = self.wait_within_deadline(started, attempt, None) {
                            tokio::time::sleep(wait).await;
                            request = spare.expect("checked by may_retry");
                            continue;
                        }
                    }
                    let error = transport_error(op, error);
                    if !op.retry_safe() && !never_sent {
                        return Err(Error::UnknownOutcome {
                            operation: op.id.to_string(),
                            source: Box::new(error),
                        });
                    }
                    return Err(error);
                }
            }
        }
    }

    /// One attempt: sends the request, refuses redirects, and reads the whole body within the
    /// size limit. The response handed back carries the buffered body.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        op: &OperationMeta,
        sent_url: &reqwest::Url,
        limit: u64,
    ) -> Result<reqwest::Response, Failure> {
        let response = http.execute(request).await.map_err(Failure::Transport)?;
        let status = response.status();
        if response.url() != sent_url {
            // A client of the user's own followed a redirect: refuse what came back.
            return Err(Failure::Refused(Error::Redirect {
                operation: op.id.to_string(),
                status: status.as_u16(),
                location: Some(response.url().to_string()),
                followed: true,
            }));
        }
        let location = response.headers().get(http::header::LOCATION);
        if status.is_redirection()
            && status != http::StatusCode::NOT_MODIFIED
            && (location.is_some() || matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308))
        {
            return Err(Failure::Refused(Error::Redirect {
                operation: op.id.to_string(),
                status: status.as_u16(),
                location: location.map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned()),
                followed: false,
            }));
        }
        let version = response.version();
        let headers = response.headers().clone();
        let body = match crate::limit::read_body(response, limit).await {
            Ok(body) => body,
            Err(BodyError::Transport(e)) => return Err(Failure::Transport(e)),
            Err(BodyError::TooLarge { limit, content_length }) => {
                let error = Error::ResponseTooLarge {
                    operation: Some(op.id.to_string()),
                    status: status.as_u16(),
                    limit,
                    content_length,
                };
                // The server answered; for an operation that is not safe to repeat, an answer
                // we could not read leaves its outcome unknown.
                return Err(Failure::Refused(if op.retry_safe() {
                    error
                } else {
                    Error::UnknownOutcome {
                        operation: op.id.to_string(),
                        source: Box::new(error),
                    }
                }));
            }
        };
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
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

    /// The base URL requests of `op` go to (its own host, or the family's).
    fn base_for(&self, op: &OperationMeta) -> String {
        match op.hosts {
            Some(hosts) if !self.environment.is_custom() => self.environment.base_url(&hosts),
            _ => self.base_url.clone(),
        }
    }

    /// Refuses a request whose path parameters changed its path (see [`crate::path`]).
    fn check_path(&self, request: &reqwest::Request, op: &OperationMeta) -> Result<(), Error> {
        let base = self.base_for(op);
        let base_path = reqwest::Url::parse(&base)
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        crate::path::check(op.id, op.path, &base_path, request.url().path())
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

/// How an attempt failed.
enum Failure {
    /// The connection failed or timed out (sending, waiting, or reading the body).
    Transport(reqwest::Error),
    /// The runtime refused the answer (a redirect, an oversized body): never retried.
    Refused(Error),
}

/// A transport error as the typed error, naming the operation. The URL is dropped from it: it
/// may carry a gift or device code.
fn transport_error(op: &OperationMeta, error: reqwest::Error) -> Error {
    let source = error.without_url();
    let operation = Some(op.id.to_string());
    if source.is_timeout() {
        Error::Timeout { operation, source }
    } else {
        Error::Transport { operation, source }
    }
}
