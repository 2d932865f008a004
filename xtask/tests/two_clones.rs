//! One xtask binary, two checkouts: `regen` changes only the checkout it was run in.
//!
//! With a shared `CARGO_TARGET_DIR`, `cargo xtask` in every clone runs the same binary. It used
//! to find the repository from a path fixed when it was compiled, so regen in one clone rewrote
//! another's files. Here the binary this test built serves two copies of the repository (only
//! what regen reads and writes, to keep it cheap), run the way `cargo run` runs it (with
//! `CARGO_MANIFEST_DIR` naming the clone's `xtask/`) and with `--root`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cleeng_codegen::family::{is_workspace_root, workspace_root, workspace_root_from, Family};

const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

/// Copies what `regen` needs from the real checkout into `dest`.
fn copy_repo(dest: &Path) {
    let src = workspace_root();
    let mut files = vec!["Cargo.toml".to_string()];
    for family in Family::ALL {
        files.push(family.spec_path());
        files.push(family.generated_path());
        files.extend(family.httpmock_path());
        files.extend(family.mock_spec_path());
    }
    for file in files {
        let to = dest.join(&file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(&file), &to).unwrap_or_else(|e| panic!("copy {file}: {e}"));
    }
    std::fs::create_dir_all(dest.join("xtask")).unwrap();
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Runs the binary as `cargo xtask ...` does inside `clone`: current directory and
/// `CARGO_MANIFEST_DIR` (set by `cargo run`) both inside that clone.
fn cargo_xtask_in(clone: &Path, args: &[&str]) -> Output {
    Command::new(XTASK)
        .args(args)
        .current_dir(clone)
        .env("CARGO_MANIFEST_DIR", clone.join("xtask"))
        .output()
        .expect("run xtask")
}

/// Runs the binary outside cargo, from `cwd`, with `--root` and the other `args`.
fn xtask_with_root(cwd: &Path, root: &Path, args: &[&str]) -> Output {
    Command::new(XTASK)
        .arg("regen")
        .arg("--root")
        .arg(root)
        .args(args)
        .current_dir(cwd)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("run xtask")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn regen_in_each_clone_changes_only_that_clone() {
    let base = scratch("two-clones");
    let (a, b) = (base.join("a"), base.join("b"));
    copy_repo(&a);
    copy_repo(&b);

    // An edit in clone A: the spec's bytes (and so its hash) change. Auth is the smallest family,
    // which keeps the six generations here cheap.
    let spec = a.join(Family::Auth.spec_path());
    let mut yaml = std::fs::read_to_string(&spec).unwrap();
    yaml.push_str("# edited in clone A\n");
    std::fs::write(&spec, &yaml).unwrap();
    let a_before = snapshot(&a);
    let b_before = snapshot(&b);

    // `cargo xtask regen auth` in B: nothing to do there, and A stays untouched.
    let out = cargo_xtask_in(&b, &["regen", "auth"]);
    assert!(out.status.success(), "regen in B failed: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("unchanged"), "{}", text(&out.stdout));
    assert_eq!(snapshot(&b), b_before, "regen in B changed B although B's spec did not change");
    assert_eq!(snapshot(&a), a_before, "regen in B touched clone A");

    // `--check` in B passes (B is fresh), in A fails naming A's own absolute paths.
    let out = cargo_xtask_in(&b, &["regen", "--check", "auth"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cargo_xtask_in(&a, &["regen", "--check", "auth"]);
    assert!(!out.status.success(), "A is stale but --check passed");
    let stderr = text(&out.stderr);
    let a_generated = a.join(Family::Auth.generated_path());
    assert!(stderr.contains(&a_generated.display().to_string()), "{stderr}");
    assert!(!stderr.contains(&b.display().to_string()), "{stderr}");
    assert_eq!(snapshot(&a), a_before, "--check wrote");

    // `cargo xtask regen auth` in A rewrites A's generated file and mock copy, and nothing in B.
    let out = cargo_xtask_in(&a, &["regen", "auth"]);
    assert!(out.status.success(), "regen in A failed: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("written"), "{}", text(&out.stdout));
    assert_eq!(snapshot(&b), b_before, "regen in A touched clone B");
    let a_after = snapshot(&a);
    let changed: Vec<_> = a_after
        .iter()
        .filter(|(path, bytes)| a_before.get(*path) != Some(bytes))
        .map(|(path, _)| path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        changed,
        vec![
            Family::Auth.generated_path(),
            Family::Auth.httpmock_path().unwrap(),
            Family::Auth.mock_spec_path().unwrap()
        ],
        "regen in A should change exactly auth's generated files (their headers carry the spec's hash) and the mock's copy"
    );
    assert_eq!(a_after[Path::new(&Family::Auth.mock_spec_path().unwrap())], yaml.as_bytes());

    // `--root` wins over where the binary is run from.
    let out = xtask_with_root(&b, &a, &["--check", "auth"]);
    assert!(out.status.success(), "--root A from B: {}", text(&out.stderr));
    let out = xtask_with_root(&a, &b, &["--check", "auth"]);
    assert!(out.status.success(), "--root B from A: {}", text(&out.stderr));

    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn io_errors_and_a_bad_root_name_absolute_paths() {
    let base = scratch("bad-root");
    let a = base.join("a");
    copy_repo(&a);
    std::fs::remove_file(a.join(Family::Auth.spec_path())).unwrap();

    // A missing spec: the message names the absolute path that was read.
    let out = cargo_xtask_in(&a, &["regen", "auth"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    let missing = a.join(Family::Auth.spec_path());
    assert!(stderr.contains(&format!("cannot read {}", missing.display())), "{stderr}");

    // `--root` naming something that is not the workspace root: exit 2, the absolute path, no panic.
    let not_root = a.join("specs");
    let out = xtask_with_root(&a, Path::new("specs"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&not_root.display().to_string()), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // No root anywhere above the current directory and no CARGO_MANIFEST_DIR: a clear error.
    let out = Command::new(XTASK)
        .args(["regen", "--check"])
        .current_dir(&base)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap();
    if workspace_root_from(&base).is_err() {
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("--root"), "{}", text(&out.stderr));
    }
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn root_search_walks_up_and_needs_a_workspace_with_specs() {
    let base = scratch("root-search");
    let clone = base.join("clone");
    copy_repo(&clone);
    let deep = clone.join("crates/cleeng-core/src");
    assert_eq!(workspace_root_from(&deep).unwrap(), clone);
    assert!(is_workspace_root(&clone));
    // A family crate's directory has a Cargo.toml of its own but is not the root.
    std::fs::write(clone.join("crates/cleeng-core/Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
    assert!(!is_workspace_root(&clone.join("crates/cleeng-core")));
    // A workspace manifest without specs/ is some other project.
    let other = base.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("Cargo.toml"), "[workspace]\n").unwrap();
    assert!(!is_workspace_root(&other));
    std::fs::remove_dir_all(&base).unwrap();
}
