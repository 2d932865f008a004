//! The rule catalogue against its fixture suite: one minimal spec pair per kind of change
//! (`tests/fixtures/diff/<rule-id>.yaml`, plus `walk-*.yaml` for `$ref` cycles, `allOf` wrappers,
//! arrays and direction). Each fixture lists the exact changes expected (rule, level,
//! operationId); the comparison must report those and nothing else.

use std::collections::BTreeSet;
use std::path::PathBuf;

use cleeng_codegen::diff::{self, Level, Rule};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expect {
    rule: String,
    level: String,
    operation: Option<String>,
}

#[derive(Deserialize)]
struct Fixture {
    #[allow(dead_code)]
    note: String,
    expect: Vec<Expect>,
    base: serde_yaml::Value,
    head: serde_yaml::Value,
}

fn fixtures() -> Vec<(String, Fixture)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    let mut out: Vec<(String, Fixture)> = std::fs::read_dir(&dir)
        .expect("fixture directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("read fixture");
            let f: Fixture = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, f)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn run(f: &Fixture) -> Vec<(String, String, Option<String>)> {
    let base = serde_json::to_value(&f.base).unwrap();
    let head = serde_json::to_value(&f.head).unwrap();
    let mut got: Vec<_> = diff::openapi::compare("core", &base, &head)
        .into_iter()
        .map(|c| (c.rule.id().to_string(), c.level.name().to_string(), c.operation_id))
        .collect();
    got.sort();
    got
}

#[test]
fn every_fixture_reports_exactly_its_expected_changes() {
    let all = fixtures();
    assert!(all.len() >= 70, "fixture suite shrank to {}", all.len());
    let mut failures = Vec::new();
    for (name, f) in &all {
        let mut want: Vec<_> = f
            .expect
            .iter()
            .map(|e| (e.rule.clone(), e.level.clone(), e.operation.clone()))
            .collect();
        want.sort();
        let got = run(f);
        if got != want {
            failures.push(format!("{name}:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_rule_has_a_fixture_named_after_it_and_levels_match_the_catalogue() {
    let all = fixtures();
    let names: BTreeSet<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    let missing: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).filter(|id| !names.contains(id)).collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
    for (name, f) in &all {
        for e in &f.expect {
            let rule = Rule::from_id(&e.rule).unwrap_or_else(|| panic!("{name}: unknown rule {}", e.rule));
            assert_eq!(rule.level().name(), e.level, "{name}: level of {}", e.rule);
        }
        if !name.starts_with("walk-") {
            assert!(Rule::from_id(name).is_some(), "fixture {name} names no rule");
            assert!(f.expect.iter().any(|e| e.rule == *name), "fixture {name} does not expect its own rule");
        }
    }
}

#[test]
fn catalogue_has_at_least_25_kinds_with_unique_ids_across_all_levels() {
    let ids: BTreeSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(ids.len(), Rule::ALL.len(), "duplicate rule ids");
    assert!(Rule::ALL.len() >= 25);
    for level in Level::ALL {
        assert!(Rule::ALL.iter().any(|r| r.level() == level), "no rule at {level}");
    }
}

#[test]
fn pointers_name_the_exact_node_and_removed_operations_point_into_base() {
    let all = fixtures();
    let pick = |n: &str| &all.iter().find(|(name, _)| name == n).unwrap().1;
    let doc = |v: &serde_yaml::Value| serde_json::to_value(v).unwrap();

    let f = pick("request-property-removed");
    let changes = diff::openapi::compare("core", &doc(&f.base), &doc(&f.head));
    assert_eq!(
        changes[0].pointer,
        "/paths/~1things/post/requestBody/content/application~1json/schema/properties/name"
    );
    assert!(doc(&f.base).pointer(&changes[0].pointer).is_some());

    let f = pick("api-removed");
    let changes = diff::openapi::compare("core", &doc(&f.base), &doc(&f.head));
    assert_eq!(changes[0].pointer, "/paths/~1things~1{id}/get");
    assert_eq!(changes[0].http.as_deref(), Some("GET /things/{id}"));

    // A change found through a component schema names that schema (the link to a Rust type).
    let f = pick("walk-ref-cycle");
    let changes = diff::openapi::compare("core", &doc(&f.base), &doc(&f.head));
    assert_eq!(changes[0].schema.as_deref(), Some("Owner"));
    assert_eq!(
        changes[0].pointer,
        "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/properties/owner/properties/email"
    );
}

#[test]
fn ignore_file_accepts_one_change_with_a_reason_and_rejects_vague_entries() {
    let all = fixtures();
    let f = &all.iter().find(|(n, _)| n == "api-removed").unwrap().1;
    let bytes = |v: &serde_yaml::Value| serde_yaml::to_string(v).unwrap().into_bytes();
    let entries = diff::ignore::parse(
        "- rule: api-removed\n  family: core\n  operation: getThing\n  reason: retired by Cleeng\n",
    )
    .unwrap();
    let report =
        diff::diff_family(cleeng_codegen::Family::Core, Some(&bytes(&f.base)), Some(&bytes(&f.head)), &entries, false)
            .unwrap();
    assert!(report.changes.is_empty());
    assert_eq!(report.ignored.len(), 1);
    assert_eq!(report.ignored[0].reason, "retired by Cleeng");
    assert_eq!(report.ignored[0].change.rule, Rule::ApiRemoved);

    // Another family's entry does not match.
    let other = diff::ignore::parse("- rule: api-removed\n  family: auth\n  operation: getThing\n  reason: x\n").unwrap();
    let report =
        diff::diff_family(cleeng_codegen::Family::Core, Some(&bytes(&f.base)), Some(&bytes(&f.head)), &other, false)
            .unwrap();
    assert_eq!(report.changes.len(), 1);
    assert!(report.ignored.is_empty());

    for bad in [
        "- rule: api-removed\n  family: core\n  reason: too broad\n",
        "- rule: api-removed\n  family: core\n  operation: getThing\n  reason: ''\n",
        "- rule: no-such-rule\n  family: core\n  operation: getThing\n  reason: x\n",
        "- rule: api-removed\n  family: nope\n  operation: getThing\n  reason: x\n",
        "- rule: api-removed\n  family: core\n  operation: getThing\n  reason: x\n  extra: 1\n",
    ] {
        assert!(diff::ignore::parse(bad).is_err(), "accepted: {bad}");
    }
    assert!(diff::ignore::parse("").unwrap().is_empty());
}

#[test]
fn arguments_parse_and_bad_ones_are_rejected() {
    let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
    let o = diff::parse_args(&args("--base abc --head def --format json --fail-on warn core auth"))
        .unwrap()
        .unwrap();
    assert_eq!(o.base.as_deref(), Some("abc"));
    assert_eq!(o.head.as_deref(), Some("def"));
    assert_eq!(o.format, diff::Format::Json);
    assert_eq!(o.fail_on, Some(Level::PossiblyBreaking));
    assert_eq!(o.families, vec![cleeng_codegen::Family::Core, cleeng_codegen::Family::Auth]);
    let o = diff::parse_args(&args("--fail-on=breaking")).unwrap().unwrap();
    assert_eq!(o.fail_on, Some(Level::Breaking));
    assert_eq!(o.format, diff::Format::Markdown);
    assert!(diff::parse_args(&args("--help")).unwrap().is_none());
    for bad in ["--fail-on sometimes", "--format xml", "--base", "nonsense"] {
        assert!(diff::parse_args(&args(bad)).is_err(), "accepted {bad}");
    }
}
