//! `cargo xtask probe`: calls Cleeng (sandbox by default) with the maintainer's credentials and
//! checks every answer against the specs, turning guesses into evidence.
//!
//! load -> run -> check -> render:
//! * **load** the specs at run time ([`spec`]);
//! * **run** every read-only (GET) operation it can parameterize: lists first, then gets with
//!   the ids the lists revealed; the customer login and refresh when customer credentials are
//!   set; writes only when named with `--allow`, and never one marked `x-moves-money` ([`run`]);
//! * **check** each answer: documented status, JSON Schema validation (OpenAPI 3.0 converted
//!   to draft 7, validated by `boon`), undocumented fields, promised headers ([`check`], [`schema`]);
//! * **render** Markdown or JSON, findings grouped per operation with redacted samples
//!   ([`report`], [`redact`]); `--save-fixtures` writes redacted bodies ([`fixtures`]).
//!
//! Exit status: 0 done (findings only fail with `--fail-on drift`), 1 drift under
//! `--fail-on drift`, 2 usage, spec or environment error (production refused included).

pub mod check;
pub mod findings;
pub mod fixtures;
pub mod redact;
pub mod report;
pub mod run;
pub mod schema;
pub mod spec;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Usage of `cargo xtask probe`.
pub const USAGE: &str = "usage: cargo xtask probe [--env sandbox|production|URL] [--yes-production] \
[--family F ...] [--format markdown|json] [--save-fixtures DIR] [--allow OPERATION_ID ...] [--fail-on drift]
  credentials from the environment: CLEENG_PUBLISHER_TOKEN; for MediaStore customer calls also
  CLEENG_CUSTOMER_EMAIL, CLEENG_CUSTOMER_PASSWORD and CLEENG_PUBLISHER_ID
  --env URL  one base URL for every family, served under /core, /mediastore, ... (cleeng-mock)
  --allow    also call this write operation (never one that moves money); repeatable";

/// Where the probe goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Env {
    /// Cleeng's sandbox (default).
    Sandbox,
    /// Cleeng's production: refused without `--yes-production`.
    Production,
    /// One base URL for all families, each under `/<family>` (the mock's layout).
    Url(String),
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people and the weekly issue.
    Markdown,
    /// For tools.
    Json,
}

/// Parsed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--env`.
    pub env: Env,
    /// `--yes-production`.
    pub yes_production: bool,
    /// `--family` (empty: all).
    pub families: Vec<String>,
    /// `--format`.
    pub format: Format,
    /// `--save-fixtures`.
    pub save_fixtures: Option<PathBuf>,
    /// `--allow`.
    pub allow: BTreeSet<String>,
    /// `--fail-on drift`.
    pub fail_on_drift: bool,
}

/// Parses the arguments after `probe`; `Ok(None)` means help.
pub fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        env: Env::Sandbox,
        yes_production: false,
        families: Vec::new(),
        format: Format::Markdown,
        save_fixtures: None,
        allow: BTreeSet::new(),
        fail_on_drift: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--env" => {
                o.env = match value("--env")?.as_str() {
                    "sandbox" => Env::Sandbox,
                    "production" => Env::Production,
                    url if url.starts_with("http://") || url.starts_with("https://") => {
                        Env::Url(url.trim_end_matches('/').to_string())
                    }
                    other => {
                        return Err(format!(
                            "--env takes sandbox, production or an http(s) URL, not {other:?}"
                        ))
                    }
                }
            }
            "--yes-production" => o.yes_production = true,
            "--family" => {
                let f = value("--family")?;
                if !spec::FAMILIES.contains(&f.as_str()) {
                    return Err(format!(
                        "unknown family {f:?} (one of {})",
                        spec::FAMILIES.join(", ")
                    ));
                }
                o.families.push(f);
            }
            "--format" => {
                o.format = match value("--format")?.as_str() {
                    "markdown" => Format::Markdown,
                    "json" => Format::Json,
                    other => return Err(format!("--format takes markdown or json, not {other:?}")),
                }
            }
            "--save-fixtures" => o.save_fixtures = Some(PathBuf::from(value("--save-fixtures")?)),
            "--allow" => {
                o.allow.insert(value("--allow")?);
            }
            "--fail-on" => match value("--fail-on")?.as_str() {
                "drift" => o.fail_on_drift = true,
                other => return Err(format!("--fail-on takes drift, not {other:?}")),
            },
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(o))
}

/// The base URL of each family for `env`, or why the run is refused.
pub fn bases(
    env: &Env,
    yes_production: bool,
    families: &[spec::FamilySpec],
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for family in families {
        let url = match env {
            Env::Sandbox => family
                .sandbox
                .clone()
                .ok_or_else(|| format!("specs/{}.yaml names no sandbox server", family.name))?,
            Env::Production => {
                if !yes_production {
                    return Err("refusing production: pass both --env production and --yes-production (real customers, real money)".into());
                }
                family.production.clone().ok_or_else(|| {
                    format!("specs/{}.yaml names no production server", family.name)
                })?
            }
            Env::Url(url) => {
                // A URL that is a production host is production, whatever it is called.
                let production_host = families
                    .iter()
                    .filter_map(|f| f.production.as_deref())
                    .any(|p| url.starts_with(p));
                if production_host && !yes_production {
                    return Err(
                        "refusing production: that URL is a production host; pass --yes-production"
                            .into(),
                    );
                }
                format!("{url}/{}", family.name)
            }
        };
        out.insert(family.name.clone(), url);
    }
    Ok(out)
}

/// Validates `--allow`: each name must be a write of a loaded family that does not move money.
fn check_allow(allow: &BTreeSet<String>, families: &[spec::FamilySpec]) -> Result<(), String> {
    for name in allow {
        let op = families
            .iter()
            .flat_map(|f| &f.operations)
            .find(|o| &o.operation_id == name);
        match op {
            None => {
                return Err(format!(
                    "--allow {name}: no such operation in the probed families"
                ))
            }
            Some(op) if op.moves_money => {
                return Err(format!(
                    "--allow {name}: it moves money (x-moves-money) and can never be allowed"
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Runs `cargo xtask probe` with `args`; returns the exit status.
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
    let families = match spec::load(root, &options.families) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return 2;
        }
    };
    let bases = match bases(&options.env, options.yes_production, &families)
        .and_then(|b| check_allow(&options.allow, &families).map(|_| b))
    {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return 2;
        }
    };
    let creds = run::Credentials::from_env();
    if creds.publisher_token.is_none() {
        let _ = writeln!(err, "note: CLEENG_PUBLISHER_TOKEN is not set; operations that need it are reported unreachable");
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "cannot start the async runtime: {e}");
            return 2;
        }
    };
    let runner = match run::Runner::new(&families, bases, creds, options.allow.clone()) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return 2;
        }
    };
    let result = runtime.block_on(runner.run());
    if let Some(dir) = &options.save_fixtures {
        match fixtures::save(dir, &result.evidence) {
            Ok(n) => {
                let _ = writeln!(err, "saved {n} fixtures under {}", dir.display());
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return 2;
            }
        }
    }
    let env_name = match &options.env {
        Env::Sandbox => "sandbox".to_string(),
        Env::Production => "production".to_string(),
        Env::Url(u) => u.clone(),
    };
    let rendered = match options.format {
        Format::Markdown => report::markdown(&env_name, &result),
        Format::Json => report::json(&env_name, &result),
    };
    let _ = out.write_all(rendered.as_bytes());
    let drift = result.operations.iter().any(|o| !o.findings().is_empty());
    if drift && options.fail_on_drift {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_and_refuses() {
        let o = parse_args(&args(&[
            "--env",
            "http://127.0.0.1:9/",
            "--family",
            "core",
            "--allow",
            "createOffer",
            "--fail-on",
            "drift",
            "--format",
            "json",
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(o.env, Env::Url("http://127.0.0.1:9".into()));
        assert!(o.fail_on_drift && o.allow.contains("createOffer") && o.format == Format::Json);
        assert!(parse_args(&args(&["--env", "staging"])).is_err());
        assert!(parse_args(&args(&["--family", "legacy"])).is_err());
        assert!(parse_args(&args(&["--fail-on", "any"])).is_err());
    }

    #[test]
    fn production_needs_both_flags() {
        let root = cleeng_codegen::family::workspace_root();
        let families = spec::load(&root, &["core".to_string()]).unwrap();
        assert!(bases(&Env::Production, false, &families)
            .unwrap_err()
            .contains("refusing production"));
        assert!(bases(&Env::Production, true, &families).unwrap()["core"]
            .starts_with("https://api.cleeng.com"));
        let production_url = families[0].production.clone().unwrap();
        assert!(bases(&Env::Url(production_url), false, &families).is_err());
        assert!(bases(&Env::Sandbox, false, &families).unwrap()["core"].contains("sandbox"));
    }

    #[test]
    fn allow_refuses_money_and_unknown_operations() {
        let root = cleeng_codegen::family::workspace_root();
        let mut families = spec::load(&root, &["core".to_string()]).unwrap();
        let unknown: BTreeSet<String> = ["noSuchOperation".to_string()].into();
        assert!(check_allow(&unknown, &families).is_err());
        let op = &mut families[0].operations[0];
        op.moves_money = true;
        let name: BTreeSet<String> = [op.operation_id.clone()].into();
        assert!(check_allow(&name, &families)
            .unwrap_err()
            .contains("moves money"));
    }
}
