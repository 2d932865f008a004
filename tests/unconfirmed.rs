//! What the specs leave unconfirmed reaches the caller in three places: the spec's
//! `x-unconfirmed` list of every `partial`/`inferred` operation appears in the generated method's
//! rustdoc (a short warning), in the family's `unconfirmed` docs table, and at run time in
//! `OPERATIONS[..].unconfirmed`.

use crate::common;

use cleeng_codegen::{glue, Family};
use cleeng_runtime::{Confidence, OperationMeta};
fn table(family: Family) -> &'static [OperationMeta] {
    match family {
        Family::Core => cleeng_core::OPERATIONS,
        Family::MediaStore => cleeng_mediastore::OPERATIONS,
        Family::Auth => cleeng_auth::OPERATIONS,
        Family::InApp => cleeng_inapp::OPERATIONS,
        Family::Webhooks => cleeng_webhooks::OPERATIONS,
        other => panic!("{other}: not an OpenAPI family (the legacy JSON-RPC file has no x-unconfirmed)"),
    }
}

fn check(family: Family) {
    let spec = common::load(family);
    let facts = glue::operations(&spec.document, &spec.path).expect("operation facts");
    let source = common::generated_source(family);
    let table_docs = source
        .split("pub mod unconfirmed {}")
        .next()
        .and_then(|before| before.rsplit("];").next())
        .expect("the generated file ends with the unconfirmed module")
        .to_string();
    let mut checked = 0;
    for op in &facts {
        let meta = table(family)
            .iter()
            .find(|m| m.id == op.id)
            .unwrap_or_else(|| panic!("{family}: {} missing from OPERATIONS", op.id));
        let runtime: Vec<&str> = meta.unconfirmed.to_vec();
        assert_eq!(runtime, op.unconfirmed, "{family}: {}: OPERATIONS differs from the spec", op.id);
        if matches!(meta.confidence, Confidence::Partial | Confidence::Inferred) {
            assert!(!meta.unconfirmed.is_empty(), "{family}: {} is {:?} but lists nothing unconfirmed", op.id, meta.confidence);
        }
        if op.unconfirmed.is_empty() {
            continue;
        }
        checked += 1;
        let method = meta.method_name;
        let warning = format!("**Unconfirmed** (`x-confidence: {}`): {}.", op.confidence, op.unconfirmed.join(", "));
        let signature = format!("    fn {method}(");
        let at = source.find(&signature).unwrap_or_else(|| panic!("{family}: no trait method {method}"));
        let docs_before = &source[..at];
        let last_item = docs_before.rfind(";\n").unwrap_or(0);
        assert!(
            docs_before[last_item..].contains(&warning),
            "{family}: the rustdoc of {method} lacks the warning {warning:?}"
        );
        let row = format!("| `{method}` | `{} {}` | {} |", op.method, op.path, op.confidence);
        assert!(table_docs.contains(&row), "{family}: the unconfirmed table lacks {row:?}");
    }
    let partial = facts.iter().filter(|o| o.confidence != "verified").count();
    assert!(checked >= partial, "{family}: {checked} warned, {partial} partial/inferred");
}

#[test]
fn core_unconfirmed_parts_are_visible() {
    check(Family::Core);
}

#[test]
fn mediastore_unconfirmed_parts_are_visible() {
    check(Family::MediaStore);
}

#[test]
fn auth_unconfirmed_parts_are_visible() {
    check(Family::Auth);
}

#[test]
fn inapp_unconfirmed_parts_are_visible() {
    check(Family::InApp);
}

#[test]
fn webhooks_unconfirmed_parts_are_visible() {
    check(Family::Webhooks);
}
