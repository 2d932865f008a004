//! Log a TV in with a PIN: the TV shows a code, the customer authorizes it from a logged-in
//! phone, the TV receives the customer's tokens and checks them against Cleeng's key set.
//!
//! `cargo run --example device_pairing` runs against an in-process `cleeng-mock` server and plays
//! both devices. With `CLEENG_PUBLISHER_TOKEN` set it uses Cleeng's sandbox; then also set
//! `CLEENG_PUBLISHER_ID`, `CLEENG_CUSTOMER_EMAIL` and `CLEENG_CUSTOMER_PASSWORD` (PIN pairing
//! must be enabled for the publisher).

use std::time::Duration;

use cleeng::auth::prelude::*;
use cleeng::auth::{pairing, Client as AuthClient};
use cleeng::mediastore::prelude::ClientLoginExt;
use cleeng::mediastore::Client as MediaStoreClient;

/// Where the example runs and who authorizes the TV.
pub struct Target {
    /// Auth API base URL.
    pub auth: Environment,
    /// MediaStore base URL (the phone logs in there).
    pub mediastore: Environment,
    /// The publisher (broadcaster) id.
    pub publisher_id: i32,
    /// The customer's email.
    pub email: String,
    /// The customer's password.
    pub password: String,
    /// How often the TV polls.
    pub poll_interval: Duration,
}

impl Target {
    /// Against a running mock, as its demo customer.
    pub fn mock(mock: &cleeng_mock::MockServer) -> Target {
        Target {
            auth: Environment::Custom(mock.url_for(cleeng_mock::Family::Auth)),
            mediastore: Environment::Custom(mock.url_for(cleeng_mock::Family::MediaStore)),
            publisher_id: cleeng_mock::PUBLISHER_ID as i32,
            email: cleeng_mock::DEMO_EMAIL.into(),
            password: cleeng_mock::DEMO_PASSWORD.into(),
            poll_interval: Duration::from_millis(100),
        }
    }

    /// Against the sandbox, when `CLEENG_PUBLISHER_TOKEN` is set.
    pub fn sandbox_from_env() -> Option<Result<Target, String>> {
        std::env::var("CLEENG_PUBLISHER_TOKEN").ok()?;
        let var = |n: &str| std::env::var(n).map_err(|_| format!("set {n}"));
        Some((|| {
            Ok(Target {
                auth: Environment::Sandbox,
                mediastore: Environment::Sandbox,
                publisher_id: var("CLEENG_PUBLISHER_ID")?.parse().map_err(|_| "CLEENG_PUBLISHER_ID is not a number")?,
                email: var("CLEENG_CUSTOMER_EMAIL")?,
                password: var("CLEENG_CUSTOMER_PASSWORD")?,
                poll_interval: pairing::DEFAULT_PAIRING_INTERVAL,
            })
        })())
    }
}

/// What the TV ended with.
#[derive(Debug)]
pub struct Outcome {
    /// The customer the TV is now logged in as (from the verified JWT).
    pub customer_id: Option<i64>,
}

/// Both sides of the pairing; prints each step.
pub async fn run(target: Target) -> Result<Outcome, Box<dyn std::error::Error>> {
    let tv = AuthClient::from_config(ClientConfig::new(target.auth.clone()))?;
    println!("TV    1. ask for a code");
    let code = pairing::start_device_pairing(&tv, target.publisher_id, "tv-0001", "Living room TV").await?;
    println!("TV       show \"{}\" and {:?}", code.code, code.verification_url);

    // The phone: a logged-in customer enters the code.
    let phone = async {
        let mediastore = MediaStoreClient::from_config(ClientConfig::new(target.mediastore.clone()))?;
        println!("PHONE 2. log in as {}", target.email);
        let tokens = mediastore
            .login_customer()
            .body_map(|b| {
                b.email(target.email.clone())
                    .password(target.password.as_str())
                    .publisher_id(Some(target.publisher_id.to_string()))
            })
            .call()
            .await?
            .payload()?;
        let jwt = tokens.jwt.ok_or("login returned no JWT")?;
        let auth = AuthClient::from_config(
            ClientConfig::new(target.auth.clone()).customer_jwt(CustomerJwt::new(jwt.expose())),
        )?;
        println!("PHONE 3. authorize code {}", code.code);
        auth.authorize_device_code().body_map(|b| b.code(code.code.clone())).call().await?;
        Ok::<(), Box<dyn std::error::Error>>(())
    };
    println!("TV    4. poll until the code is authorized");
    let schedule = PollSchedule::fixed(target.poll_interval, Duration::from_secs(10 * 60));
    let (paired, phone) = tokio::join!(code.wait_for_authorization(&tv, &schedule), phone);
    phone?;
    let device = paired?;
    println!("TV       paired with customer {:?}", device.customer_id);

    println!("TV    5. verify the JWT against the Auth API's key set, for this publisher only");
    let claims = JwtVerifier::new(tv.clone(), i64::from(target.publisher_id)).verify(device.access_token.expose()).await?;
    println!("TV       valid for customer {:?} of publisher {:?}", claims.customer_id, claims.publisher_id);
    Ok(Outcome { customer_id: claims.customer_id })
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
