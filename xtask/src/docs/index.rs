//! Reading Cleeng's documentation index (the llms.txt format): `## Section` headings, then one
//! `- [Title](url): summary` line per page; a summary may run on over the following lines.

/// One page listed in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPage {
    /// The section it is listed under (`API Reference`, `Guides`).
    pub section: String,
    /// The link text, trimmed.
    pub title: String,
    /// The link target as written (`https://developers.cleeng.com/reference/login.md`).
    pub url: String,
    /// The last path segment without `.md` (`login`): what spec links are matched on.
    pub slug: String,
    /// The one-line summary and any lines continuing it (may be empty).
    pub summary: String,
    /// 1-based line number in the index, for messages.
    pub line: usize,
}

impl IndexPage {
    /// True for an API reference page (a `/reference/` link outside the changelog).
    pub fn is_reference(&self) -> bool {
        self.url.contains("/reference/") && !self.section.eq_ignore_ascii_case("changelog")
    }
}

/// The slug of a page URL: its last path segment, without a query, fragment or `.md`.
pub fn slug_of(url: &str) -> String {
    let url = url.split(['#', '?']).next().unwrap_or(url);
    let last = url.trim_end_matches('/').rsplit('/').next().unwrap_or(url);
    last.strip_suffix(".md").unwrap_or(last).to_string()
}

/// Parses `- [Title](url)` with an optional `: summary`; titles may contain `[` `]`
/// (`[V2] Fetch offer details`), so the link is found by the last `](` before a URL.
fn entry(line: &str) -> Option<(String, String, String)> {
    let rest = line.strip_prefix("- [")?;
    let split = rest.match_indices("](").find(|(i, _)| {
        let after = &rest[i + 2..];
        after.starts_with("http://") || after.starts_with("https://") || after.starts_with('/')
    })?;
    let title = rest[..split.0].trim().to_string();
    let after = &rest[split.0 + 2..];
    let close = after.find(')')?;
    let url = after[..close].trim().to_string();
    let summary = after[close + 1..].trim_start_matches(':').trim().to_string();
    Some((title, url, summary))
}

/// Reads every page of the index; the `## Changelog` section is skipped (release notes are not
/// pages of the API).
pub fn parse(text: &str) -> Vec<IndexPage> {
    let mut out: Vec<IndexPage> = Vec::new();
    let mut section = String::new();
    let mut in_entry = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if let Some(h) = line.strip_prefix("## ") {
            section = h.trim().to_string();
            in_entry = false;
            continue;
        }
        if line.starts_with("# ") {
            in_entry = false;
            continue;
        }
        if section.eq_ignore_ascii_case("changelog") {
            continue;
        }
        match entry(line) {
            Some((title, url, summary)) => {
                out.push(IndexPage {
                    section: section.clone(),
                    slug: slug_of(&url),
                    title,
                    url,
                    summary,
                    line: i + 1,
                });
                in_entry = true;
            }
            None if in_entry && !line.trim().is_empty() => {
                if let Some(last) = out.last_mut() {
                    if !last.summary.is_empty() {
                        last.summary.push(' ');
                    }
                    last.summary.push_str(line.trim());
                }
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_titles_with_brackets_continuations_and_the_changelog() {
        let text = "# Docs\n## Guides\n- [A guide](https://x.test/docs/a-guide.md)\n## API Reference\n\
- [[V2] Fetch a thing](https://x.test/reference/v2-fetch-thing.md): Fetches one thing.\n\
Continues here.\n- Production URL: https://api.x.test/thing\n- [Plain](https://x.test/reference/plain.md)\n\
## Changelog\n- [Release Notes](https://x.test/changelog/release-notes.md)\n";
        let pages = parse(text);
        assert_eq!(pages.len(), 3, "{pages:#?}");
        assert_eq!(pages[0].section, "Guides");
        assert!(!pages[0].is_reference());
        assert_eq!(pages[1].title, "[V2] Fetch a thing");
        assert_eq!(pages[1].slug, "v2-fetch-thing");
        assert_eq!(
            pages[1].summary,
            "Fetches one thing. Continues here. - Production URL: https://api.x.test/thing"
        );
        assert!(pages[1].is_reference());
        assert_eq!((pages[2].slug.as_str(), pages[2].line), ("plain", 8));
    }

    #[test]
    fn slugs_drop_fragments_and_the_md_suffix() {
        assert_eq!(slug_of("https://x.test/reference/login.md"), "login");
        assert_eq!(slug_of("https://x.test/reference/login#anchor"), "login");
        assert_eq!(slug_of("https://x.test/reference/login/"), "login");
    }
}
