//! The December 2026 spec audit (`tests/data/audit-2026-12.yaml`, 79 findings) is fully accounted
//! for in the specs themselves: every finding id is either settled (`x-audit: [{id, note}]` on the
//! operation or schema it concerns, the note saying what was done or decided) or left open with
//! its reason (`x-unresolved: [{audit, reason}]`). A finding that is neither, both, or cited but
//! unknown fails the test, so the record cannot drift from the specs.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use cleeng_codegen::{family::workspace_root, Family};
use serde_yaml::Value;

const FAMILIES: [Family; 5] = [Family::Core, Family::MediaStore, Family::Auth, Family::InApp, Family::Webhooks];

/// The audit's finding ids, in file order.
fn finding_ids() -> Vec<String> {
    let path = workspace_root().join("tests/data/audit-2026-12.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let findings: Vec<Value> = serde_yaml::from_str(&text).expect("the audit file is a YAML list");
    findings
        .iter()
        .map(|f| f.get("id").and_then(Value::as_str).expect("every finding has an id").to_string())
        .collect()
}

/// What the specs say about audit findings: id -> where (family and YAML path).
#[derive(Default)]
struct Record {
    resolved: BTreeMap<String, Vec<String>>,
    unresolved: BTreeMap<String, Vec<String>>,
    problems: Vec<String>,
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn walk(family: Family, value: &Value, at: &str, record: &mut Record) {
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                let key = k.as_str().unwrap_or("?");
                let here = format!("{family}:{at}/{key}");
                match key {
                    "x-audit" | "x-unresolved" => {
                        let Some(items) = v.as_sequence() else {
                            record.problems.push(format!("{here}: must be a list"));
                            continue;
                        };
                        for item in items {
                            let (id, why) = if key == "x-audit" {
                                (text(item, "id"), text(item, "note"))
                            } else {
                                (text(item, "audit"), text(item, "reason"))
                            };
                            match (id, why) {
                                (Some(id), Some(_)) => {
                                    let into = if key == "x-audit" { &mut record.resolved } else { &mut record.unresolved };
                                    into.entry(id.to_string()).or_default().push(here.clone());
                                }
                                _ => record.problems.push(format!("{here}: an entry lacks its id or its note/reason")),
                            }
                        }
                    }
                    _ => walk(family, v, &format!("{at}/{key}"), record),
                }
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(family, v, &format!("{at}/{i}"), record);
            }
        }
        _ => {}
    }
}

fn record() -> Record {
    let mut record = Record::default();
    for family in FAMILIES {
        walk(family, &common::load(family).raw, "", &mut record);
    }
    record
}

#[test]
fn every_audit_finding_is_resolved_or_marked_unresolved_in_the_specs() {
    let ids = finding_ids();
    assert_eq!(ids.len(), 79, "the audit has 79 findings");
    let known: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(known.len(), ids.len(), "finding ids are unique");
    let record = record();
    let mut problems = record.problems.clone();
    for id in &ids {
        match (record.resolved.get(id), record.unresolved.get(id)) {
            (None, None) => problems.push(format!("{id}: neither in an x-audit nor in an x-unresolved entry")),
            (Some(a), Some(b)) => problems.push(format!("{id}: both resolved ({a:?}) and unresolved ({b:?})")),
            _ => {}
        }
    }
    for id in record.resolved.keys().chain(record.unresolved.keys()) {
        if !known.contains(id.as_str()) {
            problems.push(format!("{id}: cited in a spec but not in the audit"));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    eprintln!(
        "audit: {} findings, {} resolved, {} unresolved: {}",
        ids.len(),
        record.resolved.len(),
        record.unresolved.len(),
        record.unresolved.keys().cloned().collect::<Vec<_>>().join(", ")
    );
}

#[test]
fn the_audit_record_refuses_entries_without_a_reason() {
    let spec: Value = serde_yaml::from_str(
        "paths:\n  /a:\n    get:\n      x-audit: [{id: AUD-01}]\n      x-unresolved: [{audit: AUD-02, reason: ' '}]\n",
    )
    .expect("yaml");
    let mut record = Record::default();
    walk(Family::Core, &spec, "", &mut record);
    assert_eq!(record.problems.len(), 2, "{:?}", record.problems);
    assert!(record.resolved.is_empty() && record.unresolved.is_empty());
}
