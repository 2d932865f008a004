//! A logged-in customer: JWT and refresh token, refreshed shortly before the JWT expires.
//!
//! Cleeng's customer JWT is short-lived and its refresh token is single-use: each
//! `POST /auths/refresh_token` invalidates the token it was given and returns a new pair. Two
//! refreshes racing with the same refresh token would leave one of them rejected and the
//! customer logged out, so a [`Session`] runs at most one refresh at a time.
//!
//! What a session guarantees, however many callers race and whatever the refresh endpoint does:
//! * **one refresh for all waiters**: every caller that needs a new JWT while a refresh is in
//!   flight waits for that same refresh and gets its outcome, success or error. A refresh that
//!   fails or hangs costs one request and one timeout, not one per caller (the refresh token is
//!   sent once);
//! * **back-off after a failure**: after a refresh failed (transport error, timeout, 5xx, 429)
//!   no new attempt is made for [`SessionBuilder::refresh_backoff`] (default
//!   [`DEFAULT_REFRESH_BACKOFF`]); calls in between get the same error at once, without a
//!   request. While the current JWT is still usable (its `exp` more than the clock-skew
//!   allowance away) it keeps being sent instead, so a refresh outage only surfaces once the
//!   token really expires;
//! * **no refresh loop**: a refresh that returns a JWT expiring within the clock-skew allowance
//!   plus the minimum validity is reported as [`SessionError::ShortLived`] (its rotated tokens
//!   are kept) and is not repeated before the back-off window has passed;
//! * **a rejected refresh token is final**: once Cleeng refused it (4xx), every call fails with
//!   [`Error::Auth`] at once: the customer must log in again;
//! * tokens never appear in `Debug` output or errors.
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
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cleeng_runtime::{
    BearerFuture, BearerSource, ClientConfig, CustomerJwt, Error, RenewFuture, Secret, SessionError,
};
use futures_util::future::{FutureExt, Shared};

use crate::claims::Claims;
use crate::envelope::unwrap_envelope;
use crate::generated::types::{AuthTokens, TokenPair};
use crate::generated::{Client, ClientLoginExt};

/// Default time before `exp` at which the session refreshes the JWT.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Default for [`SessionBuilder::refresh_backoff`]: how long a failed refresh is not retried.
pub const DEFAULT_REFRESH_BACKOFF: Duration = Duration::from_secs(5);

/// Default for [`SessionBuilder::clock_skew`]: how far our clock may be behind Cleeng's.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(10);

/// Default for [`SessionBuilder::min_validity`]: the least lifetime a refreshed JWT must have
/// beyond the clock-skew allowance.
pub const DEFAULT_MIN_VALIDITY: Duration = Duration::from_secs(10);

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

/// Timing rules of a session, set on its builder.
#[derive(Debug, Clone, Copy)]
struct Timing {
    margin: Duration,
    backoff: Duration,
    skew: Duration,
    min_validity: Duration,
}

/// Configures a [`Session`] before it is shared.
pub struct SessionBuilder {
    config: ClientConfig,
    tokens: Tokens,
    timing: Timing,
    on_refresh: Option<RefreshHook>,
}

impl SessionBuilder {
    /// Refresh this long before `exp` (default [`DEFAULT_REFRESH_MARGIN`]). For a JWT that a
    /// refresh returned with less than twice the margin left, half its remaining lifetime is
    /// used instead, so a fresh token is never considered due at once (no refresh loop).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.timing.margin = margin;
        self
    }

    /// After a refresh failed, wait this long before the next attempt (default
    /// [`DEFAULT_REFRESH_BACKOFF`]); calls in between get the failure (or the current JWT while
    /// it is still usable) without a request. Keeps an outage from turning into one refresh
    /// per call.
    pub fn refresh_backoff(mut self, backoff: Duration) -> Self {
        self.timing.backoff = backoff;
        self
    }

    /// How far this machine's clock may be behind Cleeng's (default [`DEFAULT_CLOCK_SKEW`]): a
    /// JWT is only sent while its `exp` is more than this away, and a refresh is due at least
    /// this long before `exp`.
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.timing.skew = skew;
        self
    }

    /// The least lifetime, beyond the clock-skew allowance, a JWT returned by a refresh must
    /// have (default [`DEFAULT_MIN_VALIDITY`]); a shorter one is [`SessionError::ShortLived`]
    /// rather than a reason to refresh again at once.
    pub fn min_validity(mut self, min_validity: Duration) -> Self {
        self.timing.min_validity = min_validity;
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
        let state = State::new(self.tokens, claims, &self.timing, None);
        Ok(Session {
            inner: Arc::new(Inner {
                config: self.config,
                refresher,
                state: Mutex::new(state),
                timing: self.timing,
                on_refresh: self.on_refresh,
            }),
        })
    }
}

impl fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("tokens", &self.tokens)
            .field("timing", &self.timing)
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
    timing: Timing,
    on_refresh: Option<RefreshHook>,
}

/// How a refresh ended, as every waiting caller sees it.
#[derive(Clone)]
enum Outcome {
    /// New tokens are in the state.
    Refreshed(Tokens),
    /// Cleeng refused the refresh token: the customer must log in again.
    Rejected(String),
    /// A failure a later attempt may get past, or a JWT too short-lived to use.
    Failed(SessionError),
}

/// The refresh in flight, shared by every caller waiting for it.
type InFlight = Shared<Pin<Box<dyn Future<Output = Outcome> + Send>>>;

struct State {
    tokens: Tokens,
    claims: Claims,
    /// Unix seconds from which the JWT is due for refresh.
    refresh_at: i64,
    /// Set when Cleeng rejected the refresh token: the customer must log in again.
    rejected: Option<String>,
    /// The refresh running now, if any.
    in_flight: Option<InFlight>,
    /// The last failed refresh and when it ended: no new attempt within the back-off window.
    failed: Option<(Instant, SessionError)>,
}

impl State {
    /// `received_at` is when a refresh returned the tokens: their remaining lifetime then caps
    /// the margin at half, so a token fresh from a refresh is never due at once. Tokens given
    /// to the builder (possibly stored long ago) get the full margin. The margin is never less
    /// than the clock-skew allowance, so a token is due before it stops being usable.
    fn new(tokens: Tokens, claims: Claims, timing: &Timing, received_at: Option<i64>) -> Self {
        let mut margin = secs(timing.margin);
        if let Some(received_at) = received_at {
            margin = margin.min((claims.expires_at - received_at).max(0) / 2);
        }
        let margin = margin.max(secs(timing.skew));
        State {
            refresh_at: claims.expires_at.saturating_sub(margin),
            tokens,
            claims,
            rejected: None,
            in_flight: None,
            failed: None,
        }
    }

    /// The JWT may still be sent: its `exp` is more than the clock-skew allowance away.
    fn usable(&self, timing: &Timing, now: i64) -> bool {
        now < self.claims.expires_at.saturating_sub(secs(timing.skew))
    }

    fn jwt(&self) -> CustomerJwt {
        CustomerJwt::new(self.tokens.jwt.expose())
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// What a caller does next, decided under the state lock.
enum Step {
    Done(Result<CustomerJwt, Error>),
    Wait(InFlight),
}

impl Session {
    /// Starts configuring a session for `tokens` (from login, registration, SSO, or storage).
    /// `config` says where Cleeng is (environment, timeouts, HTTP client); the session uses it
    /// for its refresh calls and for [`Session::client`].
    pub fn builder(config: ClientConfig, tokens: Tokens) -> SessionBuilder {
        SessionBuilder {
            config,
            tokens,
            timing: Timing {
                margin: DEFAULT_REFRESH_MARGIN,
                backoff: DEFAULT_REFRESH_BACKOFF,
                skew: DEFAULT_CLOCK_SKEW,
                min_validity: DEFAULT_MIN_VALIDITY,
            },
            on_refresh: None,
        }
    }

    /// A session with the default timing and no refresh hook.
    pub fn new(config: ClientConfig, tokens: Tokens) -> Result<Session, Error> {
        Session::builder(config, tokens).build()
    }

    /// A client that sends this session's JWT (refreshed when due) on every protected call,
    /// plus any credentials the session's `ClientConfig` holds.
    pub fn client(&self) -> Result<Client, Error> {
        Client::from_config(self.inner.config.clone().bearer_source(Arc::new(self.clone())))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.inner)
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
    /// returns. Concurrent callers share a single refresh and its outcome. When the refresh
    /// fails, the current JWT is still returned while it is usable; otherwise the failure, as
    /// [`Error::Session`] (the same for every waiter, and for every call during the back-off
    /// window). After Cleeng rejected the refresh token every call fails with [`Error::Auth`]
    /// at once, without another request.
    pub async fn jwt(&self) -> Result<CustomerJwt, Error> {
        let step = {
            let mut state = self.state();
            if let Some(why) = &state.rejected {
                Step::Done(Err(Error::Auth(why.clone())))
            } else if now() < state.refresh_at {
                Step::Done(Ok(state.jwt()))
            } else {
                match self.join_or_start(&mut state) {
                    Ok(in_flight) => Step::Wait(in_flight),
                    Err(cached) => Step::Done(self.fallback(&state, cached)),
                }
            }
        };
        match step {
            Step::Done(result) => result,
            Step::Wait(in_flight) => match in_flight.await {
                Outcome::Refreshed(tokens) => Ok(CustomerJwt::new(tokens.jwt.expose())),
                Outcome::Rejected(why) => Err(Error::Auth(why)),
                Outcome::Failed(error) => self.fallback(&self.state(), error),
            },
        }
    }

    /// Exchanges the refresh token now, whatever the JWT's expiry (e.g. after Cleeng answered
    /// 401 to a JWT it revoked). Spends the refresh token. Joins a refresh already in flight
    /// instead of starting another; within the back-off window after a failure, returns that
    /// failure without a request.
    pub async fn refresh(&self) -> Result<Tokens, Error> {
        let in_flight = {
            let mut state = self.state();
            if let Some(why) = &state.rejected {
                return Err(Error::Auth(why.clone()));
            }
            self.join_or_start(&mut state).map_err(Error::Session)?
        };
        match in_flight.await {
            Outcome::Refreshed(tokens) => Ok(tokens),
            Outcome::Rejected(why) => Err(Error::Auth(why)),
            Outcome::Failed(error) => Err(Error::Session(error)),
        }
    }

    /// The current JWT when it is still usable (a failed refresh is no reason to stop sending a
    /// token Cleeng still accepts), else the failure.
    fn fallback(&self, state: &State, error: SessionError) -> Result<CustomerJwt, Error> {
        if state.rejected.is_none() && state.usable(&self.inner.timing, now()) {
            Ok(state.jwt())
        } else if let Some(why) = &state.rejected {
            Err(Error::Auth(why.clone()))
        } else {
            Err(Error::Session(error))
        }
    }

    /// The refresh in flight (joined), or a new one (started), or the cached failure when the
    /// last attempt failed within the back-off window. Called under the state lock, so exactly
    /// one caller starts each refresh.
    fn join_or_start(&self, state: &mut State) -> Result<InFlight, SessionError> {
        if let Some(in_flight) = &state.in_flight {
            return Ok(in_flight.clone());
        }
        if let Some((at, error)) = &state.failed {
            if at.elapsed() < self.inner.timing.backoff {
                return Err(error.clone());
            }
        }
        let weak = Arc::downgrade(&self.inner);
        let client = self.inner.refresher.clone();
        let refresh_token = state.tokens.refresh_token.clone();
        let future: Pin<Box<dyn Future<Output = Outcome> + Send>> =
            Box::pin(refresh_once(weak, client, refresh_token));
        let shared = future.shared();
        state.in_flight = Some(shared.clone());
        Ok(shared)
    }
}

fn lock(inner: &Inner) -> MutexGuard<'_, State> {
    // A panic elsewhere while holding the lock leaves a consistent State (every write is a
    // single assignment), so a poisoned lock is still usable.
    inner.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One refresh-token exchange, shared by every caller that waits for it. Holds the session
/// weakly (the future lives in the session's own state while in flight), records the outcome
/// in the state and clears the in-flight slot.
async fn refresh_once(inner: Weak<Inner>, client: Client, refresh_token: Secret) -> Outcome {
    let result = client.refresh_token().body_map(|b| b.refresh_token(refresh_token)).call().await;
    let received_at = now();
    let fresh = result.and_then(unwrap_envelope).and_then(|pair| {
        let tokens = Tokens::try_from(pair)?;
        let claims = Claims::from_jwt(tokens.jwt.expose())?;
        Ok((tokens, claims))
    });
    let Some(inner) = inner.upgrade() else {
        return Outcome::Failed(SessionError::RefreshFailed(Arc::new(Error::Auth(
            "the session was dropped during its refresh".into(),
        ))));
    };
    let timing = inner.timing;
    let outcome = match fresh {
        Ok((tokens, claims)) => {
            // The hook runs before the new tokens are visible: no request uses them before the
            // application has had the chance to store the rotated refresh token.
            if let Some(hook) = &inner.on_refresh {
                hook(&tokens);
            }
            let expires_in = claims.expires_at - received_at;
            let required = timing.skew + timing.min_validity;
            let mut state = lock(&inner);
            *state = State::new(tokens.clone(), claims, &timing, Some(received_at));
            if expires_in < secs(required) {
                // The rotated tokens are kept (the old refresh token is spent), but this JWT
                // cannot be relied on: report it, and do not refresh again before the back-off
                // window has passed.
                let error = SessionError::ShortLived { expires_in, required };
                state.failed = Some((Instant::now(), error.clone()));
                Outcome::Failed(error)
            } else {
                Outcome::Refreshed(tokens)
            }
        }
        Err(error) if is_rejection(&error) => {
            let why = format!("the refresh token was rejected, the customer must log in again ({error})");
            lock(&inner).rejected = Some(why.clone());
            Outcome::Rejected(why)
        }
        // Transport failures, timeouts, 429 and 5xx: the token may still be good; the next
        // attempt after the back-off window tries again.
        Err(error) => {
            let error = SessionError::RefreshFailed(Arc::new(error));
            lock(&inner).failed = Some((Instant::now(), error.clone()));
            Outcome::Failed(error)
        }
    };
    lock(&inner).in_flight = None;
    outcome
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
    /// were refused with the same token; none within the back-off window after a failure.
    fn renew(&self, rejected: CustomerJwt) -> RenewFuture<'_> {
        Box::pin(async move {
            let in_flight = {
                let mut state = self.state();
                if state.rejected.is_some() {
                    return false;
                }
                if state.in_flight.is_none() && state.tokens.jwt.expose() != rejected.expose() {
                    return true;
                }
                match self.join_or_start(&mut state) {
                    Ok(in_flight) => in_flight,
                    Err(_) => return false,
                }
            };
            matches!(in_flight.await, Outcome::Refreshed(_))
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
            .field("refreshing", &state.in_flight.is_some())
            .field("last_refresh_failed", &state.failed.is_some())
            .finish_non_exhaustive()
    }
}
