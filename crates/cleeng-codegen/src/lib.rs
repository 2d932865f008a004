//! The cleeng-rs code generator.
//!
//! Turns each vendored OpenAPI document in `specs/` into the committed `generated.rs` of its family
//! crate, deterministically. `xtask` is a thin command line over this library; the root tests use
//! it too (surface snapshots, spec lint). Nothing here is ever compiled into a user's build.
//!
//! The pipeline, one module a step:
//! [`spec`] loads and hashes a document → [`normalize`] bends it into a shape progenitor accepts
//! without losing facts → [`generate`](mod@generate) runs progenitor, appends the runtime glue
//! ([`glue`]) and formats → [`header`] stamps the provenance line that the root `build.rs` checks.
//! [`enums`], [`exhaustive`], [`calls`], [`client`], [`deprecated`], [`unconfirmed`] and
//! [`api_version`] post-process progenitor's syntax tree (open string enums, `#[non_exhaustive]`,
//! `call()`, one constructor and one `Error`, `#[deprecated]`, warnings on calls with unconfirmed
//! parts, no `api-version` header).
//! [`mocks`] generates the typed `httpmock` helpers behind each family's `httpmock` feature.
//! [`surface`] lists the generated public API for snapshots and API diffs.
//! [`openrpc`] is the same pipeline for the JSON-RPC family (OpenRPC in, typify for types).

#![warn(missing_docs)]

pub mod api_version;
pub mod calls;
pub mod client;
pub mod deprecated;
pub mod derives;
pub mod diff;
pub mod enums;
pub mod exhaustive;
pub mod family;
pub mod generate;
pub mod glue;
pub mod header;
pub mod lenient;
pub mod mocks;
pub mod normalize;
pub mod setters;
pub mod openrpc;
pub mod optional;
pub mod patterns;
pub mod spec;
pub mod surface;
pub mod unconfirmed;
pub mod variants;

pub use family::Family;

/// `T` of a type written `Wrapper<T>` (any path ending in `Wrapper`, e.g. `::std::option::Option<T>`),
/// for the passes that look inside `Option`, `Vec` and friends.
pub(crate) fn generic_inner<'a>(ty: &'a syn::Type, wrapper: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// The items of the inline module `name` among `items` (progenitor's `types`, `builder`, ...):
/// where every post-processing pass starts.
pub(crate) fn module_items_mut<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}
pub use generate::{generate, Generated};

/// The exact progenitor version this generator is pinned to (`Cargo.toml` pins `=0.15.1`;
/// a test checks that `Cargo.lock` agrees). Stamped into every generated file's header.
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// Everything that can go wrong while generating a family.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// Absolute path of the file (so the message names the checkout that was searched).
        path: String,
        /// Underlying I/O error.
        source: std::io::Error,
    },
    /// The spec is not valid YAML or not an OpenAPI 3.0 document.
    #[error("{path} is not a valid OpenAPI 3.0 document: {message}")]
    Parse {
        /// Path of the spec.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The spec breaks a rule of ours or a limit of the generator.
    #[error("{path}: {message}")]
    Invalid {
        /// Path of the spec.
        path: String,
        /// What is wrong, naming the operation or schema.
        message: String,
    },
    /// progenitor refused (or panicked on) the normalized spec.
    #[error("progenitor failed on {path}: {message}")]
    Progenitor {
        /// Path of the spec.
        path: String,
        /// progenitor's message.
        message: String,
    },
    /// The generated tokens were not valid Rust (a generator bug).
    #[error("generated code for {path} does not parse: {message}")]
    Syntax {
        /// Path of the spec.
        path: String,
        /// The parser's message.
        message: String,
    },
}
