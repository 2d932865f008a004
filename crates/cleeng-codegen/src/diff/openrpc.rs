//! The comparison for the JSON-RPC family (`specs/legacy.openrpc.yaml`): methods, their params
//! and results, and the component schemas they use, classified with the same [`Rule`]s as the
//! OpenAPI walker so one report and one ignore file cover every family.
//!
//! Mapping: a method is an operation (`POST <endpoint>`); a param is a request parameter; a
//! schema reached from a result is the response side, from a param the request side (a schema
//! used by both is compared as a response, the stricter reading for removals and additions of
//! optional fields is kept per direction below).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::rules::Rule;
use super::Change;

/// Classifies every change between two OpenRPC documents (`Value::Null`: absent on that side).
pub fn compare(family: &str, base: &Value, head: &Value) -> Vec<Change> {
    let mut cx = Cx {
        family,
        http: endpoint(head).or_else(|| endpoint(base)).unwrap_or_default(),
        out: Vec::new(),
    };
    cx.servers(base, head);
    let bm = methods(base);
    let hm = methods(head);
    for (name, (i, _)) in &bm {
        if !hm.contains_key(name) {
            cx.push(Rule::ApiRemoved, Some(name), format!("/methods/{i}"), None, format!("method `{name}` removed"));
        }
    }
    for (name, (i, h)) in &hm {
        let at = format!("/methods/{i}");
        let Some((_, b)) = bm.get(name) else {
            cx.push(Rule::ApiAdded, Some(name), at, None, format!("method `{name}` added"));
            continue;
        };
        cx.method(name, &at, b, h);
    }
    let (b_request, b_response) = sides(base);
    let (h_request, h_response) = sides(head);
    let bs = schemas(base);
    let hs = schemas(head);
    for (name, h) in &hs {
        let Some(b) = bs.get(name) else { continue };
        let response = h_response.contains(name) || b_response.contains(name);
        let request = h_request.contains(name) || b_request.contains(name);
        if response || request {
            cx.schema(name, b, h, response);
        }
    }
    cx.out
}

/// `x-jsonrpc.path` as `POST <path>`.
fn endpoint(doc: &Value) -> Option<String> {
    doc.pointer("/x-jsonrpc/path").and_then(Value::as_str).map(|p| format!("POST {p}"))
}

fn methods(doc: &Value) -> BTreeMap<String, (usize, Value)> {
    doc.get("methods")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .enumerate()
                .filter_map(|(i, m)| Some((m.get("name")?.as_str()?.to_string(), (i, m.clone()))))
                .collect()
        })
        .unwrap_or_default()
}

fn schemas(doc: &Value) -> BTreeMap<String, Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// Component names reachable from params (request side) and from results (response side).
fn sides(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let all = schemas(doc);
    let reach = |roots: Vec<&Value>| {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<Value> = roots.into_iter().cloned().collect();
        while let Some(v) = todo.pop() {
            for r in refs(&v) {
                if seen.insert(r.clone()) {
                    if let Some(s) = all.get(&r) {
                        todo.push(s.clone());
                    }
                }
            }
        }
        seen
    };
    let ms: Vec<Value> = methods(doc).into_values().map(|(_, m)| m).collect();
    let params: Vec<&Value> = ms
        .iter()
        .flat_map(|m| m.get("params").and_then(Value::as_array).into_iter().flatten())
        .collect();
    let results: Vec<&Value> = ms.iter().filter_map(|m| m.get("result")).collect();
    (reach(params), reach(results))
}

/// Names of the components `v` refers to directly or nested.
fn refs(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match v {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    out.push(name.to_string());
                }
            }
            map.values().for_each(|x| out.extend(refs(x)));
        }
        Value::Array(items) => items.iter().for_each(|x| out.extend(refs(x))),
        _ => {}
    }
    out
}

/// A schema's shape in one line, for "type changed" checks: `$ref` target, or type + format +
/// item shape. Descriptions and examples do not count.
fn shape(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    let t = s.get("type").map(|t| t.to_string()).unwrap_or_else(|| "any".into());
    match s.get("items") {
        Some(items) => format!("{t}[{}]", shape(items)),
        None => t,
    }
}

fn format_of(s: &Value) -> Option<&str> {
    s.get("format").and_then(Value::as_str)
}

fn enum_values(s: &Value) -> BTreeSet<String> {
    s.get("enum")
        .and_then(Value::as_array)
        .map(|v| v.iter().map(|x| x.to_string()).collect())
        .unwrap_or_default()
}

struct Cx<'a> {
    family: &'a str,
    http: String,
    out: Vec<Change>,
}

impl Cx<'_> {
    fn push(&mut self, rule: Rule, method: Option<&str>, pointer: String, schema: Option<&str>, message: String) {
        self.out.push(Change {
            rule,
            level: rule.level(),
            family: self.family.to_string(),
            operation_id: method.map(str::to_string),
            http: method.map(|_| self.http.clone()),
            schema_pointer: schema.map(|_| pointer.clone()),
            pointer,
            schema: schema.map(str::to_string),
            message,
            schema_message: None,
        });
    }

    fn servers(&mut self, base: &Value, head: &Value) {
        if base.is_null() || head.is_null() {
            return;
        }
        let urls = |d: &Value| -> Vec<String> {
            d.get("servers")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(|x| x.get("url")?.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let (b, h) = (urls(base), urls(head));
        if b != h || base.pointer("/x-jsonrpc/path") != head.pointer("/x-jsonrpc/path") {
            self.push(
                Rule::ApiServerChanged,
                None,
                "/servers".into(),
                None,
                format!("servers changed: {b:?} → {h:?}"),
            );
        }
    }

    fn method(&mut self, name: &str, at: &str, b: &Value, h: &Value) {
        let text = |v: &Value, p: &str| v.pointer(p).cloned().unwrap_or(Value::Null);
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        let checks: [(Rule, &str, &str); 5] = [
            (Rule::ApiSummaryChanged, "/summary", "summary"),
            (Rule::ApiDescriptionChanged, "/description", "description"),
            (Rule::ApiDocLinkChanged, "/externalDocs/url", "reference link"),
            (Rule::ApiConfidenceChanged, "/x-confidence", "x-confidence"),
            (Rule::ApiTagChanged, "/tags/0/name", "tag"),
        ];
        for (rule, p, what) in checks {
            let (bv, hv) = (text(b, p), text(h, p));
            if bv != hv {
                self.push(rule, Some(name), format!("{at}{p}"), None, format!("`{name}`: {what} changed: {bv} → {hv}"));
            }
        }
        match (flag(b, "deprecated"), flag(h, "deprecated")) {
            (false, true) => self.push(Rule::ApiDeprecated, Some(name), format!("{at}/deprecated"), None, format!("`{name}` deprecated")),
            (true, false) => self.push(Rule::ApiReactivated, Some(name), format!("{at}/deprecated"), None, format!("`{name}` no longer deprecated")),
            _ => {}
        }
        if flag(b, "x-idempotent") != flag(h, "x-idempotent") {
            self.push(
                Rule::ApiIdempotencyChanged,
                Some(name),
                format!("{at}/x-idempotent"),
                None,
                format!("`{name}`: x-idempotent {} → {}", flag(b, "x-idempotent"), flag(h, "x-idempotent")),
            );
        }
        if b.get("x-auth") != h.get("x-auth") {
            self.push(
                Rule::ApiSecurityChanged,
                Some(name),
                format!("{at}/x-auth"),
                None,
                format!("`{name}`: credential params changed: {} → {}", text(b, "/x-auth"), text(h, "/x-auth")),
            );
        }
        self.params(name, at, b, h);
        let (br, hr) = (text(b, "/result/schema"), text(h, "/result/schema"));
        if shape(&br) != shape(&hr) {
            self.push(
                Rule::ResponsePropertyTypeChanged,
                Some(name),
                format!("{at}/result/schema"),
                None,
                format!("`{name}`: result type changed: {} → {}", shape(&br), shape(&hr)),
            );
        }
    }

    fn params(&mut self, name: &str, at: &str, b: &Value, h: &Value) {
        let list = |v: &Value| -> BTreeMap<String, (usize, Value)> {
            v.get("params")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .enumerate()
                        .filter_map(|(i, p)| Some((p.get("name")?.as_str()?.to_string(), (i, p.clone()))))
                        .collect()
                })
                .unwrap_or_default()
        };
        let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let (bp, hp) = (list(b), list(h));
        for (p, (i, _)) in &bp {
            if !hp.contains_key(p) {
                self.push(Rule::RequestParameterRemoved, Some(name), format!("{at}/params/{i}"), None, format!("`{name}`: param `{p}` removed"));
            }
        }
        for (p, (i, hv)) in &hp {
            let pat = format!("{at}/params/{i}");
            let Some((_, bv)) = bp.get(p) else {
                let rule = if required(hv) {
                    Rule::NewRequiredRequestParameter
                } else {
                    Rule::NewOptionalRequestParameter
                };
                self.push(rule, Some(name), pat, None, format!("`{name}`: param `{p}` added"));
                continue;
            };
            match (required(bv), required(hv)) {
                (false, true) => self.push(Rule::RequestParameterBecameRequired, Some(name), pat.clone(), None, format!("`{name}`: param `{p}` became required")),
                (true, false) => self.push(Rule::RequestParameterBecameOptional, Some(name), pat.clone(), None, format!("`{name}`: param `{p}` became optional")),
                _ => {}
            }
            let (bs, hs) = (&bv["schema"], &hv["schema"]);
            if shape(bs) != shape(hs) {
                self.push(
                    Rule::RequestParameterTypeChanged,
                    Some(name),
                    format!("{pat}/schema"),
                    None,
                    format!("`{name}`: param `{p}` retyped: {} → {}", shape(bs), shape(hs)),
                );
            } else if format_of(bs) != format_of(hs) {
                self.push(
                    Rule::RequestParameterFormatChanged,
                    Some(name),
                    format!("{pat}/schema"),
                    None,
                    format!("`{name}`: param `{p}` format {:?} → {:?}", format_of(bs), format_of(hs)),
                );
            }
            let (be, he) = (enum_values(bs), enum_values(hs));
            for v in be.difference(&he) {
                self.push(Rule::RequestParameterEnumValueRemoved, Some(name), format!("{pat}/schema/enum"), None, format!("`{name}`: param `{p}` no longer accepts {v}"));
            }
            for v in he.difference(&be) {
                self.push(Rule::RequestParameterEnumValueAdded, Some(name), format!("{pat}/schema/enum"), None, format!("`{name}`: param `{p}` accepts {v}"));
            }
        }
    }

    /// Property-level changes of one component schema; `response`: read from results.
    fn schema(&mut self, schema: &str, b: &Value, h: &Value, response: bool) {
        let at = format!("/components/schemas/{}", super::openapi::escape(schema));
        let (be, he) = (enum_values(b), enum_values(h));
        for v in be.difference(&he) {
            let rule = if response { Rule::ResponsePropertyEnumValueRemoved } else { Rule::RequestPropertyEnumValueRemoved };
            self.push(rule, None, format!("{at}/enum"), Some(schema), format!("`{schema}`: value {v} removed"));
        }
        for v in he.difference(&be) {
            let rule = if response { Rule::ResponsePropertyEnumValueAdded } else { Rule::RequestPropertyEnumValueAdded };
            self.push(rule, None, format!("{at}/enum"), Some(schema), format!("`{schema}`: value {v} added"));
        }
        let props = |v: &Value| -> BTreeMap<String, Value> {
            v.get("properties")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default()
        };
        let required: BTreeSet<String> = h
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let (bp, hp) = (props(b), props(h));
        for p in bp.keys().filter(|p| !hp.contains_key(*p)) {
            let rule = if response { Rule::ResponsePropertyRemoved } else { Rule::RequestPropertyRemoved };
            self.push(rule, None, format!("{at}/properties/{p}"), Some(schema), format!("`{schema}.{p}` removed"));
        }
        for (p, hv) in &hp {
            let pat = format!("{at}/properties/{p}");
            let Some(bv) = bp.get(p) else {
                let rule = match (response, required.contains(p)) {
                    (true, _) => Rule::ResponsePropertyAdded,
                    (false, true) => Rule::NewRequiredRequestProperty,
                    (false, false) => Rule::NewOptionalRequestProperty,
                };
                self.push(rule, None, pat, Some(schema), format!("`{schema}.{p}` added"));
                continue;
            };
            let lenient = |v: &Value| v.get("x-number-or-string").and_then(Value::as_bool).unwrap_or(false);
            if shape(bv) != shape(hv) || lenient(bv) != lenient(hv) {
                let rule = if response { Rule::ResponsePropertyTypeChanged } else { Rule::RequestPropertyTypeChanged };
                self.push(rule, None, pat, Some(schema), format!("`{schema}.{p}` retyped: {} → {}", shape(bv), shape(hv)));
            } else if format_of(bv) != format_of(hv) {
                let rule = if response { Rule::ResponsePropertyFormatChanged } else { Rule::RequestPropertyFormatChanged };
                self.push(rule, None, pat, Some(schema), format!("`{schema}.{p}` format {:?} → {:?}", format_of(bv), format_of(hv)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Level;
    use serde_json::json;

    fn doc(methods: Value, schemas: Value) -> Value {
        json!({
            "openrpc": "1.3.2",
            "servers": [{"url": "https://a/3.0/json-rpc"}, {"url": "https://b/3.0/json-rpc"}],
            "x-jsonrpc": {"path": "/3.0/json-rpc"},
            "methods": methods,
            "components": {"schemas": schemas}
        })
    }

    fn ids(changes: &[Change]) -> Vec<(&'static str, Option<&str>)> {
        changes.iter().map(|c| (c.rule.id(), c.operation_id.as_deref())).collect()
    }

    #[test]
    fn methods_and_params_added_removed_and_retyped_are_classified() {
        let base = doc(
            json!([
                {"name": "getA", "params": [{"name": "x", "required": true, "schema": {"type": "string"}}], "result": {"schema": {"$ref": "#/components/schemas/R"}}, "x-idempotent": true},
                {"name": "gone", "params": [], "result": {"schema": {}}, "x-idempotent": true}
            ]),
            json!({"R": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}}),
        );
        let head = doc(
            json!([
                {"name": "getA", "params": [
                    {"name": "x", "required": true, "schema": {"type": "integer"}},
                    {"name": "y", "required": true, "schema": {"type": "string"}},
                    {"name": "z", "schema": {"type": "string"}}
                ], "result": {"schema": {"$ref": "#/components/schemas/R"}}, "x-idempotent": false},
                {"name": "fresh", "params": [], "result": {"schema": {}}, "x-idempotent": true}
            ]),
            json!({"R": {"type": "object", "properties": {"a": {"type": "integer", "x-number-or-string": true}, "c": {"type": "string"}}}}),
        );
        let changes = compare("legacy", &base, &head);
        let got = ids(&changes);
        for expected in [
            ("api-removed", Some("gone")),
            ("api-added", Some("fresh")),
            ("request-parameter-type-changed", Some("getA")),
            ("new-required-request-parameter", Some("getA")),
            ("new-optional-request-parameter", Some("getA")),
            ("api-idempotency-changed", Some("getA")),
            ("response-property-removed", None),
            ("response-property-added", None),
            ("response-property-type-changed", None),
        ] {
            assert!(got.contains(&expected), "{expected:?} missing from {got:?}");
        }
        let removed = changes.iter().find(|c| c.rule == Rule::ApiRemoved).unwrap();
        assert_eq!(removed.level, Level::Breaking);
        assert_eq!(removed.http.as_deref(), Some("POST /3.0/json-rpc"));
        let added = changes.iter().find(|c| c.rule == Rule::ApiAdded).unwrap();
        assert_eq!(added.level, Level::NonBreaking);
        assert_eq!(changes.iter().find(|c| c.rule == Rule::ResponsePropertyRemoved).unwrap().schema.as_deref(), Some("R"));
    }

    #[test]
    fn identical_documents_have_no_changes() {
        let d = doc(json!([{"name": "m", "params": [], "result": {"schema": {}}, "x-idempotent": true}]), json!({}));
        assert!(compare("legacy", &d, &d).is_empty());
    }
}
