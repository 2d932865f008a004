//! Moving a publisher back end off the legacy JSON-RPC API: the same two questions asked both
//! ways, side by side, so each call can be switched over once both answers agree.
//!
//! 1. a subscription is created through the Core API (REST);
//! 2. "which subscriptions does this customer have?": Core `list_subscriptions` and JSON-RPC
//!    `listCustomerSubscriptions` (the new subscription shows up in both);
//! 3. "may this customer watch the offer?": Core `get_entitlement` and JSON-RPC
//!    `getAccessStatus` (after `generateCustomerToken`, the legacy way to act for a customer).
//!
//! `cargo run --example migrating_from_jsonrpc` runs against an in-process `cleeng-mock`
//! server, which answers the JSON-RPC endpoint from the same state as its REST journeys. Every
//! legacy method is `#[deprecated]` (its note names the REST replacement), hence the
//! `allow(deprecated)` on the legacy half.

use std::collections::BTreeSet;

use cleeng::core_api::{
    Client as CoreClient, ClientConfig, ClientEntitlementsExt, ClientSubscriptionsExt, Environment,
    PublisherToken,
};
// The legacy prelude brings its traits in unnamed, so it glob-imports beside Core's names.
use cleeng_legacy::prelude::*;

/// Where the example runs.
pub struct Target {
    /// Core API base URL.
    pub core: Environment,
    /// JSON-RPC base URL (the endpoint path `/3.0/json-rpc` is appended per call).
    pub legacy: Environment,
    /// The publisher token (both APIs take the same one).
    pub token: String,
    /// The customer: Core knows them by id, JSON-RPC by email.
    pub customer_id: i64,
    /// The same customer's email.
    pub customer_email: String,
    /// A subscription offer (long id, e.g. `S100000001_US`).
    pub offer_id: String,
}

impl Target {
    /// Against a running mock, for its demo customer and subscription offer.
    pub fn mock(mock: &cleeng_mock::MockServer) -> Target {
        Target {
            core: Environment::Custom(mock.url_for(cleeng_mock::Family::Core)),
            legacy: Environment::Custom(mock.legacy_url()),
            token: "mock-publisher-token".into(),
            customer_id: cleeng_mock::DEMO_CUSTOMER_ID,
            customer_email: cleeng_mock::DEMO_EMAIL.into(),
            offer_id: format!("{}_US", cleeng_mock::DEMO_SUBSCRIPTION_OFFER),
        }
    }
}

/// What the run observed.
#[derive(Debug)]
pub struct Outcome {
    /// The subscription created through Core.
    pub created: i64,
    /// Active subscription ids as Core lists them.
    pub rest_ids: BTreeSet<i64>,
    /// Subscription ids as `listCustomerSubscriptions` lists them.
    pub legacy_ids: BTreeSet<i64>,
    /// Core's entitlement answer.
    pub rest_access: bool,
    /// JSON-RPC's entitlement answer.
    pub legacy_access: bool,
}

/// The comparison; prints each step.
pub async fn run(target: Target) -> Result<Outcome, Box<dyn std::error::Error>> {
    let core = CoreClient::from_config(
        ClientConfig::new(target.core).publisher_token(PublisherToken::new(target.token.clone())),
    )?;
    let legacy = cleeng_legacy::Client::from_config(
        ClientConfig::new(target.legacy).publisher_token(PublisherToken::new(target.token)),
    )?;

    println!("1. Core: create a subscription to {} for customer {}", target.offer_id, target.customer_id);
    let created = core
        .create_subscription()
        .body_map(|b| {
            b.customer_id(target.customer_id)
                .offer_id(target.offer_id.clone())
                .payment_method_id(1)
                .external_id("migration-demo-1")
        })
        .call()
        .await?;
    let created = created.subscription_id.ok_or("the new subscription has no id")?;
    println!("   subscription {created}");

    println!("2. the customer's subscriptions, both ways");
    let rest = core
        .list_subscriptions()
        .customer_id(target.customer_id)
        .status(vec![cleeng::core_api::types::SubscriptionStatusFilter::Active])
        .call()
        .await?;
    let rest_ids: BTreeSet<i64> = rest.data.iter().filter_map(|s| s.subscription_id).collect();
    println!("   Core list_subscriptions:             {rest_ids:?}");
    #[allow(deprecated)]
    let page = legacy
        .list_customer_subscriptions()
        .customer_email(target.customer_email.clone())
        .offset(0)
        .limit(50)
        .call()
        .await?;
    let legacy_ids: BTreeSet<i64> = page.items.iter().filter_map(|s| s.subscription_id).collect();
    println!("   JSON-RPC listCustomerSubscriptions:  {legacy_ids:?}");

    println!("3. access to {}, both ways", target.offer_id);
    let entitlement = core
        .get_entitlement()
        .customer_id(target.customer_id)
        .offer_id(target.offer_id.clone())
        .call()
        .await?;
    let rest_access = entitlement.access_granted == Some(true);
    println!("   Core get_entitlement:     {}", if rest_access { "granted" } else { "denied" });
    #[allow(deprecated)]
    let legacy_access = {
        let minted = legacy
            .generate_customer_token()
            .customer_email(target.customer_email.clone())
            .call()
            .await?;
        let customer_token = minted.token.ok_or("no customer token in the answer")?;
        let status = legacy
            .get_access_status()
            .customer_token(customer_token)
            .offer_id(target.offer_id.clone())
            .call()
            .await?;
        status.access_granted == Some(true)
    };
    println!("   JSON-RPC getAccessStatus: {}", if legacy_access { "granted" } else { "denied" });
    Ok(Outcome {
        created,
        rest_ids,
        legacy_ids,
        rest_access,
        legacy_access,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = cleeng_mock::MockServer::start().await;
    println!("in-process cleeng-mock at {}", mock.url());
    let outcome = run(Target::mock(&mock)).await?;
    if outcome.rest_ids != outcome.legacy_ids || outcome.rest_access != outcome.legacy_access {
        return Err(format!("the two APIs disagree: {outcome:?}").into());
    }
    println!("both APIs agree");
    Ok(())
}
