//! A local Cleeng: every cleeng-rs API family on one loopback port, built from the same specs
//! the clients are generated from, so the mock and the clients cannot drift apart.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use cleeng_mock::{Family, MockServer};
//!
//! let mock = MockServer::start().await;
//! // Point a client at one family: `Environment::Custom(mock.url_for(Family::Core))`.
//! let base_url = mock.url_for(Family::Core);
//! assert!(base_url.ends_with("/core"));
//! # Ok(()) }
//! ```
//!
//! What it does with a request:
//! * **routes** it by family prefix (`/core`, `/mediastore`, `/auth`, `/inapp`, `/webhooks`)
//!   and by the spec's paths: an unknown path is a 404, a known path with another method a 405;
//! * **validates** credentials (publisher token present, customer JWT signed by the mock),
//!   path, query and header parameters and the JSON body against the spec: a failure is
//!   answered with the status the operation documents (401, 400 or 422) and that family's
//!   error body (`{"message"}` for Core, `{"responseData", "errors"}` for MediaStore...);
//! * **answers** the main journeys from state (see [`journeys`](crate#stateful-journeys)) and
//!   every other operation with the spec's example or a value generated from its schema.
//!   Every answer is checked against its documented schema; mismatches are kept in
//!   [`MockServer::violations`].
//!
//! # Stateful journeys
//! * a customer registered through MediaStore (or Core) logs in and gets a JWT signed with the
//!   key the Auth API's JWKS serves; refresh tokens are single-use;
//! * an order for an offer is paid without payment details; the customer's entitlement then
//!   reads `accessGranted: true`, and a subscription offer also creates a subscription;
//! * Core subscriptions are created, listed (with `X-Total-Count`), paused and resumed;
//! * offers carry a version: `ETag` on conditional reads, `If-None-Match` → 304,
//!   stale `If-Match` → 412, a no-op write with `If-Match` → 204;
//! * gifts: an order marked `buyAsAGift` with delivery details becomes, once paid, a gift with
//!   a code; the gifter's transactions show it as `targetType: giftId`; MediaStore and Core read
//!   and edit the same gift until it is sent (at its delivery date), verify its code (redeemable,
//!   or refused: already redeemed, inactive offer; an unknown code is a 404) and redeem it once,
//!   giving the recipient an active subscription (new or extended) and no transaction;
//! * device pairing: a code is generated, authorized with a customer JWT, then checked for tokens;
//! * the legacy JSON-RPC endpoint ([`MockServer::legacy_url`]) answers `generateCustomerToken`,
//!   `getAccessStatus`, `getAccessibleTags` and `listCustomerSubscriptions` from the same state
//!   (a subscription created through Core is listed there);
//! * webhook endpoints registered through the Webhooks API receive signed deliveries
//!   (`customerRegistered`, `transactionCreated`, `subscriptionCreated`, `offerUpdated`) before
//!   the triggering call returns; [`MockServer::deliveries`] lists them.
//!
//! Seeded data: the customer [`DEMO_EMAIL`] / [`DEMO_PASSWORD`] (id [`DEMO_CUSTOMER_ID`]) with
//! an active subscription to [`DEMO_SUBSCRIPTION_OFFER`], a pass offer [`DEMO_PASS_OFFER`], and
//! a giftable subscription offer [`DEMO_GIFT_OFFER`].

#![warn(missing_docs)]

mod drift;
mod gifts;
mod journeys;
mod jsonrpc;
mod jwt;
mod schema;
mod server;
mod spec;
mod state;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;

pub use drift::Drift;
pub use jwt::KEY_ID;
pub use spec::Family;
pub use webhooks::SIGNATURE_HEADER;
pub use state::{
    Delivery, DEMO_CUSTOMER_ID, DEMO_EMAIL, DEMO_GIFT_OFFER, DEMO_PASSWORD, DEMO_PASS_OFFER, DEMO_SUBSCRIPTION_OFFER,
    PUBLISHER_ID,
};

/// Options for [`MockServer::start_with`].
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    port: u16,
    publisher_token: Option<String>,
    drift: std::collections::BTreeMap<String, Vec<Drift>>,
}

impl MockConfig {
    /// Default options: a free port, any non-empty publisher token accepted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds this port on 127.0.0.1 (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Accepts only this publisher token (default: any non-empty value), to test that a client
    /// sends the right one.
    pub fn publisher_token(mut self, token: impl Into<String>) -> Self {
        self.publisher_token = Some(token.into());
        self
    }

    /// Makes the answers of `operation_id` drift from the spec in this way (for testing tools
    /// that compare a server with the specs, such as `cargo xtask probe`). Name it
    /// `family.operationId` (`core.listOffers`) when several families share the operationId.
    /// May be repeated.
    pub fn drift(mut self, operation_id: impl Into<String>, drift: Drift) -> Self {
        self.drift.entry(operation_id.into()).or_default().push(drift);
        self
    }
}

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The port could not be bound.
    #[error("cannot bind 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// An embedded spec or the test key did not load (a build defect).
    #[error("{0}")]
    Setup(String),
}

/// A running mock server, bound to 127.0.0.1 only. It stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a mock on a free loopback port, for tests.
    ///
    /// # Panics
    /// If it cannot start (no loopback port free, a broken build); use
    /// [`MockServer::start_with`] to handle that as an error.
    pub async fn start() -> MockServer {
        match Self::start_with(MockConfig::new()).await {
            Ok(server) => server,
            Err(e) => panic!("cleeng-mock cannot start: {e}"),
        }
    }

    /// Starts a mock with options.
    pub async fn start_with(config: MockConfig) -> Result<MockServer, StartError> {
        let mut shared = server::Shared::new(config.publisher_token).map_err(StartError::Setup)?;
        shared.hooks.drift = config.drift;
        let shared = Arc::new(shared);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|source| StartError::Bind { port: config.port, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { port: config.port, source })?;
        let app = axum::Router::new().fallback(server::handle).with_state(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(MockServer {
            addr,
            shared,
            shutdown: Some(tx),
        })
    }

    /// The server's root URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of one family, for `Environment::Custom`, e.g. `http://127.0.0.1:41234/core`.
    pub fn url_for(&self, family: Family) -> String {
        format!("{}{}", self.url(), family.prefix())
    }

    /// The base URL of the legacy JSON-RPC API, for `Environment::Custom` with `cleeng-legacy`
    /// (the client appends `/3.0/json-rpc`), e.g. `http://127.0.0.1:41234/legacy`.
    pub fn legacy_url(&self) -> String {
        format!("{}{}", self.url(), jsonrpc::PREFIX)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every webhook delivery attempted so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.state().deliveries.clone()
    }

    /// Answers the mock sent that did not match their documented schema (should stay empty;
    /// a non-empty list means the mock or a spec needs fixing).
    pub fn violations(&self) -> Vec<String> {
        self.shared.state().violations.clone()
    }

    /// Requests received so far, by upper-case method (`GET`, `POST`...): lets a test prove
    /// that a client sent no write.
    pub fn requests_by_method(&self) -> std::collections::BTreeMap<String, u64> {
        self.shared.hooks.requests()
    }

    /// A customer JWT for `customer_id`, signed like the ones login returns (for tests that
    /// skip the login step).
    pub fn customer_jwt(&self, customer_id: i64) -> String {
        self.shared.keys.sign(customer_id, PUBLISHER_ID, state::now())
    }

    /// The current signing secret of a webhook endpoint (tests use it to check signatures).
    pub fn endpoint_secret(&self, endpoint_id: &str) -> Option<String> {
        self.shared.state().endpoints.get(endpoint_id).map(|e| e.secret.clone())
    }

    /// Stops the server (also done on drop).
    pub fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
