//! The README's usage snippets, compiled and run. `tests/readme.rs` checks that every Rust snippet
//! in the README appears here verbatim, so the README cannot show code that does not build, and
//! `tests/examples.rs` runs [`run`] against the mock, so it cannot show code that does not work.
//!
//! `cargo run --example quickstart` runs every snippet against an in-process `cleeng-mock`
//! server: no network, no account. With `CLEENG_PUBLISHER_TOKEN` set it calls Cleeng's sandbox
//! instead (then also set `CLEENG_CUSTOMER_JWT` and `CLEENG_CUSTOMER_ID` for the MediaStore one).

use cleeng::Environment;

/// Where each family's snippet runs, and with which credentials.
pub struct Target {
    /// Core API.
    pub core: Environment,
    /// MediaStore API.
    pub mediastore: Environment,
    /// Auth API.
    pub auth: Environment,
    /// In-App API.
    pub inapp: Environment,
    /// Webhooks API.
    pub webhooks: Environment,
    /// The publisher token.
    pub token: String,
    /// A customer whose subscriptions are listed (Core).
    pub customer_id: i64,
    /// That customer's JWT (MediaStore), when known.
    pub jwt: Option<String>,
}

impl Target {
    /// Against a running mock, logging the mock's demo customer in for a JWT.
    pub async fn mock(mock: &cleeng_mock::MockServer) -> Result<Target, cleeng::Error> {
        use cleeng::mediastore::prelude::*;
        use cleeng_mock::Family;
        let mediastore = Environment::Custom(mock.url_for(Family::MediaStore));
        let login = cleeng::mediastore::Client::new(mediastore.clone(), ())?
            .login_customer()
            .body_map(|b| {
                b.email(cleeng_mock::DEMO_EMAIL)
                    .password(cleeng_mock::DEMO_PASSWORD)
                    .publisher_id(Some(cleeng_mock::PUBLISHER_ID.to_string()))
            })
            .call()
            .await?
            .payload()?;
        let jwt = login.jwt.map(|j| j.expose().to_string()).unwrap_or_default();
        Ok(Target {
            core: Environment::Custom(mock.url_for(Family::Core)),
            mediastore,
            auth: Environment::Custom(mock.url_for(Family::Auth)),
            inapp: Environment::Custom(mock.url_for(Family::InApp)),
            webhooks: Environment::Custom(mock.url_for(Family::Webhooks)),
            token: "mock-publisher-token".into(),
            customer_id: cleeng_mock::DEMO_CUSTOMER_ID,
            jwt: Some(jwt),
        })
    }

    /// Against the sandbox, when `CLEENG_PUBLISHER_TOKEN` is set.
    pub fn sandbox_from_env() -> Option<Target> {
        let token = std::env::var("CLEENG_PUBLISHER_TOKEN").ok()?;
        let jwt = std::env::var("CLEENG_CUSTOMER_JWT").ok();
        let customer_id = std::env::var("CLEENG_CUSTOMER_ID").ok().and_then(|id| id.parse().ok());
        Some(Target {
            core: Environment::Sandbox,
            mediastore: Environment::Sandbox,
            auth: Environment::Sandbox,
            inapp: Environment::Sandbox,
            webhooks: Environment::Sandbox,
            token,
            customer_id: customer_id.unwrap_or(123456789),
            jwt,
        })
    }
}

async fn core_example(environment: Environment, token: String, customer_id: i64) -> Result<usize, cleeng::Error> {
    // README: core
    use cleeng_core::prelude::*;
    let client = Client::new(environment, PublisherToken::new(token))?;
    let subscriptions = client.list_subscriptions().customer_id(customer_id).call().await?;
    for subscription in &subscriptions.data {
        println!("{:?} {:?}", subscription.offer_id, subscription.status);
    }
    // README: end
    Ok(subscriptions.data.len())
}

async fn mediastore_example(environment: Environment, jwt: String, customer_id: i64) -> Result<String, cleeng::Error> {
    // README: mediastore
    use cleeng_mediastore::prelude::*;
    let client = Client::new(environment, CustomerJwt::new(jwt))?;
    // `payload()` unwraps MediaStore's {responseData, errors} envelope; `errors` become Error::Api.
    let customer = client.get_customer().customer_id(customer_id).call().await?.payload()?;
    // README: end
    Ok(customer.email.unwrap_or_default())
}

async fn auth_example(environment: Environment) -> Result<String, cleeng::Error> {
    // README: auth
    use cleeng_auth::prelude::*;
    let client = Client::new(environment, ())?;
    let code = client
        .generate_device_code()
        .body_map(|b| b.broadcaster_id(123456789).device_id("tv-0001").device_name("Living room TV"))
        .call()
        .await?;
    // README: end
    Ok(code.code.unwrap_or_default())
}

async fn inapp_example(environment: Environment, token: String) -> Result<String, cleeng::Error> {
    // README: inapp
    use cleeng_inapp::prelude::*;
    let client = Client::new(environment, PublisherToken::new(token))?;
    let sync = client
        .register_apple_sk2_purchase()
        .body_map(|b| b.transaction_id("2000000123456789").cleeng_customer_id(123456789))
        .call()
        .await?;
    // README: end
    Ok(sync.synchronization_id)
}

async fn webhooks_example(environment: Environment, token: String) -> Result<usize, cleeng::Error> {
    // README: webhooks
    use cleeng_webhooks::prelude::*;
    let client = Client::new(environment, PublisherToken::new(token))?;
    let event_types = client.list_event_types().call().await?;
    // README: end
    Ok(event_types.data.len())
}

/// What each snippet got back.
#[derive(Debug)]
pub struct Outcome {
    /// Subscriptions listed (Core).
    pub subscriptions: usize,
    /// The customer's email (MediaStore), when a customer was given.
    pub customer_email: Option<String>,
    /// The device code (Auth).
    pub device_code: String,
    /// The StoreKit 2 synchronization id (In-App).
    pub synchronization_id: String,
    /// Event types (Webhooks).
    pub event_types: usize,
}

/// Runs every snippet; prints what each returned.
pub async fn run(target: Target) -> Result<Outcome, cleeng::Error> {
    let subscriptions = core_example(target.core, target.token.clone(), target.customer_id).await?;
    println!("core: {subscriptions} subscriptions");
    let customer_email = match target.jwt {
        Some(jwt) => Some(mediastore_example(target.mediastore, jwt, target.customer_id).await?),
        None => None,
    };
    println!("mediastore: customer {customer_email:?}");
    let device_code = auth_example(target.auth).await?;
    println!("auth: device code {device_code}");
    let synchronization_id = inapp_example(target.inapp, target.token.clone()).await?;
    println!("inapp: synchronization {synchronization_id}");
    let event_types = webhooks_example(target.webhooks, target.token).await?;
    println!("webhooks: {event_types} event types");
    Ok(Outcome {
        subscriptions,
        customer_email,
        device_code,
        synchronization_id,
        event_types,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (target, _mock) = match Target::sandbox_from_env() {
        Some(target) => {
            println!("Cleeng sandbox (CLEENG_PUBLISHER_TOKEN is set)");
            (target, None)
        }
        None => {
            let mock = cleeng_mock::MockServer::start().await;
            println!("in-process cleeng-mock at {} (set CLEENG_PUBLISHER_TOKEN for the sandbox)", mock.url());
            (Target::mock(&mock).await?, Some(mock))
        }
    };
    run(target).await?;
    Ok(())
}
