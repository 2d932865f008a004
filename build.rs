//! Freshness guard: every generated family crate must come from the spec as it is now.
//!
//! Hashes each `specs/<family>.yaml` and compares the hash with the `spec-sha256:` line in the
//! header of `crates/cleeng-<family>/src/generated.rs`. A mismatch fails the build with one line
//! naming the spec and the command that fixes it. It needs no generator (a user's build never
//! compiles progenitor) and does nothing where `specs/` is absent (the crate as published).

use sha2::{Digest, Sha256};
use std::path::Path;

/// Family name and its spec's file name under `specs/`.
const FAMILIES: [(&str, &str); 6] = [
    ("core", "core.yaml"),
    ("mediastore", "mediastore.yaml"),
    ("auth", "auth.yaml"),
    ("inapp", "inapp.yaml"),
    ("webhooks", "webhooks.yaml"),
    ("legacy", "legacy.openrpc.yaml"),
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let specs = root.join("specs");
    if !specs.is_dir() {
        return;
    }
    println!("cargo:rerun-if-changed=specs");
    let mut stale = Vec::new();
    for (family, spec_file) in FAMILIES {
        let spec = specs.join(spec_file);
        let generated = root.join(format!("crates/cleeng-{family}/src/generated.rs"));
        println!("cargo:rerun-if-changed={}", spec.display());
        println!("cargo:rerun-if-changed={}", generated.display());
        let Ok(bytes) = std::fs::read(&spec) else { continue };
        let hash = hex(&Sha256::digest(&bytes));
        let stamped = std::fs::read_to_string(&generated)
            .ok()
            .and_then(|text| {
                text.lines()
                    .take(8)
                    .find_map(|l| l.strip_prefix("// spec-sha256: ").map(str::to_string))
            });
        if stamped.as_deref() != Some(hash.as_str()) {
            stale.push(family);
        }
    }
    if !stale.is_empty() {
        for (family, spec_file) in FAMILIES.iter().filter(|(f, _)| stale.contains(f)) {
            println!(
                "cargo:warning=specs/{spec_file} changed since crates/cleeng-{family}/src/generated.rs was generated: run `cargo xtask regen`"
            );
        }
        eprintln!(
            "error: generated code is stale for {}: specs changed since the last regeneration; run `cargo xtask regen`",
            stale.join(", ")
        );
        std::process::exit(1);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
