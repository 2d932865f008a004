//! Every integration test of `cleeng-mediastore` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p cleeng-mediastore --test integration <module>::` runs one.

mod common;
mod checkout;
mod envelope;
mod fixtures;
mod gifts;
mod session;
mod spec;
