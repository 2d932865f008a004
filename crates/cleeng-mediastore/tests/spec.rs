//! The spec's `x-js-client` mapping and its comment table agree, and every operation's success
//! envelope is unwrappable.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

fn spec_text() -> String {
    let path = format!("{}/../../specs/mediastore.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Op {
    id: String,
    method: String,
    path: String,
    js: Option<String>,
    success_type: String,
    /// The 200 answer is JSON (a receipt, say, is a raw document with no envelope).
    json_success: bool,
}

fn operations() -> Vec<Op> {
    let spec: Value = serde_yaml::from_str(&spec_text()).expect("the spec is YAML");
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, op) in item.as_mapping().expect("path item") {
            let method = method.as_str().unwrap();
            if !METHODS.contains(&method) {
                continue;
            }
            let id = op["operationId"].as_str().expect("operationId").to_string();
            let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
            let success_type = match schema["$ref"].as_str() {
                Some(r) => r.rsplit('/').next().unwrap().to_string(),
                None => {
                    let mut name = id[..1].to_uppercase();
                    name.push_str(&id[1..]);
                    name + "Response"
                }
            };
            ops.push(Op {
                json_success: !schema.is_null(),
                method: method.to_uppercase(),
                path: path.as_str().unwrap().to_string(),
                js: op["x-js-client"].as_str().map(str::to_string),
                success_type,
                id,
            });
        }
    }
    ops
}

/// The rows of the comment table at the end of the spec: js function → (method, path, opId),
/// plus the list of operations that no JS call maps to.
/// One table row: js function, HTTP method, path, operationId.
type Row = (String, String, String, String);

fn comment_table() -> (Vec<Row>, BTreeSet<String>) {
    let text = spec_text();
    let start = text
        .find("# Cleeng/mediastore-sdk calls -> operations")
        .expect("the comment table is at the end of the spec");
    let mut rows = Vec::new();
    let mut uncalled = String::new();
    let mut in_uncalled = false;
    for line in text[start..].lines() {
        let line = line.trim_start_matches('#').trim();
        if let Some(rest) = line.strip_prefix("Operations with no mediastore-sdk caller:") {
            in_uncalled = true;
            uncalled.push_str(rest);
            continue;
        }
        if in_uncalled {
            uncalled.push(' ');
            uncalled.push_str(line);
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // Rows look like `name | METHOD /path | operationId`; the header prose does not.
        let is_row = cells.len() == 3
            && METHODS.iter().any(|m| cells[1].starts_with(&format!("{} ", m.to_uppercase())));
        if !is_row {
            continue;
        }
        let js = cells[0].split_whitespace().next().unwrap().to_string();
        let mut mp = cells[1].split_whitespace();
        let method = mp.next().unwrap().to_string();
        let path = mp.next().unwrap().split('?').next().unwrap().to_string();
        rows.push((js, method, path, cells[2].to_string()));
    }
    let uncalled = uncalled
        .split(|c: char| c == ',' || c == '.' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (rows, uncalled)
}

#[test]
fn js_client_names_are_unique() {
    let mut seen = BTreeMap::new();
    for op in operations() {
        if let Some(js) = op.js {
            if let Some(other) = seen.insert(js.clone(), op.id.clone()) {
                panic!("x-js-client {js} is on both {other} and {}", op.id);
            }
        }
    }
    assert!(seen.len() >= 40, "only {} operations carry x-js-client", seen.len());
}

#[test]
fn js_client_names_match_the_comment_table() {
    let ops = operations();
    let (rows, uncalled) = comment_table();
    let by_id: BTreeMap<&str, &Op> = ops.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut from_table = BTreeSet::new();
    for (js, method, path, id) in &rows {
        let op = by_id.get(id.as_str()).unwrap_or_else(|| panic!("table row {js}: no operation {id}"));
        assert_eq!((&op.method, &op.path), (method, path), "table row {js} → {id}");
        assert_eq!(op.js.as_deref(), Some(js.as_str()), "x-js-client of {id}");
        from_table.insert(id.clone());
    }
    let mapped: BTreeSet<String> = ops.iter().filter(|o| o.js.is_some()).map(|o| o.id.clone()).collect();
    assert_eq!(mapped, from_table, "operations with x-js-client vs table rows");
    let unmapped: BTreeSet<String> = ops.iter().filter(|o| o.js.is_none()).map(|o| o.id.clone()).collect();
    assert_eq!(unmapped, uncalled, "operations without x-js-client vs the table's list");
}

#[test]
fn every_success_envelope_is_unwrappable() {
    let from_spec: BTreeSet<String> =
        operations().into_iter().filter(|o| o.json_success).map(|o| o.success_type).collect();
    let implemented: BTreeSet<String> =
        cleeng_mediastore::ENVELOPE_TYPES.iter().map(|s| s.to_string()).collect();
    assert_eq!(from_spec, implemented);
}
