//! Test hooks for tools that check the specs against a server (such as `cargo xtask probe`):
//! answers made to drift from the spec on purpose, and a count of requests by method.
//!
//! A contract probe must be tested on a server that disagrees with the spec in known ways, and
//! must be shown never to send a write. The drift is configured with [`crate::MockConfig::drift`]
//! and applied to the answer after it is built (and after the mock checked it against its schema,
//! so drift is not recorded as a mock defect).

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Map, Value};

/// One way an answer departs from the spec, applied to the first place in the body (depth
/// first, keys in order) where it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Drift {
    /// Adds the field `name` (value `"drift"`) to the first object of the body.
    ExtraField(String),
    /// Replaces the first integer of the body by the same digits as a string.
    IntegerAsString,
    /// Replaces the first string of the body whose schema is an enum (the mock cannot see the
    /// schema here, so: the value of the first field named `field`) by `"UNDOCUMENTED_VALUE"`.
    UnknownEnum {
        /// The field name whose value is replaced.
        field: String,
    },
    /// Removes the first field named `field`.
    RemoveField(String),
    /// Answers this status (with the same body) instead of the documented one.
    Status(u16),
}

/// The hooks shared by the handler: configured drift and request counts.
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    pub drift: BTreeMap<String, Vec<Drift>>,
    pub requests: Mutex<BTreeMap<String, u64>>,
}

impl Hooks {
    /// Counts one request.
    pub fn count(&self, method: &str) {
        let mut counts = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *counts.entry(method.to_string()).or_default() += 1;
    }

    /// Requests received so far, by upper-case method.
    pub fn requests(&self) -> BTreeMap<String, u64> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Applies the drift configured for `operation_id` (or `family.operation_id`, for names
    /// several families share) to a JSON answer; returns the status to send.
    pub fn apply(&self, family: &str, operation_id: &str, status: u16, body: &mut Value) -> u16 {
        let mut status = status;
        let qualified = format!("{family}.{operation_id}");
        let drifts = self
            .drift
            .get(operation_id)
            .into_iter()
            .chain(self.drift.get(&qualified))
            .flatten();
        for drift in drifts {
            match drift {
                Drift::Status(s) => status = *s,
                Drift::ExtraField(name) => {
                    if let Some(map) = first_object(body) {
                        map.insert(name.clone(), Value::String("drift".into()));
                    }
                }
                Drift::IntegerAsString => {
                    if let Some(v) = first_match(body, &|v| v.is_i64() || v.is_u64()) {
                        *v = Value::String(v.to_string());
                    }
                }
                Drift::UnknownEnum { field } => {
                    if let Some(v) = first_field(body, field) {
                        *v = Value::String("UNDOCUMENTED_VALUE".into());
                    }
                }
                Drift::RemoveField(field) => {
                    remove_first(body, field);
                }
            }
        }
        status
    }
}

fn first_object(v: &mut Value) -> Option<&mut Map<String, Value>> {
    match v {
        Value::Object(_) => v.as_object_mut(),
        Value::Array(items) => items.iter_mut().find_map(first_object),
        _ => None,
    }
}

fn first_match<'a>(v: &'a mut Value, pred: &dyn Fn(&Value) -> bool) -> Option<&'a mut Value> {
    if pred(v) {
        return Some(v);
    }
    match v {
        Value::Object(map) => map.values_mut().find_map(|c| first_match(c, pred)),
        Value::Array(items) => items.iter_mut().find_map(|c| first_match(c, pred)),
        _ => None,
    }
}

fn first_field<'a>(v: &'a mut Value, field: &str) -> Option<&'a mut Value> {
    match v {
        Value::Object(map) => {
            if map.contains_key(field) {
                return map.get_mut(field);
            }
            map.values_mut().find_map(|c| first_field(c, field))
        }
        Value::Array(items) => items.iter_mut().find_map(|c| first_field(c, field)),
        _ => None,
    }
}

fn remove_first(v: &mut Value, field: &str) -> bool {
    match v {
        Value::Object(map) => {
            map.remove(field).is_some() || map.values_mut().any(|c| remove_first(c, field))
        }
        Value::Array(items) => items.iter_mut().any(|c| remove_first(c, field)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_each_drift_once_at_the_first_place() {
        let mut hooks = Hooks::default();
        hooks.drift.insert(
            "op".into(),
            vec![
                Drift::ExtraField("surprise".into()),
                Drift::IntegerAsString,
                Drift::UnknownEnum {
                    field: "status".into(),
                },
                Drift::RemoveField("title".into()),
                Drift::Status(299),
            ],
        );
        let mut body = json!({"items": [{"id": 7, "status": "active", "title": "t"}, {"id": 8}]});
        assert_eq!(hooks.apply("core", "op", 200, &mut body), 299);
        assert_eq!(
            body,
            json!({"items": [{"id": "7", "status": "UNDOCUMENTED_VALUE"}, {"id": 8}], "surprise": "drift"})
        );
        let mut other = json!({"id": 1});
        assert_eq!(hooks.apply("core", "other", 200, &mut other), 200);
        assert_eq!(other, json!({"id": 1}));
        hooks
            .drift
            .insert("mediastore.other".into(), vec![Drift::Status(298)]);
        assert_eq!(hooks.apply("core", "other", 200, &mut other), 200);
        assert_eq!(hooks.apply("mediastore", "other", 200, &mut other), 298);
    }
}
