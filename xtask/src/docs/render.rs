//! Printing a docs report: Markdown (the weekly issue's body) or JSON.

use std::fmt::Write as _;

use super::compare::{Kind, PageChange};
use super::pages::{FieldKind, Side};
use super::Report;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn page_line(c: &PageChange) -> String {
    let what = match c.kind {
        Kind::Added => "new page no operation covers",
        Kind::Removed => "gone from the index",
        Kind::Retitled => "title changed",
    };
    let mut detail = String::new();
    match c.kind {
        Kind::Added => {
            let _ = write!(detail, "family: {}", c.family_because);
            if !c.summary.is_empty() {
                let summary: String = c.summary.chars().take(140).collect();
                let _ = write!(detail, "; summary: {summary}");
            }
        }
        Kind::Removed => {
            let _ = write!(detail, "linked by {}", c.linked_by.join(", "));
            match &c.rename {
                Some(r) => {
                    let _ = write!(detail, "; probably renamed to `{}` \"{}\" (likeness {:.2})", r.slug, r.title, r.score);
                }
                None => detail.push_str("; no similar new page (removed?)"),
            }
        }
        Kind::Retitled => {
            let _ = write!(detail, "was \"{}\"", c.old_title.as_deref().unwrap_or_default());
        }
    }
    let title = if c.title.is_empty() { String::new() } else { format!(" \"{}\"", c.title) };
    format!("| {what} | `{}`{} | {} |", c.slug, cell(&title), cell(&detail))
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    let p = &r.pages;
    let _ = writeln!(s, "## Cleeng docs vs specs: {} change(s)\n", r.change_count());
    let _ = writeln!(s, "Index: {}", r.index);
    let per_family: Vec<String> = p.per_family.iter().map(|(f, n)| format!("{f} {n}")).collect();
    let _ = writeln!(
        s,
        "Reference pages: {} ({} linked from a spec, {} reviewed as not operations); per family: {}.\n",
        p.reference_pages,
        p.covered,
        p.reviewed,
        per_family.join(", ")
    );
    if p.changes.is_empty() {
        let _ = writeln!(s, "No page added, removed or retitled.\n");
    }
    let mut family: Option<Option<&str>> = None;
    for c in &p.changes {
        if family != Some(c.family.as_deref()) {
            if family.is_some() {
                s.push('\n');
            }
            family = Some(c.family.as_deref());
            let _ = writeln!(s, "### {}\n", c.family.as_deref().unwrap_or("family unknown"));
            let _ = writeln!(s, "| change | page | detail |\n|---|---|---|");
        }
        let _ = writeln!(s, "{}", page_line(c));
    }
    if family.is_some() {
        s.push('\n');
    }
    if let Some(src) = &r.pages_source {
        let changed: Vec<_> = r.fields.iter().filter(|o| !o.changes.is_empty()).collect();
        let _ = writeln!(
            s,
            "### Fields on the pages ({}): {} page(s) read, {} not found, {} with differences\n",
            src,
            r.fields.len(),
            r.pages_missing.len(),
            changed.len()
        );
        for o in changed {
            let _ = writeln!(s, "`{}` {} (`{}`):\n", o.operation_id, o.family, o.slug);
            for c in &o.changes {
                let side = match c.side {
                    Side::Request => "parameter",
                    Side::Response => "response field",
                };
                let line = match c.kind {
                    FieldKind::Added => format!("{side} `{}` on the page, not in the spec", c.field),
                    FieldKind::Removed => format!("{side} `{}` in the spec, not on the page", c.field),
                    FieldKind::TypeChanged => format!(
                        "{side} `{}`: page says {}, spec says {}",
                        c.field,
                        c.page.as_deref().unwrap_or("?"),
                        c.spec.as_deref().unwrap_or("?")
                    ),
                    FieldKind::RequiredChanged => format!(
                        "{side} `{}`: page says {}, spec says {}",
                        c.field,
                        c.page.as_deref().unwrap_or("?"),
                        c.spec.as_deref().unwrap_or("?")
                    ),
                };
                let _ = writeln!(s, "- {line}");
            }
            s.push('\n');
        }
        if !r.pages_missing.is_empty() {
            let shown: Vec<&str> = r.pages_missing.iter().take(20).map(String::as_str).collect();
            let more = r.pages_missing.len().saturating_sub(shown.len());
            let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
            let _ = writeln!(s, "Not found: {}{tail}\n", shown.join(", "));
        }
    }
    if !p.stale_baseline.is_empty() {
        let _ = writeln!(s, "**Baseline entries to update** (`specs/docs-baseline.yaml`):\n");
        for e in &p.stale_baseline {
            let _ = writeln!(s, "- {e}");
        }
        s.push('\n');
    }
    s
}

/// The report as pretty JSON.
pub fn json(r: &Report) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default() + "\n"
}
