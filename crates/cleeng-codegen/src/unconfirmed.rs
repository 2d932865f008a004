//! Surfaces each operation's `x-unconfirmed` list where a caller meets it.
//!
//! A call resting on partial evidence must not look as settled as a verified one. The spec lists
//! what no source confirms (`x-unconfirmed: [response shape, query names]`); this pass copies that
//! into a short warning on the generated client method, and [`docs_table`] renders the family's
//! table of such calls (the `unconfirmed` module of each crate's docs). The runtime copy is
//! `OperationMeta::unconfirmed`, emitted by [`crate::glue`].

use heck::ToSnakeCase;
use syn::{parse_quote, Item, TraitItem};

use crate::glue::OperationFacts;

/// The warning paragraph for one operation, or `None` when nothing is unconfirmed.
pub fn warning(op: &OperationFacts) -> Option<String> {
    if op.unconfirmed.is_empty() {
        return None;
    }
    Some(format!(
        " **Unconfirmed** (`x-confidence: {}`): {}. No Cleeng source shows these yet; check them \
         against the sandbox before relying on them.",
        if op.confidence.is_empty() { "inferred" } else { &op.confidence },
        op.unconfirmed.join(", ")
    ))
}

/// Appends the warning to the docs of every tag-trait method whose operation has unconfirmed
/// parts; returns how many it marked.
pub fn mark_unconfirmed(file: &mut syn::File, ops: &[OperationFacts]) -> usize {
    let warnings: Vec<(String, String)> = ops
        .iter()
        .filter_map(|o| warning(o).map(|w| (o.id.to_snake_case(), w)))
        .collect();
    let mut marked = 0;
    for item in file.items.iter_mut() {
        let Item::Trait(t) = item else { continue };
        for it in t.items.iter_mut() {
            let TraitItem::Fn(f) = it else { continue };
            let name = f.sig.ident.to_string();
            if let Some((_, w)) = warnings.iter().find(|(n, _)| *n == name) {
                f.attrs.push(parse_quote!(#[doc = ""]));
                f.attrs.push(parse_quote!(#[doc = #w]));
                marked += 1;
            }
        }
    }
    marked
}

/// The Markdown docs of a family's `unconfirmed` module: one row per operation with
/// unconfirmed parts, sorted by Rust method name.
pub fn docs_table(ops: &[&OperationFacts]) -> String {
    let mut rows: Vec<&&OperationFacts> = ops.iter().filter(|o| !o.unconfirmed.is_empty()).collect();
    rows.sort_by_key(|o| o.id.to_snake_case());
    let mut out = String::from(
        " Calls that rest on partial evidence, and what about each is unconfirmed (the spec's\n \
         `x-confidence` and `x-unconfirmed`). The same facts are in [`OPERATIONS`](super::OPERATIONS)\n \
         at run time (`OperationMeta::confidence` and `OperationMeta::unconfirmed`).\n\n",
    );
    if rows.is_empty() {
        out.push_str(" Every operation of this family is confirmed by a Cleeng source.\n");
        return out;
    }
    out.push_str(" | Method | Operation | Confidence | Unconfirmed |\n |---|---|---|---|\n");
    for o in rows {
        out.push_str(&format!(
            " | `{}` | `{} {}` | {} | {} |\n",
            o.id.to_snake_case(),
            o.method,
            o.path,
            o.confidence,
            o.unconfirmed.join(", ").replace('|', "\\|")
        ));
    }
    out
}
