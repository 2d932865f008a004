//! The generated `Client`'s constructors and top-level re-exports, made consistent with ours.
//!
//! progenitor emits `Client::new(baseurl, inner)`, which skips `ClientConfig` and builds its own
//! `reqwest::Client` (15 s timeouts, redirects followed), and re-exports `progenitor_client::Error`
//! beside our `cleeng_runtime::Error`, so a family crate's front page listed two `Error`s. This
//! pass removes progenitor's `new` (the glue adds ours: environment and credentials through
//! `ClientConfig`), hides `new_with_client` (the glue's `from_config` needs it), and keeps
//! progenitor's `Error` importable only inside the generated module (`send()` still names it).

use syn::{parse_quote, ImplItem, Item, UseTree};

/// Applies the pass; returns `(constructors removed, re-exports narrowed)`.
pub fn align_client(file: &mut syn::File) -> (usize, usize) {
    let mut removed = 0;
    let mut narrowed = 0;
    let mut extra = Vec::new();
    for item in file.items.iter_mut() {
        match item {
            Item::Impl(imp) if imp.trait_.is_none() && is_client(&imp.self_ty) => {
                let before = imp.items.len();
                imp.items.retain(|i| !matches!(i, ImplItem::Fn(f) if is_progenitor_new(f)));
                removed += before - imp.items.len();
                for i in imp.items.iter_mut() {
                    if let ImplItem::Fn(f) = i {
                        if f.sig.ident == "new_with_client" {
                            f.attrs.push(parse_quote!(#[doc(hidden)]));
                        }
                    }
                }
            }
            Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                if let Some(private) = take_error(&mut u.tree) {
                    extra.push(private);
                    narrowed += 1;
                    // progenitor's `ResponseValue`/`ByteStream` keep their own docs (whose links
                    // point into progenitor-client): listed as re-exports, not copied here.
                    u.attrs.push(parse_quote!(#[doc(no_inline)]));
                }
            }
            _ => {}
        }
    }
    file.items.extend(extra);
    (removed, narrowed)
}

/// progenitor's `new(baseurl: &str, inner: ..)`, not the glue's `new(environment, credentials)`.
fn is_progenitor_new(f: &syn::ImplItemFn) -> bool {
    f.sig.ident == "new"
        && f.sig.inputs.iter().any(|arg| {
            matches!(arg, syn::FnArg::Typed(t) if matches!(&*t.pat, syn::Pat::Ident(p) if p.ident == "baseurl"))
        })
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// Removes `Error` from `progenitor_client::{.., Error, ..}` and returns a private
/// `use progenitor_client::Error;` to add instead.
fn take_error(tree: &mut UseTree) -> Option<Item> {
    let UseTree::Path(path) = tree else { return None };
    if path.ident != "progenitor_client" {
        return None;
    }
    let UseTree::Group(group) = &mut *path.tree else { return None };
    let before = group.items.len();
    group.items = group
        .items
        .iter()
        .filter(|t| !matches!(t, UseTree::Name(n) if n.ident == "Error"))
        .cloned()
        .collect();
    (group.items.len() < before).then(|| parse_quote!(#[allow(unused_imports)] use progenitor_client::Error;))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn removes_new_and_narrows_the_error_re_export() {
        let mut file: syn::File = parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            impl Client {
                pub fn new(baseurl: &str, inner: Ctx) -> Self { todo!() }
                pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: Ctx) -> Self { todo!() }
            }
            impl Client {
                pub fn new(environment: Environment, credentials: impl Into<Credentials>) -> Self { todo!() }
            }
        };
        assert_eq!(align_client(&mut file), (1, 1));
        let text = file.to_token_stream().to_string();
        assert!(!text.contains("fn new (baseurl"), "{text}");
        assert!(text.contains("fn new (environment"), "{text}");
        assert!(text.contains("# [doc (hidden)] pub fn new_with_client"), "{text}");
        assert!(text.contains("pub use progenitor_client :: { ByteStream , ClientInfo , ResponseValue }"), "{text}");
        assert!(text.contains("use progenitor_client :: Error ;"), "{text}");
    }
}
