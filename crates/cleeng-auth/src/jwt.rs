//! Verifying Cleeng JWTs on a publisher's backend, offline, against Cleeng's published keys.
//!
//! A customer's app sends its Cleeng JWT to your backend; before trusting the customer id in it,
//! check that Cleeng signed it and that it has not expired. [`JwtVerifier`] fetches the JSON Web
//! Key Set once (`getJwks`), keeps the keys, and checks each token locally with the
//! `jsonwebtoken` crate: no request per token, no hand-written cryptography.
//!
//! Key rotation: when a token names a key id (`kid`) the cached set does not have, the verifier
//! fetches the set again, at most once for that call. So that a flood of tokens with made-up key
//! ids cannot turn into a flood of requests, such refetches happen at most once per
//! [`JwtVerifier::min_refresh_interval`] (concurrent calls share one refetch).
//!
//! ```no_run
//! # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use cleeng_auth::{jwt::JwtVerifier, Client};
//!
//! let verifier = JwtVerifier::new(Client::sandbox(()));
//! let claims = verifier.verify(token).await?;
//! println!("customer {:?} of publisher {:?}", claims.customer_id, claims.publisher_id);
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Deserializer, Serialize};

use cleeng_runtime::Error;

use crate::types::{Jwk, Jwks};
use crate::{Client, ClientKeysExt};

/// Default for [`JwtVerifier::min_refresh_interval`].
pub const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// Default for [`JwtVerifier::leeway`]: tolerance for clock differences when checking `exp`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

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

/// Why a token was not accepted. None of the variants contains the token.
#[derive(Debug, thiserror::Error)]
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
    /// Any other reason the token was refused (an algorithm the key does not allow, a token not
    /// valid yet, claims that do not decode...).
    #[error("the token was rejected: {0}")]
    Rejected(String),
    /// The key set could not be fetched.
    #[error("cannot fetch Cleeng's key set: {0}")]
    KeySet(#[source] Box<Error>),
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
    /// Bumped on every successful fetch, so a caller can tell whether someone else fetched.
    generation: u64,
    /// When a fetch caused by an unknown key id last happened.
    refetched_at: Option<Instant>,
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

/// Verifies Cleeng JWTs against Cleeng's key set, fetched through `client` (any environment;
/// `getJwks` needs no credentials) and cached. Share one verifier (e.g. in an `Arc`) across
/// requests so the cache is shared too.
pub struct JwtVerifier {
    client: Client,
    keys: RwLock<KeySet>,
    fetching: tokio::sync::Mutex<()>,
    min_refresh_interval: Duration,
    leeway: Duration,
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.read().all.len();
        f.debug_struct("JwtVerifier")
            .field("base_url", &self.client.baseurl)
            .field("cached_keys", &keys)
            .field("min_refresh_interval", &self.min_refresh_interval)
            .field("leeway", &self.leeway)
            .finish()
    }
}

impl JwtVerifier {
    /// A verifier that fetches keys with `client`; nothing is fetched until the first token.
    pub fn new(client: Client) -> Self {
        JwtVerifier {
            client,
            keys: RwLock::new(KeySet::default()),
            fetching: tokio::sync::Mutex::new(()),
            min_refresh_interval: DEFAULT_MIN_REFRESH_INTERVAL,
            leeway: DEFAULT_LEEWAY,
        }
    }

    /// The least time between two refetches caused by unknown key ids (default
    /// [`DEFAULT_MIN_REFRESH_INTERVAL`]). Within it, a token with an unknown key id is refused
    /// without a request.
    pub fn min_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_refresh_interval = interval;
        self
    }

    /// Tolerance for clock differences when checking `exp` and `nbf` (default [`DEFAULT_LEEWAY`]).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Checks `token`'s signature against Cleeng's key set and its expiry against the clock, and
    /// returns its claims. Sends at most one request (the key set) per call, and only when the
    /// token's key is not cached.
    pub async fn verify(&self, token: &str) -> Result<CleengClaims, JwtError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| JwtError::Malformed(e.to_string()))?;
        let kid = header.kid.as_deref();
        let (cached, generation, loaded) = {
            let set = self.read();
            (set.find(kid), set.generation, set.generation > 0)
        };
        let key = match cached {
            Ok(key) => key,
            Err(_) => self.refresh(kid, generation, loaded).await?,
        };
        self.check(token, header.alg, &key)
    }

    /// Fetches the key set for a key id the cache lacks, unless another call already did so
    /// after we looked, or an unknown-key refetch happened within the interval.
    async fn refresh(
        &self,
        kid: Option<&str>,
        seen_generation: u64,
        loaded: bool,
    ) -> Result<Arc<VerifyingKey>, JwtError> {
        let _one_at_a_time = self.fetching.lock().await;
        {
            let set = self.read();
            if set.generation != seen_generation {
                return set.find(kid);
            }
            if loaded {
                if let Some(at) = set.refetched_at {
                    if at.elapsed() < self.min_refresh_interval {
                        return set.find(kid);
                    }
                }
            }
        }
        let jwks = self.client.get_jwks().call().await.map_err(|e| JwtError::KeySet(Box::new(e)))?;
        let mut fresh = key_set(&jwks);
        let mut set = self.keys.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        fresh.generation = set.generation + 1;
        fresh.refetched_at = if loaded { Some(Instant::now()) } else { set.refetched_at };
        *set = fresh;
        set.find(kid)
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

    fn read(&self) -> std::sync::RwLockReadGuard<'_, KeySet> {
        self.keys.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
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
