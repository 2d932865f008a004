//! `JsonSchema` behind the family crates' `schemars` feature (issue 20 point 3).
//!
//! progenitor and typify derive `schemars::JsonSchema` on every generated type when asked to
//! (the generator asks, so the list of types that get it is theirs). Nothing in the client uses
//! those schemas, but every user paid for them: `schemars`, its derive macro and `syn` 2 in the
//! build, and the derive's expansion for a few hundred types. This pass moves the derive out of
//! each derive list into `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`,
//! so only users who enable the feature compile it.

use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Attribute, Path, Token};

/// The feature name every family crate declares for the derive.
pub const SCHEMARS_FEATURE: &str = "schemars";

/// Rewrites every `JsonSchema` derive in `file` to the feature-gated form; returns how many
/// types it rewrote.
pub fn gate_json_schema(file: &mut syn::File) -> usize {
    let mut pass = Gate { rewritten: 0 };
    pass.visit_file_mut(file);
    pass.rewritten
}

struct Gate {
    rewritten: usize,
}

impl VisitMut for Gate {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.rewritten += usize::from(gate(&mut item.attrs));
        visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.rewritten += usize::from(gate(&mut item.attrs));
        visit_mut::visit_item_enum_mut(self, item);
    }
}

fn is_json_schema(path: &Path) -> bool {
    path.segments.last().is_some_and(|s| s.ident == "JsonSchema")
}

/// Drops `JsonSchema` from the item's derive lists and adds the gated derive; `false` if the
/// item did not derive it.
fn gate(attrs: &mut Vec<Attribute>) -> bool {
    let mut found = false;
    let mut kept_attrs = Vec::with_capacity(attrs.len() + 1);
    for attr in attrs.drain(..) {
        if !attr.path().is_ident("derive") {
            kept_attrs.push(attr);
            continue;
        }
        let Ok(list) = attr.parse_args_with(syn::punctuated::Punctuated::<Path, Token![,]>::parse_terminated) else {
            kept_attrs.push(attr);
            continue;
        };
        if !list.iter().any(is_json_schema) {
            kept_attrs.push(attr);
            continue;
        }
        found = true;
        let kept: Vec<&Path> = list.iter().filter(|p| !is_json_schema(p)).collect();
        if !kept.is_empty() {
            kept_attrs.push(parse_quote!(#[derive(#(#kept),*)]));
        }
    }
    if found {
        let feature = SCHEMARS_FEATURE;
        kept_attrs.push(parse_quote!(#[cfg_attr(feature = #feature, derive(::schemars::JsonSchema))]));
    }
    *attrs = kept_attrs;
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn moves_the_derive_behind_the_feature_everywhere() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, schemars::JsonSchema)]
                #[serde(rename_all = "camelCase")]
                pub struct Offer { pub id: String }
                #[derive(schemars::JsonSchema)]
                pub enum Status { Active }
                #[derive(Clone, Debug)]
                pub struct Plain;
                pub mod builder {
                    #[derive(Clone, Debug, schemars::JsonSchema)]
                    pub struct Offer { id: Result<String, String> }
                }
            }
        };
        assert_eq!(gate_json_schema(&mut file), 3);
        assert_eq!(gate_json_schema(&mut file), 0, "idempotent");
        let text = file.to_token_stream().to_string();
        assert_eq!(
            text.matches("# [cfg_attr (feature = \"schemars\" , derive (:: schemars :: JsonSchema))]").count(),
            3,
            "{text}"
        );
        assert!(!text.contains("derive (schemars"), "{text}");
        assert!(!text.contains(", schemars :: JsonSchema"), "{text}");
        // The other derives and attributes stay, in order; an emptied derive list goes away.
        assert!(
            text.contains("# [derive (:: serde :: Deserialize , :: serde :: Serialize , Clone , Debug)] # [serde (rename_all = \"camelCase\")]"),
            "{text}"
        );
        assert!(text.contains("# [derive (Clone , Debug)] pub struct Plain"), "{text}");
        assert!(!text.contains("# [derive ()]"), "{text}");
    }
}
