//! Offer ids and country codes: one type each, shared by every family and every operation.
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
/// The first letter is the offer type (S subscription, P pass, E event, A live, R rental), then
/// nine digits, then optionally `_` and a country code. Compare with a string directly
/// (`id == "S123123123_US"`); `Display` and [`OfferId::as_str`] give the text.
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
    const EXPECTED: &'static str = "an offer id (a letter S, P, E, A or R, nine digits, optionally _ and a two-letter country code, e.g. S123123123_US)";

    /// Checks `id` against the documented format.
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
        match self.0.split_once('_') {
            Some((base, _)) => OfferId(base.to_string()),
            None => self.clone(),
        }
    }

    /// The localization's country (`US` for `S123123123_US`), if the id has one.
    pub fn country(&self) -> Option<CountryCode> {
        let (_, country) = self.0.split_once('_')?;
        CountryCode::new(country).ok()
    }
}

fn is_offer_id(id: &str) -> bool {
    let (base, country) = match id.split_once('_') {
        Some((base, country)) => (base, Some(country)),
        None => (id, None),
    };
    let bytes = base.as_bytes();
    bytes.len() == 10
        && b"SPEAR".contains(&bytes[0])
        && (b'1'..=b'9').contains(&bytes[1])
        && bytes[2..].iter().all(u8::is_ascii_digit)
        && country.is_none_or(is_country_code)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_ids_are_checked_when_built_and_split_into_base_and_country() {
        let id = OfferId::try_from("S123123123_US").unwrap();
        assert_eq!(id.base(), "S123123123");
        assert_eq!(id.country().unwrap(), "US");
        assert_eq!(OfferId::new("P987654321").unwrap().country(), None);
        for bad in ["", "S12312312", "X123123123", "S023123123", "S123123123_", "S123123123_usa", "S123123123/..", "../offers"] {
            let err = OfferId::new(bad).unwrap_err();
            assert!(err.to_string().contains("is not an offer id"), "{bad}: {err}");
        }
    }

    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(CountryCode::new("us").unwrap(), "US");
        for bad in ["", "U", "USA", "..", "1A"] {
            assert!(CountryCode::new(bad).is_err(), "{bad}");
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
