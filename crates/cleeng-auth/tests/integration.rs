//! Every integration test of `cleeng-auth` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p cleeng-auth --test integration <module>::` runs one.

mod common;
mod auth0;
mod fixtures;
mod jwt;
mod pairing;
