//! `#[deprecated]` on the client methods of operations the spec marks `deprecated: true`.
//!
//! progenitor only mentions deprecation in prose; an attribute makes the compiler warn every
//! user who still calls such an operation, pointing at its Cleeng reference page.

use heck::ToSnakeCase;
use syn::{parse_quote, Item, TraitItem};

use crate::glue::OperationFacts;

/// Marks the tag-trait methods of deprecated operations; returns how many it marked.
pub fn mark_deprecated(file: &mut syn::File, ops: &[OperationFacts], docs: &dyn Fn(&str) -> Option<String>) -> usize {
    let deprecated: Vec<(String, String)> = ops
        .iter()
        .filter(|o| o.deprecated)
        .map(|o| {
            let note = match docs(&o.id) {
                Some(url) => format!("Cleeng deprecated `{}`; see {url}", o.id),
                None => format!("Cleeng deprecated `{}`", o.id),
            };
            (o.id.to_snake_case(), note)
        })
        .collect();
    let mut marked = 0;
    for item in file.items.iter_mut() {
        let Item::Trait(t) = item else { continue };
        for it in t.items.iter_mut() {
            let TraitItem::Fn(f) = it else { continue };
            let name = f.sig.ident.to_string();
            if let Some((_, note)) = deprecated.iter().find(|(n, _)| *n == name) {
                f.attrs.push(parse_quote!(#[deprecated(note = #note)]));
                marked += 1;
            }
        }
    }
    marked
}
