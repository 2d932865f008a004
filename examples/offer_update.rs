//! Change an offer without losing a concurrent edit: read it with its `ETag`, write with
//! `If-Match`, and see a stale write refused with `412`.
//!
//! `cargo run --example offer_update` runs against an in-process `cleeng-mock` server. With
//! `CLEENG_PUBLISHER_TOKEN` set it uses Cleeng's sandbox; then set `CLEENG_OFFER_ID` to a short
//! offer id (`S123123123`) you may rename (the example appends " (HD)" to its title).

use cleeng::core_api::offers;
use cleeng::core_api::prelude::*;

/// Where the example runs.
pub struct Target {
    /// Core API base URL.
    pub environment: Environment,
    /// The publisher token.
    pub token: String,
    /// Short offer id.
    pub offer_id: String,
}

impl Target {
    /// Against a running mock, on its subscription offer.
    pub fn mock(mock: &cleeng_mock::MockServer) -> Target {
        Target {
            environment: Environment::Custom(mock.url_for(cleeng_mock::Family::Core)),
            token: "mock-publisher-token".into(),
            offer_id: cleeng_mock::DEMO_SUBSCRIPTION_OFFER.into(),
        }
    }

    /// Against the sandbox, when `CLEENG_PUBLISHER_TOKEN` is set.
    pub fn sandbox_from_env() -> Option<Result<Target, String>> {
        let token = std::env::var("CLEENG_PUBLISHER_TOKEN").ok()?;
        Some(
            std::env::var("CLEENG_OFFER_ID")
                .map(|offer_id| Target { environment: Environment::Sandbox, token, offer_id })
                .map_err(|_| "set CLEENG_OFFER_ID to a short offer id".to_string()),
        )
    }
}

/// What the run observed.
#[derive(Debug)]
pub struct Outcome {
    /// The title after the update.
    pub new_title: String,
    /// Whether the write with the old `ETag` was refused with 412.
    pub stale_write_refused: bool,
}

/// The journey; prints each step.
pub async fn run(target: Target) -> Result<Outcome, Box<dyn std::error::Error>> {
    let client = Client::from_config(
        ClientConfig::new(target.environment).publisher_token(PublisherToken::new(target.token)),
    )?;
    let id = target.offer_id.as_str();
    println!("1. read {id} with its version");
    let first = offers::get(&client, id).await?;
    let old_etag = first.etag.clone().ok_or("no ETag on the offer")?;
    println!("   {:?}, ETag {}", first.value.title.as_deref().unwrap_or(""), old_etag.as_str());

    println!("2. read-modify-write: append \" (HD)\" to the title, only if nobody changed it");
    let outcome = offers::update_if_unchanged(&client, id, |offer| {
        let title = format!("{} (HD)", offer.title.as_deref().unwrap_or_default());
        Some(types::OfferUpdate { title: Some(title.parse().ok()?), ..Default::default() })
    })
    .await?;
    let new_title = match outcome {
        Written::Updated(offer) => {
            let title = offer.value.title.clone().unwrap_or_default();
            println!("   updated: {title:?}, new ETag {:?}", offer.etag.as_ref().map(|e| e.as_str()));
            title
        }
        Written::Unchanged { .. } => {
            println!("   nothing to change");
            first.value.title.clone().unwrap_or_default()
        }
        Written::PreconditionFailed(e) => return Err(format!("changed concurrently: {e}").into()),
    };

    println!("3. write again with the ETag from step 1 (now stale)");
    let stale = offers::update(
        &client,
        id,
        &old_etag,
        types::OfferUpdate { title: Some("Lost update".parse()?), ..Default::default() },
    )
    .await?;
    let stale_write_refused = matches!(stale, Written::PreconditionFailed(_));
    println!("   {}", if stale_write_refused { "refused with 412: re-read and redo the change" } else { "applied (unexpected)" });
    Ok(Outcome { new_title, stale_write_refused })
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
