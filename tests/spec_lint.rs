//! Lint of the vendored specs: the rules in `specs/CONVENTIONS.md` that a machine can check.

use crate::common;

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
        let confidence = op.get("x-confidence").and_then(Value::as_str);
        match confidence {
            Some("verified" | "partial" | "inferred") => {}
            other => problems.push(format!("{id}: x-confidence is {other:?}")),
        }
        problems.extend(unconfirmed_problems(id, confidence, &op));
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
    for at in nullable_without_type(raw, "") {
        problems.push(format!(
            "{at}: `nullable: true` without a sibling `type` has no effect in OpenAPI 3.0.3 \
             (write `oneOf: [{{$ref: ...}}, {{enum: [null]}}]`)"
        ));
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

/// An operation that is `partial` or `inferred` must say what is unconfirmed
/// (`x-unconfirmed: [..]`, non-empty strings); a `verified` one must not carry the list.
fn unconfirmed_problems(id: &str, confidence: Option<&str>, op: &Value) -> Vec<String> {
    let list = op.get("x-unconfirmed");
    let items: Option<Vec<Option<&str>>> =
        list.and_then(Value::as_sequence).map(|seq| seq.iter().map(Value::as_str).collect());
    let mut problems = Vec::new();
    match (confidence, list, &items) {
        (_, Some(_), None) => problems.push(format!("{id}: x-unconfirmed must be a list of strings")),
        (_, _, Some(items)) if items.iter().any(|i| i.is_none_or(|s| s.trim().is_empty())) => {
            problems.push(format!("{id}: x-unconfirmed items must be non-empty strings"))
        }
        (Some("partial" | "inferred"), None, _) => {
            problems.push(format!("{id}: partial/inferred operations must list what is unconfirmed in x-unconfirmed"))
        }
        (Some("partial" | "inferred"), _, Some(items)) if items.is_empty() => {
            problems.push(format!("{id}: x-unconfirmed is empty on a partial/inferred operation"))
        }
        (Some("verified"), Some(_), _) => {
            problems.push(format!("{id}: a verified operation has x-unconfirmed; lower its x-confidence"))
        }
        _ => {}
    }
    problems
}

/// Where a schema says `nullable: true` next to `allOf`, `oneOf`, `anyOf` or `$ref` without a
/// `type`. OpenAPI 3.0.3 gives `nullable` meaning only together with `type`, so a strict validator
/// refuses the `null` such a schema was meant to allow. (On a schema with no constraint at all,
/// `nullable` is redundant but harmless: anything, `null` included, matches.)
fn nullable_without_type(value: &Value, at: &str) -> Vec<String> {
    let mut found = Vec::new();
    match value {
        Value::Mapping(map) => {
            let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
            let composed = ["allOf", "oneOf", "anyOf", "$ref"].iter().any(|k| map.get(*k).is_some());
            if nullable && composed && map.get("type").is_none() {
                found.push(if at.is_empty() { "/".to_string() } else { at.to_string() });
            }
            for (k, v) in map {
                let key = k.as_str().map(str::to_string).unwrap_or_else(|| format!("{k:?}"));
                found.extend(nullable_without_type(v, &format!("{at}/{key}")));
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                found.extend(nullable_without_type(v, &format!("{at}/{i}")));
            }
        }
        _ => {}
    }
    found
}

#[test]
fn the_nullable_lint_flags_the_ineffective_pattern_only() {
    let bad: Value = serde_yaml::from_str(
        "properties:\n  a: {allOf: [{$ref: '#/x'}], nullable: true}\n  b: {oneOf: [{type: integer}, {type: string}], nullable: true}",
    )
    .expect("yaml");
    assert_eq!(nullable_without_type(&bad, ""), ["/properties/a", "/properties/b"]);
    let good: Value = serde_yaml::from_str(
        "properties:\n  a: {oneOf: [{$ref: '#/x'}, {enum: [null]}]}\n  b: {type: string, nullable: true}\n  c: {nullable: true}",
    )
    .expect("yaml");
    assert!(nullable_without_type(&good, "").is_empty());
}

#[test]
fn the_unconfirmed_lint_needs_a_list_on_partial_operations() {
    let op = |y: &str| -> Value { serde_yaml::from_str(y).expect("yaml") };
    assert_eq!(unconfirmed_problems("a", Some("partial"), &op("{}")).len(), 1);
    assert_eq!(unconfirmed_problems("a", Some("inferred"), &op("{x-unconfirmed: []}")).len(), 1);
    assert_eq!(unconfirmed_problems("a", Some("verified"), &op("{x-unconfirmed: [paths]}")).len(), 1);
    assert_eq!(unconfirmed_problems("a", Some("partial"), &op("{x-unconfirmed: [3]}")).len(), 1);
    assert!(unconfirmed_problems("a", Some("partial"), &op("{x-unconfirmed: [response shape]}")).is_empty());
    assert!(unconfirmed_problems("a", Some("verified"), &op("{}")).is_empty());
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

/// Whether a field or parameter name says it holds a secret: passwords, secrets, JWTs, tokens of
/// any kind (`refreshToken`, `purchaseToken`, but not `tokenType`), API keys, receipt data.
fn secret_named(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("password")
        || n.contains("secret")
        || n.ends_with("jwt")
        || n.ends_with("token")
        || n.contains("apikey")
        || n.contains("receiptdata")
}

/// Every string field of a request or response body, and every query, header or cookie
/// parameter, named like a secret but not `format: password` (so progenitor would generate a
/// plain `String` that prints in `Debug`). Path parameters are exempt: a `Secret` there would
/// be sent as its `Display`, `[redacted]`; secrets in paths are redacted where URLs are printed.
fn unmarked_secrets(raw: &Value) -> Vec<String> {
    fn is_password(schema: &Value) -> bool {
        schema.get("format").and_then(Value::as_str) == Some("password")
    }
    fn is_string(schema: &Value) -> bool {
        match schema.get("type") {
            Some(t) => t.as_str() == Some("string"),
            // No type and no $ref: an untyped value, which a secret could be.
            None => schema.get("$ref").is_none() && schema.get("properties").is_none(),
        }
    }
    fn walk(value: &Value, at: &str, out: &mut Vec<String>) {
        match value {
            Value::Mapping(map) => {
                if let Some(Value::Mapping(props)) = map.get("properties") {
                    for (name, schema) in props {
                        let name = name.as_str().unwrap_or("");
                        if secret_named(name) && is_string(schema) && !is_password(schema) {
                            out.push(format!("{at}: property `{name}` is named like a secret but is not `format: password`"));
                        }
                    }
                }
                // A parameter (security schemes also have `in` and `name`, but a `type`).
                let location = map.get("in").and_then(Value::as_str).filter(|_| map.get("type").is_none());
                if let (Some(location), Some(name)) = (location, map.get("name").and_then(Value::as_str)) {
                    let schema = map.get("schema").unwrap_or(&Value::Null);
                    if location != "path" && secret_named(name) && !is_password(schema) {
                        out.push(format!("{at}: {location} parameter `{name}` is named like a secret but is not `format: password`"));
                    }
                }
                for (key, child) in map {
                    let key = match key {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => "?".into(),
                    };
                    // Examples are sample values, not schemas.
                    if key == "example" || key == "examples" {
                        continue;
                    }
                    walk(child, &format!("{at}/{key}"), out);
                }
            }
            Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(raw, "#", &mut out);
    out
}

/// Issue 14, point 9: every secret-bearing body and response field, in every spec, is
/// `format: password`, so the generated field is a `Secret` (`[redacted]` in `Debug`).
#[test]
fn secret_named_fields_are_format_password_in_every_spec() {
    let mut problems = Vec::new();
    for family in [Family::Core, Family::MediaStore, Family::Auth, Family::InApp, Family::Webhooks] {
        let spec = common::load(family);
        problems.extend(unmarked_secrets(&spec.raw).into_iter().map(|p| format!("{family}: {p}")));
    }
    assert!(problems.is_empty(), "{} unmarked secrets:\n{}", problems.len(), problems.join("\n"));
}

/// The secret lint itself: what it flags and what it leaves alone.
#[test]
fn the_secret_lint_flags_unmarked_fields_and_exempts_path_parameters() {
    let doc: Value = serde_yaml::from_str(
        r#"
paths:
  /gifts/{giftCode}:
    get:
      parameters:
        - {name: giftCode, in: path, required: true, schema: {type: string}}
        - {name: apiKey, in: query, schema: {type: string}}
        - {name: refreshToken, in: query, schema: {type: string, format: password}}
components:
  schemas:
    Receipt:
      type: object
      properties:
        purchaseToken: {type: string}
        receiptData: {type: string, format: password}
        tokenType: {type: string}
        clientSecret: {}
        newPassword: {type: string, format: password}
        tokens: {type: array, items: {type: string}}
        jwt: {$ref: '#/components/schemas/Jwt'}
      example:
        password: not a schema
"#,
    )
    .unwrap();
    let problems = unmarked_secrets(&doc);
    let flagged: Vec<&str> = problems.iter().map(|p| p.split('`').nth(1).unwrap_or("")).collect();
    assert_eq!(flagged, ["apiKey", "purchaseToken", "clientSecret"], "{problems:#?}");
}
