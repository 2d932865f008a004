//! Helpers shared by the root integration tests.

#![allow(dead_code)]

use cleeng_codegen::{family::workspace_root, spec, Family};

/// Loads a family's spec as committed.
pub fn load(family: Family) -> spec::Spec {
    spec::load(&workspace_root(), &family.spec_path())
        .unwrap_or_else(|e| panic!("{family}: {e}"))
}

/// The committed generated source of a family.
pub fn generated_source(family: Family) -> String {
    std::fs::read_to_string(family.generated_file(&workspace_root()))
        .unwrap_or_else(|e| panic!("{family}: cannot read generated.rs: {e}"))
}
