//! Every published crate carries what a crates.io user expects, the same way (the pattern a new
//! crate under `crates/` follows): metadata fields, an `include` list, its own README whose
//! example is compiled elsewhere, both license files; plus the workspace-wide promises (an
//! MSRV-aware resolver, a changelog with an "Unreleased" section).

use cleeng_codegen::family::workspace_root;
use std::path::{Path, PathBuf};

/// The `[package]` table of a manifest as `(key, raw value)` lines; enough for the flat keys
/// checked here, without a TOML parser in the workspace's dev-dependencies.
fn package_keys(manifest: &str) -> Vec<(String, String)> {
    let mut in_package = false;
    let mut keys = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package || line.starts_with('#') {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            keys.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    keys
}

fn get<'a>(keys: &'a [(String, String)], key: &str) -> Option<&'a str> {
    keys.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Directories of the published packages: the umbrella (root) and every crate not `publish = false`.
fn published() -> Vec<(String, PathBuf)> {
    let root = workspace_root();
    let mut dirs = vec![root.clone()];
    let mut crates: Vec<_> = std::fs::read_dir(root.join("crates"))
        .expect("crates/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    crates.sort();
    dirs.extend(crates);
    let mut out = Vec::new();
    for dir in dirs {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
        let keys = package_keys(&manifest);
        if get(&keys, "publish") == Some("false") {
            continue;
        }
        let name = get(&keys, "name").expect("name").trim_matches('"').to_string();
        out.push((name, dir));
    }
    out
}

fn unquoted_list(value: &str) -> Vec<String> {
    value
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Lines of each ```rust block in `markdown`, trimmed.
fn rust_blocks(markdown: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```rust") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.push(current.take().expect("open block")),
            (Some(b), _) => b.push(line.trim().to_string()),
            _ => {}
        }
    }
    blocks
}

fn contains_block(haystack: &Path, block: &[String]) -> bool {
    let text = std::fs::read_to_string(haystack).unwrap_or_else(|e| panic!("{}: {e}", haystack.display()));
    let lines: Vec<String> = text.lines().map(|l| l.trim().to_string()).collect();
    lines.windows(block.len()).any(|w| w == block)
}

#[test]
fn the_published_set_is_what_the_readme_promises() {
    let names: Vec<_> = published().into_iter().map(|(n, _)| n).collect();
    for expected in [
        "cleeng",
        "cleeng-runtime",
        "cleeng-core",
        "cleeng-mediastore",
        "cleeng-auth",
        "cleeng-inapp",
        "cleeng-webhooks",
        "cleeng-mock",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} is not published: {names:?}");
    }
    assert!(!names.iter().any(|n| n == "cleeng-codegen" || n == "xtask"), "{names:?}");
}

#[test]
fn every_published_crate_has_crates_io_metadata() {
    let root = workspace_root();
    let mit = std::fs::read(root.join("LICENSE-MIT")).expect("LICENSE-MIT");
    let apache = std::fs::read(root.join("LICENSE-APACHE")).expect("LICENSE-APACHE");
    assert!(String::from_utf8_lossy(&apache).contains("Apache License"));
    let mut problems = Vec::new();
    for (name, dir) in published() {
        let keys = package_keys(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap());
        for key in ["description", "license", "repository", "homepage", "rust-version"] {
            if get(&keys, key).is_none() && get(&keys, &format!("{key}.workspace")) != Some("true") {
                problems.push(format!("{name}: no {key}"));
            }
        }
        if get(&keys, "documentation") != Some(&format!("\"https://docs.rs/{name}\"")) {
            problems.push(format!("{name}: documentation is not https://docs.rs/{name}"));
        }
        if get(&keys, "readme") != Some("\"README.md\"") {
            problems.push(format!("{name}: readme is not README.md"));
        }
        let keywords = unquoted_list(get(&keys, "keywords").unwrap_or("[]"));
        if keywords.is_empty() || keywords.len() > 5 || keywords.iter().any(|k| k.len() > 20) {
            problems.push(format!("{name}: crates.io takes 1 to 5 keywords of at most 20 chars: {keywords:?}"));
        }
        if unquoted_list(get(&keys, "categories").unwrap_or("[]")).is_empty() {
            problems.push(format!("{name}: no categories"));
        }
        let include = unquoted_list(get(&keys, "include").unwrap_or("[]"));
        for file in ["/README.md", "/LICENSE-MIT", "/LICENSE-APACHE"] {
            if !include.iter().any(|i| i == file) {
                problems.push(format!("{name}: include does not list {file}"));
            }
        }
        if include.iter().any(|i| i.starts_with("/tests") || i.starts_with("/benches") || i.starts_with("/.ci")) {
            problems.push(format!("{name}: include ships repository-only files: {include:?}"));
        }
        for (file, bytes) in [("LICENSE-MIT", &mit), ("LICENSE-APACHE", &apache)] {
            if std::fs::read(dir.join(file)).ok().as_ref() != Some(bytes) {
                problems.push(format!("{name}: {file} missing or not the root's"));
            }
        }
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        // The umbrella's README is the project README (`# cleeng-rs`).
        if dir != root && !readme.starts_with(&format!("# {name}\n")) {
            problems.push(format!("{name}: README.md does not start with `# {name}`"));
        }
        if dir != root && !readme.contains("https://github.com/cleeng-rs/cleeng-rs#readme") {
            problems.push(format!("{name}: README.md does not link to the project README"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A crate README's example is compiled code: the families' come from `examples/quickstart.rs`
/// (like the root README's), the mock's from the package smoke test's program.
#[test]
fn crate_readme_examples_are_compiled_code() {
    let root = workspace_root();
    for (name, dir) in published() {
        if dir == root {
            continue;
        }
        let readme = std::fs::read_to_string(dir.join("README.md")).expect("README.md");
        let blocks = rust_blocks(&readme);
        assert!(!blocks.is_empty(), "{name}: README.md has no example");
        let source = if name == "cleeng-mock" {
            root.join("scripts/package-smoke/src/main.rs")
        } else {
            root.join("examples/quickstart.rs")
        };
        for block in blocks {
            assert!(
                contains_block(&source, &block),
                "{name}: README example not found verbatim in {}:\n{}",
                source.display(),
                block.join("\n")
            );
        }
    }
}

#[test]
fn workspace_resolver_honours_rust_version_and_changelog_is_open() {
    let root = workspace_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.lines().any(|l| l.trim() == "resolver = \"3\""), "the MSRV-aware resolver is resolver 3");
    assert!(manifest.lines().any(|l| l.trim().starts_with("rust-version = \"")), "no workspace rust-version");
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).expect("CHANGELOG.md");
    assert!(changelog.lines().any(|l| l == "## Unreleased"), "CHANGELOG.md has no `## Unreleased` section");
}
