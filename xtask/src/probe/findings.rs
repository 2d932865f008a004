//! What the probe found, per operation.

use serde::Serialize;
use serde_json::Value;

use super::redact;

/// The kind of a disagreement between an answer and the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The status code is not among the operation's documented responses.
    UndocumentedStatus,
    /// A field the schema marks required is absent.
    MissingRequired,
    /// A value of another JSON type than the schema says (e.g. a number sent as a string).
    TypeMismatch,
    /// A value outside the schema's enum.
    UnknownEnum,
    /// Any other schema violation (pattern, bounds, `oneOf`...).
    SchemaViolation,
    /// A field the schema does not document.
    UndocumentedField,
    /// A header the documented response promises is absent (or not of its schema's type).
    MissingHeader,
    /// The body is not JSON although the spec documents a JSON body.
    NotJson,
}

impl Kind {
    /// The report's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::UndocumentedStatus => "undocumented-status",
            Kind::MissingRequired => "missing-required",
            Kind::TypeMismatch => "type-mismatch",
            Kind::UnknownEnum => "unknown-enum",
            Kind::SchemaViolation => "schema-violation",
            Kind::UndocumentedField => "undocumented-field",
            Kind::MissingHeader => "missing-header",
            Kind::NotJson => "not-json",
        }
    }
}

/// One disagreement, at a JSON pointer into the body (or a header name), with a redacted sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What kind.
    pub kind: Kind,
    /// JSON pointer into the body (`/responseData/items/0/id`), or `header:<name>`, or `status`.
    pub path: String,
    /// What is wrong, in words.
    pub detail: String,
    /// The value found there, redacted (secrets and personal data replaced).
    pub sample: Option<Value>,
}

impl Finding {
    /// A finding; the sample is redacted here, so no secret ever reaches a report.
    pub fn new(kind: Kind, path: String, detail: String, sample: Option<Value>) -> Finding {
        let key = path.rsplit('/').next().unwrap_or_default().to_string();
        let sample = sample.map(|v| redact::sample(&key, &v));
        Finding {
            kind,
            path,
            detail,
            sample,
        }
    }
}

/// What happened to one operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// Called; the answer was checked.
    Reached {
        /// The status answered.
        status: u16,
        /// Disagreements with the spec (empty: the answer matches).
        findings: Vec<Finding>,
    },
    /// Not called, and why (a write not allowed, a parameter with no known value, a credential missing).
    Unreachable {
        /// Why.
        reason: String,
    },
    /// Called, but no answer came (network error, timeout, oversized body).
    Failed {
        /// Why.
        reason: String,
    },
}

/// One operation's line in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperationReport {
    /// Family name (`core`, `mediastore`...).
    pub family: String,
    /// The spec's operationId.
    pub operation_id: String,
    /// Upper-case method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Which credential it needs: `publisher`, `customer`, `none`, or another scheme name.
    pub credential: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl OperationReport {
    /// The findings, if reached.
    pub fn findings(&self) -> &[Finding] {
        match &self.outcome {
            Outcome::Reached { findings, .. } => findings,
            _ => &[],
        }
    }
}
