//! Forward-compatible string enums: a post-processing pass over progenitor's output.
//!
//! Cleeng adds enum values without notice (a new subscription status, a new payment method).
//! typify generates closed enums, so one new value would fail the decoding of a whole response.
//! This pass gives every plain string enum an `Unknown(String)` arm that serde fills with any
//! value it does not recognise (`#[serde(untagged)]`), and adjusts the impls typify emits beside
//! it (`Display`, `FromStr`, derives) so the value survives a round trip.

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;
use syn::{parse_quote, Arm, Attribute, ExprMatch, Item, ItemEnum, Pat};

/// Name of the added variant.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Rewrites the `types` module of a generated file; returns the names of the enums it opened.
pub fn open_string_enums(file: &mut syn::File) -> BTreeSet<String> {
    let Some(types) = crate::module_items_mut(&mut file.items, "types") else {
        return BTreeSet::new();
    };
    let names: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) if is_string_enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    for item in types.iter_mut() {
        match item {
            Item::Enum(e) if names.contains(&e.ident.to_string()) => open_enum(e),
            Item::Impl(imp) => {
                let self_name = crate::surface::compact(&imp.self_ty);
                if !names.contains(&self_name) {
                    continue;
                }
                let trait_name = imp
                    .trait_
                    .as_ref()
                    .and_then(|(path, _)| path.segments.last())
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                match trait_name.as_str() {
                    "Display" => DisplayArm.visit_item_impl_mut(imp),
                    "FromStr" => FromStrFallback.visit_item_impl_mut(imp),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    names
}

/// A plain string enum: unit variants only, each renamed to its wire value.
/// typify turns a string `enum` into unit variants, renamed with `#[serde(rename)]` unless the
/// Rust name already equals the value (`SubscriptionCreated`), so a unit-only enum that serde
/// deserializes is a string enum either way.
fn is_string_enum(e: &ItemEnum) -> bool {
    let deserializes = e.attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .is_ok_and(|list| list.iter().any(|p| p.segments.last().is_some_and(|s| s.ident == "Deserialize")))
    });
    deserializes
        && !e.variants.is_empty()
        && e.variants.iter().all(|v| matches!(v.fields, syn::Fields::Unit))
        && !e.variants.iter().any(|v| v.ident == UNKNOWN_VARIANT)
}

fn open_enum(e: &mut ItemEnum) {
    // `Copy` cannot hold a String.
    for attr in e.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        if let Ok(list) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) {
            let kept: Vec<&syn::Path> = list.iter().filter(|p| !p.is_ident("Copy")).collect();
            let replacement: Attribute = parse_quote!(#[derive(#(#kept),*)]);
            *attr = replacement;
        }
    }
    e.variants.push(parse_quote! {
        /// A value this version of the spec does not list (Cleeng added it later), kept verbatim.
        #[serde(untagged)]
        Unknown(::std::string::String)
    });
}

/// Adds `Self::Unknown(ref value) => f.write_str(value)` to `Display::fmt`'s match.
struct DisplayArm;

impl VisitMut for DisplayArm {
    fn visit_expr_match_mut(&mut self, m: &mut ExprMatch) {
        let arm: Arm = parse_quote!(Self::Unknown(ref value) => f.write_str(value),);
        m.arms.push(arm);
    }
}

/// Turns `FromStr`'s `_ => Err(...)` into `_ => Ok(Self::Unknown(value.to_string()))`.
struct FromStrFallback;

impl VisitMut for FromStrFallback {
    fn visit_expr_match_mut(&mut self, m: &mut ExprMatch) {
        for arm in m.arms.iter_mut() {
            if matches!(arm.pat, Pat::Wild(_)) {
                *arm.body = parse_quote!(Ok(Self::Unknown(value.to_string())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn opens_a_typify_string_enum() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq)]
                pub enum Status {
                    #[serde(rename = "active")]
                    Active,
                }
                impl ::std::fmt::Display for Status {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self { Self::Active => f.write_str("active"), }
                    }
                }
                impl ::std::str::FromStr for Status {
                    type Err = String;
                    fn from_str(value: &str) -> Result<Self, String> {
                        match value { "active" => Ok(Self::Active), _ => Err("invalid value".into()), }
                    }
                }
                pub struct NotAnEnum;
            }
        })
        .expect("parses");
        let opened = open_string_enums(&mut file);
        assert_eq!(opened.into_iter().collect::<Vec<_>>(), vec!["Status".to_string()]);
        let text = quote!(#file).to_string();
        assert!(text.contains("Unknown (:: std :: string :: String)"), "{text}");
        assert!(!text.contains("Copy"), "{text}");
        assert!(text.contains("Self :: Unknown (ref value) => f . write_str (value)"), "{text}");
        assert!(text.contains("_ => Ok (Self :: Unknown (value . to_string ()))"), "{text}");
    }

    #[test]
    fn opens_an_enum_whose_values_need_no_rename() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum Outcome {
                    SubscriptionCreated,
                    SubscriptionRevived,
                }
                #[derive(Clone, Copy, Debug)]
                pub enum NotDecoded {
                    A,
                }
            }
        })
        .expect("parses");
        let opened = open_string_enums(&mut file);
        assert_eq!(opened.into_iter().collect::<Vec<_>>(), vec!["Outcome".to_string()]);
    }
}
