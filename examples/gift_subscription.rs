//! A gift subscription end to end: a gifter buys a gift for a friend, finds it in their
//! transactions and moves its delivery date; the friend verifies the code and redeems it.
//!
//! `cargo run --example gift_subscription` runs against an in-process `cleeng-mock` server: no
//! network, no account. With `CLEENG_PUBLISHER_TOKEN` set it talks to Cleeng's sandbox instead;
//! then also set `CLEENG_PUBLISHER_ID`, `CLEENG_GIFT_OFFER_ID` (a giftable offer that costs
//! nothing now, since the payment step sends no payment details), optionally
//! `CLEENG_NON_GIFTABLE_OFFER_ID` (to see the refusal), and, to log the gifter in rather than
//! register one, `CLEENG_CUSTOMER_EMAIL` and `CLEENG_CUSTOMER_PASSWORD`. The recipient is always
//! a newly registered customer.

use std::time::{SystemTime, UNIX_EPOCH};

use cleeng::mediastore::prelude::*;
use cleeng::mediastore::{GiftChange, GiftCode, GiftDelivery, GiftError, GiftVerdict, Redemption, RefusalReason};

const DAY: i64 = 24 * 3600;

/// A customer the example logs in as.
pub struct Login {
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
    /// Register first.
    pub register: bool,
}

/// Where the example runs and as whom.
pub struct Target {
    /// MediaStore base URL.
    pub environment: Environment,
    /// The publisher (9 digits).
    pub publisher_id: String,
    /// A giftable offer.
    pub gift_offer_id: String,
    /// An offer that is not giftable, to show the refusal (skipped when `None`).
    pub non_giftable_offer_id: Option<String>,
    /// Who buys the gift.
    pub gifter: Login,
    /// Who receives it.
    pub recipient: Login,
}

fn stamp() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

impl Target {
    /// Against a running mock: the demo customer gives the mock's giftable offer to a new customer.
    pub fn mock(mock: &cleeng_mock::MockServer) -> Target {
        Target {
            environment: Environment::Custom(mock.url_for(cleeng_mock::Family::MediaStore)),
            publisher_id: cleeng_mock::PUBLISHER_ID.to_string(),
            gift_offer_id: format!("{}_US", cleeng_mock::DEMO_GIFT_OFFER),
            non_giftable_offer_id: Some(format!("{}_US", cleeng_mock::DEMO_SUBSCRIPTION_OFFER)),
            gifter: Login {
                email: cleeng_mock::DEMO_EMAIL.into(),
                password: cleeng_mock::DEMO_PASSWORD.into(),
                register: false,
            },
            recipient: Login {
                email: "gift.recipient@example.com".into(),
                password: "example-password-2".into(),
                register: true,
            },
        }
    }

    /// Against the sandbox, when `CLEENG_PUBLISHER_TOKEN` is set.
    pub fn sandbox_from_env() -> Option<Target> {
        std::env::var("CLEENG_PUBLISHER_TOKEN").ok()?;
        let var = |name: &str| std::env::var(name).ok();
        let login = var("CLEENG_CUSTOMER_EMAIL").zip(var("CLEENG_CUSTOMER_PASSWORD"));
        let stamp = stamp();
        Some(Target {
            environment: Environment::Sandbox,
            publisher_id: var("CLEENG_PUBLISHER_ID").unwrap_or_default(),
            gift_offer_id: var("CLEENG_GIFT_OFFER_ID").unwrap_or_default(),
            non_giftable_offer_id: var("CLEENG_NON_GIFTABLE_OFFER_ID"),
            gifter: Login {
                register: login.is_none(),
                email: login.clone().map(|l| l.0).unwrap_or(format!("cleeng-rs-gifter-{stamp}@example.com")),
                password: login.map(|l| l.1).unwrap_or("cleeng-rs-Example-1".into()),
            },
            recipient: Login {
                email: format!("cleeng-rs-recipient-{stamp}@example.com"),
                password: "cleeng-rs-Example-2".into(),
                register: true,
            },
        })
    }
}

/// What each step ended with.
#[derive(Debug)]
pub struct Outcome {
    /// The non-giftable offer was refused before ordering (`None` when not tried).
    pub non_giftable_refused: Option<bool>,
    /// The gift bought.
    pub gift_id: i64,
    /// Delivery date before and after the date-only edit.
    pub delivery_dates: (i64, i64),
    /// Recipient and note were kept by the date-only edit.
    pub other_fields_kept: bool,
    /// Verification before redeeming.
    pub first_verdict: GiftVerdict,
    /// The redemption.
    pub redemption: Redemption,
    /// Verification after redeeming.
    pub second_verdict: GiftVerdict,
    /// Why the second redemption was refused, if it was.
    pub second_redemption_refused: Option<RefusalReason>,
    /// Verification of a code no gift has.
    pub unknown_code_verdict: GiftVerdict,
    /// The recipient has an active subscription to the gifted offer.
    pub recipient_subscribed: bool,
    /// Transactions on the recipient's account (a redeemed gift adds none).
    pub recipient_transactions: usize,
}

async fn log_in(environment: &Environment, publisher_id: &str, who: &Login) -> Result<Account, Box<dyn std::error::Error>> {
    let public = Client::from_config(ClientConfig::new(environment.clone()))?;
    if who.register {
        public
            .register_customer()
            .body_map(|b| {
                b.email(who.email.clone())
                    .password(who.password.as_str())
                    .locale("en_US")
                    .country("US")
                    .currency("USD")
                    .publisher_id(Some(publisher_id.to_string()))
            })
            .call()
            .await?
            .payload()?;
    }
    let auth = public
        .login_customer()
        .body_map(|b| {
            b.email(who.email.clone())
                .password(who.password.as_str())
                .publisher_id(Some(publisher_id.to_string()))
        })
        .call()
        .await?
        .payload()?;
    let session = Session::new(ClientConfig::new(environment.clone()), Tokens::try_from(auth)?)?;
    Ok(Account::new(session)?)
}

/// The journey; prints each step.
pub async fn run(target: Target) -> Result<Outcome, Box<dyn std::error::Error>> {
    let now = stamp() as i64;
    println!("1. gifter logs in");
    let gifter = log_in(&target.environment, &target.publisher_id, &target.gifter).await?;
    println!("   customer {}", gifter.customer_id());

    let delivery = GiftDelivery::new(target.recipient.email.clone(), now + 7 * DAY, "Happy birthday!");
    let place = || types::CreateOrderRequest::builder().country(Some("US".to_string())).currency(Some("USD".to_string()));
    let non_giftable_refused = match &target.non_giftable_offer_id {
        Some(offer_id) => {
            let refused = matches!(
                gifter.order_gift(offer_id, &delivery, place()).await,
                Err(GiftError::NotGiftable { .. })
            );
            println!("2. order {offer_id} as a gift: {}", if refused { "refused, not giftable (nothing ordered)" } else { "NOT refused" });
            Some(refused)
        }
        None => {
            println!("2. (no non-giftable offer given, skipping the refusal)");
            None
        }
    };

    println!("3. order {} as a gift for {}, delivery in 7 days", target.gift_offer_id, delivery.recipient_email);
    let order = gifter.order_gift(&target.gift_offer_id, &delivery, place()).await?;
    let order_id = order.id.ok_or("the order has no id")?;
    println!("   order {order_id}, buyAsAGift {:?}", order.buy_as_a_gift);

    println!("4. pay as usual (no payment details)");
    let payment = gifter.pay_without_details(order_id).await?;
    println!("   payment {:?}: {:?}", payment.id, payment.status);

    println!("5. find the gift in the gifter's transactions (targetType giftId)");
    let bought = gifter.purchased_gifts().await?;
    let found = bought.last().ok_or("no gift among the transactions")?;
    println!("   transaction {} -> gift {}", found.transaction_id, found.gift_id);

    println!("6. read the gift");
    let gift = gifter.gift(found.gift_id).await?;
    let code = GiftCode::parse(gift.code.as_ref().ok_or("the gift has no code")?.expose())?;
    let before = gift.delivery_details.clone().unwrap_or_default();
    println!(
        "   code {code}, offer {:?}, delivery {:?}, sent {:?}",
        gift.offer_id, before.delivery_date, gift.sent_at
    );

    println!("7. move the delivery date one day earlier (only the date changes)");
    let edited = gifter
        .edit_gift(found.gift_id, GiftChange::new().delivery_date(now + 6 * DAY))
        .await?;
    let after = edited.delivery_details.clone().unwrap_or_default();
    let other_fields_kept = after.recipient_email == before.recipient_email && after.personal_note == before.personal_note;
    println!(
        "   delivery {:?} -> {:?}; recipient and note {}",
        before.delivery_date,
        after.delivery_date,
        if other_fields_kept { "unchanged" } else { "CHANGED" }
    );

    println!("8. recipient registers and logs in");
    let recipient = log_in(&target.environment, &target.publisher_id, &target.recipient).await?;
    println!("   customer {}", recipient.customer_id());

    println!("9. recipient verifies the code");
    let first_verdict = recipient.verify_gift(&code).await?;
    println!("   {first_verdict:?}");

    println!("10. recipient redeems it");
    let redemption = recipient.redeem_gift(&code).await?;
    println!("   {redemption:?}");

    println!("11. the same code again");
    let second_verdict = recipient.verify_gift(&code).await?;
    println!("   verify: {second_verdict:?}");
    let second_redemption_refused = match recipient.redeem_gift(&code).await {
        Err(GiftError::NotRedeemable { reason }) => Some(reason),
        Ok(_) => None,
        Err(other) => return Err(other.into()),
    };
    println!("   redeem: refused with {second_redemption_refused:?}");

    println!("12. a code no gift has");
    let unknown_code_verdict = recipient.verify_gift(&GiftCode::parse("ZZZZ-0000")?).await?;
    println!("   {unknown_code_verdict:?}");

    println!("13. the recipient's account");
    let subscriptions = recipient.list_customer_subscriptions().call().await?.payload()?;
    let offer = gift.offer_id.clone().ok_or("the gift names no offer")?;
    // The same offer, localized or not: one `OfferId` type, compared by its base.
    let recipient_subscribed = subscriptions.items.iter().any(|s| {
        s.offer_id.as_ref().is_some_and(|id| id.base() == offer.base()) && s.status.as_deref() == Some("active")
    });
    let transactions = recipient.list_customer_transactions().call().await?.payload()?;
    println!(
        "   active subscription to {offer}: {recipient_subscribed}; transactions: {}",
        transactions.items.len()
    );
    Ok(Outcome {
        non_giftable_refused,
        gift_id: found.gift_id,
        delivery_dates: (before.delivery_date.unwrap_or_default(), after.delivery_date.unwrap_or_default()),
        other_fields_kept,
        first_verdict,
        redemption,
        second_verdict,
        second_redemption_refused,
        unknown_code_verdict,
        recipient_subscribed,
        recipient_transactions: transactions.items.len(),
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
