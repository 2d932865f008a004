//! The per-client context every generated request goes through (progenitor's `ClientHooks::exec`).

use std::sync::{Arc, Mutex};

use crate::credentials::Credentials;
use crate::environment::Environment;
use crate::error::Error;
use crate::operation::{find, AuthScheme, OperationMeta};

/// Header progenitor adds to every request from the spec's `info.version`. Cleeng does not read
/// it and our spec revision is none of its business, so the runtime removes it.
const PROGENITOR_VERSION_HEADER: &str = "api-version";
const PUBLISHER_TOKEN_HEADER: &str = "x-publisher-token";

/// Status of the synthetic response that carries a runtime failure back through progenitor.
/// 399 is outside every status the specs document and outside the `4XX`/`5XX` catch-alls, so
/// progenitor hands it over untouched as `Error::UnexpectedResponse`, and `Error::from` turns it
/// back into the typed error stored in its extensions.
pub(crate) const FAILURE_STATUS: u16 = 399;

/// The typed error riding in a synthetic response's extensions.
#[derive(Clone)]
pub(crate) struct CarriedError(pub(crate) Arc<Mutex<Option<Error>>>);

/// State shared by every request of one client: where it sends, which credentials it holds, and
/// the operation table of its family.
#[derive(Debug, Clone)]
pub struct Context {
    environment: Environment,
    base_url: String,
    credentials: Credentials,
    operations: &'static [OperationMeta],
}

impl Context {
    /// A context for a family whose operations are `operations` (its generated `OPERATIONS`).
    pub fn new(
        environment: Environment,
        base_url: String,
        credentials: Credentials,
        operations: &'static [OperationMeta],
    ) -> Self {
        Context {
            environment,
            base_url,
            credentials,
            operations,
        }
    }

    /// The family's resolved base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The environment requests go to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The credentials requests use.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The facts of one operation, by operationId.
    pub fn operation(&self, id: &str) -> Option<&'static OperationMeta> {
        find(self.operations, id)
    }

    /// Sends one request for operation `operation_id`: removes progenitor's version header,
    /// moves the request to the operation's own host if it has one, attaches the credential
    /// the operation accepts, sends it, and buffers error bodies so that [`Error::from`] can
    /// read them without `.await`.
    ///
    /// Failures of the runtime itself (a missing credential, a failed token refresh) come back as
    /// a synthetic response that `Error::from` turns into the typed error; transport errors come
    /// back as they are.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        request.headers_mut().remove(PROGENITOR_VERSION_HEADER);
        let Some(op) = self.operation(operation_id) else {
            return Ok(failure_response(Error::Config(format!(
                "operation {operation_id} is not in this client's operation table"
            ))));
        };
        if let Err(e) = self.route(&mut request, op) {
            return Ok(failure_response(e));
        }
        if let Err(e) = self.authorize(&mut request, op).await {
            return Ok(failure_response(e));
        }
        // Seam for retries, per-attempt timeouts and tracing (one policy for every family).
        let response = http.execute(request).await?;
        buffer_error_body(response).await
    }

    /// Rewrites the base of the URL for operations that live on another host (legacy endpoints).
    fn route(&self, request: &mut reqwest::Request, op: &OperationMeta) -> Result<(), Error> {
        let Some(hosts) = op.hosts else { return Ok(()) };
        if self.environment.is_custom() {
            return Ok(());
        }
        let target = self.environment.base_url(&hosts);
        let rest = request
            .url()
            .as_str()
            .strip_prefix(self.base_url.as_str())
            .ok_or_else(|| Error::Config(format!("the URL of {} is not under the base URL", op.id)))?;
        let rewritten = format!("{target}{rest}");
        *request.url_mut() = rewritten
            .parse()
            .map_err(|e| Error::Config(format!("bad host override for {}: {e}", op.id)))?;
        Ok(())
    }

    async fn authorize(&self, request: &mut reqwest::Request, op: &OperationMeta) -> Result<(), Error> {
        for scheme in op.auth {
            match scheme {
                AuthScheme::PublisherToken => {
                    if let Some(token) = &self.credentials.publisher {
                        let mut value = http::HeaderValue::from_str(token.expose()).map_err(|_| {
                            Error::Config("the publisher token is not a valid header value".into())
                        })?;
                        value.set_sensitive(true);
                        request.headers_mut().insert(PUBLISHER_TOKEN_HEADER, value);
                        return Ok(());
                    }
                }
                AuthScheme::CustomerJwt => {
                    if let Some(source) = &self.credentials.customer {
                        let jwt = source.bearer().await?;
                        let mut value = http::HeaderValue::from_str(&format!("Bearer {}", jwt.expose()))
                            .map_err(|_| Error::Config("the customer JWT is not a valid header value".into()))?;
                        value.set_sensitive(true);
                        request.headers_mut().insert(http::header::AUTHORIZATION, value);
                        return Ok(());
                    }
                }
            }
        }
        if op.auth.is_empty() {
            Ok(())
        } else {
            Err(Error::MissingCredential {
                operation: op.id.to_string(),
                accepted: op.auth.to_vec(),
            })
        }
    }
}

/// A response that carries `error` back through the generated code.
pub(crate) fn failure_response(error: Error) -> reqwest::Response {
    let mut response = http::Response::new(bytes::Bytes::new());
    *response.status_mut() =
        http::StatusCode::from_u16(FAILURE_STATUS).expect("399 is a valid status code");
    response
        .extensions_mut()
        .insert(CarriedError(Arc::new(Mutex::new(Some(error)))));
    reqwest::Response::from(response)
}

/// Reads an error response's body into memory, so the error conversion can parse it
/// synchronously. Success bodies stream through untouched.
async fn buffer_error_body(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return Ok(response);
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}
