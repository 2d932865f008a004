//! `cargo xtask diff`: what changed in the API between two revisions, and whether it breaks users.
//!
//! Three steps, load -> compare -> render:
//!
//! * **load**: for every family, the spec at `--base` (default: the merge base of HEAD and
//!   `main`, read from git by [`git`]) and at `--head` (default: the work tree), plus
//!   `specs/diff-ignore.yaml` ([`ignore`]);
//! * **compare**: [`openapi`] classifies each spec change by a stable [`rules::Rule`] (breaking,
//!   possibly breaking, non-breaking; direction-aware), and [`openrpc`] does the same for the
//!   JSON-RPC family (methods and params added, removed or retyped); [`rust`] generates both versions in
//!   memory and lists what appears, disappears or changes type in the crate; [`group`] folds the
//!   changes into the rows a reviewer reads (one row per change to a shared schema, listing the
//!   operations it affects) and attributes each Rust change to its row, field by field;
//! * **render**: [`render`] prints Markdown for a pull request, JSON for tools, or the
//!   CHANGELOG.md entry; `--fail-on` turns the report into an exit status for CI.
//!
//! Another family's comparison (a JSON-RPC description, say) plugs in by producing a
//! [`FamilyReport`] with [`Change`]s; grouping and rendering are shared.

pub mod git;
pub mod group;
pub mod ignore;
pub mod openapi;
pub mod openrpc;
pub mod render;
pub mod rules;
pub mod rust;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use group::{OperationRef, Row};
pub use rules::{Level, Rule};
pub use rust::{RustChange, GENERATED_TYPES_NON_EXHAUSTIVE};

use crate::Family;
use ignore::IgnoreEntry;

/// One classified spec change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The kind of change (serialized as its id).
    pub rule: Rule,
    /// Its severity (the rule's level).
    pub level: Level,
    /// Family name (`core`, `mediastore`, ...).
    pub family: String,
    /// The operation it belongs to, if any (document-level changes have none).
    pub operation_id: Option<String>,
    /// `METHOD /path` of that operation (head side when it exists).
    pub http: Option<String>,
    /// JSON pointer into the head spec (into the base spec for removals).
    pub pointer: String,
    /// The innermost component schema the change was found in (links it to a Rust type).
    pub schema: Option<String>,
    /// Pointer of the changed node inside that component (`/components/schemas/Subscription/properties/status`):
    /// identical for every operation that reaches the schema, so the report groups on it and an
    /// ignore entry may name it once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_pointer: Option<String>,
    /// One readable sentence.
    pub message: String,
    /// The sentence with the field named from its component (`` `Subscription.status` ``), used
    /// when one row stands for several operations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_message: Option<String>,
}

/// A change accepted by the ignore file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ignored {
    /// The change.
    pub change: Change,
    /// The reason given in the ignore file.
    pub reason: String,
}

/// The report for one family.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FamilyReport {
    /// Family name.
    pub family: String,
    /// Whether the spec exists at base / head.
    pub base_exists: bool,
    /// Whether the spec exists at head.
    pub head_exists: bool,
    /// Spec changes that count (not ignored), most severe first.
    pub changes: Vec<Change>,
    /// Spec changes the ignore file accepts.
    pub ignored: Vec<Ignored>,
    /// Changes to the generated crate's public surface.
    pub rust: Vec<RustChange>,
    /// Why the Rust surface could not be compared, if it could not.
    pub rust_error: Option<String>,
    /// The counted changes as a reviewer reads them: one row per shared-schema change (with every
    /// operation it affects) or operation-level change, each with the Rust changes it causes.
    pub rows: Vec<Row>,
    /// Rust changes no row explains (listed on their own).
    pub unlinked_rust: Vec<RustChange>,
}

/// What a release containing a report's changes must be under semver (Rust's view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing changed.
    None,
    /// Documentation only (descriptions, summaries, links, confidence).
    Patch,
    /// Additions that cannot break existing code (given [`GENERATED_TYPES_NON_EXHAUSTIVE`]).
    Minor,
    /// Existing code or existing requests may break.
    Major,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::None => "none",
            Verdict::Patch => "patch",
            Verdict::Minor => "minor",
            Verdict::Major => "major",
        })
    }
}

/// Rules that change documentation only.
fn doc_only(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::ApiSummaryChanged
            | Rule::ApiDescriptionChanged
            | Rule::ApiDocLinkChanged
            | Rule::ApiConfidenceChanged
            | Rule::SchemaDescriptionChanged
    )
}

impl FamilyReport {
    /// Number of report rows at `level` (a shared-schema change counts once).
    pub fn count(&self, level: Level) -> usize {
        self.rows.iter().filter(|r| r.level == level).count()
    }

    /// Recomputes [`FamilyReport::rows`] from the counted changes and the Rust changes.
    pub fn group(&mut self) {
        let (rows, unlinked) = group::rows(&self.changes, &self.rust);
        self.rows = rows;
        self.unlinked_rust = unlinked;
    }

    /// The semver verdict: major when a spec change is breaking or a Rust change breaks code
    /// (under [`GENERATED_TYPES_NON_EXHAUSTIVE`]); patch when only documentation changed.
    pub fn verdict(&self) -> Verdict {
        self.verdict_when(GENERATED_TYPES_NON_EXHAUSTIVE)
    }

    /// The verdict if generated types were (or were not) `#[non_exhaustive]`.
    pub fn verdict_when(&self, non_exhaustive: bool) -> Verdict {
        let breaking = self.changes.iter().any(|c| c.level == Level::Breaking)
            || self.rust.iter().any(|r| r.breaks_code_when(non_exhaustive));
        if breaking {
            Verdict::Major
        } else if !self.rust.is_empty() || self.changes.iter().any(|c| !doc_only(c.rule)) {
            Verdict::Minor
        } else if !self.changes.is_empty() {
            Verdict::Patch
        } else {
            Verdict::None
        }
    }

    /// The Rust changes linked to an operation.
    pub fn rust_for_operation(&self, operation_id: &str) -> Vec<&RustChange> {
        self.rust
            .iter()
            .filter(|r| r.operation_id.as_deref() == Some(operation_id))
            .collect()
    }
}

/// The whole report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// What the base side is (a commit hash).
    pub base: String,
    /// What the head side is (a commit hash or `work tree`).
    pub head: String,
    /// One entry per family compared.
    pub families: Vec<FamilyReport>,
    /// Ignore entries that matched no change (stale; remove them).
    pub unused_ignores: Vec<IgnoreEntry>,
}

impl Report {
    /// Number of report rows at `level`, over all families.
    pub fn count(&self, level: Level) -> usize {
        self.families.iter().map(|f| f.count(level)).sum()
    }

    /// The most demanding verdict over all families.
    pub fn verdict(&self) -> Verdict {
        self.families.iter().map(FamilyReport::verdict).max().unwrap_or(Verdict::None)
    }

    /// True when a counted change at `threshold` or above exists (the `--fail-on` test).
    pub fn fails(&self, threshold: Level) -> bool {
        self.families
            .iter()
            .flat_map(|f| &f.changes)
            .any(|c| c.level >= threshold)
    }
}

/// The process exit status for `report` under `--fail-on` (`None`: never fail): 1 or 0.
pub fn exit_code(report: &Report, fail_on: Option<Level>) -> u8 {
    match fail_on {
        Some(threshold) if report.fails(threshold) => 1,
        _ => 0,
    }
}

/// Parses a spec's bytes into the untyped JSON form the comparison walks.
pub fn parse_document(bytes: &[u8]) -> Result<serde_json::Value, String> {
    let yaml: serde_yaml::Value = serde_yaml::from_slice(bytes).map_err(|e| e.to_string())?;
    serde_json::to_value(yaml).map_err(|e| e.to_string())
}

/// Compares one family's spec at base and head (`None`: the file does not exist on that side).
/// With `with_rust`, both sides are generated in memory and their surfaces compared too.
pub fn diff_family(
    family: Family,
    base: Option<&[u8]>,
    head: Option<&[u8]>,
    ignores: &[IgnoreEntry],
    with_rust: bool,
) -> Result<FamilyReport, String> {
    let name = family.name();
    let doc = |side: &str, bytes: Option<&[u8]>| -> Result<serde_json::Value, String> {
        match bytes {
            None => Ok(serde_json::Value::Null),
            Some(b) => parse_document(b).map_err(|e| format!("{side} {}: {e}", family.spec_path())),
        }
    };
    let base_doc = doc("base", base)?;
    let head_doc = doc("head", head)?;
    let mut report = FamilyReport {
        family: name.to_string(),
        base_exists: base.is_some(),
        head_exists: head.is_some(),
        ..FamilyReport::default()
    };
    if base == head {
        return Ok(report);
    }
    // The JSON-RPC family is an OpenRPC document: its own walker, the same rules.
    let changes = if family.is_openrpc() {
        openrpc::compare(name, &base_doc, &head_doc)
    } else {
        openapi::compare(name, &base_doc, &head_doc)
    };
    for change in changes {
        match ignores.iter().find(|e| e.matches(&change)) {
            Some(entry) => report.ignored.push(Ignored {
                change,
                reason: entry.reason.clone(),
            }),
            None => report.changes.push(change),
        }
    }
    report.changes.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.operation_id.cmp(&b.operation_id))
            .then_with(|| a.pointer.cmp(&b.pointer))
    });
    if with_rust {
        let side = |bytes: Option<&[u8]>| match bytes {
            None => Ok(crate::surface::Surface::default()),
            Some(b) => rust::surface_of(family, b),
        };
        match (side(base), side(head)) {
            (Ok(b), Ok(h)) => report.rust = rust::compare(&b, &h),
            (Err(e), _) => report.rust_error = Some(format!("base does not generate: {e}")),
            (_, Err(e)) => report.rust_error = Some(format!("head does not generate: {e}")),
        }
    }
    report.group();
    Ok(report)
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A pull-request comment.
    Markdown,
    /// Machine-readable.
    Json,
    /// The entry to paste into CHANGELOG.md.
    Changelog,
}

/// Parsed `cargo xtask diff` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--base REV` (default: merge base of HEAD and main).
    pub base: Option<String>,
    /// `--head REV` (default: the work tree).
    pub head: Option<String>,
    /// `--format markdown|json|changelog`.
    pub format: Format,
    /// `--fail-on breaking|warn|info`.
    pub fail_on: Option<Level>,
    /// `--root DIR`: the repository to read (default: this workspace).
    pub root: Option<PathBuf>,
    /// `--no-rust`: skip generating the crates (spec changes only; faster).
    pub rust: bool,
    /// Families to compare (default: all).
    pub families: Vec<Family>,
}

/// Usage line of `cargo xtask diff`.
pub const USAGE: &str = "usage: cargo xtask diff [--base REV] [--head REV] [--format markdown|json|changelog] \
[--fail-on breaking|warn|info] [--no-rust] [--root DIR] [core|mediastore|auth|inapp|webhooks|legacy ...]";

/// Parses the arguments after `diff`. `Ok(None)` means help was asked for.
pub fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        base: None,
        head: None,
        format: Format::Markdown,
        fail_on: None,
        root: None,
        rust: true,
        families: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--base" => o.base = Some(value("--base")?),
            "--head" => o.head = Some(value("--head")?),
            "--root" => o.root = Some(PathBuf::from(value("--root")?)),
            "--no-rust" => o.rust = false,
            "--format" => {
                o.format = match value("--format")?.as_str() {
                    "markdown" | "md" => Format::Markdown,
                    "json" => Format::Json,
                    "changelog" => Format::Changelog,
                    other => return Err(format!("unknown format {other:?} (markdown, json or changelog)")),
                }
            }
            "--fail-on" => {
                let v = value("--fail-on")?;
                o.fail_on = Some(
                    Level::from_fail_on(&v)
                        .ok_or_else(|| format!("unknown --fail-on level {v:?} (breaking, warn or info)"))?,
                );
            }
            name => match Family::from_name(name) {
                Some(f) => o.families.push(f),
                None => return Err(format!("unknown argument {name:?}")),
            },
        }
    }
    Ok(Some(o))
}

/// Builds the report for `options` in the repository at `root`.
pub fn run(root: &Path, options: &Options) -> Result<Report, String> {
    let root = options.root.as_deref().unwrap_or(root);
    let base = match &options.base {
        Some(rev) => git::resolve(root, rev)?,
        None => git::merge_base(root)?,
    };
    let head = match &options.head {
        Some(rev) => Some(git::resolve(root, rev)?),
        None => None,
    };
    let read_head = |path: &str| -> Result<Option<Vec<u8>>, String> {
        match &head {
            Some(rev) => git::show(root, rev, path),
            None => match std::fs::read(root.join(path)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("cannot read {path}: {e}")),
            },
        }
    };
    let ignores = match read_head(ignore::IGNORE_PATH)? {
        Some(bytes) => ignore::parse(&String::from_utf8_lossy(&bytes))?,
        None => Vec::new(),
    };
    let families = if options.families.is_empty() {
        Family::ALL.to_vec()
    } else {
        options.families.clone()
    };
    let mut report = Report {
        base: base.clone(),
        head: head.clone().unwrap_or_else(|| "work tree".to_string()),
        ..Report::default()
    };
    for family in families {
        let path = family.spec_path();
        let b = git::show(root, &base, &path)?;
        let h = read_head(&path)?;
        if b.is_none() && h.is_none() {
            continue;
        }
        report
            .families
            .push(diff_family(family, b.as_deref(), h.as_deref(), &ignores, options.rust)?);
    }
    report.unused_ignores = ignores
        .into_iter()
        .filter(|e| {
            !report
                .families
                .iter()
                .flat_map(|f| &f.ignored)
                .any(|i| e.matches(&i.change))
        })
        .collect();
    Ok(report)
}

/// The whole command: parse `args`, build the report, print it to `out`, and return the exit
/// status (0 fine, 1 `--fail-on` threshold reached, 2 usage or input error).
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
            let _ = writeln!(err, "diff failed: {e}");
            return 2;
        }
    };
    let text = match options.format {
        Format::Markdown => render::markdown(&report),
        Format::Json => render::json(&report),
        Format::Changelog => render::changelog(&report),
    };
    let _ = write!(out, "{text}");
    let code = exit_code(&report, options.fail_on);
    if code != 0 {
        if let Some(level) = options.fail_on {
            let _ = writeln!(
                err,
                "--fail-on {level}: {} breaking, {} possibly breaking change(s); accept one in {} with a reason",
                report.count(Level::Breaking),
                report.count(Level::PossiblyBreaking),
                ignore::IGNORE_PATH
            );
        }
    }
    code
}
