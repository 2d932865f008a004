//! Every integration test of `cleeng-mock` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p cleeng-mock --test integration <module>::` runs one.

mod gifts;
mod jsonrpc;
mod server;
