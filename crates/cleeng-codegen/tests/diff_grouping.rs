//! The diff a reviewer reads in one screen (issue 17, point 4), on the real Core spec edited in
//! memory: a change to a shared schema is one row listing the operations it affects, an ignore
//! entry may name the schema pointer once, each Rust change is credited to its own field's row,
//! removals read "removed: METHOD /path (rust_method)", `--format changelog` gives the
//! CHANGELOG entry, and the semver verdict follows `GENERATED_TYPES_NON_EXHAUSTIVE`.

use cleeng_codegen::diff::{self, ignore, rust::Delta, Level, Rule, Verdict};
use cleeng_codegen::family::workspace_root;
use cleeng_codegen::Family;
use serde_yaml::{Mapping, Value};

fn core_spec() -> (Vec<u8>, Value) {
    let bytes = std::fs::read(workspace_root().join("specs/core.yaml")).expect("specs/core.yaml");
    let doc: Value = serde_yaml::from_slice(&bytes).expect("core.yaml parses");
    (bytes, doc)
}

fn schema_props<'a>(doc: &'a mut Value, schema: &str) -> &'a mut Mapping {
    doc.get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(|s| s.get_mut(schema))
        .and_then(|g| g.get_mut("properties"))
        .and_then(Value::as_mapping_mut)
        .unwrap_or_else(|| panic!("core.yaml has no schema {schema} with properties"))
}

/// The first plain `{type: string}` property of `Subscription` (so the test survives spec edits).
fn plain_string_property(doc: &mut Value) -> String {
    let props = schema_props(doc, "Subscription");
    props
        .iter()
        .find(|(_, v)| {
            v.as_mapping().is_some_and(|m| m.len() == 1 && m.get("type").and_then(Value::as_str) == Some("string"))
        })
        .and_then(|(k, _)| k.as_str())
        .expect("Subscription has a plain string property")
        .to_string()
}

fn family_report(edited: &Value, ignores: &[ignore::IgnoreEntry]) -> diff::FamilyReport {
    let (base, _) = core_spec();
    let head = serde_yaml::to_string(edited).unwrap().into_bytes();
    let f = diff::diff_family(Family::Core, Some(&base), Some(&head), ignores, true).expect("diff");
    assert_eq!(f.rust_error, None, "both sides must generate");
    f
}

fn report(f: diff::FamilyReport) -> diff::Report {
    diff::Report {
        base: "base".into(),
        head: "head".into(),
        families: vec![f],
        unused_ignores: vec![],
    }
}

#[test]
fn retyping_one_subscription_field_is_one_row_listing_every_operation() {
    let (_, mut doc) = core_spec();
    let field = plain_string_property(&mut doc);
    schema_props(&mut doc, "Subscription").insert(
        Value::from(field.as_str()),
        serde_yaml::from_str("{type: integer, format: int64}").unwrap(),
    );
    let f = family_report(&doc, &[]);

    // Before grouping: one change (and one row, in the old report) per operation reaching it.
    let before = f.changes.len();
    let after = f.rows.len();
    println!("Subscription.{field} retyped: {before} rows before grouping, {after} after");
    let mut ops: Vec<String> = f.changes.iter().filter_map(|c| c.operation_id.clone()).collect();
    ops.sort();
    ops.dedup();
    assert!(ops.len() > 1, "Subscription is shared by several operations: {ops:?}");
    assert_eq!(before, ops.len(), "one change per operation: {:#?}", f.changes);
    assert_eq!(after, 1, "{:#?}", f.rows);

    let row = &f.rows[0];
    assert_eq!(row.rule, Rule::ResponsePropertyTypeChanged);
    assert_eq!(row.pointer, format!("/components/schemas/Subscription/properties/{field}"));
    assert_eq!(row.message, format!("type of `Subscription.{field}` changed from string to integer"));
    let row_ops: Vec<String> = row.operations.iter().map(|o| o.operation_id.clone()).collect();
    assert_eq!(row_ops, ops);
    // The Rust change sits on the row itself, not behind a "see types::Subscription".
    let rust: Vec<(Delta, &str)> = row.rust.iter().map(|r| (r.delta, r.name.as_str())).collect();
    let snake = heck::AsSnakeCase(&field).to_string();
    assert_eq!(rust, vec![(Delta::Changed, format!("types::Subscription::{snake}").as_str())]);
    assert!(f.unlinked_rust.is_empty(), "{:?}", f.unlinked_rust);

    let md = diff::render::markdown(&report(f));
    assert!(md.starts_with("## API changes: 1 breaking, 0 possibly breaking, 0 non-breaking"), "{md}");
    assert_eq!(md.matches("| 🔴 breaking |").count(), 1, "{md}");
    assert!(md.contains(&format!("| {} operations: `", ops.len())), "operations listed on the row: {md}");
    assert!(!md.contains("see `types::"), "{md}");
}

#[test]
fn one_ignore_entry_by_schema_pointer_accepts_the_change_in_every_operation() {
    let (_, mut doc) = core_spec();
    let field = plain_string_property(&mut doc);
    schema_props(&mut doc, "Subscription")
        .insert(Value::from(field.as_str()), serde_yaml::from_str("{type: integer}").unwrap());
    let text = format!(
        "- rule: response-property-type-changed\n  family: core\n  \
         pointer: /components/schemas/Subscription/properties/{field}\n  reason: reviewed\n"
    );
    let entries = ignore::parse(&text).expect("a schema pointer is a valid ignore entry");
    let f = family_report(&doc, &entries);
    assert!(f.changes.is_empty() && f.rows.is_empty(), "{:#?}", f.rows);
    assert!(f.ignored.len() > 1, "every operation's change is accepted: {}", f.ignored.len());
    assert!(f.ignored.iter().all(|i| i.reason == "reviewed"));
}

#[test]
fn adding_one_field_and_retyping_another_credits_each_rust_change_to_its_own_row() {
    let (_, mut doc) = core_spec();
    let field = plain_string_property(&mut doc);
    let props = schema_props(&mut doc, "Subscription");
    props.insert(Value::from(field.as_str()), serde_yaml::from_str("{type: boolean}").unwrap());
    props.insert(Value::from("loyaltyTier"), serde_yaml::from_str("{type: string}").unwrap());
    let f = family_report(&doc, &[]);

    assert_eq!(f.rows.len(), 2, "{:#?}", f.rows);
    let snake = heck::AsSnakeCase(&field).to_string();
    for row in &f.rows {
        let names: Vec<&str> = row.rust.iter().map(|r| r.name.as_str()).collect();
        match row.rule {
            Rule::ResponsePropertyTypeChanged => {
                assert_eq!(names, vec![format!("types::Subscription::{snake}").as_str()])
            }
            Rule::ResponsePropertyAdded => assert_eq!(names, vec!["types::Subscription::loyalty_tier"]),
            other => panic!("unexpected row {other:?}"),
        }
    }
    let md = diff::render::markdown(&report(f));
    let added_line = md.lines().find(|l| l.contains("`response-property-added`")).expect("added row");
    assert!(added_line.contains("loyalty_tier") && !added_line.contains(&format!("::{snake}`")), "{added_line}");
}

#[test]
fn removals_name_the_route_and_the_rust_method_and_the_changelog_marks_them_breaking() {
    let (_, mut doc) = core_spec();
    let paths = doc.get_mut("paths").and_then(Value::as_mapping_mut).expect("paths");
    let (path, method, op_id) = paths
        .iter()
        .find_map(|(p, item)| {
            let post = item.get("post")?;
            let id = post.get("operationId")?.as_str()?;
            (id == "reviveSubscription").then(|| (p.as_str().unwrap().to_string(), "post", id.to_string()))
        })
        .expect("reviveSubscription in core.yaml");
    paths.get_mut(path.as_str()).and_then(Value::as_mapping_mut).unwrap().remove(method);
    let f = family_report(&doc, &[]);
    assert_eq!(f.rows.len(), 1, "{:#?}", f.rows);
    let expected = format!("removed: POST {path} (revive_subscription)");
    assert_eq!(f.rows[0].message, expected);
    assert_eq!(f.rows[0].operations[0].operation_id, op_id);
    assert_eq!(f.verdict(), Verdict::Major);

    let r = report(f);
    let log = diff::render::changelog(&r);
    assert!(log.contains("### `cleeng-core`: major (breaking)"), "{log}");
    assert!(log.contains(&format!("#### Removed\n\n- **Breaking:** {expected}")), "{log}");
    assert_eq!(diff::parse_args(&["--format".into(), "changelog".into()]).unwrap().unwrap().format, diff::Format::Changelog);
}

#[test]
fn an_added_response_field_is_minor_only_because_generated_types_are_non_exhaustive() {
    let (_, mut doc) = core_spec();
    schema_props(&mut doc, "Subscription")
        .insert(Value::from("loyaltyTier"), serde_yaml::from_str("{type: string}").unwrap());
    let f = family_report(&doc, &[]);
    assert_eq!(f.rows.len(), 1);
    assert_eq!(f.rows[0].level, Level::NonBreaking);
    let field = &f.rows[0].rust[0];
    assert_eq!((field.delta, field.item), (Delta::Added, "field"));
    // An added field breaks struct literals unless the struct is #[non_exhaustive].
    assert!(field.breaks_code_when(false));
    assert!(!field.breaks_code_when(true));
    assert_eq!(f.verdict_when(true), Verdict::Minor);
    assert_eq!(f.verdict_when(false), Verdict::Major);
    assert_eq!(
        f.verdict(),
        if diff::GENERATED_TYPES_NON_EXHAUSTIVE { Verdict::Minor } else { Verdict::Major }
    );
}
