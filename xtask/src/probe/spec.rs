//! The specs, read at run time from `specs/<family>.yaml`, as the probe needs them: each
//! operation with its resolved parameters, credentials, and whether it moves money.

use std::path::Path;

use serde_json::Value;

/// The REST families the probe knows (the JSON-RPC legacy API is not probed).
pub const FAMILIES: [&str; 5] = ["core", "mediastore", "auth", "inapp", "webhooks"];

/// One family's spec.
#[derive(Debug)]
pub struct FamilySpec {
    /// `core`, `mediastore`...
    pub name: String,
    /// The whole document as JSON.
    pub doc: Value,
    /// Base URL of the sandbox (from `servers`, the entry described as sandbox).
    pub sandbox: Option<String>,
    /// Base URL of production.
    pub production: Option<String>,
    /// Every operation.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Family name.
    pub family: String,
    /// Upper-case method.
    pub method: String,
    /// Path template, e.g. `/offers/{offerId}`.
    pub path: String,
    /// The spec's operationId.
    pub operation_id: String,
    /// The operation object.
    pub op: Value,
    /// Path-item and operation parameters, `$ref`s resolved.
    pub parameters: Vec<Value>,
    /// Security alternatives (scheme names); empty means none needed.
    pub security: Vec<String>,
    /// `x-moves-money: true`: may charge or refund; never called by the probe.
    pub moves_money: bool,
}

impl Operation {
    /// `family.operationId`, as reports name it.
    pub fn name(&self) -> String {
        format!("{}.{}", self.family, self.operation_id)
    }

    /// Read-only by method: the probe calls these without being asked.
    pub fn is_read(&self) -> bool {
        self.method == "GET"
    }

    /// Path parameter names, in template order.
    pub fn path_params(&self) -> Vec<String> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_string)
            .collect()
    }
}

/// Follows local `$ref`s.
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(pointer) => match doc.pointer(pointer) {
                Some(target) => value = target,
                None => return &Value::Null,
            },
            None => break,
        }
    }
    value
}

/// Loads the named families (all when `only` is empty) from `<root>/specs`.
pub fn load(root: &Path, only: &[String]) -> Result<Vec<FamilySpec>, String> {
    let mut out = Vec::new();
    for name in FAMILIES {
        if !only.is_empty() && !only.iter().any(|f| f == name) {
            continue;
        }
        let path = root.join("specs").join(format!("{name}.yaml"));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let doc: Value = serde_yaml::from_str(&text)
            .map_err(|e| format!("{} does not parse: {e}", path.display()))?;
        out.push(family(name, doc));
    }
    Ok(out)
}

fn server(doc: &Value, which: &str) -> Option<String> {
    doc.get("servers")?.as_array()?.iter().find_map(|s| {
        let description = s
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        description
            .to_ascii_lowercase()
            .starts_with(which)
            .then(|| {
                s.get("url")
                    .and_then(Value::as_str)
                    .map(|u| u.trim_end_matches('/').to_string())
            })
            .flatten()
    })
}

fn family(name: &str, doc: Value) -> FamilySpec {
    let mut operations = Vec::new();
    let global_security = doc.get("security").cloned();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (template, item) in paths {
            for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
                let Some(op) = item.get(method) else { continue };
                let mut parameters: Vec<Value> = Vec::new();
                for list in [item.get("parameters"), op.get("parameters")]
                    .into_iter()
                    .flatten()
                {
                    for p in list.as_array().into_iter().flatten() {
                        let p = resolve(&doc, p).clone();
                        parameters.retain(|q| {
                            !(q.get("name") == p.get("name") && q.get("in") == p.get("in"))
                        });
                        parameters.push(p);
                    }
                }
                let security = op
                    .get("security")
                    .or(global_security.as_ref())
                    .and_then(Value::as_array)
                    .map(|alts| {
                        alts.iter()
                            .filter_map(Value::as_object)
                            .flat_map(|r| r.keys().cloned())
                            .collect()
                    })
                    .unwrap_or_default();
                operations.push(Operation {
                    family: name.to_string(),
                    method: method.to_uppercase(),
                    path: template.clone(),
                    operation_id: op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    moves_money: op
                        .get("x-moves-money")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    op: op.clone(),
                    parameters,
                    security,
                });
            }
        }
    }
    FamilySpec {
        name: name.to_string(),
        sandbox: server(&doc, "sandbox"),
        production: server(&doc, "production"),
        doc,
        operations,
    }
}
