//! The real `xtask probe` binary against `cleeng-mock` started here (127.0.0.1 only, no account):
//! the plain mock shows no drift on any operation the probe reaches, and sends no write but the
//! customer login and refresh; a mock told to drift on purpose (an extra field, a string where
//! the spec says integer, an unknown enum value, a missing required field, an undocumented
//! status) is reported with exactly those findings.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use cleeng_mock::{Drift, MockConfig, MockServer};
use serde_json::Value;

/// Runs the probe against `url` with the demo credentials; returns (exit code, JSON report, stderr).
async fn probe(url: String, customer: bool, extra: Vec<String>) -> (i32, Value, String) {
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
        cmd.arg("probe")
            .args(["--env", &url, "--format", "json"])
            .args(&extra);
        cmd.env("CLEENG_PUBLISHER_TOKEN", "probe-test-token")
            .env_remove("CLEENG_CUSTOMER_EMAIL")
            .env_remove("CLEENG_CUSTOMER_PASSWORD")
            .env("CLEENG_PUBLISHER_ID", cleeng_mock::PUBLISHER_ID.to_string());
        if customer {
            cmd.env("CLEENG_CUSTOMER_EMAIL", cleeng_mock::DEMO_EMAIL)
                .env("CLEENG_CUSTOMER_PASSWORD", cleeng_mock::DEMO_PASSWORD);
        }
        let out = cmd.output().expect("xtask runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "report is not JSON ({e}): {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (
            out.status.code().unwrap_or(-1),
            report,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .expect("probe thread")
}

fn operations(report: &Value) -> &Vec<Value> {
    report["operations"].as_array().expect("operations")
}

/// (family.operationId, finding kind) of every finding.
fn findings(report: &Value) -> BTreeSet<(String, String)> {
    operations(report)
        .iter()
        .flat_map(|op| {
            let name = format!(
                "{}.{}",
                op["family"].as_str().unwrap(),
                op["operation_id"].as_str().unwrap()
            );
            op["findings"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |f| (name.clone(), f["kind"].as_str().unwrap().to_string()))
        })
        .collect()
}

fn reached(report: &Value) -> BTreeSet<String> {
    operations(report)
        .iter()
        .filter(|op| op["outcome"] == "reached")
        .map(|op| {
            format!(
                "{}.{}",
                op["family"].as_str().unwrap(),
                op["operation_id"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_mock_shows_no_drift_and_receives_no_write() {
    let mock = MockServer::start().await;
    let (code, report, stderr) =
        probe(mock.url(), true, vec!["--fail-on".into(), "drift".into()]).await;
    let found = findings(&report);
    assert!(
        found.is_empty(),
        "drift against the plain mock: {found:?}\n{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    assert_eq!(code, 0, "{stderr}");
    let reached = reached(&report);
    assert!(
        reached.len() >= 35,
        "only {} operations reached: {reached:?}",
        reached.len()
    );
    for expected in [
        "core.listOffers",
        "mediastore.loginCustomer",
        "mediastore.refreshToken",
        "mediastore.getLocales",
    ] {
        assert!(
            reached.contains(expected),
            "{expected} not reached: {reached:?}"
        );
    }
    // No write reached the mock but the login and the refresh the probe needs.
    let by_method = mock.requests_by_method();
    let writes: u64 = by_method
        .iter()
        .filter(|(m, _)| m.as_str() != "GET")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        by_method.get("POST").copied().unwrap_or(0),
        2,
        "{by_method:?}"
    );
    assert_eq!(writes, 2, "{by_method:?}");
    // The probe's own count agrees with the mock's.
    let sent: BTreeMap<String, u64> = serde_json::from_value(report["requests"].clone()).unwrap();
    assert_eq!(sent, by_method);
    // Every write not named with --allow is listed as not reached, with the reason.
    let refused = operations(&report)
        .iter()
        .filter(|op| op["method"] != "GET" && op["outcome"] == "unreachable")
        .count();
    assert!(refused > 50, "{refused}");
    assert!(mock.violations().is_empty(), "{:?}", mock.violations());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_on_purpose_is_reported_exactly() {
    let config = MockConfig::new()
        .drift("core.listOffers", Drift::ExtraField("surpriseField".into()))
        .drift("getSubscription", Drift::IntegerAsString)
        .drift(
            "listPasses",
            Drift::UnknownEnum {
                field: "status".into(),
            },
        )
        .drift("getLocales", Drift::RemoveField("responseData".into()))
        .drift("listEventTypes", Drift::Status(299));
    let mock = MockServer::start_with(config).await.expect("mock starts");
    let (code, report, stderr) =
        probe(mock.url(), true, vec!["--fail-on".into(), "drift".into()]).await;
    let found = findings(&report);
    let expected: BTreeSet<(String, String)> = [
        ("core.listOffers", "undocumented-field"),
        ("core.getSubscription", "type-mismatch"),
        ("core.listPasses", "unknown-enum"),
        ("mediastore.getLocales", "missing-required"),
        ("webhooks.listEventTypes", "undocumented-status"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(
        found,
        expected,
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    assert_eq!(code, 1, "--fail-on drift exits 1: {stderr}");
    // Each finding names its JSON path and a sample; the field added on purpose is found where it was put.
    let list_offers = operations(&report)
        .iter()
        .find(|op| op["operation_id"] == "listOffers" && op["family"] == "core")
        .unwrap();
    assert_eq!(list_offers["findings"][0]["path"], "/0/surpriseField");
    assert_eq!(list_offers["findings"][0]["sample"], "drift");
    let passes = operations(&report)
        .iter()
        .find(|op| op["operation_id"] == "listPasses")
        .unwrap();
    assert_eq!(passes["findings"][0]["sample"], "UNDOCUMENTED_VALUE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publisher_token_alone_reaches_no_customer_operation() {
    let mock = MockServer::start().await;
    let (code, report, _) = probe(mock.url(), false, Vec::new()).await;
    assert_eq!(code, 0);
    for op in operations(&report) {
        if op["credential"] == "customer" {
            assert_ne!(op["outcome"], "reached", "{op}");
        }
    }
    assert_eq!(
        mock.requests_by_method()
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        vec!["GET".to_string()]
    );
}

/// The files under `dir`, as `family/operationId.json`.
fn fixture_names(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for family in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(family.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            out.insert(format!(
                "{}/{}",
                family.file_name().to_string_lossy(),
                file.file_name().to_string_lossy()
            ));
        }
    }
    out
}

/// `tests/fixtures/live/` is seeded with what `--save-fixtures` writes from the plain mock with
/// the demo customer (`tests/live_fixtures.rs` decodes every fixture there into its generated
/// type). Every fixture this run saves must be in the folder, so an operation the probe newly
/// reaches on the mock also gets a regression fixture; the saved bodies carry none of the demo
/// customer's data or the credentials. `CLEENG_RESEED_LIVE_FIXTURES=1` writes the missing
/// fixtures into the folder instead of failing; it never overwrites one (a fixture saved from the
/// sandbox stays): delete a file to re-seed it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_fixtures_are_seeded_from_what_the_probe_saves_from_the_mock() {
    let mock = MockServer::start().await;
    let dir = std::env::temp_dir().join(format!("cleeng-probe-fixtures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, _, stderr) = probe(
        mock.url(),
        true,
        vec!["--save-fixtures".into(), dir.display().to_string()],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let saved = fixture_names(&dir);
    assert!(
        saved.len() >= 35,
        "only {} fixtures: {saved:?}",
        saved.len()
    );
    assert!(
        stderr.contains(&format!("saved {} fixtures", saved.len())),
        "{stderr}"
    );
    for name in &saved {
        let (family, file) = name.split_once('/').unwrap();
        assert!(
            cleeng_codegen::Family::ALL
                .iter()
                .any(|f| f.name() == family)
                && file.ends_with(".json"),
            "{name} is not named family/operationId.json"
        );
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The demo customer's email, names and password, the publisher token, the mock's
        // refresh and customer tokens, and any real JWT (the placeholder is unsigned).
        for secret in [
            cleeng_mock::DEMO_EMAIL,
            cleeng_mock::DEMO_PASSWORD,
            "probe-test-token",
            "\"Demo\"",
            "\"Customer\"",
            "\"rt_",
            "\"ct_",
        ] {
            assert!(!text.contains(secret), "{name} carries {secret}: {text}");
        }
        let placeholder = "\"eyJhbGciOiJub25lIn0.eyJyZWRhY3RlZCI6dHJ1ZX0.redacted\"";
        assert!(
            !text.replace(placeholder, "").contains("eyJ"),
            "{name} carries a JWT: {text}"
        );
    }
    let live = cleeng_codegen::family::workspace_root().join("tests/fixtures/live");
    let seeded = fixture_names(&live);
    let missing: Vec<&String> = saved.difference(&seeded).collect();
    if std::env::var_os("CLEENG_RESEED_LIVE_FIXTURES").is_some_and(|v| v == "1") {
        for name in &missing {
            let to = live.join(name);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(dir.join(name), &to).unwrap();
        }
        eprintln!("seeded {} fixtures into {}", missing.len(), live.display());
    } else {
        assert!(
            missing.is_empty(),
            "tests/fixtures/live lacks fixtures the probe saves from the mock: {missing:?}; \
             seed them with `CLEENG_RESEED_LIVE_FIXTURES=1 cargo test -p xtask --test integration probe_cli::live_fixtures`"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn production_is_refused_without_both_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["probe", "--env", "production"])
        .env("CLEENG_PUBLISHER_TOKEN", "x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing production"));
    let _ = PathBuf::new();
}

/// Point 6: the weekly api-watch job probes the sandbox, read-only, only when the repository has
/// a sandbox publisher token secret (the README says so); without it the step is skipped.
#[test]
fn the_weekly_watch_probes_the_sandbox_when_a_token_secret_is_set() {
    let root = cleeng_codegen::family::workspace_root();
    let text = std::fs::read_to_string(root.join(".github/workflows/api-watch.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let steps = workflow["jobs"]["docs"]["steps"].as_sequence().unwrap();
    let probe = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("cargo xtask probe"))
        })
        .expect("a step runs cargo xtask probe");
    assert_eq!(
        probe["env"]["CLEENG_PUBLISHER_TOKEN"].as_str(),
        Some("${{ secrets.CLEENG_SANDBOX_PUBLISHER_TOKEN }}")
    );
    let run = probe["run"].as_str().unwrap();
    let skip = run
        .find(r#"if [ -z "$CLEENG_PUBLISHER_TOKEN" ]"#)
        .expect("skipped without the secret");
    let call = run.find("cargo xtask probe").unwrap();
    assert!(skip < call && run[skip..call].contains("exit 0"), "{run}");
    let command = run[call..].lines().next().unwrap();
    assert!(
        command.contains("--env sandbox") && command.contains("--fail-on drift"),
        "{command}"
    );
    assert!(
        !command.contains("--allow") && !command.contains("production"),
        "{command}"
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("`CLEENG_SANDBOX_PUBLISHER_TOKEN`"));
}
