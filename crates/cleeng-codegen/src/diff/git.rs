//! Reading spec files at a git revision without touching the work tree (`git show REV:path`).

use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))
}

/// Checks that `rev` names a commit and returns its full hash.
pub fn resolve(root: &Path, rev: &str) -> Result<String, String> {
    if rev.starts_with('-') || rev.is_empty() {
        return Err(format!("{rev:?} is not a revision"));
    }
    let out = git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
    if !out.status.success() {
        return Err(format!("unknown revision {rev:?}"));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `git merge-base HEAD main`: the default base of a diff.
pub fn merge_base(root: &Path) -> Result<String, String> {
    let out = git(root, &["merge-base", "HEAD", "main"])?;
    if !out.status.success() {
        return Err(format!(
            "cannot find the merge base of HEAD and main ({}); pass --base REV",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The bytes of `path` at commit `rev`, or `None` when the file does not exist there.
pub fn show(root: &Path, rev: &str, path: &str) -> Result<Option<Vec<u8>>, String> {
    let spec = format!("{rev}:{path}");
    let exists = git(root, &["cat-file", "-e", &spec])?;
    if !exists.status.success() {
        return Ok(None);
    }
    let out = git(root, &["show", &spec])?;
    if !out.status.success() {
        return Err(format!("git show {spec}: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(Some(out.stdout))
}
