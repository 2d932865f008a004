//! Routing, request validation and answering, for every operation of every spec.
//!
//! One axum fallback handler does it all, driven by the route table: find the family by path
//! prefix, the operation by method and path template (404 / 405 otherwise), check credentials,
//! parameters and body against the spec (401 / 400 / 422 in the family's error shape), then
//! let a stateful journey answer, or answer from the spec's examples and schemas.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{json, Map, Value};

use crate::jwt::{Claims, Keys};
use crate::schema::{generate, validate};
use crate::spec::{match_path, routes, ErrorStyle, Family, Route, Spec};
use crate::state::State;
use crate::{journeys, webhooks};

/// Largest request body the mock reads.
const BODY_LIMIT: usize = 1 << 20;

/// What the handler shares: specs, routes, keys and state.
pub(crate) struct Shared {
    pub specs: BTreeMap<Family, Spec>,
    pub routes: Vec<Route>,
    pub keys: Keys,
    pub state: Mutex<State>,
    pub http: reqwest::Client,
    pub publisher_token: Option<String>,
    /// Test hooks: drift on purpose, request counts.
    pub hooks: crate::drift::Hooks,
}

impl Shared {
    pub fn new(publisher_token: Option<String>) -> Result<Shared, String> {
        let mut specs = BTreeMap::new();
        let mut all_routes = Vec::new();
        for family in Family::ALL {
            let spec = Spec::load(family)?;
            all_routes.extend(routes(&spec));
            specs.insert(family, spec);
        }
        // The runtime's builder: this build's TLS stack, no redirects followed.
        let http = cleeng_runtime::http_client_builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .map_err(|e| format!("cannot build the webhook delivery client: {e}"))?;
        Ok(Shared {
            specs,
            routes: all_routes,
            keys: Keys::load()?,
            state: Mutex::new(State::seeded()),
            http,
            publisher_token,
            hooks: Default::default(),
        })
    }

    /// The state, even if a previous holder panicked (the data stays usable for a mock).
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A parsed, validated request, handed to the journeys.
pub(crate) struct Call<'a> {
    pub family: Family,
    pub operation_id: &'a str,
    pub path: BTreeMap<String, Value>,
    pub query: BTreeMap<String, Value>,
    pub headers: &'a HeaderMap,
    pub body: Value,
    pub claims: Option<Claims>,
    /// The mock's own base URL as the client reached it (for links such as verification URLs).
    pub host: String,
}

impl Call<'_> {
    /// A path or query parameter as a string (numbers are formatted).
    pub fn param_str(&self, name: &str) -> Option<String> {
        self.path.get(name).or_else(|| self.query.get(name)).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// A path or query parameter as an integer.
    pub fn param_i64(&self, name: &str) -> Option<i64> {
        self.path.get(name).or_else(|| self.query.get(name)).and_then(Value::as_i64)
    }

    /// A request header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A journey's answer.
pub(crate) enum Outcome {
    /// Answer `status` with `facts` completed into the documented schema of that status
    /// (missing required fields are filled with schema-valid values).
    Json { status: u16, facts: Value, headers: Vec<(String, String)> },
    /// Answer `status` with no body.
    Empty { status: u16, headers: Vec<(String, String)> },
    /// Refuse: the first of `statuses` the operation documents (else the first), with `message`
    /// and `code` in the family's error body.
    Fail { statuses: &'static [u16], message: String, code: &'static str },
    /// Not a stateful operation: answer from the spec.
    FromSpec,
}

impl Outcome {
    pub fn json(status: u16, facts: Value) -> Outcome {
        Outcome::Json { status, facts, headers: Vec::new() }
    }

    pub fn fail(statuses: &'static [u16], message: impl Into<String>, code: &'static str) -> Outcome {
        Outcome::Fail { statuses, message: message.into(), code }
    }
}

/// The axum fallback: every request comes here.
pub(crate) async fn handle(AxumState(shared): AxumState<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    shared.hooks.count(parts.method.as_str());
    let path = parts.uri.path().to_string();
    if path == crate::jsonrpc::PREFIX || path.starts_with(&format!("{}/", crate::jsonrpc::PREFIX)) {
        return crate::jsonrpc::handle(&shared, &parts.method, &path, body).await;
    }
    let Some(family) = Family::ALL.into_iter().find(|f| {
        path == f.prefix() || path.starts_with(&format!("{}/", f.prefix()))
    }) else {
        return plain_error(ErrorStyle::Message, 404, "no such route: paths start with /core, /mediastore, /auth, /inapp or /webhooks", "REQ0404");
    };
    let rest = &path[family.prefix().len()..];
    let spec = &shared.specs[&family];

    // Route: most literal segments wins; a path that exists under another method is a 405.
    // (route, path parameters, literal segments matched)
    type Candidate<'r> = (&'r Route, Vec<(String, String)>, usize);
    let mut best: Option<Candidate> = None;
    let mut allowed = Vec::new();
    for route in shared.routes.iter().filter(|r| r.family == family) {
        if let Some((params, literals)) = match_path(&route.segments, rest) {
            if route.method != parts.method.as_str() {
                allowed.push(route.method.clone());
                continue;
            }
            if best.as_ref().is_none_or(|(_, _, l)| literals > *l) {
                best = Some((route, params, literals));
            }
        }
    }
    let Some((route, raw_path, _)) = best else {
        if allowed.is_empty() {
            return plain_error(family.error_style(), 404, &format!("no operation at {rest}"), "REQ0404");
        }
        allowed.sort();
        allowed.dedup();
        let mut response = plain_error(family.error_style(), 405, &format!("{} is not allowed here", parts.method), "REQ0405");
        if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
            response.headers_mut().insert(http::header::ALLOW, v);
        }
        return response;
    };
    let Some(op) = spec.doc.pointer(&route.pointer) else {
        return plain_error(family.error_style(), 500, "route without operation", "S0001");
    };

    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return error_response(spec, op, &[413, 400], "request body too large", "REQ0001"),
    };

    // Credentials.
    let claims = match check_security(&shared, spec, op, &parts.headers) {
        Ok(claims) => claims,
        Err((message, code)) => return error_response(spec, op, &[401, 403], &message, code),
    };

    // Parameters.
    let mut path_params = BTreeMap::new();
    let mut query_params = BTreeMap::new();
    let query_pairs: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    for param in parameters(spec, route, op) {
        let name = param.get("name").and_then(Value::as_str).unwrap_or_default();
        let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
        let required = param.get("required").and_then(Value::as_bool).unwrap_or(false);
        let schema = param.get("schema").cloned().unwrap_or(json!({}));
        let raw: Vec<String> = match location {
            "path" => raw_path.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect(),
            "query" => query_pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect(),
            "header" => parts
                .headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_string))
                .collect(),
            _ => continue,
        };
        if raw.is_empty() {
            if required {
                let code = if location == "query" { "REQ0002" } else { "REQ0003" };
                return error_response(spec, op, &[400, 422], &format!("missing required {location} parameter `{name}`"), code);
            }
            continue;
        }
        let value = coerce(spec, &schema, &raw);
        if let Err(e) = validate(spec, &schema, &value, name) {
            let code = if location == "query" { "REQ0002" } else { "REQ0003" };
            return error_response(spec, op, &[400, 422], &format!("invalid {location} parameter: {e}"), code);
        }
        match location {
            "path" => path_params.insert(name.to_string(), value),
            "query" => query_params.insert(name.to_string(), value),
            _ => None,
        };
    }

    // Body.
    let mut body_value = Value::Null;
    if let Some(request_body) = op.get("requestBody").map(|b| spec.resolve(b)) {
        let required = request_body.get("required").and_then(Value::as_bool).unwrap_or(false);
        let schema = request_body.pointer("/content/application~1json/schema");
        if bytes.is_empty() || bytes.iter().all(u8::is_ascii_whitespace) {
            if required {
                return error_response(spec, op, &[400, 422], "request body is required", "REQ0001");
            }
        } else {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) => body_value = v,
                Err(e) => return error_response(spec, op, &[400, 422], &format!("invalid JSON body: {e}"), "REQ0001"),
            }
            if let Some(schema) = schema {
                if let Err(e) = validate(spec, schema, &body_value, "") {
                    return error_response(spec, op, &[400, 422], &format!("invalid request body: {e}"), "REQ0001");
                }
            }
        }
    }

    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_default();
    let call = Call {
        family,
        operation_id: &route.operation_id,
        path: path_params,
        query: query_params,
        headers: &parts.headers,
        body: body_value,
        claims,
        host,
    };

    let (outcome, events) = {
        let mut state = shared.state();
        let mut events = Vec::new();
        let outcome = journeys::handle(&shared, &mut state, &call, &mut events);
        (outcome, events)
    };
    // Deliveries happen before the answer, so a client that sees the answer can rely on the
    // events having been posted (and recorded).
    webhooks::deliver(&shared, events).await;

    let response = match outcome {
        Outcome::Fail { statuses, message, code } => error_response(spec, op, statuses, &message, code),
        Outcome::Empty { status, headers } => with_headers(empty(status), headers),
        Outcome::Json { status, facts, headers } => {
            let mut body = match response_schema(spec, op, status) {
                Some(schema) => crate::schema::shape(spec, schema, &facts),
                None => facts,
            };
            if (200..300).contains(&status) {
                success_body(&mut body);
            }
            check_response(&shared, spec, op, &route.operation_id, status, &body);
            let status = shared.hooks.apply(family.name(), &route.operation_id, status, &mut body);
            with_headers(json_response(status, &body), headers)
        }
        Outcome::FromSpec => from_spec(&shared, spec, op, &route.operation_id, &call),
    };
    response
}

/// Path-item and operation parameters, resolved.
fn parameters<'a>(spec: &'a Spec, route: &Route, op: &'a Value) -> Vec<&'a Value> {
    let item_pointer = route.pointer.rsplit_once('/').map(|(item, _)| item).unwrap_or_default();
    let mut out: Vec<&Value> = Vec::new();
    let lists = [
        spec.doc.pointer(&format!("{item_pointer}/parameters")),
        op.get("parameters"),
    ];
    for list in lists.into_iter().flatten().filter_map(Value::as_array) {
        for p in list {
            let p = spec.resolve(p);
            // An operation parameter overrides a path-item one of the same name and place.
            out.retain(|q| !(q.get("name") == p.get("name") && q.get("in") == p.get("in")));
            out.push(p);
        }
    }
    out
}

/// Turns raw parameter strings into the JSON type the schema asks for (left as a string when
/// it does not parse, so validation reports it).
fn coerce(spec: &Spec, schema: &Value, raw: &[String]) -> Value {
    let schema = spec.resolve(schema);
    let one = |s: &str, schema: &Value| -> Value {
        let schema = spec.resolve(schema);
        match schema.get("type").and_then(Value::as_str) {
            Some("integer") => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(s.into())),
            Some("number") => s
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                .unwrap_or_else(|| Value::String(s.into())),
            Some("boolean") => match s {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(s.into()),
            },
            _ => Value::String(s.into()),
        }
    };
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let items = schema.get("items").cloned().unwrap_or(json!({}));
        // Repeated keys, or one comma-separated value.
        let values: Vec<&str> = if raw.len() == 1 { raw[0].split(',').collect() } else { raw.iter().map(String::as_str).collect() };
        Value::Array(values.into_iter().map(|v| one(v, &items)).collect())
    } else {
        one(&raw[0], schema)
    }
}

fn check_security(shared: &Shared, spec: &Spec, op: &Value, headers: &HeaderMap) -> Result<Option<Claims>, (String, &'static str)> {
    let security = op.get("security").or_else(|| spec.doc.get("security"));
    let alternatives: Vec<String> = security
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .flat_map(|req| req.keys().cloned())
                .collect()
        })
        .unwrap_or_default();
    let bearer = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let claims = bearer.and_then(|token| shared.keys.verify(token).ok());
    if alternatives.is_empty() {
        return Ok(claims);
    }
    let mut problem = ("missing credentials".to_string(), "AUTH0001");
    for scheme in &alternatives {
        match scheme.as_str() {
            "publisherToken" => {
                let token = headers.get("x-publisher-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
                let ok = match &shared.publisher_token {
                    Some(expected) => token == expected,
                    None => !token.trim().is_empty(),
                };
                if ok {
                    return Ok(claims);
                }
                problem = ("missing or invalid X-Publisher-Token".into(), "AUTH0001");
            }
            "customerJwt" => {
                if claims.is_some() {
                    return Ok(claims);
                }
                problem = match bearer {
                    None => ("Missing required JWT".into(), "AUTH0001"),
                    Some(_) => ("Invalid or expired JWT".into(), "AUTH0002"),
                };
            }
            // Any non-empty bearer secret stands for the dashboard's Integration Hub secret.
            "integrationSecret" => {
                if bearer.is_some_and(|b| !b.is_empty()) {
                    return Ok(claims);
                }
                problem = ("missing Integration Hub secret".into(), "AUTH0001");
            }
            _ => {}
        }
    }
    Err(problem)
}

/// The JSON schema of the operation's `status` response, if it has a JSON body.
pub(crate) fn response_schema<'a>(spec: &'a Spec, op: &'a Value, status: u16) -> Option<&'a Value> {
    let response = spec.resolve(op.get("responses")?.get(status.to_string())?);
    response.pointer("/content/application~1json/schema")
}

fn documented(spec: &Spec, op: &Value, status: u16) -> Option<Value> {
    op.get("responses")?.get(status.to_string()).map(|r| spec.resolve(r).clone())
}

/// An error answer: the first of `statuses` the operation documents (else the first), with the
/// documented body shape for it (else the family's usual shape).
pub(crate) fn error_response(spec: &Spec, op: &Value, statuses: &[u16], message: &str, code: &str) -> Response {
    let status = statuses
        .iter()
        .copied()
        .find(|s| documented(spec, op, *s).is_some())
        .unwrap_or(statuses.first().copied().unwrap_or(400));
    match documented(spec, op, status) {
        Some(response) => match response.pointer("/content/application~1json/schema") {
            Some(schema) => json_response(status, &error_body(spec, schema, message, code, spec.family.error_style())),
            None => empty(status),
        },
        None => plain_error(spec.family.error_style(), status, message, code),
    }
}

/// Fills an error schema: `message`, `errors`, `code`, `success`, `responseData` get the real
/// values where the schema has them; other required fields get schema-valid values.
fn error_body(spec: &Spec, schema: &Value, message: &str, code: &str, style: ErrorStyle) -> Value {
    let props = crate::schema::properties(spec, schema);
    if props.is_empty() {
        return style_body(style, message, code);
    }
    let mut facts = Map::new();
    for (key, value) in [
        ("message", json!(message)),
        ("errors", json!([message])),
        ("code", json!(code)),
        ("success", json!(false)),
        ("responseData", json!({})),
    ] {
        // MediaStore's envelope carries the message in `errors`; its optional `message` stays out.
        if key == "message" && props.contains_key("errors") {
            continue;
        }
        if props.contains_key(key) {
            facts.insert(key.to_string(), value);
        }
    }
    crate::schema::shape(spec, schema, &Value::Object(facts))
}

fn style_body(style: ErrorStyle, message: &str, code: &str) -> Value {
    match style {
        ErrorStyle::Message => json!({ "message": message }),
        ErrorStyle::Envelope => json!({ "responseData": {}, "errors": [message], "code": code }),
        ErrorStyle::CodeMessage => json!({ "code": code, "message": message }),
    }
}

fn plain_error(style: ErrorStyle, status: u16, message: &str, code: &str) -> Response {
    json_response(status, &style_body(style, message, code))
}

fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (status, [(http::header::CONTENT_TYPE, "application/json")], Body::from(bytes)).into_response()
}

/// A success whose documented body is not JSON (a receipt's HTML, say): the first documented
/// media type as `Content-Type`, with its example or a small placeholder document; no body only
/// when the spec documents none.
fn document_response(status: u16, response: &Value) -> Response {
    let Some((media_type, media)) = response.get("content").and_then(Value::as_object).and_then(|c| c.iter().next())
    else {
        return empty(status);
    };
    let body = match media.get("example").and_then(Value::as_str) {
        Some(example) => example.to_string(),
        None if media_type.starts_with("text/html") => {
            "<!doctype html><html><head><title>cleeng-mock</title></head><body>mock document</body></html>".to_string()
        }
        None => String::new(),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    match HeaderValue::from_str(media_type) {
        Ok(content_type) => (status, [(http::header::CONTENT_TYPE, content_type)], Body::from(body)).into_response(),
        Err(_) => empty(status.as_u16()),
    }
}

fn empty(status: u16) -> Response {
    StatusCode::from_u16(status).unwrap_or(StatusCode::NO_CONTENT).into_response()
}

fn with_headers(mut response: Response, headers: Vec<(String, String)>) -> Response {
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (http::HeaderName::try_from(name), HeaderValue::from_str(&value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// Records a response that does not match its documented schema.
fn check_response(shared: &Shared, spec: &Spec, op: &Value, operation_id: &str, status: u16, body: &Value) {
    if let Some(schema) = response_schema(spec, op, status) {
        if let Err(e) = validate(spec, schema, body, "") {
            let message = format!("{}.{operation_id} {status}: {e}", spec.family.name());
            tracing::warn!("{message}");
            shared.state().violations.push(message);
        }
    }
}

/// The answer of an operation without state: its lowest documented success status, with the
/// spec's example or a generated value, and its documented headers.
fn from_spec(shared: &Shared, spec: &Spec, op: &Value, operation_id: &str, call: &Call<'_>) -> Response {
    let responses = op.get("responses").and_then(Value::as_object);
    let status = responses
        .into_iter()
        .flat_map(|r| r.keys())
        .filter_map(|k| k.parse::<u16>().ok())
        .filter(|s| (200..300).contains(s))
        .min()
        .unwrap_or(200);
    let Some(response) = documented(spec, op, status) else {
        return empty(status);
    };
    let Some(media) = response.pointer("/content/application~1json") else {
        return document_response(status, &response);
    };
    let body = success_answer(spec, media);
    check_response(shared, spec, op, operation_id, status, &body);
    let mut headers = Vec::new();
    if let Some(declared) = response.get("headers").and_then(Value::as_object) {
        for name in declared.keys() {
            match name.to_ascii_lowercase().as_str() {
                "x-total-count" => headers.push((name.clone(), list_len(&body).to_string())),
                "etag" if call.header("if-match").is_some() || call.header("if-none-match").is_some() => {
                    headers.push((name.clone(), "\"mock-1\"".to_string()))
                }
                _ => {}
            }
        }
    }
    let mut body = body;
    let status = shared.hooks.apply(spec.family.name(), operation_id, status, &mut body);
    with_headers(json_response(status, &body), headers)
}

/// The body of a stateless success answer: the media type's example, else a value generated
/// from its schema, made to read like a success.
pub(crate) fn success_answer(spec: &Spec, media: &Value) -> Value {
    let mut body = media
        .get("example")
        .cloned()
        .or_else(|| {
            media
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|e| e.values().next())
                .map(|e| spec.resolve(e).get("value").cloned().unwrap_or(Value::Null))
        })
        .unwrap_or_else(|| generate(spec, media.get("schema").unwrap_or(&json!({}))));
    success_body(&mut body);
    body
}

/// Makes a success body read like one: Cleeng never sends a non-empty `errors` list or
/// `success: false` with a 2xx, but schema filler would (`{"errors": ["string"]}`), and clients
/// rightly turn that into an error.
pub(crate) fn success_body(body: &mut Value) {
    if let Some(map) = body.as_object_mut() {
        if let Some(errors) = map.get_mut("errors") {
            if errors.is_array() {
                *errors = json!([]);
            }
        }
        if let Some(success) = map.get_mut("success") {
            if success.is_boolean() {
                *success = json!(true);
            }
        }
    }
}

/// Items in a list body: the body itself, or its `data` / `responseData` / `items` array.
pub(crate) fn list_len(body: &Value) -> usize {
    if let Some(items) = body.as_array() {
        return items.len();
    }
    for key in ["data", "responseData", "items"] {
        if let Some(inner) = body.get(key) {
            if inner.is_array() || inner.is_object() {
                return list_len(inner);
            }
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::routes;

    /// Every 2xx JSON answer the mock can build from the spec validates against its schema
    /// (filler values satisfy patterns and formats) and carries no error.
    #[test]
    fn every_stateless_success_answer_reads_like_cleeng() {
        let mut checked = 0;
        for family in Family::ALL {
            let spec = Spec::load(family).unwrap();
            for route in routes(&spec) {
                let op = spec.doc.pointer(&route.pointer).unwrap();
                let Some(responses) = op.get("responses").and_then(Value::as_object) else { continue };
                for (status, response) in responses {
                    if !status.starts_with('2') {
                        continue;
                    }
                    let response = spec.resolve(response);
                    let Some(media) = response.pointer("/content/application~1json") else { continue };
                    let body = success_answer(&spec, media);
                    let schema = media.get("schema").unwrap_or(&Value::Null);
                    if let Err(e) = validate(&spec, schema, &body, "") {
                        panic!("{}.{} {status}: {e}: {body}", family.name(), route.operation_id);
                    }
                    if let Some(errors) = body.get("errors") {
                        assert_eq!(errors, &json!([]), "{}.{} {status}", family.name(), route.operation_id);
                    }
                    assert_ne!(body.get("success"), Some(&json!(false)), "{}", route.operation_id);
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} answers checked");
    }
}
