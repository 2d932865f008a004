//! Verifying Cleeng JWTs on a publisher's backend, offline, against Cleeng's published keys.
//!
//! A customer's app sends its Cleeng JWT to your backend; before trusting the customer id in it,
//! check that Cleeng signed it, that it was issued for **your** publisher, and that it has not
//! expired. [`JwtVerifier`] fetches the JSON Web Key Set once (`getJwks`), keeps the keys, and
//! checks each token locally with the `jsonwebtoken` crate: no request per token, no
//! hand-written cryptography.
//!
//! What a verified token is guaranteed to be:
//! * signed by a key in Cleeng's key set, with an algorithm that key allows (`alg: none`, an
//!   HMAC token keyed with public material, symmetric `oct` keys are all refused);
//! * issued for the publisher the verifier was built for: every Cleeng customer token of
//!   *every* publisher is signed with the same keys, so without this check a customer of
//!   another publisher would pass. The expected publisher id is an argument of
//!   [`JwtVerifier::new`], so it cannot be forgotten; a token without `publisherId` fails too;
//! * within its validity (`exp`, and `nbf` when present), give or take [`JwtVerifier::leeway`];
//! * when set with [`JwtVerifier::issuer`] / [`JwtVerifier::audience`], from that issuer and
//!   for that audience (Cleeng documents only `customerId`, `publisherId` and the expiry, so
//!   these are off unless you have seen them in your tokens).
//!
//! Each mismatch is its own [`JwtError`] variant.
//!
//! Key rotation: when a token names a key id (`kid`) the cached set does not have, the verifier
//! fetches the set again, at most once for that call. So that a flood of tokens with made-up key
//! ids cannot turn into a flood of requests, such refetches happen at most once per
//! [`JwtVerifier::min_refresh_interval`]. Concurrent calls that need the key set share one
//! fetch and its outcome; a failed fetch is remembered for the same interval and handed to
//! every caller in it without a request (no queue of callers each trying in turn). The key set
//! response is read up to [`JwtVerifier::max_key_set_bytes`] and refused beyond.
//!
//! ```no_run
//! # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use cleeng_auth::{jwt::JwtVerifier, Client};
//!
//! let verifier = JwtVerifier::new(Client::sandbox(()), 123_456_789);
//! let claims = verifier.verify(token).await?;
//! println!("customer {:?} of publisher {:?}", claims.customer_id, claims.publisher_id);
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::future::{FutureExt, Shared};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Deserializer, Serialize};

use cleeng_runtime::Error;

use crate::types::{Jwk, Jwks};
use crate::Client;

/// Default for [`JwtVerifier::min_refresh_interval`].
pub const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// Default for [`JwtVerifier::leeway`]: tolerance for clock differences when checking `exp`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

/// Default for [`JwtVerifier::max_key_set_bytes`]: a key set of a few RSA keys is 1-3 KiB.
pub const DEFAULT_MAX_KEY_SET_BYTES: usize = 64 * 1024;

/// What a verified Cleeng JWT says. `customerId` and `publisherId` are read whether Cleeng sends
/// them as numbers or as numeric strings; claims this type does not name are kept in `other`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleengClaims {
    /// The customer the token was issued to.
    #[serde(rename = "customerId", default, deserialize_with = "numeric_id")]
    pub customer_id: Option<i64>,
    /// The publisher (called `broadcasterId` in device login) the customer belongs to.
    #[serde(rename = "publisherId", alias = "broadcasterId", default, deserialize_with = "numeric_id")]
    pub publisher_id: Option<i64>,
    /// Expiry, Unix seconds.
    pub exp: u64,
    /// Issue time, Unix seconds, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    /// Every other claim, as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl CleengClaims {
    /// `exp` as a time.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.exp)
    }
}

fn numeric_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error as _;
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| D::Error::custom("an id that is not a whole number")),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom("an id that is not numeric")),
        Some(_) => Err(D::Error::custom("an id that is neither a number nor a string")),
    }
}

/// Why a token was not accepted. None of the variants contains the token. Cheap to clone: a
/// failed key-set fetch is handed to every caller that waited for it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// Not a JWT (wrong number of parts, bad base64, bad header JSON).
    #[error("not a valid JWT: {0}")]
    Malformed(String),
    /// The token names no key id and the key set has more than one key.
    #[error("the token names no key id (kid) and the key set has several keys")]
    MissingKeyId,
    /// No key with this id, even after refetching the key set (or within the refetch interval).
    #[error("no key with id {kid:?} in Cleeng's key set")]
    UnknownKey {
        /// The key id the token named.
        kid: String,
    },
    /// The signature does not match the key: the token was altered or signed by someone else.
    #[error("the signature is not valid")]
    InvalidSignature,
    /// The token has expired (beyond the leeway).
    #[error("the token has expired")]
    Expired,
    /// A valid Cleeng token, but issued for another publisher (or naming none).
    #[error("the token was issued for publisher {found:?}, not {expected}")]
    PublisherMismatch {
        /// The publisher the verifier was built for.
        expected: i64,
        /// The token's `publisherId` (`None`: the token has none).
        found: Option<i64>,
    },
    /// The token's `iss` is not the issuer set with [`JwtVerifier::issuer`].
    #[error("the token's issuer is {found:?}, not {expected:?}")]
    IssuerMismatch {
        /// The issuer required.
        expected: String,
        /// The token's `iss` (`None`: absent or not a string).
        found: Option<String>,
    },
    /// The token's `aud` does not include the audience set with [`JwtVerifier::audience`].
    #[error("the token's audience {found:?} does not include {expected:?}")]
    AudienceMismatch {
        /// The audience required.
        expected: String,
        /// The token's `aud` values (empty: absent).
        found: Vec<String>,
    },
    /// Any other reason the token was refused (an algorithm the key does not allow, a token not
    /// valid yet, claims that do not decode...).
    #[error("the token was rejected: {0}")]
    Rejected(String),
    /// The key set could not be fetched. Within [`JwtVerifier::min_refresh_interval`] after
    /// the failure, every call needing the key set gets this same error without a request.
    #[error("cannot fetch Cleeng's key set: {0}")]
    KeySet(#[source] Arc<Error>),
    /// The key set response was larger than [`JwtVerifier::max_key_set_bytes`]; it was not
    /// read further.
    #[error("Cleeng's key set response is larger than {limit} bytes")]
    KeySetTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

/// One usable key and the algorithms it may verify.
struct VerifyingKey {
    key: DecodingKey,
    algorithms: Vec<Algorithm>,
}

#[derive(Default)]
struct KeySet {
    by_kid: HashMap<String, Arc<VerifyingKey>>,
    all: Vec<Arc<VerifyingKey>>,
}

impl KeySet {
    fn find(&self, kid: Option<&str>) -> Result<Arc<VerifyingKey>, JwtError> {
        match kid {
            Some(kid) => self
                .by_kid
                .get(kid)
                .cloned()
                .ok_or_else(|| JwtError::UnknownKey { kid: kid.to_string() }),
            None => match self.all.as_slice() {
                [only] => Ok(only.clone()),
                _ => Err(JwtError::MissingKeyId),
            },
        }
    }
}

/// A key-set fetch in flight, shared by every caller that needs it.
type Fetch = Shared<Pin<Box<dyn Future<Output = Result<(), JwtError>> + Send>>>;

/// The cache: the keys, the fetch in flight, and the last fetch's time and failure.
#[derive(Default)]
struct Cache {
    keys: Arc<KeySet>,
    /// Whether a fetch ever succeeded (the first load is not rate-limited).
    loaded: bool,
    /// When the last fetch after the first load ended (unknown key ids are rate-limited).
    refetched_at: Option<Instant>,
    /// The last fetch's failure and when it ended, kept for the refresh interval.
    failed: Option<(Instant, JwtError)>,
    in_flight: Option<Fetch>,
}

/// What the shared fetch future needs: the client and the cache.
struct Fetcher {
    client: Client,
    cache: Mutex<Cache>,
}

/// Verifies Cleeng JWTs for one publisher against Cleeng's key set, fetched through `client`
/// (any environment; `getJwks` needs no credentials) and cached. Share one verifier (e.g. in
/// an `Arc`) across requests so the cache is shared too.
pub struct JwtVerifier {
    fetcher: Arc<Fetcher>,
    publisher_id: i64,
    issuer: Option<String>,
    audience: Option<String>,
    min_refresh_interval: Duration,
    leeway: Duration,
    max_key_set_bytes: usize,
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.cache().keys.all.len();
        f.debug_struct("JwtVerifier")
            .field("base_url", &self.fetcher.client.baseurl)
            .field("publisher_id", &self.publisher_id)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("cached_keys", &keys)
            .field("min_refresh_interval", &self.min_refresh_interval)
            .field("leeway", &self.leeway)
            .field("max_key_set_bytes", &self.max_key_set_bytes)
            .finish()
    }
}

impl JwtVerifier {
    /// A verifier for tokens of the publisher `publisher_id` (the `publisherId` claim; your
    /// publisher id in Cleeng's dashboard), fetching keys with `client`. Nothing is fetched
    /// until the first token.
    pub fn new(client: Client, publisher_id: i64) -> Self {
        JwtVerifier {
            fetcher: Arc::new(Fetcher { client, cache: Mutex::new(Cache::default()) }),
            publisher_id,
            issuer: None,
            audience: None,
            min_refresh_interval: DEFAULT_MIN_REFRESH_INTERVAL,
            leeway: DEFAULT_LEEWAY,
            max_key_set_bytes: DEFAULT_MAX_KEY_SET_BYTES,
        }
    }

    /// Also require `iss` to equal `issuer` (off by default: Cleeng does not document it).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Also require `aud` (a string or a list) to contain `audience` (off by default: Cleeng
    /// does not document it).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The publisher id tokens must carry.
    pub fn publisher_id(&self) -> i64 {
        self.publisher_id
    }

    /// The least time between two fetches of the key set after the first load (default
    /// [`DEFAULT_MIN_REFRESH_INTERVAL`]). Within it, a token with an unknown key id is refused
    /// without a request, and a failed fetch is reported again without a request.
    pub fn min_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_refresh_interval = interval;
        self
    }

    /// Tolerance for clock differences when checking `exp` and `nbf` (default [`DEFAULT_LEEWAY`]).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// The largest key-set response read, in bytes (default [`DEFAULT_MAX_KEY_SET_BYTES`]); a
    /// larger one is [`JwtError::KeySetTooLarge`].
    pub fn max_key_set_bytes(mut self, limit: usize) -> Self {
        self.max_key_set_bytes = limit;
        self
    }

    /// Checks `token`'s signature against Cleeng's key set, its publisher (and issuer and
    /// audience, when set) and its expiry against the clock, and returns its claims. Sends at
    /// most one request (the key set) per call, and only when the token's key is not cached
    /// and no fetch happened (or failed) within the refresh interval.
    pub async fn verify(&self, token: &str) -> Result<CleengClaims, JwtError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| JwtError::Malformed(e.to_string()))?;
        let kid = header.kid.as_deref();
        let keys = self.cache().keys.clone();
        let key = match keys.find(kid) {
            Ok(key) => key,
            Err(_) => self.refresh(kid).await?,
        };
        let claims = self.check(token, header.alg, &key)?;
        self.check_claims(&claims)?;
        Ok(claims)
    }

    fn cache(&self) -> MutexGuard<'_, Cache> {
        lock(&self.fetcher)
    }

    /// Finds `kid` after joining the fetch in flight or starting one, unless a fetch happened
    /// (or failed) within the refresh interval: then the cached keys (or failure) answer.
    async fn refresh(&self, kid: Option<&str>) -> Result<Arc<VerifyingKey>, JwtError> {
        let fetch = {
            let mut cache = self.cache();
            match &cache.in_flight {
                Some(fetch) => fetch.clone(),
                None => {
                    let interval = self.min_refresh_interval;
                    if let Some((at, error)) = &cache.failed {
                        if at.elapsed() < interval {
                            return Err(error.clone());
                        }
                    }
                    if cache.loaded && cache.refetched_at.is_some_and(|at| at.elapsed() < interval) {
                        return cache.keys.find(kid);
                    }
                    let future: Pin<Box<dyn Future<Output = Result<(), JwtError>> + Send>> =
                        Box::pin(fetch_into_cache(Arc::downgrade(&self.fetcher), self.max_key_set_bytes));
                    let fetch = future.shared();
                    cache.in_flight = Some(fetch.clone());
                    fetch
                }
            }
        };
        fetch.await?;
        let keys = self.cache().keys.clone();
        keys.find(kid)
    }

    fn check(&self, token: &str, alg: Algorithm, key: &VerifyingKey) -> Result<CleengClaims, JwtError> {
        if !key.algorithms.contains(&alg) {
            return Err(JwtError::Rejected(format!("algorithm {alg:?} is not allowed for this key")));
        }
        let mut validation = Validation::new(alg);
        validation.algorithms = key.algorithms.clone();
        validation.leeway = self.leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        // Audience and issuer are compared below, with errors that say what was found.
        validation.validate_aud = false;
        jsonwebtoken::decode::<CleengClaims>(token, &key.key, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => JwtError::InvalidSignature,
                ErrorKind::ExpiredSignature => JwtError::Expired,
                ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Utf8(_) => {
                    JwtError::Malformed(e.to_string())
                }
                _ => JwtError::Rejected(e.to_string()),
            })
    }

    /// The checks on a correctly signed, unexpired token: publisher, then issuer and audience
    /// when required.
    fn check_claims(&self, claims: &CleengClaims) -> Result<(), JwtError> {
        if claims.publisher_id != Some(self.publisher_id) {
            return Err(JwtError::PublisherMismatch { expected: self.publisher_id, found: claims.publisher_id });
        }
        if let Some(expected) = &self.issuer {
            let found = claims.other.get("iss").and_then(serde_json::Value::as_str);
            if found != Some(expected.as_str()) {
                return Err(JwtError::IssuerMismatch { expected: expected.clone(), found: found.map(str::to_string) });
            }
        }
        if let Some(expected) = &self.audience {
            let found: Vec<String> = match claims.other.get("aud") {
                Some(serde_json::Value::String(one)) => vec![one.clone()],
                Some(serde_json::Value::Array(many)) => {
                    many.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
                }
                _ => Vec::new(),
            };
            if !found.iter().any(|aud| aud == expected) {
                return Err(JwtError::AudienceMismatch { expected: expected.clone(), found });
            }
        }
        Ok(())
    }
}

fn lock(fetcher: &Fetcher) -> MutexGuard<'_, Cache> {
    // Every write is a single assignment: a poisoned lock still holds a consistent cache.
    fetcher.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One key-set fetch, shared by every caller waiting for it: records the keys (or the failure)
/// and the time in the cache, and clears the in-flight slot. Holds the verifier weakly (the
/// future lives in the verifier's own cache while in flight).
async fn fetch_into_cache(fetcher: Weak<Fetcher>, max_bytes: usize) -> Result<(), JwtError> {
    let Some(strong) = fetcher.upgrade() else {
        return Err(JwtError::Rejected("the verifier was dropped".into()));
    };
    let client = strong.client.clone();
    drop(strong);
    let result = fetch_key_set(&client, max_bytes).await.map(|jwks| key_set(&jwks));
    let Some(strong) = fetcher.upgrade() else {
        return result.map(|_| ());
    };
    let mut cache = lock(&strong);
    cache.in_flight = None;
    let now = Instant::now();
    if cache.loaded {
        cache.refetched_at = Some(now);
    }
    match result {
        Ok(keys) => {
            cache.keys = Arc::new(keys);
            cache.loaded = true;
            cache.failed = None;
            Ok(())
        }
        Err(error) => {
            cache.failed = Some((now, error.clone()));
            Err(error)
        }
    }
}

/// `GET /.well-known/jwks.json` through the client's runtime (timeouts, retries, error
/// mapping), reading at most `max_bytes` of the body.
async fn fetch_key_set(client: &Client, max_bytes: usize) -> Result<Jwks, JwtError> {
    use progenitor_client::{ByteStream, Error as P, ResponseValue};
    let failed = |e: Error| JwtError::KeySet(Arc::new(e.with_operation("getJwks")));
    let url = format!("{}/.well-known/jwks.json", client.baseurl);
    let request = client
        .client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .build()
        .map_err(|e| failed(Error::InvalidRequest { operation: None, message: e.to_string() }))?;
    // The runtime reads the body within the attempt and stops at `max_bytes` (or the client's
    // own limit, if smaller).
    let mut response = client
        .inner
        .execute_with_limit(&client.client, request, "get_jwks", max_bytes as u64)
        .await
        .map_err(|e| failed(Error::from(P::<ByteStream>::CommunicationError(e))))?;
    let too_large = JwtError::KeySetTooLarge { limit: max_bytes };
    match response.status().as_u16() {
        200 => {}
        400..=599 => return Err(failed(Error::from(P::ErrorResponse(ResponseValue::stream(response))))),
        // Includes the runtime's own failures, carried in a synthetic response.
        _ => {
            return Err(match Error::from(P::<ByteStream>::UnexpectedResponse(response)) {
                Error::ResponseTooLarge { limit, .. } if limit == max_bytes as u64 => too_large,
                other => failed(other),
            })
        }
    }
    if response.content_length().is_some_and(|len| len > max_bytes as u64) {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| failed(Error::from(P::<ByteStream>::ResponseBodyError(e))))?
    {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| {
        failed(Error::Decode { operation: None, path: None, message: e.to_string(), body: body.clone().into() })
    })
}

/// The usable signing keys of a key set. Keys meant for encryption (`use: enc`), of an unknown
/// type, or whose numbers do not decode are skipped.
fn key_set(jwks: &Jwks) -> KeySet {
    let mut set = KeySet::default();
    for jwk in &jwks.keys {
        if jwk.use_.as_deref().is_some_and(|u| u != "sig") {
            continue;
        }
        let Some(key) = verifying_key(jwk) else { continue };
        let key = Arc::new(key);
        if let Some(kid) = &jwk.kid {
            set.by_kid.insert(kid.clone(), key.clone());
        }
        set.all.push(key);
    }
    set
}

fn verifying_key(jwk: &Jwk) -> Option<VerifyingKey> {
    let (key, family) = match jwk.kty.as_str() {
        "RSA" => (
            DecodingKey::from_rsa_components(jwk.n.as_deref()?, jwk.e.as_deref()?).ok()?,
            vec![
                Algorithm::RS256,
                Algorithm::RS384,
                Algorithm::RS512,
                Algorithm::PS256,
                Algorithm::PS384,
                Algorithm::PS512,
            ],
        ),
        "EC" => {
            let alg = match jwk.crv.as_deref()? {
                "P-256" => Algorithm::ES256,
                "P-384" => Algorithm::ES384,
                _ => return None,
            };
            (DecodingKey::from_ec_components(jwk.x.as_deref()?, jwk.y.as_deref()?).ok()?, vec![alg])
        }
        "OKP" if jwk.crv.as_deref() == Some("Ed25519") => {
            (DecodingKey::from_ed_components(jwk.x.as_deref()?).ok()?, vec![Algorithm::EdDSA])
        }
        _ => return None,
    };
    // A key that names its algorithm allows only that one (if it fits the key type).
    let algorithms = match jwk.alg.as_deref().map(Algorithm::from_str) {
        Some(Ok(alg)) if family.contains(&alg) => vec![alg],
        Some(_) => return None,
        None => family,
    };
    Some(VerifyingKey { key, algorithms })
}
