//! Secrets and personal data out of samples and fixtures: emails, names, tokens, passwords,
//! addresses, IPs and codes are replaced by placeholders of the same JSON type (and, for
//! fixtures, of a shape that still decodes: an email stays an email).

use serde_json::{Map, Value};

/// Field-name fragments whose string values are always replaced.
const SECRET_KEYS: [&str; 9] = [
    "token",
    "jwt",
    "password",
    "secret",
    "code",
    "signature",
    "authorization",
    "cookie",
    "key",
];
/// Field-name fragments for personal data.
const PERSONAL_KEYS: [&str; 10] = [
    "email", "name", "address", "street", "city", "zip", "postal", "phone", "ip", "birth",
];

/// Words that make a `...name` key a person's name.
const PERSON_WORDS: [&str; 21] = [
    "first", "last", "full", "middle", "given", "family", "surname", "nick", "holder",
    "customer", "user", "display", "contact", "recipient", "shopper", "buyer", "owner",
    "sender", "company", "billing", "house",
];

fn matches(key: &str, fragments: &[&str]) -> bool {
    let key = key.to_ascii_lowercase();
    fragments.iter().any(|f| {
        if *f == "ip" {
            // `ip`, `ipAddress`, `customerIp`, `lastLoginIp`; not `membership`, `tooltip`.
            key.contains("ipaddress")
                || key.ends_with("ip")
                    && !["ship", "tip", "skip", "strip", "chip", "zip"]
                        .iter()
                        .any(|w| key.ends_with(w))
        } else if *f == "code" {
            key.ends_with("code")
                && !key.contains("country")
                && !key.contains("currency")
                && !key.contains("error")
                && !key.contains("coupon")
                && !key.contains("status")
                && !key.contains("language")
                && !key.contains("locale")
        } else if *f == "name" {
            // A person's name (`firstName`, `holderName`, `houseNumberOrName`), not the name of
            // a thing (`name` of an event type, a consent or a campaign, `methodName`): those are
            // the evidence. A bare `name` inside an address or customer object is still replaced
            // (see `redact_under`).
            key.ends_with("name") && PERSON_WORDS.iter().any(|w| key.contains(w))
        } else {
            key.contains(f)
        }
    })
}

fn looks_secret(s: &str) -> bool {
    let jwt = s.starts_with("eyJ") && s.matches('.').count() == 2;
    jwt || is_ip(s) || (s.contains('@') && s.contains('.'))
}

/// An IPv4 or IPv6 address, wherever it is found.
fn is_ip(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// A placeholder for the string `s` found under `key`, of the same kind.
fn placeholder(key: &str, s: &str) -> String {
    let k = key.to_ascii_lowercase();
    if s.contains('@') || k.contains("email") {
        "customer@example.com".into()
    } else if s.starts_with("eyJ") {
        "eyJhbGciOiJub25lIn0.eyJyZWRhY3RlZCI6dHJ1ZX0.redacted".into()
    } else if is_ip(s) || matches(&k, &["ip"]) {
        // TEST-NET-1 (RFC 5737): an address, so a field typed as one still decodes.
        "192.0.2.1".into()
    } else {
        "REDACTED".into()
    }
}

/// Whether a string under `key` must be replaced.
fn is_sensitive(key: &str, s: &str) -> bool {
    matches(key, &SECRET_KEYS) || matches(key, &PERSONAL_KEYS) || looks_secret(s)
}

/// A redacted, shortened sample for a report: sensitive strings replaced, long strings cut,
/// objects and arrays summarised.
pub fn sample(key: &str, value: &Value) -> Value {
    match value {
        Value::String(s) if is_sensitive(key, s) => Value::String(placeholder(key, s)),
        Value::String(s) if s.chars().count() > 40 => {
            Value::String(format!("{}…", s.chars().take(40).collect::<String>()))
        }
        Value::Object(map) => Value::String(format!("{{object with {} fields}}", map.len())),
        Value::Array(items) => Value::String(format!("[array of {}]", items.len())),
        other => other.clone(),
    }
}

/// A whole body with every sensitive string replaced, for a fixture.
pub fn body(value: &Value) -> Value {
    redact_under("", value, false)
}

/// Inside an object or array found under a personal-data key (`billingAddress: {line1, ...}`,
/// `name: {first, last}`), whose inner keys say nothing, every string is personal: all are
/// replaced, but country and currency codes, which identify nobody and are often typed.
fn personal_inside(key: &str, s: &str) -> bool {
    let k = key.to_ascii_lowercase();
    !(k.contains("country") || k.contains("currency")) || looks_secret(s)
}

/// An object that describes a person (it has an email, a phone or a person's name), whose
/// bare `name` is then that person's name too.
fn describes_person(map: &Map<String, Value>) -> bool {
    map.keys().any(|k| {
        let k = k.to_ascii_lowercase();
        k.contains("email") || k.contains("phone") || k != "name" && matches(&k, &["name"])
    })
}

fn redact_under(key: &str, value: &Value, personal: bool) -> Value {
    match value {
        Value::String(s) if is_sensitive(key, s) || personal && personal_inside(key, s) => {
            Value::String(placeholder(key, s))
        }
        Value::Object(map) => {
            let personal = personal || key == "name" || matches(key, &PERSONAL_KEYS);
            let person = describes_person(map);
            Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let redacted = match v {
                            Value::String(_) if person && k == "name" => {
                                Value::String(placeholder(k, ""))
                            }
                            _ => redact_under(k, v, personal),
                        };
                        (k.clone(), redacted)
                    })
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| redact_under(key, v, personal))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replaces_secrets_and_personal_data_and_keeps_the_rest() {
        let input = json!({
            "responseData": {"jwt": "eyJa.eyJb.sig", "refreshToken": "r-123", "customerEmail": "jane@doe.io",
                "firstName": "Jane", "address": {"street": "1 Main St"}, "customerIP": "10.1.2.3",
                "offerId": "S123456789_US", "countryCode": "US", "currency": "EUR", "offerTitle": "Monthly", "amount": 9.99,
                "notes": "mail me at x@y.com", "deviceCode": "ABCD-EFGH",
                "lastLoginIp": "2001:db8::7", "source": "fe80::1",
                "billingAddress": {"line1": "2 High St", "postCode": "N1 9GU", "country": "GB", "extra": ["Flat 3"]},
                "membership": "gold", "tooltip": "hover",
                "recipient": {"name": "Ann Lee", "email": "ann@lee.io"}, "owner": {"name": {"first": "Bo", "last": "Ma"}},
                "cardHolderName": "J DOE", "events": [{"name": "customer.created"}], "methodName": "card"},
            "errors": []
        });
        let out = body(&input);
        let text = out.to_string();
        for secret in [
            "eyJa.eyJb.sig",
            "r-123",
            "jane@doe.io",
            "Jane",
            "1 Main St",
            "10.1.2.3",
            "x@y.com",
            "ABCD-EFGH",
            "2001:db8::7",
            "fe80::1",
            "2 High St",
            "N1 9GU",
            "Flat 3",
            "Ann Lee",
            "ann@lee.io",
            "\"Bo\"",
            "\"Ma\"",
            "J DOE",
        ] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        let data = &out["responseData"];
        assert_eq!(data["offerId"], "S123456789_US");
        assert_eq!(data["countryCode"], "US");
        assert_eq!(data["currency"], "EUR");
        assert_eq!(data["offerTitle"], "Monthly");
        assert_eq!(data["amount"], 9.99);
        assert_eq!(data["customerEmail"], "customer@example.com");
        assert_eq!(data["customerIP"], "192.0.2.1");
        assert_eq!(data["lastLoginIp"], "192.0.2.1");
        assert_eq!(data["source"], "192.0.2.1");
        assert_eq!(data["billingAddress"]["country"], "GB");
        assert_eq!(data["membership"], "gold");
        assert_eq!(data["tooltip"], "hover");
        // The names of things are the evidence, and stay.
        assert_eq!(data["events"][0]["name"], "customer.created");
        assert_eq!(data["methodName"], "card");
        assert_eq!(
            sample("jwt", &json!("eyJa.eyJb.sig")),
            json!("eyJhbGciOiJub25lIn0.eyJyZWRhY3RlZCI6dHJ1ZX0.redacted")
        );
        assert_eq!(
            sample("x", &json!({"a": 1})),
            json!("{object with 1 fields}")
        );
    }
}
