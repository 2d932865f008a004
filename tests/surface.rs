//! Snapshot of each generated crate's public surface: every client method with its HTTP method,
//! path and builder setters, every type with its fields. A spec change shows up in the pull
//! request as a readable change to `tests/snapshots/integration__surface__<family>.snap`.

use crate::common;

use cleeng_codegen::{surface, Family};

fn check(family: Family) {
    let ops = common::operations(family);
    let source = common::generated_source(family);
    let surface = surface::extract(&source, &ops).expect("generated.rs parses");
    assert_eq!(
        surface.methods.len(),
        ops.len(),
        "{family}: every operation must become exactly one client method"
    );
    let unmatched: Vec<&str> = surface
        .methods
        .iter()
        .filter(|m| m.operation_id == "?")
        .map(|m| m.name.as_str())
        .collect();
    assert!(unmatched.is_empty(), "{family}: methods without an operation: {unmatched:?}");
    insta::assert_snapshot!(family.name(), surface.render(&family.crate_name()));
}

#[test]
fn core_surface() {
    check(Family::Core);
}

#[test]
fn mediastore_surface() {
    check(Family::MediaStore);
}

#[test]
fn auth_surface() {
    check(Family::Auth);
}

#[test]
fn inapp_surface() {
    check(Family::InApp);
}

#[test]
fn webhooks_surface() {
    check(Family::Webhooks);
}

#[test]
fn legacy_surface() {
    check(Family::Legacy);
}
