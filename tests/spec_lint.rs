//! Lint of the vendored specs: the rules in `specs/CONVENTIONS.md` that a machine can check.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cleeng_codegen::{family::workspace_root, Family};
use serde_yaml::Value;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation as (method, path, operation object).
fn operations(raw: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    if let Some(paths) = raw.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    out.push((m.to_string(), path.as_str().unwrap_or("").to_string(), op.clone()));
                }
            }
        }
    }
    out
}

fn lint(family: Family) -> Vec<String> {
    let spec = common::load(family);
    let raw = &spec.raw;
    let mut problems = Vec::new();
    let version = raw.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        problems.push(format!("openapi is {version:?}, not 3.0.x"));
    }
    let servers = raw.get("servers").and_then(Value::as_sequence).map_or(0, Vec::len);
    if servers < 2 {
        problems.push("servers must list production then sandbox".into());
    }
    let declared_tags: BTreeSet<String> = raw
        .get("tags")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let mut ids = BTreeMap::<String, usize>::new();
    for (method, path, op) in operations(raw) {
        let name = format!("{} {path}", method.to_uppercase());
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
        if id.is_empty() {
            problems.push(format!("{name}: no operationId"));
        }
        *ids.entry(id.to_string()).or_default() += 1;
        let tags: Vec<&str> = op
            .get("tags")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if tags.len() != 1 {
            problems.push(format!("{id}: needs exactly one tag, has {}", tags.len()));
        }
        for t in &tags {
            if !declared_tags.contains(*t) {
                problems.push(format!("{id}: tag {t:?} is not declared under top-level tags"));
            }
        }
        let url = op
            .get("externalDocs")
            .and_then(|d| d.get("url"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if !url.starts_with("https://developers.cleeng.com/") {
            problems.push(format!("{id}: externalDocs.url must be a developers.cleeng.com page, is {url:?}"));
        }
        match op.get("x-confidence").and_then(Value::as_str) {
            Some("verified" | "partial" | "inferred") => {}
            other => problems.push(format!("{id}: x-confidence is {other:?}")),
        }
        let has_2xx = op
            .get("responses")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .any(|(code, _)| {
                let code = match code {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                code.starts_with('2')
            });
        if !has_2xx {
            problems.push(format!("{id}: no 2xx response"));
        }
        if op.get("security").is_none() && raw.get("security").is_none() {
            problems.push(format!("{id}: security must be explicit ([] for a public call)"));
        }
    }
    if yaml_contains_closed_object(raw) {
        problems.push("`additionalProperties: false` found: Cleeng adds fields, so objects must stay open".into());
    }
    for (id, count) in ids {
        if count > 1 {
            problems.push(format!("operationId {id:?} is used {count} times"));
        }
    }
    problems
}

/// `true` if any mapping in the document says `additionalProperties: false`.
fn yaml_contains_closed_object(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map.iter().any(|(k, v)| {
            (k.as_str() == Some("additionalProperties") && v.as_bool() == Some(false))
                || yaml_contains_closed_object(v)
        }),
        Value::Sequence(items) => items.iter().any(yaml_contains_closed_object),
        _ => false,
    }
}

fn check(family: Family) {
    let problems = lint(family);
    assert!(problems.is_empty(), "{family}: {} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn core_spec_follows_the_conventions() {
    check(Family::Core);
}

#[test]
fn mediastore_spec_follows_the_conventions() {
    check(Family::MediaStore);
}

#[test]
fn auth_spec_follows_the_conventions() {
    check(Family::Auth);
}

#[test]
fn inapp_spec_follows_the_conventions() {
    check(Family::InApp);
}

#[test]
fn webhooks_spec_follows_the_conventions() {
    check(Family::Webhooks);
}

/// Every reference page listed in `specs/pages/<family>.txt` (taken from Cleeng's docs index) is
/// the `externalDocs.url` of an operation, or of a tag for an overview page marked `# tag`.
fn pages_covered(family: Family) {
    let spec = common::load(family);
    let list = std::fs::read_to_string(workspace_root().join(format!("specs/pages/{}.txt", family.name())))
        .unwrap_or_else(|e| panic!("{family}: page list missing: {e}"));
    let op_urls: BTreeSet<String> = operations(&spec.raw)
        .iter()
        .filter_map(|(_, _, op)| op.get("externalDocs")?.get("url")?.as_str().map(str::to_string))
        .collect();
    let tag_urls: BTreeSet<String> = spec
        .raw
        .get("tags")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("externalDocs")?.get("url")?.as_str().map(str::to_string))
        .collect();
    let mut missing = Vec::new();
    let mut pages = 0;
    for line in list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        pages += 1;
        let (url, is_tag) = match line.split_once('#') {
            Some((url, marker)) => (url.trim(), marker.trim() == "tag"),
            None => (line, false),
        };
        let found = if is_tag { tag_urls.contains(url) } else { op_urls.contains(url) };
        if !found {
            missing.push(url.to_string());
        }
    }
    assert!(pages > 0, "{family}: the page list is empty");
    assert!(missing.is_empty(), "{family}: {} of {pages} pages not covered:\n{}", missing.len(), missing.join("\n"));
}

#[test]
fn core_reference_pages_are_covered() {
    pages_covered(Family::Core);
}

#[test]
fn mediastore_reference_pages_are_covered() {
    pages_covered(Family::MediaStore);
}

#[test]
fn auth_reference_pages_are_covered() {
    pages_covered(Family::Auth);
}

#[test]
fn inapp_reference_pages_are_covered() {
    pages_covered(Family::InApp);
}

#[test]
fn webhooks_reference_pages_are_covered() {
    pages_covered(Family::Webhooks);
}
