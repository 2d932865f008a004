//! Every integration test of `cleeng-inapp` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p cleeng-inapp --test integration <module>::` runs one.

mod common;
mod fixtures;
mod secrets;
mod storekit2;
mod validation;
