//! Operation-builder setters that say why a value was refused.
//!
//! progenitor's setters (`client.get_offer().offer_id(x)`) convert their argument with `TryInto`
//! and, for path and query parameters, throw the conversion error away: the caller later gets
//! "conversion to `GetOfferOfferId` for offer_id failed", which names neither the rule nor the
//! value's place in the request. This pass keeps the error: each such setter also requires
//! `Display` on the conversion error (every conversion our types offer has it: `Infallible`,
//! integer `TryFromIntError`, the generated types' `ConversionError`) and records
//! "parameter `offer_id`: doesn't match pattern ..."; the runtime adds the operation's id when the
//! request is sent (`cleeng_runtime::Error::InvalidRequest`).

use syn::visit_mut::VisitMut;
use syn::{parse_quote, Expr, GenericParam, ImplItem, Item, Pat, Type, TypeParamBound, WherePredicate};

/// Rewrites every setter of the `builder` module that drops its conversion error; returns how
/// many it rewrote.
pub fn keep_conversion_errors(file: &mut syn::File) -> usize {
    let Some(items) = crate::module_items_mut(&mut file.items, "builder") else {
        return 0;
    };
    let mut rewritten = 0;
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for member in imp.items.iter_mut() {
            let ImplItem::Fn(setter) = member else { continue };
            let param = setter.sig.ident.to_string();
            let Some((generic, target)) = try_into_bound(&setter.sig) else { continue };
            let mut rewrite = DropToKeep { message: format!("parameter `{param}`: {{}}"), changed: false };
            rewrite.visit_block_mut(&mut setter.block);
            if !rewrite.changed {
                continue;
            }
            let predicate: WherePredicate =
                parse_quote!(<#generic as ::std::convert::TryInto<#target>>::Error: ::std::fmt::Display);
            setter.sig.generics.make_where_clause().predicates.push(predicate);
            rewritten += 1;
        }
    }
    rewritten
}

/// The setter's generic parameter and the type it converts into, from `V: TryInto<T>`.
fn try_into_bound(sig: &syn::Signature) -> Option<(syn::Ident, Type)> {
    let generic = sig.generics.params.iter().find_map(|p| match p {
        GenericParam::Type(t) => Some(t.ident.clone()),
        _ => None,
    })?;
    let predicates = sig.generics.where_clause.as_ref()?.predicates.iter();
    for predicate in predicates {
        let WherePredicate::Type(pt) = predicate else { continue };
        if !matches!(&pt.bounded_ty, Type::Path(tp) if tp.path.is_ident(&generic)) {
            continue;
        }
        for bound in &pt.bounds {
            let TypeParamBound::Trait(t) = bound else { continue };
            let Some(last) = t.path.segments.last() else { continue };
            if last.ident != "TryInto" {
                continue;
            }
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                if let Some(syn::GenericArgument::Type(target)) = args.args.first() {
                    return Some((generic, target.clone()));
                }
            }
        }
    }
    None
}

/// Replaces `.map_err(|_| "...".to_string())` with a closure that keeps the error's text.
struct DropToKeep {
    message: String,
    changed: bool,
}

impl VisitMut for DropToKeep {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method != "map_err" || call.args.len() != 1 {
            return;
        }
        let Some(Expr::Closure(closure)) = call.args.first() else { return };
        let discards = closure.inputs.len() == 1 && matches!(closure.inputs.first(), Some(Pat::Wild(_)));
        if !discards {
            return;
        }
        let message = &self.message;
        call.args[0] = parse_quote!(|e| ::std::format!(#message, e));
        self.changed = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn a_setter_that_drops_its_error_keeps_it_and_names_the_parameter() {
        let mut file: syn::File = parse_quote! {
            pub mod builder {
                impl<'a> GetOffer<'a> {
                    pub fn offer_id<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::OfferId>,
                    {
                        self.offer_id = value
                            .try_into()
                            .map_err(|_| "conversion to `OfferId` for offer_id failed".to_string());
                        self
                    }
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::Body>,
                        <V as std::convert::TryInto<types::Body>>::Error: std::fmt::Display,
                    {
                        self.body = value.try_into().map_err(|s| format!("body: {}", s));
                        self
                    }
                }
            }
        };
        assert_eq!(keep_conversion_errors(&mut file), 1);
        let text = file.to_token_stream().to_string();
        assert!(text.contains("parameter `offer_id`: {}"), "{text}");
        assert!(!text.contains("for offer_id failed"), "{text}");
        assert!(text.contains(":: Error : :: std :: fmt :: Display"), "{text}");
        // The body setter kept its error already and is left alone.
        assert_eq!(text.matches("Display").count(), 2, "{text}");
    }
}
