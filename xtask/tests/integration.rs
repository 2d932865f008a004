//! Every integration test of `xtask` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p xtask --test integration <module>::` runs one.

mod diff_cli;
mod docs_cli;
mod probe_cli;
mod two_clones;
