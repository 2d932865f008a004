//! Optional fields take what users have.
//!
//! typify's builder setter for an optional field (`types::Offer::builder().title(..)`) asks for
//! `TryInto<Option<String>>`, so `.title("Monthly")` does not compile (`Option<String>:
//! From<&str>` does not exist) while the required fields beside it accept `&str`. This pass makes
//! those setters take `cleeng_runtime::IntoOptional<T>`: the value, what converts to it, or an
//! `Option` of it. For each generated type that converts from `&str` (enums, checked strings) it
//! also emits `IntoOptional<Type>` for `&str`, `String` and `&String` (whichever it converts
//! from), so `.status("active")` works for an optional field as it does for a required one.

use quote::quote;
use syn::{parse_quote, Expr, GenericArgument, ImplItem, Item, PathArguments, Type, TypeParamBound, WherePredicate};
use syn::visit_mut::VisitMut;

/// Rewrites the optional-field setters of `types::builder`; returns (setters rewritten, text
/// conversions added).
pub fn optional_setters(file: &mut syn::File) -> (usize, usize) {
    let Some(types) = crate::module_items_mut(&mut file.items, "types") else {
        return (0, 0);
    };
    // (type, source) for every `TryFrom<&str | String | &String>` typify emitted.
    let conversions: Vec<(syn::Ident, Type)> = types
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) => match (&*imp.self_ty, text_source(imp)) {
                (Type::Path(p), Some(source)) => p.path.get_ident().cloned().map(|ty| (ty, source)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut rewritten = 0;
    if let Some(builders) = crate::module_items_mut(types, "builder") {
        for item in builders.iter_mut() {
            let Item::Impl(imp) = item else { continue };
            for member in imp.items.iter_mut() {
                let ImplItem::Fn(setter) = member else { continue };
                if rewrite_setter(setter) {
                    rewritten += 1;
                }
            }
        }
    }
    let added = conversions.len();
    for (ty, source) in conversions {
        types.push(parse_quote! {
            impl ::cleeng_runtime::IntoOptional<#ty> for #source {
                fn into_optional(self) -> ::std::result::Result<::std::option::Option<#ty>, ::std::string::String> {
                    <#ty as ::std::convert::TryFrom<#source>>::try_from(self)
                        .map(::std::option::Option::Some)
                        .map_err(|e| e.to_string())
                }
            }
        });
    }
    (rewritten, added)
}

/// The source of `impl TryFrom<&str | String | &String> for X` (typify's enums and checked
/// strings), if `imp` is one.
fn text_source(imp: &syn::ItemImpl) -> Option<Type> {
    let (path, _) = imp.trait_.as_ref()?;
    let last = path.segments.last()?;
    if last.ident != "TryFrom" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let Some(GenericArgument::Type(source)) = args.args.first() else { return None };
    let text = quote!(#source).to_string().replace(' ', "");
    matches!(text.as_str(), "&str" | "::std::string::String" | "&::std::string::String" | "String" | "&String")
        .then(|| source.clone())
}

fn rewrite_setter(setter: &mut syn::ImplItemFn) -> bool {
    let Some(where_clause) = setter.sig.generics.where_clause.as_mut() else { return false };
    let mut inner: Option<Type> = None;
    for predicate in where_clause.predicates.iter_mut() {
        let WherePredicate::Type(pt) = predicate else { continue };
        for bound in pt.bounds.iter_mut() {
            let TypeParamBound::Trait(t) = bound else { continue };
            let Some(last) = t.path.segments.last() else { continue };
            if last.ident != "TryInto" {
                continue;
            }
            let PathArguments::AngleBracketed(args) = &last.arguments else { continue };
            let Some(GenericArgument::Type(target)) = args.args.first() else { continue };
            let Some(x) = crate::generic_inner(target, "Option") else { continue };
            inner = Some(x.clone());
            *bound = parse_quote!(::cleeng_runtime::IntoOptional<#x>);
        }
    }
    if inner.is_none() {
        return false;
    }
    // `T::Error: Display` described `TryInto`'s error; `IntoOptional` reports a `String`.
    let kept: syn::punctuated::Punctuated<WherePredicate, syn::Token![,]> = where_clause
        .predicates
        .iter()
        .filter(|p| !matches!(p, WherePredicate::Type(pt) if is_error_of_generic(&pt.bounded_ty)))
        .cloned()
        .collect();
    where_clause.predicates = kept;
    struct Calls;
    impl VisitMut for Calls {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "try_into" && call.args.is_empty() && matches!(&*call.receiver, Expr::Path(_)) {
                call.method = parse_quote!(into_optional);
            }
        }
    }
    Calls.visit_block_mut(&mut setter.block);
    setter.block.stmts.insert(0, parse_quote!(use ::cleeng_runtime::IntoOptional as _;));
    true
}

/// `T::Error` (or `<T as ..>::Error`).
fn is_error_of_generic(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.len() == 2 && p.path.segments[1].ident == "Error")
        || matches!(ty, Type::Path(p) if p.qself.is_some() && p.path.segments.last().is_some_and(|s| s.ident == "Error"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn optional_field_setters_take_into_optional_and_required_ones_are_left_alone() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                impl ::std::convert::TryFrom<&str> for Status {
                    type Error = self::error::ConversionError;
                    fn try_from(value: &str) -> Result<Self, Self::Error> { todo!() }
                }
                pub mod builder {
                    impl Offer {
                        pub fn title<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.title = value.try_into().map_err(|e| format!("error converting supplied value for title: {e}"));
                            self
                        }
                        pub fn errors<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<super::ErrorList>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.errors = value.try_into().map_err(|e| format!("error converting supplied value for errors: {e}"));
                            self
                        }
                        pub fn id<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<i64>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.id = value.try_into().map_err(|e| format!("error converting supplied value for id: {e}"));
                            self
                        }
                    }
                }
            }
        };
        assert_eq!(optional_setters(&mut file), (2, 1));
        let text = file.to_token_stream().to_string();
        assert!(text.contains("T : :: cleeng_runtime :: IntoOptional < :: std :: string :: String >"), "{text}");
        assert!(text.contains("value . into_optional ()"), "{text}");
        assert!(text.contains("T : :: cleeng_runtime :: IntoOptional < super :: ErrorList >"), "{text}");
        assert_eq!(text.matches("value . try_into ()").count(), 1, "{text}");
        assert_eq!(text.matches("T :: Error").count(), 1, "{text}");
        assert!(text.contains("IntoOptional < Status > for & str"), "{text}");
    }
}
