//! The gift journey: a paid gift order becomes a gift with a code; the gifter finds it in their
//! transactions, reads and edits it until it is sent; a recipient verifies and redeems the code
//! once. MediaStore (customer JWT) and Core (publisher token) see the same gifts.
//!
//! Rules the mock applies (Cleeng's guide "Gift Subscriptions Setup via API" and the reference
//! pages; where they are silent, the choice is marked as the mock's own):
//! * a gift is "sent" at its delivery date (Cleeng: within about an hour of it); a sent or
//!   redeemed gift can no longer be edited (the mock's choice: Cleeng's web client stops there);
//! * an edit must carry all three delivery fields, as the guide says;
//! * verification: an unknown code is a 404; a redeemed code is refused with `REDEEMED`, one
//!   for an inactive offer with `INACTIVE OFFER`, and one the recipient holds two active
//!   subscriptions for with `MORE THAN ONE MATCHING SUBSCRIPTION`; otherwise it is redeemable,
//!   `EXTEND` when the recipient has an active subscription to the offer, else `NEW`;
//! * redemption re-checks the same rules, then creates or extends the recipient's subscription
//!   and grants access, with no transaction record; a refusal names the reason in its message
//!   (`Gift is not redeemable. Refusal reason: REDEEMED`, Core's documented form).

use serde_json::{json, Value};

use crate::journeys::{envelope, random_token};
use crate::server::{Call, Outcome};
use crate::spec::Family;
use crate::state::{now, Gift, Offer, Order, State, Subscription, Transaction, PERIOD_SECS, PUBLISHER_ID};
use crate::webhooks::Event;

/// Routes the gift and transaction operations; `None` for any other.
pub(crate) fn handle(state: &mut State, call: &Call<'_>, events: &mut Vec<Event>) -> Option<Outcome> {
    use Family::*;
    let outcome = match (call.family, call.operation_id) {
        (MediaStore, "listCustomerTransactions") => list_transactions(state, call),
        (MediaStore | Core, "getGift") => match own_gift(state, call) {
            Some(g) => answer(call, gift_json(g)),
            None => gift_not_found(),
        },
        (MediaStore | Core, "updateGift") => update(state, call),
        (MediaStore | Core, "verifyGift") => verify(state, call),
        (MediaStore | Core, "redeemGift") => redeem(state, call, events),
        _ => return None,
    };
    Some(outcome)
}

/// Called when a gift order is paid: creates the gift and the gifter's transaction.
pub(crate) fn create_from_order(state: &mut State, order: &Order, offer: &Offer, transaction_id: String, at: i64) {
    let id = state.next_id();
    let token = random_token(state, "").to_uppercase();
    let code = format!("{}-{}", &token[..4], &token[4..8]);
    let field = |key: &str| order.delivery.as_ref().and_then(|d| d.get(key).cloned());
    state.gifts.insert(
        id,
        Gift {
            id,
            code,
            gifter_id: order.customer_id,
            offer_id: order.offer_id.clone(),
            recipient_email: field("recipientEmail").and_then(|v| v.as_str().map(str::to_string)),
            delivery_date: field("deliveryDate").and_then(|v| v.as_i64()),
            personal_note: field("personalNote").and_then(|v| v.as_str().map(str::to_string)),
            redeemed_at: None,
        },
    );
    record_transaction(state, order, offer, transaction_id, at, "giftId", Some(id));
}

/// Adds a purchase to the customer's transaction list.
pub(crate) fn record_transaction(
    state: &mut State,
    order: &Order,
    offer: &Offer,
    transaction_id: String,
    at: i64,
    target_type: &'static str,
    target_id: Option<i64>,
) {
    state.transactions.push(Transaction {
        id: transaction_id,
        customer_id: order.customer_id,
        offer_id: order.offer_id.clone(),
        offer_type: offer.kind,
        offer_title: offer.title.clone(),
        amount: order.amount,
        currency: order.currency.clone(),
        date: at,
        target_type,
        target_id,
    });
}

/// MediaStore wraps answers in its envelope; Core sends them bare.
fn answer(call: &Call<'_>, data: Value) -> Outcome {
    match call.family {
        Family::MediaStore => Outcome::json(200, envelope(data)),
        _ => Outcome::json(200, data),
    }
}

fn gift_not_found() -> Outcome {
    Outcome::fail(&[404], "Gift not found", "GIFT0001")
}

fn gift_json(g: &Gift) -> Value {
    json!({
        "id": g.id,
        "code": g.code,
        "offerId": g.offer_id,
        "deliveryDetails": {
            "recipientEmail": g.recipient_email,
            "deliveryDate": g.delivery_date,
            "personalNote": g.personal_note,
        },
        "sentAt": g.sent_at(),
        "redeemedAt": g.redeemed_at,
    })
}

/// The gift named by `giftId`: through MediaStore only the gifter's own, through Core any.
fn own_gift<'a>(state: &'a State, call: &Call<'_>) -> Option<&'a Gift> {
    let gift = call.param_i64("giftId").and_then(|id| state.gifts.get(&id))?;
    match call.family {
        Family::MediaStore => (Some(gift.gifter_id) == call.claims.as_ref().map(|c| c.customer_id)).then_some(gift),
        _ => Some(gift),
    }
}

fn list_transactions(state: &State, call: &Call<'_>) -> Outcome {
    let customer_id = call.param_i64("customerId");
    if customer_id.is_none() || customer_id != call.claims.as_ref().map(|c| c.customer_id) {
        return Outcome::fail(&[401], "the JWT belongs to another customer", "AUTH0002");
    }
    let email = customer_id.and_then(|id| state.customers.get(&id)).map(|c| c.email.clone());
    let offset = call.param_i64("offset").unwrap_or(0).max(0) as usize;
    let limit = call.param_i64("limit").unwrap_or(50).max(1) as usize;
    let items: Vec<Value> = state
        .transactions
        .iter()
        .filter(|t| Some(t.customer_id) == customer_id)
        .skip(offset)
        .take(limit)
        .map(|t| {
            let mut item = json!({
                "transactionId": t.id,
                "transactionDate": t.date,
                "offerId": t.offer_id,
                "offerType": t.offer_type,
                "offerTitle": t.offer_title,
                "paymentMethod": "manual",
                "transactionPriceExclTax": t.amount,
                "transactionPriceInclTax": t.amount,
                "transactionCurrency": t.currency,
                "offerCurrency": t.currency,
                "offerPriceExclTax": t.amount,
                "applicableTax": 0.0,
                "customerId": t.customer_id,
                "customerEmail": email,
                "publisherId": PUBLISHER_ID,
            });
            if let Some(id) = t.target_id {
                item["targetType"] = json!(t.target_type);
                item["targetId"] = json!(id);
            }
            item
        })
        .collect();
    Outcome::json(200, envelope(json!({ "items": items })))
}

fn update(state: &mut State, call: &Call<'_>) -> Outcome {
    let Some(id) = own_gift(state, call).map(|g| g.id) else {
        return gift_not_found();
    };
    let details = call.body.get("deliveryDetails").cloned().unwrap_or(Value::Null);
    let email = details.get("recipientEmail").and_then(Value::as_str);
    let date = details.get("deliveryDate").and_then(Value::as_i64);
    let note = details.get("personalNote").and_then(Value::as_str);
    let (Some(email), Some(date), Some(note)) = (email, date, note) else {
        return Outcome::fail(
            &[422, 400],
            "deliveryDetails needs recipientEmail, deliveryDate and personalNote",
            "GIFT0002",
        );
    };
    let Some(gift) = state.gifts.get_mut(&id) else {
        return gift_not_found();
    };
    if gift.sent_at().is_some() || gift.redeemed_at.is_some() {
        return Outcome::fail(&[409, 400], "Gift is not updatable", "GIFT0003");
    }
    gift.recipient_email = Some(email.to_string());
    gift.delivery_date = Some(date);
    gift.personal_note = Some(note.to_string());
    answer(call, gift_json(gift))
}

/// The customer redeeming: MediaStore's JWT customer, Core's `redeemerId`.
fn redeemer(call: &Call<'_>) -> Option<i64> {
    match call.family {
        Family::MediaStore => call.claims.as_ref().map(|c| c.customer_id),
        _ => call.param_i64("redeemerId").or_else(|| call.body.get("redeemerId").and_then(Value::as_i64)),
    }
}

fn code_of(call: &Call<'_>) -> String {
    call.param_str("giftCode").or_else(|| call.param_str("code")).unwrap_or_default()
}

/// What redeeming `gift` would do for `customer_id`: `Ok((mode, extended subscription))` or
/// `Err(refusal reason)`.
fn check(state: &State, gift: &Gift, customer_id: i64) -> Result<(&'static str, Option<i64>), &'static str> {
    if gift.redeemed_at.is_some() {
        return Err("REDEEMED");
    }
    if !state.offer(&gift.offer_id).is_some_and(|o| o.active) {
        return Err("INACTIVE OFFER");
    }
    let offer = crate::state::short_id(&gift.offer_id);
    let matching: Vec<i64> = state
        .subscriptions
        .values()
        .filter(|s| s.customer_id == customer_id && s.offer_id == offer && s.status == "active")
        .map(|s| s.id)
        .collect();
    match matching.as_slice() {
        [] => Ok(("NEW", None)),
        [one] => Ok(("EXTEND", Some(*one))),
        _ => Err("MORE THAN ONE MATCHING SUBSCRIPTION"),
    }
}

fn verification(gift: &Gift, check: Result<(&'static str, Option<i64>), &'static str>) -> Value {
    match check {
        Ok((mode, extended)) => json!({
            "redeemable": true,
            "redeemMode": mode,
            "redeemRefusalReason": null,
            "extendedSubscriptionId": extended,
            "offerId": gift.offer_id,
        }),
        Err(reason) => json!({
            "redeemable": false,
            "redeemMode": null,
            "redeemRefusalReason": reason,
            "extendedSubscriptionId": null,
            "offerId": gift.offer_id,
        }),
    }
}

fn verify(state: &State, call: &Call<'_>) -> Outcome {
    let code = code_of(call);
    let Some(gift) = state.gifts.values().find(|g| g.code == code) else {
        return gift_not_found();
    };
    let customer_id = redeemer(call).unwrap_or_default();
    answer(call, verification(gift, check(state, gift, customer_id)))
}

fn redeem(state: &mut State, call: &Call<'_>, events: &mut Vec<Event>) -> Outcome {
    let code = code_of(call);
    let Some(gift) = state.gifts.values().find(|g| g.code == code).cloned() else {
        return gift_not_found();
    };
    let Some(customer_id) = redeemer(call).filter(|id| state.customers.contains_key(id)) else {
        return Outcome::fail(&[422, 400], "Redeemer not found", "GIFT0004");
    };
    let outcome = check(state, &gift, customer_id);
    let (mode, extended) = match outcome {
        Ok(ok) => ok,
        Err(reason) => {
            return Outcome::fail(&[409, 422], format!("Gift is not redeemable. Refusal reason: {reason}"), "GIFT0005")
        }
    };
    let t = now();
    let offer = crate::state::short_id(&gift.offer_id).to_string();
    let expires = match extended.and_then(|id| state.subscriptions.get_mut(&id)) {
        Some(sub) => {
            sub.date_to += PERIOD_SECS;
            sub.date_to
        }
        None => {
            let sub = Subscription {
                id: state.next_id(),
                customer_id,
                offer_id: offer.clone(),
                status: "active",
                date_from: t,
                date_to: t + PERIOD_SECS,
                payment_method_id: 0,
                external_id: format!("gift-{}", gift.id),
                in_trial: false,
                pause: None,
            };
            events.push(crate::journeys::subscription_created(&sub));
            let expires = sub.date_to;
            state.subscriptions.insert(sub.id, sub);
            expires
        }
    };
    state.entitlements.insert((customer_id, offer), expires);
    if let Some(g) = state.gifts.get_mut(&gift.id) {
        g.redeemed_at = Some(t);
    }
    match call.family {
        Family::MediaStore => answer(call, verification(&gift, Ok((mode, extended)))),
        _ => Outcome::json(200, json!({ "message": "OK" })),
    }
}
