//! The probe's report: drift first (grouped per operation), then what was reached cleanly,
//! what could not be reached and why, and a per-family count.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Value};

use super::findings::{OperationReport, Outcome};
use super::run::RunResult;

/// Per family: operations, reached, reached with which credential, unreachable, failed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Operations in the spec.
    pub operations: usize,
    /// Called and answered.
    pub reached: usize,
    /// Reached with the publisher token (or no credential).
    pub reached_publisher: usize,
    /// Reached with the customer JWT.
    pub reached_customer: usize,
    /// Reached, with at least one finding.
    pub drifted: usize,
    /// Not called.
    pub unreachable: usize,
    /// Called, no answer.
    pub failed: usize,
}

/// Counts per family name.
pub fn counts(result: &RunResult) -> BTreeMap<String, Counts> {
    let mut out: BTreeMap<String, Counts> = BTreeMap::new();
    for op in &result.operations {
        let c = out.entry(op.family.clone()).or_default();
        c.operations += 1;
        match &op.outcome {
            Outcome::Reached { findings, .. } => {
                c.reached += 1;
                if op.credential == "customer" {
                    c.reached_customer += 1;
                } else {
                    c.reached_publisher += 1;
                }
                if !findings.is_empty() {
                    c.drifted += 1;
                }
            }
            Outcome::Unreachable { .. } => c.unreachable += 1,
            Outcome::Failed { .. } => c.failed += 1,
        }
    }
    out
}

fn sample(value: &Option<Value>) -> String {
    match value {
        None => String::new(),
        Some(v) => format!("`{}`", v.to_string().replace('|', "\\|").replace('`', "'")),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn title(op: &OperationReport) -> String {
    format!(
        "{}.{} ({} {})",
        op.family, op.operation_id, op.method, op.path
    )
}

/// The Markdown report.
pub fn markdown(env: &str, result: &RunResult) -> String {
    let mut s = String::new();
    let counts = counts(result);
    let total: usize = counts.values().map(|c| c.operations).sum();
    let reached: usize = counts.values().map(|c| c.reached).sum();
    let drifted: usize = counts.values().map(|c| c.drifted).sum();
    let requests: Vec<String> = result
        .requests
        .iter()
        .map(|(m, n)| format!("{m} {n}"))
        .collect();
    let _ = writeln!(s, "# Contract probe against {env}\n");
    let _ = writeln!(
        s,
        "{total} operations: {reached} reached ({drifted} with drift), {} not reached, {} failed. Requests sent: {}.\n",
        counts.values().map(|c| c.unreachable).sum::<usize>(),
        counts.values().map(|c| c.failed).sum::<usize>(),
        if requests.is_empty() { "none".to_string() } else { requests.join(", ") }
    );
    let _ = writeln!(s, "| family | operations | reached | with publisher token | with customer login | with drift | not reached | failed |");
    let _ = writeln!(
        s,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (family, c) in &counts {
        let _ = writeln!(
            s,
            "| {family} | {} | {} | {} | {} | {} | {} | {} |",
            c.operations,
            c.reached,
            c.reached_publisher,
            c.reached_customer,
            c.drifted,
            c.unreachable,
            c.failed
        );
    }
    let _ = writeln!(s, "\n## Drift\n");
    if drifted == 0 {
        let _ = writeln!(s, "No answer disagrees with the specs.");
    }
    for op in result
        .operations
        .iter()
        .filter(|o| !o.findings().is_empty())
    {
        let Outcome::Reached { status, findings } = &op.outcome else {
            continue;
        };
        let _ = writeln!(s, "### {} -> {status}\n", title(op));
        let _ = writeln!(
            s,
            "| kind | path | detail | sample |\n| --- | --- | --- | --- |"
        );
        for f in findings {
            let _ = writeln!(
                s,
                "| {} | `{}` | {} | {} |",
                f.kind.name(),
                cell(&f.path),
                cell(&f.detail),
                sample(&f.sample)
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "\n## Reached without drift\n");
    for op in result
        .operations
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Reached { .. }) && o.findings().is_empty())
    {
        if let Outcome::Reached { status, .. } = &op.outcome {
            let _ = writeln!(s, "- {} -> {status}", title(op));
        }
    }
    let _ = writeln!(s, "\n## Not reached\n");
    let _ = writeln!(s, "| operation | why |\n| --- | --- |");
    for op in &result.operations {
        match &op.outcome {
            Outcome::Unreachable { reason } => {
                let _ = writeln!(s, "| {} | {} |", cell(&title(op)), cell(reason));
            }
            Outcome::Failed { reason } => {
                let _ = writeln!(s, "| {} | failed: {} |", cell(&title(op)), cell(reason));
            }
            Outcome::Reached { .. } => {}
        }
    }
    s
}

/// The JSON report.
pub fn json(env: &str, result: &RunResult) -> String {
    let counts: BTreeMap<String, Value> = counts(result)
        .into_iter()
        .map(|(f, c)| {
            (f, json!({"operations": c.operations, "reached": c.reached, "reached_publisher": c.reached_publisher,
                "reached_customer": c.reached_customer, "drifted": c.drifted, "unreachable": c.unreachable, "failed": c.failed}))
        })
        .collect();
    let value = json!({
        "env": env,
        "requests": result.requests,
        "families": counts,
        "operations": result.operations,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
