//! Loading a spec: bytes, hash and parsed document.

use sha2::{Digest, Sha256};
use std::path::Path;

use crate::Error;

/// A loaded spec: its raw bytes' sha256 and the parsed document.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The path it was read from, relative to the workspace root (for messages and the header).
    pub path: String,
    /// Lowercase hex sha256 of the file's bytes, exactly as on disk.
    pub sha256: String,
    /// The parsed document, before normalization.
    pub document: openapiv3::OpenAPI,
    /// The same document as untyped YAML (for vendor extensions and lints).
    pub raw: serde_yaml::Value,
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Reads and parses the spec at `root/relative`.
pub fn load(root: &Path, relative: &str) -> Result<Spec, Error> {
    let file = root.join(relative);
    // The absolute path in the message: "cannot read specs/core.yaml" next to a file that exists
    // says nothing about which checkout was searched.
    let bytes = std::fs::read(&file).map_err(|source| Error::Read {
        path: std::path::absolute(&file).unwrap_or(file).display().to_string(),
        source,
    })?;
    parse(relative, &bytes)
}

/// Parses spec bytes (`path` is only used in messages and the header).
pub fn parse(path: &str, bytes: &[u8]) -> Result<Spec, Error> {
    let parse_err = |e: serde_yaml::Error| Error::Parse {
        path: path.to_string(),
        message: e.to_string(),
    };
    let raw: serde_yaml::Value = serde_yaml::from_slice(bytes).map_err(parse_err)?;
    let version = raw
        .get("openapi")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    if !version.starts_with("3.0.") {
        return Err(Error::Invalid {
            path: path.to_string(),
            message: format!("openapi must be 3.0.x (progenitor reads no other), found {version:?}"),
        });
    }
    let document: openapiv3::OpenAPI = serde_yaml::from_value(raw.clone()).map_err(parse_err)?;
    Ok(Spec {
        path: path.to_string(),
        sha256: sha256_hex(bytes),
        document,
        raw,
    })
}
