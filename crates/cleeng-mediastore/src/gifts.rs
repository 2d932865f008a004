//! Gift subscriptions as a few typed steps: buy, find, read, edit, verify, redeem.
//!
//! Cleeng's guide "Gift Subscriptions Setup via API" spreads a gift over several MediaStore
//! calls and rules: an offer must be giftable before it is ordered, a gift is found through the
//! gifter's transactions, an edit must resend every delivery field, a code is verified before it
//! is redeemed. Each method here is one step of that guide:
//!
//! | who | step | method |
//! |---|---|---|
//! | gifter | order an offer as a gift (then pay as usual) | [`Account::order_gift`] |
//! | gifter | find the gifts bought | [`Account::purchased_gifts`] |
//! | gifter | read one | [`Account::gift`] |
//! | gifter | change recipient, date or note | [`Account::edit_gift`] |
//! | recipient | check a code | [`Account::verify_gift`] |
//! | recipient | redeem it | [`Account::redeem_gift`] |
//!
//! ```no_run
//! # async fn run(gifter: cleeng_mediastore::Account, recipient: cleeng_mediastore::Account) -> Result<(), Box<dyn std::error::Error>> {
//! use cleeng_mediastore::{types, GiftChange, GiftCode, GiftDelivery, GiftVerdict};
//!
//! let delivery = GiftDelivery::new("friend@example.com", 1_900_000_000, "Happy birthday!");
//! let order = gifter
//!     .order_gift("S123123123_US", &delivery, types::CreateOrderRequest::builder().country(Some("US".into())))
//!     .await?;
//! gifter.pay_without_details(order.id.unwrap_or_default()).await?;
//! let bought = gifter.purchased_gifts().await?;
//! let gift = gifter.edit_gift(bought[0].gift_id, GiftChange::new().delivery_date(1_900_086_400)).await?;
//!
//! let code = GiftCode::parse("1A2B-3C4D")?; // from the recipient's email
//! if let GiftVerdict::Redeemable { effect, .. } = recipient.verify_gift(&code).await? {
//!     let redemption = recipient.redeem_gift(&code).await?;
//! }
//! # Ok(()) }
//! ```
//!
//! Redeeming is not idempotent: [`Account::redeem_gift`] is sent once and never retried after
//! it may have reached Cleeng; when its outcome is unknown ([`Error::UnknownOutcome`]), verify
//! the code again (`REDEEMED` means it went through).
//!
//! The code travels as a plain path segment, and only there: [`GiftCode`] prints as the
//! runtime's [`cleeng_runtime::redact::REDACTED`] marker, the runtime drops the request URL
//! from transport errors and never logs it (its `tracing` span names the path template), and
//! any URL printed on purpose goes through [`cleeng_runtime::redact::url`], which hides the code.

use cleeng_runtime::Error;

use crate::account::Account;
use crate::gift_outcome::{GiftCode, GiftVerdict, Redemption, RefusalReason};
use crate::generated::types::{self, DeliveryDetails, Gift, Order, Transaction};
use crate::generated::{ClientGiftsExt, ClientOffersExt, ClientOrdersExt};

/// Longest personal note Cleeng accepts.
pub const MAX_PERSONAL_NOTE_CHARS: usize = 255;
/// Transactions read per page while looking for gifts.
const TRANSACTIONS_PAGE: u32 = 50;
/// Pages read at most by [`Account::purchased_gifts`] (bounds the walk at 1,000 transactions).
const MAX_TRANSACTION_PAGES: u32 = 20;

/// Why a gift step did not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GiftError {
    /// The offer cannot be bought as a gift (its `giftable` flag is not `true`); nothing was
    /// ordered.
    #[error("offer {offer_id} cannot be bought as a gift")]
    NotGiftable {
        /// The offer asked for.
        offer_id: String,
    },
    /// The transaction is not a gift purchase (`targetType` is not `giftId`).
    #[error("transaction {transaction_id} is not a gift purchase")]
    NotAGift {
        /// The transaction, as Cleeng names it (`T123456789`).
        transaction_id: String,
    },
    /// The gift was sent or redeemed already; its delivery details can no longer change.
    #[error("gift {gift_id} was already sent or redeemed")]
    AlreadyDelivered {
        /// The gift.
        gift_id: i64,
    },
    /// Delivery details that Cleeng would refuse (nothing was sent).
    #[error("invalid delivery details: {0}")]
    InvalidDelivery(String),
    /// No gift has this code (Cleeng answered 404).
    #[error("no gift has this code")]
    UnknownCode,
    /// Cleeng refused to redeem the code.
    #[error("the gift cannot be redeemed: {reason}")]
    NotRedeemable {
        /// Why, as far as the answer says.
        reason: RefusalReason,
    },
    /// The call failed; see [`Error`]. An [`Error::UnknownOutcome`] from
    /// [`Account::redeem_gift`] means the redemption may have happened.
    #[error(transparent)]
    Cleeng(#[from] Error),
}

/// A gift's delivery details: who receives it, when, with which note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftDelivery {
    /// The recipient's email address; Cleeng sends the code there.
    pub recipient_email: String,
    /// When Cleeng sends it, Unix seconds. A date in the past means "as soon as possible"
    /// (within about an hour, says the guide).
    pub delivery_date: i64,
    /// A message for the recipient, at most 255 characters.
    pub personal_note: String,
}

impl GiftDelivery {
    /// Delivery details from their three parts.
    pub fn new(recipient_email: impl Into<String>, delivery_date: i64, personal_note: impl Into<String>) -> Self {
        GiftDelivery {
            recipient_email: recipient_email.into(),
            delivery_date,
            personal_note: personal_note.into(),
        }
    }

    /// Checks what can be checked locally: an email with an `@` and no spaces, a positive
    /// date, a note of at most [`MAX_PERSONAL_NOTE_CHARS`] characters.
    pub fn validate(&self) -> Result<(), GiftError> {
        let email = self.recipient_email.trim();
        if email.is_empty() || !email.contains('@') || email.chars().any(char::is_whitespace) {
            return Err(GiftError::InvalidDelivery("recipientEmail is not an email address".into()));
        }
        if self.delivery_date <= 0 {
            return Err(GiftError::InvalidDelivery("deliveryDate must be Unix seconds after 1970".into()));
        }
        let chars = self.personal_note.chars().count();
        if chars > MAX_PERSONAL_NOTE_CHARS {
            return Err(GiftError::InvalidDelivery(format!(
                "personalNote has {chars} characters, at most {MAX_PERSONAL_NOTE_CHARS} allowed"
            )));
        }
        Ok(())
    }

    fn to_wire(&self) -> DeliveryDetails {
        DeliveryDetails {
            recipient_email: Some(self.recipient_email.trim().to_string()),
            delivery_date: Some(self.delivery_date),
            personal_note: Some(self.personal_note.clone()),
        }
    }

}

/// A change to a gift's delivery details: only the fields set here change, the others keep
/// their current values (see [`Account::edit_gift`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GiftChange {
    recipient_email: Option<String>,
    delivery_date: Option<i64>,
    personal_note: Option<String>,
}

impl GiftChange {
    /// No change yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Send the gift to another address.
    pub fn recipient_email(mut self, email: impl Into<String>) -> Self {
        self.recipient_email = Some(email.into());
        self
    }

    /// Send it at another time (Unix seconds).
    pub fn delivery_date(mut self, date: i64) -> Self {
        self.delivery_date = Some(date);
        self
    }

    /// Change the note.
    pub fn personal_note(mut self, note: impl Into<String>) -> Self {
        self.personal_note = Some(note.into());
        self
    }

    /// `true` when nothing would change (then [`Account::edit_gift`] sends nothing).
    pub fn is_empty(&self) -> bool {
        self.recipient_email.is_none() && self.delivery_date.is_none() && self.personal_note.is_none()
    }

    /// The whole delivery details after this change: the changed fields from here, the others
    /// from `current` (a field missing from both is an error).
    fn apply(&self, current: &DeliveryDetails) -> Result<GiftDelivery, GiftError> {
        let missing = |field: &str| GiftError::InvalidDelivery(format!("the gift has no {field}; set it in the change"));
        Ok(GiftDelivery {
            recipient_email: self
                .recipient_email
                .clone()
                .or_else(|| current.recipient_email.clone())
                .ok_or_else(|| missing("recipientEmail"))?,
            delivery_date: self
                .delivery_date
                .or(current.delivery_date)
                .ok_or_else(|| missing("deliveryDate"))?,
            personal_note: self
                .personal_note
                .clone()
                .or_else(|| current.personal_note.clone())
                .unwrap_or_default(),
        })
    }
}

/// A gift found in the gifter's transactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchasedGift {
    /// The gift's id (`targetId`), for [`Account::gift`] and [`Account::edit_gift`].
    pub gift_id: i64,
    /// The purchase (`T123456789`).
    pub transaction_id: String,
    /// The gifted offer.
    pub offer_id: Option<cleeng_runtime::OfferId>,
    /// When it was bought, Unix seconds.
    pub transaction_date: Option<i64>,
}

impl TryFrom<&Transaction> for PurchasedGift {
    type Error = GiftError;

    /// A transaction whose `targetType` is `giftId`; any other is [`GiftError::NotAGift`]
    /// (`subscriptionId` is an ordinary purchase).
    fn try_from(t: &Transaction) -> Result<Self, GiftError> {
        let transaction_id = t.transaction_id.clone().unwrap_or_default();
        let is_gift = t.target_type.as_ref().is_some_and(|k| k.to_string() == "giftId");
        let gift_id = t.target_id.as_ref().and_then(|id| id.to_string().trim().parse::<i64>().ok());
        match (is_gift, gift_id) {
            (true, Some(gift_id)) => Ok(PurchasedGift {
                gift_id,
                transaction_id,
                offer_id: t.offer_id.clone(),
                transaction_date: t.transaction_date,
            }),
            _ => Err(GiftError::NotAGift { transaction_id }),
        }
    }
}

/// The refusal reason in a refused redemption's message (`... Refusal reason: REDEEMED`), the
/// form Cleeng documents for Core's redeem call.
fn refusal_in(error: &Error) -> Option<RefusalReason> {
    let api = error.api_error()?;
    let texts = api.message.iter().chain(api.errors.iter());
    texts
        .filter_map(|text| text.split_once("Refusal reason:").map(|(_, reason)| reason.trim().to_string()))
        .map(|reason| RefusalReason::from_wire(&reason))
        .next()
}

impl Account {
    /// Gifter, step 1: orders `offer_id` as a gift. Reads the offer first
    /// (`GET /v2/offers/{offerId}`) and refuses one that is not giftable with
    /// [`GiftError::NotGiftable`] before anything is ordered; then creates the order with
    /// `buyAsAGift` (`createOrder`) and sets the delivery details on it (`updateOrder`), as
    /// Cleeng's web client does. `order` gives the location (country and currency, or
    /// `customerIP`); its offer id, customer id and gift fields are set here. Pay the returned
    /// order as usual ([`Account::pay_without_details`], Adyen, PayPal): once paid, Cleeng
    /// schedules the gift for delivery.
    pub async fn order_gift(
        &self,
        offer_id: &str,
        delivery: &GiftDelivery,
        order: types::builder::CreateOrderRequest,
    ) -> Result<Order, GiftError> {
        delivery.validate()?;
        let offer = self.client().get_offer_v2().offer_id(offer_id).call().await?.payload()?;
        if offer.giftable != Some(true) {
            return Err(GiftError::NotGiftable { offer_id: offer_id.to_string() });
        }
        let created = self
            .create_order(order.offer_id(offer_id).buy_as_a_gift(Some(true)))
            .await?;
        let order_id = created.id.ok_or_else(|| {
            Error::decode("createOrder", "the order has no id", serde_json::to_vec(&created).unwrap_or_default())
        })?;
        let details = delivery.to_wire();
        let result = self
            .client()
            .update_order()
            .order_id(order_id)
            .body_map(|b| b.buy_as_a_gift(Some(true)).delivery_details(Some(details)))
            .call()
            .await?
            .payload()?;
        match result.order {
            Some(order) => Ok(order),
            None => Err(GiftError::Cleeng(Error::decode(
                "updateOrder",
                "the response has no order",
                serde_json::to_vec(&result).unwrap_or_default(),
            ))),
        }
    }

    /// Gifter, step 2: the gifts this customer bought, found in their transactions
    /// (`targetType` = `giftId`, `targetId` = the gift id), oldest page first. Reads at most
    /// 1,000 transactions.
    pub async fn purchased_gifts(&self) -> Result<Vec<PurchasedGift>, Error> {
        let mut gifts = Vec::new();
        for page in 0..MAX_TRANSACTION_PAGES {
            let list = self
                .list_customer_transactions()
                .limit(TRANSACTIONS_PAGE)
                .offset(page * TRANSACTIONS_PAGE)
                .call()
                .await?
                .payload()?;
            let items = list.items;
            gifts.extend(items.iter().filter_map(|t| PurchasedGift::try_from(t).ok()));
            if items.len() < TRANSACTIONS_PAGE as usize {
                break;
            }
        }
        Ok(gifts)
    }

    /// Gifter, step 3: one gift with its code and delivery details (`GET /gifts/{giftId}`).
    /// Its `code` prints `[redacted]`.
    pub async fn gift(&self, gift_id: i64) -> Result<Gift, Error> {
        self.client().get_gift().gift_id(gift_id).call().await?.payload()
    }

    /// Gifter, step 4: changes some of a gift's delivery details (`PATCH /gifts/{giftId}`).
    /// Cleeng needs all three fields even to change one, so this reads the gift, applies
    /// `change` to its current details and sends the whole. A gift already sent or redeemed is
    /// refused with [`GiftError::AlreadyDelivered`] (as Cleeng's web client does).
    ///
    /// Edit no later than the day before the delivery date: Cleeng's guide advises it, and an
    /// edit made on the delivery day may not apply (the gift may be on its way). The read and
    /// the write are two calls; an edit made elsewhere in between is overwritten.
    pub async fn edit_gift(&self, gift_id: i64, change: GiftChange) -> Result<Gift, GiftError> {
        let current = self.gift(gift_id).await?;
        if current.sent_at.is_some() || current.redeemed_at.is_some() {
            return Err(GiftError::AlreadyDelivered { gift_id });
        }
        if change.is_empty() {
            return Ok(current);
        }
        let details = change.apply(&current.delivery_details.unwrap_or_default())?;
        details.validate()?;
        let wire = details.to_wire();
        Ok(self
            .client()
            .update_gift()
            .gift_id(gift_id)
            .body_map(|b| b.delivery_details(wire))
            .call()
            .await?
            .payload()?)
    }

    /// Recipient, step 1: what redeeming `code` would do for this customer
    /// (`GET /gifts/verification/{code}`): redeemable with its effect, refused with the reason,
    /// or an unknown code.
    pub async fn verify_gift(&self, code: &GiftCode) -> Result<GiftVerdict, Error> {
        match self.client().verify_gift().gift_code(code.expose()).call().await.and_then(|body| body.payload()) {
            Ok(verification) => Ok(verification.into()),
            Err(e) if e.status() == Some(404) => Ok(GiftVerdict::UnknownCode),
            Err(e) => Err(e),
        }
    }

    /// Recipient, step 2: redeems `code` for this customer (`POST /gifts/redeem/{code}`); Cleeng
    /// creates or extends their subscription. Sent once, never retried after it may have
    /// arrived: an [`Error::UnknownOutcome`] means it may have worked, so verify the code again
    /// before trying anything else. A code that does not exist is [`GiftError::UnknownCode`];
    /// a refusal whose message names the reason is [`GiftError::NotRedeemable`].
    pub async fn redeem_gift(&self, code: &GiftCode) -> Result<Redemption, GiftError> {
        match self.client().redeem_gift().gift_code(code.expose()).call().await.and_then(|body| body.payload()) {
            Ok(result) => Ok(result.into()),
            Err(e) if e.status() == Some(404) => Err(GiftError::UnknownCode),
            Err(e) => match refusal_in(&e) {
                Some(reason) => Err(GiftError::NotRedeemable { reason }),
                None => Err(GiftError::Cleeng(e)),
            },
        }
    }
}
