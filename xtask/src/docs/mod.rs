//! `cargo xtask docs`: what changed in Cleeng's documentation that the specs do not reflect.
//!
//! load -> compare -> render:
//! * **load** the index (llms.txt format; [`index`]) from a file or URL ([`fetch`]), the specs'
//!   page links ([`specs`]) and the reviewed baseline ([`baseline`]);
//! * **compare** them page by page ([`compare`], with [`infer`] guessing families and renames),
//!   and with `--pages`, each covered operation's page tables field by field ([`pages`]);
//! * **render** Markdown or JSON ([`render`]); `--fail-on` turns changes into exit status 1.
//!
//! Exit status: 0 no change (or no `--fail-on`), 1 a change `--fail-on` names, 2 usage, read or
//! fetch error.

pub mod baseline;
pub mod compare;
pub mod fetch;
pub mod index;
pub mod infer;
pub mod pages;
pub mod render;
pub mod specs;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use compare::{IndexComparison, Kind};
use pages::{FieldChange, FieldKind};
use specs::Owner;

/// Cleeng's published index.
pub const DEFAULT_INDEX: &str = "https://developers.cleeng.com/llms.txt";

/// Usage of `cargo xtask docs`.
pub const USAGE: &str = "usage: cargo xtask docs [--index PATH|URL] [--pages DIR|URL] \
[--format markdown|json] [--fail-on added|removed|any] [--root DIR]
  --index   the llms.txt index (default: https://developers.cleeng.com/llms.txt)
  --pages   also compare each covered operation's page tables with its schema; DIR holds
            <slug>.md files, a URL is a base such as https://developers.cleeng.com/reference";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For the weekly issue.
    Markdown,
    /// For tools.
    Json,
}

/// Which changes make the command exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// New pages or fields.
    Added,
    /// Pages or fields gone.
    Removed,
    /// Any change.
    Any,
}

/// Parsed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--index`.
    pub index: String,
    /// `--pages`.
    pub pages: Option<String>,
    /// `--format`.
    pub format: Format,
    /// `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// `--root`: the repository whose specs are compared.
    pub root: Option<PathBuf>,
}

/// Parses the arguments after `docs`; `Ok(None)` means help.
pub fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        index: DEFAULT_INDEX.to_string(),
        pages: None,
        format: Format::Markdown,
        fail_on: None,
        root: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--index" => o.index = value("--index")?,
            "--pages" => o.pages = Some(value("--pages")?),
            "--root" => o.root = Some(PathBuf::from(value("--root")?)),
            "--format" => {
                o.format = match value("--format")?.as_str() {
                    "markdown" | "md" => Format::Markdown,
                    "json" => Format::Json,
                    other => return Err(format!("unknown format {other:?} (markdown or json)")),
                }
            }
            "--fail-on" => {
                o.fail_on = Some(match value("--fail-on")?.as_str() {
                    "added" => FailOn::Added,
                    "removed" => FailOn::Removed,
                    "any" => FailOn::Any,
                    other => return Err(format!("unknown --fail-on {other:?} (added, removed or any)")),
                })
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(o))
}

/// Field differences found on one operation's page.
#[derive(Debug, Clone, Serialize)]
pub struct OperationFields {
    /// Family.
    pub family: String,
    /// operationId.
    pub operation_id: String,
    /// Page slug.
    pub slug: String,
    /// The differences (empty when the page agrees).
    pub changes: Vec<FieldChange>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where the index came from.
    pub index: String,
    /// The page-level comparison.
    pub pages: IndexComparison,
    /// Where pages came from (`--pages`), if they were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages_source: Option<String>,
    /// One entry per page read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<OperationFields>,
    /// Pages of covered operations that could not be found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pages_missing: Vec<String>,
}

impl Report {
    /// Page changes plus field changes.
    pub fn change_count(&self) -> usize {
        self.pages.changes.len() + self.fields.iter().map(|o| o.changes.len()).sum::<usize>()
    }

    /// Whether a change `fail_on` names exists.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        let page_kinds = self.pages.changes.iter().map(|c| c.kind);
        let field_kinds: Vec<FieldKind> = self.fields.iter().flat_map(|o| o.changes.iter().map(|c| c.kind)).collect();
        match fail_on {
            FailOn::Any => self.change_count() > 0,
            FailOn::Added => {
                page_kinds.clone().any(|k| k == Kind::Added) || field_kinds.contains(&FieldKind::Added)
            }
            FailOn::Removed => {
                page_kinds.clone().any(|k| k == Kind::Removed) || field_kinds.contains(&FieldKind::Removed)
            }
        }
    }
}

/// Reads a file or URL; `what` names it in errors.
fn read_source(source: &str, http: &mut Option<fetch::Http>, what: &str) -> Result<Option<String>, String> {
    if fetch::is_url(source) {
        if http.is_none() {
            *http = Some(fetch::Http::new()?);
        }
        http.as_ref().map(|h| h.get(source)).unwrap_or(Ok(None))
    } else {
        fetch::read_file(Path::new(source)).map_err(|e| format!("{what}: {e}"))
    }
}

/// Builds the report for `options` with the specs under `root`.
pub fn run(root: &Path, options: &Options) -> Result<Report, String> {
    let root = options.root.as_deref().unwrap_or(root);
    let mut http = None;
    let text = read_source(&options.index, &mut http, "index")?
        .ok_or_else(|| format!("index {} not found", options.index))?;
    let index = index::parse(&text);
    if !index.iter().any(|p| p.is_reference()) {
        return Err(format!("{} lists no /reference/ page: is it Cleeng's llms.txt index?", options.index));
    }
    let specs = specs::load(root)?;
    let links = specs::links(&specs);
    let baseline = baseline::load(root)?;
    let mut report = Report {
        index: options.index.clone(),
        pages: compare::compare(&index, &links, &baseline),
        pages_source: options.pages.clone(),
        fields: Vec::new(),
        pages_missing: Vec::new(),
    };
    if let Some(src) = &options.pages {
        for spec in &specs {
            let Some(paths) = spec.doc.get("paths").and_then(Value::as_object) else { continue };
            for (path, item) in paths {
                for method in specs::METHODS {
                    let Some(op) = item.get(method) else { continue };
                    let Some(link) = links.iter().find(|l| {
                        l.family == spec.family
                            && matches!(&l.owner, Owner::Operation { http, .. } if *http == format!("{} {path}", method.to_uppercase()))
                    }) else {
                        continue;
                    };
                    let location = if fetch::is_url(src) {
                        format!("{}/{}.md", src.trim_end_matches('/'), link.slug)
                    } else {
                        Path::new(src).join(format!("{}.md", link.slug)).display().to_string()
                    };
                    let id = op.get("operationId").and_then(Value::as_str).unwrap_or(path).to_string();
                    match read_source(&location, &mut http, "page")? {
                        None => report.pages_missing.push(link.slug.clone()),
                        Some(md) => report.fields.push(OperationFields {
                            family: spec.family.clone(),
                            operation_id: id,
                            slug: link.slug.clone(),
                            changes: pages::compare(&spec.doc, item, op, &pages::parse(&md)),
                        }),
                    }
                }
            }
        }
        report.pages_missing.sort();
        report.pages_missing.dedup();
    }
    Ok(report)
}

/// The whole command; returns the exit status.
pub fn run_cli(root: &Path, args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let options = match parse_args(args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            let _ = writeln!(out, "{USAGE}");
            return 0;
        }
        Err(e) => {
            let _ = writeln!(err, "{e}\n{USAGE}");
            return 2;
        }
    };
    let report = match run(root, &options) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "docs failed: {e}");
            return 2;
        }
    };
    let text = match options.format {
        Format::Markdown => render::markdown(&report),
        Format::Json => render::json(&report),
    };
    let _ = write!(out, "{text}");
    match options.fail_on {
        Some(f) if report.fails(f) => {
            let _ = writeln!(
                err,
                "--fail-on: {} change(s); edit the spec (with the evidence) or record the page in {}",
                report.change_count(),
                baseline::BASELINE_PATH
            );
            1
        }
        _ => 0,
    }
}
