//! The little state the main journeys need: customers, offers, orders, payments,
//! entitlements, subscriptions, gifts, transactions, device codes, webhook endpoints, and what
//! was delivered.
//!
//! Everything lives in memory behind one mutex and is lost when the server stops.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// The publisher every seeded and registered record belongs to.
pub const PUBLISHER_ID: i64 = 120_000_001;
/// The seeded demo customer's id.
pub const DEMO_CUSTOMER_ID: i64 = 100_000_001;
/// The seeded demo customer's email.
pub const DEMO_EMAIL: &str = "demo@example.com";
/// The seeded demo customer's password (a test value, printed by the binary on start).
pub const DEMO_PASSWORD: &str = "demo-password-1";
/// The seeded subscription offer (short id; the long id adds `_US`).
pub const DEMO_SUBSCRIPTION_OFFER: &str = "S100000001";
/// The seeded pass offer.
pub const DEMO_PASS_OFFER: &str = "P100000002";
/// The seeded subscription offer that can be bought as a gift (the others cannot).
pub const DEMO_GIFT_OFFER: &str = "S100000003";
/// How long a purchase grants access.
pub const PERIOD_SECS: i64 = 30 * 24 * 3600;

/// Current Unix time in seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A registered customer.
#[derive(Debug, Clone)]
pub struct Customer {
    pub id: i64,
    pub email: String,
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub locale: String,
    pub country: String,
    pub currency: String,
    pub external_id: Option<String>,
    pub registered_at: i64,
}

/// An offer of the publisher.
#[derive(Debug, Clone)]
pub struct Offer {
    /// Short id, e.g. `S100000001`.
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub description: Option<String>,
    pub amount: f64,
    pub currency: String,
    pub country: String,
    pub active: bool,
    pub tags: Vec<String>,
    pub image_url: Option<String>,
    pub url: Option<String>,
    pub giftable: bool,
    pub max_pause_cycles: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Bumped on every change; the `ETag` is derived from it.
    pub version: u64,
}

impl Offer {
    /// The id with its country suffix, e.g. `S100000001_US`.
    pub fn long_id(&self) -> String {
        format!("{}_{}", self.id, self.country)
    }

    /// The quoted entity tag of the current version.
    pub fn etag(&self) -> String {
        format!("\"{}-v{}\"", self.id, self.version)
    }
}

/// An order (MediaStore checkout).
#[derive(Debug, Clone)]
pub struct Order {
    pub id: i64,
    pub customer_id: i64,
    pub offer_id: String,
    pub amount: f64,
    pub currency: String,
    pub country: String,
    pub payment_method_id: i64,
    pub paid: bool,
    /// `buyAsAGift`.
    pub buy_as_a_gift: bool,
    /// `deliveryDetails` as sent (recipientEmail, deliveryDate, personalNote).
    pub delivery: Option<Value>,
}

/// A gift bought through MediaStore: created when its order is paid.
#[derive(Debug, Clone)]
pub struct Gift {
    pub id: i64,
    /// `XXXX-XXXX`.
    pub code: String,
    /// The customer who bought it.
    pub gifter_id: i64,
    /// Long offer id.
    pub offer_id: String,
    pub recipient_email: Option<String>,
    pub delivery_date: Option<i64>,
    pub personal_note: Option<String>,
    pub redeemed_at: Option<i64>,
}

impl Gift {
    /// When it was sent: the mock "sends" a gift at its delivery date (Cleeng does it within
    /// about an hour of it).
    pub fn sent_at(&self) -> Option<i64> {
        self.delivery_date.filter(|date| *date <= now())
    }
}

/// A purchase as the customer's transaction list shows it.
#[derive(Debug, Clone)]
pub struct Transaction {
    /// `T123456789`.
    pub id: String,
    pub customer_id: i64,
    /// Long offer id.
    pub offer_id: String,
    pub offer_type: &'static str,
    pub offer_title: String,
    pub amount: f64,
    pub currency: String,
    pub date: i64,
    /// `giftId` or `subscriptionId`.
    pub target_type: &'static str,
    pub target_id: Option<i64>,
}

/// A subscription (created through Core, or by paying for a subscription offer).
#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: i64,
    pub customer_id: i64,
    /// Short offer id.
    pub offer_id: String,
    pub status: &'static str,
    pub date_from: i64,
    pub date_to: i64,
    pub payment_method_id: i64,
    pub external_id: String,
    pub in_trial: bool,
    /// `(requestedAt, pauseDate, resumeDate)` while paused.
    pub pause: Option<(i64, i64, i64)>,
}

/// A PIN code a TV shows while waiting for a customer to pair it.
#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub device_id: String,
    pub expires_at: i64,
    pub customer_id: Option<i64>,
    pub additional_payload: Option<String>,
}

/// A webhook endpoint registered through the Webhooks API.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    pub name: Option<String>,
    pub url: String,
    pub status: String,
    pub event_types: Vec<String>,
    pub retry_policy: Option<Value>,
    pub secret: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One webhook delivery attempt, as recorded by the mock.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The endpoint it went to.
    pub endpoint_id: String,
    /// The URL it was posted to.
    pub url: String,
    /// The topic, e.g. `transactionCreated`.
    pub topic: String,
    /// The exact body sent.
    pub body: String,
    /// The hex HMAC-SHA256 signature sent in the signature header.
    pub signature: String,
    /// The receiver's status, or `None` when the post failed.
    pub status: Option<u16>,
    /// Why the post failed, if it did.
    pub error: Option<String>,
}

/// Everything the mock remembers.
#[derive(Debug, Default)]
pub struct State {
    next_id: i64,
    pub customers: BTreeMap<i64, Customer>,
    pub offers: BTreeMap<String, Offer>,
    pub orders: BTreeMap<i64, Order>,
    pub payments: Vec<Value>,
    /// `(customerId, short offer id)` → access expiry.
    pub entitlements: BTreeMap<(i64, String), i64>,
    pub subscriptions: BTreeMap<i64, Subscription>,
    pub gifts: BTreeMap<i64, Gift>,
    pub transactions: Vec<Transaction>,
    pub device_codes: BTreeMap<String, DeviceCode>,
    pub endpoints: BTreeMap<String, Endpoint>,
    /// Refresh token → customer.
    pub refresh_tokens: BTreeMap<String, i64>,
    /// Legacy JSON-RPC customer token → customer.
    pub legacy_tokens: BTreeMap<String, i64>,
    pub deliveries: Vec<Delivery>,
    pub violations: Vec<String>,
}

impl State {
    /// The seeded state: the demo customer, three offers (one giftable), and one active
    /// subscription.
    pub fn seeded() -> State {
        let t = now();
        let mut state = State {
            next_id: 200_000_001,
            ..State::default()
        };
        state.customers.insert(
            DEMO_CUSTOMER_ID,
            Customer {
                id: DEMO_CUSTOMER_ID,
                email: DEMO_EMAIL.into(),
                password: DEMO_PASSWORD.into(),
                first_name: Some("Demo".into()),
                last_name: Some("Customer".into()),
                locale: "en_US".into(),
                country: "US".into(),
                currency: "USD".into(),
                external_id: None,
                registered_at: t,
            },
        );
        let offer = |id: &str, kind: &'static str, title: &str, amount: f64| Offer {
            id: id.into(),
            kind,
            title: title.into(),
            description: Some(format!("{title} (mock offer)")),
            amount,
            currency: "USD".into(),
            country: "US".into(),
            active: true,
            tags: vec!["mock".into()],
            image_url: None,
            url: None,
            giftable: false,
            max_pause_cycles: 3,
            created_at: t,
            updated_at: t,
            version: 1,
        };
        for o in [
            offer(DEMO_SUBSCRIPTION_OFFER, "subscription", "Monthly subscription", 9.99),
            offer(DEMO_PASS_OFFER, "pass", "Weekend pass", 4.99),
            Offer { giftable: true, ..offer(DEMO_GIFT_OFFER, "subscription", "Annual subscription", 99.99) },
        ] {
            state.offers.insert(o.id.clone(), o);
        }
        let id = state.next_id();
        state.subscriptions.insert(
            id,
            Subscription {
                id,
                customer_id: DEMO_CUSTOMER_ID,
                offer_id: DEMO_SUBSCRIPTION_OFFER.into(),
                status: "active",
                date_from: t,
                date_to: t + PERIOD_SECS,
                payment_method_id: 1,
                external_id: "mock-seed-1".into(),
                in_trial: false,
                pause: None,
            },
        );
        state
            .entitlements
            .insert((DEMO_CUSTOMER_ID, DEMO_SUBSCRIPTION_OFFER.into()), t + PERIOD_SECS);
        state
    }

    /// A fresh id (customers, orders, payments and subscriptions share one counter).
    pub fn next_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The offer for a short (`S100000001`) or long (`S100000001_US`) id.
    pub fn offer(&self, id: &str) -> Option<&Offer> {
        self.offers.get(short_id(id))
    }

    /// The customer with this email (case-insensitive).
    pub fn customer_by_email(&self, email: &str) -> Option<&Customer> {
        self.customers.values().find(|c| c.email.eq_ignore_ascii_case(email))
    }

    /// Access expiry for a customer and offer, if granted and not expired.
    pub fn access(&self, customer_id: i64, offer_id: &str) -> Option<i64> {
        self.entitlements
            .get(&(customer_id, short_id(offer_id).to_string()))
            .copied()
            .filter(|expires| *expires > now())
    }
}

/// The short offer id: `S100000001_US` → `S100000001`.
pub fn short_id(id: &str) -> &str {
    id.split_once('_').map(|(short, _)| short).unwrap_or(id)
}
