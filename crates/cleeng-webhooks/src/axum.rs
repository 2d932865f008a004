//! An axum extractor that verifies and decodes a delivery (feature `axum`).
//!
//! ```ignore
//! use axum::{routing::post, Router};
//! use cleeng_webhooks::{axum::CleengWebhook, Event, Verifier};
//!
//! async fn webhook(CleengWebhook(event): CleengWebhook) -> &'static str {
//!     match event {
//!         Event::TransactionCreated { data, .. } => { /* ... */ }
//!         _ => {}
//!     }
//!     "ok"
//! }
//!
//! let app = Router::new()
//!     .route("/cleeng", post(webhook))
//!     .with_state(Verifier::new(secret, "x-cleeng-signature")?);
//! ```

use axum::extract::{FromRef, FromRequest, Request};
use axum::response::{IntoResponse, Response};

use crate::{Event, Verifier, WebhookError};

/// A verified, decoded delivery. The router's state must give a [`Verifier`] (`FromRef`);
/// a request that fails verification is answered before the handler runs, with
/// [`WebhookError::status`] (401 or 400) and a one-line reason. The body size limit is axum's
/// (`DefaultBodyLimit`).
#[derive(Debug, Clone)]
pub struct CleengWebhook(pub Event);

impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        (self.status(), self.to_string()).into_response()
    }
}

impl<S> FromRequest<S> for CleengWebhook
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let headers = req.headers().clone();
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        verifier
            .verify(&headers, &body)
            .map(CleengWebhook)
            .map_err(IntoResponse::into_response)
    }
}
