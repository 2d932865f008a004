//! Signed webhook deliveries to the endpoints registered through the Webhooks API.
//!
//! The body is Cleeng's envelope `{broadcasterId, topic, data}`; the signature is HMAC-SHA256
//! over the exact body bytes with the endpoint's secret, lowercase hex, in [`SIGNATURE_HEADER`].

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::server::Shared;
use crate::state::{Delivery, PUBLISHER_ID};

/// The header carrying the signature: the name `cleeng_webhooks::SIGNATURE_HEADER` verifies.
/// Cleeng has not published it (see the cleeng-webhooks docs); the examples test checks that
/// the client crate accepts what the mock sends.
pub const SIGNATURE_HEADER: &str = "x-cleeng-signature";

/// An event a journey produced: topic and `data`.
pub(crate) type Event = (&'static str, Value);

/// The hex HMAC-SHA256 of `body` under `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length, so creating it cannot fail.
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Posts each event to every active endpoint subscribed to its topic (an endpoint with no
/// event types gets all of them) and records each attempt.
pub(crate) async fn deliver(shared: &Shared, events: Vec<Event>) {
    for (topic, data) in events {
        let targets: Vec<(String, String, String)> = shared
            .state()
            .endpoints
            .values()
            .filter(|e| e.status == "active")
            .filter(|e| e.event_types.is_empty() || e.event_types.iter().any(|t| t == topic))
            .map(|e| (e.id.clone(), e.url.clone(), e.secret.clone()))
            .collect();
        if targets.is_empty() {
            continue;
        }
        let body = json!({ "broadcasterId": PUBLISHER_ID, "topic": topic, "data": data }).to_string();
        for (endpoint_id, url, secret) in targets {
            let signature = sign(&secret, body.as_bytes());
            let result = shared
                .http
                .post(&url)
                .header(http::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, &signature)
                .body(body.clone())
                .send()
                .await;
            let (status, error) = match result {
                Ok(r) => (Some(r.status().as_u16()), None),
                Err(e) => (None, Some(e.to_string())),
            };
            shared.state().deliveries.push(Delivery {
                endpoint_id,
                url,
                topic: topic.to_string(),
                body: body.clone(),
                signature,
                status,
                error,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signs_with_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
