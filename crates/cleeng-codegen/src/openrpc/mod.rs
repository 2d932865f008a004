//! The JSON-RPC family (`specs/legacy.openrpc.yaml`): the same pipeline shape as the OpenAPI
//! families, with typify in progenitor's place.
//!
//! [`document`] reads the OpenRPC file → [`types`] turns params and results into Rust types
//! with typify → [`client`] writes the builders, traits and `Client`, and appends the runtime
//! glue every family shares ([`crate::glue`]) → the same post-processing passes as the REST
//! families (open string enums) → [`crate::header`] stamps the file.

pub mod client;
pub mod document;
pub mod types;

use std::path::Path;
use std::time::Instant;

use quote::quote;

use crate::{family::Family, glue, header, spec::sha256_hex, Error, Generated, PROGENITOR_VERSION};

/// Generates the JSON-RPC family's file from its spec under `root`.
pub fn generate(root: &Path, family: Family) -> Result<Generated, Error> {
    let path = family.spec_path();
    let bytes = std::fs::read(root.join(&path)).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    generate_from(family, &path, &bytes)
}

/// Generates the JSON-RPC family's file from the spec's bytes (`path` names it in messages and
/// in the header).
pub fn generate_from(family: Family, path: &str, bytes: &[u8]) -> Result<Generated, Error> {
    let started = Instant::now();
    let doc = document::parse(path, bytes)?;
    let types = types::build(&doc, path)?;
    let ops = client::operations(&doc);
    let client = client::tokens(&doc, &types);
    let glue = glue_without_hooks(&doc, &ops, path)?;
    let all = quote! {
        #client
        #(#glue)*
    };
    let mut file: syn::File = syn::parse2(all).map_err(|e| Error::Syntax {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    crate::enums::open_string_enums(&mut file);
    crate::derives::gate_json_schema(&mut file);
    // The semver policy of every family: Cleeng adds fields and values in minor releases.
    crate::exhaustive::mark_non_exhaustive(&mut file);
    // Numbers Cleeng sends as strings (`"12"`): the same readers as the REST families.
    crate::lenient::mark_lenient_fields(&mut file);
    crate::patterns::compile_patterns(&mut file).map_err(|message| Error::Invalid {
        path: path.to_string(),
        message,
    })?;
    let count = crate::generate::count_types(&file);
    let body = prettyplease::unparse(&file);
    let stamp = header::render(path, &sha256_hex(bytes), PROGENITOR_VERSION);
    Ok(Generated {
        family,
        source: stamp + "\n" + &body,
        httpmock_source: None,
        operations: ops.len(),
        types: count,
        normalization: Default::default(),
        elapsed: started.elapsed(),
    })
}

/// The runtime glue of [`crate::glue::tokens`] (`HOSTS`, `OPERATIONS`, constructors) minus its
/// `ClientHooks` impl: JSON-RPC calls go through `cleeng_runtime::jsonrpc::call`, not through
/// progenitor's request hooks.
fn glue_without_hooks(
    doc: &document::Document,
    ops: &[glue::OperationFacts],
    path: &str,
) -> Result<Vec<syn::Item>, Error> {
    let tokens = glue::tokens(&doc.hosts, ops);
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Syntax {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(file
        .items
        .into_iter()
        .filter(|item| {
            !matches!(item, syn::Item::Impl(imp)
                if imp.trait_.as_ref().is_some_and(|(p, _)| {
                    p.segments.last().is_some_and(|s| s.ident == "ClientHooks")
                }))
        })
        .collect())
}
