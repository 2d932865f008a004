//! Normalization: the spec as written (faithful to Cleeng) → the spec as progenitor needs it.
//!
//! The vendored specs describe Cleeng exactly, including what progenitor 0.15 cannot express.
//! Each rule here rewrites one such construct without losing what the runtime needs:
//!
//! * **Error bodies become raw bytes.** Cleeng uses several error shapes (`{message}`,
//!   `{success:false,...}`, `{responseData, errors}`) and sometimes HTML from a proxy; progenitor
//!   allows one error type per operation. Every 4xx/5xx response becomes an untyped body, and
//!   `4XX`/`5XX` catch-alls are added, so every error reaches `cleeng-runtime` with its status,
//!   headers and bytes, where one parser reads whichever shape arrived.
//! * **`default` responses are dropped** (progenitor would treat them as success *and* error).
//! * **Several 2xx bodies become one `oneOf`**, since progenitor allows one success type.
//!   A body-less 2xx beside a typed one is dropped: it reaches the caller as an unexpected
//!   status that hand-written helpers interpret (e.g. `204` = "nothing changed").
//! * **One request media type**: JSON is kept when a spec lists several.
//! * **Secrets get a secret type.** A `type: string, format: password` schema (passwords, refresh
//!   tokens, signing secrets) is marked `x-rust-type: cleeng_runtime::Secret`, so the generated
//!   field prints `[redacted]` in `Debug` instead of leaking into logs.

use indexmap::IndexMap;
use openapiv3::{
    MediaType, OpenAPI, Operation, ReferenceOr, Response, Schema, SchemaData, SchemaKind,
    StatusCode,
};

use crate::Error;

/// What normalization changed, for the regen summary and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Error responses turned into raw bodies.
    pub raw_error_responses: usize,
    /// Operations whose several success bodies were merged into a `oneOf`.
    pub merged_success_bodies: Vec<String>,
    /// `(operationId, status)` of body-less 2xx responses dropped beside a typed one.
    pub dropped_empty_success: Vec<(String, String)>,
    /// Operations whose extra request media types were dropped.
    pub trimmed_request_media: Vec<String>,
    /// Password-format string schemas mapped to `cleeng_runtime::Secret`.
    pub secret_fields: usize,
    /// Component schemas replaced by a shared `cleeng_runtime` type (`x-shared-type`,
    /// `x-number-or-string`), with that type's path.
    pub number_or_string: Vec<(String, &'static str)>,
}

const RAW: &str = "application/octet-stream";
const JSON: &str = "application/json";

/// Rewrites `doc` in place; `path` names the spec in errors.
pub fn normalize(doc: &mut OpenAPI, path: &str) -> Result<Report, Error> {
    let mut report = Report::default();
    let shared_responses = doc
        .components
        .as_ref()
        .map(|c| c.responses.clone())
        .unwrap_or_default();
    report.secret_fields = mark_secrets(doc);
    report.number_or_string = mark_number_or_string(doc, path)?;
    for (route, item) in doc.paths.paths.iter_mut() {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(Error::Invalid {
                    path: path.into(),
                    message: format!("path item {route} is a $ref; inline it"),
                })
            }
        };
        let ops = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ];
        for (method, op) in ops {
            let Some(op) = op.as_mut() else { continue };
            let id = op.operation_id.clone().ok_or_else(|| Error::Invalid {
                path: path.into(),
                message: format!("{} {route} has no operationId", method.to_uppercase()),
            })?;
            inline_response_refs(op, &shared_responses, path, &id)?;
            trim_request_media(op, &id, &mut report);
            normalize_responses(op, &id, &mut report);
        }
    }
    Ok(report)
}

/// Finds the shared runtime type for each component schema marked `x-shared-type: OfferId` /
/// `CountryCode` / `Currency` (the concept by name) or `x-number-or-string: true` (the generator replaces the
/// schema's type with it, see `generate.rs`). For the latter,
/// a `oneOf` of integer and string is an id (`cleeng_runtime::CleengId`), of number
/// and string an amount (`cleeng_runtime::Decimal`). One type per concept across families, and
/// both forms decode everywhere. Any other shape with the marker is a spec error.
fn mark_number_or_string(doc: &OpenAPI, path: &str) -> Result<Vec<(String, &'static str)>, Error> {
    use openapiv3::Type;
    let mut mapped = Vec::new();
    let Some(components) = doc.components.as_ref() else { return Ok(mapped) };
    for (name, schema) in components.schemas.iter() {
        let ReferenceOr::Item(schema) = schema else { continue };
        if let Some(shared) = schema.schema_data.extensions.get("x-shared-type") {
            let rust = match shared.as_str() {
                Some("OfferId") => "cleeng_runtime::OfferId",
                Some("CountryCode") => "cleeng_runtime::CountryCode",
                Some("Currency") => "cleeng_runtime::Currency",
                _ => {
                    return Err(Error::Invalid {
                        path: path.into(),
                        message: format!("schema {name}: x-shared-type {shared} is not one of OfferId, CountryCode, Currency"),
                    })
                }
            };
            mapped.push((name.clone(), rust));
            continue;
        }
        if schema.schema_data.extensions.get("x-number-or-string") != Some(&serde_json::Value::Bool(true)) {
            continue;
        }
        let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
            return Err(Error::Invalid {
                path: path.into(),
                message: format!("schema {name}: x-number-or-string needs a oneOf of a number and a string"),
            });
        };
        let kinds: Vec<&str> = one_of
            .iter()
            .map(|s| match s {
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Integer(_)), .. }) => "integer",
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Number(_)), .. }) => "number",
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(_)), .. }) => "string",
                _ => "other",
            })
            .collect();
        let rust = match kinds.as_slice() {
            ["integer", "string"] | ["string", "integer"] => "cleeng_runtime::CleengId",
            ["number", "string"] | ["string", "number"] => "cleeng_runtime::Decimal",
            _ => {
                return Err(Error::Invalid {
                    path: path.into(),
                    message: format!("schema {name}: x-number-or-string needs a oneOf of a number and a string, found {kinds:?}"),
                })
            }
        };
        mapped.push((name.clone(), rust));
    }
    Ok(mapped)
}

/// Marks every password-format string schema in the document as `cleeng_runtime::Secret`.
fn mark_secrets(doc: &mut OpenAPI) -> usize {
    let mut count = 0;
    if let Some(components) = doc.components.as_mut() {
        for schema in components.schemas.values_mut() {
            count += secrets_in(schema);
        }
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                for mt in body.content.values_mut() {
                    count += mt.schema.as_mut().map_or(0, secrets_in);
                }
            }
        }
        for resp in components.responses.values_mut() {
            if let ReferenceOr::Item(resp) = resp {
                for mt in resp.content.values_mut() {
                    count += mt.schema.as_mut().map_or(0, secrets_in);
                }
            }
        }
    }
    for item in doc.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            if let Some(ReferenceOr::Item(body)) = op.request_body.as_mut() {
                for mt in body.content.values_mut() {
                    count += mt.schema.as_mut().map_or(0, secrets_in);
                }
            }
            for resp in op.responses.responses.values_mut() {
                if let ReferenceOr::Item(resp) = resp {
                    for mt in resp.content.values_mut() {
                        count += mt.schema.as_mut().map_or(0, secrets_in);
                    }
                }
            }
        }
    }
    count
}

fn secrets_in_boxed(schema: &mut ReferenceOr<Box<Schema>>) -> usize {
    match schema {
        ReferenceOr::Item(s) => secrets_in_schema(s),
        ReferenceOr::Reference { .. } => 0,
    }
}

fn secrets_in(schema: &mut ReferenceOr<Schema>) -> usize {
    match schema {
        ReferenceOr::Item(s) => secrets_in_schema(s),
        ReferenceOr::Reference { .. } => 0,
    }
}

fn secrets_in_schema(schema: &mut Schema) -> usize {
    use openapiv3::{StringFormat, Type, VariantOrUnknownOrEmpty};
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::String(s))
            if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password) =>
        {
            schema.schema_data.extensions.insert(
                "x-rust-type".into(),
                serde_json::json!({
                    "crate": "cleeng-runtime",
                    "version": "*",
                    "path": "cleeng_runtime::Secret",
                }),
            );
            1
        }
        SchemaKind::Type(Type::Object(o)) => {
            let mut n: usize = o.properties.values_mut().map(secrets_in_boxed).sum();
            if let Some(openapiv3::AdditionalProperties::Schema(s)) = o.additional_properties.as_mut() {
                n += secrets_in(s);
            }
            n
        }
        SchemaKind::Type(Type::Array(a)) => a.items.as_mut().map_or(0, secrets_in_boxed),
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => list.iter_mut().map(secrets_in).sum(),
        SchemaKind::Any(any) => {
            let mut n: usize = any.properties.values_mut().map(secrets_in_boxed).sum();
            n += any.items.as_mut().map_or(0, secrets_in_boxed);
            for list in [&mut any.one_of, &mut any.all_of, &mut any.any_of] {
                n += list.iter_mut().map(secrets_in).sum::<usize>();
            }
            n
        }
        _ => 0,
    }
}

/// Replaces `$ref: '#/components/responses/X'` with the response itself, so the rules below
/// see every body.
fn inline_response_refs(
    op: &mut Operation,
    shared: &IndexMap<String, ReferenceOr<Response>>,
    path: &str,
    id: &str,
) -> Result<(), Error> {
    for resp in op.responses.responses.values_mut() {
        if let ReferenceOr::Reference { reference } = resp {
            let name = reference.trim_start_matches("#/components/responses/");
            match shared.get(name) {
                Some(ReferenceOr::Item(item)) => *resp = ReferenceOr::Item(item.clone()),
                _ => {
                    return Err(Error::Invalid {
                        path: path.into(),
                        message: format!("{id}: response {reference} is not defined under components/responses"),
                    })
                }
            }
        }
    }
    Ok(())
}

fn trim_request_media(op: &mut Operation, id: &str, report: &mut Report) {
    if let Some(ReferenceOr::Item(body)) = &mut op.request_body {
        if body.content.len() > 1 {
            let keep = body
                .content
                .keys()
                .find(|k| k.starts_with(JSON))
                .cloned()
                .unwrap_or_else(|| body.content.keys().next().cloned().unwrap_or_default());
            body.content.retain(|k, _| *k == keep);
            report.trimmed_request_media.push(id.to_string());
        }
    }
}

fn is_error(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(c) => (400..=599).contains(c),
        StatusCode::Range(r) => (4..=5).contains(r),
    }
}

fn is_success(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(c) => (200..=299).contains(c),
        StatusCode::Range(r) => *r == 2,
    }
}

fn raw_response(description: &str) -> Response {
    let mut content = IndexMap::new();
    content.insert(RAW.to_string(), MediaType::default());
    Response {
        description: description.to_string(),
        content,
        ..Default::default()
    }
}

fn json_schema(resp: &ReferenceOr<Response>) -> Option<ReferenceOr<Schema>> {
    match resp {
        ReferenceOr::Item(r) => r
            .content
            .iter()
            .find(|(k, _)| k.starts_with(JSON))
            .and_then(|(_, mt)| mt.schema.clone()),
        ReferenceOr::Reference { .. } => None,
    }
}

fn normalize_responses(op: &mut Operation, id: &str, report: &mut Report) {
    let responses = &mut op.responses;
    responses.default = None;

    // Errors: raw bodies, plus catch-alls so no error status escapes as "unexpected".
    for (code, resp) in responses.responses.iter_mut() {
        if is_error(code) {
            let description = match resp {
                ReferenceOr::Item(r) => r.description.clone(),
                ReferenceOr::Reference { reference } => reference.clone(),
            };
            *resp = ReferenceOr::Item(raw_response(&description));
            report.raw_error_responses += 1;
        }
    }
    for range in [4u16, 5] {
        let code = StatusCode::Range(range);
        if !responses.responses.contains_key(&code) {
            let text = format!("Any other {range}xx status; the runtime reads whichever error body arrived.");
            responses.responses.insert(code, ReferenceOr::Item(raw_response(&text)));
        }
    }

    // Successes: one type at most.
    let success: Vec<StatusCode> = responses
        .responses
        .keys()
        .filter(|c| is_success(c))
        .cloned()
        .collect();
    let mut schemas: Vec<ReferenceOr<Schema>> = Vec::new();
    for code in &success {
        if let Some(schema) = json_schema(&responses.responses[code]) {
            let key = serde_json::to_string(&schema).unwrap_or_default();
            if !schemas
                .iter()
                .any(|s| serde_json::to_string(s).unwrap_or_default() == key)
            {
                schemas.push(schema);
            }
        }
    }
    if schemas.is_empty() {
        return;
    }
    let merged = if schemas.len() == 1 {
        schemas.pop().expect("one schema")
    } else {
        report.merged_success_bodies.push(id.to_string());
        ReferenceOr::Item(Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::OneOf { one_of: schemas },
        })
    };
    for code in success {
        let has_json = json_schema(&responses.responses[&code]).is_some();
        if !has_json {
            report
                .dropped_empty_success
                .push((id.to_string(), code.to_string()));
            responses.responses.shift_remove(&code);
            continue;
        }
        if let ReferenceOr::Item(r) = responses.responses.get_mut(&code).expect("listed") {
            r.content.retain(|k, _| k.starts_with(JSON));
            for mt in r.content.values_mut() {
                mt.schema = Some(merged.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(yaml: &str) -> OpenAPI {
        serde_yaml::from_str(yaml).expect("test spec parses")
    }

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    post:
      operationId: makeX
      requestBody:
        content:
          application/json: {schema: {type: object}}
          application/x-www-form-urlencoded: {schema: {type: object}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}}
        "202": {description: queued, content: {application/json: {schema: {type: object, properties: {b: {type: string}}}}}}
        "204": {description: nothing}
        "404": {description: missing, content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}}
        default: {description: whatever}
"#;

    #[test]
    fn rewrites_what_progenitor_cannot_take() {
        let mut d = doc(SPEC);
        let report = normalize(&mut d, "t.yaml").expect("normalizes");
        assert_eq!(report.raw_error_responses, 1);
        assert_eq!(report.merged_success_bodies, vec!["makeX".to_string()]);
        assert_eq!(report.dropped_empty_success, vec![("makeX".into(), "204".into())]);
        assert_eq!(report.trimmed_request_media, vec!["makeX".to_string()]);
        let op = d.paths.paths["/x"].as_item().unwrap().post.as_ref().unwrap();
        assert!(op.responses.default.is_none());
        let codes: Vec<String> = op.responses.responses.keys().map(|c| c.to_string()).collect();
        assert_eq!(codes, ["200", "202", "404", "4XX", "5XX"]);
        let r404 = op.responses.responses[&StatusCode::Code(404)].as_item().unwrap();
        assert!(r404.content.contains_key(RAW));
    }

    #[test]
    fn password_fields_become_secrets() {
        let mut d = doc(r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Login:
      type: object
      properties:
        email: {type: string}
        password: {type: string, format: password}
        nested: {type: array, items: {type: object, properties: {secret: {type: string, format: password}}}}
"#);
        let report = normalize(&mut d, "t.yaml").expect("normalizes");
        assert_eq!(report.secret_fields, 2);
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(text.matches("cleeng_runtime::Secret").count(), 2, "{text}");
    }

    #[test]
    fn shared_responses_are_inlined_before_merging() {
        let mut d = doc(r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: getX
      responses:
        "200": {$ref: '#/components/responses/Thing'}
        "203": {description: other, content: {application/json: {schema: {type: string}}}}
components:
  responses:
    Thing: {description: ok, content: {application/json: {schema: {type: integer}}}}
"#);
        let report = normalize(&mut d, "t.yaml").expect("normalizes");
        assert_eq!(report.merged_success_bodies, vec!["getX".to_string()]);
    }

    #[test]
    fn missing_operation_id_is_an_error() {
        let mut d = doc("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: {'200': {description: ok}}\n");
        let err = normalize(&mut d, "t.yaml").unwrap_err();
        assert!(err.to_string().contains("GET /x has no operationId"), "{err}");
    }
}
