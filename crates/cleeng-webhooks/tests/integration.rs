//! Every integration test of `cleeng-webhooks` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p cleeng-webhooks --test integration <module>::` runs one.

mod axum_extractor;
mod endpoints;
mod events;
mod replay;
mod signature;
