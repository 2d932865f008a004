//! From a list of changes to the rows a reviewer reads: one row per change to a shared schema
//! (listing every operation that reaches it) and one row per operation-level change, each with
//! the Rust changes it causes.
//!
//! A field of `Subscription` retyped used to produce one row per operation returning a
//! `Subscription`, each saying only "see `types::Subscription`". The walk in [`super::openapi`]
//! records where a change sits inside its component (`schema_pointer`), which is the same for
//! every operation, so those changes collapse into one row here. Rust changes are attributed per
//! field: a row about `Subscription.status` gets `types::Subscription::status` (or the variants of
//! the inline enum `SubscriptionStatus`), never the neighbouring field changed by another row.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Serialize;

use super::openapi::rust_type_name;
use super::rules::{Level, Rule};
use super::rust::RustChange;
use super::Change;

/// One operation a row affects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct OperationRef {
    /// The spec's operationId.
    pub operation_id: String,
    /// `METHOD /path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<String>,
    /// The generated Rust method (`revive_subscription`).
    pub method: String,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The kind of change.
    pub rule: Rule,
    /// Its severity.
    pub level: Level,
    /// The operations it affects (one for an operation-level change; every operation that
    /// reaches the schema for a shared-schema change), sorted by operationId.
    pub operations: Vec<OperationRef>,
    /// The schema pointer for a change inside a component, else the change's own pointer.
    pub pointer: String,
    /// The component schema, if the change is inside one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// One readable sentence.
    pub message: String,
    /// The Rust changes this row causes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rust: Vec<RustChange>,
}

impl Row {
    /// The Rust method names of the operations, for display.
    pub fn methods(&self) -> Vec<&str> {
        self.operations.iter().map(|o| o.method.as_str()).collect()
    }
}

/// Groups `changes` (already sorted most severe first) into rows and hands each Rust change to
/// the first row it belongs to. Returns the rows and the Rust changes no row claims.
pub fn rows(changes: &[Change], rust: &[RustChange]) -> (Vec<Row>, Vec<RustChange>) {
    let mut rows: Vec<Row> = Vec::new();
    for c in changes {
        let op = c.operation_id.as_ref().map(|id| OperationRef {
            operation_id: id.clone(),
            http: c.http.clone(),
            method: id.to_snake_case(),
        });
        if let Some(sp) = &c.schema_pointer {
            let message = c.schema_message.clone().unwrap_or_else(|| c.message.clone());
            if let Some(row) = rows
                .iter_mut()
                .find(|r| r.rule == c.rule && r.schema.is_some() && r.pointer == *sp && r.message == message)
            {
                if let Some(op) = op {
                    if !row.operations.contains(&op) {
                        row.operations.push(op);
                    }
                }
                continue;
            }
            rows.push(Row {
                rule: c.rule,
                level: c.level,
                operations: op.into_iter().collect(),
                pointer: sp.clone(),
                schema: c.schema.clone(),
                message,
                rust: Vec::new(),
            });
        } else {
            rows.push(Row {
                rule: c.rule,
                level: c.level,
                operations: op.into_iter().collect(),
                pointer: c.pointer.clone(),
                schema: None,
                message: c.message.clone(),
                rust: Vec::new(),
            });
        }
    }
    for row in &mut rows {
        row.operations.sort();
    }
    let mut unclaimed = Vec::new();
    for r in rust {
        // A method-level change goes to the operation's own row when it has one.
        let own = rows.iter().position(|row| row.schema.is_none() && claims(row, r));
        match own.or_else(|| rows.iter().position(|row| claims(row, r))) {
            Some(i) => rows[i].rust.push(r.clone()),
            None => unclaimed.push(r.clone()),
        }
    }
    (rows, unclaimed)
}

/// Letters and digits only, lowercase: `offerId`, `offer_id` and `offer-id` compare equal, and
/// so do `type` and progenitor's `type_`.
fn norm(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The property names along a schema pointer: `/components/schemas/A/properties/b/items/properties/c`
/// gives `("A", ["b", "c"])`.
fn pointer_path(pointer: &str) -> Option<(String, Vec<String>)> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
    let mut segments = rest.split('/');
    let schema = unescape(segments.next()?);
    let mut props = Vec::new();
    let mut previous = "";
    for seg in segments {
        if previous == "properties" {
            props.push(unescape(seg));
        }
        previous = seg;
    }
    Some((schema, props))
}

/// Whether `row` is the spec change behind the Rust change `r`.
fn claims(row: &Row, r: &RustChange) -> bool {
    if let Some(op) = &r.operation_id {
        return row.operations.iter().any(|o| &o.operation_id == op);
    }
    let (Some(ty), Some(_)) = (&r.type_name, &row.schema) else {
        return false;
    };
    let Some((schema, props)) = pointer_path(&row.pointer) else {
        return false;
    };
    // progenitor names an inline object or enum under a property `Owner` + `Property`.
    let mut owner = rust_type_name(&schema);
    let Some((last, parents)) = props.split_last() else {
        // A change to the component itself (an enum value, its type): its own type's items.
        return *ty == owner;
    };
    for p in parents {
        owner.push_str(&p.to_upper_camel_case());
    }
    let member = r.name.rsplit("::").next().unwrap_or_default();
    let inline = format!("{owner}{}", last.to_upper_camel_case());
    (*ty == owner && r.item == "field" && norm(member) == norm(last)) || *ty == inline
}
