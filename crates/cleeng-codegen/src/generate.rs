//! Running progenitor and producing the final text of a generated file.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::{family::Family, glue, header, normalize, spec, Error, PROGENITOR_VERSION};

/// The result of generating one family.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Which family.
    pub family: Family,
    /// The full text to write to `generated.rs`, header included.
    pub source: String,
    /// The full text of `generated_httpmock.rs`: typed `httpmock` helpers, one per operation
    /// (compiled only with the family crate's `httpmock` feature); `None` for the JSON-RPC family.
    pub httpmock_source: Option<String>,
    /// Number of operations in the spec.
    pub operations: usize,
    /// Number of types in the generated `types` module.
    pub types: usize,
    /// What normalization rewrote.
    pub normalization: normalize::Report,
    /// Wall time spent generating.
    pub elapsed: Duration,
}

impl Generated {
    /// Number of lines in the generated file.
    pub fn lines(&self) -> usize {
        self.source.lines().count()
    }
}

/// The progenitor settings every family uses.
pub fn settings() -> GenerationSettings {
    let mut s = GenerationSettings::default();
    s.with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(::cleeng_runtime::Context))
        // Gated behind each family crate's `schemars` feature afterwards (derives.rs).
        .with_derive("schemars::JsonSchema")
        // `format: password` fields become `cleeng_runtime::Secret` (see normalize.rs).
        .with_crate("cleeng-runtime", progenitor::CrateVers::Any, None);
    s
}

/// Generates the file for `family` from the spec under `root`.
pub fn generate(root: &Path, family: Family) -> Result<Generated, Error> {
    if family.is_openrpc() {
        return crate::openrpc::generate(root, family);
    }
    let loaded = spec::load(root, &family.spec_path())?;
    generate_from(family, &loaded)
}

/// Generates the file for `family` from an already loaded spec.
pub fn generate_from(family: Family, loaded: &spec::Spec) -> Result<Generated, Error> {
    let started = Instant::now();
    let path = loaded.path.clone();
    let hosts = glue::hosts(&loaded.document, &path)?;
    let ops = glue::operations(&loaded.document, &path)?;

    let mut doc = loaded.document.clone();
    let normalization = normalize::normalize(&mut doc, &path)?;

    let mut settings = settings();
    for (schema, rust) in &normalization.number_or_string {
        // Every `$ref` to the schema becomes the shared type: one type per concept, across families.
        settings.with_replacement(schema, format!("::{rust}"), [progenitor::TypeImpl::Display].into_iter());
    }
    let mut generator = Generator::new(&settings);
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&doc)))
        .map_err(|panic| Error::Progenitor {
            path: path.clone(),
            message: panic_message(panic.as_ref()),
        })?
        .map_err(|e| Error::Progenitor {
            path: path.clone(),
            message: e.to_string(),
        })?;
    let glue = glue::tokens(&hosts, &ops);
    let all = quote!(#tokens #glue);
    let mut file: syn::File = syn::parse2(all).map_err(|e| Error::Syntax {
        path: path.clone(),
        message: e.to_string(),
    })?;
    crate::enums::open_string_enums(&mut file);
    crate::derives::gate_json_schema(&mut file);
    crate::exhaustive::mark_non_exhaustive(&mut file);
    crate::calls::add_call_methods(&mut file, &ops);
    crate::setters::keep_conversion_errors(&mut file);
    crate::lenient::mark_lenient_fields(&mut file);
    crate::optional::optional_setters(&mut file);
    crate::variants::name_variants(&mut file);
    crate::client::align_client(&mut file);
    crate::api_version::strip_api_version_header(&mut file);
    let docs = |id: &str| doc_url(&loaded.document, id);
    crate::deprecated::mark_deprecated(&mut file, &ops, &docs);
    crate::unconfirmed::mark_unconfirmed(&mut file, &ops);
    crate::patterns::compile_patterns(&mut file).map_err(|message| Error::Invalid {
        path: path.clone(),
        message,
    })?;
    let types = count_types(&file);
    let body = prettyplease::unparse(&file);
    let stamp = header::render(&path, &loaded.sha256, PROGENITOR_VERSION);
    let source = stamp.clone() + "\n" + &body;
    let httpmock_source = Some(stamp + "\n" + &crate::mocks::generate(&doc, &path, &settings)?);
    Ok(Generated {
        family,
        source,
        httpmock_source,
        operations: ops.len(),
        types,
        normalization,
        elapsed: started.elapsed(),
    })
}

/// The `externalDocs.url` of operation `id`.
fn doc_url(doc: &openapiv3::OpenAPI, id: &str) -> Option<String> {
    doc.operations()
        .find(|(_, _, op)| op.operation_id.as_deref() == Some(id))
        .and_then(|(_, _, op)| op.external_docs.as_ref().map(|d| d.url.clone()))
}

/// The message of a caught panic.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "progenitor panicked".to_string()
    }
}

/// Counts the structs and enums in the generated `types` module (not its `builder` submodule).
pub(crate) fn count_types(file: &syn::File) -> usize {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .map(|(_, items)| {
            items
                .iter()
                .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
                .count()
        })
        .unwrap_or(0)
}
