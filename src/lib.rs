//! Typed Rust clients for every Cleeng API, in one crate.
//!
//! Each API family is its own crate, re-exported here behind a feature of the same name (all on
//! by default). Depend on a family crate directly (e.g. `cleeng-core`) to compile only that one.
//!
//! | module | crate | API | credential |
//! |---|---|---|---|
//! | [`core_api`] | `cleeng-core` | Core API 3.1, incl. the Offer API | publisher token |
//! | [`mediastore`] | `cleeng-mediastore` | MediaStore API | customer JWT |
//! | [`auth`] | `cleeng-auth` | Auth API (device PIN, JWKS, Hi5, Auth0) | varies |
//! | [`inapp`] | `cleeng-inapp` | In-App API and legacy receipts | publisher token or customer JWT |
//! | [`webhooks`] | `cleeng-webhooks` | Webhooks API and topic payloads | publisher token |
//! | `legacy` | `cleeng-legacy` | deprecated JSON-RPC 3.0 API (feature `legacy`, off by default) | tokens in params |
//!
//! The shared runtime (environments, credentials, the [`Error`] type) is [`runtime`].

#![warn(missing_docs)]

pub use cleeng_runtime as runtime;
#[doc(no_inline)]
pub use cleeng_runtime::{ClientConfig, Credentials, CustomerJwt, Environment, Error, PublisherToken};

/// Core API 3.1 (publisher token), including the Offer API. (Named `core_api`, not `core`, so
/// that `use cleeng::core_api;` does not shadow Rust's built-in `core` crate.)
#[cfg(feature = "core")]
pub use cleeng_core as core_api;

/// MediaStore API (end-user identity, checkout, My Account).
#[cfg(feature = "mediastore")]
pub use cleeng_mediastore as mediastore;

/// Auth API (device PIN pairing, JWKS, Hi5, Auth0).
#[cfg(feature = "auth")]
pub use cleeng_auth as auth;

/// In-App API (StoreKit 2, Samsung, Vizio) and legacy receipt endpoints.
#[cfg(feature = "inapp")]
pub use cleeng_inapp as inapp;

/// Webhooks API and webhook topic payloads.
#[cfg(feature = "webhooks")]
pub use cleeng_webhooks as webhooks;

/// The deprecated JSON-RPC 3.0 API, for publishers still moving to the REST families
/// (feature `legacy`, not on by default).
#[cfg(feature = "legacy")]
pub use cleeng_legacy as legacy;
