//! Numbers that Cleeng sends as JSON numbers or as strings.
//!
//! The JSON-RPC API is loose about numbers: its own examples send `"0"` where the table says
//! integer, and ids and prices reach clients in both forms. Result fields the spec marks
//! `x-number-or-string: true` use [`NumberOrString`], which decodes `12`, `"12"`, `21.98` and
//! `"21.98"` alike and always encodes a JSON number (what the API documents).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number that may arrive as a JSON string. Derefs to the number.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct NumberOrString<T>(pub T);

impl<T: Copy> NumberOrString<T> {
    /// The number.
    pub fn get(&self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for NumberOrString<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for NumberOrString<T> {
    fn from(value: T) -> Self {
        NumberOrString(value)
    }
}

impl<T: fmt::Display> fmt::Display for NumberOrString<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Serialize> Serialize for NumberOrString<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T> Deserialize<'de> for NumberOrString<T>
where
    T: Deserialize<'de> + FromStr,
    T::Err: fmt::Display,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either<'a, T> {
            Number(T),
            Text(std::borrow::Cow<'a, str>),
        }
        match Either::<T>::deserialize(deserializer)? {
            Either::Number(n) => Ok(NumberOrString(n)),
            Either::Text(s) => s
                .trim()
                .parse::<T>()
                .map(NumberOrString)
                .map_err(|e| serde::de::Error::custom(format!("{s:?} is not a number: {e}"))),
        }
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for NumberOrString<T> {
    fn schema_name() -> String {
        format!("NumberOrString_{}", T::schema_name())
    }

    fn json_schema(generator: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        let number = T::json_schema(generator);
        let text = schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        };
        schemars::schema::SchemaObject {
            subschemas: Some(Box::new(schemars::schema::SubschemaValidation {
                any_of: Some(vec![number, text.into()]),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_numeric_strings_decode_alike() {
        let a: NumberOrString<i64> = serde_json::from_str("955044431").unwrap();
        let b: NumberOrString<i64> = serde_json::from_str("\"955044431\"").unwrap();
        assert_eq!(a, b);
        assert_eq!(*a, 955044431);
        let p: NumberOrString<f64> = serde_json::from_str("\" 21.98 \"").unwrap();
        assert_eq!(p.get(), 21.98);
        assert_eq!(serde_json::to_string(&b).unwrap(), "955044431");
        let e = serde_json::from_str::<NumberOrString<i64>>("\"abc\"").unwrap_err();
        assert!(e.to_string().contains("\"abc\" is not a number"), "{e}");
        assert!(serde_json::from_str::<NumberOrString<i64>>("true").is_err());
    }
}
