//! Typed webhook deliveries: one [`Event`] variant per topic in the spec's `x-cleeng-topics`.
//!
//! Every delivery is the JSON envelope `{broadcasterId, topic, data}`; `topic` says what `data`
//! holds. The payload structs mirror the `*Data` schemas in `specs/webhooks.yaml` field for field
//! (a test compares them with the spec), but use [`CleengId`], [`Timestamp`] and [`Decimal`]
//! where Cleeng sends a value in two forms, and [`Secret`] for the payment token and the
//! password-reset link, so neither prints in logs.
//!
//! Nothing is lost on the way in:
//! * a topic this crate does not know decodes to [`Event::Unknown`] with its `data` untouched;
//! * a known topic whose `data` does not match its schema decodes to [`Event::Undecodable`],
//!   again with the raw `data` and the reason. This is a variant rather than an error because
//!   the delivery is authentic (its signature was checked first) and answering Cleeng with an
//!   error would only make it retry the same payload; log it and acknowledge it instead.
//!
//! Every field is optional: Cleeng's examples are partial and it adds and drops fields over
//! time, so a missing field is `None`, never a failure, and unknown fields are ignored.

use cleeng_runtime::Secret;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use cleeng_runtime::{CleengId, Decimal, Timestamp};
use crate::WebhookError;

/// A payload Cleeng does not describe field by field: the raw JSON object.
pub type RawData = Map<String, Value>;

/// Reads an optional string into a [`Secret`], so the value never reaches `Debug` output.
fn secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.map(Secret::new))
}

/// `data` of `subscriptionReadyForPaymentAuthorisation` (and, with the same fields,
/// `subscriptionReadyForPaymentCapture`): a recurring payment should be authorised (or
/// captured) now by the payment connector.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubscriptionReadyForPaymentAuthorisationData {
    /// The subscription to charge (sent as a string or a number).
    pub subscription_id: Option<CleengId>,
    /// The offer, e.g. `S123123123_US`.
    pub offer_id: Option<String>,
    /// The customer.
    pub customer_id: Option<i64>,
    /// The customer's email.
    pub customer_email: Option<String>,
    /// The stored payment details to use.
    pub payment_details_id: Option<i64>,
    /// Whether the subscription is active.
    pub active: Option<bool>,
    /// When this dunning attempt happens.
    pub dunning_attempt_date: Option<Timestamp>,
    /// The dunning step: `authorize` or `capture` seen (open list).
    pub dunning_status: Option<String>,
    /// When the subscription expires.
    pub expiration_date: Option<Timestamp>,
    /// ISO 4217 currency code.
    pub currency: Option<String>,
    /// ISO 3166-1 alpha-2 country of the payment.
    pub payment_country: Option<String>,
    /// The payment method.
    pub payment_method_id: Option<i64>,
    /// The stored payment details token to charge; redacted in `Debug`.
    #[serde(default, deserialize_with = "secret")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub token: Option<Secret>,
    /// The gateway, e.g. `adyen` (newer payloads only).
    pub payment_gateway: Option<String>,
}

/// `data` of `subscriptionReadyForPaymentCapture`. Cleeng's example is cut short; the rest of
/// its fields are assumed to match the authorisation topic, so it is the same type.
pub type SubscriptionReadyForPaymentCaptureData = SubscriptionReadyForPaymentAuthorisationData;

/// `data` of `transactionCreated`: a payment was taken. Older payloads carry
/// `offerPrice`/`offerCurrency`; newer ones tax details as decimal strings and
/// `transactionDate` in Unix seconds. Both decode into the same fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransactionCreatedData {
    /// The offer bought.
    pub offer_id: Option<String>,
    /// The transaction, e.g. `T111333222`.
    pub transaction_id: Option<String>,
    /// The customer.
    pub customer_id: Option<i64>,
    /// The payment.
    pub payment_id: Option<i64>,
    /// The offer's price (older shape).
    pub offer_price: Option<Decimal>,
    /// ISO 4217 currency of `offer_price` (older shape).
    pub offer_currency: Option<String>,
    /// The discount applied, if any.
    pub discount_rate: Option<Decimal>,
    /// The subscription plan charged; `None` for a one-off purchase.
    pub subscription_plan_id: Option<i64>,
    /// Publisher data attached to the purchase.
    pub external_data: Option<String>,
    /// The customer's email.
    pub customer_email: Option<String>,
    /// The publisher's own id for the customer.
    pub customer_external_id: Option<String>,
    /// The gateway, e.g. `adyen`.
    pub payment_gateway: Option<String>,
    /// ISO 3166-1 alpha-2 country (newer shape).
    pub transaction_country: Option<String>,
    /// The tax rate, e.g. `0.2300` (newer shape).
    pub tax_rate: Option<Decimal>,
    /// ISO 4217 currency of the amounts below (newer shape).
    pub transaction_currency: Option<String>,
    /// When the payment happened (Unix seconds in the newer shape).
    pub transaction_date: Option<Timestamp>,
    /// Amount without tax.
    pub transaction_price_excl_tax: Option<Decimal>,
    /// Amount with tax.
    pub transaction_price_incl_tax: Option<Decimal>,
    /// The tax amount.
    pub applicable_tax: Option<Decimal>,
    /// The exchange rate applied.
    pub applied_exchange_rate: Option<Decimal>,
}

/// `data` of `customerRegistered`: a customer signed up, or bought from this publisher for the
/// first time.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomerRegisteredData {
    /// The customer.
    pub customer_id: Option<i64>,
    /// The customer's email.
    pub customer_email: Option<String>,
    /// The publisher's own id for the customer (newer payloads only).
    pub customer_external_id: Option<String>,
}

/// `data` of `customerRequestedPasswordReset`. Only `passwordResetUrl` is documented.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomerRequestedPasswordResetData {
    /// The link that lets the customer set a new password. Whoever holds it can take over the
    /// account, so it is redacted in `Debug`.
    #[serde(default, deserialize_with = "secret")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub password_reset_url: Option<Secret>,
}

/// `data` of `customerConsentUpdated`: a customer changed a consent. Seen only in a truncated
/// example; more fields may follow.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomerConsentUpdatedData {
    /// The customer.
    pub customer_id: Option<i64>,
    /// The customer's email.
    pub customer_email: Option<String>,
    /// The consent, e.g. `broadcaster_marketing`.
    pub consent_name: Option<String>,
}

/// `data` of `passCreated`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PassCreatedData {
    /// The pass (a numeric string; a number is accepted too).
    pub pass_id: Option<CleengId>,
    /// The pass offer, e.g. `P987654321_US`.
    pub offer_id: Option<String>,
    /// The customer.
    pub customer_id: Option<i64>,
    /// The customer's email.
    pub customer_email: Option<String>,
    /// Whether the pass is active.
    pub active: Option<bool>,
    /// When the pass expires.
    pub expiration_date: Option<Timestamp>,
    /// The publisher's own id for the customer.
    pub customer_external_id: Option<String>,
}

/// `data` of `passExpirationChanged`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PassExpirationChangedData {
    /// The pass.
    pub pass_id: Option<CleengId>,
    /// The pass offer.
    pub offer_id: Option<String>,
    /// The customer.
    pub customer_id: Option<i64>,
    /// The publisher's own id for the customer.
    pub customer_external_id: Option<String>,
    /// The customer's email.
    pub customer_email: Option<String>,
    /// The expiration before the change.
    pub previous_expiration_date: Option<Timestamp>,
    /// The new expiration.
    pub expiration_date: Option<Timestamp>,
}

/// `data` of `passTerminated`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PassTerminatedData {
    /// The pass.
    pub pass_id: Option<CleengId>,
    /// The pass offer.
    pub offer_id: Option<String>,
    /// The customer.
    pub customer_id: Option<i64>,
    /// The customer's email.
    pub customer_email: Option<String>,
    /// The publisher's own id for the customer.
    pub customer_external_id: Option<String>,
}

/// `data` of `inappPurchaseSyncResult` (Cleeng's `WebhookSynchronizationStatus`): the final
/// outcome of an Apple StoreKit 2 or Google Play purchase sync or transfer. Apple purchases carry
/// `transaction_id`/`original_transaction_id`, Google Play ones `purchase_token`/`package_name`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InappPurchaseSyncResultData {
    /// The synchronization this outcome belongs to (the id the register or transfer call
    /// answered), to match the event with the call that started it.
    pub synchronization_id: Option<String>,
    /// Apple StoreKit 2 transaction id.
    pub transaction_id: Option<String>,
    /// Apple StoreKit 2 original transaction id.
    pub original_transaction_id: Option<String>,
    /// The Cleeng customer (sent as a string or a number).
    pub cleeng_customer_id: Option<CleengId>,
    /// Google Play purchase token; a [`Secret`] because it identifies the purchase.
    #[serde(default, deserialize_with = "secret")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub purchase_token: Option<Secret>,
    /// Google Play application id.
    pub package_name: Option<String>,
    /// Result code (open list), e.g. `RECEIVED_EXPIRED_PURCHASE`, `TRANSACTION_ID_NOT_FOUND`,
    /// `PURCHASE_OWNERSHIP_TRANSFERRED`, `PURCHASE_OWNERSHIP_UNCHANGED`.
    pub result: Option<String>,
    /// Processing status; Cleeng does not list it (the event is sent once finalized).
    pub status: Option<String>,
    /// Whether the customer is entitled to the offer.
    pub access_granted: Option<bool>,
    /// The offer concerned, when access is granted.
    pub offer_id: Option<String>,
}

/// What an in-app purchase validation did (`result` of `inappPurchaseValidationSucceeded`).
/// Open: a value Cleeng adds later arrives as [`ValidationResult::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValidationResult {
    /// An existing subscription was synchronised with the store.
    SubscriptionSynchronized,
    /// An expired subscription was revived.
    SubscriptionRevived,
    /// A subscription moved to another customer.
    SubscriptionTransferred,
    /// A new subscription was created.
    SubscriptionCreated,
    /// A value this crate does not know yet, kept as sent.
    Unknown(String),
}

impl ValidationResult {
    /// The value as Cleeng sends it.
    pub fn as_str(&self) -> &str {
        match self {
            ValidationResult::SubscriptionSynchronized => "SubscriptionSynchronized",
            ValidationResult::SubscriptionRevived => "SubscriptionRevived",
            ValidationResult::SubscriptionTransferred => "SubscriptionTransferred",
            ValidationResult::SubscriptionCreated => "SubscriptionCreated",
            ValidationResult::Unknown(other) => other,
        }
    }

    /// Reads a value; never fails (unknown values become [`ValidationResult::Unknown`]).
    pub fn from_wire(value: &str) -> Self {
        match value {
            "SubscriptionSynchronized" => ValidationResult::SubscriptionSynchronized,
            "SubscriptionRevived" => ValidationResult::SubscriptionRevived,
            "SubscriptionTransferred" => ValidationResult::SubscriptionTransferred,
            "SubscriptionCreated" => ValidationResult::SubscriptionCreated,
            other => ValidationResult::Unknown(other.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for ValidationResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(ValidationResult::from_wire(&String::deserialize(deserializer)?))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for ValidationResult {
    fn schema_name() -> String {
        "ValidationResult".into()
    }
    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <String as schemars::JsonSchema>::json_schema(gen)
    }
}

/// `data` of `inappPurchaseValidationSucceeded` (not sent for Apple StoreKit 2). `Debug`
/// redacts secret-looking keys of the raw `in_app_specific_data`.
#[derive(Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InappPurchaseValidationSucceededData {
    /// What the validation did.
    pub result: Option<ValidationResult>,
    /// The store, e.g. `amazon`.
    pub payment_gateway: Option<String>,
    /// The offer.
    pub offer_id: Option<String>,
    /// Store-specific receipt data (Amazon: `receiptUserId`, `receiptId`).
    pub in_app_specific_data: Option<RawData>,
    /// e.g. `subscription`.
    pub offer_type: Option<String>,
    /// The subscription (sent as a string or a number).
    pub subscription_id: Option<CleengId>,
    /// Whether the subscription is active.
    pub active: Option<bool>,
    /// Whether it is in a trial.
    pub in_trial: Option<bool>,
    /// When it expires.
    pub expiration_date: Option<Timestamp>,
    /// The customer.
    pub customer_id: Option<i64>,
    /// The previous subscription, only on a transfer.
    pub prev_subscription_id: Option<CleengId>,
    /// The previous owner, only on a transfer.
    pub prev_customer_id: Option<i64>,
    /// Only when the purchase-validation endpoint was used.
    pub correlation_id: Option<String>,
}

impl std::fmt::Debug for InappPurchaseValidationSucceededData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InappPurchaseValidationSucceededData")
            .field("result", &self.result)
            .field("payment_gateway", &self.payment_gateway)
            .field("offer_id", &self.offer_id)
            .field("in_app_specific_data", &self.in_app_specific_data.as_ref().map(redacted_map))
            .field("offer_type", &self.offer_type)
            .field("subscription_id", &self.subscription_id)
            .field("active", &self.active)
            .field("in_trial", &self.in_trial)
            .field("expiration_date", &self.expiration_date)
            .field("customer_id", &self.customer_id)
            .field("prev_subscription_id", &self.prev_subscription_id)
            .field("prev_customer_id", &self.prev_customer_id)
            .field("correlation_id", &self.correlation_id)
            .finish()
    }
}

/// `data` of `offerCreated`. The offer id comes without a country suffix here.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OfferCreatedData {
    /// The offer, e.g. `S123123123`.
    pub offer_id: Option<String>,
    /// When it was created.
    pub created_at: Option<Timestamp>,
}

/// `data` of `offerUpdated` (title, description, trial, event dates... changed).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OfferUpdatedData {
    /// The offer.
    pub offer_id: Option<String>,
    /// When it changed.
    pub updated_at: Option<Timestamp>,
}

/// `data` of `offerDeactivated`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OfferDeactivatedData {
    /// The offer.
    pub offer_id: Option<String>,
    /// When it was deactivated.
    pub deactivated_at: Option<Timestamp>,
}

/// `data` of `offerPriceChanged`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OfferPriceChangedData {
    /// The offer.
    pub offer_id: Option<String>,
    /// When the price changed.
    pub updated_at: Option<Timestamp>,
}

/// A payload printed by [`Event`]'s `Debug`: typed payloads as they are (their secrets are
/// already [`Secret`]s), raw JSON redacted.
struct Payload<'a, T>(&'a T);

impl std::fmt::Debug for Payload<'_, RawData> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&redacted_map(self.0), f)
    }
}

macro_rules! typed_payloads {
    ($($ty:ty),* $(,)?) => {
        $(impl std::fmt::Debug for Payload<'_, $ty> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self.0, f)
            }
        })*
    };
}

typed_payloads!(
    SubscriptionReadyForPaymentAuthorisationData,
    TransactionCreatedData,
    CustomerRegisteredData,
    CustomerRequestedPasswordResetData,
    CustomerConsentUpdatedData,
    PassCreatedData,
    PassExpirationChangedData,
    PassTerminatedData,
    InappPurchaseSyncResultData,
    InappPurchaseValidationSucceededData,
    OfferCreatedData,
    OfferUpdatedData,
    OfferDeactivatedData,
    OfferPriceChangedData,
);

/// `value` with the values of secret-looking keys replaced (the shared
/// `cleeng_runtime::redact` rules), for `Debug` output.
fn redacted(value: &Value) -> Value {
    let mut value = value.clone();
    cleeng_runtime::redact::json_value(&mut value);
    value
}

fn redacted_map(map: &RawData) -> Value {
    redacted(&Value::Object(map.clone()))
}

macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident($data:ty) = $topic:literal, )*) => {
        /// One webhook delivery, by topic. Match on the variants you handle and keep a `_` arm:
        /// Cleeng adds topics, and this enum will grow with them.
        // Variants differ in size (transactionCreated is the largest); an event is decoded once
        // per request, so boxing would cost ergonomics for nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone)]
        #[non_exhaustive]
        pub enum Event {
            $(
                $(#[$doc])*
                $variant {
                    /// The publisher the event belongs to (`broadcasterId`).
                    broadcaster_id: i64,
                    /// The topic's payload.
                    data: $data,
                },
            )*
            /// A topic this crate does not know (yet); `data` is exactly what was sent.
            Unknown {
                /// The publisher the event belongs to.
                broadcaster_id: i64,
                /// The topic as sent.
                topic: String,
                /// The payload as sent.
                data: Value,
            },
            /// A known topic whose `data` does not match its documented shape. The delivery is
            /// kept whole so it can be logged or handled by hand.
            Undecodable {
                /// The publisher the event belongs to.
                broadcaster_id: i64,
                /// The topic as sent.
                topic: String,
                /// The payload as sent.
                data: Value,
                /// Why the payload did not decode.
                error: String,
            },
        }

        /// Every topic with its own [`Event`] variant, as Cleeng spells it.
        pub const TOPICS: &[&str] = &[$($topic),*];

        /// Like a derived `Debug`, except that payloads kept as raw JSON (`Unknown`,
        /// `Undecodable`, and topics without a published payload) print with the values of
        /// secret-looking keys (`token`, `password`, `secret`...) replaced by `[redacted]`.
        impl std::fmt::Debug for Event {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $(Event::$variant { broadcaster_id, data } => f
                        .debug_struct(stringify!($variant))
                        .field("broadcaster_id", broadcaster_id)
                        .field("data", &Payload(data))
                        .finish(),)*
                    Event::Unknown { broadcaster_id, topic, data } => f
                        .debug_struct("Unknown")
                        .field("broadcaster_id", broadcaster_id)
                        .field("topic", topic)
                        .field("data", &redacted(data))
                        .finish(),
                    Event::Undecodable { broadcaster_id, topic, data, error } => f
                        .debug_struct("Undecodable")
                        .field("broadcaster_id", broadcaster_id)
                        .field("topic", topic)
                        .field("data", &redacted(data))
                        .field("error", error)
                        .finish(),
                }
            }
        }

        impl Event {
            /// The topic name as Cleeng spells it (`transactionCreated`, ...).
            pub fn topic(&self) -> &str {
                match self {
                    $(Event::$variant { .. } => $topic,)*
                    Event::Unknown { topic, .. } | Event::Undecodable { topic, .. } => topic,
                }
            }

            /// The publisher the event belongs to (`broadcasterId`).
            pub fn broadcaster_id(&self) -> i64 {
                match self {
                    $(Event::$variant { broadcaster_id, .. } => *broadcaster_id,)*
                    Event::Unknown { broadcaster_id, .. }
                    | Event::Undecodable { broadcaster_id, .. } => *broadcaster_id,
                }
            }

            fn from_parts(broadcaster_id: i64, topic: String, data: Value) -> Event {
                match topic.as_str() {
                    $($topic => match <$data>::deserialize(&data) {
                        Ok(data) => Event::$variant { broadcaster_id, data },
                        Err(e) => Event::Undecodable { broadcaster_id, topic, data, error: e.to_string() },
                    },)*
                    _ => Event::Unknown { broadcaster_id, topic, data },
                }
            }

            /// The JSON schema of a topic's payload type (used by tests to compare the
            /// hand-written structs with the spec).
            #[doc(hidden)]
            #[cfg(feature = "schemars")]
            pub fn data_schema(topic: &str) -> Option<schemars::schema::RootSchema> {
                match topic {
                    $($topic => Some(schemars::schema_for!($data)),)*
                    _ => None,
                }
            }
        }
    };
}

events! {
    /// A recurring payment should be authorised now (payment connectors).
    SubscriptionReadyForPaymentAuthorisation(SubscriptionReadyForPaymentAuthorisationData) = "subscriptionReadyForPaymentAuthorisation",
    /// An authorised payment should be captured now (payment connectors).
    SubscriptionReadyForPaymentCapture(SubscriptionReadyForPaymentCaptureData) = "subscriptionReadyForPaymentCapture",
    /// The connector should terminate a subscription; payload not published.
    SubscriptionReadyForTermination(RawData) = "subscriptionReadyForTermination",
    /// A subscription was created; payload not published.
    SubscriptionCreated(RawData) = "subscriptionCreated",
    /// A subscription was terminated; payload not published.
    SubscriptionTerminated(RawData) = "subscriptionTerminated",
    /// A pending subscription switch was cancelled; payload not published.
    SubscriptionSwitchCancelled(RawData) = "subscriptionSwitchCancelled",
    /// A payment was taken.
    TransactionCreated(TransactionCreatedData) = "transactionCreated",
    /// A customer registered (or bought from this publisher for the first time).
    CustomerRegistered(CustomerRegisteredData) = "customerRegistered",
    /// A customer asked for a password reset.
    CustomerRequestedPasswordReset(CustomerRequestedPasswordResetData) = "customerRequestedPasswordReset",
    /// A customer changed a consent.
    CustomerConsentUpdated(CustomerConsentUpdatedData) = "customerConsentUpdated",
    /// The connector should refund a payment; payload not published.
    RefundPayment(RawData) = "refundPayment",
    /// The connector should capture a payment; payload not published.
    CapturePayment(RawData) = "capturePayment",
    /// Stored payment details were deactivated; payload not published.
    PaymentDetailsDeactivated(RawData) = "paymentDetailsDeactivated",
    /// A pass was created.
    PassCreated(PassCreatedData) = "passCreated",
    /// A pass's expiration changed.
    PassExpirationChanged(PassExpirationChangedData) = "passExpirationChanged",
    /// A pass was terminated.
    PassTerminated(PassTerminatedData) = "passTerminated",
    /// Final outcome of an Apple StoreKit 2 sync or transfer.
    InappPurchaseSyncResult(InappPurchaseSyncResultData) = "inappPurchaseSyncResult",
    /// An in-app purchase validated (not sent for StoreKit 2).
    InappPurchaseValidationSucceeded(InappPurchaseValidationSucceededData) = "inappPurchaseValidationSucceeded",
    /// An in-app purchase failed validation; payload not published.
    InappPurchaseValidationFailed(RawData) = "inappPurchaseValidationFailed",
    /// An offer was created.
    OfferCreated(OfferCreatedData) = "offerCreated",
    /// An offer changed.
    OfferUpdated(OfferUpdatedData) = "offerUpdated",
    /// An offer was deactivated.
    OfferDeactivated(OfferDeactivatedData) = "offerDeactivated",
    /// An offer's price changed.
    OfferPriceChanged(OfferPriceChangedData) = "offerPriceChanged",
}

impl Event {
    /// Decodes a delivery body **without checking its signature**. Prefer
    /// [`Verifier::verify`](crate::Verifier::verify); use this only where the signature was
    /// checked elsewhere or signing is off for the endpoint (Cleeng makes it optional).
    pub fn from_slice(body: &[u8]) -> Result<Event, WebhookError> {
        if body.is_empty() {
            return Err(WebhookError::EmptyBody);
        }
        let text = std::str::from_utf8(body).map_err(|e| WebhookError::NotUtf8 {
            valid_up_to: e.valid_up_to(),
        })?;
        let value: Value = serde_json::from_str(text).map_err(|e| WebhookError::InvalidJson {
            message: e.to_string(),
        })?;
        Event::from_value(value)
    }

    /// Decodes an already parsed envelope `{broadcasterId, topic, data}`. Fails only when the
    /// envelope itself is broken (not an object, no topic, no publisher id); a bad `data`
    /// gives [`Event::Undecodable`].
    pub fn from_value(value: Value) -> Result<Event, WebhookError> {
        let Value::Object(mut envelope) = value else {
            return Err(WebhookError::InvalidEnvelope {
                message: "the body is not a JSON object".into(),
            });
        };
        let topic = match envelope.remove("topic") {
            Some(Value::String(topic)) if !topic.is_empty() => topic,
            _ => {
                return Err(WebhookError::InvalidEnvelope {
                    message: "`topic` is missing or not a non-empty string".into(),
                })
            }
        };
        let broadcaster_id = envelope
            .get("broadcasterId")
            .and_then(|v| match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            })
            .ok_or_else(|| WebhookError::InvalidEnvelope {
                message: "`broadcasterId` is missing or not an integer".into(),
            })?;
        let data = envelope.remove("data").unwrap_or(Value::Null);
        Ok(Event::from_parts(broadcaster_id, topic, data))
    }
}
