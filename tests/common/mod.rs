//! Helpers shared by the root integration tests.

#![allow(dead_code)]

use cleeng_codegen::{family::workspace_root, glue, openrpc, spec, Family};

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

/// The operation facts of a family, from its OpenAPI or OpenRPC spec.
pub fn operations(family: Family) -> Vec<glue::OperationFacts> {
    if family.is_openrpc() {
        let path = family.spec_path();
        let bytes = std::fs::read(workspace_root().join(&path)).expect("spec");
        let doc = openrpc::document::parse(&path, &bytes).unwrap_or_else(|e| panic!("{family}: {e}"));
        openrpc::client::operations(&doc)
    } else {
        let spec = load(family);
        glue::operations(&spec.document, &spec.path).expect("operation facts")
    }
}
