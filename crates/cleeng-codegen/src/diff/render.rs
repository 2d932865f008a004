//! Printing a [`Report`]: Markdown to paste as a pull-request comment, JSON for tools, or the
//! entry for CHANGELOG.md.

use std::fmt::Write as _;

use super::{FamilyReport, Level, Report, Row, Rule, Verdict, GENERATED_TYPES_NON_EXHAUSTIVE};

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
    let _ = writeln!(
        s,
        "### {} (`cleeng-{}`){state}: {}; semver: {}\n",
        f.family,
        f.family,
        counts(|l| f.count(l)),
        verdict_words(f.verdict())
    );
    if !f.rows.is_empty() {
        let _ = writeln!(s, "| level | rule | change | operations | Rust |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        for r in &f.rows {
            let rust = r.rust.iter().map(|x| x.describe()).collect::<Vec<_>>().join("<br>");
            let _ = writeln!(
                s,
                "| {} | `{}` | {} <sub>`{}`</sub> | {} | {} |",
                icon(r.level),
                r.rule.id(),
                cell(&r.message),
                cell(&r.pointer),
                cell(&operations(r)),
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
            "Rust surface of `cleeng-{}`: {} change(s), {breaking} of them can break existing code{}.\n",
            f.family,
            f.rust.len(),
            if GENERATED_TYPES_NON_EXHAUSTIVE {
                " (semver policy: generated types are `#[non_exhaustive]`, so added fields and variants do not)"
            } else {
                ""
            }
        );
    }
    if !f.unlinked_rust.is_empty() {
        let _ = writeln!(s, "Rust changes no spec row explains:\n");
        for r in &f.unlinked_rust {
            let _ = writeln!(s, "- {}", r.describe());
        }
        s.push('\n');
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

/// "`get_gift`" for one operation; "11 operations: `a`, `b`, ..." for a shared-schema row.
fn operations(r: &Row) -> String {
    let methods: Vec<String> = r.methods().iter().map(|m| format!("`{m}`")).collect();
    match methods.len() {
        0 => "—".to_string(),
        1 => methods[0].clone(),
        n => format!("{n} operations: {}", methods.join(", ")),
    }
}

fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::None => "no change",
        Verdict::Patch => "patch (documentation only)",
        Verdict::Minor => "minor (additions only)",
        Verdict::Major => "major (breaking)",
    }
}

/// The Keep-a-Changelog section a change goes under.
fn changelog_section(rule: Rule) -> &'static str {
    let id = rule.id();
    if rule == Rule::ApiDeprecated {
        "Deprecated"
    } else if id.contains("removed") {
        "Removed"
    } else if id.contains("added") && rule.level() != Level::Breaking {
        "Added"
    } else {
        "Changed"
    }
}

/// The entry for CHANGELOG.md: one subsection per family crate with its semver verdict, rows
/// under Removed / Changed / Deprecated / Added, breaking ones marked. Documentation-only rows
/// are counted, not listed.
pub fn changelog(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## [Unreleased]\n");
    let mut any = false;
    for f in &report.families {
        if f.rows.is_empty() && f.rust.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(s, "### `cleeng-{}`: {}\n", f.family, verdict_words(f.verdict()));
        let mut docs = 0;
        for section in ["Removed", "Changed", "Deprecated", "Added"] {
            let lines: Vec<String> = f
                .rows
                .iter()
                .filter(|r| changelog_section(r.rule) == section)
                .filter(|r| {
                    let keep = !matches!(
                        r.rule,
                        Rule::ApiSummaryChanged
                            | Rule::ApiDescriptionChanged
                            | Rule::ApiDocLinkChanged
                            | Rule::ApiConfidenceChanged
                            | Rule::SchemaDescriptionChanged
                    );
                    if !keep {
                        docs += 1;
                    }
                    keep
                })
                .map(|r| {
                    let mark = if r.level == Level::Breaking { "**Breaking:** " } else { "" };
                    let ops = if r.schema.is_some() && !r.operations.is_empty() {
                        format!(" ({})", operations(r).replace("`", ""))
                    } else {
                        String::new()
                    };
                    format!("- {mark}{}{ops}", r.message.replace('`', ""))
                })
                .collect();
            if !lines.is_empty() {
                let _ = writeln!(s, "#### {section}\n\n{}\n", lines.join("\n"));
            }
        }
        if docs > 0 {
            let _ = writeln!(s, "({docs} documentation-only change(s) not listed.)\n");
        }
    }
    if !any {
        let _ = writeln!(s, "No API change.");
    }
    s
}

/// The report as pretty JSON, with a `summary` of counts per level first.
pub fn json(report: &Report) -> String {
    let summary = serde_json::json!({
        "breaking": report.count(Level::Breaking),
        "possibly-breaking": report.count(Level::PossiblyBreaking),
        "non-breaking": report.count(Level::NonBreaking),
        "semver": report.verdict(),
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
