//! `cargo xtask diff` on the real Core spec, edited in memory: a removed operation is breaking,
//! named by operationId, and the report names the Rust method that disappeared; an added
//! optional query parameter is non-breaking and shows up as a new builder setter. `--fail-on`
//! is checked through `exit_code` and `run_cli`'s argument handling.

use cleeng_codegen::diff::{self, rust::Delta, Level, Rule};
use cleeng_codegen::family::workspace_root;
use cleeng_codegen::Family;
use serde_yaml::{Mapping, Value};

fn core_spec() -> (Vec<u8>, Value) {
    let bytes = std::fs::read(workspace_root().join("specs/core.yaml")).expect("specs/core.yaml");
    let doc: Value = serde_yaml::from_slice(&bytes).expect("core.yaml parses");
    (bytes, doc)
}

fn path_item<'a>(doc: &'a mut Value, path: &str) -> &'a mut Mapping {
    doc.get_mut("paths")
        .and_then(|p| p.get_mut(path))
        .and_then(Value::as_mapping_mut)
        .unwrap_or_else(|| panic!("core.yaml has no path {path}"))
}

fn report_for(edited: &Value) -> diff::Report {
    let (base, _) = core_spec();
    let head = serde_yaml::to_string(edited).unwrap().into_bytes();
    let family = diff::diff_family(Family::Core, Some(&base), Some(&head), &[], true).expect("diff");
    assert_eq!(family.rust_error, None, "both sides must generate");
    diff::Report {
        base: "base".into(),
        head: "head".into(),
        families: vec![family],
        unused_ignores: vec![],
    }
}

#[test]
fn removing_an_operation_is_breaking_and_names_the_rust_method() {
    let (_, mut doc) = core_spec();
    let removed = path_item(&mut doc, "/gifts/{giftId}").remove("get");
    assert!(removed.is_some(), "getGift must exist in core.yaml for this test");
    let report = report_for(&doc);
    let f = &report.families[0];

    let spec: Vec<(Rule, Level, Option<&str>)> = f
        .changes
        .iter()
        .map(|c| (c.rule, c.level, c.operation_id.as_deref()))
        .collect();
    assert_eq!(spec, vec![(Rule::ApiRemoved, Level::Breaking, Some("getGift"))]);
    assert_eq!(f.changes[0].http.as_deref(), Some("GET /gifts/{giftId}"));
    assert_eq!(f.changes[0].pointer, "/paths/~1gifts~1{giftId}/get");

    let method = f
        .rust
        .iter()
        .find(|r| r.item == "method")
        .expect("a method-level Rust change");
    assert_eq!(method.delta, Delta::Removed);
    assert_eq!(method.name, "get_gift");
    assert_eq!(method.operation_id.as_deref(), Some("getGift"));
    // Only that method disappears; updateGift on the same path stays.
    assert_eq!(f.rust.iter().filter(|r| r.item == "method").count(), 1);

    let md = diff::render::markdown(&report);
    assert!(md.starts_with("## API changes: 1 breaking, 0 possibly breaking, 0 non-breaking"), "{md}");
    assert!(md.contains("| 🔴 breaking | `api-removed` | removed: GET /gifts/{giftId} (get_gift) "), "{md}");
    assert!(md.contains("method `get_gift()` removed"), "{md}");

    let json: serde_json::Value = serde_json::from_str(&diff::render::json(&report)).unwrap();
    assert_eq!(json["summary"]["breaking"], 1);
    assert_eq!(json["families"][0]["changes"][0]["rule"], "api-removed");
    assert_eq!(json["families"][0]["changes"][0]["operation_id"], "getGift");
    assert_eq!(json["families"][0]["rust"][0]["name"], "get_gift");

    assert_eq!(diff::exit_code(&report, Some(Level::Breaking)), 1);
    assert_eq!(diff::exit_code(&report, Some(Level::PossiblyBreaking)), 1);
    assert_eq!(diff::exit_code(&report, None), 0);
}

#[test]
fn adding_an_optional_query_parameter_is_non_breaking_and_adds_a_setter() {
    let (_, mut doc) = core_spec();
    let get = path_item(&mut doc, "/subscriptions")
        .get_mut("get")
        .and_then(Value::as_mapping_mut)
        .expect("GET /subscriptions");
    let params = get
        .get_mut("parameters")
        .and_then(Value::as_sequence_mut)
        .expect("listSubscriptions has parameters");
    params.push(
        serde_yaml::from_str("{name: country, in: query, required: false, schema: {type: string}}").unwrap(),
    );
    let report = report_for(&doc);
    let f = &report.families[0];

    let spec: Vec<(Rule, Level, Option<&str>)> = f
        .changes
        .iter()
        .map(|c| (c.rule, c.level, c.operation_id.as_deref()))
        .collect();
    assert_eq!(
        spec,
        vec![(Rule::NewOptionalRequestParameter, Level::NonBreaking, Some("listSubscriptions"))]
    );
    let rust: Vec<(Delta, &str, &str)> = f.rust.iter().map(|r| (r.delta, r.item, r.name.as_str())).collect();
    assert_eq!(rust, vec![(Delta::Added, "setter", "list_subscriptions().country")]);
    assert_eq!(f.rust[0].operation_id.as_deref(), Some("listSubscriptions"));

    assert_eq!(diff::exit_code(&report, Some(Level::Breaking)), 0);
    assert_eq!(diff::exit_code(&report, Some(Level::PossiblyBreaking)), 0);
    assert_eq!(diff::exit_code(&report, Some(Level::NonBreaking)), 1);
    let md = diff::render::markdown(&report);
    assert!(md.starts_with("## API changes: 0 breaking, 0 possibly breaking, 1 non-breaking"), "{md}");
}

#[test]
fn identical_specs_report_nothing_and_skip_generation() {
    let (base, _) = core_spec();
    let f = diff::diff_family(Family::Core, Some(&base), Some(&base), &[], true).unwrap();
    assert!(f.changes.is_empty() && f.rust.is_empty() && f.rust_error.is_none());
}

#[test]
fn run_cli_rejects_bad_arguments_with_status_2() {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = diff::run_cli(&workspace_root(), &["--fail-on".into(), "maybe".into()], &mut out, &mut err);
    assert_eq!(code, 2);
    assert!(String::from_utf8_lossy(&err).contains("unknown --fail-on level"));
    let code = diff::run_cli(&workspace_root(), &["--base".into(), "no-such-rev-xyz".into()], &mut out, &mut err);
    assert_eq!(code, 2);
    assert!(String::from_utf8_lossy(&err).contains("unknown revision"));
}

#[test]
fn a_component_property_type_change_links_to_the_rust_field_it_changes() {
    let (_, mut doc) = core_spec();
    let offer_id = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(|s| s.get_mut("Gift"))
        .and_then(|g| g.get_mut("properties"))
        .and_then(|p| p.get_mut("offerId"))
        .expect("Gift.offerId in core.yaml");
    *offer_id = serde_yaml::from_str("{type: integer, format: int64}").unwrap();
    let report = report_for(&doc);
    let f = &report.families[0];

    assert!(!f.changes.is_empty());
    for c in &f.changes {
        assert_eq!((c.rule, c.schema.as_deref()), (Rule::ResponsePropertyTypeChanged, Some("Gift")), "{c:?}");
        assert!(c.pointer.ends_with("/properties/offerId"), "{}", c.pointer);
    }
    let ops: Vec<&str> = f.changes.iter().filter_map(|c| c.operation_id.as_deref()).collect();
    assert!(ops.contains(&"getGift") && ops.contains(&"updateGift"), "{ops:?}");

    let rust: Vec<(Delta, &str, &str)> = f.rust.iter().map(|r| (r.delta, r.item, r.name.as_str())).collect();
    assert_eq!(rust, vec![(Delta::Changed, "field", "types::Gift::offer_id")]);
    assert_eq!(f.rust[0].type_name.as_deref(), Some("Gift"));
    assert_eq!(
        f.rust[0].describe(),
        "field `types::Gift::offer_id` changed: `Option<::cleeng_runtime::OfferId>` → `Option<i64>`"
    );
    // Every operation's change is one row about the schema, carrying the Rust field change.
    assert_eq!(f.rows.len(), 1, "{:#?}", f.rows);
    assert_eq!(f.rows[0].pointer, "/components/schemas/Gift/properties/offerId");
    assert_eq!(f.rows[0].rust, f.rust);
    let md = diff::render::markdown(&report);
    let row = md.lines().find(|l| l.contains("`response-property-type-changed`")).expect("row");
    assert!(row.contains("`Gift.offerId`") && row.contains("field `types::Gift::offer_id` changed"), "{md}");
}
