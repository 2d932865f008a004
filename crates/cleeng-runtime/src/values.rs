//! One Rust type for each value Cleeng sends in more than one form, shared by every family.
//!
//! Cleeng is inconsistent about some values: `subscriptionId` is a JSON integer in one webhook
//! topic and a numeric string in another, MediaStore ids and amounts arrive as numbers or
//! strings depending on the call, dates are ISO-8601 strings except `transactionDate` (Unix
//! seconds), and amounts are JSON numbers in older payloads but decimal strings (`"10.0000"`) in
//! newer ones. A spec schema marked `x-number-or-string: true` is generated as [`CleengId`] (an
//! integer-or-string id) or [`Decimal`] (a number-or-string amount), so an id read from one
//! family's response can be compared with, or passed to, any other call without matching on two
//! forms; the generator does the mapping, the types live here.

use std::fmt;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde::de::{self, Deserializer, Visitor};

/// An id that arrives as a JSON integer or as a string (`123` and `"123"` are the same id).
///
/// Kept as text, so non-numeric ids (`ep_01hx2k7c9f`) fit too; [`CleengId::as_i64`] gives the
/// number when there is one. Serializes as a string.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CleengId(String);

impl CleengId {
    /// Wraps an id given as text.
    pub fn new(id: impl Into<String>) -> Self {
        CleengId(id.into())
    }

    /// The id as text, e.g. `"332332332"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as a number, if it is one (`None` for ids such as `ep_01hx2k7c9f`).
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }
}

impl fmt::Debug for CleengId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CleengId({:?})", self.0)
    }
}

impl fmt::Display for CleengId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<i64> for CleengId {
    fn from(id: i64) -> Self {
        CleengId(id.to_string())
    }
}

impl From<&str> for CleengId {
    fn from(id: &str) -> Self {
        CleengId(id.to_string())
    }
}

impl From<String> for CleengId {
    fn from(id: String) -> Self {
        CleengId(id)
    }
}

impl From<&String> for CleengId {
    fn from(id: &String) -> Self {
        CleengId(id.clone())
    }
}

impl From<i32> for CleengId {
    fn from(id: i32) -> Self {
        CleengId(id.to_string())
    }
}

impl From<u64> for CleengId {
    fn from(id: u64) -> Self {
        CleengId(id.to_string())
    }
}

impl From<CleengId> for String {
    fn from(id: CleengId) -> Self {
        id.0
    }
}

impl PartialEq<i64> for CleengId {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

impl PartialEq<&str> for CleengId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl<'de> serde::Deserialize<'de> for CleengId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = CleengId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id as an integer or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CleengId, E> {
                Ok(CleengId(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CleengId, E> {
                Ok(CleengId(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CleengId, E> {
                Ok(CleengId(v.to_string()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

impl serde::Serialize for CleengId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for CleengId {
    fn schema_name() -> String {
        "CleengId".into()
    }
    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <String as schemars::JsonSchema>::json_schema(gen)
    }
}

/// A point in time that arrives as an ISO-8601 string (`2019-11-07T19:55:41Z`,
/// `2025-05-05T10:48:09+02:00`) or as Unix seconds (`1628085830`, as a number or a string).
///
/// Keeps the offset Cleeng sent (UTC for Unix seconds); two timestamps are equal when they
/// name the same instant. A string without an offset is read as UTC. Serializes as RFC 3339.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<FixedOffset>);

impl Timestamp {
    /// The instant `seconds` after the Unix epoch; `None` if out of chrono's range.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        DateTime::<Utc>::from_timestamp(seconds, 0).map(|t| Timestamp(t.fixed_offset()))
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.0.timestamp()
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    /// The instant with the offset it arrived with.
    pub fn as_datetime(&self) -> &DateTime<FixedOffset> {
        &self.0
    }

    /// Reads an ISO-8601 / RFC 3339 string, an offset-less `YYYY-MM-DDTHH:MM:SS` (as UTC), or
    /// a string of Unix seconds.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(Timestamp(t));
        }
        if !text.is_empty() && text.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-')) {
            return text.parse().ok().and_then(Self::from_unix_seconds);
        }
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .map(|naive| Timestamp(Utc.from_utc_datetime(&naive).fixed_offset()))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.0.to_rfc3339())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339())
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(t: DateTime<Tz>) -> Self {
        Timestamp(t.fixed_offset())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;
        impl Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO-8601 date-time string or Unix seconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Timestamp::from_unix_seconds(v)
                    .ok_or_else(|| E::custom(format!("Unix time {v} is out of range")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(Timestamp::from_unix_seconds)
                    .ok_or_else(|| E::custom(format!("Unix time {v} is out of range")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).ok_or_else(|| E::custom(format!("not a date-time: {v:?}")))
            }
        }
        deserializer.deserialize_any(TimestampVisitor)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339())
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".into()
    }
    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <DateTime<Utc> as schemars::JsonSchema>::json_schema(gen)
    }
}

/// An exact decimal amount or rate in major units that arrives as a JSON number (`5.25`) or as
/// a decimal string (`"10.0000"`).
///
/// Stored exactly (an integer and a count of decimal places, never a float), so `5.25`,
/// `"5.25"` and `"5.2500"` are equal. [`Display`](fmt::Display) keeps the places Cleeng sent.
/// Serializes as a string.
#[derive(Clone, Copy)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

/// More places than any amount needs, and few enough that `10^MAX_SCALE` fits an `i128`.
const MAX_SCALE: u32 = 28;

impl Decimal {
    /// `units × 10^-scale`, e.g. `Decimal::new(1230, 2)` is 12.30; `None` if `scale` is above 28.
    pub fn new(units: i128, scale: u32) -> Option<Self> {
        (scale <= MAX_SCALE).then_some(Decimal { units, scale })
    }

    /// Reads `-12.30`, `12`, `+0.5`; no exponents, no thousands separators.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (negative, digits) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        if !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let scale = u32::try_from(fraction.len()).ok().filter(|s| *s <= MAX_SCALE)?;
        let mut units: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        Some(Decimal {
            units: if negative { -units } else { units },
            scale,
        })
    }

    /// The value as an integer count of `10^-scale` (e.g. 1230 for `"12.30"`).
    pub fn units(&self) -> i128 {
        self.units
    }

    /// The number of decimal places as sent.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The value in minor units with `places` decimals (2 for cents), or `None` when that would
    /// drop non-zero digits or overflow: `"12.3000"` gives 1230 for 2 places.
    pub fn to_minor_units(&self, places: u32) -> Option<i128> {
        if places >= self.scale {
            self.units.checked_mul(10i128.checked_pow(places - self.scale)?)
        } else {
            let divisor = 10i128.pow(self.scale - places);
            (self.units % divisor == 0).then(|| self.units / divisor)
        }
    }

    /// The value as a float, for display or arithmetic where exactness does not matter.
    pub fn to_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The same value with trailing fractional zeros removed, for equality and hashing.
    fn normalized(&self) -> (i128, u32) {
        let (mut units, mut scale) = (self.units, self.scale);
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        (units, scale)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.normalized() == other.normalized()
    }
}

impl Eq for Decimal {}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized().hash(state)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({self})")
    }
}

impl std::str::FromStr for Decimal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Decimal::parse(s).ok_or_else(|| format!("not a decimal number: {s:?}"))
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Decimal { units: i128::from(v), scale: 0 }
    }
}

impl From<i32> for Decimal {
    fn from(v: i32) -> Self {
        Decimal { units: i128::from(v), scale: 0 }
    }
}

impl TryFrom<f64> for Decimal {
    type Error = String;
    /// Takes the float's shortest exact text (`5.25` -> `"5.25"`); NaN and infinities are refused.
    fn try_from(v: f64) -> Result<Self, String> {
        Decimal::parse(&v.to_string()).ok_or_else(|| format!("number {v} does not fit a decimal"))
    }
}

impl TryFrom<&str> for Decimal {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, String> {
        s.parse()
    }
}

impl TryFrom<String> for Decimal {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl TryFrom<&String> for Decimal {
    type Error = String;
    fn try_from(s: &String) -> Result<Self, String> {
        s.parse()
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DecimalVisitor;
        impl Visitor<'_> for DecimalVisitor {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number or a decimal string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal { units: i128::from(v), scale: 0 })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal { units: i128::from(v), scale: 0 })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                // `Display` for f64 prints the shortest text that reads back as the same float,
                // never with an exponent: 5.25 -> "5.25".
                Decimal::parse(&v.to_string())
                    .ok_or_else(|| E::custom(format!("number {v} does not fit a decimal")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                Decimal::parse(v).ok_or_else(|| E::custom(format!("not a decimal number: {v:?}")))
            }
        }
        deserializer.deserialize_any(DecimalVisitor)
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Decimal {
    fn schema_name() -> String {
        "Decimal".into()
    }
    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <String as schemars::JsonSchema>::json_schema(gen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_by_value_across_forms() {
        let a: CleengId = serde_json::from_str("332332332").unwrap();
        let b: CleengId = serde_json::from_str("\"332332332\"").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_i64(), Some(332332332));
        assert!(serde_json::from_str::<CleengId>("true").is_err());
        assert!(serde_json::from_str::<CleengId>("1.5").is_err());
    }

    #[test]
    fn timestamps_read_both_forms() {
        let iso: Timestamp = serde_json::from_str("\"2021-08-04T14:03:50Z\"").unwrap();
        let secs: Timestamp = serde_json::from_str("1628085830").unwrap();
        let text: Timestamp = serde_json::from_str("\"1628085830\"").unwrap();
        let offset: Timestamp = serde_json::from_str("\"2021-08-04T16:03:50+02:00\"").unwrap();
        assert_eq!(iso, secs);
        assert_eq!(iso, text);
        assert_eq!(iso, offset);
        assert_eq!(offset.to_string(), "2021-08-04T16:03:50+02:00");
        assert_eq!(secs.unix_seconds(), 1628085830);
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("9223372036854775807").is_err());
    }

    #[test]
    fn decimals_are_exact_and_compare_by_value() {
        let n: Decimal = serde_json::from_str("5.25").unwrap();
        let s: Decimal = serde_json::from_str("\"5.2500\"").unwrap();
        assert_eq!(n, s);
        assert_eq!(s.to_string(), "5.2500");
        assert_eq!(s.to_minor_units(2), Some(525));
        assert_eq!(s.to_minor_units(1), None);
        assert_eq!(Decimal::parse("-0.05").unwrap().to_string(), "-0.05");
        assert_eq!(Decimal::parse(".5").unwrap().to_string(), "0.5");
        for bad in ["", "-", ".", "1.2.3", "1e5", "12,30", "abc", "99999999999999999999999999999999999999999"] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
        assert!(serde_json::from_str::<Decimal>("\"ten\"").is_err());
    }
}
