//! `cargo xtask`: the maintainers' command line, a thin shell over `cleeng-codegen`.
//!
//! * `cargo xtask regen [--check] [--root DIR] [FAMILY...]`: regenerate the family crates from
//!   `specs/` (all six when no family is named). `--check` writes nothing and fails naming each
//!   file that would change.
//! * `cargo xtask diff [--base REV] [--head REV] [--format markdown|json] [--fail-on LEVEL]`:
//!   the API change report between two versions of the specs (breaking changes first), with the
//!   Rust change each spec change causes; accepted breaking changes live in `specs/diff-ignore.yaml`.
//! * `cargo xtask docs [--index PATH|URL] [--pages DIR|URL] [--format markdown|json] [--fail-on added|removed|any]`:
//!   what changed in Cleeng's documentation index (and pages) that the specs do not reflect.
//!
//! The repository is found at run time (see `cleeng_codegen::family::find_workspace_root`): the
//! checkout `cargo xtask` was run in, never the one this binary happened to be built in (one
//! binary serves every clone sharing a `CARGO_TARGET_DIR`). `--root DIR` names it explicitly.

mod docs;

use std::process::ExitCode;
use std::time::Instant;

use std::path::{Path, PathBuf};

use cleeng_codegen::family::{find_workspace_root, is_workspace_root, RootNotFound};
use cleeng_codegen::{generate, Family};

const USAGE: &str = "usage:
  cargo xtask regen [--check] [--root DIR] [core|mediastore|auth|inapp|webhooks|legacy ...]
  cargo xtask diff [--base REV] [--head REV] [--format markdown|json|changelog] [--fail-on breaking|warn|info] [FAMILY...]
  cargo xtask docs [--index PATH|URL] [--pages DIR|URL] [--format markdown|json] [--fail-on added|removed|any]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("regen") => regen(&args[1..]),
        Some("diff") => diff(&args[1..]),
        Some("docs") => docs_command(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn regen(args: &[String]) -> ExitCode {
    let mut check = false;
    let mut root_arg = None;
    let mut families = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--root" => match args.next() {
                Some(dir) => root_arg = Some(PathBuf::from(dir)),
                None => {
                    eprintln!("--root needs a directory\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            name => match Family::from_name(name) {
                Some(f) => families.push(f),
                None => {
                    eprintln!("unknown family {name:?}\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
        }
    }
    if families.is_empty() {
        families = Family::ALL.to_vec();
    }
    let root = match resolve_root(root_arg.as_deref()) {
        Ok(root) => root,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let mut failed = false;
    let mut stale = Vec::new();
    // Families are independent: generate them on parallel threads, then report and write in order.
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = families
            .iter()
            .map(|&family| {
                let root = &root;
                scope.spawn(move || (family, generate(root, family)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generation thread panicked"))
            .collect()
    });
    for (family, result) in results {
        let generated = match result {
            Ok(g) => g,
            Err(e) => {
                eprintln!("{:<10} FAILED: {e}", family.name());
                failed = true;
                continue;
            }
        };
        // The spec was read moments ago by `generate`; a failure here is a race with an edit.
        let spec_path = root.join(family.spec_path());
        let spec_text = match std::fs::read_to_string(&spec_path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{:<10} FAILED: cannot read {}: {e}", family.name(), spec_path.display());
                failed = true;
                continue;
            }
        };
        let mut outputs = vec![(family.generated_path(), &generated.source)];
        if let (Some(path), Some(text)) = (family.httpmock_path(), &generated.httpmock_source) {
            outputs.push((path, text));
        }
        if let Some(path) = family.mock_spec_path() {
            outputs.push((path, &spec_text));
        }
        let mut changed_any = false;
        let mut write_failed = false;
        for (relative, text) in outputs {
            let path = root.join(&relative);
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current == *text {
                continue;
            }
            changed_any = true;
            if check {
                stale.push(path);
            } else if let Err(e) = write_file(&path, text) {
                eprintln!("{:<10} FAILED: cannot write {}: {e}", family.name(), path.display());
                write_failed = true;
            }
        }
        if write_failed {
            failed = true;
            continue;
        }
        let state = match (changed_any, check) {
            (false, _) => "unchanged",
            (true, true) => "STALE",
            (true, false) => "written",
        };
        println!(
            "{:<10} {:>4} operations {:>5} types {:>7} lines  {:<9} {:>5} ms",
            family.name(),
            generated.operations,
            generated.types,
            generated.lines(),
            state,
            generated.elapsed.as_millis()
        );
    }
    println!("total {} ms", started.elapsed().as_millis());
    if !stale.is_empty() {
        for path in &stale {
            eprintln!("stale: {} differs from what its spec generates; run `cargo xtask regen`", path.display());
        }
        return ExitCode::FAILURE;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes `text` to `path`, creating its directory first (the mock's `specs/` copy may be new).
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

/// The root `--root` names (it must be the workspace root itself, not a directory inside it), or
/// the one found at run time.
fn resolve_root(explicit: Option<&Path>) -> Result<PathBuf, RootNotFound> {
    match explicit {
        Some(dir) => {
            let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            if is_workspace_root(&dir) {
                Ok(dir)
            } else {
                Err(RootNotFound { searched: vec![dir] })
            }
        }
        None => find_workspace_root(),
    }
}

/// `cargo xtask diff ...`: the API change report; all logic lives in `cleeng_codegen::diff`.
fn diff(args: &[String]) -> ExitCode {
    // `diff` takes its own `--root DIR`, which overrides the one found here.
    let root = match find_workspace_root() {
        Ok(root) => root,
        Err(_) if args.iter().any(|a| a == "--root") => PathBuf::from("."),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let code = cleeng_codegen::diff::run_cli(
        &root,
        args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}

/// `cargo xtask docs ...`: the docs watch; all logic lives in the `docs` module.
fn docs_command(args: &[String]) -> ExitCode {
    let root = match find_workspace_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let code = docs::run_cli(
        &root,
        args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
