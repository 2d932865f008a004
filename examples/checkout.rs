//! A customer buys an offer: register (or log in), list offers, order, pay, check access.
//!
//! `cargo run --example checkout` runs against an in-process `cleeng-mock` server: no network,
//! no account. With `CLEENG_PUBLISHER_TOKEN` set it talks to Cleeng's sandbox instead; then also
//! set `CLEENG_PUBLISHER_ID`, `CLEENG_OFFER_ID` (an offer that costs nothing now, e.g. a free
//! trial, since the payment step sends no payment details) and, to log in rather than register a
//! new customer, `CLEENG_CUSTOMER_EMAIL` and `CLEENG_CUSTOMER_PASSWORD`.

use cleeng::mediastore::prelude::*;

/// Where the example runs and as whom.
pub struct Target {
    /// MediaStore base URL.
    pub environment: Environment,
    /// The publisher (9 digits).
    pub publisher_id: String,
    /// The offer to buy; the first active one when `None`.
    pub offer_id: Option<String>,
    /// The customer's email and password.
    pub email: String,
    /// The customer's password.
    pub password: String,
    /// Register the customer first.
    pub register: bool,
}

impl Target {
    /// Against a running mock: a new customer buys the mock's first offer.
    pub fn mock(mock: &cleeng_mock::MockServer) -> Target {
        Target {
            environment: Environment::Custom(mock.url_for(cleeng_mock::Family::MediaStore)),
            publisher_id: cleeng_mock::PUBLISHER_ID.to_string(),
            offer_id: None,
            email: "new.customer@example.com".into(),
            password: "example-password-1".into(),
            register: true,
        }
    }

    /// Against the sandbox, when `CLEENG_PUBLISHER_TOKEN` is set.
    pub fn sandbox_from_env() -> Option<Target> {
        std::env::var("CLEENG_PUBLISHER_TOKEN").ok()?;
        let var = |name: &str| std::env::var(name).ok();
        let login = var("CLEENG_CUSTOMER_EMAIL").zip(var("CLEENG_CUSTOMER_PASSWORD"));
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        Some(Target {
            environment: Environment::Sandbox,
            publisher_id: var("CLEENG_PUBLISHER_ID").unwrap_or_default(),
            offer_id: var("CLEENG_OFFER_ID"),
            register: login.is_none(),
            email: login.clone().map(|l| l.0).unwrap_or(format!("cleeng-rs-{stamp}@example.com")),
            password: login.map(|l| l.1).unwrap_or("cleeng-rs-Example-1".into()),
        })
    }
}

/// What the run ended with.
#[derive(Debug)]
pub struct Outcome {
    /// The customer.
    pub customer_id: i64,
    /// The offer bought.
    pub offer_id: String,
    /// The paid order.
    pub order_id: i64,
    /// Whether the entitlement check granted access.
    pub access_granted: bool,
}

/// The journey; prints each step.
pub async fn run(target: Target) -> Result<Outcome, Box<dyn std::error::Error>> {
    let public = Client::from_config(ClientConfig::new(target.environment.clone()))?;
    if target.register {
        println!("1. register {}", target.email);
        public
            .register_customer()
            .body_map(|b| {
                b.email(target.email.clone())
                    .password(target.password.as_str())
                    .locale("en_US")
                    .country("US")
                    .currency("USD")
                    .publisher_id(Some(target.publisher_id.clone()))
            })
            .call()
            .await?
            .payload()?;
    } else {
        println!("1. (customer exists, skipping registration)");
    }
    println!("2. log in");
    let auth = public
        .login_customer()
        .body_map(|b| {
            b.email(target.email.clone())
                .password(target.password.as_str())
                .publisher_id(Some(target.publisher_id.clone()))
        })
        .call()
        .await?
        .payload()?;
    let session = Session::new(ClientConfig::new(target.environment.clone()), Tokens::try_from(auth)?)?;
    let account = Account::new(session)?;
    println!("   logged in as customer {}", account.customer_id());

    println!("3. list offers");
    let offers = account.client().list_offers().call().await?.payload()?;
    for offer in &offers {
        println!(
            "   {} {:?} {:?}",
            offer.long_id.as_deref().unwrap_or("?"),
            offer.title.as_deref().unwrap_or(""),
            offer.price.as_ref().map(|p| (p.amount, p.currency.clone()))
        );
    }
    let offer_id = match target.offer_id {
        Some(id) => id,
        None => offers
            .iter()
            .find(|o| o.active == Some(true))
            .and_then(|o| o.long_id.clone())
            .ok_or("no active offer to buy")?,
    };

    let before = account.client().get_entitlements().offer_id(&offer_id).call().await?.payload()?;
    println!("4. access to {offer_id} before buying: {:?}", before.access_granted);

    println!("5. create an order for {offer_id}");
    let order = account
        .create_order(types::CreateOrderRequest::builder().offer_id(offer_id.clone()).country(Some("US".to_string())))
        .await?;
    let order_id = order.id.ok_or("the order has no id")?;
    println!("   order {order_id}: {:?} {:?}", order.total_price, order.currency);

    println!("6. pay without payment details");
    let payment = account.pay_without_details(order_id).await?;
    println!("   payment {:?}: {:?}", payment.id, payment.status);

    let after = account.client().get_entitlements().offer_id(&offer_id).call().await?.payload()?;
    let access_granted = after.access_granted == Some(true);
    println!("7. access to {offer_id}: {}", if access_granted { "granted" } else { "NOT granted" });
    Ok(Outcome {
        customer_id: account.customer_id(),
        offer_id,
        order_id,
        access_granted,
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
            (Target::mock(&mock), Some(mock))
        }
    };
    run(target).await?;
    Ok(())
}
