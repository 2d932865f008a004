//! The one redactor: turns bodies, headers and URLs into text that is safe to print.
//!
//! Errors, traces and logs need to show *what* came back (which field, which shape, how big)
//! without showing the secrets a Cleeng response can carry: customer JWTs and refresh tokens in
//! login answers, passwords echoed in validation errors, `Set-Cookie`, gift and device codes in
//! URLs. Everything that prints a body, a header map or a URL goes through this module, so the
//! rule of what counts as a secret lives in one place.
//!
//! The rule errs on the side of hiding: a key whose name *looks* like a secret is hidden even
//! when its value is harmless. The raw data always stays reachable where it is stored (e.g.
//! [`crate::Error::raw_body`]); only its printed form is redacted.

use std::fmt;

/// What a hidden value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Longest preview (in characters) of a body, before the `… (N bytes)` suffix.
pub const PREVIEW_CHARS: usize = 256;

/// `true` when a JSON key (or form/query field) names a value that may be a secret: anything
/// with `jwt`, `token`, `secret`, `password`, `passwd`, `authorization`, `cookie`, `apikey`,
/// `signature`, `receipt` (store receipts) or card data in its name, `pin`/`otp`, and `code` or a name ending in `code`
/// (gift, device, activation, coupon codes) except well-known harmless codes (`errorCode`,
/// `countryCode`, `currencyCode`...). Case, `_` and `-` are ignored.
pub fn is_secret_key(key: &str) -> bool {
    let key: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    const CONTAINS: [&str; 13] = [
        "jwt", "token", "secret", "password", "passwd", "authorization", "cookie", "apikey",
        "signature", "cardnumber", "cvv", "cvc", "receipt",
    ];
    const HARMLESS_CODES: [&str; 12] = [
        "errorcode", "statuscode", "countrycode", "currencycode", "languagecode", "localecode",
        "postalcode", "zipcode", "reasoncode", "responsecode", "regioncode", "httpcode",
    ];
    CONTAINS.iter().any(|s| key.contains(s))
        || matches!(key.as_str(), "pin" | "otp" | "iban")
        || (key.ends_with("code") && !HARMLESS_CODES.contains(&key.as_str()))
}

/// `true` for headers whose values are credentials or session state: `Authorization`,
/// `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-Publisher-Token`, and any header whose
/// name mentions a token, a secret, a key, a signature or a session.
pub fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-publisher-token"
    ) || ["token", "secret", "key", "signature", "session", "auth", "password"]
        .iter()
        .any(|s| name.contains(s))
}

/// Replaces, in place, the value of every secret-looking key (see [`is_secret_key`]) at any
/// depth with [`REDACTED`]. Use it on event payloads or bodies before logging them.
pub fn json_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_key(key) && !v.is_null() {
                    *v = serde_json::Value::String(REDACTED.into());
                } else {
                    json_value(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(json_value),
        _ => {}
    }
}

/// A printable preview of a response or request body: JSON with secret-looking values hidden,
/// or text with token-like runs hidden, cut to [`PREVIEW_CHARS`] characters, followed by the
/// body's length. Never contains a secret-looking value in full.
pub fn body(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(empty body)".into();
    }
    let preview = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(mut value) => {
            json_value(&mut value);
            let mut text = value.to_string();
            // A long string under a harmless key could still be a secret: hide long opaque runs.
            text = text_preview(&text);
            text
        }
        Err(_) => text_preview(&String::from_utf8_lossy(bytes)),
    };
    format!("{} ({} bytes)", truncate(&preview, PREVIEW_CHARS), bytes.len())
}

/// Text with every token-like run hidden: JWT-shaped values (`xxx.yyy.zzz`), and unbroken runs of
/// 32 or more letters, digits, `-`, `_`, `.`, `+`, `/` or `=` (API keys, refresh tokens,
/// signatures). `key=value` pairs whose key is secret-looking lose their value. Whitespace runs
/// collapse to one space.
pub fn text(input: &str) -> String {
    text_preview(input)
}

/// A decoder's message (`invalid type: string "…", expected u64`) with every quoted value
/// hidden, since serde quotes the offending value and that value may be a token or a password.
/// Back-quoted field names (`missing field \`jwt\``) stay.
pub fn message(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut inside = false;
    for c in input.chars() {
        if c == '"' {
            if inside {
                out.push_str(REDACTED);
            }
            out.push(c);
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    if inside {
        out.push_str(REDACTED);
    }
    text(&out)
}

fn text_preview(input: &str) -> String {
    let mut out = String::with_capacity(input.len().min(PREVIEW_CHARS * 2));
    let mut run = String::new();
    let mut last_space = false;
    let mut hide_next_value = false;
    let flush = |run: &mut String, out: &mut String, hide: bool| {
        if run.is_empty() {
            return;
        }
        let jwt_like = run.split('.').filter(|p| !p.is_empty()).count() >= 3 && run.len() >= 20;
        if hide || run.len() >= 32 || jwt_like {
            out.push_str(REDACTED);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in input.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=') {
            if c == '=' && !run.is_empty() && is_secret_key(&run) {
                // `password=hunter2`: print the key, hide the value.
                out.push_str(&run);
                out.push('=');
                run.clear();
                hide_next_value = true;
                continue;
            }
            run.push(c);
            last_space = false;
        } else {
            let hide = std::mem::take(&mut hide_next_value);
            flush(&mut run, &mut out, hide);
            if c.is_whitespace() {
                if !last_space {
                    out.push(' ');
                }
                last_space = true;
            } else {
                out.push(c);
                last_space = false;
            }
        }
        if out.len() > PREVIEW_CHARS * 4 {
            break;
        }
    }
    flush(&mut run, &mut out, hide_next_value);
    out.trim().to_string()
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// A header map that prints with sensitive values (see [`is_sensitive_header`]) replaced by
/// [`REDACTED`]: `{"content-type": "application/json", "set-cookie": "[redacted]"}`.
pub struct Headers<'a>(pub &'a http::HeaderMap);

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_sensitive_header(name.as_str()) || value.is_sensitive() {
                map.entry(&name.as_str(), &REDACTED);
            } else {
                map.entry(&name.as_str(), &text(&String::from_utf8_lossy(value.as_bytes())));
            }
        }
        map.finish()
    }
}

impl fmt::Display for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A URL safe to print: user info, the fragment and the values of query parameters (other
/// than paging and sorting ones) are hidden, and so is every path segment that does not look
/// like a route word (`subscriptions`, `paymentDetails`), a numeric id or an API version
/// (`3.1`). Gift codes, device codes, tokens and e-mail addresses in a path or a query come out
/// as [`REDACTED`]. Text that is not a URL is redacted as [`text`].
pub fn url(input: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(input) else {
        return text(input);
    };
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    parsed.set_fragment(None);
    let path: Vec<String> = parsed
        .path()
        .split('/')
        .map(|segment| {
            if harmless_segment(segment) {
                segment.to_string()
            } else {
                REDACTED.to_string()
            }
        })
        .collect();
    let query: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let keep = matches!(
                k.to_ascii_lowercase().as_str(),
                "limit" | "offset" | "page" | "size" | "sort" | "order" | "status" | "type"
            );
            let value = if keep && harmless_segment(&v) { v.into_owned() } else { REDACTED.into() };
            (k.into_owned(), value)
        })
        .collect();
    let mut out = format!("{}://{}", parsed.scheme(), parsed.host_str().unwrap_or(""));
    if let Some(port) = parsed.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(&path.join("/"));
    if !query.is_empty() {
        out.push('?');
        let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{}={v}", text(k))).collect();
        out.push_str(&pairs.join("&"));
    }
    out
}

/// A path segment or query value that cannot be a secret: empty, a route word (letters, `-`,
/// `_`, starting lower-case, and not shaped like a gift code such as `abcd-efgh`), a number of up
/// to 20 digits, or a dotted version.
fn harmless_segment(segment: &str) -> bool {
    let code_shaped = segment.len() == 9
        && segment.as_bytes()[4] == b'-'
        && segment.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_alphanumeric());
    let route_word = !code_shaped
        && segment.len() <= 48
        && segment.starts_with(|c: char| c.is_ascii_lowercase())
        && segment.chars().all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_');
    let number = segment.len() <= 20 && segment.chars().all(|c| c.is_ascii_digit());
    let version = segment.len() <= 8
        && segment.starts_with(|c: char| c.is_ascii_digit())
        && segment.chars().all(|c| c.is_ascii_digit() || c == '.');
    segment.is_empty() || route_word || number || version
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_recognised() {
        for key in [
            "jwt", "refreshToken", "refresh_token", "token", "accessToken", "clientSecret",
            "signing_secret", "password", "passwordConfirmation", "newPassword", "code",
            "giftCode", "deviceCode", "user_code", "Authorization", "X-Publisher-Token", "pin",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["email", "customerId", "errorCode", "countryCode", "currency", "status", "message"] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn json_bodies_lose_their_secrets_at_any_depth() {
        let body = br#"{"responseData":{"jwt":"eyJhbGciOi.SECRETPAYLOAD.sig","refreshToken":"SECRET-REFRESH","customerId":42,"items":[{"password":"SECRET-PW"}]},"errors":[]}"#;
        let preview = super::body(body);
        assert!(!preview.contains("SECRET"), "{preview}");
        assert!(preview.contains("\"customerId\":42"), "{preview}");
        assert!(preview.contains(&format!("({} bytes)", body.len())), "{preview}");
    }

    #[test]
    fn text_bodies_lose_tokens_and_secret_pairs() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36";
        let preview = body(format!("<html>Bad Gateway {jwt} password=hunter2&x=1</html>").as_bytes());
        assert!(preview.contains("Bad Gateway"), "{preview}");
        assert!(!preview.contains("eyJhbG") && !preview.contains("hunter2"), "{preview}");
    }

    #[test]
    fn decoder_messages_lose_quoted_values() {
        let m = message(r#"invalid type: string "hunter2", expected u64 at line 1 column 9"#);
        assert_eq!(m, r#"invalid type: string "[redacted]", expected u64 at line 1 column 9"#);
        assert_eq!(message("missing field `jwt`"), "missing field `jwt`");
    }

    #[test]
    fn long_previews_are_cut() {
        let big = format!(r#"{{"message":"{}"}}"#, "word ".repeat(10_000));
        let preview = body(big.as_bytes());
        assert!(preview.chars().count() < PREVIEW_CHARS + 40, "{}", preview.len());
        assert!(preview.ends_with(&format!("({} bytes)", big.len())));
    }

    #[test]
    fn sensitive_headers_are_hidden() {
        let mut map = http::HeaderMap::new();
        map.insert("set-cookie", "session=SECRET".parse().unwrap());
        map.insert("x-publisher-token", "SECRET".parse().unwrap());
        map.insert("authorization", "Bearer SECRET".parse().unwrap());
        map.insert("content-type", "application/json".parse().unwrap());
        let printed = format!("{:?}", Headers(&map));
        assert!(!printed.contains("SECRET"), "{printed}");
        assert!(printed.contains("application/json"), "{printed}");
    }

    #[test]
    fn urls_lose_codes_and_query_values() {
        let printed = url("https://user:pw@api.example/3.1/gifts/GIFT-SECRET-9/redeem?code=SECRET&limit=10#frag");
        assert_eq!(printed, "https://api.example/3.1/gifts/[redacted]/redeem?code=[redacted]&limit=10");
        assert_eq!(url("http://127.0.0.1:8080/customers/123456789"), "http://127.0.0.1:8080/customers/123456789");
        // A lower-case gift code reads like a route word but has a code's shape.
        assert_eq!(url("https://api.example/gifts/abcd-efgh/verification"), "https://api.example/gifts/[redacted]/verification");
        assert_eq!(url("https://api.example/pay-ment/details/12"), "https://api.example/pay-ment/details/12");
        assert!(!url("not a url SECRETSECRETSECRETSECRETSECRETSECRET").contains("SECRET"));
    }
}
