//! Building a client: environment, credentials, timeouts, HTTP client.

use std::time::Duration;

use crate::context::Context;
use crate::credentials::{BearerSource, Credentials, CustomerJwt, PublisherToken};
use crate::environment::{ApiHosts, Environment};
use crate::error::Error;
use crate::operation::OperationMeta;
use crate::retry::RetryPolicy;

/// Cleeng's best-practice guidance is a client timeout of about 8 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(8);
/// Time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(8);

/// Everything needed to build a family client; pass it to the generated `Client::from_config`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    environment: Environment,
    credentials: Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
}

/// The pieces a generated client is made of.
#[derive(Debug)]
pub struct ClientParts {
    /// Resolved base URL.
    pub base_url: String,
    /// The HTTP client.
    pub http: reqwest::Client,
    /// The runtime context (credentials, operation table).
    pub context: Context,
}

impl ClientConfig {
    /// A configuration for `environment` with no credentials and default timeouts.
    pub fn new(environment: Environment) -> Self {
        ClientConfig {
            environment,
            credentials: Credentials::none(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            http: None,
        }
    }

    /// Sends `X-Publisher-Token` on operations that accept it.
    pub fn publisher_token(mut self, token: PublisherToken) -> Self {
        self.credentials = self.credentials.with_publisher_token(token);
        self
    }

    /// Sends this customer JWT on operations that accept it.
    pub fn customer_jwt(mut self, jwt: CustomerJwt) -> Self {
        self.credentials = self.credentials.with_customer_jwt(jwt);
        self
    }

    /// Sends this Integration Hub secret (Auth0 Actions) on the calls that take one.
    pub fn integration_secret(mut self, secret: impl Into<crate::credentials::Secret>) -> Self {
        self.credentials = self.credentials.with_integration_secret(secret.into());
        self
    }

    /// Asks `source` for the customer JWT before every request that needs one.
    pub fn bearer_source(mut self, source: std::sync::Arc<dyn BearerSource>) -> Self {
        self.credentials = self.credentials.with_bearer_source(source);
        self
    }

    /// Replaces the retry policy (default: [`RetryPolicy::default`], one retry of safe requests).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Replaces all credentials: a [`PublisherToken`], a [`CustomerJwt`], several as
    /// [`Credentials`], or `()` for none.
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = credentials.into();
        self
    }

    /// Time allowed for one attempt, from sending to the last byte of the response headers and
    /// body (default [`DEFAULT_TIMEOUT`]). Applied per request, so it also holds with your own
    /// `reqwest::Client`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Uses your own `reqwest::Client` (proxies, TLS roots...). The per-attempt timeout still
    /// applies; the connect timeout is then the one your client was built with.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The environment this configuration targets.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// Resolves the base URL for a family and builds the HTTP client and context.
    pub fn into_parts(
        self,
        hosts: &ApiHosts,
        operations: &'static [OperationMeta],
    ) -> Result<ClientParts, Error> {
        let base_url = self.environment.base_url(hosts);
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::Config(format!(
                "base URL {base_url:?} must start with http:// or https://"
            )));
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .user_agent(concat!("cleeng-rs/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let context = Context::new(self.environment, base_url.clone(), self.credentials, operations)
            .with_retry_policy(self.retry)
            .with_attempt_timeout(Some(self.timeout));
        Ok(ClientParts {
            base_url,
            http,
            context,
        })
    }
}
