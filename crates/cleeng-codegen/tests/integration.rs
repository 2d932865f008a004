//! Every integration test of `cleeng-codegen` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p cleeng-codegen --test integration <module>::` runs one.

mod diff_core;
mod diff_grouping;
mod diff_rules;
mod patterns;
