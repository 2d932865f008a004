//! The runtime glue appended to every generated file.
//!
//! progenitor knows nothing of Cleeng's hosts, credentials or which POSTs are safe to repeat; the
//! spec does. This module reads those facts per operation and emits them as static data
//! (`HOSTS`, `OPERATIONS`) plus the `ClientHooks` impl that hands every request to
//! `cleeng_runtime::Context`. So the behaviour lives once in cleeng-runtime, and the facts stay in
//! the spec.

use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use heck::ToSnakeCase;
use quote::quote;

use crate::Error;

/// How an operation may authenticate (one alternative of its `security` list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `X-Publisher-Token` header (`publisherToken` scheme).
    PublisherToken,
    /// `Authorization: Bearer <jwt>` (`customerJwt` scheme).
    CustomerJwt,
    /// `Authorization: Bearer <secret>` (`integrationSecret` scheme).
    IntegrationSecret,
}

/// Facts about one operation that the runtime needs at request time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationFacts {
    /// The spec's operationId.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/subscriptions/{subscriptionId}`.
    pub path: String,
    /// Accepted credentials, in preference order; empty means public.
    pub auth: Vec<Auth>,
    /// Safe to send twice: GET/HEAD/PUT/DELETE/OPTIONS, or a POST/PATCH marked `x-idempotent: true`.
    pub idempotent: bool,
    /// Operation-level `servers` override (production, sandbox), if the spec has one.
    pub hosts: Option<(String, String)>,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
    /// `x-confidence` (verified / partial / inferred).
    pub confidence: String,
}

/// The spec's `servers`: production (first) and sandbox (second).
pub fn hosts(doc: &OpenAPI, path: &str) -> Result<(String, String), Error> {
    match doc.servers.as_slice() {
        [prod, sandbox, ..] => Ok((prod.url.clone(), sandbox.url.clone())),
        _ => Err(Error::Invalid {
            path: path.into(),
            message: "servers must list production then sandbox".into(),
        }),
    }
}

/// Reads the facts of every operation, sorted by operationId for stable output.
pub fn operations(doc: &OpenAPI, path: &str) -> Result<Vec<OperationFacts>, Error> {
    let invalid = |message: String| Error::Invalid {
        path: path.into(),
        message,
    };
    let mut out = Vec::new();
    for (route, item) in doc.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            return Err(invalid(format!("path item {route} is a $ref")));
        };
        for (method, op) in item.iter() {
            let method = method.to_uppercase();
            let id = op
                .operation_id
                .clone()
                .ok_or_else(|| invalid(format!("{method} {route} has no operationId")))?;
            let security = op.security.as_ref().or(doc.security.as_ref());
            let mut auth = Vec::new();
            for requirement in security.into_iter().flatten() {
                if requirement.len() > 1 {
                    return Err(invalid(format!(
                        "{id}: a security requirement naming several schemes at once is not supported"
                    )));
                }
                for scheme in requirement.keys() {
                    auth.push(match scheme.as_str() {
                        "publisherToken" => Auth::PublisherToken,
                        "customerJwt" => Auth::CustomerJwt,
                        "integrationSecret" => Auth::IntegrationSecret,
                        other => {
                            return Err(invalid(format!(
                                "{id}: unknown security scheme {other:?} (use publisherToken, customerJwt or integrationSecret)"
                            )))
                        }
                    });
                }
            }
            let flag = |name: &str| {
                op.extensions
                    .get(name)
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false)
            };
            let idempotent = matches!(method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
                || flag("x-idempotent");
            let hosts = match op.servers.as_slice() {
                [] => None,
                [prod, sandbox, ..] => Some((prod.url.clone(), sandbox.url.clone())),
                [_] => {
                    return Err(invalid(format!(
                        "{id}: an operation-level servers override must list production then sandbox"
                    )))
                }
            };
            let confidence = op
                .extensions
                .get("x-confidence")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            out.push(OperationFacts {
                id,
                method,
                path: route.clone(),
                auth,
                idempotent,
                hosts,
                deprecated: op.deprecated,
                confidence,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

fn confidence_tokens(value: &str) -> TokenStream {
    match value {
        "verified" => quote!(::cleeng_runtime::Confidence::Verified),
        "partial" => quote!(::cleeng_runtime::Confidence::Partial),
        _ => quote!(::cleeng_runtime::Confidence::Inferred),
    }
}

/// The tokens appended after progenitor's output.
pub fn tokens(hosts: &(String, String), ops: &[OperationFacts]) -> TokenStream {
    let (prod, sandbox) = hosts;
    // progenitor reports each request's operation as its Rust method name (snake case), so the
    // table is keyed and sorted by that name.
    let mut ops: Vec<&OperationFacts> = ops.iter().collect();
    ops.sort_by_key(|op| op.id.to_snake_case());
    let metas = ops.iter().map(|op| {
        let method_name = op.id.to_snake_case();
        let OperationFacts {
            id,
            method,
            path,
            idempotent,
            deprecated,
            ..
        } = op;
        let auth = op.auth.iter().map(|a| match a {
            Auth::PublisherToken => quote!(::cleeng_runtime::AuthScheme::PublisherToken),
            Auth::CustomerJwt => quote!(::cleeng_runtime::AuthScheme::CustomerJwt),
            Auth::IntegrationSecret => quote!(::cleeng_runtime::AuthScheme::IntegrationSecret),
        });
        let op_hosts = match &op.hosts {
            Some((p, s)) => quote!(Some(::cleeng_runtime::ApiHosts { production: #p, sandbox: #s })),
            None => quote!(None),
        };
        let confidence = confidence_tokens(&op.confidence);
        quote! {
            ::cleeng_runtime::OperationMeta {
                id: #id,
                method_name: #method_name,
                method: #method,
                path: #path,
                auth: &[#(#auth),*],
                idempotent: #idempotent,
                hosts: #op_hosts,
                deprecated: #deprecated,
                confidence: #confidence,
            }
        }
    });
    quote! {
        /// Production and sandbox base URLs, from the spec's `servers`.
        pub const HOSTS: ::cleeng_runtime::ApiHosts = ::cleeng_runtime::ApiHosts {
            production: #prod,
            sandbox: #sandbox,
        };

        /// What the runtime needs to know about each operation (credentials, idempotency, hosts),
        /// from the spec, sorted by Rust method name.
        pub static OPERATIONS: &[::cleeng_runtime::OperationMeta] = &[#(#metas),*];

        impl ClientHooks<::cleeng_runtime::Context> for Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request, info.operation_id).await
            }
        }

        impl Client {
            /// Builds a client from a [`cleeng_runtime::ClientConfig`] (environment, credentials,
            /// timeouts), resolving this family's base URL from [`HOSTS`].
            pub fn from_config(
                config: ::cleeng_runtime::ClientConfig,
            ) -> ::std::result::Result<Self, ::cleeng_runtime::Error> {
                let parts = config.into_parts(&HOSTS, OPERATIONS)?;
                Ok(Self::new_with_client(&parts.base_url, parts.http, parts.context))
            }

            /// A client for `environment` (production, sandbox, or your own URL such as a mock)
            /// holding `credentials` (a `PublisherToken`, a `CustomerJwt`, several as
            /// `Credentials`, or `()` for public calls only), with the default timeouts and retry
            /// policy. Use [`Client::from_config`] to change those.
            pub fn new(
                environment: ::cleeng_runtime::Environment,
                credentials: impl Into<::cleeng_runtime::Credentials>,
            ) -> ::std::result::Result<Self, ::cleeng_runtime::Error> {
                Self::from_config(::cleeng_runtime::ClientConfig::new(environment).credentials(credentials.into()))
            }

            /// A client for Cleeng's sandbox holding `credentials` (a `PublisherToken`, a
            /// `CustomerJwt`, or several as `Credentials`).
            ///
            /// # Panics
            /// Only if the HTTP client cannot be built (no usable TLS backend), as
            /// `reqwest::Client::new` does; use [`Client::from_config`] to handle that case.
            pub fn sandbox(credentials: impl Into<::cleeng_runtime::Credentials>) -> Self {
                Self::in_environment(::cleeng_runtime::Environment::Sandbox, credentials)
            }

            /// A client for Cleeng's production systems holding `credentials`.
            ///
            /// # Panics
            /// Only if the HTTP client cannot be built (no usable TLS backend), as
            /// `reqwest::Client::new` does; use [`Client::from_config`] to handle that case.
            pub fn production(credentials: impl Into<::cleeng_runtime::Credentials>) -> Self {
                Self::in_environment(::cleeng_runtime::Environment::Production, credentials)
            }

            fn in_environment(
                environment: ::cleeng_runtime::Environment,
                credentials: impl Into<::cleeng_runtime::Credentials>,
            ) -> Self {
                let config = ::cleeng_runtime::ClientConfig::new(environment).credentials(credentials.into());
                match Self::from_config(config) {
                    Ok(client) => client,
                    Err(e) => panic!("cannot build the HTTP client: {e}"),
                }
            }

            /// The runtime context this client sends requests through.
            pub fn context(&self) -> &::cleeng_runtime::Context {
                &self.inner
            }
        }
    }
}
