//! Customer JWTs: signed with a test RSA key shipped in this crate, verifiable with the key set
//! the mock serves at the Auth API's `/.well-known/jwks.json`.
//!
//! The key is public on purpose (see `keys/README.md`): the mock is for tests and demos, and a
//! fixed key lets a token minted by one mock run be checked by another.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const PRIVATE_PEM: &str = include_str!("../keys/test-rsa.pem");
const MODULUS: &str = include_str!("../keys/test-rsa.n");
const EXPONENT: &str = "AQAB";
/// The `kid` of the mock's only key.
pub const KEY_ID: &str = "cleeng-mock-test-key";
/// How long a customer JWT lives (Cleeng's are short-lived too).
pub const JWT_LIFETIME_SECS: i64 = 3600;

/// Claims the mock puts in a customer JWT (the ones Cleeng documents: customer, publisher, expiry).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    /// The customer.
    pub customer_id: i64,
    /// The publisher.
    pub publisher_id: i64,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Issued at, Unix seconds.
    pub iat: i64,
}

/// Signs and checks customer JWTs.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys { kid: \"cleeng-mock-test-key\", .. }")
    }
}

impl Keys {
    /// Loads the shipped key pair.
    pub fn load() -> Result<Keys, String> {
        let encoding = EncodingKey::from_rsa_pem(PRIVATE_PEM.as_bytes())
            .map_err(|e| format!("the mock's test key does not load: {e}"))?;
        let decoding = DecodingKey::from_rsa_components(MODULUS.trim(), EXPONENT)
            .map_err(|e| format!("the mock's public key does not load: {e}"))?;
        Ok(Keys { encoding, decoding })
    }

    /// A JWT for `customer_id` of `publisher_id`, valid for [`JWT_LIFETIME_SECS`].
    pub fn sign(&self, customer_id: i64, publisher_id: i64, now: i64) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KEY_ID.to_string());
        let claims = Claims {
            customer_id,
            publisher_id,
            exp: now + JWT_LIFETIME_SECS,
            iat: now,
        };
        // Signing with a loaded RSA key only fails on a broken key, which `load` rules out.
        jsonwebtoken::encode(&header, &claims, &self.encoding).unwrap_or_default()
    }

    /// The claims of a valid, unexpired token signed by this key.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        validation.required_spec_claims = ["exp".to_string()].into_iter().collect();
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| e.to_string())
    }

    /// The JSON Web Key Set with the public key (RFC 7517).
    pub fn jwks(&self) -> Value {
        json!({
            "keys": [{
                "kty": "RSA",
                "kid": KEY_ID,
                "use": "sig",
                "alg": "RS256",
                "n": MODULUS.trim(),
                "e": EXPONENT,
            }]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_tokens_verify_with_the_served_key_set() {
        let keys = Keys::load().unwrap();
        let now = 1_700_000_000_i64.max(crate::state::now());
        let token = keys.sign(42, 7, now);
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.customer_id, claims.publisher_id), (42, 7));
        // The JWKS components alone verify it too.
        let jwk = &keys.jwks()["keys"][0];
        let key = DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap()).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        assert!(jsonwebtoken::decode::<Claims>(&token, &key, &validation).is_ok());
        // A tampered token does not.
        let mut bad = token.clone();
        bad.push('x');
        assert!(keys.verify(&bad).is_err());
        assert!(keys.verify(&keys.sign(1, 1, now - 2 * JWT_LIFETIME_SECS)).is_err());
    }
}
