//! Calling the operations: credentials, the order of calls (lists first, then gets with the
//! ids the lists revealed), parameters, and the bounded HTTP exchange itself.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{json, Value};

use super::check;
use super::findings::{OperationReport, Outcome};
use super::spec::{resolve, FamilySpec, Operation};

/// Largest answer body read (larger ones are a failure, not a finding).
const MAX_BODY: usize = 4 << 20;
/// Per-request timeout.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Placeholder `If-None-Match` value: never matches, so the answer is a 200 that must carry `ETag`.
pub const PROBE_ETAG: &str = "\"cleeng-probe-no-match\"";

/// Credentials from the environment. Debug never shows the values.
#[derive(Default, Clone)]
pub struct Credentials {
    /// `CLEENG_PUBLISHER_TOKEN`.
    pub publisher_token: Option<String>,
    /// `CLEENG_CUSTOMER_EMAIL`.
    pub customer_email: Option<String>,
    /// `CLEENG_CUSTOMER_PASSWORD`.
    pub customer_password: Option<String>,
    /// `CLEENG_PUBLISHER_ID` (MediaStore login picks the publisher with it).
    pub publisher_id: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field(
                "publisher_token",
                &self.publisher_token.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "customer_email",
                &self.customer_email.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "customer_password",
                &self.customer_password.as_ref().map(|_| "<redacted>"),
            )
            .field("publisher_id", &self.publisher_id)
            .finish()
    }
}

impl Credentials {
    /// Reads the variables (empty values count as unset).
    pub fn from_env() -> Credentials {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Credentials {
            publisher_token: var("CLEENG_PUBLISHER_TOKEN"),
            customer_email: var("CLEENG_CUSTOMER_EMAIL"),
            customer_password: var("CLEENG_CUSTOMER_PASSWORD"),
            publisher_id: var("CLEENG_PUBLISHER_ID"),
        }
    }
}

/// An answer, as far as the checks need it.
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: BTreeMap<String, String>,
    /// The raw body.
    pub body: Vec<u8>,
    /// Whether the request carried [`PROBE_ETAG`].
    pub sent_if_none_match: bool,
}

/// A reached operation's 2xx JSON body, for `--save-fixtures`.
pub struct Evidence {
    /// Family name.
    pub family: String,
    /// operationId.
    pub operation_id: String,
    /// Status.
    pub status: u16,
    /// The parsed body (not yet redacted).
    pub body: Value,
}

/// Everything a run produced.
pub struct RunResult {
    /// One line per operation of the probed families.
    pub operations: Vec<OperationReport>,
    /// Bodies for fixtures.
    pub evidence: Vec<Evidence>,
    /// Requests sent, by method.
    pub requests: BTreeMap<String, u64>,
}

/// Known values for parameters, by lower-case parameter name, discovered from answers.
#[derive(Default)]
struct Pool(BTreeMap<String, Vec<String>>);

/// Parameter names compare without case, `-` or `_` (`season-groupId` = `seasonGroupId`).
fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

impl Pool {
    fn add(&mut self, name: &str, value: String) {
        let values = self.0.entry(norm(name)).or_default();
        if !values.contains(&value) && values.len() < 8 {
            values.push(value);
        }
    }

    /// Adds a value that wins over discovered ones (the logged-in customer's own id).
    fn prefer(&mut self, name: &str, value: String) {
        let values = self.0.entry(norm(name)).or_default();
        values.retain(|v| *v != value);
        values.insert(0, value);
    }

    /// Moves the first known value of `name` to the end (to try the next one); false when
    /// there is no other value.
    fn rotate(&mut self, name: &str) -> bool {
        match self.0.get_mut(&norm(name)) {
            Some(values) if values.len() > 1 => {
                values.rotate_left(1);
                true
            }
            _ => false,
        }
    }

    fn get(&self, name: &str) -> Option<&String> {
        self.0.get(&norm(name)).and_then(|v| v.first())
    }

    /// The value of path parameter `name` in `path`: a generic `{id}` is looked up as
    /// `<singular of the segment before it>Id`.
    fn path_value(&self, path: &str, name: &str) -> Option<&String> {
        if name != "id" {
            return self.get(name);
        }
        let before = path
            .split('/')
            .take_while(|s| *s != "{id}")
            .filter(|s| !s.is_empty())
            .last()
            .unwrap_or_default();
        self.get(&format!("{}Id", singular(before)))
    }

    /// Records every scalar field of `body` under its name, and `id` fields under
    /// `<singular of the collection>Id` (from the enclosing key, else the operation's last path segment).
    fn discover(&mut self, body: &Value, collection: &str) {
        self.walk(body, collection, 0);
    }

    fn walk(&mut self, value: &Value, collection: &str, depth: usize) {
        if depth > 12 {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match child {
                        Value::String(s) if !s.is_empty() && s.len() <= 128 => {
                            self.record(key, s.clone(), collection);
                        }
                        Value::Number(n) => self.record(key, n.to_string(), collection),
                        Value::Array(_) | Value::Object(_) => {
                            let inner = if matches!(
                                key.as_str(),
                                "data" | "items" | "responseData" | "results"
                            ) {
                                collection
                            } else {
                                key.as_str()
                            };
                            self.walk(child, inner, depth + 1);
                        }
                        _ => {}
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.walk(item, collection, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn record(&mut self, key: &str, value: String, collection: &str) {
        if key == "id" {
            let singular = singular(collection);
            if !singular.is_empty() {
                self.add(&format!("{singular}Id"), value);
            }
        } else {
            self.add(key, value);
        }
    }
}

/// `offers` -> `offer`, `entities` -> `entity`, `event-types` -> `event-type`.
fn singular(collection: &str) -> String {
    collection
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .unwrap_or_else(|| {
            collection
                .strip_suffix('s')
                .unwrap_or(collection)
                .to_string()
        })
}

/// The last literal path segment: the collection a list answers with.
fn collection_of(path: &str) -> String {
    path.split('/')
        .rfind(|s| !s.is_empty() && !s.starts_with('{'))
        .unwrap_or_default()
        .to_string()
}

/// The claims of a JWT, without verifying it (only to learn the customer id).
fn jwt_claims(jwt: &str) -> Option<Value> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64url(payload)?;
    serde_json::from_slice(&bytes).ok()
}

fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32;
        buffer = (buffer << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Which credential to send for `op`, or why it cannot be called.
enum Auth {
    None,
    Publisher,
    Customer,
}

fn pick_auth(op: &Operation, creds: &Credentials, jwt: Option<&str>) -> Result<Auth, String> {
    if op.security.is_empty() {
        return Ok(Auth::None);
    }
    let mut reasons = Vec::new();
    for scheme in &op.security {
        match scheme.as_str() {
            "publisherToken" if creds.publisher_token.is_some() => return Ok(Auth::Publisher),
            "publisherToken" => {
                reasons.push("a publisher token (CLEENG_PUBLISHER_TOKEN)".to_string())
            }
            "customerJwt" if jwt.is_some() => return Ok(Auth::Customer),
            "customerJwt" => {
                reasons.push("a customer login (CLEENG_CUSTOMER_EMAIL/PASSWORD)".to_string())
            }
            other => reasons.push(format!(
                "credential `{other}`, which the probe does not use"
            )),
        }
    }
    Err(format!("needs {}", reasons.join(" or ")))
}

/// The credential label of an operation for reports.
pub fn credential_label(op: &Operation) -> String {
    if op.security.is_empty() {
        "none".into()
    } else if op.security.iter().any(|s| s == "publisherToken") {
        "publisher".into()
    } else if op.security.iter().any(|s| s == "customerJwt") {
        "customer".into()
    } else {
        op.security.join("|")
    }
}

/// A value for a required query/header parameter: a discovered one, else the schema's
/// example, default or first enum value.
fn parameter_value(doc: &Value, param: &Value, pool: &Pool) -> Option<String> {
    let name = param.get("name").and_then(Value::as_str)?;
    if let Some(v) = pool.get(name) {
        return Some(v.clone());
    }
    let schema = resolve(doc, param.get("schema").unwrap_or(&Value::Null));
    let paging = match schema.get("type").and_then(Value::as_str) {
        // A required page size or offset: the smallest page the schema allows.
        Some("integer") => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let wanted = if name.to_ascii_lowercase().contains("limit")
                || name.to_ascii_lowercase().contains("size")
            {
                10
            } else {
                0
            };
            let max = schema
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            Some(Value::from(wanted.max(min).min(max)))
        }
        _ => None,
    };
    let candidate = param
        .get("example")
        .or_else(|| schema.get("example"))
        .or_else(|| schema.get("default"))
        .or_else(|| schema.get("enum").and_then(|e| e.get(0)))
        .cloned()
        .or(paging)?;
    Some(match candidate {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builds the request URL (path and required query) or says which parameter is unknown.
fn build_url(
    base: &str,
    family: &FamilySpec,
    op: &Operation,
    pool: &Pool,
) -> Result<(String, Vec<(String, String)>), String> {
    let mut path = op.path.clone();
    let mut missing = Vec::new();
    for name in op.path_params() {
        match pool.path_value(&op.path, &name) {
            Some(v) => path = path.replace(&format!("{{{name}}}"), &encode(v)),
            None => missing.push(name),
        }
    }
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for param in &op.parameters {
        let required = param
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !required || location == "path" {
            continue;
        }
        match parameter_value(&family.doc, param, pool) {
            Some(v) if location == "query" => {
                query.push(format!("{}={}", encode(name), encode(&v)))
            }
            Some(v) if location == "header" => headers.push((name.to_string(), v)),
            Some(_) => {}
            None => missing.push(name.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "no known value for parameter {} (no list answer revealed one)",
            missing.join(", ")
        ));
    }
    let mut url = format!("{base}{path}");
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    Ok((url, headers))
}

/// Whether the operation promises an `ETag` on success and documents a 304: then the probe
/// sends a never-matching `If-None-Match` to see the promise kept.
fn wants_etag(doc: &Value, op: &Operation) -> bool {
    let Some(responses) = op.op.get("responses").and_then(Value::as_object) else {
        return false;
    };
    let promises = responses.iter().any(|(status, r)| {
        status.starts_with('2')
            && resolve(doc, r)
                .get("headers")
                .and_then(Value::as_object)
                .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("etag")))
    });
    promises && responses.contains_key("304")
}

/// The request body an allowed write is sent with: the spec's example of it.
fn request_example(doc: &Value, op: &Operation) -> Option<Value> {
    let body = resolve(doc, op.op.get("requestBody")?);
    let media = body.pointer("/content/application~1json")?;
    media
        .get("example")
        .cloned()
        .or_else(|| {
            media
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|e| e.values().next())
                .and_then(|e| resolve(doc, e).get("value").cloned())
        })
        .or_else(|| resolve(doc, media.get("schema")?).get("example").cloned())
}

/// The probe's HTTP side.
pub struct Runner<'a> {
    http: reqwest::Client,
    families: &'a [FamilySpec],
    bases: BTreeMap<String, String>,
    creds: Credentials,
    allow: BTreeSet<String>,
    pool: Pool,
    jwt: Option<String>,
    requests: BTreeMap<String, u64>,
    reports: BTreeMap<String, OperationReport>,
    evidence: Vec<Evidence>,
}

impl<'a> Runner<'a> {
    /// A runner for these families at these base URLs (by family name).
    pub fn new(
        families: &'a [FamilySpec],
        bases: BTreeMap<String, String>,
        creds: Credentials,
        allow: BTreeSet<String>,
    ) -> Result<Self, String> {
        let http = cleeng_runtime::http_client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let mut pool = Pool::default();
        if let Some(id) = &creds.publisher_id {
            pool.prefer("publisherId", id.clone());
        }
        Ok(Runner {
            http,
            families,
            bases,
            creds,
            allow,
            pool,
            jwt: None,
            requests: BTreeMap::new(),
            reports: BTreeMap::new(),
            evidence: Vec::new(),
        })
    }

    fn family(&self, name: &str) -> &'a FamilySpec {
        let families: &'a [FamilySpec] = self.families;
        families
            .iter()
            .find(|f| f.name == name)
            .expect("operation of a loaded family")
    }

    async fn send(
        &mut self,
        method: &str,
        url: &str,
        headers: Vec<(String, String)>,
        body: Option<&Value>,
    ) -> Result<Answer, String> {
        *self.requests.entry(method.to_string()).or_default() += 1;
        let method_value =
            reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = self
            .http
            .request(method_value, url)
            .header("accept", "application/json");
        let mut sent_if_none_match = false;
        for (name, value) in headers {
            sent_if_none_match |= name.eq_ignore_ascii_case("if-none-match");
            request = request.header(name, value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| format!("request failed: {}", without_url(&e)))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| {
                v.to_str()
                    .ok()
                    .map(|v| (k.as_str().to_ascii_lowercase(), v.to_string()))
            })
            .collect();
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("reading the answer failed: {}", without_url(&e)))?
        {
            if bytes.len() + chunk.len() > MAX_BODY {
                return Err(format!("answer larger than {MAX_BODY} bytes"));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body: bytes,
            sent_if_none_match,
        })
    }

    fn credential_headers(&self, auth: &Auth) -> Vec<(String, String)> {
        match auth {
            Auth::None => Vec::new(),
            Auth::Publisher => vec![(
                "X-Publisher-Token".into(),
                self.creds.publisher_token.clone().unwrap_or_default(),
            )],
            Auth::Customer => vec![(
                "Authorization".into(),
                format!("Bearer {}", self.jwt.clone().unwrap_or_default()),
            )],
        }
    }

    /// Calls one operation and records its report (and discovered values).
    async fn probe(
        &mut self,
        op: &Operation,
        body: Option<Value>,
        extra: Vec<(String, String)>,
    ) -> Option<Value> {
        let family = self.family(&op.family);
        let base = self.bases.get(&op.family).cloned().unwrap_or_default();
        let auth = match pick_auth(op, &self.creds, self.jwt.as_deref()) {
            Ok(a) => a,
            Err(reason) => {
                self.unreachable(op, reason);
                return None;
            }
        };
        let (url, mut headers) = match build_url(&base, family, op, &self.pool) {
            Ok(u) => u,
            Err(reason) => {
                self.unreachable(op, reason);
                return None;
            }
        };
        headers.extend(self.credential_headers(&auth));
        headers.extend(extra);
        if op.is_read() && wants_etag(&family.doc, op) {
            headers.push(("If-None-Match".into(), PROBE_ETAG.into()));
        }
        let answer = match self.send(&op.method, &url, headers, body.as_ref()).await {
            Ok(a) => a,
            Err(reason) => {
                self.record(op, Outcome::Failed { reason });
                return None;
            }
        };
        let findings = check::answer(&family.doc, op, &answer);
        let parsed: Option<Value> = serde_json::from_slice(&answer.body).ok();
        if (200..300).contains(&answer.status) {
            if let Some(body) = &parsed {
                self.pool.discover(body, &collection_of(&op.path));
                self.evidence.push(Evidence {
                    family: op.family.clone(),
                    operation_id: op.operation_id.clone(),
                    status: answer.status,
                    body: body.clone(),
                });
            }
        }
        self.record(
            op,
            Outcome::Reached {
                status: answer.status,
                findings,
            },
        );
        parsed.filter(|_| (200..300).contains(&answer.status))
    }

    fn unreachable(&mut self, op: &Operation, reason: String) {
        self.record(op, Outcome::Unreachable { reason });
    }

    fn record(&mut self, op: &Operation, outcome: Outcome) {
        self.reports.insert(
            op.name(),
            OperationReport {
                family: op.family.clone(),
                operation_id: op.operation_id.clone(),
                method: op.method.clone(),
                path: op.path.clone(),
                credential: credential_label(op),
                outcome,
            },
        );
    }

    fn find(&self, family: &str, operation_id: &str) -> Option<Operation> {
        self.families
            .iter()
            .filter(|f| f.name == family)
            .flat_map(|f| &f.operations)
            .find(|o| o.operation_id == operation_id)
            .cloned()
    }

    /// Logs the customer in through MediaStore (and refreshes once), keeping the JWT.
    async fn login(&mut self) {
        let (Some(email), Some(password)) = (
            self.creds.customer_email.clone(),
            self.creds.customer_password.clone(),
        ) else {
            return;
        };
        let Some(login) = self.find("mediastore", "loginCustomer") else {
            return;
        };
        let mut body = json!({"email": email, "password": password});
        if let Some(publisher) = self.pool.get("publisherId") {
            body["publisherId"] = json!(publisher);
        } else if let Some(offer) = self.pool.get("offerId") {
            body["offerId"] = json!(offer);
        }
        self.pool.prefer("email", email.clone());
        self.pool.prefer("customerEmail", email);
        let Some(answer) = self.probe(&login, Some(body), Vec::new()).await else {
            return;
        };
        let tokens = answer.get("responseData").unwrap_or(&answer);
        self.jwt = tokens
            .get("jwt")
            .and_then(Value::as_str)
            .map(str::to_string);
        let refresh = tokens
            .get("refreshToken")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(claims) = self.jwt.as_deref().and_then(jwt_claims) {
            for key in ["customerId", "publisherId"] {
                if let Some(v) = claims.get(key) {
                    self.pool.prefer(
                        key,
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    );
                }
            }
        }
        if let (Some(refresh), Some(op)) = (refresh, self.find("mediastore", "refreshToken")) {
            if let Some(answer) = self
                .probe(&op, Some(json!({"refreshToken": refresh})), Vec::new())
                .await
            {
                let tokens = answer.get("responseData").unwrap_or(&answer);
                if let Some(jwt) = tokens.get("jwt").and_then(Value::as_str) {
                    self.jwt = Some(jwt.to_string());
                }
            }
        }
    }

    /// Runs the whole probe: lists (no path parameters) first, the customer login, then rounds
    /// of gets whose parameters earlier answers revealed, then the allowed writes.
    pub async fn run(mut self) -> RunResult {
        let all: Vec<Operation> = self
            .families
            .iter()
            .flat_map(|f| f.operations.iter().cloned())
            .collect();
        let (reads, writes): (Vec<Operation>, Vec<Operation>) =
            all.into_iter().partition(Operation::is_read);
        let mut pending: Vec<Operation> = reads;
        pending.sort_by_key(|o| (o.path_params().len(), o.family.clone(), o.path.clone()));

        // Round 0: lists that need no customer.
        let mut later = Vec::new();
        for op in std::mem::take(&mut pending) {
            let needs_customer_only =
                !op.security.is_empty() && !op.security.iter().any(|s| s == "publisherToken");
            if op.path_params().is_empty() && !needs_customer_only {
                self.probe(&op, None, Vec::new()).await;
            } else {
                later.push(op);
            }
        }
        if self.find("mediastore", "loginCustomer").is_some() {
            self.login().await;
        }
        // Rounds: call what can now be parameterized, until nothing new can be.
        pending = later;
        loop {
            let mut progressed = false;
            let mut still = Vec::new();
            for op in std::mem::take(&mut pending) {
                let family = self.family(&op.family);
                let ready = pick_auth(&op, &self.creds, self.jwt.as_deref()).is_ok()
                    && build_url("", family, &op, &self.pool).is_ok();
                if ready {
                    self.probe(&op, None, Vec::new()).await;
                    // A 404 may only mean the first discovered id belongs to something else:
                    // try up to two other known values.
                    for _ in 0..2 {
                        let not_found = matches!(
                            self.reports.get(&op.name()).map(|r| &r.outcome),
                            Some(Outcome::Reached { status: 404, .. })
                        );
                        let params: Vec<String> = op
                            .path_params()
                            .into_iter()
                            .map(|p| {
                                if p == "id" {
                                    format!(
                                        "{}Id",
                                        singular(
                                            op.path
                                                .split('/')
                                                .take_while(|s| *s != "{id}")
                                                .filter(|s| !s.is_empty())
                                                .last()
                                                .unwrap_or_default()
                                        )
                                    )
                                } else {
                                    p
                                }
                            })
                            .collect();
                        // Rotate every parameter that has another value (no short-circuit).
                        if !not_found {
                            break;
                        }
                        let mut rotated = false;
                        for p in &params {
                            rotated |= self.pool.rotate(p);
                        }
                        if !rotated {
                            break;
                        }
                        self.probe(&op, None, Vec::new()).await;
                    }
                    progressed = true;
                } else {
                    still.push(op);
                }
            }
            pending = still;
            if !progressed || pending.is_empty() {
                break;
            }
        }
        for op in pending {
            // Records why (credential or parameter).
            let family = self.family(&op.family);
            let reason = match pick_auth(&op, &self.creds, self.jwt.as_deref()) {
                Err(r) => r,
                Ok(_) => build_url("", family, &op, &self.pool)
                    .err()
                    .unwrap_or_default(),
            };
            self.unreachable(&op, reason);
        }
        for op in writes {
            if self.reports.contains_key(&op.name()) {
                continue; // the login and refresh
            }
            if op.moves_money {
                self.unreachable(
                    &op,
                    "write that moves money (x-moves-money): never called".into(),
                );
            } else if !self.allow.contains(&op.operation_id) {
                self.unreachable(
                    &op,
                    format!("write ({}): called only when named with --allow", op.method),
                );
            } else {
                let family = self.family(&op.family);
                match request_example(&family.doc, &op) {
                    Some(body) => {
                        self.probe(&op, Some(body), Vec::new()).await;
                    }
                    None if op.op.get("requestBody").is_none() => {
                        self.probe(&op, None, Vec::new()).await;
                    }
                    None => self.unreachable(
                        &op,
                        "allowed write, but the spec has no request example to send".into(),
                    ),
                }
            }
        }
        RunResult {
            operations: self.reports.into_values().collect(),
            evidence: self.evidence,
            requests: self.requests,
        }
    }
}

/// A reqwest error without its URL (which may carry ids or codes).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "<url>");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_ids_by_collection_and_field_name() {
        let mut pool = Pool::default();
        pool.discover(&json!({"items": [{"id": "S1", "customerId": 5}]}), "offers");
        pool.discover(
            &json!({"responseData": {"subscriptions": [{"id": 7}]}}),
            "ignored",
        );
        assert_eq!(pool.get("offerId").map(String::as_str), Some("S1"));
        assert_eq!(pool.get("customerid").map(String::as_str), Some("5"));
        assert_eq!(pool.get("subscriptionId").map(String::as_str), Some("7"));
        assert_eq!(
            collection_of("/customers/{customerId}/subscriptions"),
            "subscriptions"
        );
        pool.discover(&json!([{"id": "g1"}]), "season-groups");
        assert_eq!(
            pool.path_value("/offers/season-groups/{id}", "id")
                .map(String::as_str),
            Some("g1")
        );
        pool.prefer("customerId", "9".into());
        assert_eq!(pool.get("customer_id").map(String::as_str), Some("9"));
    }

    #[test]
    fn reads_jwt_claims() {
        // {"customerId":42}
        let claims = jwt_claims("eyJhbGciOiJub25lIn0.eyJjdXN0b21lcklkIjo0Mn0.x").unwrap();
        assert_eq!(claims["customerId"], 42);
    }

    #[test]
    fn credentials_never_show_in_debug() {
        let creds = Credentials {
            publisher_token: Some("tok-secret".into()),
            customer_password: Some("pw-secret".into()),
            ..Credentials::default()
        };
        let text = format!("{creds:?}");
        assert!(!text.contains("secret"), "{text}");
    }
}
