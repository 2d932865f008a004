//! Variants named after what they hold.
//!
//! typify names the variants of an untagged `anyOf`/`oneOf` of `$ref`s `Variant0`, `Variant1`, ...
//! (`UpdateSubscriptionResponse::Variant0(SubscriptionUpdateResult)`), which a user must look up
//! to match on. When every variant wraps one distinct named type, this pass names each variant
//! after its type (`UpdateSubscriptionResponse::SubscriptionUpdateResult(..)`), in the enum and
//! in every path that names it.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;
use syn::{Fields, Item, Type};

/// Renames `VariantN` variants in the `types` module; returns how many enums it changed.
pub fn name_variants(file: &mut syn::File) -> usize {
    let Some(types) = crate::module_items_mut(&mut file.items, "types") else {
        return 0;
    };
    // enum name -> (old variant -> new variant)
    let mut renames: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for item in types.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let mut names = BTreeMap::new();
        let all_numbered = e.variants.iter().all(|v| {
            let numbered = v.ident.to_string().strip_prefix("Variant").is_some_and(|n| n.parse::<u32>().is_ok());
            let inner = match &v.fields {
                Fields::Unnamed(f) if f.unnamed.len() == 1 => match &f.unnamed[0].ty {
                    Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                        let seg = &p.path.segments[0];
                        let name = seg.ident.to_string();
                        // A generated type (`Subscription`), not a primitive (`i64`).
                        (seg.arguments.is_none() && name.starts_with(|c: char| c.is_ascii_uppercase())).then_some(name)
                    }
                    _ => None,
                },
                _ => None,
            };
            match (numbered, inner) {
                (true, Some(inner)) => names.insert(v.ident.to_string(), inner).is_none(),
                _ => false,
            }
        });
        let distinct = names.values().collect::<std::collections::BTreeSet<_>>().len() == names.len();
        if !all_numbered || !distinct || names.is_empty() {
            continue;
        }
        for v in e.variants.iter_mut() {
            if let Some(new) = names.get(&v.ident.to_string()) {
                v.ident = syn::Ident::new(new, v.ident.span());
            }
        }
        renames.insert(e.ident.to_string(), names);
    }
    let changed = renames.len();
    for item in types.iter_mut() {
        let self_name = match item {
            Item::Impl(imp) => match &*imp.self_ty {
                Type::Path(p) => p.path.get_ident().map(|i| i.to_string()),
                _ => None,
            },
            _ => None,
        };
        let mut paths = RenamePaths { renames: &renames, self_name };
        paths.visit_item_mut(item);
    }
    changed
}

struct RenamePaths<'a> {
    renames: &'a BTreeMap<String, BTreeMap<String, String>>,
    self_name: Option<String>,
}

impl VisitMut for RenamePaths<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        let n = path.segments.len();
        if n < 2 {
            return;
        }
        let owner = path.segments[n - 2].ident.to_string();
        let owner = if owner == "Self" { self.self_name.clone() } else { Some(owner) };
        let Some(names) = owner.and_then(|o| self.renames.get(&o)) else { return };
        let last = &mut path.segments[n - 1].ident;
        if let Some(new) = names.get(&last.to_string()) {
            *last = syn::Ident::new(new, last.span());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use syn::parse_quote;

    #[test]
    fn numbered_variants_take_their_types_names_everywhere() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub enum Updated { Variant0(UpdateResult), Variant1(Subscription) }
                impl From<UpdateResult> for Updated {
                    fn from(value: UpdateResult) -> Self { Self::Variant0(value) }
                }
                pub enum Mixed { Variant0(i64), Variant1(bool) }
            }
        };
        assert_eq!(name_variants(&mut file), 1);
        let text = file.to_token_stream().to_string();
        assert!(text.contains("UpdateResult (UpdateResult) , Subscription (Subscription)"), "{text}");
        assert!(text.contains("Self :: UpdateResult (value)"), "{text}");
        assert!(text.contains("Variant0 (i64)"), "{text}");
    }
}
