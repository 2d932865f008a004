//! The README's usage snippets, compiled. `tests/readme.rs` checks that every Rust snippet in the
//! README appears here verbatim, so the README cannot show code that does not build.
//!
//! Running it calls Cleeng's sandbox: set `CLEENG_PUBLISHER_TOKEN` (and `CLEENG_CUSTOMER_JWT`)
//! first. Without them it prints what it would do and exits.

use cleeng::Error;

async fn core_example(token: String) -> Result<(), Error> {
    // README: core
    use cleeng_core::{Client, ClientSubscriptionsExt, PublisherToken};
    let client = Client::sandbox(PublisherToken::new(token));
    let subscriptions = client.list_subscriptions().customer_id(123456789).call().await?;
    // README: end
    println!("core: {} subscriptions", subscriptions.into_inner().data.len());
    Ok(())
}

async fn mediastore_example(jwt: String) -> Result<(), Error> {
    // README: mediastore
    use cleeng_mediastore::{Client, ClientCustomersExt, CustomerJwt, EnvelopeResult};
    let client = Client::sandbox(CustomerJwt::new(jwt));
    // `payload()` unwraps MediaStore's {responseData, errors} envelope; `errors` become Error::Api.
    let customer = client.get_customer().customer_id(123456789).call().await.payload()?;
    // README: end
    println!("mediastore: {customer:?}");
    Ok(())
}

async fn auth_example() -> Result<(), Error> {
    // README: auth
    use cleeng_auth::{Client, ClientDeviceLoginExt};
    let client = Client::sandbox(());
    let code = client
        .generate_device_code()
        .body_map(|b| b.broadcaster_id(123456789).device_id("tv-0001").device_name("Living room TV"))
        .call()
        .await?;
    // README: end
    println!("auth: {:?}", code.status());
    Ok(())
}

async fn inapp_example(token: String) -> Result<(), Error> {
    // README: inapp
    use cleeng_inapp::{Client, ClientStorekit2Ext, PublisherToken};
    let client = Client::sandbox(PublisherToken::new(token));
    let sync = client
        .register_apple_sk2_purchase()
        .body_map(|b| b.transaction_id("2000000123456789").cleeng_customer_id(123456789))
        .call()
        .await?;
    // README: end
    println!("inapp: synchronization {}", sync.into_inner().synchronization_id);
    Ok(())
}

async fn webhooks_example(token: String) -> Result<(), Error> {
    // README: webhooks
    use cleeng_webhooks::{Client, ClientEventTypesExt, PublisherToken};
    let client = Client::sandbox(PublisherToken::new(token));
    let event_types = client.list_event_types().call().await?;
    // README: end
    println!("webhooks: {:?}", event_types.status());
    Ok(())
}

#[tokio::main]
async fn main() {
    let Ok(token) = std::env::var("CLEENG_PUBLISHER_TOKEN") else {
        println!("set CLEENG_PUBLISHER_TOKEN (and CLEENG_CUSTOMER_JWT) to call Cleeng's sandbox");
        return;
    };
    let jwt = std::env::var("CLEENG_CUSTOMER_JWT").unwrap_or_default();
    for (name, result) in [
        ("core", core_example(token.clone()).await),
        ("mediastore", mediastore_example(jwt).await),
        ("auth", auth_example().await),
        ("inapp", inapp_example(token.clone()).await),
        ("webhooks", webhooks_example(token).await),
    ] {
        if let Err(e) = result {
            println!("{name}: {e}");
        }
    }
}
