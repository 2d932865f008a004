//! Receive Cleeng webhooks: an axum endpoint that verifies each delivery's signature and prints
//! the typed event.
//!
//! `cargo run --example webhook_receiver` runs against an in-process `cleeng-mock` server: it
//! registers the endpoint through the Webhooks API, then registers a customer and creates a
//! subscription through the Core API, and prints the two signed events the mock delivers.
//! With `CLEENG_PUBLISHER_TOKEN` set it registers the endpoint with Cleeng's sandbox instead and
//! serves until Ctrl-C; set `CLEENG_WEBHOOK_URL` to a public URL that forwards to
//! `127.0.0.1:$CLEENG_WEBHOOK_PORT` (default 3000), e.g. a tunnel.

use axum::extract::FromRef;
use axum::routing::post;
use cleeng::core_api::prelude::{ClientCustomersExt, ClientSubscriptionsExt};
use cleeng::webhooks::axum::CleengWebhook;
use cleeng::webhooks::prelude::*;
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

/// The receiver's state: the endpoint's verifier and where verified events go.
#[derive(Clone)]
struct Receiver {
    verifier: Verifier,
    events: mpsc::UnboundedSender<Event>,
}

impl FromRef<Receiver> for Verifier {
    fn from_ref(receiver: &Receiver) -> Verifier {
        receiver.verifier.clone()
    }
}

/// The handler: the extractor has already checked the signature (401 otherwise) and decoded
/// the body; acknowledge quickly and work elsewhere.
async fn webhook(axum::extract::State(receiver): axum::extract::State<Receiver>, CleengWebhook(event): CleengWebhook) -> &'static str {
    println!("   received {}: {:?}", event.topic(), event);
    let _ = receiver.events.send(event);
    "ok"
}

/// Registers the endpoint and receives events; against the mock, causes two and returns their
/// topics. Against the sandbox, serves until Ctrl-C.
pub async fn run(target: Target) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", target.port)).await?;
    let local = format!("http://{}/cleeng/webhooks", listener.local_addr()?);
    let url = target.public_url.clone().unwrap_or(local);
    println!("1. listening; register {url} through the Webhooks API");
    let client = Client::from_config(
        ClientConfig::new(target.webhooks).publisher_token(PublisherToken::new(target.token.clone())),
    )?;
    let endpoint = client
        .create_endpoint(types::WebhookEndpointCreate {
            url: url.clone(),
            name: Some("cleeng-rs example".into()),
            event_types: vec!["customerRegistered".into(), "subscriptionCreated".into(), "transactionCreated".into()],
            status: None,
            retry_policy: None,
        })
        .await?;
    println!("   endpoint {:?}; signing secret received (kept out of logs)", endpoint.endpoint.id);

    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route("/cleeng/webhooks", post(webhook))
        .with_state(Receiver { verifier: endpoint.verifier(), events: tx });
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let Some(core_env) = target.core else {
        println!("2. waiting for deliveries (Ctrl-C to stop)");
        tokio::signal::ctrl_c().await?;
        server.abort();
        return Ok(Vec::new());
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
    server.abort();
    Ok(topics)
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
