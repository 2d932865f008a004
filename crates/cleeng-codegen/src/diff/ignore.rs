//! `specs/diff-ignore.yaml`: spec changes maintainers have reviewed and accepted.
//!
//! A breaking change is sometimes right (Cleeng really removed a call). Listing it here with a
//! reason keeps `--fail-on` green for it without hiding it: the report shows ignored changes in
//! their own section, with the reason, and warns about entries that no longer match anything.
//!
//! ```yaml
//! - rule: api-removed          # a rule id from the catalogue
//!   family: core
//!   operation: getGift         # operationId, and/or
//!   pointer: /paths/~1gifts~1{giftId}/get   # exact JSON pointer
//!   reason: Cleeng retired this call on 2026-10-01 (changelog link)
//! - rule: response-property-type-changed
//!   family: core
//!   # a pointer into a component accepts the change for every operation that reaches it
//!   pointer: /components/schemas/Subscription/properties/status
//!   reason: Cleeng documents status as an integer code since 2026-11 (page link)
//! ```

use serde::{Deserialize, Serialize};

use super::rules::Rule;
use super::Change;

/// Path of the ignore file, relative to the workspace root.
pub const IGNORE_PATH: &str = "specs/diff-ignore.yaml";

/// One accepted change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    /// Rule id, e.g. `api-removed`.
    pub rule: String,
    /// Family name, e.g. `core`.
    pub family: String,
    /// operationId the change belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Exact JSON pointer of the change: the pointer under the operation, or the schema pointer
    /// (`/components/schemas/...`), which accepts the change in every operation at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Why the change is accepted (shown in the report).
    pub reason: String,
}

impl IgnoreEntry {
    /// True when this entry accepts `change`.
    pub fn matches(&self, change: &Change) -> bool {
        self.rule == change.rule.id()
            && self.family == change.family
            && self
                .operation
                .as_ref()
                .is_none_or(|op| change.operation_id.as_deref() == Some(op.as_str()))
            && self.pointer.as_ref().is_none_or(|p| {
                *p == change.pointer || change.schema_pointer.as_deref() == Some(p.as_str())
            })
    }
}

/// Parses the ignore file's text; every entry must name a known rule, a family, an operation
/// or pointer, and a non-empty reason.
pub fn parse(text: &str) -> Result<Vec<IgnoreEntry>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let entries: Option<Vec<IgnoreEntry>> =
        serde_yaml::from_str(text).map_err(|e| format!("{IGNORE_PATH}: {e}"))?;
    let entries = entries.unwrap_or_default();
    for (i, e) in entries.iter().enumerate() {
        let bad = |what: &str| Err(format!("{IGNORE_PATH}: entry {i} ({}): {what}", e.rule));
        if Rule::from_id(&e.rule).is_none() {
            return bad("unknown rule id");
        }
        if crate::Family::from_name(&e.family).is_none() {
            return bad("unknown family");
        }
        if e.operation.is_none() && e.pointer.is_none() {
            return bad("name an operation or a pointer, so the entry accepts one change, not a whole rule");
        }
        if e.reason.trim().is_empty() {
            return bad("a reason is required");
        }
    }
    Ok(entries)
}
