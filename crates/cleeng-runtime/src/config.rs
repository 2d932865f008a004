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
/// Idle connections kept open per host between calls.
pub const DEFAULT_MAX_IDLE_PER_HOST: usize = 8;

/// A `reqwest::ClientBuilder` with the settings the runtime's safety relies on: no redirect is
/// ever followed (a 3xx comes back as [`Error::Redirect`], so the publisher token and a payment
/// body never travel to a host it names), no `Referer` header, a `cleeng-rs` user agent and at
/// most [`DEFAULT_MAX_IDLE_PER_HOST`] idle connections per host. The generated `Client::new`
/// and [`ClientConfig`] start from it; add your own settings (proxies, TLS roots) on top, but do
/// not change the redirect policy.
///
/// It also carries this build's TLS stack (see [`TLS_BACKEND`](crate::TLS_BACKEND)): under the
/// default `rustls-ring` feature reqwest has no crypto provider of its own, and a client built
/// from a bare `reqwest::Client::builder()` would panic, so start your own client from here. In
/// that mode the TLS configuration is already built: reqwest's TLS settings added on top
/// (`add_root_certificate`, `min_tls_version`, `identity`) do not apply; the platform verifier
/// already trusts the operating system's store. If the rustls configuration cannot be built
/// (no usable platform verifier) the builder has no TLS configured and
/// [`ClientConfig`] reports the reason as [`Error::Config`] instead.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    let builder = crate::tls::reqwest_builder().unwrap_or_else(|_| reqwest::Client::builder());
    harden(builder).pool_max_idle_per_host(DEFAULT_MAX_IDLE_PER_HOST)
}

/// Sets the redirect policy, `Referer` and user agent the runtime relies on.
fn harden(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .user_agent(concat!("cleeng-rs/", env!("CARGO_PKG_VERSION")))
}

/// Everything needed to build a family client; pass it to the generated `Client::from_config`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    environment: Environment,
    credentials: Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: u64,
    max_idle_per_host: usize,
    http: Option<HttpClient>,
}

/// Adds your settings to the runtime's `reqwest::ClientBuilder`.
type Customize = std::sync::Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

/// The HTTP client a configuration builds on.
#[derive(Clone)]
enum HttpClient {
    /// Your settings on the runtime's builder; the runtime's own are applied after them.
    Customized(Customize),
    /// A finished client of yours: its redirect policy cannot be inspected.
    Client(reqwest::Client),
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpClient::Customized(_) => f.write_str("Customized(..)"),
            HttpClient::Client(client) => f.debug_tuple("Client").field(client).finish(),
        }
    }
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
            max_response_bytes: crate::limit::DEFAULT_MAX_RESPONSE_BYTES,
            max_idle_per_host: DEFAULT_MAX_IDLE_PER_HOST,
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
    /// `reqwest::Client`. An attempt is also cut at the [deadline](Self::deadline): whichever
    /// comes first ends it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open one connection (default [`DEFAULT_CONNECT_TIMEOUT`]); it counts
    /// towards the attempt's [timeout](Self::timeout). Not applied to a finished client given
    /// to [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Total time for one call: every attempt and every wait between them (default 30 s, see
    /// [`RetryPolicy::deadline`]). Each attempt gets the [attempt timeout](Self::timeout) or the
    /// time left, whichever is shorter, so a call never runs past it. Sets the deadline of the
    /// retry policy in force, so call it after [`retry_policy`](Self::retry_policy).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.retry.deadline = deadline;
        self
    }

    /// Largest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::limit::DEFAULT_MAX_RESPONSE_BYTES), 16 MiB). A
    /// larger `Content-Length` is refused before reading and a longer streamed body is cut off;
    /// both end in [`Error::ResponseTooLarge`] (or [`Error::UnknownOutcome`] for an operation
    /// that is not safe to repeat).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Idle connections kept open per host between calls (default
    /// [`DEFAULT_MAX_IDLE_PER_HOST`]). Not applied to a finished client given to
    /// [`http_client`](Self::http_client).
    pub fn max_idle_connections_per_host(mut self, max: usize) -> Self {
        self.max_idle_per_host = max;
        self
    }

    /// Customizes the HTTP client (proxies, TLS roots...): `customize` receives the runtime's
    /// `reqwest::ClientBuilder` and returns it with your settings. The runtime then sets on it
    /// what its guarantees rely on (no redirects, no `Referer`, the connect timeout and the
    /// idle-connection cap), so those cannot be undone by mistake. Prefer this to
    /// [`http_client`](Self::http_client).
    ///
    /// The builder `customize` receives already carries this build's TLS stack. Under the
    /// default `rustls-ring` feature that is a finished rustls configuration, so reqwest's TLS
    /// settings (extra root certificates, TLS version bounds, a client identity) do not apply;
    /// the platform verifier already trusts the operating system's store. Enable
    /// `rustls-aws-lc` or `native-tls` if you need them, or hand reqwest your own rustls
    /// configuration here with `tls_backend_preconfigured`.
    ///
    /// ```
    /// # use cleeng_runtime::{ClientConfig, Environment};
    /// let config = ClientConfig::new(Environment::Sandbox)
    ///     .http_client_builder(|builder| builder.tcp_nodelay(true));
    /// ```
    pub fn http_client_builder(
        mut self,
        customize: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.http = Some(HttpClient::Customized(std::sync::Arc::new(customize)));
        self
    }

    /// Uses your own finished `reqwest::Client`. Its redirect policy cannot be inspected: if it
    /// follows redirects (reqwest's default does), a redirect is detected only after the fact
    /// and refused ([`Error::Redirect`] with `followed: true`), but the request (with the
    /// publisher token, since reqwest strips only `Authorization`) may already have been sent
    /// to the other host. Build it with `.redirect(reqwest::redirect::Policy::none())`, or use
    /// [`http_client_builder`](Self::http_client_builder). The attempt timeout, deadline and
    /// size limit still apply; the connect timeout is then the one your client was built with.
    /// Under the default `rustls-ring` feature, start it from
    /// [`http_client_builder()`](crate::http_client_builder) (or install a rustls crypto
    /// provider first): reqwest then has no provider of its own and `reqwest::Client::new()`
    /// panics.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(HttpClient::Client(client));
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
        let tls_builder = || {
            crate::tls::reqwest_builder()
                .map_err(|e| Error::Config(format!("cannot configure TLS ({}): {e}", crate::TLS_BACKEND)))
        };
        let builder = match self.http {
            Some(HttpClient::Client(http)) => Ok(http),
            Some(HttpClient::Customized(customize)) => Err(customize(tls_builder()?)),
            None => Err(tls_builder()?),
        };
        let http = match builder {
            Ok(http) => http,
            Err(builder) => harden(builder)
                .connect_timeout(self.connect_timeout)
                .pool_max_idle_per_host(self.max_idle_per_host)
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let context = Context::new(self.environment, base_url.clone(), self.credentials, operations)
            .with_retry_policy(self.retry)
            .with_attempt_timeout(Some(self.timeout))
            .with_max_response_bytes(self.max_response_bytes);
        Ok(ClientParts {
            base_url,
            http,
            context,
        })
    }
}
