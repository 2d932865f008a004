//! The client side of a JSON-RPC family: one builder per method with `call()`, `Client<Tag>Ext`
//! traits (the shape progenitor gives the REST families, so the surface snapshot and the diff
//! read both alike), the `Client` struct, and the runtime glue shared with the REST families
//! ([`crate::glue`]: `HOSTS`, `OPERATIONS`, `from_config`, `sandbox`, `production`).
//!
//! A builder's `call()` fills `params` in document order (publisher token from the client's
//! credentials, every other value from its setters) and hands them to
//! `cleeng_runtime::jsonrpc::call`, which owns the envelope, the retry rule and the errors.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::document::{Document, Method};
use super::types::Types;
use crate::glue::OperationFacts;

fn ident(name: &str) -> Ident {
    let snake = name.to_snake_case();
    match snake.as_str() {
        "type" | "match" | "ref" | "move" | "self" | "enum" | "struct" | "fn" | "use" | "mod" => {
            Ident::new_raw(&snake, Span::call_site())
        }
        _ => Ident::new(&snake, Span::call_site()),
    }
}

/// The facts the runtime's operation table needs, one per method.
pub fn operations(doc: &Document) -> Vec<OperationFacts> {
    doc.methods
        .iter()
        .map(|m| OperationFacts {
            id: m.name.clone(),
            method: "POST".into(),
            path: doc.path.clone(),
            // Credentials travel in `params`; the runtime attaches no header.
            auth: Vec::new(),
            idempotent: m.idempotent,
            moves_money: m.moves_money,
            hosts: None,
            deprecated: m.deprecated,
            confidence: m.confidence.clone(),
            // The legacy file has no `x-unconfirmed`; its methods are deprecated as a whole.
            unconfirmed: Vec::new(),
        })
        .collect()
}

/// The `#[deprecated]` note: the REST operation to move to, and how we know it.
pub fn deprecation_note(m: &Method) -> String {
    match &m.replacement {
        Some(r) => {
            let how = match r.basis.as_str() {
                "documented" => "Cleeng names it as the replacement",
                "related" => "Cleeng links it from this method's page",
                _ => "our mapping; Cleeng names no replacement",
            };
            format!(
                "Cleeng deprecated the JSON-RPC API; use `cleeng_{}` `{}` instead ({how})",
                r.family,
                r.operation_id.to_snake_case()
            )
        }
        None => "Cleeng deprecated the JSON-RPC API and names no REST replacement for this method".to_string(),
    }
}

fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

/// The method's documentation on its trait method.
fn method_docs(m: &Method) -> TokenStream {
    let mut lines = vec![m.summary.clone()];
    if let Some(d) = &m.description {
        lines.push(String::new());
        lines.push(d.clone());
    }
    lines.push(String::new());
    lines.push(format!(
        "JSON-RPC method `{}`; confidence: {}; {}.",
        m.name,
        if m.confidence.is_empty() { "unknown" } else { &m.confidence },
        if m.idempotent {
            "retried after a transport failure (a read)"
        } else {
            "never re-sent once it may have arrived"
        }
    ));
    if let Some(url) = &m.doc_url {
        lines.push(format!("Cleeng reference: <{url}>"));
    }
    docs(&lines)
}

/// One builder struct with its setters and `call()`.
fn builder(m: &Method, types: &Types) -> TokenStream {
    let struct_name = Ident::new(&m.name.to_upper_camel_case(), Span::call_site());
    let method_ident = ident(&m.name);
    let trait_ident = trait_name(&m.tag);
    let method_name = m.name.to_snake_case();
    let op_id = &m.name;
    let struct_doc = format!(
        "Builder for [`{trait_ident}::{method_ident}`]\n\n[`{trait_ident}::{method_ident}`]: super::{trait_ident}::{method_ident}"
    );
    // The publisher token comes from the client; every other param has a setter.
    let settable: Vec<_> = m
        .params
        .iter()
        .filter(|p| !(p.name == "publisherToken" && m.auth.iter().any(|a| a == "publisherToken")))
        .collect();
    let fields = settable.iter().map(|p| {
        let f = ident(&p.name);
        let ty = types.param(&m.name, &p.name);
        quote!(#f: Result<Option<#ty>, String>)
    });
    let inits = settable.iter().map(|p| {
        let f = ident(&p.name);
        quote!(#f: Ok(None))
    });
    let setters = settable.iter().map(|p| {
        let f = ident(&p.name);
        let ty = types.param(&m.name, &p.name);
        let mut lines = vec![match &p.description {
            Some(d) => d.clone(),
            None => format!("Sets `{}`.", p.name),
        }];
        if p.required {
            lines.push("Required.".into());
        }
        let doc = docs(&lines);
        quote! {
            #doc
            pub fn #f<V>(mut self, value: V) -> Self
            where
                V: std::convert::TryInto<#ty>,
                <V as std::convert::TryInto<#ty>>::Error: std::fmt::Display,
            {
                // The rule the value broke; `put` adds the parameter and the method.
                self.#f = value.try_into().map(Some).map_err(|e| e.to_string());
                self
            }
        }
    });
    let names = settable.iter().map(|p| ident(&p.name));
    let puts = m.params.iter().map(|p| {
        let json_name = &p.name;
        if p.name == "publisherToken" && m.auth.iter().any(|a| a == "publisherToken") {
            quote!(params.publisher_token(&client.inner, #json_name)?;)
        } else {
            let f = ident(&p.name);
            let required = p.required;
            quote!(params.put(#json_name, #f, #required)?;)
        }
    });
    let result = types.result(&m.name);
    let call_doc = format!(
        " Sends `{op_id}` and decodes its `result`; a JSON-RPC error object comes back as [`cleeng_runtime::Error::Api`] with its code and message."
    );
    let call_with_response_doc = format!(
        " Sends `{op_id}` and returns its decoded `result` with the HTTP status and headers (request id), or the same errors as `call`."
    );
    quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone)]
        pub struct #struct_name<'a> {
            client: &'a super::Client,
            #(#fields,)*
        }

        impl<'a> #struct_name<'a> {
            /// A builder with no param set yet.
            pub fn new(client: &'a super::Client) -> Self {
                Self {
                    client,
                    #(#inits,)*
                }
            }

            #(#setters)*

            #[doc = #call_doc]
            pub async fn call(self) -> ::std::result::Result<#result, ::cleeng_runtime::Error> {
                self.call_with_response().await.map(::cleeng_runtime::Response::into_value)
            }

            #[doc = #call_with_response_doc]
            pub async fn call_with_response(
                self,
            ) -> ::std::result::Result<::cleeng_runtime::Response<#result>, ::cleeng_runtime::Error> {
                let Self { client, #(#names,)* } = self;
                let mut params = ::cleeng_runtime::jsonrpc::Params::new(#op_id);
                #(#puts)*
                ::cleeng_runtime::jsonrpc::call_with_response(&client.client, &client.baseurl, &client.inner, #method_name, params).await
            }
        }
    }
}

fn trait_name(tag: &str) -> Ident {
    Ident::new(&format!("Client{}Ext", tag.to_upper_camel_case()), Span::call_site())
}

/// The `builder` module, the tag traits and the `Client` struct.
pub fn tokens(doc: &Document, types: &Types) -> TokenStream {
    let builders = doc.methods.iter().map(|m| builder(m, types));
    let mut by_tag: BTreeMap<&str, Vec<&Method>> = BTreeMap::new();
    for m in &doc.methods {
        by_tag.entry(m.tag.as_str()).or_default().push(m);
    }
    let traits = by_tag.iter().map(|(tag, methods)| {
        let trait_ident = trait_name(tag);
        let trait_doc = format!(" The `{tag}` methods of the legacy JSON-RPC API.");
        let decls = methods.iter().map(|m| {
            let f = ident(&m.name);
            let b = Ident::new(&m.name.to_upper_camel_case(), Span::call_site());
            let doc = method_docs(m);
            let deprecated = if m.deprecated {
                let note = deprecation_note(m);
                quote!(#[deprecated(note = #note)])
            } else {
                quote!()
            };
            quote! {
                #doc
                #deprecated
                fn #f(&self) -> builder::#b<'_>;
            }
        });
        let impls = methods.iter().map(|m| {
            let f = ident(&m.name);
            let b = Ident::new(&m.name.to_upper_camel_case(), Span::call_site());
            quote! {
                fn #f(&self) -> builder::#b<'_> {
                    builder::#b::new(self)
                }
            }
        });
        quote! {
            #[doc = #trait_doc]
            pub trait #trait_ident {
                #(#decls)*
            }
            impl #trait_ident for Client {
                #(#impls)*
            }
        }
    });
    let prelude_uses = by_tag.keys().map(|tag| {
        let t = trait_name(tag);
        quote!(pub use super::#t as _;)
    });
    let type_tokens = types.tokens();
    quote! {
        /// Params and results of the JSON-RPC methods.
        #[allow(clippy::all)]
        pub mod types {
            #type_tokens
        }

        /// One builder per JSON-RPC method: set params, then `.call().await`.
        pub mod builder {
            #[allow(unused_imports)]
            use super::types;
            #(#builders)*
        }

        /// Client for the legacy JSON-RPC 3.0 API. Build it with `Client::sandbox`,
        /// `Client::production` or `Client::from_config`; its methods come from the
        /// `Client<Tag>Ext` traits (all in [`prelude`]).
        #[derive(Clone, Debug)]
        pub struct Client {
            pub(crate) baseurl: String,
            pub(crate) client: reqwest::Client,
            pub(crate) inner: ::cleeng_runtime::Context,
        }

        impl Client {
            /// A client sending to `baseurl` (the environment's base URL; the endpoint path is
            /// appended per call) through `client` and the runtime context `inner`.
            pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: ::cleeng_runtime::Context) -> Self {
                Self { baseurl: baseurl.to_string(), client, inner }
            }

            /// The base URL requests go to (the endpoint path is appended).
            pub fn baseurl(&self) -> &String {
                &self.baseurl
            }
        }

        #(#traits)*

        /// Every `Client<Tag>Ext` trait in scope, for one glob import. The traits come in
        /// unnamed (`as _`): they share names with Core's (`ClientSubscriptionsExt`...), and a
        /// publisher migrating off this API imports both preludes at once. Name a trait through
        /// the crate root when you need to.
        pub mod prelude {
            #(#prelude_uses)*
            pub use super::Client;
        }
    }
}
