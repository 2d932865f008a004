//! Generated types read what Cleeng really sends, not only what it documents.
//!
//! Cleeng's back end sends a documented integer or number as a numeric string in places
//! (`"customerId": "123"`) and an absent optional list or map as `null`. Decoding either with
//! typify's plain derives fails the whole response. This pass marks, in every struct of the
//! `types` module, each numeric field (`i64`, `Option<f64>`, ...) with
//! `cleeng_runtime::lenient::number` / `optional_number`, and each defaulted list or map with
//! `cleeng_runtime::lenient::null_as_default`. Field types stay plain values; serializing is
//! unchanged. `tests/tolerant_decoding.rs` holds the result for every response type.

use quote::ToTokens;
use syn::{parse_quote, Field, Fields, Item, Type};

const NUMBERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "NonZeroU64", "NonZeroU32", "NonZeroI64",
];
const COLLECTIONS: &[&str] = &["Vec", "HashMap", "BTreeMap", "Map", "IndexMap"];

/// What the pass did, for tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Marked {
    /// Numeric fields (plain or optional) that now accept numeric strings.
    pub numbers: usize,
    /// Defaulted list and map fields that now accept `null`.
    pub collections: usize,
}

/// Marks the fields of every struct in the `types` module.
pub fn mark_lenient_fields(file: &mut syn::File) -> Marked {
    let mut marked = Marked::default();
    let Some(types) = crate::module_items_mut(&mut file.items, "types") else {
        return marked;
    };
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &mut s.fields else { continue };
        for field in fields.named.iter_mut() {
            mark_field(field, &mut marked);
        }
    }
    marked
}

fn mark_field(field: &mut Field, marked: &mut Marked) {
    let serde_attrs: String = field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| a.to_token_stream().to_string())
        .collect();
    // typify reads a required nullable field with `Option::deserialize` (so that a missing one
    // is an error): for a number, the lenient reader takes its place with the same rule.
    const REQUIRED_NULLABLE: &str = "\"::std::option::Option::deserialize\"";
    if serde_attrs.contains(REQUIRED_NULLABLE) && crate::generic_inner(&field.ty, "Option").is_some_and(is_number) {
        for attr in field.attrs.iter_mut().filter(|a| a.path().is_ident("serde")) {
            let text = attr.to_token_stream().to_string();
            if text.contains(REQUIRED_NULLABLE) {
                // Only the reader changes; `rename` and the rest of the attribute stay.
                let text = text.replace(REQUIRED_NULLABLE, "\"::cleeng_runtime::lenient::optional_number\"");
                if let Ok(rewritten) = syn::parse_str::<syn::DeriveInput>(&format!("{text} struct S;")) {
                    if let Some(new) = rewritten.attrs.into_iter().next() {
                        *attr = new;
                        marked.numbers += 1;
                    }
                }
            }
        }
        return;
    }
    if serde_attrs.contains("deserialize_with") || serde_attrs.contains(" with ") {
        return;
    }
    let has_default = serde_attrs.contains("default");
    let (helper, needs_default) = if is_number(&field.ty) {
        marked.numbers += 1;
        ("::cleeng_runtime::lenient::number", false)
    } else if crate::generic_inner(&field.ty, "Option").is_some_and(is_number) {
        // With `deserialize_with`, serde no longer treats a missing `Option` as `None`: `default` does.
        marked.numbers += 1;
        ("::cleeng_runtime::lenient::optional_number", true)
    } else if crate::generic_inner(&field.ty, "Vec").is_some_and(is_number) {
        marked.numbers += 1;
        ("::cleeng_runtime::lenient::numbers", false)
    } else if has_default && last_ident(&field.ty).is_some_and(|i| COLLECTIONS.contains(&i.as_str())) {
        marked.collections += 1;
        ("::cleeng_runtime::lenient::null_as_default", false)
    } else {
        return;
    };
    if needs_default && !has_default {
        field.attrs.push(parse_quote!(#[serde(default, deserialize_with = #helper)]));
    } else {
        field.attrs.push(parse_quote!(#[serde(deserialize_with = #helper)]));
    }
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_number(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| {
        s.arguments.is_none() && NUMBERS.contains(&s.ident.to_string().as_str())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_options_and_defaulted_lists_are_marked_and_nothing_else() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct Offer {
                    pub id: i64,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub price: ::std::option::Option<f64>,
                    pub nullable_required: ::std::option::Option<i32>,
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub tags: ::std::vec::Vec<::std::string::String>,
                    pub required_list: ::std::vec::Vec<i64>,
                    pub title: ::std::string::String,
                    #[serde(deserialize_with = "custom")]
                    pub already: i64,
                    #[serde(rename = "requiredNullable", deserialize_with = "::std::option::Option::deserialize")]
                    pub required_nullable: ::std::option::Option<i64>,
                }
            }
        };
        let marked = mark_lenient_fields(&mut file);
        assert_eq!(marked, Marked { numbers: 5, collections: 1 });
        let text = file.to_token_stream().to_string();
        assert_eq!(text.matches("lenient :: number\"").count() + text.matches("lenient::number\"").count(), 1, "{text}");
        assert_eq!(text.matches("optional_number").count(), 3, "{text}");
        assert_eq!(text.matches("lenient :: numbers").count() + text.matches("lenient::numbers").count(), 1, "{text}");
        assert!(!text.contains("Option :: deserialize") && !text.contains("Option::deserialize"), "{text}");
        assert!(text.contains("rename = \"requiredNullable\""), "{text}");
        assert_eq!(text.matches("null_as_default").count(), 1, "{text}");
        // The required nullable Option gained `default`, the defaulted one did not get a second.
        assert_eq!(text.matches("default ,").count() + text.matches("default,").count(), 3, "{text}");
    }
}
