//! Every integration test of `cleeng-core` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p cleeng-core --test integration <module>::` runs one.

mod common;
mod conditional;
mod errors;
mod examples;
mod pagination;
