//! JSON-RPC 2.0 calls over the same [`Context`] the REST families use (the legacy 3.0 API).
//!
//! The protocol, as Cleeng runs it: every call is an HTTP `POST` of
//! `{"jsonrpc": "2.0", "method": ..., "params": {...}, "id": n}` to one endpoint; the answer is
//! `{"result": ..., "id": "n"}` or `{"error": {"code", "message", "data"?}, "id": "n"}`, both
//! with HTTP 200. Credentials travel inside `params`, so nothing is attached as a header.
//!
//! What this module adds on top of [`Context::execute`] (which already gives the `cleeng.call`
//! span, the per-attempt timeout and the retry rule: reads marked `x-idempotent` are retried,
//! writes that may have arrived are reported as [`Error::UnknownOutcome`] and never re-sent):
//! * [`Params`]: the call's params, whose `Debug` prints names only (tokens are in there);
//! * [`call`] (and [`call_with_response`], which keeps status and headers): envelope out,
//!   envelope in, the body read by [`Context::execute`] under the client's response-size limit
//!   (`ClientConfig::max_response_bytes`) as for every family; an `error` member becomes
//!   [`Error::Api`] with `code` and `message` kept; a `result` that does not match its type
//!   becomes [`Error::Decode`] naming the path (`result.items[0].status`).
//!
//! Bodies kept in errors have the values of credential-like keys replaced by `[redacted]`: the
//! shared rule of [`crate::redact::is_secret_key`], plus keys ending in `url`, since some results
//! carry a signed link (`generateMyAccountUrl`).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::context::{Context, FAILURE_STATUS};
use crate::error::{ApiError, Error};
use crate::operation::AuthScheme;
use crate::response::Response;

/// Ids of outgoing calls, unique per process, so an answer can be matched to its call.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The named params of one call. Values are never printed: `Debug` lists the names only.
#[derive(Clone, Default)]
pub struct Params {
    operation: &'static str,
    values: Map<String, Value>,
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field("operation", &self.operation)
            .field("names", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Params {
    /// Empty params for `operation` (the method name, used in error messages).
    pub fn new(operation: &'static str) -> Self {
        Params {
            operation,
            values: Map::new(),
        }
    }

    /// Puts the client's publisher token under `name`; without one, the call fails with
    /// [`Error::MissingCredential`] before anything is sent.
    pub fn publisher_token(&mut self, context: &Context, name: &str) -> Result<(), Error> {
        match &context.credentials().publisher {
            Some(token) => {
                self.values.insert(name.to_string(), Value::String(token.expose().to_string()));
                Ok(())
            }
            None => Err(Error::MissingCredential {
                operation: self.operation.to_string(),
                accepted: vec![AuthScheme::PublisherToken],
            }),
        }
    }

    /// Puts a builder value under `name`: `Err` (a setter's failed conversion) and a missing
    /// required value are [`Error::InvalidRequest`]; a missing optional value is left out.
    pub fn put<T: Serialize>(
        &mut self,
        name: &str,
        value: Result<Option<T>, String>,
        required: bool,
    ) -> Result<(), Error> {
        let value = value.map_err(|e| invalid(self.operation, format!("parameter `{name}`: {e}")))?;
        match value {
            Some(v) => {
                let json = serde_json::to_value(v).map_err(|e| {
                    invalid(self.operation, format!("parameter `{name}` cannot be encoded: {e}"))
                })?;
                self.values.insert(name.to_string(), json);
                Ok(())
            }
            None if required => Err(invalid(self.operation, format!("parameter `{name}` is required"))),
            None => Ok(()),
        }
    }

    /// The names set so far, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }
}

/// Sends one JSON-RPC call for the operation `method_name` (the Rust name the generated
/// `OPERATIONS` table is keyed by) and decodes its `result` as `T`.
pub async fn call<T: DeserializeOwned>(
    http: &reqwest::Client,
    base_url: &str,
    context: &Context,
    method_name: &str,
    params: Params,
) -> Result<T, Error> {
    call_with_response(http, base_url, context, method_name, params).await.map(Response::into_value)
}

/// [`call`], keeping the HTTP status and headers of the answer (what the REST families'
/// `call_with_response()` gives).
pub async fn call_with_response<T: DeserializeOwned>(
    http: &reqwest::Client,
    base_url: &str,
    context: &Context,
    method_name: &str,
    params: Params,
) -> Result<Response<T>, Error> {
    let Some(op) = context.operation(method_name) else {
        return Err(Error::Config(format!(
            "operation {method_name} is not in this client's operation table"
        )));
    };
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let envelope = serde_json::json!({
        "jsonrpc": "2.0",
        "method": op.id,
        "params": Value::Object(params.values),
        "id": id,
    });
    let body = serde_json::to_vec(&envelope)
        .map_err(|e| invalid(op.id, format!("cannot encode the call: {e}")))?;
    let request = http
        .post(format!("{base_url}{}", op.path))
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::ACCEPT, "application/json")
        .body(body)
        .build()
        .map_err(|e| Error::Config(format!("{}: cannot build the request: {e}", op.id)))?;
    let response = context
        .execute(http, request, method_name)
        .await
        .map_err(|e| transport(e, op.id))?;
    let status = response.status();
    if status.as_u16() == FAILURE_STATUS {
        let carried = progenitor_client::Error::<()>::UnexpectedResponse(response);
        return Err(Error::from(carried).with_operation(op.id));
    }
    let headers = response.headers().clone();
    // Already in memory: `execute` read it under the client's response-size limit.
    let body = response.bytes().await.map_err(|e| transport(e, op.id))?;
    let value = decode(op.id, status.as_u16(), headers.clone(), body, id)?;
    Ok(Response::new(status, headers, value))
}

fn transport(e: reqwest::Error, operation: &str) -> Error {
    let operation = Some(operation.to_string());
    if e.is_timeout() {
        Error::Timeout { operation, source: e }
    } else {
        Error::Transport { operation, source: e }
    }
}

/// Turns an answer into the result or the error it carries.
pub fn decode<T: DeserializeOwned>(
    operation: &str,
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    sent_id: u64,
) -> Result<T, Error> {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let error_member = parsed
        .as_ref()
        .and_then(|v| v.get("error"))
        .filter(|e| !e.is_null());
    if let Some(error) = error_member {
        return Err(rpc_error(operation, status, headers, error, redacted(&body)));
    }
    if !(200..300).contains(&status) {
        let mut api = ApiError::from_parts(status, headers, redacted(&body));
        api.operation = Some(operation.to_string());
        return Err(api.into());
    }
    let Some(Value::Object(envelope)) = parsed else {
        return Err(Error::decode(operation, "the answer is not a JSON-RPC object", redacted(&body)));
    };
    if let Some(id) = envelope.get("id").filter(|v| !v.is_null()) {
        let matches = match id {
            Value::Number(n) => n.as_u64() == Some(sent_id),
            Value::String(s) => s.trim() == sent_id.to_string(),
            _ => false,
        };
        if !matches {
            return Err(Error::decode(
                operation,
                format!("the answer's id {id} is not the call's id {sent_id}"),
                redacted(&body),
            ));
        }
    }
    let Some(result) = envelope.get("result") else {
        return Err(Error::decode(operation, "the answer has neither `result` nor `error`", redacted(&body)));
    };
    serde_path_to_error::deserialize::<_, T>(result.clone()).map_err(|e| {
        let path = e.path().to_string();
        Error::Decode {
            operation: Some(operation.to_string()),
            path: Some(if path == "." { "result".into() } else { format!("result.{path}") }),
            message: e.into_inner().to_string(),
            body: redacted(&body),
        }
    })
}

/// An `error` member as [`Error::Api`] (or `RateLimited`/`Unavailable` by HTTP status).
fn rpc_error(operation: &str, status: u16, headers: http::HeaderMap, error: &Value, body: Bytes) -> Error {
    let code = match error.get("code") {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let message = error.get("message").and_then(Value::as_str).map(str::to_string);
    let mut api = ApiError::from_parts(status, headers, body);
    api.operation = Some(operation.to_string());
    api.code = code;
    api.message = message;
    api.into()
}

/// Whether a key names a credential (the one shared rule) or a signed link whose value must not
/// be kept.
fn is_secret_key(key: &str) -> bool {
    crate::redact::is_secret_key(key) || key.to_ascii_lowercase().ends_with("url")
}

fn scrub(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_key(key) && (v.is_string() || v.is_number()) {
                    *v = Value::String("[redacted]".into());
                } else {
                    scrub(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// The body with credential-like values replaced; a body that is not JSON is kept as it is.
fn redacted(body: &Bytes) -> Bytes {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut v) => {
            scrub(&mut v);
            Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
        }
        Err(_) => body.clone(),
    }
}

/// A request refused before it was sent, naming the method.
fn invalid(operation: &str, message: String) -> Error {
    Error::InvalidRequest { operation: Some(operation.to_string()), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Tags {
        tags: Vec<String>,
    }

    fn run<T: DeserializeOwned>(status: u16, body: &str, id: u64) -> Result<T, Error> {
        decode("getAccessibleTags", status, http::HeaderMap::new(), Bytes::from(body.to_string()), id)
    }

    #[test]
    fn result_decodes_and_the_string_id_matches() {
        let tags: Tags = run(200, r#"{"result":{"tags":["a","b"]},"id":"7","jsonrpc":"2.0"}"#, 7).unwrap();
        assert_eq!(tags.tags, ["a", "b"]);
        // A missing `error` and a missing id are both fine.
        let tags: Tags = run(200, r#"{"result":{"tags":[]}}"#, 1).unwrap();
        assert!(tags.tags.is_empty());
    }

    #[test]
    fn error_member_is_an_api_error_with_code_and_message() {
        let e = run::<Tags>(200, r#"{"result":null,"error":{"code":1,"message":"Customer token is not valid"},"id":"3"}"#, 3)
            .unwrap_err();
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert_eq!(api.code.as_deref(), Some("1"));
        assert_eq!(api.message.as_deref(), Some("Customer token is not valid"));
        assert_eq!(api.operation.as_deref(), Some("getAccessibleTags"));
        assert_eq!(api.status, 200);
        assert_eq!(e.to_string(), "getAccessibleTags: Cleeng answered 200 [1]: Customer token is not valid");
    }

    #[test]
    fn decode_errors_name_the_path_and_hide_tokens() {
        let e = run::<Tags>(200, r#"{"result":{"tags":"x","token":"SECRET-TOKEN-123"},"id":1}"#, 1).unwrap_err();
        let Error::Decode { path, body, .. } = &e else { panic!("{e:?}") };
        assert_eq!(path.as_deref(), Some("result.tags"));
        let text = String::from_utf8_lossy(body);
        assert!(!text.contains("SECRET-TOKEN-123"), "{text}");
        assert!(!format!("{e:?} {e}").contains("SECRET-TOKEN-123"));
    }

    #[test]
    fn answers_to_another_call_and_non_envelopes_are_refused() {
        assert!(matches!(run::<Tags>(200, r#"{"result":{"tags":[]},"id":"8"}"#, 7), Err(Error::Decode { .. })));
        assert!(matches!(run::<Tags>(200, "<html>", 7), Err(Error::Decode { .. })));
        assert!(matches!(run::<Tags>(200, r#"{"id":"7"}"#, 7), Err(Error::Decode { .. })));
        assert!(matches!(run::<Tags>(502, "<html>bad gateway</html>", 7), Err(Error::Unavailable(_))));
    }

    #[test]
    fn params_debug_prints_names_only() {
        let mut p = Params::new("getAccessStatus");
        p.put("customerToken", Ok(Some("TOKEN-VALUE-42")), true).unwrap();
        let shown = format!("{p:?}");
        assert!(shown.contains("customerToken") && !shown.contains("TOKEN-VALUE-42"), "{shown}");
        let missing = p.put::<String>("offerId", Ok(None), true).unwrap_err();
        assert_eq!(missing.to_string(), "getAccessStatus: invalid request: parameter `offerId` is required");
        p.put::<String>("ipAddress", Ok(None), false).unwrap();
        assert_eq!(p.names().collect::<Vec<_>>(), ["customerToken"]);
    }
}
