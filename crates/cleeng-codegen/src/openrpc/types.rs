//! Params and results as Rust types, through typify (the type generator progenitor uses, with
//! the settings progenitor uses), so legacy types look like every other family's.
//!
//! OpenRPC schemas are JSON Schema with two OpenAPI habits of ours that typify does not read, so
//! they are rewritten first:
//! * `nullable: true` becomes a `null` alternative;
//! * `format: password` becomes `x-rust-type: cleeng_runtime::Secret` (redacted `Debug`);
//! * `x-number-or-string: true` is dropped here: the field stays a plain number, and the shared
//!   lenient pass ([`crate::lenient`], the same as the REST families') marks every numeric field
//!   of the `types` module to decode `12` and `"12"` alike (see `openrpc::generate_from`).

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use serde_json::{json, Map, Value};
use typify::{CrateVers, TypeSpace, TypeSpaceSettings};

use super::document::Document;
use crate::Error;

/// The Rust types of one document.
pub struct Types {
    space: TypeSpace,
    /// Param type by (method, param).
    params: BTreeMap<(String, String), TokenStream>,
    /// Result type by method.
    results: BTreeMap<String, TokenStream>,
}

impl Types {
    /// The type a builder setter takes for `param` of `method` (e.g. `::std::string::String`).
    pub fn param(&self, method: &str, param: &str) -> TokenStream {
        self.params[&(method.to_string(), param.to_string())].clone()
    }

    /// The type `call()` returns for `method`.
    pub fn result(&self, method: &str) -> TokenStream {
        self.results[method].clone()
    }

    /// The `types` module's items.
    pub fn tokens(&self) -> TokenStream {
        self.space.to_stream()
    }
}

/// Typify settings: progenitor's (builders, `types` module, `JsonSchema` derive), plus the two
/// crates whose types `x-rust-type` may name.
fn settings() -> TypeSpaceSettings {
    let mut s = TypeSpaceSettings::default();
    s.with_type_mod("types")
        .with_struct_builder(true)
        .with_derive("schemars::JsonSchema".to_string())
        .with_crate("cleeng-runtime", CrateVers::Any, None)
        .with_crate("cleeng-legacy", CrateVers::Any, None);
    s
}

/// Converts every schema of `doc` and the params and result of every method.
pub fn build(doc: &Document, path: &str) -> Result<Types, Error> {
    let fail = |what: String, e: typify::Error| Error::Progenitor {
        path: path.to_string(),
        message: format!("typify refused {what}: {e}"),
    };
    let mut space = TypeSpace::new(&settings());
    // A component that only names a Rust type (`Token`: a password-format string) is inlined
    // where it is used, so params and fields get `Secret` itself rather than a newtype.
    let aliases: BTreeMap<String, Value> = doc
        .schemas
        .iter()
        .filter(|(_, schema)| rewrite(schema).get("x-rust-type").is_some())
        .map(|(name, schema)| (format!("#/components/schemas/{name}"), schema.clone()))
        .collect();
    let to_schema = |schema: &Value| to_schema(&inline(schema, &aliases), path);
    let defs = doc
        .schemas
        .iter()
        .filter(|(name, _)| !aliases.contains_key(&format!("#/components/schemas/{name}")))
        .map(|(name, schema)| Ok((name.clone(), to_schema(schema)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    space
        .add_ref_types(defs)
        .map_err(|e| fail("components.schemas".into(), e))?;
    let mut params = BTreeMap::new();
    let mut results = BTreeMap::new();
    for m in &doc.methods {
        let base = m.name.to_upper_camel_case();
        for p in &m.params {
            let schema = to_schema(&p.schema)?;
            let hint = format!("{base}{}", p.name.to_upper_camel_case());
            let id = space
                .add_type_with_name(&schema, Some(hint))
                .map_err(|e| fail(format!("{}.{}", m.name, p.name), e))?;
            let ty = space.get_type(&id).map_err(|e| fail(format!("{}.{}", m.name, p.name), e))?;
            params.insert((m.name.clone(), p.name.clone()), ty.ident());
        }
        let schema = to_schema(&m.result)?;
        let id = space
            .add_type_with_name(&schema, Some(format!("{base}Result")))
            .map_err(|e| fail(format!("{}.result", m.name), e))?;
        let ty = space.get_type(&id).map_err(|e| fail(format!("{}.result", m.name), e))?;
        results.insert(m.name.clone(), ty.ident());
    }
    Ok(Types {
        space,
        params,
        results,
    })
}

/// One OpenRPC schema as the schemars value typify reads.
fn to_schema(schema: &Value, path: &str) -> Result<schemars::schema::Schema, Error> {
    let rewritten = rewrite(schema);
    serde_json::from_value(rewritten).map_err(|e| Error::Invalid {
        path: path.to_string(),
        message: format!("a schema is not JSON Schema: {e}"),
    })
}

/// Replaces every `$ref` to one of `aliases` with the schema it names.
fn inline(schema: &Value, aliases: &BTreeMap<String, Value>) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(|r| aliases.get(r)) {
                return target.clone();
            }
            Value::Object(map.iter().map(|(k, v)| (k.clone(), inline(v, aliases))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| inline(v, aliases)).collect()),
        other => other.clone(),
    }
}

/// Applies the rewrites listed in the module docs, depth first.
pub fn rewrite(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let value = match key.as_str() {
            "properties" | "definitions" => match value {
                Value::Object(props) => {
                    Value::Object(props.iter().map(|(k, v)| (k.clone(), rewrite(v))).collect())
                }
                other => other.clone(),
            },
            "items" | "additionalProperties" | "not" => rewrite(value),
            "oneOf" | "anyOf" | "allOf" => match value {
                Value::Array(list) => Value::Array(list.iter().map(rewrite).collect()),
                other => other.clone(),
            },
            // An OpenAPI habit; typify would keep it as an unknown keyword.
            "example" | "nullable" | "x-number-or-string" => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    let is = |k: &str, v: &str| map.get(k).and_then(Value::as_str) == Some(v);
    let rust_type = if is("type", "string") && is("format", "password") {
        Some(json!({"crate": "cleeng-runtime", "version": "*", "path": "cleeng_runtime::Secret"}))
    } else {
        None
    };
    if let Some(rust_type) = rust_type {
        out.insert("x-rust-type".into(), rust_type);
    }
    let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
    if !nullable {
        return Value::Object(out);
    }
    if out.contains_key("x-rust-type") || out.contains_key("$ref") {
        let description = out.remove("description");
        let mut wrapped = json!({"anyOf": [Value::Object(out), {"type": "null"}]});
        if let (Some(d), Value::Object(w)) = (description, &mut wrapped) {
            w.insert("description".into(), d);
        }
        return wrapped;
    }
    if let Some(Value::String(t)) = out.get("type").cloned() {
        out.insert("type".into(), json!([t, "null"]));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_secret_and_lenient_schemas_are_rewritten() {
        assert_eq!(
            rewrite(&json!({"type": "string", "nullable": true, "example": "x"})),
            json!({"type": ["string", "null"]})
        );
        let secret = rewrite(&json!({"type": "string", "format": "password"}));
        assert_eq!(secret["x-rust-type"]["path"], "cleeng_runtime::Secret");
        // A number Cleeng may send as a string stays a plain (nullable) number: the lenient pass
        // reads it, no wrapper type.
        let lenient = rewrite(&json!({"type": "integer", "format": "int64", "nullable": true, "x-number-or-string": true}));
        assert_eq!(lenient, json!({"type": ["integer", "null"], "format": "int64"}));
        let nested = rewrite(&json!({"type": "object", "properties": {"a": {"type": "number", "x-number-or-string": true}}}));
        assert_eq!(nested["properties"]["a"], json!({"type": "number"}));
    }
}
