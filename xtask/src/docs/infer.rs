//! Guessing what the index does not say: the family of a reference page no spec links, and
//! which new page a vanished one was probably renamed to.

use super::index::IndexPage;

/// A family guess and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    /// Family name, or `None` for "family unknown".
    pub family: Option<String>,
    /// How it was decided (shown in the report).
    pub because: String,
}

/// Words in a slug, title or summary that name a family, checked in this order.
const KEYWORDS: &[(&str, &[&str])] = &[
    ("legacy", &["json-rpc", "jsonrpc"]),
    ("mediastore", &["mediastore", "media store"]),
    ("webhooks", &["webhooks api", "webhook endpoint", "event type"]),
    ("inapp", &["in-app api", "inapp", "storekit", "in-app purchase", "receipt"]),
    ("auth", &["auth api", "pin pair", "device login", "jwks", "hi5", "auth0"]),
    ("core", &["core api", "api 3.1", "/3.1/", "publisher token"]),
];

/// Slug prefixes Cleeng uses per family.
const PREFIXES: &[(&str, &str)] = &[("31-", "core"), ("ms-", "mediastore"), ("msd-", "mediastore")];

/// A JSON-RPC method page: its title is one camelCase word (`getAccessStatus`) and its slug the
/// same word lowercased.
fn json_rpc_method(page: &IndexPage) -> bool {
    let t = page.title.trim();
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_alphanumeric())
        && t.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && t.chars().any(|c| c.is_ascii_uppercase())
        && t.to_ascii_lowercase() == page.slug
}

/// The family of `page` from its slug and summary, else from its neighbours in the index (the
/// index lists each family's pages together): `family_of(slug)` gives the family of a page a
/// spec links.
pub fn family(page: &IndexPage, reference: &[IndexPage], family_of: &dyn Fn(&str) -> Option<String>) -> Guess {
    if let Some(f) = family_of(&page.slug) {
        return Guess { family: Some(f), because: "linked from its spec".into() };
    }
    for (prefix, fam) in PREFIXES {
        if page.slug.starts_with(prefix) {
            return Guess { family: Some(fam.to_string()), because: format!("slug prefix `{prefix}`") };
        }
    }
    if json_rpc_method(page) {
        return Guess { family: Some("legacy".into()), because: "title is a JSON-RPC method name".into() };
    }
    let text = format!("{} {} {}", page.slug, page.title, page.summary).to_ascii_lowercase();
    for (fam, words) in KEYWORDS {
        if let Some(w) = words.iter().find(|w| text.contains(*w)) {
            return Guess { family: Some(fam.to_string()), because: format!("slug/summary mentions \"{w}\"") };
        }
    }
    // Neighbours: the nearest linked page before and after it must agree.
    if let Some(pos) = reference.iter().position(|p| p.slug == page.slug) {
        let before = reference[..pos].iter().rev().find_map(|p| family_of(&p.slug));
        let after = reference[pos + 1..].iter().find_map(|p| family_of(&p.slug));
        if let (Some(b), Some(a)) = (&before, &after) {
            if a == b {
                return Guess { family: Some(a.clone()), because: "listed between pages of that family".into() };
            }
        }
    }
    Guess { family: None, because: "no spec links it; slug, summary and neighbours do not tell".into() }
}

fn tokens(s: &str) -> Vec<String> {
    s.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty() && !matches!(*t, "a" | "an" | "the" | "of" | "31" | "md"))
        .map(str::to_string)
        .collect()
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let inter = a.iter().filter(|t| b.contains(t)).count() as f64;
    let union = (a.len() + b.iter().filter(|t| !a.contains(t)).count()) as f64;
    inter / union
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// How alike two pages are, 0..=1: the best of slug edit distance, slug words and title words.
pub fn similarity(slug_a: &str, title_a: &str, slug_b: &str, title_b: &str) -> f64 {
    let longest = slug_a.len().max(slug_b.len()).max(1) as f64;
    let edit = 1.0 - levenshtein(slug_a, slug_b) as f64 / longest;
    let slug_words = jaccard(&tokens(slug_a), &tokens(slug_b));
    let title_words = jaccard(&tokens(title_a), &tokens(title_b));
    edit.max(slug_words).max(title_words)
}

/// The threshold under which no rename is suggested.
pub const RENAME_THRESHOLD: f64 = 0.6;

/// The candidate most like (`slug`, `title`), if alike enough.
pub fn rename<'a>(slug: &str, title: &str, candidates: &[&'a IndexPage]) -> Option<(&'a IndexPage, f64)> {
    candidates
        .iter()
        .map(|p| (*p, similarity(slug, title, &p.slug, &p.title)))
        .filter(|(_, s)| *s >= RENAME_THRESHOLD)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(slug: &str, title: &str, summary: &str) -> IndexPage {
        IndexPage {
            section: "API Reference".into(),
            title: title.into(),
            url: format!("https://x.test/reference/{slug}.md"),
            slug: slug.into(),
            summary: summary.into(),
            line: 1,
        }
    }

    #[test]
    fn family_from_link_prefix_method_name_words_neighbours_or_unknown() {
        let linked = |s: &str| (s == "a" || s == "c").then(|| "core".to_string());
        let none = |_: &str| None;
        let list = vec![page("a", "A", ""), page("b", "B", ""), page("c", "C", "")];
        assert_eq!(family(&list[0], &list, &linked).family.as_deref(), Some("core"));
        assert_eq!(family(&list[1], &list, &linked).because, "listed between pages of that family");
        assert_eq!(family(&list[1], &list, &none).family, None);
        assert_eq!(family(&page("31-x", "X", ""), &[], &none).family.as_deref(), Some("core"));
        assert_eq!(family(&page("getfoo", "getFoo", ""), &[], &none).family.as_deref(), Some("legacy"));
        let ms = page("x", "X", "Call it with the MediaStore JWT");
        assert_eq!(family(&ms, &[], &none).family.as_deref(), Some("mediastore"));
    }

    #[test]
    fn renames_are_suggested_by_slug_or_title_likeness() {
        let a = page("subscription-revive", "Revive subscription", "");
        let b = page("list-campaigns", "List campaigns", "");
        let got = rename("revive-subscription", "Revive subscription", &[&a, &b]).unwrap();
        assert_eq!(got.0.slug, "subscription-revive");
        assert!(rename("fetch-offers", "Fetch offers", &[&b]).is_none());
    }
}
