//! Offer ids, country codes and currencies: one type each, shared by every family and every
//! operation.
//!
//! Cleeng's offer id is the same concept in a subscription, an entitlement, a MediaStore order
//! and the Offer API's paths, so it has one Rust type: an id read from one response is passed,
//! as it is, to any other call. The localized form (`S123123123_US`, what subscriptions and
//! MediaStore carry) and the short form (`S123123123`, what the Offer API's paths take) are the
//! same type; [`OfferId::base`] and [`OfferId::country`] split the first into the second and its
//! [`CountryCode`].
//!
//! What a caller builds is checked (`OfferId::try_from("S123123123_US")`, a typo is an error
//! before anything is sent); what Cleeng sends is taken as it is, so an id in a format the
//! documentation does not show cannot make a whole response fail to decode.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Cleeng offer id: `S123123123` or, localized, `S123123123_US`.
///
/// Cleeng's ids are a letter for the offer type (S subscription, P pass, E event, A live, R
/// rental), nine digits and, localized, `_` and a country code. Only the characters are checked
/// (letters, digits, `_`, `-`; 1 to 64 of them), not that shape: Cleeng's pages do not bind it,
/// and a client-side bound would refuse ids Cleeng may issue later (audit findings AUD-24/26/36/37).
/// The check still keeps a path parameter from changing the request (`..`, `/`, `?`).
/// Compare with a string directly (`id == "S123123123_US"`); `Display` and [`OfferId::as_str`]
/// give the text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfferId(String);

/// Why a value is not an offer id or a country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not {expected}")]
pub struct InvalidId {
    value: String,
    expected: &'static str,
}

impl OfferId {
    const EXPECTED: &'static str = "an offer id (1 to 64 letters, digits, _ or -, e.g. S123123123_US)";

    /// Checks that `id` is made of letters, digits, `_` and `-` (1 to 64 of them).
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidId> {
        let id = id.into();
        if is_offer_id(&id) {
            Ok(OfferId(id))
        } else {
            Err(InvalidId { value: id, expected: Self::EXPECTED })
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The short id without the country suffix (`S123123123` for `S123123123_US`), which the
    /// Offer API's paths take; the id itself when it has no suffix.
    pub fn base(&self) -> OfferId {
        match self.split() {
            Some((base, _)) => OfferId(base.to_string()),
            None => self.clone(),
        }
    }

    /// The localization's country (`US` for `S123123123_US`), if the id ends in `_` and two
    /// capital letters.
    pub fn country(&self) -> Option<CountryCode> {
        self.split().map(|(_, country)| CountryCode(country.to_string()))
    }

    fn split(&self) -> Option<(&str, &str)> {
        let (base, country) = self.0.rsplit_once('_')?;
        (!base.is_empty() && is_country_code(country)).then_some((base, country))
    }
}

fn is_offer_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// An ISO 3166-1 alpha-2 country code such as `US` (two ASCII capital letters).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(String);

impl CountryCode {
    const EXPECTED: &'static str = "a two-letter country code such as US";

    /// Checks `code`: two ASCII letters; lower case is accepted and stored in upper case.
    pub fn new(code: impl Into<String>) -> Result<Self, InvalidId> {
        let code = code.into();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(CountryCode(code.to_ascii_uppercase()))
        } else {
            Err(InvalidId { value: code, expected: Self::EXPECTED })
        }
    }

    /// The code as text, e.g. `"US"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 4217 currency code such as `EUR` (three ASCII capital letters).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(String);

impl Currency {
    const EXPECTED: &'static str = "a three-letter currency code such as EUR";

    /// Checks `code`: three ASCII letters; lower case is accepted and stored in upper case.
    pub fn new(code: impl Into<String>) -> Result<Self, InvalidId> {
        let code = code.into();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Currency(code.to_ascii_uppercase()))
        } else {
            Err(InvalidId { value: code, expected: Self::EXPECTED })
        }
    }

    /// The code as text, e.g. `"EUR"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

macro_rules! text_value {
    ($t:ident) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($t), self.0)
            }
        }

        impl std::ops::Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl std::str::FromStr for $t {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                $t::new(s)
            }
        }

        impl TryFrom<&str> for $t {
            type Error = InvalidId;
            fn try_from(s: &str) -> Result<Self, InvalidId> {
                $t::new(s)
            }
        }

        impl TryFrom<String> for $t {
            type Error = InvalidId;
            fn try_from(s: String) -> Result<Self, InvalidId> {
                $t::new(s)
            }
        }

        impl TryFrom<&String> for $t {
            type Error = InvalidId;
            fn try_from(s: &String) -> Result<Self, InvalidId> {
                $t::new(s.as_str())
            }
        }

        impl From<&$t> for $t {
            fn from(v: &$t) -> Self {
                v.clone()
            }
        }

        impl From<$t> for String {
            fn from(v: $t) -> Self {
                v.0
            }
        }

        /// Taken as sent: Cleeng's own values are not re-validated.
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map($t)
            }
        }

        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $t {
            fn schema_name() -> String {
                stringify!($t).into()
            }
            fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
                <String as schemars::JsonSchema>::json_schema(gen)
            }
        }
    };
}

text_value!(OfferId);
text_value!(CountryCode);
text_value!(Currency);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_ids_are_checked_when_built_and_split_into_base_and_country() {
        let id = OfferId::try_from("S123123123_US").unwrap();
        assert_eq!(id.base(), "S123123123");
        assert_eq!(id.country().unwrap(), "US");
        assert_eq!(OfferId::new("P987654321").unwrap().country(), None);
        assert_eq!(OfferId::new("S123123123_usa").unwrap().country(), None);
        assert_eq!(OfferId::new("S123123123_usa").unwrap().base(), "S123123123_usa");
        for bad in ["", "..", "S123123123/..", "../offers", "S1 23", "S1?x=1", "S1#a", &"S".repeat(65)] {
            let err = OfferId::new(bad).unwrap_err();
            assert!(err.to_string().contains("is not an offer id"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn country_codes_are_two_letters_and_currencies_three() {
        assert_eq!(CountryCode::new("us").unwrap(), "US");
        for bad in ["", "U", "USA", "..", "1A"] {
            assert!(CountryCode::new(bad).is_err(), "{bad}");
        }
        assert_eq!(Currency::new("eur").unwrap(), "EUR");
        for bad in ["", "EU", "EURO", "E1R"] {
            assert!(Currency::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn what_cleeng_sends_is_taken_as_sent() {
        let id: OfferId = serde_json::from_str("\"S123123123_US\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"S123123123_US\"");
        let odd: OfferId = serde_json::from_str("\"legacy-offer-7\"").unwrap();
        assert_eq!(odd.as_str(), "legacy-offer-7");
    }
}
