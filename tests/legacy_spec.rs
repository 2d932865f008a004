//! `specs/legacy.openrpc.yaml` against the fact sheet it was written from
//! (`specs/facts/jsonrpc.yaml`, a vendored copy of the project's JSON-RPC fact sheet) and
//! against the rules the generator and the runtime rely on.

use std::collections::{BTreeMap, BTreeSet};

use cleeng_codegen::family::workspace_root;
use serde_yaml::Value;

fn yaml(relative: &str) -> Value {
    let path = workspace_root().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn spec() -> Value {
    yaml("specs/legacy.openrpc.yaml")
}

fn facts() -> Value {
    yaml("specs/facts/jsonrpc.yaml")
}

fn seq(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_sequence).cloned().unwrap_or_default()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Spec methods by name.
fn spec_methods() -> BTreeMap<String, Value> {
    seq(&spec(), "methods")
        .into_iter()
        .map(|m| (str_of(&m, "name").to_string(), m))
        .collect()
}

#[test]
fn every_fact_sheet_method_is_in_the_spec_and_nothing_else() {
    let spec = spec_methods();
    let facts: BTreeSet<String> = seq(&facts(), "methods")
        .iter()
        .map(|m| str_of(m, "name").to_string())
        .collect();
    assert_eq!(facts.len(), 25, "the fact sheet lists 25 methods");
    let in_spec: BTreeSet<String> = spec.keys().cloned().collect();
    let missing: Vec<_> = facts.difference(&in_spec).collect();
    let extra: Vec<_> = in_spec.difference(&facts).collect();
    assert!(missing.is_empty(), "methods of the fact sheet missing from the spec: {missing:?}");
    assert!(extra.is_empty(), "methods in the spec the fact sheet does not know: {extra:?}");
}

#[test]
fn confidence_docs_and_params_match_the_fact_sheet() {
    let spec = spec_methods();
    let mut problems = Vec::new();
    for fact in seq(&facts(), "methods") {
        let name = str_of(&fact, "name");
        let Some(method) = spec.get(name) else { continue };
        if str_of(method, "x-confidence") != str_of(&fact, "confidence") {
            problems.push(format!(
                "{name}: x-confidence {:?}, fact sheet {:?}",
                str_of(method, "x-confidence"),
                str_of(&fact, "confidence")
            ));
        }
        let url = method.get("externalDocs").map(|d| str_of(d, "url")).unwrap_or("");
        if url != str_of(&fact, "doc") {
            problems.push(format!("{name}: externalDocs {url:?}, fact sheet {:?}", str_of(&fact, "doc")));
        }
        let spec_params: BTreeMap<String, bool> = seq(method, "params")
            .iter()
            .map(|p| {
                (
                    str_of(p, "name").to_string(),
                    p.get("required").and_then(Value::as_bool).unwrap_or(false),
                )
            })
            .collect();
        let unconfirmed: Vec<String> = seq(method, "x-unconfirmed")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        for p in seq(&fact, "params") {
            let pname = str_of(&p, "name");
            let fact_required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            match spec_params.get(pname) {
                None => problems.push(format!("{name}: param {pname} missing")),
                Some(&required) if required != fact_required => {
                    // The spec may only be stricter than the page, and must say it is a guess.
                    let flagged = unconfirmed.iter().any(|u| {
                        u == &format!("params.{pname}.required") || u == "params.required" || u == "params"
                    });
                    if fact_required || !flagged {
                        problems.push(format!(
                            "{name}: param {pname} required={required}, fact sheet {fact_required} (not flagged in x-unconfirmed)"
                        ));
                    }
                }
                Some(_) => {}
            }
        }
        if spec_params.len() != seq(&fact, "params").len() {
            problems.push(format!("{name}: {} params in the spec, {} in the fact sheet", spec_params.len(), seq(&fact, "params").len()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Resolves `#/components/schemas/X` (one level) in the spec.
fn resolve(spec: &Value, schema: &Value) -> Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("bad $ref {r}"));
            spec["components"]["schemas"]
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("$ref {r} does not resolve"))
        }
        None => schema.clone(),
    }
}

#[test]
fn result_fields_of_the_fact_sheet_are_in_the_result_schemas() {
    let spec_doc = spec();
    let spec = spec_methods();
    let mut problems = Vec::new();
    for fact in seq(&facts(), "methods") {
        let name = str_of(&fact, "name");
        let Some(method) = spec.get(name) else { continue };
        let result = resolve(&spec_doc, &method["result"]["schema"]);
        let Some(props) = fact["result"].get("properties").and_then(Value::as_mapping) else { continue };
        for key in props.keys().filter_map(Value::as_str) {
            if result.get("properties").and_then(|p| p.get(key)).is_none() {
                problems.push(format!("{name}: result field {key} missing"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_method_carries_the_extensions_the_generator_needs() {
    let spec_doc = spec();
    let rest_ids = |family: &str| -> BTreeSet<String> {
        let doc = yaml(&format!("specs/{family}.yaml"));
        let mut ids = BTreeSet::new();
        for (_, item) in doc["paths"].as_mapping().cloned().unwrap_or_default() {
            for (_, op) in item.as_mapping().cloned().unwrap_or_default() {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    ids.insert(id.to_string());
                }
            }
        }
        ids
    };
    let mut problems = Vec::new();
    for (name, m) in spec_methods() {
        if !matches!(str_of(&m, "x-confidence"), "verified" | "partial" | "inferred") {
            problems.push(format!("{name}: x-confidence missing"));
        }
        if m.get("deprecated").and_then(Value::as_bool) != Some(true) {
            problems.push(format!("{name}: the whole API is deprecated"));
        }
        let idempotent = m.get("x-idempotent").and_then(Value::as_bool);
        if idempotent.is_none() {
            problems.push(format!("{name}: x-idempotent must be true or false"));
        }
        if m.get("x-moves-money").and_then(Value::as_bool) == Some(true) && idempotent != Some(false) {
            problems.push(format!("{name}: a call that moves money is never idempotent"));
        }
        let params: BTreeSet<String> = seq(&m, "params").iter().map(|p| str_of(p, "name").to_string()).collect();
        match m.get("x-auth").and_then(Value::as_sequence) {
            None => problems.push(format!("{name}: x-auth missing")),
            Some(auth) => {
                for a in auth {
                    let a = a.as_str().unwrap_or("");
                    if !matches!(a, "publisherToken" | "customerToken") || !params.contains(a) {
                        problems.push(format!("{name}: x-auth names {a:?}, not a credential param of the method"));
                    }
                }
            }
        }
        // Credentials and other secrets in params are password-format so they are redacted.
        for p in seq(&m, "params") {
            let pname = str_of(&p, "name");
            let schema = resolve(&spec_doc, &p["schema"]);
            let secret = str_of(&schema, "format") == "password";
            let should = pname.to_lowercase().contains("token") || pname.to_lowercase().contains("password");
            if should && !secret {
                problems.push(format!("{name}: param {pname} must be format: password"));
            }
        }
        match m.get("x-rest-replacement") {
            Some(Value::Null) => {}
            Some(r) => {
                let family = str_of(r, "family");
                let id = str_of(r, "operationId");
                if !matches!(str_of(r, "basis"), "documented" | "related" | "inferred") {
                    problems.push(format!("{name}: x-rest-replacement.basis must be documented, related or inferred"));
                }
                if !matches!(family, "core" | "mediastore" | "auth" | "inapp" | "webhooks") || !rest_ids(family).contains(id) {
                    problems.push(format!("{name}: x-rest-replacement {family}.{id} is not an operation of ours"));
                }
            }
            None => problems.push(format!("{name}: x-rest-replacement missing (null when there is none)")),
        }
        if m.get("externalDocs").is_none() || m.get("summary").is_none() {
            problems.push(format!("{name}: summary and externalDocs are required"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn envelope_facts_and_servers_agree() {
    let spec = spec();
    assert_eq!(str_of(&spec, "openrpc"), "1.3.2");
    let envelope = &spec["x-jsonrpc"];
    let path = str_of(envelope, "path");
    let servers = seq(&spec, "servers");
    assert_eq!(servers.len(), 2, "production then sandbox");
    let facts = facts();
    let endpoint = &facts["endpoint"];
    assert_eq!(str_of(&servers[0], "url"), str_of(endpoint, "production"));
    assert_eq!(str_of(&servers[1], "url"), str_of(endpoint, "sandbox"));
    for s in &servers {
        assert!(str_of(s, "url").ends_with(path), "{} must end with {path}", str_of(s, "url"));
    }
    assert_eq!(str_of(envelope, "version"), "2.0");
    // Every error code of the fact sheet has a named error object.
    let codes: BTreeSet<i64> = spec["components"]["errors"]
        .as_mapping()
        .expect("components.errors")
        .values()
        .filter_map(|e| e.get("code").and_then(Value::as_i64))
        .collect();
    let fact_codes: BTreeSet<i64> = facts["conventions"]["error_codes"]
        .as_mapping()
        .expect("error codes")
        .keys()
        .filter_map(Value::as_i64)
        .collect();
    assert_eq!(codes, fact_codes);
}
