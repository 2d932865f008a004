//! What an optional field's setter accepts.
//!
//! A generated request builder sets an optional field with the value itself, something that
//! converts to it the way a required field's setter accepts (`&str` for a `String`, an `i64` or
//! `&str` for a [`CleengId`]), or an `Option` of it (`None` clears the field):
//! `.coupon_code("SUMMER")`, `.coupon_code(Some(code))` and `.coupon_code(None::<String>)` all
//! compile. Conversions that can fail (an [`OfferId`] from text) report the rule when the
//! request is built, like the required setters.

use crate::{CleengId, CountryCode, Currency, Decimal, OfferId, Secret};

/// A value for an optional field of type `T` (see the module docs).
pub trait IntoOptional<T> {
    /// The field's new value, or why the value does not fit.
    fn into_optional(self) -> Result<Option<T>, String>;
}

impl<T> IntoOptional<T> for T {
    fn into_optional(self) -> Result<Option<T>, String> {
        Ok(Some(self))
    }
}

impl<T> IntoOptional<T> for Option<T> {
    fn into_optional(self) -> Result<Option<T>, String> {
        Ok(self)
    }
}

/// Conversions that cannot fail.
macro_rules! from {
    ($target:ty: $($source:ty),*) => {$(
        impl IntoOptional<$target> for $source {
            fn into_optional(self) -> Result<Option<$target>, String> {
                Ok(Some(<$target>::from(self)))
            }
        }
    )*};
}

/// Conversions that check the value.
macro_rules! try_from {
    ($target:ty: $($source:ty),*) => {$(
        impl IntoOptional<$target> for $source {
            fn into_optional(self) -> Result<Option<$target>, String> {
                <$target>::try_from(self).map(Some).map_err(|e| e.to_string())
            }
        }
    )*};
}

from!(String: &str, &String, Box<str>, std::borrow::Cow<'_, str>);
from!(CleengId: i64, &str, String, &String);
from!(Decimal: i64);
try_from!(Decimal: f64, &str, String);
try_from!(OfferId: &str, String, &String, &OfferId);
try_from!(CountryCode: &str, String, &String);
try_from!(Currency: &str, String, &String);
from!(Secret: &str, String);

#[cfg(test)]
mod tests {
    use super::*;

    fn set<T, V: IntoOptional<T>>(v: V) -> Result<Option<T>, String> {
        v.into_optional()
    }

    #[test]
    fn optional_setters_take_values_conversions_and_options() {
        assert_eq!(set::<String, _>("a"), Ok(Some("a".to_string())));
        assert_eq!(set::<String, _>(Some("b".to_string())), Ok(Some("b".to_string())));
        assert_eq!(set::<String, _>(None::<String>), Ok(None));
        assert_eq!(set::<i64, _>(5), Ok(Some(5)));
        assert_eq!(set::<CleengId, _>(7).unwrap().unwrap().as_i64(), Some(7));
        assert_eq!(set::<OfferId, _>("S123123123_US").unwrap().unwrap(), "S123123123_US");
        assert!(set::<OfferId, _>("../x").unwrap_err().contains("is not an offer id"));
        assert!(set::<Decimal, _>("1,5").is_err());
    }
}
