//! What a customer JWT says about itself: customer, publisher, expiry.
//!
//! A session needs the customer id (My Account paths carry it) and the expiry (to refresh in
//! time). Both are in the JWT payload, so they are read from it: the middle part is
//! base64url-decoded and parsed as JSON. The signature is NOT checked here: the token came from
//! Cleeng over TLS and is only sent back to Cleeng; verifying it against Cleeng's keys is
//! `cleeng-auth`'s job.

use base64::Engine as _;
use cleeng_runtime::Error;
use serde::Deserialize;

/// The claims of a Cleeng customer JWT that the SDK uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claims {
    /// `customerId`: the customer the token belongs to.
    pub customer_id: i64,
    /// `publisherId`, when the token carries one.
    pub publisher_id: Option<i64>,
    /// `exp`: Unix seconds after which Cleeng rejects the token.
    pub expires_at: i64,
}

/// An id Cleeng may write as a number or as a string of digits.
#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Number(i64),
    Text(String),
}

impl Id {
    fn get(self) -> Option<i64> {
        match self {
            Id::Number(n) => Some(n),
            Id::Text(s) => s.trim().parse().ok(),
        }
    }
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "customerId")]
    customer_id: Option<Id>,
    #[serde(rename = "publisherId")]
    publisher_id: Option<Id>,
    exp: Option<serde_json::Number>,
}

impl Claims {
    /// Reads the claims from a JWT (`header.payload.signature`). A token that is not a JWT, or
    /// lacks `customerId` or `exp`, is an [`Error::Auth`]: a session cannot be built on it.
    pub fn from_jwt(jwt: &str) -> Result<Claims, Error> {
        let bad = |why: &str| Error::Auth(format!("the customer JWT cannot be read: {why}"));
        let mut parts = jwt.split('.');
        let (Some(_header), Some(payload), Some(_signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("it does not have three dot-separated parts"));
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| bad("its payload is not base64url"))?;
        let payload: Payload =
            serde_json::from_slice(&bytes).map_err(|_| bad("its payload is not a JSON object"))?;
        let customer_id = payload
            .customer_id
            .and_then(Id::get)
            .ok_or_else(|| bad("it has no numeric customerId claim"))?;
        let expires_at = payload
            .exp
            .and_then(|n| n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)))
            .ok_or_else(|| bad("it has no exp claim"))?;
        Ok(Claims {
            customer_id,
            publisher_id: payload.publisher_id.and_then(Id::get),
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!("{}.{}.sig", e.encode(r#"{"alg":"RS256"}"#), e.encode(payload))
    }

    #[test]
    fn reads_numbers_and_digit_strings() {
        let c = Claims::from_jwt(&jwt(r#"{"customerId":123456789,"publisherId":"987654321","exp":1700000000}"#)).unwrap();
        assert_eq!(
            c,
            Claims { customer_id: 123456789, publisher_id: Some(987654321), expires_at: 1700000000 }
        );
        let c = Claims::from_jwt(&jwt(r#"{"customerId":"42","exp":1.7e9}"#)).unwrap();
        assert_eq!(c, Claims { customer_id: 42, publisher_id: None, expires_at: 1_700_000_000 });
    }

    #[test]
    fn refuses_what_is_not_a_usable_jwt() {
        for token in [
            "not-a-jwt".to_string(),
            "a.b".to_string(),
            "a.b.c.d".to_string(),
            "a.!!!.c".to_string(),
            jwt("[1,2]"),
            jwt(r#"{"exp":1700000000}"#),
            jwt(r#"{"customerId":"abc","exp":1700000000}"#),
            jwt(r#"{"customerId":1}"#),
        ] {
            let err = Claims::from_jwt(&token).unwrap_err();
            assert!(matches!(err, Error::Auth(_)), "{token}: {err:?}");
        }
    }
}
