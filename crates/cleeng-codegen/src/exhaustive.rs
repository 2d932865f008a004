//! `#[non_exhaustive]` on every generated struct and enum (lead decision 2, the semver policy).
//!
//! Cleeng adds response fields and enum values; with exhaustive types each addition would break
//! users' struct literals and `match`es, so every minor release that follows the API would be a
//! breaking one. Marked `#[non_exhaustive]`, a generated type is built through its builder
//! (`types::Offer::builder()`), its `Default`, or serde, and matched with a `_` arm; adding a
//! field or variant is then a minor change, which is what `cargo xtask diff` assumes
//! (`GENERATED_TYPES_NON_EXHAUSTIVE`).

use syn::{parse_quote, Attribute, Item};

/// Marks every struct and enum of the `types` module (not its `builder` submodule, whose fields
/// are private already); returns how many it marked.
pub fn mark_non_exhaustive(file: &mut syn::File) -> usize {
    let Some(types) = crate::module_items_mut(&mut file.items, "types") else {
        return 0;
    };
    let mut marked = 0;
    for item in types.iter_mut() {
        let attrs = match item {
            Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => &mut s.attrs,
            Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => &mut e.attrs,
            _ => continue,
        };
        if !attrs.iter().any(is_non_exhaustive) {
            attrs.push(parse_quote!(#[non_exhaustive]));
            marked += 1;
        }
    }
    marked
}

fn is_non_exhaustive(attr: &Attribute) -> bool {
    attr.path().is_ident("non_exhaustive")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn marks_types_but_not_builders() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct Offer { pub id: String }
                pub enum Status { Active, Unknown(String) }
                pub mod builder { pub struct Offer { id: Result<String, String> } }
            }
        };
        assert_eq!(mark_non_exhaustive(&mut file), 2);
        assert_eq!(mark_non_exhaustive(&mut file), 0, "idempotent");
        let text = file.to_token_stream().to_string();
        assert_eq!(text.matches("# [non_exhaustive]").count(), 2, "{text}");
        assert!(text.contains("pub mod builder { pub struct Offer"), "{text}");
    }
}
