//! A logged-in customer: JWT and refresh token, refreshed shortly before the JWT expires.
//!
//! Cleeng's customer JWT is short-lived and its refresh token is single-use: each
//! `POST /auths/refresh_token` invalidates the token it was given and returns a new pair. Two
//! refreshes racing with the same refresh token would leave one of them rejected and the
//! customer logged out, so a [`Session`] lets only one refresh run at a time and every other
//! caller waits for it and reuses its result.
//!
//! A session is a [`BearerSource`]: a client built with [`Session::client`] (or
//! `ClientConfig::bearer_source(Arc::new(session))`) asks it for the JWT before every protected
//! request and always sends a valid one.
//!
//! ```no_run
//! # async fn run() -> Result<(), cleeng_mediastore::Error> {
//! use cleeng_mediastore::prelude::*;
//!
//! let config = ClientConfig::new(Environment::Sandbox);
//! let public = Client::from_config(config.clone())?;
//! let login = public
//!     .login_customer()
//!     .body_map(|b| b.email("jane@example.com").password("s3cret-pass").publisher_id(Some("123456789".to_string())))
//!     .call()
//!     .await?
//!     .payload()?;
//! let session = Session::builder(config, Tokens::try_from(login)?)
//!     .on_refresh(|tokens: &Tokens| { /* store tokens.refresh_token.expose() somewhere safe */ })
//!     .build()?;
//! let client = session.client()?;
//! let me = client.get_customer().customer_id(session.customer_id()).call().await?.payload()?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cleeng_runtime::{BearerFuture, BearerSource, ClientConfig, CustomerJwt, Error, RenewFuture, Secret};

use crate::claims::Claims;
use crate::envelope::unwrap_envelope;
use crate::generated::types::{AuthTokens, TokenPair};
use crate::generated::{Client, ClientLoginExt};

/// Default time before `exp` at which the session refreshes the JWT.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A customer's token pair. Both values print `[redacted]` in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// The customer JWT sent as `Authorization: Bearer`.
    pub jwt: Secret,
    /// The single-use refresh token.
    pub refresh_token: Secret,
}

impl Tokens {
    /// A token pair, e.g. one your application stored earlier.
    pub fn new(jwt: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        Tokens { jwt: Secret::new(jwt), refresh_token: Secret::new(refresh_token) }
    }

    fn from_parts(jwt: Option<Secret>, refresh_token: Option<Secret>, from: &str) -> Result<Self, Error> {
        match (jwt, refresh_token) {
            (Some(jwt), Some(refresh_token)) => Ok(Tokens { jwt, refresh_token }),
            _ => Err(Error::Auth(format!("{from} did not return both a jwt and a refreshToken"))),
        }
    }
}

impl TryFrom<AuthTokens> for Tokens {
    type Error = Error;

    /// Takes the pair out of a login or registration payload.
    fn try_from(tokens: AuthTokens) -> Result<Self, Error> {
        Tokens::from_parts(tokens.jwt, tokens.refresh_token, "the login")
    }
}

impl TryFrom<TokenPair> for Tokens {
    type Error = Error;

    /// Takes the pair out of a refresh or SSO login payload.
    fn try_from(tokens: TokenPair) -> Result<Self, Error> {
        Tokens::from_parts(tokens.jwt, tokens.refresh_token, "the token call")
    }
}

type RefreshHook = Arc<dyn Fn(&Tokens) + Send + Sync>;

/// Configures a [`Session`] before it is shared.
pub struct SessionBuilder {
    config: ClientConfig,
    tokens: Tokens,
    margin: Duration,
    on_refresh: Option<RefreshHook>,
}

impl SessionBuilder {
    /// Refresh this long before `exp` (default [`DEFAULT_REFRESH_MARGIN`]). For a JWT that a
    /// refresh returned with less than twice the margin left, half its remaining lifetime is
    /// used instead, so a fresh token is never considered due at once (no refresh loop).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Called with the new pair after every successful refresh, before any request uses it, so
    /// the application can persist the rotated refresh token (the old one no longer works).
    /// Runs while other callers wait for the refresh: keep it quick.
    pub fn on_refresh(mut self, hook: impl Fn(&Tokens) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(Arc::new(hook));
        self
    }

    /// Reads the JWT's claims and builds the session. Fails with [`Error::Auth`] when the JWT
    /// cannot be read, and with [`Error::Config`] when the refresh client cannot be built.
    pub fn build(self) -> Result<Session, Error> {
        let claims = Claims::from_jwt(self.tokens.jwt.expose())?;
        let refresher = Client::from_config(self.config.clone())?;
        let state = State::new(self.tokens, claims, self.margin, None);
        Ok(Session {
            inner: Arc::new(Inner {
                config: self.config,
                refresher,
                state: Mutex::new(state),
                refresh: tokio::sync::Mutex::new(()),
                margin: self.margin,
                on_refresh: self.on_refresh,
            }),
        })
    }
}

impl fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("tokens", &self.tokens)
            .field("margin", &self.margin)
            .field("on_refresh", &self.on_refresh.is_some())
            .finish_non_exhaustive()
    }
}

/// A logged-in customer's tokens, kept valid. Cheap to clone (clones share one state).
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    /// Sends `refreshToken` (a public call): never this session's own bearer source.
    refresher: Client,
    state: Mutex<State>,
    /// Held for the whole refresh: only one refresh token exchange at a time.
    refresh: tokio::sync::Mutex<()>,
    margin: Duration,
    on_refresh: Option<RefreshHook>,
}

struct State {
    tokens: Tokens,
    claims: Claims,
    /// Unix seconds from which the JWT is due for refresh.
    refresh_at: i64,
    /// Set when Cleeng rejected the refresh token: the customer must log in again.
    rejected: Option<String>,
}

impl State {
    /// `received_at` is when a refresh returned the tokens: their remaining lifetime then caps
    /// the margin at half, so a token fresh from a refresh is never due at once. Tokens given
    /// to the builder (possibly stored long ago) get the full margin.
    fn new(tokens: Tokens, claims: Claims, margin: Duration, received_at: Option<i64>) -> Self {
        let mut margin = i64::try_from(margin.as_secs()).unwrap_or(i64::MAX);
        if let Some(received_at) = received_at {
            margin = margin.min((claims.expires_at - received_at).max(0) / 2);
        }
        State { refresh_at: claims.expires_at.saturating_sub(margin), tokens, claims, rejected: None }
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Session {
    /// Starts configuring a session for `tokens` (from login, registration, SSO, or storage).
    /// `config` says where Cleeng is (environment, timeouts, HTTP client); the session uses it
    /// for its refresh calls and for [`Session::client`].
    pub fn builder(config: ClientConfig, tokens: Tokens) -> SessionBuilder {
        SessionBuilder { config, tokens, margin: DEFAULT_REFRESH_MARGIN, on_refresh: None }
    }

    /// A session with the default margin and no refresh hook.
    pub fn new(config: ClientConfig, tokens: Tokens) -> Result<Session, Error> {
        Session::builder(config, tokens).build()
    }

    /// A client that sends this session's JWT (refreshed when due) on every protected call,
    /// plus any credentials the session's `ClientConfig` holds.
    pub fn client(&self) -> Result<Client, Error> {
        Client::from_config(self.inner.config.clone().bearer_source(Arc::new(self.clone())))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves a consistent State (every write is a
        // single assignment), so a poisoned lock is still usable.
        self.inner.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The customer's id, from the JWT (`customerId`).
    pub fn customer_id(&self) -> i64 {
        self.state().claims.customer_id
    }

    /// The current JWT's claims.
    pub fn claims(&self) -> Claims {
        self.state().claims
    }

    /// The current token pair (e.g. to store it at shutdown).
    pub fn tokens(&self) -> Tokens {
        self.state().tokens.clone()
    }

    /// The JWT to send now: the current one while it is not due, otherwise the one a refresh
    /// returns. Concurrent callers share a single refresh. After Cleeng rejected the refresh
    /// token every call fails with [`Error::Auth`] at once, without another request.
    pub async fn jwt(&self) -> Result<CustomerJwt, Error> {
        if let Some(jwt) = self.current_if_valid()? {
            return Ok(jwt);
        }
        let _exclusive = self.inner.refresh.lock().await;
        // Another caller may have refreshed while this one waited.
        if let Some(jwt) = self.current_if_valid()? {
            return Ok(jwt);
        }
        self.refresh_locked().await.map(|tokens| CustomerJwt::new(tokens.jwt.expose()))
    }

    /// Exchanges the refresh token now, whatever the JWT's expiry (e.g. after Cleeng answered
    /// 401 to a JWT it revoked). Spends the refresh token; waits for a refresh in progress.
    pub async fn refresh(&self) -> Result<Tokens, Error> {
        let _exclusive = self.inner.refresh.lock().await;
        if let Some(why) = &self.state().rejected {
            return Err(Error::Auth(why.clone()));
        }
        self.refresh_locked().await
    }

    fn current_if_valid(&self) -> Result<Option<CustomerJwt>, Error> {
        let state = self.state();
        if let Some(why) = &state.rejected {
            return Err(Error::Auth(why.clone()));
        }
        Ok((now() < state.refresh_at).then(|| CustomerJwt::new(state.tokens.jwt.expose())))
    }

    /// One refresh-token exchange; the caller holds `inner.refresh`.
    async fn refresh_locked(&self) -> Result<Tokens, Error> {
        let refresh_token = self.state().tokens.refresh_token.clone();
        let result = self
            .inner
            .refresher
            .refresh_token()
            .body_map(|b| b.refresh_token(refresh_token))
            .call()
            .await;
        let fresh = result.and_then(unwrap_envelope).and_then(|pair| {
            let tokens = Tokens::try_from(pair)?;
            let claims = Claims::from_jwt(tokens.jwt.expose())?;
            Ok((tokens, claims))
        });
        match fresh {
            Ok((tokens, claims)) => {
                *self.state() = State::new(tokens.clone(), claims, self.inner.margin, Some(now()));
                if let Some(hook) = &self.inner.on_refresh {
                    hook(&tokens);
                }
                Ok(tokens)
            }
            Err(error) if is_rejection(&error) => {
                let why = format!("the refresh token was rejected, the customer must log in again ({error})");
                self.state().rejected = Some(why.clone());
                Err(Error::Auth(why))
            }
            // Transport failures, timeouts, 429 and 5xx: the token may still be good; the next
            // call tries again.
            Err(error) => Err(error),
        }
    }
}

/// `true` when the refresh token itself was refused (or the answer is unusable), as opposed to
/// a failure that a later attempt may get past.
fn is_rejection(error: &Error) -> bool {
    match error {
        Error::Api(api) => api.status < 500,
        Error::Auth(_) | Error::Decode { .. } | Error::UnexpectedStatus { .. } => true,
        _ => false,
    }
}

impl BearerSource for Session {
    fn bearer(&self) -> BearerFuture<'_> {
        Box::pin(self.jwt())
    }

    /// Cleeng refused `rejected` with a 401 before its expiry (revoked, or the clock is off):
    /// refresh now, unless another call already replaced it. One refresh however many calls
    /// were refused with the same token.
    fn renew(&self, rejected: CustomerJwt) -> RenewFuture<'_> {
        Box::pin(async move {
            let _exclusive = self.inner.refresh.lock().await;
            {
                let state = self.state();
                if state.rejected.is_some() {
                    return false;
                }
                if state.tokens.jwt.expose() != rejected.expose() {
                    return true;
                }
            }
            self.refresh_locked().await.is_ok()
        })
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Session")
            .field("customer_id", &state.claims.customer_id)
            .field("expires_at", &state.claims.expires_at)
            .field("tokens", &state.tokens)
            .field("rejected", &state.rejected.is_some())
            .finish_non_exhaustive()
    }
}
