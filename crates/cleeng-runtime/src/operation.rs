//! Per-operation facts the generator copies from the spec into each crate's `OPERATIONS` table.

use crate::environment::ApiHosts;

/// A way to authenticate a request (an OpenAPI security scheme of ours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    /// `X-Publisher-Token: <token>`: server-to-server calls on behalf of the publisher.
    PublisherToken,
    /// `Authorization: Bearer <jwt>`: calls on behalf of a logged-in customer.
    CustomerJwt,
    /// `Authorization: Bearer <secret>`: a publisher secret from the dashboard's Integration Hub
    /// (Auth0 Actions).
    IntegrationSecret,
}

/// How sure we are of an operation's method, path and field names (the spec's `x-confidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    /// Seen on a Cleeng page or in real client code.
    Verified,
    /// One source only, or some names or shapes unknown.
    Partial,
    /// Guessed from context; treat with care.
    Inferred,
}

/// What the runtime needs to know about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// The spec's operationId (camelCase), as errors and traces name it.
    pub id: &'static str,
    /// The Rust method name (snake case), which progenitor reports as
    /// `OperationInfo::operation_id`; the table is sorted by it.
    pub method_name: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template relative to the base URL.
    pub path: &'static str,
    /// Accepted credentials in preference order; empty for a public call.
    pub auth: &'static [AuthScheme],
    /// Safe to send again after an ambiguous failure: the method's semantics (GET, HEAD, PUT,
    /// DELETE, OPTIONS), overridden either way by the spec's `x-idempotent`.
    pub idempotent: bool,
    /// The spec marks it `x-moves-money: true`: it creates an order, a payment, a
    /// subscription, a charge, a refund or a gift redemption. It is never sent twice by the
    /// runtime (only a connection that never opened is retried), and tools that must not spend
    /// money (probes, smoke tests) skip it.
    pub moves_money: bool,
    /// Hosts of this operation when they differ from the family's (legacy endpoints).
    pub hosts: Option<ApiHosts>,
    /// Deprecated upstream.
    pub deprecated: bool,
    /// How sure the spec is of this operation.
    pub confidence: Confidence,
    /// What about this operation no source confirms (the spec's `x-unconfirmed`), e.g.
    /// `"response shape"` or `"query names"`; empty when everything is confirmed. Lets a caller
    /// (or a startup check) see at run time which calls rest on a guess.
    pub unconfirmed: &'static [&'static str],
}

impl OperationMeta {
    /// `true` when the runtime may send this operation again after an ambiguous failure:
    /// idempotent and not moving money.
    pub fn retry_safe(&self) -> bool {
        self.idempotent && !self.moves_money
    }
}

/// Finds an operation by Rust method name in a table sorted by it (as the generator emits it),
/// falling back to the spec's operationId.
pub(crate) fn find<'a>(table: &'a [OperationMeta], name: &str) -> Option<&'a OperationMeta> {
    table
        .binary_search_by(|m| m.method_name.cmp(name))
        .ok()
        .map(|i| &table[i])
        .or_else(|| table.iter().find(|m| m.id == name))
}
