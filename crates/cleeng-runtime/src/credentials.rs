//! Credentials that never leak into logs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::Error;

/// A secret string (token, JWT, password). `Debug` and `Display` print `[redacted]`; the value
/// is only reachable through [`Secret::expose`], so leaking it takes a deliberate call.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// The secret value itself. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".into()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("password".into()),
            ..Default::default()
        }
        .into()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret::new(value.as_str())
    }
}

/// The publisher's API token (the Cleeng dashboard's API Keys page), sent as `X-Publisher-Token`.
/// Server-side only: never ship it to a browser or an app.
#[derive(Clone, PartialEq, Eq)]
pub struct PublisherToken(Secret);

impl PublisherToken {
    /// Wraps a publisher token: a `String`, a `&str`, or a [`Secret`] you already hold.
    pub fn new(token: impl Into<Secret>) -> Self {
        PublisherToken(token.into())
    }

    /// The token itself. Never log it.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for PublisherToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublisherToken([redacted])")
    }
}

/// A customer's JWT as issued by Cleeng's login calls, sent as `Authorization: Bearer <jwt>`.
#[derive(Clone, PartialEq, Eq)]
pub struct CustomerJwt(Secret);

impl CustomerJwt {
    /// Wraps a customer JWT: a `String`, a `&str`, or the [`Secret`] a login call returned
    /// (`CustomerJwt::new(tokens.jwt)`), without exposing it on the way.
    pub fn new(jwt: impl Into<Secret>) -> Self {
        CustomerJwt(jwt.into())
    }

    /// The JWT itself. Never log it.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for CustomerJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CustomerJwt([redacted])")
    }
}

/// The future a [`BearerSource`] returns.
pub type BearerFuture<'a> = Pin<Box<dyn Future<Output = Result<CustomerJwt, Error>> + Send + 'a>>;

/// The future [`BearerSource::renew`] returns: `true` once a new token is ready.
pub type RenewFuture<'a> = Pin<Box<dyn Future<Output = bool> + Send + 'a>>;

/// Supplies the customer JWT for each request that needs one.
///
/// A fixed [`CustomerJwt`] is a source; so is a session that refreshes the token before it
/// expires (see `cleeng-mediastore`). The runtime asks for the token once per request, right
/// before sending, so a refreshed token is picked up without rebuilding the client.
pub trait BearerSource: Send + Sync {
    /// The JWT to send now, or an error (e.g. the refresh failed: the customer must log in again).
    fn bearer(&self) -> BearerFuture<'_>;

    /// Cleeng answered `401` to `rejected` (revoked, or expired early). Return `true` once a new
    /// token is available from [`BearerSource::bearer`]: the runtime then sends the request once
    /// more with it (safe for any method: a 401 means nothing was done). The default, for a
    /// fixed token, is `false`: the 401 reaches the caller.
    fn renew(&self, rejected: CustomerJwt) -> RenewFuture<'_> {
        let _ = rejected;
        Box::pin(async { false })
    }
}

impl BearerSource for CustomerJwt {
    fn bearer(&self) -> BearerFuture<'_> {
        let jwt = self.clone();
        Box::pin(async move { Ok(jwt) })
    }
}

/// The credentials a client holds; each request uses the first one its operation accepts.
#[derive(Clone, Default)]
pub struct Credentials {
    pub(crate) publisher: Option<PublisherToken>,
    pub(crate) customer: Option<Arc<dyn BearerSource>>,
    pub(crate) integration: Option<Secret>,
}

impl Credentials {
    /// No credentials: only public operations succeed.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds the publisher token.
    pub fn with_publisher_token(mut self, token: PublisherToken) -> Self {
        self.publisher = Some(token);
        self
    }

    /// Adds a fixed customer JWT.
    pub fn with_customer_jwt(mut self, jwt: CustomerJwt) -> Self {
        self.customer = Some(Arc::new(jwt));
        self
    }

    /// Adds a source of customer JWTs (e.g. a refreshing session).
    pub fn with_bearer_source(mut self, source: Arc<dyn BearerSource>) -> Self {
        self.customer = Some(source);
        self
    }

    /// Adds an Integration Hub secret (the dashboard's Auth0 Actions secret), for the calls
    /// that take one.
    pub fn with_integration_secret(mut self, secret: Secret) -> Self {
        self.integration = Some(secret);
        self
    }

    /// `true` when a publisher token is set.
    pub fn has_publisher_token(&self) -> bool {
        self.publisher.is_some()
    }

    /// `true` when a customer JWT (or source of them) is set.
    pub fn has_customer_jwt(&self) -> bool {
        self.customer.is_some()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("publisher_token", &self.publisher.as_ref().map(|_| "[redacted]"))
            .field("customer_jwt", &self.customer.as_ref().map(|_| "[redacted]"))
            .field("integration_secret", &self.integration.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl From<PublisherToken> for Credentials {
    fn from(token: PublisherToken) -> Self {
        Credentials::none().with_publisher_token(token)
    }
}

impl From<CustomerJwt> for Credentials {
    fn from(jwt: CustomerJwt) -> Self {
        Credentials::none().with_customer_jwt(jwt)
    }
}

impl From<()> for Credentials {
    fn from((): ()) -> Self {
        Credentials::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let creds = Credentials::none()
            .with_publisher_token(PublisherToken::new("pt-SECRET-123"))
            .with_customer_jwt(CustomerJwt::new("eyJ.SECRET.sig"))
            .with_integration_secret(Secret::new("ih-SECRET"));
        for text in [
            format!("{creds:?}"),
            format!("{:?}", PublisherToken::new("pt-SECRET-123")),
            format!("{:?}", CustomerJwt::new("eyJ.SECRET.sig")),
            format!("{:?} {}", Secret::new("SECRET"), Secret::new("SECRET")),
        ] {
            assert!(!text.contains("SECRET"), "{text}");
            assert!(text.contains("redacted"), "{text}");
        }
        assert_eq!(PublisherToken::new("abc").expose(), "abc");
    }
}
