//! Printing a [`Report`]: Markdown to paste as a pull-request comment, JSON for tools.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::openapi::rust_type_name;
use super::{FamilyReport, Level, Report};

fn counts(count: impl Fn(Level) -> usize) -> String {
    format!(
        "{} breaking, {} possibly breaking, {} non-breaking",
        count(Level::Breaking),
        count(Level::PossiblyBreaking),
        count(Level::NonBreaking)
    )
}

fn icon(level: Level) -> &'static str {
    match level {
        Level::Breaking => "🔴 breaking",
        Level::PossiblyBreaking => "🟡 possibly breaking",
        Level::NonBreaking => "🟢 non-breaking",
    }
}

/// Table cells must not contain a bare `|` or a newline.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn short(rev: &str) -> &str {
    if rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()) {
        &rev[..12]
    } else {
        rev
    }
}

/// The report as a pull-request comment: a summary line with counts per level, then one
/// section per family with its spec changes (each with the Rust change it causes), the Rust
/// surface changes, and the changes accepted by the ignore file.
pub fn markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## API changes: {} (`{}` → {})\n",
        counts(|l| report.count(l)),
        short(&report.base),
        if report.head == "work tree" { "work tree".to_string() } else { format!("`{}`", short(&report.head)) }
    );
    let changed: Vec<&FamilyReport> = report
        .families
        .iter()
        .filter(|f| !f.changes.is_empty() || !f.ignored.is_empty() || !f.rust.is_empty() || f.rust_error.is_some())
        .collect();
    let unchanged: Vec<&str> = report
        .families
        .iter()
        .filter(|f| !changed.iter().any(|c| c.family == f.family))
        .map(|f| f.family.as_str())
        .collect();
    if changed.is_empty() {
        let _ = writeln!(s, "No API change.");
    }
    for f in changed {
        family_markdown(&mut s, f);
    }
    if !unchanged.is_empty() {
        let _ = writeln!(s, "Unchanged: {}.\n", unchanged.join(", "));
    }
    if !report.unused_ignores.is_empty() {
        let _ = writeln!(s, "**Stale ignore entries** (match no change; remove them from `specs/diff-ignore.yaml`):\n");
        for e in &report.unused_ignores {
            let target = e.operation.as_deref().or(e.pointer.as_deref()).unwrap_or("");
            let _ = writeln!(s, "- `{}` {} `{}`", e.rule, e.family, target);
        }
        s.push('\n');
    }
    s
}

fn family_markdown(s: &mut String, f: &FamilyReport) {
    let state = match (f.base_exists, f.head_exists) {
        (false, true) => " (new spec)",
        (true, false) => " (spec removed)",
        _ => "",
    };
    let _ = writeln!(s, "### {} (`cleeng-{}`){state}: {}\n", f.family, f.family, counts(|l| f.count(l)));
    if !f.changes.is_empty() {
        let _ = writeln!(s, "| level | rule | operation | change | Rust |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        let mut shown_ops: BTreeSet<&str> = BTreeSet::new();
        for c in &f.changes {
            let op = c.operation_id.as_deref().unwrap_or("—");
            // The operation's Rust changes are listed once, next to its most severe change.
            let rust = match c.operation_id.as_deref() {
                Some(id) if shown_ops.insert(id) => f
                    .rust_for_operation(id)
                    .iter()
                    .map(|r| r.describe())
                    .collect::<Vec<_>>()
                    .join("<br>"),
                _ => String::new(),
            };
            let rust = match (&c.schema, rust.is_empty()) {
                (Some(schema), true) => {
                    let ty = rust_type_name(schema);
                    let n = f.rust.iter().filter(|r| r.type_name.as_deref() == Some(ty.as_str())).count();
                    if n > 0 { format!("see `types::{ty}`") } else { String::new() }
                }
                _ => rust,
            };
            let _ = writeln!(
                s,
                "| {} | `{}` | `{op}` | {} <sub>`{}`</sub> | {} |",
                icon(c.level),
                c.rule.id(),
                cell(&c.message),
                cell(&c.pointer),
                cell(&rust)
            );
        }
        s.push('\n');
    }
    if let Some(e) = &f.rust_error {
        let _ = writeln!(s, "Rust surface not compared: {}\n", cell(e));
    }
    if !f.rust.is_empty() {
        let breaking = f.rust.iter().filter(|r| r.breaks_code()).count();
        let _ = writeln!(
            s,
            "<details><summary>Rust surface of <code>cleeng-{}</code>: {} change(s), {breaking} of them removing or changing an item existing code may use</summary>\n",
            f.family,
            f.rust.len()
        );
        for r in &f.rust {
            let because = match (&r.operation_id, &r.type_name) {
                (Some(op), _) => {
                    let rules: BTreeSet<&str> = f
                        .changes
                        .iter()
                        .filter(|c| c.operation_id.as_deref() == Some(op.as_str()))
                        .map(|c| c.rule.id())
                        .collect();
                    format!(" ← operation `{op}`{}", rule_list(&rules))
                }
                (None, Some(ty)) => {
                    let rules: BTreeSet<&str> = f
                        .changes
                        .iter()
                        .filter(|c| c.schema.as_deref().map(rust_type_name).as_deref() == Some(ty.as_str()))
                        .map(|c| c.rule.id())
                        .collect();
                    if rules.is_empty() { String::new() } else { format!(" ← schema `{ty}`{}", rule_list(&rules)) }
                }
                _ => String::new(),
            };
            let _ = writeln!(s, "- {}{because}", r.describe());
        }
        let _ = writeln!(s, "\n</details>\n");
    }
    if !f.ignored.is_empty() {
        let _ = writeln!(s, "Accepted in `specs/diff-ignore.yaml` (not counted):\n");
        for i in &f.ignored {
            let _ = writeln!(
                s,
                "- {} `{}` `{}`: {} — reason: {}",
                icon(i.change.level),
                i.change.rule.id(),
                i.change.operation_id.as_deref().unwrap_or("—"),
                i.change.message,
                i.reason
            );
        }
        s.push('\n');
    }
}

fn rule_list(rules: &BTreeSet<&str>) -> String {
    if rules.is_empty() {
        String::new()
    } else {
        format!(" ({})", rules.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "))
    }
}

/// The report as pretty JSON, with a `summary` of counts per level first.
pub fn json(report: &Report) -> String {
    let summary = serde_json::json!({
        "breaking": report.count(Level::Breaking),
        "possibly-breaking": report.count(Level::PossiblyBreaking),
        "non-breaking": report.count(Level::NonBreaking),
    });
    let value = serde_json::json!({
        "summary": summary,
        "base": report.base,
        "head": report.head,
        "families": report.families,
        "unused_ignores": report.unused_ignores,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
