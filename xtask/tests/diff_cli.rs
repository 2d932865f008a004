//! The real `xtask diff` binary against a throwaway git repository holding a copy of
//! specs/core.yaml: the default base (merge base of HEAD and main) is read from git, the head is
//! the edited work tree, and `--fail-on breaking` decides the exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

struct Repo(PathBuf);

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=diff-test", "-c", "user.email=diff@test", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A repository on branch main with specs/core.yaml committed.
fn repo(name: &str) -> (Repo, String) {
    let dir = std::env::temp_dir().join(format!("cleeng-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    let spec = std::fs::read_to_string(workspace_root().join("specs/core.yaml")).unwrap();
    std::fs::write(dir.join("specs/core.yaml"), &spec).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "specs/core.yaml"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    (Repo(dir), spec)
}

fn xtask_diff(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .arg("--root")
        .arg(dir)
        .args(extra)
        .output()
        .expect("xtask runs")
}

#[test]
fn fail_on_breaking_exits_1_for_a_removed_operation_and_0_for_an_added_optional_parameter() {
    // 1. Remove GET /gifts/{giftId} (getGift), keeping the PATCH under the same path.
    let (repo, spec) = repo("removed");
    let start = spec.find("  /gifts/{giftId}:\n    get:\n").expect("getGift in core.yaml") + "  /gifts/{giftId}:\n".len();
    let end = start + spec[start..].find("\n    patch:\n").expect("updateGift follows") + 1;
    let edited = format!("{}{}", &spec[..start], &spec[end..]);
    std::fs::write(repo.0.join("specs/core.yaml"), edited).unwrap();
    let out = xtask_diff(&repo.0, &["--fail-on", "breaking"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("## API changes: 1 breaking, 0 possibly breaking, 0 non-breaking"), "{stdout}");
    assert!(stdout.contains("`api-removed` | removed: GET /gifts/{giftId} (get_gift)"), "{stdout}");
    assert!(stdout.contains("method `get_gift()` removed"), "{stdout}");
    // Without --fail-on the same report exits 0.
    assert_eq!(xtask_diff(&repo.0, &["--no-rust"]).status.code(), Some(0));

    // 2. Add an optional query parameter to listSubscriptions.
    let anchor = "operationId: listSubscriptions";
    let at = spec.find(anchor).unwrap();
    let params = at + spec[at..].find("      parameters:\n").unwrap() + "      parameters:\n".len();
    let edited = format!(
        "{}        - {{name: country, in: query, required: false, schema: {{type: string}}}}\n{}",
        &spec[..params],
        &spec[params..]
    );
    std::fs::write(repo.0.join("specs/core.yaml"), edited).unwrap();
    let out = xtask_diff(&repo.0, &["--fail-on", "breaking", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("\"rule\": \"new-optional-request-parameter\""), "{stdout}");
    assert!(stdout.contains("\"breaking\": 0"), "{stdout}");
    assert!(stdout.contains("\"name\": \"list_subscriptions().country\""), "{stdout}");
}

#[test]
fn unknown_base_revision_exits_2() {
    let (repo, _) = repo("badrev");
    let out = xtask_diff(&repo.0, &["--base", "does-not-exist", "--no-rust"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown revision"));
}
