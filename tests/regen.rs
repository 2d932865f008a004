//! The generated files are exactly what the specs generate, and generation is deterministic.

use crate::common;

use cleeng_codegen::{family::workspace_root, generate, header, spec, Family, PROGENITOR_VERSION};

#[test]
fn committed_generated_files_match_their_specs() {
    let root = workspace_root();
    let mut stale = Vec::new();
    for family in Family::ALL {
        let generated = generate(&root, family).unwrap_or_else(|e| panic!("{family}: {e}"));
        if generated.source != common::generated_source(family) {
            stale.push(family.generated_path());
        }
        if let Some(path) = family.httpmock_path() {
            let mocks = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
            if generated.httpmock_source.as_deref() != Some(mocks.as_str()) {
                stale.push(path);
            }
        }
        let spec = std::fs::read(root.join(family.spec_path())).expect("spec");
        if let Some(copy) = family.mock_spec_path() {
            if std::fs::read(root.join(&copy)).ok() != Some(spec) {
                stale.push(copy);
            }
        }
    }
    assert!(stale.is_empty(), "stale (run `cargo xtask regen`): {stale:?}");
}

#[test]
fn generation_is_deterministic() {
    let root = workspace_root();
    for family in Family::ALL {
        let a = generate(&root, family).expect("first run");
        let b = generate(&root, family).expect("second run");
        assert_eq!(a.source, b.source, "{family}: two runs differ");
        assert_eq!(a.httpmock_source, b.httpmock_source, "{family}: two httpmock runs differ");
    }
}

#[test]
fn headers_name_spec_hash_and_generator() {
    for family in Family::ALL {
        let source = common::generated_source(family);
        let provenance = header::parse(&source).unwrap_or_else(|| panic!("{family}: no header"));
        let bytes = std::fs::read(workspace_root().join(family.spec_path())).expect("spec");
        assert_eq!(provenance.spec, family.spec_path());
        assert_eq!(provenance.sha256, spec::sha256_hex(&bytes), "{family}: stale hash");
        assert_eq!(provenance.progenitor, PROGENITOR_VERSION);
    }
}

#[test]
fn cargo_lock_pins_the_stamped_progenitor_version() {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock")).expect("Cargo.lock");
    for package in ["progenitor", "progenitor-impl", "progenitor-client"] {
        let needle = format!("name = \"{package}\"\nversion = \"{PROGENITOR_VERSION}\"");
        assert!(lock.contains(&needle), "Cargo.lock does not pin {package} {PROGENITOR_VERSION}");
    }
}
