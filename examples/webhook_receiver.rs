//! Receive Cleeng webhooks: an axum endpoint that verifies each delivery's signature, handles
//! each delivery once (a replayed copy verifies too, so it is de-duplicated on its
//! `DeliveryKey`), and prints the typed event.
//!
//! `cargo run --example webhook_receiver` runs against an in-process `cleeng-mock` server: it
//! registers the endpoint through the Webhooks API, then registers a customer and creates a
//! subscription through the Core API, and prints the two signed events the mock delivers; then
//! it posts the first delivery again, as an attacker replaying a captured request would, and
//! shows it acknowledged but not handled twice.
//! With `CLEENG_PUBLISHER_TOKEN` set it registers the endpoint with Cleeng's sandbox instead and
//! serves until Ctrl-C; set `CLEENG_WEBHOOK_URL` to a public URL that forwards to
//! `127.0.0.1:$CLEENG_WEBHOOK_PORT` (default 3000), e.g. a tunnel, and
//! `CLEENG_WEBHOOK_SIGNATURE_HEADER` to the header your deliveries carry the signature in
//! (Cleeng does not publish its name; the default is the SDK's guess, which the mock uses).
//!
//! The handler takes the raw headers and body rather than the `CleengWebhook` extractor so it
//! can compute the delivery key from the exact bytes that were signed.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use cleeng::core_api::prelude::{ClientCustomersExt, ClientSubscriptionsExt};
use cleeng::webhooks::prelude::*;
use cleeng::webhooks::{DeliveryKey, RecentDeliveries, SIGNATURE_HEADER};
use tokio::sync::mpsc;

/// Where the example runs.
pub struct Target {
    /// Webhooks API base URL.
    pub webhooks: Environment,
    /// Core API base URL (used to cause events when running against the mock).
    pub core: Option<Environment>,
    /// The publisher token.
    pub token: String,
    /// Local port to listen on (0: any free port).
    pub port: u16,
    /// The URL Cleeng posts to; `None` means the local address (mock only).
    pub public_url: Option<String>,
}

impl Target {
    /// Against a running mock.
    pub fn mock(mock: &cleeng_mock::MockServer) -> Target {
        Target {
            webhooks: Environment::Custom(mock.url_for(cleeng_mock::Family::Webhooks)),
            core: Some(Environment::Custom(mock.url_for(cleeng_mock::Family::Core))),
            token: "mock-publisher-token".into(),
            port: 0,
            public_url: None,
        }
    }

    /// Against the sandbox, when `CLEENG_PUBLISHER_TOKEN` is set.
    pub fn sandbox_from_env() -> Option<Result<Target, String>> {
        let token = std::env::var("CLEENG_PUBLISHER_TOKEN").ok()?;
        let port = std::env::var("CLEENG_WEBHOOK_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
        Some(
            std::env::var("CLEENG_WEBHOOK_URL")
                .map(|url| Target { webhooks: Environment::Sandbox, core: None, token, port, public_url: Some(url) })
                .map_err(|_| "set CLEENG_WEBHOOK_URL to a public URL forwarding to this machine".to_string()),
        )
    }
}

/// What the run saw (against the mock).
#[derive(Debug, Default)]
pub struct Outcome {
    /// Topics of the verified, first-time deliveries, in order.
    pub topics: Vec<String>,
    /// Deliveries that verified but had been handled before (replays), acknowledged and skipped.
    pub replays_skipped: usize,
}

/// The receiver's state: the endpoint's verifier, the keys of recently handled deliveries, and
/// where verified events go.
#[derive(Clone)]
struct Receiver {
    verifier: Verifier,
    recent: Arc<RecentDeliveries>,
    replays: Arc<Mutex<usize>>,
    /// The last delivery as received, so the example can replay it.
    last: Arc<Mutex<Option<(HeaderMap, Bytes)>>>,
    events: mpsc::UnboundedSender<Event>,
}

/// The handler: check the signature on the raw body (401/400 otherwise), skip a delivery
/// handled before (answer 200 so Cleeng stops re-sending it), acknowledge quickly and work
/// elsewhere. A production receiver keeps the keys in its database, with the effect of the
/// event, instead of in memory.
async fn webhook(
    axum::extract::State(receiver): axum::extract::State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let signature = headers.get(receiver.verifier.header()).map(|v| v.as_bytes());
    let event = match receiver.verifier.verify_value(signature, &body) {
        Ok(event) => event,
        Err(refused) => return (refused.status(), refused.to_string()),
    };
    *receiver.last.lock().unwrap_or_else(|p| p.into_inner()) = Some((headers.clone(), body.clone()));
    if !receiver.recent.first_time(DeliveryKey::of(&body)) {
        println!("   replay of {} skipped", event.topic());
        *receiver.replays.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        return (StatusCode::OK, "already handled".into());
    }
    println!("   received {}: {:?}", event.topic(), event);
    let _ = receiver.events.send(event);
    (StatusCode::OK, "ok".into())
}

/// Registers the endpoint and receives events; against the mock, causes two, replays one and
/// returns what was handled. Against the sandbox, serves until Ctrl-C.
pub async fn run(target: Target) -> Result<Outcome, Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", target.port)).await?;
    let local = format!("http://{}/cleeng/webhooks", listener.local_addr()?);
    let url = target.public_url.clone().unwrap_or(local);
    println!("1. listening; register {url} through the Webhooks API");
    let client = Client::from_config(
        ClientConfig::new(target.webhooks).publisher_token(PublisherToken::new(target.token.clone())),
    )?;
    let body: types::WebhookEndpointCreate = types::WebhookEndpointCreate::builder()
        .url(url.clone())
        .name(Some("cleeng-rs example".to_string()))
        .event_types(vec!["customerRegistered".into(), "subscriptionCreated".into(), "transactionCreated".into()])
        .try_into()?;
    let endpoint = client.create_endpoint(body).await?;
    println!("   endpoint {:?}; signing secret received (kept out of logs)", endpoint.endpoint.id);

    let header = std::env::var("CLEENG_WEBHOOK_SIGNATURE_HEADER").unwrap_or_else(|_| SIGNATURE_HEADER.to_string());
    // Fails on an empty or short secret: never a verifier that accepts anything.
    let verifier = endpoint.verifier(&header)?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let receiver = Receiver {
        verifier,
        recent: Arc::new(RecentDeliveries::default()),
        replays: Arc::new(Mutex::new(0)),
        last: Arc::new(Mutex::new(None)),
        events: tx,
    };
    let app = axum::Router::new().route("/cleeng/webhooks", post(webhook)).with_state(receiver.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let Some(core_env) = target.core else {
        println!("2. waiting for deliveries (Ctrl-C to stop)");
        tokio::signal::ctrl_c().await?;
        server.abort();
        return Ok(Outcome::default());
    };
    let core = cleeng::core_api::Client::from_config(
        cleeng::core_api::ClientConfig::new(core_env).publisher_token(PublisherToken::new(target.token)),
    )?;
    println!("2. register a customer through the Core API");
    let registered = core
        .register_customer()
        .body_map(|b| b.email("webhook.demo@example.com"))
        .call()
        .await?;
    let customer_id = registered
        .get("data")
        .and_then(|d| d.get("id"))
        .and_then(|id| id.as_i64())
        .ok_or("registration returned no customer id")?;
    println!("3. create a subscription for customer {customer_id}");
    core.create_subscription()
        .body_map(|b| {
            b.customer_id(customer_id)
                .offer_id(cleeng_mock::DEMO_SUBSCRIPTION_OFFER)
                .payment_method_id(1)
                .external_id("webhook-demo-1")
        })
        .call()
        .await?;
    let mut topics = Vec::new();
    while topics.len() < 2 {
        match tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv()).await {
            Ok(Some(event)) => topics.push(event.topic().to_string()),
            _ => break,
        }
    }
    println!("4. {} verified events: {topics:?}", topics.len());
    let captured = receiver.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some((headers, body)) = captured {
        println!("5. post the last delivery again (a replay): it verifies, and is skipped");
        let replay = cleeng::runtime::http_client_builder().build()?.post(&url).headers(headers).body(body).send().await?;
        println!("   answered {}", replay.status());
    }
    let replays_skipped = *receiver.replays.lock().unwrap_or_else(|p| p.into_inner());
    server.abort();
    Ok(Outcome { topics, replays_skipped })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (target, _mock) = match Target::sandbox_from_env() {
        Some(target) => (target?, None),
        None => {
            let mock = cleeng_mock::MockServer::start().await;
            println!("in-process cleeng-mock at {} (set CLEENG_PUBLISHER_TOKEN for the sandbox)", mock.url());
            (Target::mock(&mock), Some(mock))
        }
    };
    run(target).await?;
    Ok(())
}
