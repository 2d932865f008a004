//! Response bodies against the spec's schemas: OpenAPI 3.0 schemas are converted to JSON Schema
//! (draft 7) and checked with a real validator (`boon`); fields the schema does not document are
//! found by a walk of our own, since a validator only sees them where `additionalProperties`
//! is false, which the specs (rightly) never say.

use serde_json::{json, Map, Value};

use super::findings::{Finding, Kind};

/// Keywords OpenAPI 3.0 has and JSON Schema does not (or means differently): dropped.
const OPENAPI_ONLY: [&str; 7] = [
    "nullable",
    "example",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
];

/// Converts one OpenAPI 3.0 schema to JSON Schema draft 7: `nullable: true` becomes a `null`
/// type (or an `anyOf` with `null` when the schema has no type), boolean `exclusiveMinimum`/
/// `exclusiveMaximum` become numbers, extensions (`x-*`) and OpenAPI-only keywords are dropped.
/// `$ref`s are kept: they point into `#/components/schemas`, which [`document`] carries along.
pub fn convert(schema: &Value) -> Value {
    let Some(obj) = schema.as_object() else {
        return schema.clone();
    };
    if obj.contains_key("$ref") {
        // In OpenAPI 3.0 the siblings of a `$ref` are ignored; keep only the reference.
        return json!({"$ref": obj["$ref"]});
    }
    let mut out = Map::new();
    for (key, value) in obj {
        if key.starts_with("x-") || OPENAPI_ONLY.contains(&key.as_str()) {
            continue;
        }
        let converted = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
                    .unwrap_or_default(),
            ),
            "items" | "not" => convert(value),
            "additionalProperties" if value.is_object() => convert(value),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .map(|a| a.iter().map(convert).collect())
                    .unwrap_or_default(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = out.get(flag).cloned() {
            out.remove(flag);
            if exclusive {
                if let Some(b) = out.remove(bound) {
                    out.insert(flag.to_string(), b);
                }
            }
        }
    }
    if obj.get("nullable").and_then(Value::as_bool) == Some(true) {
        if let Some(enum_values) = out.get_mut("enum").and_then(Value::as_array_mut) {
            if !enum_values.contains(&Value::Null) {
                enum_values.push(Value::Null);
            }
        }
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
            }
            Some(_) => {}
            None => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
        }
    }
    Value::Object(out)
}

/// A self-contained JSON Schema document for one response schema of a spec: the converted
/// schema (under `allOf`, so its own `$ref` resolves against this document) plus every
/// converted component schema under the same pointer the spec uses.
pub fn document(spec: &Value, schema: &Value) -> Value {
    let components: Map<String, Value> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|c| c.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
        .unwrap_or_default();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "allOf": [convert(schema)],
        "components": {"schemas": components},
    })
}

/// Validates `body` against `schema` (an OpenAPI schema of `spec`) and returns the findings:
/// missing required fields, type mismatches, unknown enum values, and other schema violations.
pub fn validate(
    spec: &Value,
    schema: &Value,
    body: &Value,
    operation_id: &str,
) -> Result<Vec<Finding>, String> {
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V7);
    let url = "http://cleeng-probe.invalid/schema.json";
    compiler
        .add_resource(url, document(spec, schema))
        .map_err(|e| format!("{operation_id}: schema does not load: {e}"))?;
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(url, &mut schemas)
        .map_err(|e| format!("{operation_id}: schema does not compile: {e}"))?;
    let mut out = Vec::new();
    if let Err(error) = schemas.validate(body, index) {
        leaves(&error, body, &mut out);
    }
    out.sort_by(|a, b| (a.path.as_str(), a.kind).cmp(&(b.path.as_str(), b.kind)));
    out.dedup_by(|a, b| a.path == b.path && a.kind == b.kind);
    Ok(out)
}

/// The innermost errors of a validation error tree, as findings. For `oneOf`/`anyOf` the
/// validator reports every failing alternative; they are all kept (deduplicated by path and kind).
fn leaves(error: &boon::ValidationError<'_, '_>, body: &Value, out: &mut Vec<Finding>) {
    if !error.causes.is_empty() {
        for cause in &error.causes {
            leaves(cause, body, out);
        }
        return;
    }
    let pointer = error.instance_location.to_string();
    let value = body.pointer(&pointer).cloned().unwrap_or(Value::Null);
    let (kind, path, detail) = match &error.kind {
        boon::ErrorKind::Required { want } => {
            let field = want.first().copied().unwrap_or_default();
            (
                Kind::MissingRequired,
                format!("{pointer}/{field}"),
                format!("required field `{field}` is missing"),
            )
        }
        boon::ErrorKind::Type { got, want } => (
            Kind::TypeMismatch,
            pointer.clone(),
            format!(
                "{got} where the spec says {}",
                want.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ),
        boon::ErrorKind::Enum { want } => (
            Kind::UnknownEnum,
            pointer.clone(),
            format!(
                "value not in the spec's enum {}",
                Value::Array((*want).clone())
            ),
        ),
        other => (Kind::SchemaViolation, pointer.clone(), other.to_string()),
    };
    let sample = if kind == Kind::MissingRequired {
        None
    } else {
        Some(value)
    };
    out.push(Finding::new(kind, path, detail, sample));
}

/// Fields present in `body` that `schema` does not document (nor any `allOf`/`oneOf`/`anyOf`
/// part of it), where the schema lists its properties and does not allow others by
/// `additionalProperties`.
pub fn undocumented(spec: &Value, schema: &Value, body: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(spec, schema, body, String::new(), 0, &mut out);
    out
}

fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(pointer) => match spec.pointer(pointer) {
                Some(target) => schema = target,
                None => return &Value::Null,
            },
            None => break,
        }
    }
    schema
}

/// Properties, `additionalProperties` and `items` of a schema, merged over its composition parts.
#[derive(Default)]
struct Shape<'a> {
    properties: Map<String, Value>,
    additional: Option<&'a Value>,
    items: Vec<&'a Value>,
    open: bool,
}

fn shape<'a>(spec: &'a Value, schema: &'a Value, depth: usize, acc: &mut Shape<'a>) {
    if depth > 16 {
        acc.open = true;
        return;
    }
    let schema = resolve(spec, schema);
    let Some(obj) = schema.as_object() else {
        acc.open = true;
        return;
    };
    if let Some(p) = obj.get("properties").and_then(Value::as_object) {
        for (k, v) in p {
            acc.properties.insert(k.clone(), v.clone());
        }
    }
    match obj.get("additionalProperties") {
        Some(Value::Bool(true)) => acc.open = true,
        Some(v @ Value::Object(_)) => acc.additional = Some(v),
        _ => {}
    }
    if let Some(items) = obj.get("items") {
        acc.items.push(items);
    }
    let mut composed = false;
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in obj.get(key).and_then(Value::as_array).into_iter().flatten() {
            composed = true;
            shape(spec, part, depth + 1, acc);
        }
    }
    // A schema that says nothing about its properties documents none and forbids none.
    if !composed
        && !obj.contains_key("properties")
        && !obj.contains_key("items")
        && obj.get("type").is_none_or(|t| t == "object")
        && !obj.contains_key("additionalProperties")
    {
        acc.open = true;
    }
}

fn walk(
    spec: &Value,
    schema: &Value,
    value: &Value,
    path: String,
    depth: usize,
    out: &mut Vec<Finding>,
) {
    if depth > 24 {
        return;
    }
    let mut acc = Shape::default();
    shape(spec, schema, 0, &mut acc);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_path = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                if let Some(prop) = acc.properties.get(key) {
                    walk(spec, prop, child, child_path, depth + 1, out);
                } else if let Some(additional) = acc.additional {
                    walk(spec, additional, child, child_path, depth + 1, out);
                } else if !acc.open && !acc.properties.is_empty() {
                    out.push(Finding::new(
                        Kind::UndocumentedField,
                        child_path,
                        format!("field `{key}` is not in the spec"),
                        Some(child.clone()),
                    ));
                }
            }
        }
        Value::Array(items) => {
            for item_schema in &acc.items {
                for (i, item) in items.iter().enumerate() {
                    walk(
                        spec,
                        item_schema,
                        item,
                        format!("{path}/{i}"),
                        depth + 1,
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Offer": {"type": "object", "required": ["id", "kind"], "properties": {
                "id": {"type": "string"},
                "kind": {"type": "string", "enum": ["subscription", "pass"]},
                "price": {"type": "number", "nullable": true, "minimum": 0, "exclusiveMinimum": true},
                "meta": {"type": "object", "additionalProperties": {"type": "integer"}}
            }},
            "List": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}}}}
        }}})
    }

    #[test]
    fn converts_openapi_only_keywords() {
        assert_eq!(
            convert(
                &json!({"type": "string", "nullable": true, "example": "x", "x-confidence": "verified"})
            ),
            json!({"type": ["string", "null"]})
        );
        assert_eq!(
            convert(&json!({"minimum": 0, "exclusiveMinimum": true})),
            json!({"exclusiveMinimum": 0})
        );
        assert_eq!(
            convert(&json!({"allOf": [{"$ref": "#/a"}], "nullable": true})),
            json!({"anyOf": [{"allOf": [{"$ref": "#/a"}]}, {"type": "null"}]})
        );
        assert_eq!(
            convert(&json!({"$ref": "#/a", "description": "d"})),
            json!({"$ref": "#/a"})
        );
    }

    #[test]
    fn finds_each_kind_with_its_path() {
        let spec = spec();
        let schema = json!({"$ref": "#/components/schemas/List"});
        let ok = json!({"items": [{"id": "S1", "kind": "pass", "price": null, "meta": {"a": 1}}]});
        assert!(validate(&spec, &schema, &ok, "op").unwrap().is_empty());
        assert!(undocumented(&spec, &schema, &ok).is_empty());

        let bad = json!({"items": [{"id": 7, "kind": "bundle", "price": 0}, {"kind": "pass", "extra": true}]});
        let found: Vec<(Kind, String)> = validate(&spec, &schema, &bad, "op")
            .unwrap()
            .into_iter()
            .map(|f| (f.kind, f.path))
            .collect();
        assert!(
            found.contains(&(Kind::TypeMismatch, "/items/0/id".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&(Kind::UnknownEnum, "/items/0/kind".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&(Kind::MissingRequired, "/items/1/id".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&(Kind::SchemaViolation, "/items/0/price".into())),
            "{found:?}"
        );
        let extra: Vec<String> = undocumented(&spec, &schema, &bad)
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(extra, vec!["/items/1/extra".to_string()]);
    }
}
