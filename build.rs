//! Freshness guard: every generated family crate must come from the spec as it is now.
//!
//! Hashes each `specs/<family>.yaml` and compares the hash with the `spec-sha256:` line in the
//! header of `crates/cleeng-<family>/src/generated.rs`, and checks that the copy of each spec
//! cleeng-mock embeds (`crates/cleeng-mock/specs/`) is the spec itself. A mismatch fails the
//! build with one line naming the spec and the command that fixes it.
//!
//! The guard is for this repository's maintainers, never for a user's build: it runs only when
//! the build script sits in the repository checkout (the workspace's `crates/cleeng-codegen`
//! manifest and `specs/` beside it). The published `cleeng` package ships neither, so a
//! downstream build does nothing here. It needs no generator (a user's build never compiles
//! progenitor).

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Family name and its spec's file name under `specs/`.
const FAMILIES: [(&str, &str); 6] = [
    ("core", "core.yaml"),
    ("mediastore", "mediastore.yaml"),
    ("auth", "auth.yaml"),
    ("inapp", "inapp.yaml"),
    ("webhooks", "webhooks.yaml"),
    ("legacy", "legacy.openrpc.yaml"),
];

/// A file only the repository has: the generator crate is `publish = false`, so no package
/// (in particular not the packaged `cleeng` under `target/package/` or `~/.cargo/registry`)
/// contains it.
const REPO_MARKER: &str = "crates/cleeng-codegen/Cargo.toml";

fn main() {
    // Read at run time (cargo sets it for every build script run), so the guard looks at the
    // checkout being built.
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    if !in_repository(&root) {
        println!("cargo:rerun-if-changed=build.rs");
        return;
    }
    println!("cargo:rerun-if-changed=specs");
    println!("cargo:rerun-if-changed={REPO_MARKER}");
    let mut stale = Vec::new();
    for (family, spec_file) in FAMILIES {
        let spec = root.join("specs").join(spec_file);
        let generated = root.join(format!("crates/cleeng-{family}/src/generated.rs"));
        // The mock embeds a copy of each OpenAPI spec; its JSON-RPC endpoint needs none.
        let mock_copy = (family != "legacy").then(|| root.join(format!("crates/cleeng-mock/specs/{family}.yaml")));
        for path in [Some(&spec), Some(&generated), mock_copy.as_ref()].into_iter().flatten() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        let Ok(bytes) = std::fs::read(&spec) else { continue };
        let hash = hex(&Sha256::digest(&bytes));
        let stamped = std::fs::read_to_string(&generated).ok().and_then(|text| {
            text.lines()
                .take(8)
                .find_map(|l| l.strip_prefix("// spec-sha256: ").map(str::to_string))
        });
        if stamped.as_deref() != Some(hash.as_str()) {
            println!(
                "cargo:warning=specs/{spec_file} changed since crates/cleeng-{family}/src/generated.rs was generated: run `cargo xtask regen`"
            );
            stale.push(family);
        } else if mock_copy.is_some_and(|copy| std::fs::read(copy).ok().as_deref() != Some(bytes.as_slice())) {
            println!(
                "cargo:warning=crates/cleeng-mock/specs/{family}.yaml is not a copy of specs/{family}.yaml: run `cargo xtask regen`"
            );
            stale.push(family);
        }
    }
    if !stale.is_empty() {
        eprintln!(
            "error: generated code is stale for {}: specs changed since the last regeneration; run `cargo xtask regen`",
            stale.join(", ")
        );
        std::process::exit(1);
    }
}

/// True only in the repository checkout (see [`REPO_MARKER`]).
fn in_repository(root: &Path) -> bool {
    root.join(REPO_MARKER).is_file() && root.join("specs").is_dir()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
