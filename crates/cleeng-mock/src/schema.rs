//! The subset of OpenAPI 3.0 schemas the specs use: checking a value against a schema, and
//! making a value that satisfies one.
//!
//! Checking is used on both sides: requests are refused when they break their schema, and every
//! response the mock sends is checked against its documented schema so that a mismatch is
//! recorded (see `MockServer::violations`) instead of silently teaching clients a wrong shape.

use serde_json::{json, Map, Value};

use crate::spec::Spec;

/// How deep generated values nest before optional properties are left out.
const FULL_DEPTH: usize = 5;
/// Hard stop for recursive schemas.
const MAX_DEPTH: usize = 12;

/// Checks `value` against `schema`; the error names the JSON path and what is wrong.
pub fn validate(spec: &Spec, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    validate_inner(spec, schema, value, path, 0)
}

fn validate_inner(spec: &Spec, schema: &Value, value: &Value, path: &str, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let schema = spec.resolve(schema);
    let Some(obj) = schema.as_object() else {
        return Ok(());
    };
    let here = if path.is_empty() { "the value" } else { path };
    if value.is_null() {
        return if accepts_null(spec, obj, depth) {
            Ok(())
        } else {
            Err(format!("{here} must not be null"))
        };
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        for part in all {
            validate_inner(spec, part, value, path, depth + 1)?;
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = obj.get(key).and_then(Value::as_array) {
            let mut first_error = None;
            let matched = options.iter().any(|option| {
                match validate_inner(spec, option, value, path, depth + 1) {
                    Ok(()) => true,
                    Err(e) => {
                        first_error.get_or_insert(e);
                        false
                    }
                }
            });
            if !matched {
                return Err(first_error.unwrap_or_else(|| format!("{here} matches no alternative")));
            }
        }
    }
    if let Some(options) = obj.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            return Err(format!("{here} must be one of {}", Value::Array(options.clone())));
        }
    }
    let ty = obj.get("type").and_then(Value::as_str);
    match ty {
        Some("string") => {
            let Some(s) = value.as_str() else {
                return Err(format!("{here} must be a string"));
            };
            check_string(obj, s, here)?;
        }
        Some("integer") => {
            let ok = value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0);
            if !ok {
                return Err(format!("{here} must be an integer"));
            }
            check_number(obj, value.as_f64().unwrap_or_default(), here)?;
            if obj.get("format").and_then(Value::as_str) == Some("int32")
                && value.as_i64().is_none_or(|v| i32::try_from(v).is_err())
            {
                return Err(format!("{here} must fit in 32 bits"));
            }
        }
        Some("number") => {
            let Some(n) = value.as_f64() else {
                return Err(format!("{here} must be a number"));
            };
            check_number(obj, n, here)?;
        }
        Some("boolean") => {
            if !value.is_boolean() {
                return Err(format!("{here} must be a boolean"));
            }
        }
        Some("array") => {
            let Some(items) = value.as_array() else {
                return Err(format!("{here} must be an array"));
            };
            if let Some(min) = obj.get("minItems").and_then(Value::as_u64) {
                if (items.len() as u64) < min {
                    return Err(format!("{here} needs at least {min} items"));
                }
            }
            if let Some(max) = obj.get("maxItems").and_then(Value::as_u64) {
                if (items.len() as u64) > max {
                    return Err(format!("{here} takes at most {max} items"));
                }
            }
            if let Some(item_schema) = obj.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate_inner(spec, item_schema, item, &format!("{path}[{i}]"), depth + 1)?;
                }
            }
        }
        Some("object") | None => {
            if ty.is_some() && !value.is_object() {
                return Err(format!("{here} must be an object"));
            }
            if let Some(map) = value.as_object() {
                check_object(spec, obj, map, path, depth)?;
            }
        }
        Some(_) => {}
    }
    Ok(())
}

fn check_object(
    spec: &Spec,
    obj: &Map<String, Value>,
    map: &Map<String, Value>,
    path: &str,
    depth: usize,
) -> Result<(), String> {
    let join = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    if let Some(required) = obj.get("required").and_then(Value::as_array) {
        for key in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(key) {
                return Err(format!("`{}` is required", join(key)));
            }
        }
    }
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (key, prop_schema) in props {
            if let Some(v) = map.get(key) {
                validate_inner(spec, prop_schema, v, &join(key), depth + 1)?;
            }
        }
    }
    Ok(())
}

fn check_string(obj: &Map<String, Value>, s: &str, here: &str) -> Result<(), String> {
    let len = s.chars().count() as u64;
    if let Some(min) = obj.get("minLength").and_then(Value::as_u64) {
        if len < min {
            return Err(format!("{here} must be at least {min} characters"));
        }
    }
    if let Some(max) = obj.get("maxLength").and_then(Value::as_u64) {
        if len > max {
            return Err(format!("{here} must be at most {max} characters"));
        }
    }
    if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
        if let Ok(re) = regress::Regex::new(pattern) {
            if re.find(s).is_none() {
                return Err(format!("{here} must match {pattern}"));
            }
        }
    }
    match obj.get("format").and_then(Value::as_str) {
        Some("email") if !s.contains('@') => Err(format!("{here} must be an email address")),
        Some("uuid") if !is_uuid(s) => Err(format!("{here} must be a UUID")),
        Some("date-time") if !(s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T')) => {
            Err(format!("{here} must be an RFC 3339 date-time"))
        }
        Some("uri") if !s.contains(':') => Err(format!("{here} must be a URI")),
        _ => Ok(()),
    }
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn check_number(obj: &Map<String, Value>, n: f64, here: &str) -> Result<(), String> {
    if let Some(min) = obj.get("minimum").and_then(Value::as_f64) {
        let exclusive = obj.get("exclusiveMinimum").and_then(Value::as_bool).unwrap_or(false);
        if n < min || (exclusive && n == min) {
            return Err(format!("{here} must be at least {min}"));
        }
    }
    if let Some(max) = obj.get("maximum").and_then(Value::as_f64) {
        let exclusive = obj.get("exclusiveMaximum").and_then(Value::as_bool).unwrap_or(false);
        if n > max || (exclusive && n == max) {
            return Err(format!("{here} must be at most {max}"));
        }
    }
    Ok(())
}

/// Whether `null` satisfies a schema, read as OpenAPI 3.0.3 does: `nullable: true` counts only
/// beside a `type`; otherwise `null` passes through an `enum` that lists it, a `oneOf`/`anyOf`
/// with an alternative that accepts it, or an `allOf` whose parts all accept it. A schema with no
/// constraint at all accepts anything.
fn accepts_null(spec: &Spec, obj: &Map<String, Value>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let nullable = obj.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if obj.contains_key("type") || obj.contains_key("properties") || obj.contains_key("items") {
        return nullable && obj.contains_key("type");
    }
    let sub = |s: &Value| {
        spec.resolve(s)
            .as_object()
            .is_none_or(|o| accepts_null(spec, o, depth + 1))
    };
    if let Some(options) = obj.get("enum").and_then(Value::as_array) {
        if !options.contains(&Value::Null) {
            return false;
        }
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        if !all.iter().all(sub) {
            return false;
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = obj.get(key).and_then(Value::as_array) {
            if !options.iter().any(sub) {
                return false;
            }
        }
    }
    true
}

/// A value that satisfies `schema`: the schema's `example` or `default` when it has one,
/// otherwise built from its type, format, pattern and bounds.
pub fn generate(spec: &Spec, schema: &Value) -> Value {
    generate_inner(spec, schema, 0)
}

fn generate_inner(spec: &Spec, schema: &Value, depth: usize) -> Value {
    let schema = spec.resolve(schema);
    let Some(obj) = schema.as_object() else {
        return json!({});
    };
    let nullable = obj.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if depth > MAX_DEPTH {
        return if nullable { Value::Null } else { minimal(obj) };
    }
    if let Some(example) = obj.get("example") {
        if validate(spec, schema, example, "").is_ok() {
            return example.clone();
        }
    }
    if let Some(default) = obj.get("default") {
        return default.clone();
    }
    if let Some(first) = obj.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return first.clone();
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        let mut last = None;
        for part in all {
            match generate_inner(spec, part, depth) {
                Value::Object(map) => merged.extend(map),
                other => last = Some(other),
            }
        }
        if let Some(props) = obj.get("properties") {
            if let Value::Object(map) = object(spec, obj, props, depth) {
                merged.extend(map);
            }
        }
        return match last {
            Some(v) if merged.is_empty() => v,
            _ => Value::Object(merged),
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = obj.get(key).and_then(Value::as_array).and_then(|o| o.first()) {
            return generate_inner(spec, first, depth + 1);
        }
    }
    match obj.get("type").and_then(Value::as_str) {
        Some("string") => Value::String(string(obj)),
        Some("integer") => {
            let min = obj.get("minimum").and_then(Value::as_i64).unwrap_or(1);
            let max = obj.get("maximum").and_then(Value::as_i64).unwrap_or(i64::MAX);
            json!(min.max(1).min(max))
        }
        Some("number") => {
            let min = obj.get("minimum").and_then(Value::as_f64).unwrap_or(1.0);
            let max = obj.get("maximum").and_then(Value::as_f64).unwrap_or(f64::MAX);
            json!(min.max(1.0).min(max))
        }
        Some("boolean") => json!(true),
        Some("array") => {
            let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
            let count = if depth < FULL_DEPTH { min.max(1) } else { min };
            let items = obj.get("items").cloned().unwrap_or(json!({}));
            Value::Array((0..count).map(|_| generate_inner(spec, &items, depth + 1)).collect())
        }
        _ => match obj.get("properties") {
            Some(props) => object(spec, obj, props, depth),
            None => json!({}),
        },
    }
}

fn minimal(obj: &Map<String, Value>) -> Value {
    match obj.get("type").and_then(Value::as_str) {
        Some("string") => Value::String(string(obj)),
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        _ => json!({}),
    }
}

fn object(spec: &Spec, obj: &Map<String, Value>, props: &Value, depth: usize) -> Value {
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if let Some(props) = props.as_object() {
        for (key, prop) in props {
            let resolved = spec.resolve(prop);
            if resolved.get("writeOnly").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            if depth >= FULL_DEPTH && !required.contains(&key.as_str()) {
                continue;
            }
            out.insert(key.clone(), generate_inner(spec, prop, depth + 1));
        }
    }
    Value::Object(out)
}

fn string(obj: &Map<String, Value>) -> String {
    let base = match obj.get("format").and_then(Value::as_str) {
        Some("email") => "customer@example.com".to_string(),
        Some("uuid") => "3f2504e0-4f89-41d3-9a0c-0305e82c3301".to_string(),
        Some("date-time") => "2026-01-01T00:00:00Z".to_string(),
        Some("date") => "2026-01-01".to_string(),
        Some("uri") => "https://example.com/".to_string(),
        Some("password") => "mock-secret-1".to_string(),
        _ => match obj.get("pattern").and_then(Value::as_str) {
            Some(pattern) => sample_pattern(pattern),
            None => "string".to_string(),
        },
    };
    let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = obj.get("maxLength").and_then(Value::as_u64).map(|m| m as usize);
    let mut s = base;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = max {
        s = s.chars().take(max).collect();
    }
    s
}

/// The shortest string a simple regular expression accepts (anchors, literals, escapes,
/// character classes, and the quantifiers `? * + {n} {m,n}`): enough for the patterns Cleeng's
/// ids follow, e.g. `^[SPEAR][1-9][0-9]{8}$` gives `S100000000`.
pub fn sample_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        // One atom: the character it stands for.
        let atom = match chars[i] {
            '^' | '$' => {
                i += 1;
                continue;
            }
            '\\' => {
                i += 1;
                match chars.get(i) {
                    Some('d') => '0',
                    Some('w') => 'a',
                    Some('s') => ' ',
                    Some(c) => *c,
                    None => break,
                }
            }
            '[' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && !(chars[end] == ']' && end > start) {
                    end += if chars[end] == '\\' { 2 } else { 1 };
                }
                let class: Vec<char> = chars[start..end.min(chars.len())].to_vec();
                i = end;
                // First member of the class; prefer a letter or digit.
                match (class.first(), class.get(1)) {
                    (Some('\\'), Some(c)) => *c,
                    (Some(c), _) => *c,
                    _ => 'a',
                }
            }
            '.' => 'a',
            c => c,
        };
        i += 1;
        // Its quantifier.
        let mut count = 1;
        match chars.get(i) {
            Some('?') | Some('*') => {
                count = 0;
                i += 1;
            }
            Some('+') => i += 1,
            Some('{') => {
                let close = chars[i..].iter().position(|c| *c == '}').map(|p| p + i);
                if let Some(close) = close {
                    let inner: String = chars[i + 1..close].iter().collect();
                    let first = inner.split(',').next().unwrap_or("1").trim();
                    count = first.parse().unwrap_or(1);
                    i = close + 1;
                }
            }
            _ => {}
        }
        out.extend(std::iter::repeat_n(atom, count));
    }
    out
}

/// The properties of an object schema, including those of its `allOf` parts.
pub fn properties(spec: &Spec, schema: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    collect(spec, schema, &mut out, &mut Vec::new(), 0);
    out
}

fn collect(spec: &Spec, schema: &Value, props: &mut Map<String, Value>, required: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    let schema = spec.resolve(schema);
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in p {
            props.insert(k.clone(), v.clone());
        }
    }
    if let Some(r) = schema.get("required").and_then(Value::as_array) {
        required.extend(r.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            collect(spec, part, props, required, depth + 1);
        }
    }
}

/// `true` when `null` is a valid value of `schema`.
fn is_nullable(spec: &Spec, schema: &Value) -> bool {
    validate(spec, schema, &Value::Null, "").is_ok()
}

/// Completes `facts` into a value of `schema`: the facts stay as given (nested objects and
/// array items are completed by their own schemas), and required properties the facts lack
/// get generated values. A stateful answer is thus exactly what the mock knows plus the
/// minimum the schema demands.
pub fn shape(spec: &Spec, schema: &Value, facts: &Value) -> Value {
    shape_inner(spec, schema, facts, 0)
}

fn shape_inner(spec: &Spec, schema: &Value, facts: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return facts.clone();
    }
    let schema = spec.resolve(schema);
    match facts {
        Value::Object(f) => {
            let mut props = Map::new();
            let mut required = Vec::new();
            collect(spec, schema, &mut props, &mut required, 0);
            if props.is_empty() && required.is_empty() {
                return facts.clone();
            }
            let mut out = Map::new();
            for key in &required {
                if !f.contains_key(key) {
                    if let Some(p) = props.get(key) {
                        out.insert(key.clone(), generate(spec, p));
                    }
                }
            }
            for (key, value) in f {
                // An absent fact is left out where the schema does not allow null.
                if value.is_null() {
                    if let Some(p) = props.get(key) {
                        if !is_nullable(spec, p) {
                            if required.contains(key) {
                                out.insert(key.clone(), generate(spec, p));
                            }
                            continue;
                        }
                    }
                }
                let shaped = match props.get(key) {
                    Some(p) => shape_inner(spec, p, value, depth + 1),
                    None => value.clone(),
                };
                out.insert(key.clone(), shaped);
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").or_else(|| {
                schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .and_then(|parts| parts.iter().find_map(|p| spec.resolve(p).get("items")))
            });
            match item_schema {
                Some(s) => Value::Array(items.iter().map(|i| shape_inner(spec, s, i, depth + 1)).collect()),
                None => facts.clone(),
            }
        }
        _ => facts.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Family, Spec};

    #[test]
    fn samples_the_spec_patterns() {
        for pattern in [
            "^T[1-9][0-9]{8}$",
            "^[A-Z]{3}$",
            "^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$",
            "^[A-Za-z0-9_-]{2,40}$",
            "^[SPEAR][1-9][0-9]{8}$",
            "^[a-zA-Z0-9_\\-: ]+$",
        ] {
            let sample = sample_pattern(pattern);
            let re = regress::Regex::new(pattern).unwrap();
            assert!(re.find(&sample).is_some(), "{pattern} -> {sample}");
        }
        assert_eq!(sample_pattern("^[SPEAR][1-9][0-9]{8}$"), "S100000000");
    }

    #[test]
    fn every_component_schema_generates_a_valid_value() {
        for family in Family::ALL {
            let spec = Spec::load(family).unwrap();
            let schemas = spec.doc.pointer("/components/schemas").and_then(Value::as_object).unwrap();
            for (name, schema) in schemas {
                let value = generate(&spec, schema);
                if let Err(e) = validate(&spec, schema, &value, "") {
                    panic!("{family:?} {name}: {e}: {value}");
                }
            }
        }
    }

    #[test]
    fn refuses_wrong_values() {
        let spec = Spec::load(Family::Core).unwrap();
        let schema = json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}});
        assert_eq!(validate(&spec, &schema, &json!({}), "").unwrap_err(), "`a` is required");
        assert_eq!(validate(&spec, &schema, &json!({"a": "x"}), "").unwrap_err(), "a must be an integer");
        assert!(validate(&spec, &schema, &json!({"a": 3, "b": 1}), "").is_ok());
        assert!(validate(&spec, &schema, &json!(null), "").is_err());
    }
}
