//! Comparing the index with the specs and the reviewed baseline: pages no spec covers (new API
//! surface, or one we missed), pages the specs link that are gone (removed or renamed), pages
//! whose title changed.

use std::collections::BTreeMap;

use serde::Serialize;

use super::baseline::Baseline;
use super::index::IndexPage;
use super::infer;
use super::specs::{Link, Owner};

/// What happened to a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A page the specs link is no longer in the index.
    Removed,
    /// A reference page no spec links and the baseline does not explain.
    Added,
    /// A page's title differs from the reviewed one.
    Retitled,
}

/// A suggested rename target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rename {
    /// Slug of the new page.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Likeness, 0..=1.
    pub score: f64,
}

/// One page-level change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageChange {
    /// What happened.
    pub kind: Kind,
    /// Family, or `None` when it cannot be told.
    pub family: Option<String>,
    /// Why that family.
    pub family_because: String,
    /// Page slug.
    pub slug: String,
    /// Its title (the index's; for a removed page the reviewed one, else empty).
    pub title: String,
    /// The reviewed title of a retitled page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_title: Option<String>,
    /// Operations (or tags) linking it: `operationId (METHOD /path)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub linked_by: Vec<String>,
    /// For a removed page: the new page it was probably renamed to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rename: Option<Rename>,
    /// For an added page: the index's summary.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary: String,
}

/// The page-level comparison.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexComparison {
    /// Reference pages in the index.
    pub reference_pages: usize,
    /// Of those, pages a spec links.
    pub covered: usize,
    /// Of those, pages the baseline explains.
    pub reviewed: usize,
    /// Reference pages per family (linked, reviewed or guessed; `unknown` when none).
    pub per_family: BTreeMap<String, usize>,
    /// What changed.
    pub changes: Vec<PageChange>,
    /// Baseline entries that no longer apply (remove them).
    pub stale_baseline: Vec<String>,
}

fn owner_text(l: &Link) -> String {
    match &l.owner {
        Owner::Operation { id, http } => format!("{id} ({http})"),
        Owner::Tag(t) => format!("tag {t}"),
        Owner::Document => "the document".to_string(),
    }
}

/// Compares the reference pages of `index` with the spec `links` and the `baseline`.
pub fn compare(index: &[IndexPage], links: &[Link], baseline: &Baseline) -> IndexComparison {
    let reference: Vec<IndexPage> = index.iter().filter(|p| p.is_reference()).cloned().collect();
    let family_of =
        |slug: &str| links.iter().find(|l| l.reference && l.slug == slug).map(|l| l.family.clone());
    let in_index = |slug: &str| reference.iter().any(|p| p.slug == slug);
    // A link to a guide (`/docs/`) is looked up among the guides.
    let linked_in_index = |l: &Link| {
        index.iter().any(|p| p.slug == l.slug && p.is_reference() == l.reference)
    };
    let mut out = IndexComparison {
        reference_pages: reference.len(),
        ..IndexComparison::default()
    };
    for page in &reference {
        let title = page.title.trim();
        let linked = family_of(&page.slug);
        let reviewed = baseline.not_operation(&page.slug);
        let family = match (&linked, reviewed) {
            (Some(f), _) => Some(f.clone()),
            (None, Some(r)) => r.family.clone(),
            (None, None) => infer::family(page, &reference, &family_of).family,
        };
        let bucket = match (&family, reviewed) {
            (Some(f), _) => f.clone(),
            // Reviewed pages about every API (errors, caching) belong to no family.
            (None, Some(_)) => "general".into(),
            (None, None) => "unknown".into(),
        };
        *out.per_family.entry(bucket).or_default() += 1;
        if linked.is_some() {
            out.covered += 1;
            if reviewed.is_some() {
                out.stale_baseline.push(format!(
                    "not_operations: `{}` is now linked from the {} spec",
                    page.slug,
                    linked.as_deref().unwrap_or_default()
                ));
            }
        } else if reviewed.is_some() {
            out.reviewed += 1;
        } else {
            let guess = infer::family(page, &reference, &family_of);
            out.changes.push(PageChange {
                kind: Kind::Added,
                family: guess.family,
                family_because: guess.because,
                slug: page.slug.clone(),
                title: title.to_string(),
                old_title: None,
                linked_by: Vec::new(),
                rename: None,
                summary: page.summary.clone(),
            });
        }
        if let Some(old) = baseline.title(&page.slug) {
            if old.trim() != title {
                out.changes.push(PageChange {
                    kind: Kind::Retitled,
                    family: family.clone(),
                    family_because: String::new(),
                    slug: page.slug.clone(),
                    title: title.to_string(),
                    old_title: Some(old.trim().to_string()),
                    linked_by: Vec::new(),
                    rename: None,
                    summary: String::new(),
                });
            }
        }
    }
    // Rename candidates: pages no spec links and the baseline does not know.
    let candidates: Vec<&IndexPage> = reference
        .iter()
        .filter(|p| family_of(&p.slug).is_none() && baseline.not_operation(&p.slug).is_none())
        .collect();
    let mut gone: BTreeMap<&str, Vec<&Link>> = BTreeMap::new();
    for l in links {
        if !linked_in_index(l) {
            gone.entry(l.slug.as_str()).or_default().push(l);
        }
    }
    for (slug, owners) in gone {
        if baseline.unlisted(slug).is_some() {
            continue;
        }
        let title = baseline.title(slug).unwrap_or_default().trim().to_string();
        let rename = infer::rename(slug, &title, &candidates).map(|(p, score)| Rename {
            slug: p.slug.clone(),
            title: p.title.trim().to_string(),
            score: (score * 100.0).round() / 100.0,
        });
        out.changes.push(PageChange {
            kind: Kind::Removed,
            family: Some(owners[0].family.clone()),
            family_because: "linked from its spec".into(),
            slug: slug.to_string(),
            title,
            old_title: None,
            linked_by: owners.iter().map(|l| owner_text(l)).collect(),
            rename,
            summary: String::new(),
        });
    }
    for r in &baseline.not_operations {
        if !in_index(&r.slug) {
            out.stale_baseline.push(format!("not_operations: `{}` is no longer in the index", r.slug));
        }
    }
    for r in &baseline.unlisted {
        if in_index(&r.slug) {
            out.stale_baseline.push(format!("unlisted: `{}` is listed in the index now", r.slug));
        } else if !links.iter().any(|l| l.slug == r.slug) {
            // (a spec link to this slug keeps the entry alive)
            out.stale_baseline.push(format!("unlisted: no spec links `{}` any more", r.slug));
        }
    }
    out.changes.sort_by(|a, b| {
        a.family
            .is_none()
            .cmp(&b.family.is_none())
            .then_with(|| a.family.cmp(&b.family))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    out
}
