//! A publisher's back end: walk a customer's subscriptions as a stream, pause one and resume
//! it, and check the customer's entitlement.
//!
//! `cargo run --example publisher_backend` runs against an in-process `cleeng-mock` server (its
//! demo customer has an active subscription). With `CLEENG_PUBLISHER_TOKEN` set it uses Cleeng's
//! sandbox; then set `CLEENG_CUSTOMER_ID` to a customer with an active subscription whose offer
//! allows pausing.

use cleeng::core_api::prelude::*;
use futures::TryStreamExt;

/// Where the example runs.
pub struct Target {
    /// Core API base URL.
    pub environment: Environment,
    /// The publisher token.
    pub token: String,
    /// The customer whose subscriptions are managed.
    pub customer_id: i64,
}

impl Target {
    /// Against a running mock, for its demo customer.
    pub fn mock(mock: &cleeng_mock::MockServer) -> Target {
        Target {
            environment: Environment::Custom(mock.url_for(cleeng_mock::Family::Core)),
            token: "mock-publisher-token".into(),
            customer_id: cleeng_mock::DEMO_CUSTOMER_ID,
        }
    }

    /// Against the sandbox, when `CLEENG_PUBLISHER_TOKEN` is set.
    pub fn sandbox_from_env() -> Option<Result<Target, String>> {
        let token = std::env::var("CLEENG_PUBLISHER_TOKEN").ok()?;
        Some(
            std::env::var("CLEENG_CUSTOMER_ID")
                .ok()
                .and_then(|id| id.parse().ok())
                .map(|customer_id| Target { environment: Environment::Sandbox, token, customer_id })
                .ok_or_else(|| "set CLEENG_CUSTOMER_ID to a customer with an active subscription".to_string()),
        )
    }
}

/// What the run observed.
#[derive(Debug)]
pub struct Outcome {
    /// Subscriptions the stream yielded.
    pub listed: usize,
    /// The subscription paused and resumed.
    pub subscription_id: i64,
    /// Its status after the pause.
    pub status_after_pause: String,
    /// Its status after the resume.
    pub status_after_resume: String,
    /// Access to its offer at the end.
    pub access_granted: bool,
}

/// The journey; prints each step.
pub async fn run(target: Target) -> Result<Outcome, Box<dyn std::error::Error>> {
    let client = Client::from_config(
        ClientConfig::new(target.environment).publisher_token(PublisherToken::new(target.token)),
    )?;
    println!("1. subscriptions of customer {} (a stream over every page)", target.customer_id);
    let subscriptions: Vec<_> = client
        .list_subscriptions()
        .customer_id(target.customer_id)
        .items()
        .try_collect()
        .await?;
    for s in &subscriptions {
        println!(
            "   {:?} {:?} {:?} until {:?}",
            s.subscription_id,
            s.offer_id.as_deref().unwrap_or(""),
            s.status.as_ref().map(|s| s.to_string()),
            s.date_to
        );
    }
    let active = subscriptions
        .iter()
        .find(|s| s.status.as_ref().map(|s| s.to_string()).as_deref() == Some("active"))
        .ok_or("the customer has no active subscription")?;
    let id = active.subscription_id.ok_or("subscription without id")?;
    let offer_id = active.offer_id.clone().ok_or("subscription without an offer id")?;

    println!("2. pause {id} for one billing cycle");
    let paused = client
        .pause_subscription()
        .subscription_id(id)
        .body_map(|b| b.pause_date("anniversary-date").resumes_after_billing_cycles(1))
        .call()
        .await?;
    let status_after_pause = paused.status.map(|s| s.to_string()).unwrap_or_default();
    println!("   status {status_after_pause}, pause {:?}", paused.pause);

    println!("3. resume {id}");
    let resumed = client.resume_subscription().subscription_id(id).call().await?;
    let status_after_resume = resumed.status.map(|s| s.to_string()).unwrap_or_default();
    println!("   status {status_after_resume}");

    println!("4. entitlement of customer {} to {offer_id}", target.customer_id);
    let entitlement = client
        .get_entitlement()
        .customer_id(target.customer_id)
        .offer_id(&offer_id)
        .call()
        .await?;
    let access_granted = entitlement.access_granted == Some(true);
    println!("   access {}, expires {:?}", if access_granted { "granted" } else { "denied" }, entitlement.expires_at);
    Ok(Outcome {
        listed: subscriptions.len(),
        subscription_id: id,
        status_after_pause,
        status_after_resume,
        access_granted,
    })
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
