//! `call()` and `call_with_response()`: companions to every builder's `send()`, added by
//! post-processing progenitor's output.
//!
//! `send()` returns progenitor's wrapper and error type, which knows neither the operation nor our
//! error shapes. `call()` sends the same request and returns the decoded body or
//! `cleeng_runtime::Error`, naming the operation and, when a body does not match its type, the
//! JSON path that failed; `call_with_response()` also keeps status and headers
//! (`cleeng_runtime::Response`).

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use syn::{parse_quote, GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type};

use crate::glue::OperationFacts;

/// Adds `call()` and `call_with_response()` next to each `send()` in the `builder` module; returns how many it added.
pub fn add_call_methods(file: &mut syn::File, ops: &[OperationFacts]) -> usize {
    let ids: BTreeMap<String, &str> = ops
        .iter()
        .map(|o| (o.id.to_upper_camel_case(), o.id.as_str()))
        .collect();
    let Some(items) = crate::module_items_mut(&mut file.items, "builder") else {
        return 0;
    };
    let mut added = Vec::new();
    for item in items.iter() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Type::Path(self_path) = &*imp.self_ty else { continue };
        let Some(name) = self_path.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some(operation_id) = ids.get(&name) else { continue };
        let Some(send) = imp.items.iter().find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        }) else {
            continue;
        };
        let Some(success) = success_type(&send.sig.output) else { continue };
        let raw = crate::surface::compact(&success) == "ByteStream";
        let finish: syn::Path = if raw {
            parse_quote!(::cleeng_runtime::finish_raw)
        } else {
            parse_quote!(::cleeng_runtime::finish)
        };
        let generics = &imp.generics;
        let self_ty = &imp.self_ty;
        let doc = format!(
            " Sends the request and returns the decoded body, or a [`cleeng_runtime::Error`] that names `{operation_id}`."
        );
        let doc_with = format!(
            " Sends the request and returns the decoded body with its status and headers (`ETag`, `X-Total-Count`, request id), or a [`cleeng_runtime::Error`] that names `{operation_id}`."
        );
        let call: Item = parse_quote! {
            impl #generics #self_ty {
                #[doc = #doc]
                pub async fn call(self) -> ::std::result::Result<#success, ::cleeng_runtime::Error> {
                    self.call_with_response().await.map(::cleeng_runtime::Response::into_value)
                }

                #[doc = #doc_with]
                pub async fn call_with_response(
                    self,
                ) -> ::std::result::Result<::cleeng_runtime::Response<#success>, ::cleeng_runtime::Error> {
                    #finish(#operation_id, self.send().await)
                }
            }
        };
        added.push(call);
    }
    let count = added.len();
    items.extend(added);
    count
}

/// `T` in `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else { return None };
    let result = last_generic_args(ty)?;
    let GenericArgument::Type(response_value) = result.first()? else { return None };
    let inner = last_generic_args(response_value)?;
    match inner.first()? {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

fn last_generic_args(ty: &Type) -> Option<Vec<GenericArgument>> {
    let Type::Path(p) = ty else { return None };
    match &p.path.segments.last()?.arguments {
        PathArguments::AngleBracketed(a) => Some(a.args.iter().cloned().collect()),
        _ => None,
    }
}
