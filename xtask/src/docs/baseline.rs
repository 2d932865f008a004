//! `specs/docs-baseline.yaml`: the index as last reviewed, so `cargo xtask docs` reports only what
//! changed since. It records the title of every reference page (to notice a retitled page),
//! every reference page no spec links with the reason it is not an operation, and every page
//! the specs link that the index does not list, with the reason that is fine.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// Path of the baseline, relative to the workspace root.
pub const BASELINE_PATH: &str = "specs/docs-baseline.yaml";

/// A reference page and its title when last reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Titled {
    /// Page slug.
    pub slug: String,
    /// Title in the index.
    pub title: String,
}

/// A page accepted without a spec operation, or a spec link accepted without an index entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewed {
    /// Page slug.
    pub slug: String,
    /// The family it belongs to, when known (`legacy` for JSON-RPC method pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Why this is fine.
    pub why: String,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Every reference page of the reviewed index.
    #[serde(default)]
    pub pages: Vec<Titled>,
    /// Reference pages no spec links, each with why it is not an operation.
    #[serde(default)]
    pub not_operations: Vec<Reviewed>,
    /// Pages the specs link that the index does not list, each with why.
    #[serde(default)]
    pub unlisted: Vec<Reviewed>,
}

impl Baseline {
    /// The reviewed title of `slug`, if recorded.
    pub fn title(&self, slug: &str) -> Option<&str> {
        self.pages.iter().find(|p| p.slug == slug).map(|p| p.title.as_str())
    }

    /// The review of a page no spec links.
    pub fn not_operation(&self, slug: &str) -> Option<&Reviewed> {
        self.not_operations.iter().find(|p| p.slug == slug)
    }

    /// The review of a spec link the index does not list.
    pub fn unlisted(&self, slug: &str) -> Option<&Reviewed> {
        self.unlisted.iter().find(|p| p.slug == slug)
    }
}

/// Parses the baseline text; every reviewed entry needs a slug and a reason.
pub fn parse(text: &str) -> Result<Baseline, String> {
    if text.trim().is_empty() {
        return Ok(Baseline::default());
    }
    let b: Baseline = serde_yaml::from_str(text).map_err(|e| format!("{BASELINE_PATH}: {e}"))?;
    for (list, entries) in [("not_operations", &b.not_operations), ("unlisted", &b.unlisted)] {
        for (i, e) in entries.iter().enumerate() {
            if e.slug.trim().is_empty() || e.why.trim().is_empty() {
                return Err(format!("{BASELINE_PATH}: {list}[{i}] needs a slug and a why"));
            }
        }
    }
    Ok(b)
}

/// Reads the baseline under `root` (an absent file is an empty baseline).
pub fn load(root: &Path) -> Result<Baseline, String> {
    match std::fs::read_to_string(root.join(BASELINE_PATH)) {
        Ok(text) => parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Baseline::default()),
        Err(e) => Err(format!("cannot read {BASELINE_PATH}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviewed_entries_need_a_reason() {
        let ok = "pages:\n- {slug: a, title: A}\nnot_operations:\n- {slug: b, why: overview}\n";
        let b = parse(ok).unwrap();
        assert_eq!(b.title("a"), Some("A"));
        assert_eq!(b.not_operation("b").map(|r| r.why.as_str()), Some("overview"));
        assert!(parse("unlisted:\n- {slug: c, why: ' '}\n").unwrap_err().contains("needs a slug and a why"));
        assert!(parse("surprise: 1\n").is_err());
    }
}
