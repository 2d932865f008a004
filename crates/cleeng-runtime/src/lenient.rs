//! Serde helpers that the generated types use to read what Cleeng really sends.
//!
//! Cleeng's back end sometimes sends a documented integer or number as a numeric string
//! (`"customerId": "123"`) and an absent list or map as `null`. A client that refused those
//! would fail on live traffic the spec does not describe, so the generator marks every numeric
//! field of a response type with [`number`] and every defaulted list or map with
//! [`null_as_default`]. The field types stay plain (`i64`, `Option<f64>`, `Vec<T>`): only decoding
//! is forgiving; serializing is unchanged.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A numeric type that may arrive as a JSON number or as a numeric string.
pub trait LenientNumber: Sized {
    /// What the field expects, for error messages.
    const EXPECTING: &'static str;
    /// From a JSON integer.
    fn from_i128(v: i128) -> Option<Self>;
    /// From a JSON float.
    fn from_f64(v: f64) -> Option<Self>;
    /// From text such as `"123"` or `" 5.25 "`.
    fn from_text(v: &str) -> Option<Self>;
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl LenientNumber for $t {
            const EXPECTING: &'static str = concat!("an integer (", stringify!($t), ") or a numeric string");
            fn from_i128(v: i128) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_f64(v: f64) -> Option<Self> {
                // 12.0 is the integer 12; 12.5 is not an integer.
                if v.fract() == 0.0 && v.is_finite() && v.abs() < 9.007_199_254_740_992e15 {
                    <$t>::try_from(v as i128).ok()
                } else {
                    None
                }
            }
            fn from_text(v: &str) -> Option<Self> {
                v.trim().parse().ok()
            }
        }
    )*};
}
integer!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! nonzero {
    ($($t:ty => $inner:ty),*) => {$(
        impl LenientNumber for $t {
            const EXPECTING: &'static str = concat!("a non-zero integer (", stringify!($inner), ") or a numeric string");
            fn from_i128(v: i128) -> Option<Self> {
                <$inner>::from_i128(v).and_then(<$t>::new)
            }
            fn from_f64(v: f64) -> Option<Self> {
                <$inner>::from_f64(v).and_then(<$t>::new)
            }
            fn from_text(v: &str) -> Option<Self> {
                <$inner>::from_text(v).and_then(<$t>::new)
            }
        }
    )*};
}
nonzero!(std::num::NonZeroU64 => u64, std::num::NonZeroU32 => u32, std::num::NonZeroI64 => i64);

macro_rules! float {
    ($($t:ty),*) => {$(
        impl LenientNumber for $t {
            const EXPECTING: &'static str = concat!("a number (", stringify!($t), ") or a numeric string");
            fn from_i128(v: i128) -> Option<Self> {
                Some(v as $t)
            }
            fn from_f64(v: f64) -> Option<Self> {
                Some(v as $t)
            }
            fn from_text(v: &str) -> Option<Self> {
                v.trim().parse::<$t>().ok().filter(|f| f.is_finite())
            }
        }
    )*};
}
float!(f32, f64);

struct NumberVisitor<T>(PhantomData<T>);

impl<T: LenientNumber> Visitor<'_> for NumberVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i128(i128::from(v)).ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_i128(i128::from(v)).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::from_text(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// One numeric value read by [`number`], for use inside `Option` and `Vec`.
struct Lenient<T>(T);

impl<'de, T: LenientNumber> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        number(deserializer).map(Lenient)
    }
}

/// Reads a numeric field (`i64`, `f64`, ...) from a JSON number or a numeric string.
/// Use as `#[serde(deserialize_with = "cleeng_runtime::lenient::number")]`.
pub fn number<'de, D: Deserializer<'de>, T: LenientNumber>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(NumberVisitor(PhantomData))
}

/// Reads an optional numeric field (`Option<i64>`, ...): `null` is `None`, a number or a
/// numeric string is `Some`. Use with `default` so a missing field is `None` too.
pub fn optional_number<'de, D: Deserializer<'de>, T: LenientNumber>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Ok(Option::<Lenient<T>>::deserialize(deserializer)?.map(|n| n.0))
}

/// Reads a list of numbers (`Vec<i64>`, ...) whose items may be numeric strings; `null` is the
/// empty list. Use with `default` when the field is optional.
pub fn numbers<'de, D: Deserializer<'de>, T: LenientNumber>(deserializer: D) -> Result<Vec<T>, D::Error> {
    let items = Option::<Vec<Lenient<T>>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(items.into_iter().map(|n| n.0).collect())
}

/// Reads a list or map field that Cleeng may send as `null`: `null` is the empty value.
/// Use with `default` so a missing field is empty too.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Row {
        #[serde(deserialize_with = "super::number")]
        id: i64,
        #[serde(default, deserialize_with = "super::optional_number")]
        amount: Option<f64>,
        #[serde(default, deserialize_with = "super::null_as_default")]
        tags: Vec<String>,
        #[serde(default, deserialize_with = "super::numbers")]
        ids: Vec<u64>,
    }

    fn row(json: &str) -> Result<Row, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_read_from_both_forms_and_null_lists_are_empty() {
        let expected = Row { id: 123, amount: Some(5.25), tags: vec![], ids: vec![1, 2] };
        assert_eq!(row(r#"{"id":123,"amount":5.25,"tags":[],"ids":[1,2]}"#), Ok(expected));
        let expected = Row { id: 123, amount: Some(5.25), tags: vec![], ids: vec![1, 2] };
        assert_eq!(row(r#"{"id":"123","amount":"5.25","tags":null,"ids":["1",2]}"#), Ok(expected));
        assert_eq!(row(r#"{"id":12.0,"ids":null}"#), Ok(Row { id: 12, amount: None, tags: vec![], ids: vec![] }));
        assert_eq!(row(r#"{"id":1,"amount":null}"#), Ok(Row { id: 1, amount: None, tags: vec![], ids: vec![] }));
    }

    #[test]
    fn what_is_not_a_number_is_still_an_error() {
        for bad in [r#"{"id":"12a"}"#, r#"{"id":12.5}"#, r#"{"id":true}"#, r#"{"id":null}"#, r#"{"id":1,"amount":"NaN"}"#] {
            let err = row(bad).unwrap_err();
            assert!(err.contains("integer") || err.contains("number"), "{bad}: {err}");
        }
        assert!(row(r#"{"id":99999999999999999999}"#).is_err());
        assert!(row(r#"{"id":1,"ids":["x"]}"#).is_err());
        assert!(row(r#"{"id":1,"ids":[-1]}"#).is_err());
    }
}
