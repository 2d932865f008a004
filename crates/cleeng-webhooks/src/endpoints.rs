//! Endpoint management helpers the generator cannot write: every endpoint as one stream across
//! cursor pages, and create/rotate calls that hand back the signing secret (a redacted
//! [`Secret`]) next to the endpoint, ready to build a [`Verifier`].

use bytes::Bytes;
use cleeng_runtime::{Error, Secret};
use futures_util::Stream;

use crate::types::{
    WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointStatus, WebhookEndpointWithSecret,
    WebhookSigning,
};
use crate::{Client, ClientEndpointsExt, Verifier};

/// An endpoint together with its new signing secret, as returned by
/// [`Client::create_endpoint`] and [`Client::rotate_signing_secret`]. This is the only time
/// Cleeng shows the secret: store it now. `Debug` prints it as `[redacted]`.
#[derive(Debug, Clone)]
pub struct EndpointWithSecret {
    /// The endpoint (its `signing` keeps every field except the secret).
    pub endpoint: WebhookEndpoint,
    /// The signing secret.
    pub secret: Secret,
}

impl EndpointWithSecret {
    /// A [`Verifier`] for deliveries to this endpoint, reading the signature from `header`
    /// (Cleeng does not publish its name; see [`Verifier::new`]). Fails like [`Verifier::new`]
    /// on a secret too short to protect anything.
    pub fn verifier(&self, header: &str) -> Result<Verifier, crate::VerifierError> {
        Verifier::new(self.secret.clone(), header)
    }
}

impl From<WebhookEndpointWithSecret> for EndpointWithSecret {
    fn from(e: WebhookEndpointWithSecret) -> Self {
        let mut signing = serde_json::Map::new();
        if let Some(algorithm) = e.signing.algorithm {
            signing.insert("algorithm".into(), algorithm.into());
        }
        EndpointWithSecret {
            secret: e.signing.secret,
            endpoint: WebhookEndpoint {
                id: e.id,
                name: e.name,
                url: e.url,
                status: e.status,
                event_types: e.event_types,
                retry_policy: e.retry_policy,
                signing: Some(WebhookSigning(signing)),
                created_at: e.created_at,
                updated_at: e.updated_at,
            },
        }
    }
}

impl Client {
    /// Creates an endpoint and returns it with its signing secret set apart, ready for
    /// [`EndpointWithSecret::verifier`]. Same request as `create_webhook_endpoint()`.
    pub async fn create_endpoint(&self, body: WebhookEndpointCreate) -> Result<EndpointWithSecret, Error> {
        let response = self.create_webhook_endpoint().body(body).call().await?;
        Ok(response.data.into())
    }

    /// Rotates an endpoint's signing secret; the old one stops working at once (Cleeng keeps
    /// no overlap window), so switch your [`Verifier`] immediately.
    pub async fn rotate_signing_secret(&self, endpoint_id: &str) -> Result<EndpointWithSecret, Error> {
        let response = self
            .rotate_endpoint_signing_secret()
            .endpoint_id(endpoint_id)
            .call()
            .await?;
        Ok(response.data.into())
    }

    /// Every webhook endpoint, following `nextCursor` from page to page until a page has none.
    /// `status` filters; `page_size` is Cleeng's `limit` (its default is 25). The stream ends
    /// after the first error. A page whose cursor repeats the one just sent ends the stream
    /// with [`Error::Decode`] instead of looping forever.
    pub fn stream_webhook_endpoints(
        &self,
        status: Option<WebhookEndpointStatus>,
        page_size: Option<std::num::NonZeroU32>,
    ) -> impl Stream<Item = Result<WebhookEndpoint, Error>> + Send + 'static {
        struct State {
            client: Client,
            cursor: Option<String>,
            page: std::vec::IntoIter<WebhookEndpoint>,
            done: bool,
            status: Option<WebhookEndpointStatus>,
        }
        let state = State {
            client: self.clone(),
            cursor: None,
            page: Vec::new().into_iter(),
            done: false,
            status,
        };
        futures_util::stream::try_unfold(state, move |mut state| async move {
            loop {
                if let Some(endpoint) = state.page.next() {
                    return Ok(Some((endpoint, state)));
                }
                if state.done {
                    return Ok(None);
                }
                let mut request = state.client.list_webhook_endpoints();
                if let Some(status) = &state.status {
                    request = request.status(status.clone());
                }
                if let Some(limit) = page_size {
                    request = request.limit(limit);
                }
                if let Some(cursor) = &state.cursor {
                    request = request.cursor(cursor.clone());
                }
                let page = request.call().await?;
                let next = page.next_cursor.clone().filter(|c| !c.is_empty());
                if next.is_some() && next == state.cursor {
                    return Err(Error::Decode {
                        operation: Some("listWebhookEndpoints".into()),
                        path: Some("nextCursor".into()),
                        message: format!(
                            "listWebhookEndpoints returned the cursor it was given ({:?}); stopping instead of looping",
                            state.cursor.as_deref().unwrap_or_default()
                        ),
                        body: Bytes::from(serde_json::to_vec(&page).unwrap_or_default()),
                    });
                }
                state.done = next.is_none();
                state.cursor = next;
                state.page = page.data.into_iter();
            }
        })
    }
}
