//! Which reference pages the specs link: every operation's `externalDocs.url`, every tag's and
//! the document's own; for the legacy JSON-RPC family (`specs/legacy.openrpc.yaml`, once it
//! exists) every method's `externalDocs.url`.

use std::path::Path;

use cleeng_codegen::Family;
use serde_json::Value;

use super::index::slug_of;

/// Path of the legacy JSON-RPC description (OpenRPC), relative to the workspace root.
pub const LEGACY_SPEC: &str = "specs/legacy.openrpc.yaml";

/// What a link belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// An operation (or JSON-RPC method): its id and `METHOD /path` (or `json-rpc name`).
    Operation {
        /// operationId (method name for JSON-RPC).
        id: String,
        /// `METHOD /path`.
        http: String,
    },
    /// A tag's overview page.
    Tag(String),
    /// The document's own overview page.
    Document,
}

/// One link from a spec to a reference page.
#[derive(Debug, Clone)]
pub struct Link {
    /// Family name (`core`, ..., `legacy`).
    pub family: String,
    /// Slug of the page linked.
    pub slug: String,
    /// True for an API reference page (`/reference/`), false for a guide (`/docs/`).
    pub reference: bool,
    /// What links it.
    pub owner: Owner,
}

/// One family's spec, parsed.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Family name.
    pub family: String,
    /// The document as JSON.
    pub doc: Value,
}

/// Loads every family spec present under `root` (and the legacy OpenRPC file if present).
pub fn load(root: &Path) -> Result<Vec<Spec>, String> {
    let mut out = Vec::new();
    let mut paths: Vec<(String, String)> =
        Family::OPENAPI.iter().map(|f| (f.name().to_string(), f.spec_path())).collect();
    paths.push(("legacy".to_string(), LEGACY_SPEC.to_string()));
    for (family, rel) in paths {
        let path = root.join(&rel);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read {rel}: {e}")),
        };
        let doc = cleeng_codegen::diff::parse_document(&bytes).map_err(|e| format!("{rel}: {e}"))?;
        out.push(Spec { family, doc });
    }
    Ok(out)
}

fn url_at(v: &Value) -> Option<&str> {
    v.get("externalDocs")?.get("url")?.as_str()
}

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every reference-page link in `specs`, in document order.
pub fn links(specs: &[Spec]) -> Vec<Link> {
    let mut out = Vec::new();
    for spec in specs {
        let link = |url: &str, owner: Owner| Link {
            family: spec.family.clone(),
            slug: slug_of(url),
            reference: url.contains("/reference/"),
            owner,
        };
        let doc = &spec.doc;
        if let Some(url) = url_at(doc) {
            out.push(link(url, Owner::Document));
        }
        for tag in doc.get("tags").and_then(Value::as_array).into_iter().flatten() {
            if let (Some(url), Some(name)) = (url_at(tag), tag.get("name").and_then(Value::as_str)) {
                out.push(link(url, Owner::Tag(name.to_string())));
            }
        }
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in METHODS {
                    let Some(op) = item.get(method) else { continue };
                    let Some(url) = url_at(op) else { continue };
                    let id = op.get("operationId").and_then(Value::as_str).unwrap_or(path).to_string();
                    let http = format!("{} {path}", method.to_uppercase());
                    out.push(link(url, Owner::Operation { id, http }));
                }
            }
        }
        // OpenRPC: methods[] with name and externalDocs.
        for m in doc.get("methods").and_then(Value::as_array).into_iter().flatten() {
            if let (Some(url), Some(name)) = (url_at(m), m.get("name").and_then(Value::as_str)) {
                let owner = Owner::Operation {
                    id: name.to_string(),
                    http: format!("json-rpc {name}"),
                };
                out.push(link(url, owner));
            }
        }
    }
    out
}
