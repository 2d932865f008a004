//! `--save-fixtures DIR`: each 2xx JSON answer, redacted, as `DIR/<family>/<operationId>.json`,
//! so one run becomes a regression test (`tests/live_fixtures.rs` decodes every fixture under
//! `tests/fixtures/live/` into its generated type).

use std::path::Path;

use super::redact;
use super::run::Evidence;

/// Writes the fixtures; returns how many. The first answer of an operation wins.
pub fn save(dir: &Path, evidence: &[Evidence]) -> Result<usize, String> {
    let mut written = std::collections::BTreeSet::new();
    for e in evidence {
        let key = (e.family.clone(), e.operation_id.clone());
        if written.contains(&key) {
            continue;
        }
        let family_dir = dir.join(&e.family);
        std::fs::create_dir_all(&family_dir)
            .map_err(|err| format!("cannot create {}: {err}", family_dir.display()))?;
        let path = family_dir.join(format!("{}.json", e.operation_id));
        let mut text =
            serde_json::to_string_pretty(&redact::body(&e.body)).map_err(|err| err.to_string())?;
        text.push('\n');
        std::fs::write(&path, text)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        let _ = e.status;
        written.insert(key);
    }
    Ok(written.len())
}
