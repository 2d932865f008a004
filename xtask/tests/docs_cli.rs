//! The real `xtask docs` binary on a copy of Cleeng's index (titles and links of the 2026-12
//! llms.txt, summaries dropped: `tests/fixtures/docs/llms-2026-12.txt`) and the repository's
//! own specs and `specs/docs-baseline.yaml`: quiet on today's index; one page added and one
//! covered page removed are both named with their families and fail `--fail-on any`; a page
//! file with one renamed response field is one removal plus one addition on its operation;
//! an unreachable URL is a clear error with status 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs")
}

fn seed_index() -> String {
    std::fs::read_to_string(fixtures().join("llms-2026-12.txt")).expect("index fixture")
}

struct Temp(PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(name: &str) -> Temp {
    let dir = std::env::temp_dir().join(format!("cleeng-docs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Temp(dir)
}

fn docs(args: &[&str]) -> (i32, String, String) {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("docs").args(args).output().expect("xtask runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, out, err) = docs(&all);
    let value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, value)
}

#[test]
fn todays_index_reports_no_change_and_every_reference_page_is_accounted_for() {
    let index = fixtures().join("llms-2026-12.txt");
    let (code, report) = json(&["--index", index.to_str().unwrap(), "--fail-on", "any"]);
    assert_eq!(code, 0, "{report:#}");
    let pages = &report["pages"];
    assert_eq!(pages["changes"], serde_json::json!([]), "{report:#}");
    assert_eq!(pages["stale_baseline"], serde_json::json!([]), "{report:#}");
    let total = pages["reference_pages"].as_u64().unwrap();
    let covered = pages["covered"].as_u64().unwrap();
    let reviewed = pages["reviewed"].as_u64().unwrap();
    assert!(total > 100, "the copy lists every reference page: {total}");
    assert_eq!(covered + reviewed, total, "{report:#}");
    let per_family: u64 = pages["per_family"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(per_family, total);
    // The changelog section is not read as pages.
    assert!(!serde_json::to_string(&report).unwrap().contains("release-notes"));
    let (code, md, _) = docs(&["--index", index.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(md.starts_with("## Cleeng docs vs specs: 0 change(s)"), "{md}");
}

#[test]
fn a_page_added_and_a_covered_page_removed_are_named_with_their_families() {
    let dir = temp("added-removed");
    let seed = seed_index();
    let removed_line = seed.lines().find(|l| l.contains("/reference/subscription-revive.md")).expect("revive page in the copy");
    let edited = seed.replace(&format!("{removed_line}\n"), "").replace(
        "## API Reference\n",
        "## API Reference\n- [Archive a subscription](https://developers.cleeng.com/reference/31-archive-subscription.md): \
         Moves an ended subscription to the archive (Core API 3.1).\n",
    );
    let index = dir.0.join("llms.txt");
    std::fs::write(&index, edited).unwrap();
    let index = index.to_str().unwrap();

    let (code, report) = json(&["--index", index, "--fail-on", "any"]);
    assert_eq!(code, 1, "{report:#}");
    let changes = report["pages"]["changes"].as_array().unwrap();
    let got: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["slug"].as_str().unwrap(), c["family"].as_str().unwrap_or("unknown")))
        .collect();
    assert_eq!(
        got,
        vec![("removed", "subscription-revive", "core"), ("added", "31-archive-subscription", "core")],
        "{report:#}"
    );
    let removed = &changes[0];
    assert_eq!(removed["title"], "Revive subscription");
    assert!(removed["linked_by"][0].as_str().unwrap().starts_with("reviveSubscription (POST "), "{removed:#}");

    let (code, md, err) = docs(&["--index", index, "--fail-on", "any"]);
    assert_eq!(code, 1);
    assert!(err.contains("--fail-on"), "{err}");
    assert!(md.contains("### core"), "{md}");
    assert!(md.contains("| gone from the index | `subscription-revive` \"Revive subscription\" |"), "{md}");
    assert!(md.contains("| new page no operation covers | `31-archive-subscription` \"Archive a subscription\" | family: slug prefix `31-`"), "{md}");
    // Each threshold counts its own kind; without --fail-on the report never fails.
    assert_eq!(docs(&["--index", index, "--fail-on", "added"]).0, 1);
    assert_eq!(docs(&["--index", index, "--fail-on", "removed"]).0, 1);
    assert_eq!(docs(&["--index", index]).0, 0);
}

#[test]
fn a_renamed_page_is_suggested_and_a_retitled_page_is_reported() {
    let dir = temp("renamed");
    let edited = seed_index()
        .replace(
            "[Revive subscription](https://developers.cleeng.com/reference/subscription-revive.md)",
            "[Revive subscription](https://developers.cleeng.com/reference/revive-subscription.md)",
        )
        .replace("[List campaigns](https://developers.cleeng.com/reference/list-campaigns.md)", "[Search campaigns](https://developers.cleeng.com/reference/list-campaigns.md)");
    let index = dir.0.join("llms.txt");
    std::fs::write(&index, edited).unwrap();
    let (code, report) = json(&["--index", index.to_str().unwrap(), "--fail-on", "removed"]);
    assert_eq!(code, 1);
    let changes = report["pages"]["changes"].as_array().unwrap();
    let removed = changes.iter().find(|c| c["kind"] == "removed").expect("removed");
    assert_eq!(removed["rename"]["slug"], "revive-subscription", "{report:#}");
    let retitled = changes.iter().find(|c| c["kind"] == "retitled").expect("retitled");
    assert_eq!((retitled["slug"].as_str(), retitled["old_title"].as_str()), (Some("list-campaigns"), Some("List campaigns")));
    assert_eq!(retitled["title"], "Search campaigns");
    // The old slug gone, the new slug added, the other page retitled.
    assert_eq!(changes.len(), 3, "{report:#}");
}

#[test]
fn page_tables_agree_and_a_renamed_response_field_is_one_removal_one_addition() {
    let index = fixtures().join("llms-2026-12.txt");
    let pages = fixtures().join("pages");
    let (code, report) = json(&["--index", index.to_str().unwrap(), "--pages", pages.to_str().unwrap(), "--fail-on", "any"]);
    assert_eq!(code, 0, "{report:#}");
    let fields = report["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "only the fixture page is read: {report:#}");
    assert_eq!((fields[0]["operation_id"].as_str(), fields[0]["changes"].as_array().map(Vec::len)), (Some("getGift"), Some(0)), "{report:#}");
    assert!(report["pages_missing"].as_array().unwrap().len() > 100);

    let dir = temp("pages");
    let page = std::fs::read_to_string(pages.join("31-get-a-gift.md")).unwrap();
    let renamed = page.replace("| offerId | string |", "| offerCode | string |");
    assert_ne!(page, renamed);
    std::fs::write(dir.0.join("31-get-a-gift.md"), renamed).unwrap();
    let (code, report) = json(&["--index", index.to_str().unwrap(), "--pages", dir.0.to_str().unwrap(), "--fail-on", "removed"]);
    assert_eq!(code, 1, "{report:#}");
    let op = &report["fields"][0];
    assert_eq!(op["operation_id"], "getGift");
    let changes: Vec<(&str, &str, &str)> = op["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["side"].as_str().unwrap(), c["field"].as_str().unwrap()))
        .collect();
    assert_eq!(changes, vec![("removed", "response", "offerId"), ("added", "response", "offerCode")]);
    let (_, md, _) = docs(&["--index", index.to_str().unwrap(), "--pages", dir.0.to_str().unwrap()]);
    assert!(md.contains("`getGift` core (`31-get-a-gift`)"), "{md}");
    assert!(md.contains("- response field `offerId` in the spec, not on the page"), "{md}");
}

#[test]
fn an_unreachable_index_url_and_bad_arguments_exit_2_with_a_clear_message() {
    // Nothing listens on the discard port of the loopback address.
    let (code, out, err) = docs(&["--index", "http://127.0.0.1:9/llms.txt"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("cannot fetch http://127.0.0.1:9/llms.txt") && err.contains("offline?"), "{err}");
    let (code, _, err) = docs(&["--fail-on", "sometimes"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown --fail-on"), "{err}");
    let (code, _, err) = docs(&["--index", "/no/such/llms.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("not found"), "{err}");
    let (code, out, _) = docs(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("--pages"));
}

/// A one-thread HTTP/1.1 server on 127.0.0.1 answering GETs from `files` (path -> body), 404
/// otherwise, until the test ends.
fn serve(files: Vec<(String, String)>) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, body) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, b)) => ("200 OK", b.clone()),
                None => ("404 Not Found", String::new()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: text/markdown\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn index_and_pages_are_fetched_over_http() {
    let page = std::fs::read_to_string(fixtures().join("pages/31-get-a-gift.md")).unwrap();
    let renamed = page.replace("| offerId | string |", "| offerCode | string |");
    let base = serve(vec![
        ("/llms.txt".to_string(), seed_index()),
        ("/reference/31-get-a-gift.md".to_string(), renamed),
    ]);
    let index = format!("{base}/llms.txt");
    let pages = format!("{base}/reference");
    let (code, report) = json(&["--index", &index, "--pages", &pages, "--fail-on", "added"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["pages"]["changes"], serde_json::json!([]));
    let fields = report["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{report:#}");
    assert_eq!(fields[0]["operation_id"], "getGift");
    assert_eq!(fields[0]["changes"].as_array().unwrap().len(), 2);
    // Every other covered operation's page answered 404 and is listed as not found.
    assert!(report["pages_missing"].as_array().unwrap().iter().any(|s| s == "31-update-a-gift"));
    let (code, _, err) = docs(&["--index", &format!("{base}/missing.txt")]);
    assert_eq!(code, 2);
    assert!(err.contains("not found"), "{err}");
}
