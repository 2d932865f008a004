//! Makes the generated `Client::new` build a client that never follows redirects.
//!
//! progenitor's `Client::new` starts from `reqwest::ClientBuilder::new()`, whose default policy
//! follows up to ten redirects, re-sending `X-Publisher-Token` (reqwest strips only
//! `Authorization`) and replaying 307/308 bodies to whatever host a `Location` names. This pass
//! swaps that call for `cleeng_runtime::http_client_builder()` (no redirects, no `Referer`), so
//! every way of building a client gets the runtime's settings.

use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item};

/// Rewrites the builder calls inside `impl Client { fn new }`; returns how many it rewrote.
pub fn harden_client_new(file: &mut syn::File) -> usize {
    let mut swapper = Swapper(0);
    for item in file.items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_client(&imp.self_ty) {
            continue;
        }
        for member in imp.items.iter_mut() {
            if let ImplItem::Fn(f) = member {
                if f.sig.ident == "new" {
                    swapper.visit_block_mut(&mut f.block);
                }
            }
        }
    }
    swapper.0
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

struct Swapper(usize);

impl VisitMut for Swapper {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr {
            if let Expr::Path(path) = call.func.as_ref() {
                let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
                if segments.ends_with(&["ClientBuilder".to_string(), "new".to_string()]) && call.args.is_empty() {
                    *expr = syn::parse_quote!(::cleeng_runtime::http_client_builder());
                    self.0 += 1;
                    return;
                }
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_the_builder_in_client_new_only() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn new(baseurl: &str) -> Self {
                    let client = reqwest::ClientBuilder::new().timeout(dur);
                    Self::new_with_client(baseurl, client.build().unwrap())
                }
            }
            impl Other {
                pub fn new() -> Self { reqwest::ClientBuilder::new() }
            }
        };
        assert_eq!(harden_client_new(&mut file), 1);
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("cleeng_runtime :: http_client_builder ()"), "{text}");
        assert!(text.contains("reqwest :: ClientBuilder :: new ()"), "the other impl is untouched");
    }
}
