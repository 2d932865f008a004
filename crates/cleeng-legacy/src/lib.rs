//! Typed Rust client for Cleeng's legacy JSON-RPC 3.0 API, for publishers still moving to the
//! REST APIs (`cleeng-core`, `cleeng-mediastore`).
//!
//! Cleeng deprecates the whole JSON-RPC API, but a migration runs both for months: this crate
//! gives the old calls the same runtime as the REST families, so the two halves of a
//! migrating backend share environments, credentials, timeouts, retries, tracing and one
//! [`Error`] type.
//!
//! The client, its builders and the `types` module are generated from
//! `specs/legacy.openrpc.yaml` (an OpenRPC document) by `cargo xtask regen` (see
//! `generated.rs`, never edited by hand). Every method is `#[deprecated]` with a note naming
//! the REST operation to move to where one exists; a migrating crate says
//! `#[allow(deprecated)]` where it still calls them.
//!
//! ```no_run
//! # async fn run() -> Result<(), cleeng_legacy::Error> {
//! #![allow(deprecated)]
//! use cleeng_legacy::prelude::*;
//! use cleeng_legacy::PublisherToken;
//!
//! let client = Client::sandbox(PublisherToken::new("48-character publisher token"));
//! let page = client
//!     .list_customer_subscriptions()
//!     .customer_email("viewer@example.com")
//!     .offset(0)
//!     .limit(10)
//!     .call()
//!     .await?;
//! for item in &page.items {
//!     println!("{:?} {:?}", item.offer_id, item.status);
//! }
//! # Ok(()) }
//! ```
//!
//! How the protocol is handled (in `cleeng_runtime::jsonrpc`):
//! * **Credentials ride in `params`.** The publisher token comes from the client's
//!   credentials; a customer token is a [`Secret`] setter. Neither appears in `Debug` output,
//!   traces or errors (bodies kept in errors have token-like values replaced).
//! * **Retries only for reads.** Methods the spec marks `x-idempotent: true` are retried after
//!   a transport failure; a write (`registerSubscription`, `updateCustomerSubscription`...)
//!   that may have reached Cleeng is never re-sent and fails as [`Error::UnknownOutcome`].
//! * **JSON-RPC errors are [`Error::Api`]** with the numeric `code` (as text) and `message`.
//! * **Loose numbers decode.** Numeric fields are plain numbers (`i64`, `f64`) that also decode
//!   from a numeric string (`"955044431"`, `"21.98"`), through the same readers as the REST
//!   families (`cleeng_runtime::lenient`); requests send numbers, as the API documents.

#![warn(missing_docs)]

#[allow(missing_docs, clippy::all, unused_imports, dead_code, unreachable_patterns)]
mod generated;

pub use generated::*;

// The shared runtime items, listed as re-exports (their docs, and the links in them, live in
// cleeng-runtime).
#[doc(no_inline)]
pub use cleeng_runtime::{
    ApiError, ClientConfig, Credentials, Environment, Error, PublisherToken, Secret,
};
