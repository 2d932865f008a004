//! The stateful operations: the main journeys answer from the mock's state, not from examples.
//!
//! * identity: MediaStore register / login / refresh / get customer (JWT signed by the key the
//!   Auth API's JWKS serves); Core register / get customer;
//! * checkout: MediaStore offers, order (also as a gift), payment without details, entitlement;
//! * gifts and transactions: see [`crate::gifts`];
//! * publisher back end: Core subscriptions (create, list, get, pause, resume), entitlements,
//!   offers with `ETag` / `If-Match`;
//! * device pairing: Auth generate / authorize / check code;
//! * webhooks: endpoints (create, list, get, update, delete, rotate), event types; signed
//!   deliveries for customerRegistered, transactionCreated, subscriptionCreated, offerUpdated.
//!
//! Every other operation answers from the spec (`Outcome::FromSpec`).

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::server::{Call, Outcome, Shared};
use crate::spec::Family;
use crate::state::{
    now, short_id, Customer, DeviceCode, Endpoint, Offer, Order, State, Subscription, PERIOD_SECS, PUBLISHER_ID,
};
use crate::webhooks::Event;

/// Routes a validated call to its journey.
pub(crate) fn handle(shared: &Shared, state: &mut State, call: &Call<'_>, events: &mut Vec<Event>) -> Outcome {
    use Family::*;
    if let Some(outcome) = crate::gifts::handle(state, call, events) {
        return outcome;
    }
    match (call.family, call.operation_id) {
        (MediaStore, "registerCustomer") => ms_register(shared, state, call, events),
        (MediaStore, "loginCustomer") => ms_login(shared, state, call),
        (MediaStore, "refreshToken") => ms_refresh(shared, state, call),
        (MediaStore, "getCustomer") => with_own_customer(state, call, |c| Outcome::json(200, envelope(ms_customer(c)))),
        (MediaStore, "listOffers") => ms_list_offers(state),
        (MediaStore, "getOffer") => ms_get_offer(state, call),
        (MediaStore, "getOfferV2") => match state.offer(&call.param_str("offerId").unwrap_or_default()) {
            Some(o) => Outcome::json(200, envelope(ms_offer_v2(o))),
            None => Outcome::fail(&[404], "Offer not found", "OFFER0001"),
        },
        (MediaStore, "createOrder") => ms_create_order(state, call),
        (MediaStore, "getOrder") => ms_get_order(state, call),
        (MediaStore, "updateOrder") => ms_update_order(state, call),
        (MediaStore, "createPaymentWithoutDetails") => ms_pay(state, call, events),
        (MediaStore, "getEntitlements") => ms_entitlement(state, call),
        (MediaStore, "listCustomerSubscriptions") => with_own_customer(state, call, |c| {
            let items: Vec<Value> = subscriptions_of(state, c.id).map(ms_subscription).collect();
            Outcome::json(200, envelope(json!({ "items": items })))
        }),

        (Core, "registerCustomer") => core_register(state, call, events),
        (Core, "getCustomer") => match call.param_i64("customerId").and_then(|id| state.customers.get(&id)) {
            Some(c) => Outcome::json(200, json!({ "success": true, "message": "", "data": core_customer(c) })),
            None => Outcome::fail(&[404], "Customer not found", "NOTFOUND"),
        },
        (Core, "listOffers") => core_list_offers(state, call),
        (Core, "getOffer") => core_get_offer(state, call),
        (Core, "updateOffer") => core_update_offer(state, call, events),
        (Core, "createSubscription") => core_create_subscription(state, call, events),
        (Core, "listSubscriptions") => core_list_subscriptions(state, call),
        (Core, "getSubscription") => match subscription(state, call) {
            Some(s) => Outcome::json(200, core_subscription(s)),
            None => not_found_subscription(call),
        },
        (Core, "pauseSubscription") => core_pause(state, call),
        (Core, "resumeSubscription") => core_resume(state, call),
        (Core, "getEntitlement") => core_entitlement(state, call),

        (Auth, "getJwks") => Outcome::json(200, shared.keys.jwks()),
        (Auth, "generateDeviceCode") => auth_generate(state, call),
        (Auth, "authorizeDeviceCode") => auth_authorize(state, call),
        (Auth, "checkDeviceCode") => auth_check(shared, state, call),

        (Webhooks, "listEventTypes") => Outcome::json(200, event_types(shared)),
        (Webhooks, "createWebhookEndpoint") => wh_create(state, call),
        (Webhooks, "listWebhookEndpoints") => wh_list(state, call),
        (Webhooks, "listEndpointsForEventType") => {
            let topic = call.param_str("eventType").unwrap_or_default();
            let data: Vec<Value> = state
                .endpoints
                .values()
                .filter(|e| e.event_types.is_empty() || e.event_types.contains(&topic))
                .map(endpoint_json)
                .collect();
            Outcome::json(200, json!({ "data": data }))
        }
        (Webhooks, "getWebhookEndpoint") => match endpoint(state, call) {
            Some(e) => Outcome::json(200, json!({ "data": endpoint_json(e) })),
            None => no_endpoint(),
        },
        (Webhooks, "updateWebhookEndpoint") => wh_update(state, call),
        (Webhooks, "deleteWebhookEndpoint") => {
            let id = call.param_str("endpointId").unwrap_or_default();
            match state.endpoints.remove(&id) {
                Some(_) => Outcome::Empty { status: 204, headers: Vec::new() },
                None => no_endpoint(),
            }
        }
        (Webhooks, "rotateEndpointSigningSecret") => {
            let id = call.param_str("endpointId").unwrap_or_default();
            let secret = random_token(state, "whsec_");
            match state.endpoints.get_mut(&id) {
                Some(e) => {
                    e.secret = secret;
                    e.updated_at = now();
                    Outcome::json(200, json!({ "data": endpoint_with_secret(e) }))
                }
                None => no_endpoint(),
            }
        }
        _ => Outcome::FromSpec,
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A hard-to-guess token (not cryptographically random; this is a mock).
pub(crate) fn random_token(state: &mut State, prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let digest = Sha256::digest(format!("{}:{nanos}:{:p}", state.next_id(), state).as_bytes());
    format!("{prefix}{}", hex::encode(&digest[..16]))
}

pub(crate) fn envelope(data: Value) -> Value {
    json!({ "responseData": data, "errors": [] })
}

fn body_str<'a>(call: &'a Call<'_>, key: &str) -> Option<&'a str> {
    call.body.get(key).and_then(Value::as_str)
}

fn iso(secs: i64) -> String {
    // Civil date from Unix seconds (Howard Hinnant's algorithm), UTC.
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Runs `f` on the customer named by the `customerId` path parameter, which must be the
/// customer the JWT belongs to (401 otherwise, as MediaStore documents).
fn with_own_customer(state: &State, call: &Call<'_>, f: impl FnOnce(&Customer) -> Outcome) -> Outcome {
    let id = call.param_i64("customerId");
    let own = call.claims.as_ref().map(|c| c.customer_id);
    match (id, own) {
        (Some(id), Some(own)) if id == own => match state.customers.get(&id) {
            Some(c) => f(c),
            None => Outcome::fail(&[401], "customer no longer exists", "AUTH0002"),
        },
        _ => Outcome::fail(&[401], "the JWT belongs to another customer", "AUTH0002"),
    }
}

fn customer_id_of(call: &Call<'_>) -> i64 {
    call.claims.as_ref().map(|c| c.customer_id).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// MediaStore identity

fn tokens(shared: &Shared, state: &mut State, customer_id: i64) -> Value {
    let jwt = shared.keys.sign(customer_id, PUBLISHER_ID, now());
    let refresh = random_token(state, "rt_");
    state.refresh_tokens.insert(refresh.clone(), customer_id);
    json!({
        "jwt": jwt,
        "refreshToken": refresh,
        "customerToken": format!("ct_{customer_id}"),
        "customerId": customer_id,
    })
}

fn ms_register(shared: &Shared, state: &mut State, call: &Call<'_>, events: &mut Vec<Event>) -> Outcome {
    let email = body_str(call, "email").unwrap_or_default();
    if state.customer_by_email(email).is_some() {
        return Outcome::fail(&[422], "Customer already exists", "USER0002");
    }
    let customer = new_customer(state, call);
    events.push(customer_registered(&customer));
    let id = customer.id;
    state.customers.insert(id, customer);
    Outcome::json(200, envelope(tokens(shared, state, id)))
}

fn new_customer(state: &mut State, call: &Call<'_>) -> Customer {
    let text = |k: &str| body_str(call, k).map(str::to_string);
    Customer {
        id: state.next_id(),
        email: text("email").unwrap_or_default(),
        password: text("password").unwrap_or_default(),
        first_name: text("firstName"),
        last_name: text("lastName"),
        locale: text("locale").unwrap_or_else(|| "en_US".into()),
        country: text("country").unwrap_or_else(|| "US".into()),
        currency: text("currency").unwrap_or_else(|| "USD".into()),
        external_id: text("externalId"),
        registered_at: now(),
    }
}

fn customer_registered(c: &Customer) -> Event {
    let mut data = json!({ "customerId": c.id, "customerEmail": c.email });
    if let Some(external) = &c.external_id {
        data["customerExternalId"] = json!(external);
    }
    ("customerRegistered", data)
}

fn ms_login(shared: &Shared, state: &mut State, call: &Call<'_>) -> Outcome {
    let email = body_str(call, "email").unwrap_or_default();
    let password = body_str(call, "password").unwrap_or_default();
    match state.customer_by_email(email) {
        Some(c) if c.password == password => {
            let id = c.id;
            Outcome::json(200, envelope(tokens(shared, state, id)))
        }
        _ => Outcome::fail(&[401], "Wrong email or password", "USER0001"),
    }
}

fn ms_refresh(shared: &Shared, state: &mut State, call: &Call<'_>) -> Outcome {
    let token = body_str(call, "refreshToken").unwrap_or_default();
    // Single use, as Cleeng documents.
    match state.refresh_tokens.remove(token) {
        Some(customer_id) => {
            let t = tokens(shared, state, customer_id);
            Outcome::json(200, envelope(json!({ "jwt": t["jwt"], "refreshToken": t["refreshToken"] })))
        }
        None => Outcome::fail(&[400], "Invalid refresh token", "AUTH0002"),
    }
}

fn ms_customer(c: &Customer) -> Value {
    json!({
        "id": c.id,
        "email": c.email,
        "firstName": c.first_name,
        "lastName": c.last_name,
        "country": c.country,
        "locale": c.locale,
        "currency": c.currency,
        "regDate": iso(c.registered_at),
        "externalId": c.external_id,
    })
}

// ---------------------------------------------------------------------------------------------
// MediaStore checkout

fn price(o: &Offer) -> Value {
    json!({ "amount": o.amount, "currency": o.currency, "taxIncluded": true })
}

fn ms_offer_v2(o: &Offer) -> Value {
    json!({
        "id": o.id,
        "longId": o.long_id(),
        "title": o.title,
        "description": o.description,
        "price": price(o),
        "active": o.active,
        "type": o.kind,
        "tags": o.tags,
        "createdAt": o.created_at,
        "updatedAt": o.updated_at,
        "giftable": o.giftable,
    })
}

/// Core's offer list: `x-total-count` always; a list `ETag` (from the offers' versions) on
/// conditional requests, and 304 when `If-None-Match` still matches, as the spec promises.
fn core_list_offers(state: &State, call: &Call<'_>) -> Outcome {
    let offers: Vec<Value> = state.offers.values().map(core_offer).collect();
    let version: u64 = state.offers.values().map(|o| o.version).sum();
    let etag = format!("\"offers-{}-{version}\"", state.offers.len());
    let mut headers = vec![("x-total-count".to_string(), offers.len().to_string())];
    if let Some(tag) = call.header("if-none-match") {
        headers.push(("ETag".into(), etag.clone()));
        if etag_matches(tag, &etag) {
            return Outcome::Empty { status: 304, headers };
        }
    } else if call.header("if-match").is_some() {
        headers.push(("ETag".into(), etag));
    }
    Outcome::Json { status: 200, facts: Value::Array(offers), headers }
}

fn ms_list_offers(state: &State) -> Outcome {
    let offers: Vec<Value> = state.offers.values().map(ms_offer_v2).collect();
    let total = offers.len().to_string();
    Outcome::Json {
        status: 200,
        facts: envelope(Value::Array(offers)),
        headers: vec![("x-total-count".into(), total)],
    }
}

fn ms_get_offer(state: &State, call: &Call<'_>) -> Outcome {
    let id = call.param_str("offerId").unwrap_or_default();
    match state.offer(&id) {
        Some(o) => Outcome::json(
            200,
            envelope(json!({
                "offerId": o.long_id(),
                "offerTitle": o.title,
                "offerDescription": o.description,
                "offerPrice": o.amount,
                "offerCurrency": o.currency,
                "offerCountry": o.country,
                "customerPriceInclTax": o.amount,
                "customerCurrency": o.currency,
                "customerCountry": o.country,
                "period": if o.kind == "subscription" { Value::from("month") } else { Value::Null },
            })),
        ),
        None => Outcome::fail(&[404], format!("Offer {id} not found"), "OFFER0001"),
    }
}

fn ms_order(state: &State, order: &Order) -> Value {
    let offer = state.offer(&order.offer_id);
    let email = state.customers.get(&order.customer_id).map(|c| c.email.clone());
    json!({
        "id": order.id,
        "customerId": order.customer_id,
        "customer": { "email": email, "locale": "en_US" },
        "publisherId": PUBLISHER_ID,
        "offerId": order.offer_id,
        "offer": {
            "title": offer.map(|o| o.title.clone()),
            "description": offer.and_then(|o| o.description.clone()),
            "price": order.amount,
            "currency": order.currency,
        },
        "totalPrice": order.amount,
        "priceBreakdown": {
            "offerPrice": order.amount,
            "discountAmount": 0.0,
            "discountedPrice": order.amount,
            "taxValue": 0.0,
            "customerServiceFee": 0.0,
            "paymentMethodFee": 0.0,
        },
        "taxRate": 0.0,
        "currency": order.currency,
        "country": order.country,
        "paymentMethodId": order.payment_method_id,
        "requiredPaymentDetails": false,
        "buyAsAGift": order.buy_as_a_gift,
    })
}

fn ms_create_order(state: &mut State, call: &Call<'_>) -> Outcome {
    let customer_id = call.body.get("customerId").and_then(Value::as_i64).unwrap_or_default();
    if customer_id != customer_id_of(call) {
        return Outcome::fail(&[401], "customerId does not match the JWT", "AUTH0002");
    }
    let offer_id = body_str(call, "offerId").unwrap_or_default();
    let Some(offer) = state.offer(offer_id).cloned() else {
        return Outcome::fail(&[422], format!("Offer {offer_id} not found"), "OFFER0001");
    };
    if !offer.active {
        return Outcome::fail(&[422], format!("Offer {offer_id} is not active"), "OFFER0002");
    }
    let order = Order {
        id: state.next_id(),
        customer_id,
        offer_id: offer.long_id(),
        amount: offer.amount,
        currency: offer.currency.clone(),
        country: body_str(call, "country").unwrap_or(&offer.country).to_string(),
        payment_method_id: call.body.get("paymentMethodId").and_then(Value::as_i64).unwrap_or(0),
        paid: false,
        buy_as_a_gift: call.body.get("buyAsAGift").and_then(Value::as_bool).unwrap_or(false),
        delivery: call.body.get("deliveryDetails").cloned(),
    };
    let body = envelope(json!({ "order": ms_order(state, &order), "success": true, "message": "Order created" }));
    state.orders.insert(order.id, order);
    Outcome::json(200, body)
}

fn ms_get_order(state: &State, call: &Call<'_>) -> Outcome {
    let id = call.param_i64("orderId").unwrap_or_default();
    match state.orders.get(&id).filter(|o| o.customer_id == customer_id_of(call)) {
        Some(order) => Outcome::json(200, envelope(json!({ "order": ms_order(state, order), "success": true, "message": "" }))),
        None => Outcome::fail(&[404], format!("Order {id} not found"), "ORDER0001"),
    }
}

/// Sets the payment method, the gift flag or the delivery details of an unpaid order (the keys
/// sent; a coupon is accepted and ignored).
fn ms_update_order(state: &mut State, call: &Call<'_>) -> Outcome {
    let id = call.param_i64("orderId").unwrap_or_default();
    let customer_id = customer_id_of(call);
    let Some(order) = state.orders.get_mut(&id).filter(|o| o.customer_id == customer_id) else {
        // The spec documents no 404 here: the first documented of these statuses answers.
        return Outcome::fail(&[404, 422], format!("Order {id} not found"), "ORDER0001");
    };
    if order.paid {
        return Outcome::fail(&[422, 400], format!("Order {id} is already paid"), "ORDER0002");
    }
    let b = &call.body;
    if let Some(v) = b.get("paymentMethodId").and_then(Value::as_i64) {
        order.payment_method_id = v;
    }
    if let Some(v) = b.get("buyAsAGift").and_then(Value::as_bool) {
        order.buy_as_a_gift = v;
    }
    if let Some(v) = b.get("deliveryDetails") {
        order.delivery = Some(v.clone());
    }
    let order = order.clone();
    Outcome::json(200, envelope(json!({ "order": ms_order(state, &order), "success": true, "message": "Order updated" })))
}

fn ms_pay(state: &mut State, call: &Call<'_>, events: &mut Vec<Event>) -> Outcome {
    let order_id = call.body.get("orderId").and_then(Value::as_i64).unwrap_or_default();
    let customer_id = customer_id_of(call);
    let Some(order) = state.orders.get(&order_id).filter(|o| o.customer_id == customer_id).cloned() else {
        return Outcome::fail(&[422], format!("Order {order_id} not found"), "ORDER0001");
    };
    if order.paid {
        return Outcome::fail(&[422], format!("Order {order_id} is already paid"), "ORDER0002");
    }
    let Some(offer) = state.offer(&order.offer_id).cloned() else {
        return Outcome::fail(&[422], "The order's offer no longer exists", "OFFER0001");
    };
    let t = now();
    let payment_id = state.next_id();
    let transaction_id = format!("T{}", 100_000_000 + payment_id % 900_000_000);
    let payment = json!({
        "id": payment_id,
        "orderId": order.id,
        "status": "captured",
        "totalAmount": order.amount,
        "amount": order.amount,
        "currency": order.currency,
        "customerId": customer_id,
        "paymentGateway": "mock",
        "paymentMethod": "manual",
        "externalPaymentId": transaction_id,
        "country": order.country,
        "offerType": offer.kind,
        "taxValue": 0.0,
        "paymentMethodFee": 0.0,
        "customerServiceFee": 0.0,
        "paymentOperation": "initial-payment",
    });
    state.payments.push(payment.clone());
    if let Some(o) = state.orders.get_mut(&order.id) {
        o.paid = true;
    }
    if order.buy_as_a_gift {
        // The gifter pays; the recipient gets access when they redeem the code.
        crate::gifts::create_from_order(state, &order, &offer, transaction_id.clone(), t);
        events.push(transaction_created(state, &order, customer_id, payment_id, &transaction_id, t));
        return Outcome::json(200, envelope(payment));
    }
    let expires = t + PERIOD_SECS;
    state.entitlements.insert((customer_id, offer.id.clone()), expires);
    events.push(transaction_created(state, &order, customer_id, payment_id, &transaction_id, t));
    if offer.kind == "subscription" {
        let sub = Subscription {
            id: state.next_id(),
            customer_id,
            offer_id: offer.id.clone(),
            status: "active",
            date_from: t,
            date_to: expires,
            payment_method_id: order.payment_method_id,
            external_id: format!("order-{}", order.id),
            in_trial: false,
            pause: None,
        };
        events.push(subscription_created(&sub));
        let target = Some(sub.id);
        state.subscriptions.insert(sub.id, sub);
        crate::gifts::record_transaction(state, &order, &offer, transaction_id, t, "subscriptionId", target);
    } else {
        crate::gifts::record_transaction(state, &order, &offer, transaction_id, t, "subscriptionId", None);
    }
    Outcome::json(200, envelope(payment))
}

fn transaction_created(state: &State, order: &Order, customer_id: i64, payment_id: i64, transaction_id: &str, t: i64) -> Event {
    let email = state.customers.get(&customer_id).map(|c| c.email.clone());
    (
        "transactionCreated",
        json!({
            "offerId": order.offer_id,
            "transactionId": transaction_id,
            "customerId": customer_id,
            "paymentId": payment_id,
            "offerPrice": order.amount,
            "offerCurrency": order.currency,
            "customerEmail": email,
            "paymentGateway": "mock",
            "transactionCountry": order.country,
            "transactionCurrency": order.currency,
            "transactionDate": t,
        }),
    )
}

fn ms_entitlement(state: &State, call: &Call<'_>) -> Outcome {
    let offer_id = call.param_str("offerId").unwrap_or_default();
    let expires = state.access(customer_id_of(call), &offer_id);
    Outcome::json(200, envelope(json!({ "accessGranted": expires.is_some(), "expiresAt": expires })))
}

fn subscriptions_of(state: &State, customer_id: i64) -> impl Iterator<Item = &Subscription> {
    state.subscriptions.values().filter(move |s| s.customer_id == customer_id)
}

fn ms_subscription(s: &Subscription) -> Value {
    json!({
        "subscriptionId": s.id,
        "offerId": s.offer_id,
        "status": s.status,
        "expiresAt": s.date_to,
    })
}

// ---------------------------------------------------------------------------------------------
// Core

fn core_register(state: &mut State, call: &Call<'_>, events: &mut Vec<Event>) -> Outcome {
    let email = body_str(call, "email").unwrap_or_default();
    if state.customer_by_email(email).is_some() {
        return Outcome::fail(&[422], "Customer already exists", "USER0002");
    }
    let customer = new_customer(state, call);
    events.push(customer_registered(&customer));
    let body = json!({ "success": true, "message": "", "data": core_customer(&customer) });
    state.customers.insert(customer.id, customer);
    Outcome::json(200, body)
}

fn core_customer(c: &Customer) -> Value {
    json!({
        "id": c.id,
        "email": c.email,
        "country": c.country,
        "regDate": iso(c.registered_at),
        "currency": c.currency,
        "locale": c.locale,
        "firstName": c.first_name,
        "lastName": c.last_name,
        "externalId": c.external_id,
    })
}

fn core_offer(o: &Offer) -> Value {
    json!({
        "id": o.id,
        "longId": o.long_id(),
        "type": o.kind,
        "tags": o.tags,
        "active": o.active,
        "title": o.title,
        "description": o.description,
        "url": o.url,
        "imageUrl": o.image_url,
        "createdAt": o.created_at,
        "updatedAt": o.updated_at,
        "price": price(o),
        "giftable": o.giftable,
        "pause": { "maxBillingCycles": o.max_pause_cycles },
    })
}

fn etag_header(o: &Offer) -> Vec<(String, String)> {
    vec![("ETag".into(), o.etag())]
}

fn core_get_offer(state: &State, call: &Call<'_>) -> Outcome {
    let id = call.param_str("offerId").unwrap_or_default();
    let Some(offer) = state.offer(&id) else {
        return Outcome::fail(&[404], format!("Offer {id} not found"), "NOTFOUND");
    };
    match call.header("if-none-match") {
        Some(tag) if etag_matches(tag, &offer.etag()) => Outcome::Empty { status: 304, headers: etag_header(offer) },
        Some(_) => Outcome::Json { status: 200, facts: core_offer(offer), headers: etag_header(offer) },
        // Cleeng sends the ETag only to conditional requests.
        None if call.header("if-match").is_some() => {
            Outcome::Json { status: 200, facts: core_offer(offer), headers: etag_header(offer) }
        }
        None => Outcome::json(200, core_offer(offer)),
    }
}

fn etag_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
}

fn core_update_offer(state: &mut State, call: &Call<'_>, events: &mut Vec<Event>) -> Outcome {
    let id = call.param_str("offerId").unwrap_or_default();
    let if_match = call.header("if-match").map(str::to_string);
    let Some(offer) = state.offers.get_mut(short_id(&id)) else {
        return Outcome::fail(&[404], format!("Offer {id} not found"), "NOTFOUND");
    };
    if let Some(tag) = &if_match {
        if !etag_matches(tag, &offer.etag()) {
            return Outcome::Empty { status: 412, headers: etag_header(offer) };
        }
    }
    let before = core_offer(offer);
    let b = &call.body;
    if let Some(v) = b.get("title").and_then(Value::as_str) {
        offer.title = v.to_string();
    }
    if let Some(v) = b.get("description").and_then(Value::as_str) {
        offer.description = Some(v.to_string());
    }
    if let Some(v) = b.get("url") {
        offer.url = v.as_str().map(str::to_string);
    }
    if let Some(v) = b.get("imageUrl") {
        offer.image_url = v.as_str().map(str::to_string);
    }
    if let Some(tags) = b.get("tags").and_then(Value::as_array) {
        offer.tags = tags.iter().filter_map(Value::as_str).map(str::to_string).collect();
    }
    if let Some(v) = b.get("giftable").and_then(Value::as_bool) {
        offer.giftable = v;
    }
    if let Some(amount) = b.pointer("/price/amount").and_then(Value::as_f64) {
        offer.amount = amount;
    }
    if core_offer(offer) == before {
        return match if_match {
            Some(_) => Outcome::Empty { status: 204, headers: etag_header(offer) },
            None => Outcome::json(200, core_offer(offer)),
        };
    }
    offer.version += 1;
    offer.updated_at = now();
    events.push(("offerUpdated", json!({ "offerId": offer.id, "updatedAt": offer.updated_at })));
    let headers = if if_match.is_some() { etag_header(offer) } else { Vec::new() };
    Outcome::Json { status: 200, facts: core_offer(offer), headers }
}

fn core_subscription(s: &Subscription) -> Value {
    json!({
        "subscriptionId": s.id,
        "publisherId": PUBLISHER_ID,
        "customerId": s.customer_id,
        "status": s.status,
        "dateFrom": s.date_from,
        "dateTo": s.date_to,
        "subscriptionExternalId": s.external_id,
        "offerId": format!("{}_US", s.offer_id),
        "paymentCountry": "US",
        "inTrial": s.in_trial,
        "paymentMethodId": s.payment_method_id,
        "isExternallyManaged": false,
        "pause": s.pause.map(|(requested, pause, resume)| json!({
            "requestedAt": requested,
            "pauseDate": pause,
            "resumeDate": resume,
            "failedResumes": [],
        })),
    })
}

pub(crate) fn subscription_created(s: &Subscription) -> Event {
    (
        "subscriptionCreated",
        json!({
            "subscriptionId": s.id,
            "customerId": s.customer_id,
            "offerId": format!("{}_US", s.offer_id),
            "status": s.status,
            "expiresAt": s.date_to,
        }),
    )
}

fn core_create_subscription(state: &mut State, call: &Call<'_>, events: &mut Vec<Event>) -> Outcome {
    let b = &call.body;
    let customer_id = b.get("customerId").and_then(Value::as_i64).unwrap_or_default();
    if !state.customers.contains_key(&customer_id) {
        return Outcome::fail(&[422], format!("Customer {customer_id} not found"), "NOTFOUND");
    }
    let offer_id = b.get("offerId").and_then(Value::as_str).unwrap_or_default();
    let Some(offer) = state.offer(offer_id).cloned() else {
        return Outcome::fail(&[422], format!("Offer {offer_id} not found"), "NOTFOUND");
    };
    if offer.kind != "subscription" {
        return Outcome::fail(&[422], format!("Offer {offer_id} is not a subscription offer"), "NOTSUB");
    }
    let t = now();
    let date_to = b.get("expiresAt").and_then(Value::as_i64).unwrap_or(t + PERIOD_SECS);
    let sub = Subscription {
        id: state.next_id(),
        customer_id,
        offer_id: offer.id.clone(),
        status: "active",
        date_from: t,
        date_to,
        payment_method_id: b.get("paymentMethodId").and_then(Value::as_i64).unwrap_or_default(),
        external_id: b.get("externalId").and_then(Value::as_str).unwrap_or_default().to_string(),
        in_trial: b.get("inTrial").and_then(Value::as_bool).unwrap_or(false),
        pause: None,
    };
    state.entitlements.insert((customer_id, offer.id.clone()), date_to);
    events.push(subscription_created(&sub));
    let body = core_subscription(&sub);
    state.subscriptions.insert(sub.id, sub);
    Outcome::json(201, body)
}

fn core_list_subscriptions(state: &State, call: &Call<'_>) -> Outcome {
    let customer = call.param_i64("customerId");
    let offer = call.param_str("offerId");
    let statuses: Vec<String> = call
        .query
        .get("status[]")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let matching: Vec<&Subscription> = state
        .subscriptions
        .values()
        .filter(|s| customer.is_none_or(|c| s.customer_id == c))
        .filter(|s| offer.as_deref().is_none_or(|o| short_id(o) == s.offer_id))
        .filter(|s| statuses.is_empty() || statuses.iter().any(|st| st == s.status))
        .collect();
    let offset = call.param_i64("offset").unwrap_or(0).max(0) as usize;
    let limit = call.param_i64("limit").unwrap_or(20).clamp(1, 100) as usize;
    let page: Vec<Value> = matching.iter().skip(offset).take(limit).map(|s| core_subscription(s)).collect();
    Outcome::Json {
        status: 200,
        facts: json!({ "success": true, "data": page, "message": "" }),
        headers: vec![("X-Total-Count".into(), matching.len().to_string())],
    }
}

fn subscription<'a>(state: &'a State, call: &Call<'_>) -> Option<&'a Subscription> {
    call.param_i64("subscriptionId").and_then(|id| state.subscriptions.get(&id))
}

fn not_found_subscription(call: &Call<'_>) -> Outcome {
    let id = call.param_i64("subscriptionId").unwrap_or_default();
    Outcome::fail(&[404], format!("Subscription with id: {id} not found"), "NOTFOUND")
}

fn core_pause(state: &mut State, call: &Call<'_>) -> Outcome {
    let cycles = call.body.get("resumesAfterBillingCycles").and_then(Value::as_i64).unwrap_or(1);
    let id = call.param_i64("subscriptionId").unwrap_or_default();
    let max = state
        .subscriptions
        .get(&id)
        .and_then(|s| state.offer(&s.offer_id))
        .map(|o| o.max_pause_cycles)
        .unwrap_or(3);
    let Some(sub) = state.subscriptions.get_mut(&id) else {
        return not_found_subscription(call);
    };
    if sub.status != "active" {
        return Outcome::fail(&[422], format!("Subscription {id} is {} and cannot be paused", sub.status), "STATE");
    }
    if cycles > max {
        return Outcome::fail(&[400], "Maximum limit of allowed billing cycles exceeded", "LIMIT");
    }
    // The mock pauses at once (Cleeng waits for the anniversary date) so the change is visible.
    let t = now();
    sub.status = "paused";
    sub.pause = Some((t, sub.date_to, sub.date_to + cycles * PERIOD_SECS));
    Outcome::json(200, core_subscription(sub))
}

fn core_resume(state: &mut State, call: &Call<'_>) -> Outcome {
    let Some(sub) = call.param_i64("subscriptionId").and_then(|id| state.subscriptions.get_mut(&id)) else {
        return not_found_subscription(call);
    };
    if sub.status != "paused" {
        return Outcome::fail(&[422], format!("Subscription {} is not paused", sub.id), "STATE");
    }
    sub.status = "active";
    sub.pause = None;
    Outcome::json(202, core_subscription(sub))
}

fn core_entitlement(state: &State, call: &Call<'_>) -> Outcome {
    let customer_id = call.param_i64("customerId").unwrap_or_default();
    let offer_id = call.param_str("offerId").unwrap_or_default();
    if !state.customers.contains_key(&customer_id) {
        return Outcome::fail(&[404], format!("Customer {customer_id} not found"), "NOTFOUND");
    }
    let expires = state.access(customer_id, &offer_id);
    Outcome::json(200, json!({ "offerId": offer_id, "accessGranted": expires.is_some(), "expiresAt": expires }))
}

// ---------------------------------------------------------------------------------------------
// Auth: device pairing

/// How long a pairing code stays valid.
const CODE_LIFETIME_SECS: i64 = 15 * 60;

fn auth_generate(state: &mut State, call: &Call<'_>) -> Outcome {
    let token = random_token(state, "");
    let code: String = token.chars().take(6).collect::<String>().to_uppercase();
    let expires_at = now() + CODE_LIFETIME_SECS;
    state.device_codes.insert(
        code.clone(),
        DeviceCode {
            device_id: body_str(call, "deviceId").unwrap_or_default().to_string(),
            expires_at,
            customer_id: None,
            additional_payload: None,
        },
    );
    Outcome::json(
        200,
        json!({
            "code": code,
            "expiresAt": expires_at * 1000,
            "verificationUrl": format!("{}/activate", call.host),
        }),
    )
}

fn auth_authorize(state: &mut State, call: &Call<'_>) -> Outcome {
    let code = body_str(call, "code").unwrap_or_default().to_uppercase();
    let customer_id = customer_id_of(call);
    match state.device_codes.get_mut(&code) {
        None => Outcome::fail(&[404], "PIN-Pair Authentication Code not found or invalid", "PINP0201"),
        Some(c) if c.expires_at <= now() => Outcome::fail(&[410], "PIN-Pair Authentication Code expired", "PINP0203"),
        Some(c) => {
            c.customer_id = Some(customer_id);
            c.additional_payload = body_str(call, "additionalPayload").map(str::to_string);
            Outcome::Empty { status: 200, headers: Vec::new() }
        }
    }
}

fn auth_check(shared: &Shared, state: &mut State, call: &Call<'_>) -> Outcome {
    let code = call.param_str("code").unwrap_or_default().to_uppercase();
    let Some(c) = state.device_codes.get(&code).cloned() else {
        return Outcome::fail(&[404], "PIN-Pair Authentication Code not found or invalid", "PINP0201");
    };
    if c.expires_at <= now() {
        return Outcome::fail(&[410], "PIN-Pair Authentication Code expired", "PINP0203");
    }
    if let Some(device) = call.param_str("deviceId") {
        if device != c.device_id {
            return Outcome::fail(&[404], "PIN-Pair Authentication Code not found or invalid", "PINP0201");
        }
    }
    let Some(customer_id) = c.customer_id else {
        return Outcome::fail(&[401], "PIN-Pair Authentication Code not authorized yet", "PINP0301");
    };
    let t = tokens(shared, state, customer_id);
    Outcome::json(
        200,
        json!({
            "tokenType": "JWT",
            "accessToken": t["jwt"],
            "refreshToken": t["refreshToken"],
            "expiresIn": crate::jwt::JWT_LIFETIME_SECS * 1000,
            "customerId": customer_id.to_string(),
            "additionalPayload": c.additional_payload,
        }),
    )
}

// ---------------------------------------------------------------------------------------------
// Webhooks API

fn no_endpoint() -> Outcome {
    Outcome::fail(&[404], "Endpoint not found", "NOTFOUND")
}

fn endpoint<'a>(state: &'a State, call: &Call<'_>) -> Option<&'a Endpoint> {
    call.param_str("endpointId").and_then(|id| state.endpoints.get(&id))
}

fn endpoint_json(e: &Endpoint) -> Value {
    json!({
        "id": e.id,
        "name": e.name,
        "url": e.url,
        "status": e.status,
        "eventTypes": e.event_types,
        "retryPolicy": e.retry_policy.clone().unwrap_or(json!({})),
        "signing": { "algorithm": "HMAC-SHA256" },
        "createdAt": iso(e.created_at),
        "updatedAt": iso(e.updated_at),
    })
}

fn endpoint_with_secret(e: &Endpoint) -> Value {
    let mut v = endpoint_json(e);
    v["signing"] = json!({ "algorithm": "HMAC-SHA256", "secret": e.secret });
    v
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

fn wh_create(state: &mut State, call: &Call<'_>) -> Outcome {
    let b = &call.body;
    let t = now();
    let id = format!("ep_{:x}", state.next_id());
    let endpoint = Endpoint {
        id: id.clone(),
        name: b.get("name").and_then(Value::as_str).map(str::to_string),
        url: b.get("url").and_then(Value::as_str).unwrap_or_default().to_string(),
        status: b.get("status").and_then(Value::as_str).unwrap_or("active").to_string(),
        event_types: strings(b.get("eventTypes")),
        retry_policy: b.get("retryPolicy").cloned(),
        secret: random_token(state, "whsec_"),
        created_at: t,
        updated_at: t,
    };
    let body = json!({ "data": endpoint_with_secret(&endpoint) });
    state.endpoints.insert(id, endpoint);
    Outcome::json(201, body)
}

fn wh_list(state: &State, call: &Call<'_>) -> Outcome {
    let status = call.param_str("status");
    let matching: Vec<&Endpoint> = state
        .endpoints
        .values()
        .filter(|e| status.as_deref().is_none_or(|s| e.status == s))
        .collect();
    let limit = call.param_i64("limit").unwrap_or(25).max(1) as usize;
    let start: usize = call.param_str("cursor").and_then(|c| c.strip_prefix("c").and_then(|n| n.parse().ok())).unwrap_or(0);
    let page: Vec<Value> = matching.iter().skip(start).take(limit).map(|e| endpoint_json(e)).collect();
    let next = (start + limit < matching.len()).then(|| format!("c{}", start + limit));
    Outcome::json(200, json!({ "data": page, "nextCursor": next }))
}

fn wh_update(state: &mut State, call: &Call<'_>) -> Outcome {
    let id = call.param_str("endpointId").unwrap_or_default();
    let Some(e) = state.endpoints.get_mut(&id) else {
        return no_endpoint();
    };
    let b = &call.body;
    if let Some(v) = b.get("name").and_then(Value::as_str) {
        e.name = Some(v.to_string());
    }
    if let Some(v) = b.get("url").and_then(Value::as_str) {
        e.url = v.to_string();
    }
    if let Some(v) = b.get("status").and_then(Value::as_str) {
        e.status = v.to_string();
    }
    if b.get("eventTypes").is_some() {
        e.event_types = strings(b.get("eventTypes"));
    }
    if let Some(v) = b.get("retryPolicy") {
        e.retry_policy = Some(v.clone());
    }
    e.updated_at = now();
    Outcome::json(200, json!({ "data": endpoint_json(e) }))
}

/// Event types from the spec's `x-cleeng-topics`, grouped by the domain their name starts with.
fn event_types(shared: &Shared) -> Value {
    let spec = &shared.specs[&Family::Webhooks];
    let mut groups: std::collections::BTreeMap<&str, Vec<Value>> = Default::default();
    if let Some(topics) = spec.doc.get("x-cleeng-topics").and_then(Value::as_object) {
        for topic in topics.keys() {
            let domain = ["subscription", "transaction", "customer", "pass", "inapp", "offer", "payment"]
                .into_iter()
                .find(|d| topic.starts_with(d))
                .unwrap_or("payment");
            groups.entry(domain).or_default().push(json!({ "name": topic }));
        }
    }
    let data: Vec<Value> = groups
        .into_iter()
        .map(|(domain, events)| json!({ "domain": domain, "events": events }))
        .collect();
    json!({ "data": data })
}
