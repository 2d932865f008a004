//! The field-level check of one reference page (`--pages`): the parameters and response fields
//! a page lists in its Markdown tables (name, type, required) against the operation's schema.
//!
//! Cleeng's pages list fields in pipe tables: a first column with the name (nested fields
//! prefixed by `-`, one dash per level; a trailing `*` or the word `required` marks a required
//! one, `deprecated` may follow the name), a `Type` column, sometimes a `Required` column. The
//! heading or line before a table (or its first header cell, e.g. `Response`) tells whether it
//! lists request parameters or response fields. Tables without a type column (error codes) are
//! skipped. A page whose Markdown form carries its OpenAPI definition in a fenced `json` block
//! (as ReadMe-hosted reference pages may) gives the side its tables do not list from there.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

/// Whether a table lists what is sent or what comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Path, query and header parameters and request body fields.
    Request,
    /// Fields of the success response body.
    Response,
}

/// One row of a page table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageField {
    /// Dotted path (`coupon.discountRate`).
    pub path: String,
    /// Nesting depth (0 = top level).
    pub depth: usize,
    /// The type class (`string`, `integer`, `number`, `boolean`, `object`, `array`), if readable.
    pub ty: Option<String>,
    /// Required, when the table says.
    pub required: Option<bool>,
}

/// The fields a page lists, per side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageTables {
    /// Request side.
    pub request: Vec<PageField>,
    /// Response side.
    pub response: Vec<PageField>,
}

/// Maps a written type to its class; `None` when it says nothing comparable.
pub fn type_class(written: &str) -> Option<String> {
    let t = written.to_ascii_lowercase();
    let t = t.trim();
    let class = if t.starts_with("array") || t.ends_with("[]") || t.starts_with("list") {
        "array"
    } else if t.contains("int") {
        "integer"
    } else if t.contains("number") || t.contains("float") || t.contains("double") || t.contains("decimal") {
        "number"
    } else if t.starts_with("bool") {
        "boolean"
    } else if t.starts_with("string") || t.starts_with("date") || t == "uuid" {
        "string"
    } else if t.starts_with("object") || t == "json" {
        "object"
    } else {
        return None;
    };
    Some(class.to_string())
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in inner.chars() {
        match (c, escaped) {
            ('\\', false) => escaped = true,
            ('|', false) => out.push(std::mem::take(&mut cur).trim().to_string()),
            (c, _) => {
                if escaped && c != '|' {
                    cur.push('\\');
                }
                cur.push(c);
                escaped = false;
            }
        }
    }
    out.push(cur.trim().to_string());
    out
}

fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') && t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn side_of(context: &str, first_header: &str) -> Option<Side> {
    let first = first_header.to_ascii_lowercase();
    let ctx = context.to_ascii_lowercase();
    if first.contains("response") || ctx.contains("response") {
        Some(Side::Response)
    } else if ["param", "request", "body", "query", "path", "header", "argument"]
        .iter()
        .any(|w| ctx.contains(w) || first.contains(w))
    {
        Some(Side::Request)
    } else {
        None
    }
}

fn required_value(cell: &str) -> Option<bool> {
    match cell.trim().trim_matches('*').to_ascii_lowercase().as_str() {
        "yes" | "true" | "required" | "✓" | "✔" | "x" => Some(true),
        "no" | "false" | "optional" | "" | "-" => Some(false),
        _ => None,
    }
}

/// Splits a name cell into depth, bare name, and the required/deprecated markers it carries.
fn name_cell(cell: &str) -> (usize, String, Option<bool>) {
    let plain: String = cell.chars().filter(|c| *c != '`').collect::<String>().replace("**", "");
    let trimmed = plain.trim();
    let depth = trimmed.chars().take_while(|c| *c == '-').count();
    let rest = trimmed[depth..].trim();
    let mut words = rest.split_whitespace();
    let mut name = words.next().unwrap_or_default().to_string();
    let mut required = None;
    if name.ends_with('*') {
        name = name.trim_end_matches('*').to_string();
        required = Some(true);
    }
    for w in words {
        match w.trim_matches(|c: char| !c.is_ascii_alphabetic()).to_ascii_lowercase().as_str() {
            "required" => required = Some(true),
            "optional" => required = Some(false),
            _ => {}
        }
    }
    (depth, name, required)
}

/// Reads every field table of a page in Markdown; a side no table lists is taken from an
/// embedded OpenAPI definition, if the page has one.
pub fn parse(markdown: &str) -> PageTables {
    let mut tables = parse_tables(markdown);
    if tables.request.is_empty() || tables.response.is_empty() {
        if let Some(embedded) = embedded_definition(markdown) {
            if tables.request.is_empty() {
                tables.request = embedded.request;
            }
            if tables.response.is_empty() {
                tables.response = embedded.response;
            }
        }
    }
    tables
}

/// The fields of the first operation of an OpenAPI document found in a fenced `json` block.
fn embedded_definition(markdown: &str) -> Option<PageTables> {
    let mut rest = markdown;
    while let Some(start) = rest.find("```json") {
        let body = &rest[start + "```json".len()..];
        let end = body.find("\n```")?;
        let block = &body[..end];
        rest = &body[end + 4..];
        let Ok(doc) = serde_json::from_str::<Value>(block) else { continue };
        let Some(paths) = doc.get("paths").and_then(Value::as_object) else { continue };
        for item in paths.values() {
            for method in super::specs::METHODS {
                if let Some(op) = item.get(method) {
                    return Some(fields_of_operation(&doc, item, op));
                }
            }
        }
    }
    None
}

/// Lists an operation's fields as page fields (top level and one level down).
fn fields_of_operation(doc: &Value, item: &Value, op: &Value) -> PageTables {
    let mut out = PageTables::default();
    let push_level = |list: &mut Vec<PageField>, level: &Level<'_>, with_required: bool| {
        for (name, (schema, required)) in level {
            list.push(PageField {
                path: name.clone(),
                depth: 0,
                ty: class(doc, schema),
                required: with_required.then_some(*required),
            });
            if matches!(class(doc, schema).as_deref(), Some("object" | "array")) {
                for (child, (cs, creq)) in level_of(doc, schema) {
                    list.push(PageField {
                        path: format!("{name}.{child}"),
                        depth: 1,
                        ty: class(doc, cs),
                        required: with_required.then_some(creq),
                    });
                }
            }
        }
    };
    push_level(&mut out.request, &request_level(doc, item, op), true);
    if let Some(schema) = response_schema(doc, op) {
        push_level(&mut out.response, &level_of(doc, schema), false);
    }
    out
}

/// Reads the pipe tables of a page.
fn parse_tables(markdown: &str) -> PageTables {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = PageTables::default();
    let mut context = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let is_table = line.trim_start().starts_with('|') && lines.get(i + 1).is_some_and(|l| is_separator(l));
        if !is_table {
            if !line.trim().is_empty() && !line.trim_start().starts_with('|') {
                context = line.trim().trim_start_matches('#').trim().to_string();
            }
            i += 1;
            continue;
        }
        let header = cells(line);
        let type_col = header.iter().position(|h| h.to_ascii_lowercase().contains("type"));
        let req_col = header.iter().position(|h| h.to_ascii_lowercase().contains("required"));
        let side = side_of(&context, header.first().map(String::as_str).unwrap_or_default());
        i += 2;
        let mut stack: Vec<String> = Vec::new();
        while i < lines.len() && lines[i].trim_start().starts_with('|') {
            let row = cells(lines[i]);
            i += 1;
            let (Some(side), Some(type_col)) = (side, type_col) else { continue };
            let (depth, name, marked) = name_cell(row.first().map(String::as_str).unwrap_or_default());
            if name.is_empty() {
                continue;
            }
            stack.truncate(depth);
            while stack.len() < depth {
                stack.push(String::new());
            }
            let path = if depth == 0 { name.clone() } else { format!("{}.{name}", stack.join(".")) };
            stack.push(name);
            let required = req_col.and_then(|c| row.get(c)).and_then(|c| required_value(c)).or(marked);
            let field = PageField {
                path,
                depth,
                ty: row.get(type_col).and_then(|t| type_class(t)),
                required,
            };
            match side {
                Side::Request => out.request.push(field),
                Side::Response => out.response.push(field),
            }
        }
    }
    out
}

/// What differs between a page and the spec for one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    /// The page lists a field the spec lacks.
    Added,
    /// The spec has a field the page no longer lists.
    Removed,
    /// The page gives another type.
    TypeChanged,
    /// The page says required where the spec says optional, or the reverse.
    RequiredChanged,
}

/// One field-level difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// What differs.
    pub kind: FieldKind,
    /// Request or response.
    pub side: Side,
    /// Dotted field path.
    pub field: String,
    /// What the spec says (type or required), if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// What the page says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

fn resolve<'v>(doc: &'v Value, mut v: &'v Value) -> &'v Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(p) => v = doc.pointer(p).unwrap_or(&Value::Null),
            None => return v,
        }
    }
    &Value::Null
}

/// A schema's properties and required names, through `$ref` and `allOf`.
fn properties<'v>(doc: &'v Value, schema: &'v Value, depth: usize) -> (BTreeMap<String, &'v Value>, BTreeSet<String>) {
    let node = resolve(doc, schema);
    let mut props = BTreeMap::new();
    let mut required = BTreeSet::new();
    if depth > 8 {
        return (props, required);
    }
    if let Some(p) = node.get("properties").and_then(Value::as_object) {
        for (k, v) in p {
            props.insert(k.clone(), v);
        }
    }
    for r in node.get("required").and_then(Value::as_array).into_iter().flatten() {
        if let Some(r) = r.as_str() {
            required.insert(r.to_string());
        }
    }
    for part in node.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        let (p, r) = properties(doc, part, depth + 1);
        for (k, v) in p {
            props.entry(k).or_insert(v);
        }
        required.extend(r);
    }
    (props, required)
}

/// The type class of a schema through `$ref` and `allOf`; `None` for unions and untyped nodes.
fn class(doc: &Value, schema: &Value) -> Option<String> {
    let node = resolve(doc, schema);
    if let Some(t) = node.get("type").and_then(Value::as_str) {
        return Some(t.to_string());
    }
    if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
        return parts.iter().find_map(|p| class(doc, p));
    }
    node.get("properties").map(|_| "object".to_string())
}

/// The object a nested page field's children live in: the schema itself, or its array items.
fn container<'v>(doc: &'v Value, schema: &'v Value) -> &'v Value {
    let node = resolve(doc, schema);
    if class(doc, node).as_deref() == Some("array") {
        node.get("items").map(|i| resolve(doc, i)).unwrap_or(node)
    } else {
        node
    }
}

/// One object level of the spec side: field name -> (schema, required).
type Level<'v> = BTreeMap<String, (&'v Value, bool)>;

fn level_of<'v>(doc: &'v Value, schema: &'v Value) -> Level<'v> {
    let (props, required) = properties(doc, container(doc, schema), 0);
    props.into_iter().map(|(k, v)| (k.clone(), (v, required.contains(&k)))).collect()
}

/// Compares the page fields under `parent` (`""` = top level) with one spec level.
fn compare_level(
    doc: &Value,
    side: Side,
    page: &[PageField],
    parent: &str,
    spec: &Level<'_>,
    check_required: bool,
    out: &mut Vec<FieldChange>,
) {
    let depth = if parent.is_empty() { 0 } else { parent.matches('.').count() + 1 };
    let prefix = if parent.is_empty() { String::new() } else { format!("{parent}.") };
    let here: Vec<&PageField> = page
        .iter()
        .filter(|f| f.depth == depth && f.path.starts_with(&prefix))
        .collect();
    let names: BTreeSet<&str> = here.iter().map(|f| &f.path[prefix.len()..]).collect();
    for name in spec.keys() {
        if !names.contains(name.as_str()) {
            out.push(FieldChange {
                kind: FieldKind::Removed,
                side,
                field: format!("{prefix}{name}"),
                spec: class(doc, spec[name].0),
                page: None,
            });
        }
    }
    for f in here {
        let name = &f.path[prefix.len()..];
        let Some((schema, required)) = spec.get(name) else {
            out.push(FieldChange {
                kind: FieldKind::Added,
                side,
                field: f.path.clone(),
                spec: None,
                page: f.ty.clone(),
            });
            continue;
        };
        let spec_class = class(doc, schema);
        if let (Some(p), Some(s)) = (&f.ty, &spec_class) {
            if p != s {
                out.push(FieldChange {
                    kind: FieldKind::TypeChanged,
                    side,
                    field: f.path.clone(),
                    spec: Some(s.clone()),
                    page: Some(p.clone()),
                });
            }
        }
        if check_required {
            if let Some(r) = f.required {
                if r != *required {
                    let word = |b: bool| if b { "required" } else { "optional" }.to_string();
                    out.push(FieldChange {
                        kind: FieldKind::RequiredChanged,
                        side,
                        field: f.path.clone(),
                        spec: Some(word(*required)),
                        page: Some(word(r)),
                    });
                }
            }
        }
        let child_prefix = format!("{}.", f.path);
        if page.iter().any(|c| c.path.starts_with(&child_prefix)) {
            let child = level_of(doc, schema);
            compare_level(doc, side, page, &f.path, &child, check_required, out);
        }
    }
}

/// The request side of an operation as one level: parameters, then request body fields.
fn request_level<'v>(doc: &'v Value, path_item: &'v Value, op: &'v Value) -> Level<'v> {
    let mut level = Level::new();
    let lists = [path_item.get("parameters"), op.get("parameters")];
    for p in lists.into_iter().flatten().filter_map(Value::as_array).flatten() {
        let p = resolve(doc, p);
        if let Some(name) = p.get("name").and_then(Value::as_str) {
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            level.insert(name.to_string(), (p.get("schema").unwrap_or(&Value::Null), required));
        }
    }
    let body = resolve(doc, op.get("requestBody").unwrap_or(&Value::Null));
    if let Some(schema) = body
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|m| m.get("schema"))
    {
        for (k, v) in level_of(doc, schema) {
            level.entry(k).or_insert(v);
        }
    }
    level
}

/// The success response body's schema.
fn response_schema<'v>(doc: &'v Value, op: &'v Value) -> Option<&'v Value> {
    let responses = op.get("responses")?.as_object()?;
    let mut codes: Vec<&String> = responses.keys().filter(|c| c.starts_with('2')).collect();
    codes.sort();
    codes.into_iter().find_map(|c| {
        let r = resolve(doc, &responses[c]);
        r.get("content")?.as_object()?.values().next()?.get("schema")
    })
}

/// The level of the response the page's top-level names fit best: the body itself, or an
/// envelope's payload (`responseData`, `items`, `data`, ...) down to two levels.
fn response_level<'v>(doc: &'v Value, schema: &'v Value, page: &[PageField]) -> Level<'v> {
    let top: BTreeSet<&str> = page.iter().filter(|f| f.depth == 0).map(|f| f.path.as_str()).collect();
    let overlap = |l: &Level<'_>| l.keys().filter(|k| top.contains(k.as_str())).count();
    let mut best = level_of(doc, schema);
    let mut best_score = overlap(&best);
    let mut frontier = vec![schema];
    for _ in 0..2 {
        let mut next = Vec::new();
        for s in frontier {
            for (_, (child, _)) in level_of(doc, s) {
                if matches!(class(doc, child).as_deref(), Some("object" | "array")) {
                    let l = level_of(doc, child);
                    let score = overlap(&l);
                    if score > best_score {
                        best = l;
                        best_score = score;
                    }
                    next.push(child);
                }
            }
        }
        frontier = next;
    }
    best
}

/// Compares a page's tables with operation `op` (under `path_item`) of spec `doc`.
pub fn compare(doc: &Value, path_item: &Value, op: &Value, tables: &PageTables) -> Vec<FieldChange> {
    let mut out = Vec::new();
    if !tables.request.is_empty() {
        let level = request_level(doc, path_item, op);
        compare_level(doc, Side::Request, &tables.request, "", &level, true, &mut out);
    }
    if !tables.response.is_empty() {
        if let Some(schema) = response_schema(doc, op) {
            let level = response_level(doc, schema, &tables.response);
            // Pages rarely say which response fields are always present: required is not compared.
            compare_level(doc, Side::Response, &tables.response, "", &level, false, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# Get a widget\n\nSome words.\n\n## Path params\n\n\
| Name | Type | Required | Description |\n| :-- | :-- | :-- | :-- |\n| `widgetId` | string | yes | id |\n\n\
## Response description\n\n| Response | Type | Description |\n| --- | --- | --- |\n\
| id | string | the id |\n| size | integer | how big |\n| parts | array | parts |\n| -name | string | part name |\n\
| owner deprecated | object | who |\n| -email | string | mail \\| address |\n\n\
| Code | Description |\n|---|---|\n| 404 | not found |\n";

    #[test]
    fn tables_nesting_markers_and_sides() {
        let t = parse(PAGE);
        assert_eq!(t.request, vec![PageField { path: "widgetId".into(), depth: 0, ty: Some("string".into()), required: Some(true) }]);
        let paths: Vec<&str> = t.response.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["id", "size", "parts", "parts.name", "owner", "owner.email"]);
        assert_eq!(t.response[1].ty.as_deref(), Some("integer"));
    }

    #[test]
    fn a_page_matching_its_schema_reports_nothing_and_a_renamed_field_is_one_removal_one_addition() {
        let doc: Value = serde_json::json!({
            "paths": {"/widgets/{widgetId}": {"get": {
                "parameters": [{"name": "widgetId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}}}
            }}},
            "components": {"schemas": {
                "Envelope": {"type": "object", "properties": {"responseData": {"$ref": "#/components/schemas/Widget"}}},
                "Widget": {"type": "object", "properties": {
                    "id": {"type": "string"}, "size": {"type": "integer"},
                    "parts": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                    "owner": {"type": "object", "properties": {"email": {"type": "string"}}}
                }}
            }}
        });
        let item = &doc["paths"]["/widgets/{widgetId}"];
        let op = &item["get"];
        assert_eq!(compare(&doc, item, op, &parse(PAGE)), vec![]);
        let renamed = PAGE.replace("| size | integer |", "| sizeInCm | integer |");
        let got = compare(&doc, item, op, &parse(&renamed));
        let kinds: Vec<(FieldKind, &str)> = got.iter().map(|c| (c.kind, c.field.as_str())).collect();
        assert_eq!(kinds, vec![(FieldKind::Removed, "size"), (FieldKind::Added, "sizeInCm")]);
        let retyped = PAGE.replace("| size | integer |", "| size | string |");
        let got = compare(&doc, item, op, &parse(&retyped));
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].kind, got[0].spec.as_deref(), got[0].page.as_deref()), (FieldKind::TypeChanged, Some("integer"), Some("string")));
    }

    #[test]
    fn a_side_without_tables_comes_from_an_embedded_openapi_definition() {
        let page = "# Make a widget\n\n## Response description\n\n| Response | Type |\n|---|---|\n| id | string |\n\n\
# OpenAPI definition\n\n```json\n{\"openapi\": \"3.0.0\", \"paths\": {\"/widgets\": {\"post\": {\
\"parameters\": [{\"name\": \"dryRun\", \"in\": \"query\", \"schema\": {\"type\": \"boolean\"}}],\
\"requestBody\": {\"content\": {\"application/json\": {\"schema\": {\"type\": \"object\", \"required\": [\"size\"],\
\"properties\": {\"size\": {\"type\": \"integer\"}, \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}}}},\
\"responses\": {\"200\": {\"description\": \"ok\"}}}}}}\n```\n";
        let t = parse(page);
        let req: Vec<(&str, Option<&str>, Option<bool>)> =
            t.request.iter().map(|f| (f.path.as_str(), f.ty.as_deref(), f.required)).collect();
        assert_eq!(
            req,
            vec![("dryRun", Some("boolean"), Some(false)), ("size", Some("integer"), Some(true)), ("tags", Some("array"), Some(false))]
        );
        // The response side keeps what the table lists.
        assert_eq!(t.response.len(), 1);
    }
}
