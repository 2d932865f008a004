//! Every integration test of `cleeng` in one test binary (issue 20, point 5): one link and one
//! set of monomorphized client code per crate instead of one per file. Each file under
//! `tests/` is a module here; `cargo test -p cleeng --test integration <module>::` runs one.
//! Kept in a binary of its own: `trace_secrets`, which installs a process-wide tracing subscriber
//! (its callsite-interest cache raced with other tests' callsites and intermittently captured
//! nothing, commit 7c811a8).

mod common;
mod api_shape;
mod audit;
mod examples;
mod fault_injection;
mod legacy_spec;
mod live_fixtures;
mod packaging;
mod readme;
mod regen;
mod spec_lint;
mod surface;
mod tolerant_decoding;
mod transport_hardening;
mod typed_mocks;
mod unconfirmed;
