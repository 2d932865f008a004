//! Comparing two versions of one OpenAPI document, operation by operation.
//!
//! Works on the untyped JSON form of each document so every change gets an exact JSON pointer.
//! Operations are matched by operationId, then (for the leftovers) by method and path, which is
//! how a renamed operationId is told apart from a removal. Parameters, request bodies and
//! responses are walked recursively through `$ref` and `allOf`, with the direction (request or
//! response) deciding how severe each schema change is; a stack of schema pairs already being
//! compared stops cycles (a schema that contains itself).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use super::rules::Rule;
use super::Change;

static NULL: Value = Value::Null;

/// How deep schema comparison goes before it stops (a guard on top of cycle detection).
const MAX_DEPTH: usize = 64;

/// Compares two documents of `family`; either may be `Value::Null` (the spec does not exist on
/// that side, so every operation is added or removed).
pub fn compare(family: &str, base: &Value, head: &Value) -> Vec<Change> {
    let mut cx = Cx {
        family,
        base,
        head,
        out: Vec::new(),
    };
    cx.document();
    cx.out
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

struct Op<'a> {
    id: String,
    method: String,
    path: String,
    pointer: String,
    value: &'a Value,
    /// Parameters declared on the path item (apply to every method under it).
    shared_params: &'a Value,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Loc {
    Param,
    Request,
    Response,
}

#[derive(Clone, Copy)]
enum Kind {
    TypeChanged,
    FormatChanged,
    EnumRemoved,
    EnumAdded,
    DefaultChanged,
    BecameNullable,
    BecameNotNullable,
    PropertyRemoved,
    PropertyAddedRequired,
    PropertyAddedOptional,
    BecameRequired,
    BecameOptional,
    OneOfAdded,
    OneOfRemoved,
    Tightened,
    Loosened,
}

fn rule_for(loc: Loc, kind: Kind) -> Rule {
    use Kind::*;
    match (loc, kind) {
        (Loc::Param, TypeChanged) => Rule::RequestParameterTypeChanged,
        (Loc::Param, FormatChanged) => Rule::RequestParameterFormatChanged,
        (Loc::Param, EnumRemoved) => Rule::RequestParameterEnumValueRemoved,
        (Loc::Param, EnumAdded) => Rule::RequestParameterEnumValueAdded,
        (Loc::Param, DefaultChanged) => Rule::RequestParameterDefaultValueChanged,
        (Loc::Param | Loc::Request, k) => match k {
            TypeChanged => Rule::RequestPropertyTypeChanged,
            FormatChanged => Rule::RequestPropertyFormatChanged,
            EnumRemoved => Rule::RequestPropertyEnumValueRemoved,
            EnumAdded => Rule::RequestPropertyEnumValueAdded,
            DefaultChanged => Rule::RequestPropertyDefaultValueChanged,
            BecameNullable => Rule::RequestPropertyBecameNullable,
            BecameNotNullable => Rule::RequestPropertyBecameNotNullable,
            PropertyRemoved => Rule::RequestPropertyRemoved,
            PropertyAddedRequired => Rule::NewRequiredRequestProperty,
            PropertyAddedOptional => Rule::NewOptionalRequestProperty,
            BecameRequired => Rule::RequestPropertyBecameRequired,
            BecameOptional => Rule::RequestPropertyBecameOptional,
            OneOfAdded => Rule::RequestPropertyOneOfAdded,
            OneOfRemoved => Rule::RequestPropertyOneOfRemoved,
            Tightened => Rule::RequestPropertyConstraintTightened,
            Loosened => Rule::RequestPropertyConstraintLoosened,
        },
        (Loc::Response, k) => match k {
            TypeChanged => Rule::ResponsePropertyTypeChanged,
            FormatChanged => Rule::ResponsePropertyFormatChanged,
            EnumRemoved => Rule::ResponsePropertyEnumValueRemoved,
            EnumAdded => Rule::ResponsePropertyEnumValueAdded,
            // A default on a response schema changes nothing a caller sees.
            DefaultChanged => Rule::SchemaDescriptionChanged,
            BecameNullable => Rule::ResponsePropertyBecameNullable,
            BecameNotNullable => Rule::ResponsePropertyBecameNotNullable,
            PropertyRemoved => Rule::ResponsePropertyRemoved,
            PropertyAddedRequired | PropertyAddedOptional => Rule::ResponsePropertyAdded,
            BecameRequired => Rule::ResponsePropertyBecameRequired,
            BecameOptional => Rule::ResponsePropertyBecameOptional,
            OneOfAdded => Rule::ResponsePropertyOneOfAdded,
            OneOfRemoved => Rule::ResponsePropertyOneOfRemoved,
            Tightened => Rule::ResponsePropertyConstraintTightened,
            Loosened => Rule::ResponsePropertyConstraintLoosened,
        },
    }
}

/// A schema seen through `$ref` and `allOf`.
#[derive(Default)]
struct View<'a> {
    ty: Option<String>,
    format: Option<String>,
    nullable: bool,
    enum_values: Option<Vec<String>>,
    default: Option<&'a Value>,
    description: Option<&'a str>,
    properties: BTreeMap<String, &'a Value>,
    required: BTreeSet<String>,
    items: Option<&'a Value>,
    alternatives: Option<Vec<String>>,
    /// Validation keywords present (maxLength, pattern, ...) and their values.
    constraints: BTreeMap<&'static str, &'a Value>,
    /// Name of the component schema this view came from, if any.
    component: Option<String>,
    /// The resolved node (identity for cycle detection).
    node: usize,
}

/// Where we are while walking one operation.
#[derive(Clone)]
struct At<'o> {
    op_id: &'o str,
    http: &'o str,
    pointer: String,
    /// Dotted property path for messages (`subscription.items[].price`).
    field: String,
    /// Innermost component schema on the way here.
    schema: Option<String>,
    /// JSON pointer of this node inside that component (`/components/schemas/Subscription/...`):
    /// the same for every operation that reaches it, so it groups and ignores shared changes.
    schema_pointer: Option<String>,
    /// Dotted property path inside that component (`status`, `items[].price`).
    schema_field: String,
}

/// Appends a dotted/indexed field segment to a field path.
fn join_field(base: &str, tail: &str) -> String {
    if base.is_empty() || tail.starts_with('[') {
        format!("{base}{tail}")
    } else if tail.is_empty() {
        base.to_string()
    } else {
        format!("{base}.{tail}")
    }
}

impl At<'_> {
    fn child(&self, pointer_tail: &str, field_tail: &str) -> Self {
        let mut next = self.clone();
        next.pointer = format!("{}{}", self.pointer, pointer_tail);
        next.field = join_field(&self.field, field_tail);
        if let Some(sp) = &self.schema_pointer {
            next.schema_pointer = Some(format!("{sp}{pointer_tail}"));
            next.schema_field = join_field(&self.schema_field, field_tail);
        }
        next
    }

    /// The node named from its component: `` `Subscription.status` `` (`None` outside components).
    fn schema_what(&self) -> Option<String> {
        let schema = self.schema.as_deref()?;
        self.schema_pointer.as_ref()?;
        Some(if self.schema_field.is_empty() {
            format!("`{schema}`")
        } else {
            format!("`{schema}.{}`", self.schema_field)
        })
    }

    fn what(&self) -> String {
        if self.field.is_empty() {
            "the body".to_string()
        } else {
            format!("`{}`", self.field)
        }
    }
}

struct Cx<'a> {
    family: &'a str,
    base: &'a Value,
    head: &'a Value,
    out: Vec<Change>,
}

fn str_at<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn bool_at(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(none)".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Follows `$ref`s (local only) to the node they name; returns it and the last component name.
fn resolve<'v>(doc: &'v Value, mut v: &'v Value) -> (&'v Value, Option<String>) {
    let mut name = None;
    for _ in 0..32 {
        let Some(reference) = str_at(v, "$ref") else {
            return (v, name);
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return (&NULL, name);
        };
        if let Some(n) = pointer.strip_prefix("/components/schemas/") {
            name = Some(n.replace("~1", "/").replace("~0", "~"));
        }
        v = doc.pointer(pointer).unwrap_or(&NULL);
    }
    (&NULL, name)
}

fn view<'v>(doc: &'v Value, v: &'v Value, depth: usize) -> View<'v> {
    let (node, component) = resolve(doc, v);
    let mut out = View {
        node: node as *const Value as usize,
        component,
        ..View::default()
    };
    if depth > 8 {
        return out;
    }
    out.ty = str_at(node, "type").map(str::to_string);
    out.format = str_at(node, "format").map(str::to_string);
    out.nullable = bool_at(node, "nullable");
    out.enum_values = node
        .get("enum")
        .and_then(Value::as_array)
        .map(|vals| vals.iter().map(|x| show(Some(x))).collect());
    out.default = node.get("default");
    out.description = str_at(node, "description");
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        for (k, p) in props {
            out.properties.insert(k.clone(), p);
        }
    }
    if let Some(req) = node.get("required").and_then(Value::as_array) {
        out.required.extend(req.iter().filter_map(Value::as_str).map(str::to_string));
    }
    out.items = node.get("items");
    for (key, _) in CONSTRAINTS {
        if let Some(v) = node.get(*key) {
            out.constraints.insert(key, v);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = node.get(key).and_then(Value::as_array) {
            let sigs = alts.iter().map(|a| signature(doc, a)).collect();
            out.alternatives = Some(sigs);
        }
    }
    if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
        for part in parts {
            let sub = view(doc, part, depth + 1);
            if parts.len() == 1 && out.component.is_none() {
                out.component = sub.component.clone();
            }
            out.ty = out.ty.or(sub.ty);
            out.format = out.format.or(sub.format);
            out.nullable |= sub.nullable;
            out.enum_values = out.enum_values.or(sub.enum_values);
            out.default = out.default.or(sub.default);
            out.description = out.description.or(sub.description);
            for (k, p) in sub.properties {
                out.properties.entry(k).or_insert(p);
            }
            out.required.extend(sub.required);
            out.items = out.items.or(sub.items);
            out.alternatives = out.alternatives.or(sub.alternatives);
            for (k, v) in sub.constraints {
                out.constraints.entry(k).or_insert(v);
            }
        }
    }
    if out.ty.is_none() && !out.properties.is_empty() {
        out.ty = Some("object".into());
    }
    out
}

/// Validation keywords compared, and whether a larger value is looser (`true`: a maximum).
const CONSTRAINTS: &[(&str, bool)] = &[
    ("maxLength", true),
    ("maxItems", true),
    ("maximum", true),
    ("minLength", false),
    ("minItems", false),
    ("minimum", false),
    ("pattern", false),
];

/// Whether going from `b` to `h` (either may be absent) tightens the constraint `key`.
fn tightens(key: &str, larger_is_looser: bool, b: Option<&Value>, h: Option<&Value>) -> bool {
    match (b, h) {
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(b), Some(h)) if key == "pattern" => b != h,
        (Some(b), Some(h)) => {
            let (b, h) = (b.as_f64().unwrap_or(0.0), h.as_f64().unwrap_or(0.0));
            if larger_is_looser { h < b } else { h > b }
        }
        (None, None) => false,
    }
}

/// A short identity for a oneOf/anyOf alternative: its component name, else its type.
fn signature(doc: &Value, v: &Value) -> String {
    let (node, name) = resolve(doc, v);
    if let Some(name) = name {
        return name;
    }
    match str_at(node, "type") {
        Some(t) => match str_at(node, "format") {
            Some(f) => format!("{t} ({f})"),
            None => t.to_string(),
        },
        None => node.to_string(),
    }
}

fn operations(doc: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let shared_params = item.get("parameters").unwrap_or(&NULL);
        let Some(methods) = item.as_object() else { continue };
        for (method, op) in methods {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            ) {
                continue;
            }
            let upper = method.to_uppercase();
            let id = str_at(op, "operationId")
                .map(str::to_string)
                .unwrap_or_else(|| format!("{upper} {path}"));
            out.push(Op {
                id,
                method: upper,
                path: path.clone(),
                pointer: format!("/paths/{}/{}", escape(path), method),
                value: op,
                shared_params,
            });
        }
    }
    out
}

impl<'a> Cx<'a> {
    fn push(&mut self, rule: Rule, at: &At<'_>, message: String) {
        // The same sentence with the field named from its component, for grouped rows.
        let schema_message = at.schema_what().map(|named| message.replace(&at.what(), &named));
        self.out.push(Change {
            rule,
            level: rule.level(),
            family: self.family.to_string(),
            operation_id: (!at.op_id.is_empty()).then(|| at.op_id.to_string()),
            http: (!at.http.is_empty()).then(|| at.http.to_string()),
            pointer: at.pointer.clone(),
            schema: at.schema.clone(),
            schema_pointer: at.schema_pointer.clone(),
            message,
            schema_message,
        });
    }

    fn document(&mut self) {
        let (base, head) = (self.base, self.head);
        // Servers: production and sandbox hosts, by position.
        if !base.is_null() && !head.is_null() {
            let urls = |d: &Value| -> Vec<String> {
                d.get("servers")
                    .and_then(Value::as_array)
                    .map(|s| s.iter().map(|x| show(x.get("url"))).collect())
                    .unwrap_or_default()
            };
            let (b, h) = (urls(base), urls(head));
            for i in 0..b.len().max(h.len()) {
                let (bu, hu) = (b.get(i), h.get(i));
                if bu != hu {
                    let at = At {
                        op_id: "",
                        http: "",
                        pointer: format!("/servers/{i}/url"),
                        field: String::new(),
                        schema: None,
                        schema_pointer: None,
                        schema_field: String::new(),
                    };
                    let msg = format!(
                        "server {i} changed from {} to {}",
                        bu.map(String::as_str).unwrap_or("(none)"),
                        hu.map(String::as_str).unwrap_or("(none)")
                    );
                    self.push(Rule::ApiServerChanged, &at, msg);
                }
            }
        }

        let base_ops = operations(base);
        let head_ops = operations(head);
        let base_ids: BTreeSet<&str> = base_ops.iter().map(|o| o.id.as_str()).collect();
        let mut head_matched: HashSet<usize> = HashSet::new();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut removed: Vec<usize> = Vec::new();
        for (bi, b) in base_ops.iter().enumerate() {
            if let Some(hi) = head_ops.iter().position(|h| h.id == b.id) {
                head_matched.insert(hi);
                pairs.push((bi, hi));
            } else {
                removed.push(bi);
            }
        }
        // An operation whose id vanished but whose method and path live on under a new id
        // was renamed.
        let mut really_removed = Vec::new();
        for bi in removed {
            let b = &base_ops[bi];
            let renamed = head_ops.iter().enumerate().position(|(hi, h)| {
                !head_matched.contains(&hi)
                    && !base_ids.contains(h.id.as_str())
                    && h.method == b.method
                    && h.path == b.path
            });
            match renamed {
                Some(hi) => {
                    head_matched.insert(hi);
                    pairs.push((bi, hi));
                }
                None => really_removed.push(bi),
            }
        }
        for bi in really_removed {
            let b = &base_ops[bi];
            let http = format!("{} {}", b.method, b.path);
            let at = At {
                op_id: &b.id,
                http: &http,
                pointer: b.pointer.clone(),
                field: String::new(),
                schema: None,
                schema_pointer: None,
                schema_field: String::new(),
            };
            let msg = format!("removed: {http} ({})", b.id.to_snake_case());
            self.push(Rule::ApiRemoved, &at, msg);
        }
        pairs.sort_by(|x, y| head_ops[x.1].id.cmp(&head_ops[y.1].id));
        for (bi, hi) in pairs {
            self.operation(&base_ops[bi], &head_ops[hi]);
        }
        for (hi, h) in head_ops.iter().enumerate() {
            if head_matched.contains(&hi) {
                continue;
            }
            let http = format!("{} {}", h.method, h.path);
            let at = At {
                op_id: &h.id,
                http: &http,
                pointer: h.pointer.clone(),
                field: String::new(),
                schema: None,
                schema_pointer: None,
                schema_field: String::new(),
            };
            let msg = format!("added: {http} ({})", h.id.to_snake_case());
            self.push(Rule::ApiAdded, &at, msg);
        }
    }

    fn operation(&mut self, b: &Op<'a>, h: &Op<'a>) {
        let http = format!("{} {}", h.method, h.path);
        let at = At {
            op_id: &h.id,
            http: &http,
            pointer: h.pointer.clone(),
            field: String::new(),
            schema: None,
            schema_pointer: None,
            schema_field: String::new(),
        };
        if b.id != h.id {
            self.push(
                Rule::ApiOperationIdChanged,
                &at,
                format!("operationId `{}` renamed to `{}`", b.id, h.id),
            );
        }
        if b.path != h.path {
            self.push(
                Rule::ApiPathChanged,
                &at,
                format!("path changed from `{}` to `{}`", b.path, h.path),
            );
        }
        if b.method != h.method {
            self.push(
                Rule::ApiMethodChanged,
                &at,
                format!("method changed from {} to {}", b.method, h.method),
            );
        }
        let (bo, ho) = (b.value, h.value);
        match (bool_at(bo, "deprecated"), bool_at(ho, "deprecated")) {
            (false, true) => self.push(Rule::ApiDeprecated, &at, "operation deprecated".into()),
            (true, false) => {
                self.push(Rule::ApiReactivated, &at, "operation no longer deprecated".into())
            }
            _ => {}
        }
        let simple = [
            ("summary", Rule::ApiSummaryChanged),
            ("description", Rule::ApiDescriptionChanged),
            ("x-confidence", Rule::ApiConfidenceChanged),
        ];
        for (key, rule) in simple {
            if bo.get(key) != ho.get(key) {
                // A description is prose: name the change, keep both texts out of the one-screen report.
                let msg = if key == "description" {
                    "description changed".to_string()
                } else {
                    format!("{key}: {} → {}", show(bo.get(key)), show(ho.get(key)))
                };
                self.push(rule, &at.child(&format!("/{key}"), ""), msg);
            }
        }
        let doc_link = |o: &Value| o.get("externalDocs").and_then(|d| d.get("url")).cloned();
        if doc_link(bo) != doc_link(ho) {
            let msg = format!(
                "reference link: {} → {}",
                show(doc_link(bo).as_ref()),
                show(doc_link(ho).as_ref())
            );
            self.push(Rule::ApiDocLinkChanged, &at.child("/externalDocs/url", ""), msg);
        }
        if bool_at(bo, "x-idempotent") != bool_at(ho, "x-idempotent") {
            let msg = format!(
                "x-idempotent: {} → {} (whether the runtime may retry it)",
                bool_at(bo, "x-idempotent"),
                bool_at(ho, "x-idempotent")
            );
            self.push(Rule::ApiIdempotencyChanged, &at.child("/x-idempotent", ""), msg);
        }
        if bo.get("tags") != ho.get("tags") {
            let msg = format!("tags: {} → {}", show(bo.get("tags")), show(ho.get("tags")));
            self.push(Rule::ApiTagChanged, &at.child("/tags", ""), msg);
        }
        self.security(bo, ho, &at);
        self.parameters(b, h, &at);
        self.request_body(bo, ho, &at);
        self.responses(bo, ho, &at);
    }

    fn security(&mut self, bo: &Value, ho: &Value, at: &At<'_>) {
        let effective = |doc: &Value, op: &Value| -> BTreeSet<Vec<String>> {
            let list = op.get("security").or_else(|| doc.get("security"));
            list.and_then(Value::as_array)
                .map(|reqs| {
                    reqs.iter()
                        .map(|r| {
                            let mut names: Vec<String> = r
                                .as_object()
                                .map(|m| m.keys().cloned().collect())
                                .unwrap_or_default();
                            names.sort();
                            names
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (b, h) = (effective(self.base, bo), effective(self.head, ho));
        if b == h {
            return;
        }
        let fmt = |s: &BTreeSet<Vec<String>>| {
            if s.is_empty() {
                "public".to_string()
            } else {
                s.iter().map(|r| r.join("+")).collect::<Vec<_>>().join(" or ")
            }
        };
        let rule = if !b.is_empty() && b.is_subset(&h) {
            Rule::ApiSecurityAlternativeAdded
        } else {
            Rule::ApiSecurityChanged
        };
        let msg = format!("security: {} → {}", fmt(&b), fmt(&h));
        self.push(rule, &at.child("/security", ""), msg);
    }

    fn params<'v>(doc: &'v Value, op: &Op<'v>) -> BTreeMap<(String, String), (&'v Value, String)> {
        let mut out = BTreeMap::new();
        let path_ptr = format!("/paths/{}/parameters", escape(&op.path));
        let lists = [
            (op.shared_params, path_ptr),
            (op.value.get("parameters").unwrap_or(&NULL), format!("{}/parameters", op.pointer)),
        ];
        for (list, ptr) in lists {
            for (i, p) in list.as_array().into_iter().flatten().enumerate() {
                let (p, _) = resolve(doc, p);
                let location = str_at(p, "in").unwrap_or("query").to_string();
                let mut name = str_at(p, "name").unwrap_or_default().to_string();
                if location == "header" {
                    name = name.to_ascii_lowercase();
                }
                out.insert((location, name), (p, format!("{ptr}/{i}")));
            }
        }
        out
    }

    fn parameters(&mut self, b: &Op<'a>, h: &Op<'a>, at: &At<'_>) {
        let bp = Self::params(self.base, b);
        let hp = Self::params(self.head, h);
        for ((location, name), (_, ptr)) in &bp {
            if !hp.contains_key(&(location.clone(), name.clone())) {
                let mut here = at.clone();
                here.pointer = ptr.clone();
                self.push(
                    Rule::RequestParameterRemoved,
                    &here,
                    format!("{location} parameter `{name}` removed"),
                );
            }
        }
        for ((location, name), (hp_v, ptr)) in &hp {
            let mut here = at.clone();
            here.pointer = ptr.clone();
            here.field = name.clone();
            let required = bool_at(hp_v, "required");
            match bp.get(&(location.clone(), name.clone())) {
                None => {
                    let rule = if required {
                        Rule::NewRequiredRequestParameter
                    } else {
                        Rule::NewOptionalRequestParameter
                    };
                    let kind = if required { "required" } else { "optional" };
                    self.push(rule, &here, format!("{kind} {location} parameter `{name}` added"));
                }
                Some((bp_v, _)) => {
                    match (bool_at(bp_v, "required"), required) {
                        (false, true) => self.push(
                            Rule::RequestParameterBecameRequired,
                            &here,
                            format!("{location} parameter `{name}` became required"),
                        ),
                        (true, false) => self.push(
                            Rule::RequestParameterBecameOptional,
                            &here,
                            format!("{location} parameter `{name}` became optional"),
                        ),
                        _ => {}
                    }
                    if bp_v.get("description") != hp_v.get("description") {
                        self.push(
                            Rule::SchemaDescriptionChanged,
                            &here.child("/description", ""),
                            format!("description of {location} parameter `{name}` changed"),
                        );
                    }
                    let bs = bp_v.get("schema").unwrap_or(&NULL);
                    let hs = hp_v.get("schema").unwrap_or(&NULL);
                    let mut stack = Vec::new();
                    self.schema(Loc::Param, bs, hs, &here.child("/schema", ""), &mut stack, 0);
                }
            }
        }
    }

    fn request_body(&mut self, bo: &Value, ho: &Value, at: &At<'_>) {
        let (b, _) = resolve(self.base, bo.get("requestBody").unwrap_or(&NULL));
        let (h, _) = resolve(self.head, ho.get("requestBody").unwrap_or(&NULL));
        let here = at.child("/requestBody", "");
        match (b.is_null(), h.is_null()) {
            (true, true) => return,
            (true, false) => {
                let (rule, kind) = if bool_at(h, "required") {
                    (Rule::RequestBodyAddedRequired, "required")
                } else {
                    (Rule::RequestBodyAddedOptional, "optional")
                };
                self.push(rule, &here, format!("{kind} request body added"));
                return;
            }
            (false, true) => {
                self.push(Rule::RequestBodyRemoved, &here, "request body removed".into());
                return;
            }
            _ => {}
        }
        match (bool_at(b, "required"), bool_at(h, "required")) {
            (false, true) => {
                self.push(Rule::RequestBodyBecameRequired, &here, "request body became required".into())
            }
            (true, false) => {
                self.push(Rule::RequestBodyBecameOptional, &here, "request body became optional".into())
            }
            _ => {}
        }
        self.content(Loc::Request, b, h, &here, Rule::RequestBodyMediaTypeChanged);
    }

    /// Compares the `content` maps of a request body or response.
    fn content(&mut self, loc: Loc, b: &Value, h: &Value, at: &At<'_>, media_rule: Rule) {
        let keys = |v: &Value| -> Vec<String> {
            v.get("content")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (bk, hk) = (keys(b), keys(h));
        let missing: Vec<&String> = bk.iter().filter(|k| !hk.contains(k)).collect();
        if !missing.is_empty() && !hk.is_empty() {
            let msg = format!("media type {} → {}", bk.join(", "), hk.join(", "));
            self.push(media_rule, &at.child("/content", ""), msg);
        } else if !missing.is_empty() && loc == Loc::Response {
            let msg = format!("response body ({}) removed", bk.join(", "));
            self.push(media_rule, &at.child("/content", ""), msg);
        }
        // Compare the schemas of the same media type, else of the first one on each side.
        let pair = bk
            .iter()
            .find(|k| hk.contains(k))
            .map(|k| (k.clone(), k.clone()))
            .or_else(|| Some((bk.first()?.clone(), hk.first()?.clone())));
        if let Some((bkey, hkey)) = pair {
            let bs = b["content"][&bkey].get("schema").unwrap_or(&NULL);
            let hs = h["content"][&hkey].get("schema").unwrap_or(&NULL);
            let here = at.child(&format!("/content/{}/schema", escape(&hkey)), "");
            let mut stack = Vec::new();
            self.schema(loc, bs, hs, &here, &mut stack, 0);
        }
    }

    fn responses(&mut self, bo: &Value, ho: &Value, at: &At<'_>) {
        let empty = serde_json::Map::new();
        let br = bo.get("responses").and_then(Value::as_object).unwrap_or(&empty);
        let hr = ho.get("responses").and_then(Value::as_object).unwrap_or(&empty);
        let success = |code: &str| code.starts_with('2');
        for (code, _) in br.iter().filter(|(c, _)| !hr.contains_key(*c)) {
            let here = at.child(&format!("/responses/{}", escape(code)), "");
            let rule = if success(code) {
                Rule::ResponseSuccessStatusRemoved
            } else {
                Rule::ResponseNonSuccessStatusRemoved
            };
            self.push(rule, &here, format!("response status {code} removed"));
        }
        for (code, hv) in hr {
            let here = at.child(&format!("/responses/{}", escape(code)), "");
            let Some(bv) = br.get(code) else {
                let rule = if success(code) {
                    Rule::ResponseSuccessStatusAdded
                } else {
                    Rule::ResponseNonSuccessStatusAdded
                };
                self.push(rule, &here, format!("response status {code} added"));
                continue;
            };
            let (b, _) = resolve(self.base, bv);
            let (h, _) = resolve(self.head, hv);
            self.headers(b, h, &here, code);
            let mut status_at = here.clone();
            status_at.field = String::new();
            self.content(Loc::Response, b, h, &status_at, Rule::ResponseMediaTypeChanged);
        }
    }

    fn headers(&mut self, b: &Value, h: &Value, at: &At<'_>, code: &str) {
        let names = |v: &Value| -> BTreeMap<String, String> {
            v.get("headers")
                .and_then(Value::as_object)
                .map(|m| m.keys().map(|k| (k.to_ascii_lowercase(), k.clone())).collect())
                .unwrap_or_default()
        };
        let (bn, hn) = (names(b), names(h));
        for (lower, name) in &bn {
            if !hn.contains_key(lower) {
                let here = at.child(&format!("/headers/{}", escape(name)), "");
                self.push(
                    Rule::ResponseHeaderRemoved,
                    &here,
                    format!("response header `{name}` of status {code} removed"),
                );
            }
        }
        for (lower, name) in &hn {
            if !bn.contains_key(lower) {
                let here = at.child(&format!("/headers/{}", escape(name)), "");
                self.push(
                    Rule::ResponseHeaderAdded,
                    &here,
                    format!("response header `{name}` of status {code} added"),
                );
            }
        }
    }

    fn schema<'v>(
        &mut self,
        loc: Loc,
        b: &'v Value,
        h: &'v Value,
        at: &At<'_>,
        stack: &mut Vec<(usize, usize)>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH || (b.is_null() && h.is_null()) {
            return;
        }
        let bv = view(self.base, b, 0);
        let hv = view(self.head, h, 0);
        let key = (bv.node, hv.node);
        if stack.contains(&key) {
            return;
        }
        stack.push(key);
        let mut at = at.clone();
        // Inside a component only when both sides name the same one: a property whose `$ref`
        // became an inline schema (or another component) changed in its enclosing schema.
        if let Some(name) = hv.component.clone().filter(|h| bv.component.as_ref() == Some(h)) {
            at.schema_pointer = Some(format!("/components/schemas/{}", escape(&name)));
            at.schema_field = String::new();
            at.schema = Some(name);
        }
        self.schema_views(loc, &bv, &hv, &at, stack, depth);
        stack.pop();
    }

    fn schema_views<'v>(
        &mut self,
        loc: Loc,
        bv: &View<'v>,
        hv: &View<'v>,
        at: &At<'_>,
        stack: &mut Vec<(usize, usize)>,
        depth: usize,
    ) {
        let what = at.what();
        if bv.ty != hv.ty {
            let msg = format!(
                "type of {what} changed from {} to {}",
                bv.ty.as_deref().unwrap_or("any"),
                hv.ty.as_deref().unwrap_or("any")
            );
            self.push(rule_for(loc, Kind::TypeChanged), at, msg);
            return;
        }
        if bv.format != hv.format {
            let msg = format!(
                "format of {what} changed from {} to {}",
                bv.format.as_deref().unwrap_or("(none)"),
                hv.format.as_deref().unwrap_or("(none)")
            );
            self.push(rule_for(loc, Kind::FormatChanged), at, msg);
        }
        match (bv.nullable, hv.nullable) {
            (false, true) => {
                self.push(rule_for(loc, Kind::BecameNullable), at, format!("{what} became nullable"))
            }
            (true, false) => self.push(
                rule_for(loc, Kind::BecameNotNullable),
                at,
                format!("{what} is no longer nullable"),
            ),
            _ => {}
        }
        if bv.enum_values != hv.enum_values {
            let b: Vec<&String> = bv.enum_values.iter().flatten().collect();
            let h: Vec<&String> = hv.enum_values.iter().flatten().collect();
            // A closed list that disappears entirely accepts anything: values were added.
            let removed: Vec<&&String> =
                if hv.enum_values.is_none() { vec![] } else { b.iter().filter(|v| !h.contains(v)).collect() };
            let added: Vec<&&String> =
                if bv.enum_values.is_none() { vec![] } else { h.iter().filter(|v| !b.contains(v)).collect() };
            for v in removed {
                self.push(rule_for(loc, Kind::EnumRemoved), at, format!("enum value `{v}` removed from {what}"));
            }
            for v in added {
                self.push(rule_for(loc, Kind::EnumAdded), at, format!("enum value `{v}` added to {what}"));
            }
            if bv.enum_values.is_none() {
                self.push(rule_for(loc, Kind::TypeChanged), at, format!("{what} became a closed enum"));
            }
        }
        for (key, larger_is_looser) in CONSTRAINTS {
            let (b, h) = (bv.constraints.get(key).copied(), hv.constraints.get(key).copied());
            if b == h {
                continue;
            }
            let kind = if tightens(key, *larger_is_looser, b, h) { Kind::Tightened } else { Kind::Loosened };
            let msg = format!("{key} of {what}: {} → {}", show(b), show(h));
            self.push(rule_for(loc, kind), &at.child(&format!("/{key}"), ""), msg);
        }
        if bv.default != hv.default && loc != Loc::Response {
            let msg = format!("default of {what}: {} → {}", show(bv.default), show(hv.default));
            self.push(rule_for(loc, Kind::DefaultChanged), &at.child("/default", ""), msg);
        }
        if bv.description != hv.description && !at.field.is_empty() && loc != Loc::Param {
            self.push(
                Rule::SchemaDescriptionChanged,
                &at.child("/description", ""),
                format!("description of {what} changed"),
            );
        }
        if bv.alternatives != hv.alternatives {
            let b = bv.alternatives.clone().unwrap_or_default();
            let h = hv.alternatives.clone().unwrap_or_default();
            for alt in b.iter().filter(|x| !h.contains(x)) {
                self.push(rule_for(loc, Kind::OneOfRemoved), at, format!("alternative `{alt}` removed from {what}"));
            }
            for alt in h.iter().filter(|x| !b.contains(x)) {
                self.push(rule_for(loc, Kind::OneOfAdded), at, format!("alternative `{alt}` added to {what}"));
            }
        }
        // Properties.
        for (name, _) in bv.properties.iter().filter(|(n, _)| !hv.properties.contains_key(*n)) {
            let here = at.child(&format!("/properties/{}", escape(name)), name);
            let msg = format!("property {} removed", here.what());
            self.push(rule_for(loc, Kind::PropertyRemoved), &here, msg);
        }
        for (name, hp) in &hv.properties {
            let here = at.child(&format!("/properties/{}", escape(name)), name);
            let required = hv.required.contains(name);
            let Some(bp) = bv.properties.get(name) else {
                let (kind, word) = if required {
                    (Kind::PropertyAddedRequired, "required")
                } else {
                    (Kind::PropertyAddedOptional, "optional")
                };
                let msg = format!("{word} property {} added", here.what());
                self.push(rule_for(loc, kind), &here, msg);
                continue;
            };
            match (bv.required.contains(name), required) {
                (false, true) => {
                    let msg = format!("property {} became required", here.what());
                    self.push(rule_for(loc, Kind::BecameRequired), &here, msg)
                }
                (true, false) => {
                    let msg = format!("property {} became optional", here.what());
                    self.push(rule_for(loc, Kind::BecameOptional), &here, msg)
                }
                _ => {}
            }
            let inner = if loc == Loc::Param { Loc::Request } else { loc };
            self.schema(inner, bp, hp, &here, stack, depth + 1);
        }
        if let (Some(bi), Some(hi)) = (bv.items, hv.items) {
            let here = at.child("/items", "[]");
            self.schema(loc, bi, hi, &here, stack, depth + 1);
        }
    }
}

/// The Rust type name progenitor gives a component schema.
pub fn rust_type_name(component: &str) -> String {
    component.to_upper_camel_case()
}
