//! The package smoke test's program: a user's crate calling Cleeng through the published
//! `cleeng` crate, against the published `cleeng-mock` (no network, no credentials).
//!
//! It exits non-zero unless the call reaches the mock through the typed client and decodes the
//! mock's seeded subscription.

use cleeng::core_api::prelude::*;
use cleeng_mock::Family;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = cleeng_mock::MockServer::start().await;
    let client = Client::new(Environment::Custom(mock.url_for(Family::Core)), PublisherToken::new("any"))?;
    let listed = client.list_subscriptions().customer_id(cleeng_mock::DEMO_CUSTOMER_ID).call().await?;
    let listed = format!("{listed:?}");
    if !listed.contains(&cleeng_mock::DEMO_CUSTOMER_ID.to_string()) {
        return Err(format!("the mock's seeded subscription is missing: {listed}").into());
    }
    if !mock.violations().is_empty() {
        return Err(format!("mock answers broke their schema: {:?}", mock.violations()).into());
    }
    println!("package smoke: cleeng listed the demo customer's subscriptions from cleeng-mock");
    Ok(())
}
