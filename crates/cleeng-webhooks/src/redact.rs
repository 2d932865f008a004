//! Redacting raw JSON for `Debug` output: the values of keys that look like secrets become
//! `"[redacted]"`, at any depth.
//!
//! Local stand-in for the runtime's shared redactor (`cleeng_runtime::redact`, issue 13); this
//! module delegates to it once that lands.

use serde_json::Value;

/// What a redacted value prints as.
const REDACTED: &str = "[redacted]";

/// Whether a JSON key names a secret (case-insensitive): tokens of any kind, passwords,
/// secrets, JWTs, API keys, authorization headers, cookies, signatures, receipts.
fn secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["token", "password", "secret", "jwt", "apikey", "api_key", "authorization", "cookie", "signature", "receipt"]
        .iter()
        .any(|word| key.contains(word))
}

/// `value` with every secret-looking key's value replaced by `"[redacted]"`.
pub(crate) fn json(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let value = if secret_key(key) && !value.is_null() {
                        Value::String(REDACTED.into())
                    } else {
                        json(value)
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(json).collect()),
        other => other.clone(),
    }
}
