//! The response-size limit: no body from the network is buffered beyond it.
//!
//! A hostile or broken server (or proxy) can answer with a huge `Content-Length` or an endless
//! chunked body. Every body the runtime reads (success bodies, error bodies, the JWKS key set)
//! goes through [`read_body`], which refuses an oversized `Content-Length` before reading a
//! byte and cuts a streamed body off as soon as it passes the limit, so memory stays bounded by
//! the limit plus a constant. Set the limit with `ClientConfig::max_response_bytes`.

use bytes::{Bytes, BytesMut};

/// The default limit: 16 MiB, far above any documented Cleeng response.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// The body is (or announced itself as) larger than the limit. Nothing beyond the limit
    /// was kept.
    TooLarge {
        /// The limit in force.
        limit: u64,
        /// The `Content-Length` the server announced, if it did.
        content_length: Option<u64>,
    },
    /// The connection failed or timed out while reading.
    Transport(reqwest::Error),
}

/// Reads a whole response body, at most `limit` bytes.
///
/// An announced `Content-Length` above `limit` is refused before anything is read; a body
/// without one is read chunk by chunk and dropped as soon as it passes `limit`.
pub async fn read_body(mut response: reqwest::Response, limit: u64) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    if let Some(length) = announced.filter(|l| *l > limit) {
        return Err(BodyError::TooLarge {
            limit,
            content_length: Some(length),
        });
    }
    // Pre-size from Content-Length (already checked against the limit), capped so that a lying
    // header cannot make us allocate much up front.
    let capacity = announced.unwrap_or(0).min(limit).min(1024 * 1024) as usize;
    let mut body = BytesMut::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
            return Err(BodyError::TooLarge {
                limit,
                content_length: announced,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
