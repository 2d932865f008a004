//! Reading an OpenRPC document into the facts the generator uses.
//!
//! Only what the generator needs is typed here (methods, params, results, our `x-` extensions,
//! servers and `x-jsonrpc.path`); schemas stay JSON values for [`super::types`] to convert.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Error;

/// How we know which REST operation replaces a method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestReplacement {
    /// Family name (`core`, `mediastore`...).
    pub family: String,
    /// The REST operationId.
    pub operation_id: String,
    /// `documented` (Cleeng names it), `related` (Cleeng links it) or `inferred` (our mapping).
    pub basis: String,
}

/// One named param of a method.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The JSON name in `params`.
    pub name: String,
    /// Whether the call needs it.
    pub required: bool,
    /// One short sentence, if the spec has one.
    pub description: Option<String>,
    /// Its JSON Schema (OpenRPC flavour: `nullable`, our `x-` extensions).
    pub schema: Value,
}

/// One JSON-RPC method.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// The JSON-RPC method name (camelCase); the Rust method is its snake case.
    pub name: String,
    /// A few words.
    pub summary: String,
    /// One sentence, if any.
    pub description: Option<String>,
    /// The first tag (groups methods into `Client<Tag>Ext` traits).
    pub tag: String,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `externalDocs.url`.
    pub doc_url: Option<String>,
    /// `x-confidence`.
    pub confidence: String,
    /// `x-idempotent`: safe to send again after an ambiguous failure.
    pub idempotent: bool,
    /// `x-moves-money`.
    pub moves_money: bool,
    /// `x-auth`: params the client fills from its credentials or that carry one.
    pub auth: Vec<String>,
    /// `x-rest-replacement`.
    pub replacement: Option<RestReplacement>,
    /// Params in document order.
    pub params: Vec<Param>,
    /// The result's schema.
    pub result: Value,
}

/// A loaded OpenRPC document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Production and sandbox base URLs (the server URLs without [`Document::path`]).
    pub hosts: (String, String),
    /// The endpoint's path under each base URL (`x-jsonrpc.path`).
    pub path: String,
    /// Methods sorted by name.
    pub methods: Vec<Method>,
    /// `components.schemas`, by name.
    pub schemas: BTreeMap<String, Value>,
}

/// Parses the YAML text of an OpenRPC document (`path` is only used in messages).
pub fn parse(path: &str, bytes: &[u8]) -> Result<Document, Error> {
    let invalid = |message: String| Error::Invalid {
        path: path.to_string(),
        message,
    };
    let yaml: serde_yaml::Value = serde_yaml::from_slice(bytes).map_err(|e| Error::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    let raw: Value = serde_json::to_value(yaml).map_err(|e| Error::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    let version = raw.get("openrpc").and_then(Value::as_str).unwrap_or_default();
    if !version.starts_with("1.") {
        return Err(invalid(format!("openrpc must be 1.x, found {version:?}")));
    }
    let endpoint = raw
        .pointer("/x-jsonrpc/path")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("x-jsonrpc.path (the endpoint path under each server) is missing".into()))?
        .to_string();
    let servers: Vec<&str> = raw
        .get("servers")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(|v| v.get("url").and_then(Value::as_str)).collect())
        .unwrap_or_default();
    let base = |url: &str| -> Result<String, Error> {
        url.strip_suffix(endpoint.as_str())
            .map(str::to_string)
            .ok_or_else(|| invalid(format!("server {url} does not end with x-jsonrpc.path {endpoint}")))
    };
    let hosts = match servers.as_slice() {
        [prod, sandbox, ..] => (base(prod)?, base(sandbox)?),
        _ => return Err(invalid("servers must list production then sandbox".into())),
    };
    let schemas: BTreeMap<String, Value> = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let mut methods = Vec::new();
    for m in raw.get("methods").and_then(Value::as_array).into_iter().flatten() {
        methods.push(method(m).map_err(invalid)?);
    }
    methods.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = methods.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(invalid(format!("method {} is listed twice", pair[0].name)));
    }
    Ok(Document {
        hosts,
        path: endpoint,
        methods,
        schemas,
    })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn method(m: &Value) -> Result<Method, String> {
    let name = text(m, "name").ok_or("a method has no name")?;
    let flag = |key: &str| m.get(key).and_then(Value::as_bool);
    let idempotent = flag("x-idempotent")
        .ok_or_else(|| format!("{name}: x-idempotent must be true or false"))?;
    let auth = m
        .get("x-auth")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name}: x-auth (the params that carry credentials) is missing"))?
        .iter()
        .map(|v| v.as_str().map(str::to_string).ok_or_else(|| format!("{name}: x-auth lists a non-string")))
        .collect::<Result<Vec<_>, _>>()?;
    let replacement = match m.get("x-rest-replacement") {
        None | Some(Value::Null) => None,
        Some(r) => Some(RestReplacement {
            family: text(r, "family").ok_or_else(|| format!("{name}: x-rest-replacement.family missing"))?,
            operation_id: text(r, "operationId")
                .ok_or_else(|| format!("{name}: x-rest-replacement.operationId missing"))?,
            basis: text(r, "basis").unwrap_or_else(|| "inferred".into()),
        }),
    };
    let mut params = Vec::new();
    for p in m.get("params").and_then(Value::as_array).into_iter().flatten() {
        let pname = text(p, "name").ok_or_else(|| format!("{name}: a param has no name"))?;
        params.push(Param {
            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
            description: text(p, "description"),
            schema: p.get("schema").cloned().unwrap_or(Value::Object(Default::default())),
            name: pname,
        });
    }
    for a in &auth {
        if !params.iter().any(|p| &p.name == a) {
            return Err(format!("{name}: x-auth names {a}, which is not a param"));
        }
    }
    if m.get("paramStructure").and_then(Value::as_str).is_some_and(|s| s != "by-name") {
        return Err(format!("{name}: only paramStructure by-name is supported"));
    }
    let result = m
        .pointer("/result/schema")
        .cloned()
        .ok_or_else(|| format!("{name}: result.schema missing"))?;
    Ok(Method {
        summary: text(m, "summary").unwrap_or_default(),
        description: text(m, "description"),
        tag: m
            .pointer("/tags/0/name")
            .and_then(Value::as_str)
            .unwrap_or("methods")
            .to_string(),
        deprecated: flag("deprecated").unwrap_or(false),
        doc_url: m.pointer("/externalDocs/url").and_then(Value::as_str).map(str::to_string),
        confidence: text(m, "x-confidence").unwrap_or_default(),
        idempotent,
        moves_money: flag("x-moves-money").unwrap_or(false),
        auth,
        replacement,
        params,
        result,
        name,
    })
}
