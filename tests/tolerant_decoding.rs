//! Tolerant decoding: every response type of every family decodes the spec's example (or, where
//! the spec has none, a value built from the schema) after the mutations Cleeng's real traffic
//! shows:
//!
//! * an **unknown field** in every object (Cleeng adds fields) - must decode;
//! * an **unknown enum value** in any enum field (Cleeng adds values) - must decode (kept as an
//!   unknown value);
//! * **`null` in an optional field** (Cleeng sends `null` for absent values);
//! * a documented **integer (or number) arriving as a numeric string** (Cleeng's PHP back end
//!   sends `"123"` in places).
//!
//! Every mutation of every response type must decode: the first two through serde's defaults and
//! the open enums, `null` and numeric strings through the generator's lenient field readers
//! (`cleeng_runtime::lenient`, added by `cleeng_codegen::lenient`) and the shared
//! number-or-string types (`cleeng_runtime::CleengId`, `Decimal`) that `x-number-or-string`
//! schemas map to. Run with `--nocapture` for the counts per family and mutation kind.

use crate::common;

use std::collections::BTreeMap;

use cleeng_codegen::Family;
use serde_json::{json, Map, Value};

type Decode = fn(Value) -> Result<(), String>;
type Decoder = (&'static str, Decode);

macro_rules! decoder {
    // A schema the generator replaces with a shared runtime type (`x-number-or-string`).
    ($name:ident => $t:ty) => {
        (stringify!($name), (|v: Value| serde_json::from_value::<$t>(v).map(|_| ()).map_err(|e| e.to_string())) as Decode)
    };
    ($t:ident) => {
        (stringify!($t), (|v: Value| serde_json::from_value::<$t>(v).map(|_| ()).map_err(|e| e.to_string())) as Decode)
    };
}

const MAX_DEPTH: usize = 6;

/// A family's spec as JSON, for schema-guided walking.
struct Spec {
    doc: Value,
}

impl Spec {
    fn load(family: Family) -> Self {
        let raw = common::load(family).raw;
        Spec { doc: serde_json::to_value(raw).expect("the spec converts to JSON") }
    }

    fn schema(&self, name: &str) -> &Value {
        &self.doc["components"]["schemas"][name]
    }

    fn resolve<'a>(&'a self, mut s: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => s = self.doc.pointer(r.trim_start_matches('#')).unwrap_or(&Value::Null),
                None => return s,
            }
        }
        s
    }

    /// The alternatives of a schema that are not the `{enum: [null]}` null branch.
    fn branches<'a>(&'a self, s: &'a Value) -> Vec<&'a Value> {
        let s = self.resolve(s);
        let mut out = Vec::new();
        for key in ["oneOf", "anyOf"] {
            if let Some(list) = s.get(key).and_then(Value::as_array) {
                out.extend(list.iter().filter(|b| b.get("enum") != Some(&json!([null]))));
            }
        }
        out
    }

    /// Properties and required names of an object schema (through `allOf` and a single
    /// non-null `oneOf` branch).
    fn object(&self, s: &Value, props: &mut Map<String, Value>, required: &mut Vec<String>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let s = self.resolve(s);
        if let Some(p) = s.get("properties").and_then(Value::as_object) {
            props.extend(p.clone());
        }
        if let Some(r) = s.get("required").and_then(Value::as_array) {
            required.extend(r.iter().filter_map(Value::as_str).map(str::to_string));
        }
        for part in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.object(part, props, required, depth + 1);
        }
        if let [only] = self.branches(s).as_slice() {
            self.object(only, props, required, depth + 1);
        }
    }

    fn ty(&self, s: &Value) -> Option<String> {
        let s = self.resolve(s);
        if let Some(t) = s.get("type").and_then(Value::as_str) {
            return Some(t.to_string());
        }
        if s.get("properties").is_some() {
            return Some("object".into());
        }
        if let Some(only) = single_all_of(s) {
            return self.ty(only);
        }
        match self.branches(s).as_slice() {
            [only] => self.ty(only),
            _ => None,
        }
    }

    /// A value of the schema: its example when it has one, else built from its type.
    fn value(&self, s: &Value, depth: usize) -> Value {
        let s = self.resolve(s);
        if let Some(example) = s.get("example") {
            return example.clone();
        }
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(first) = s.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
            return first.clone();
        }
        if let Some(first) = self.branches(s).first() {
            return self.value(first, depth + 1);
        }
        if let Some(only) = single_all_of(s) {
            return self.value(only, depth + 1);
        }
        match self.ty(s).as_deref() {
            Some("string") => json!(string_for(s)),
            Some("integer") => json!(7),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("array") => Value::Array(vec![self.value(s.get("items").unwrap_or(&json!({})), depth + 1)]),
            Some("object") => {
                let (mut props, mut required) = (Map::new(), Vec::new());
                self.object(s, &mut props, &mut required, 0);
                Value::Object(props.iter().map(|(k, p)| (k.clone(), self.value(p, depth + 1))).collect())
            }
            _ => json!({}),
        }
    }

    /// Whether `null` is a documented value of the schema (`nullable` with a type, or a
    /// `{enum: [null]}` branch).
    fn nullable(&self, s: &Value) -> bool {
        let s = self.resolve(s);
        s.get("nullable") == Some(&json!(true))
            || ["oneOf", "anyOf"].iter().any(|k| {
                s.get(*k).and_then(Value::as_array).is_some_and(|l| l.iter().any(|b| b.get("enum") == Some(&json!([null]))))
            })
    }

    fn number_or_string(&self, s: &Value) -> bool {
        let r = self.resolve(s);
        r.get("x-number-or-string") == Some(&json!(true)) || self.branches(s).iter().any(|b| self.number_or_string(b))
    }
}

/// `allOf: [X]` without properties of its own (a `$ref` with a description or `nullable` beside it).
fn single_all_of(s: &Value) -> Option<&Value> {
    match s.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        Some([only]) if s.get("properties").is_none() => Some(only),
        _ => None,
    }
}

/// One mutated copy of a value.
struct Mutation {
    kind: Kind,
    at: String,
    /// Whether the spec says Cleeng sends this form (then decoding it is required).
    documented: bool,
    value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    UnknownField,
    UnknownEnumValue,
    NullInOptionalField,
    NumericString,
}

/// Walks `value` along `schema`, collecting the places each mutation applies to.
fn places(spec: &Spec, schema: &Value, value: &Value, at: &str, depth: usize, out: &mut Vec<(Kind, String, bool)>) {
    if depth > MAX_DEPTH {
        return;
    }
    let s = spec.resolve(schema);
    match value {
        Value::Object(map) => {
            out.push((Kind::UnknownField, at.to_string(), true));
            let (mut props, mut required) = (Map::new(), Vec::new());
            spec.object(s, &mut props, &mut required, 0);
            for (k, v) in map {
                let Some(p) = props.get(k) else { continue };
                let here = format!("{at}/{k}");
                if !required.contains(k) && !v.is_null() {
                    out.push((Kind::NullInOptionalField, here.clone(), spec.nullable(p)));
                }
                places(spec, p, v, &here, depth + 1, out);
            }
        }
        Value::Array(items) => {
            if let (Some(first), Some(item)) = (items.first(), s.get("items")) {
                places(spec, item, first, &format!("{at}/0"), depth + 1, out);
            }
        }
        Value::String(_) if spec.resolve(s).get("enum").is_some() => out.push((Kind::UnknownEnumValue, at.to_string(), true)),
        Value::Number(_) => out.push((Kind::NumericString, at.to_string(), spec.number_or_string(schema))),
        _ => {
            if let Some(first) = spec.branches(s).first() {
                if value.is_string() && spec.resolve(first).get("enum").is_some() {
                    out.push((Kind::UnknownEnumValue, at.to_string(), true));
                }
            }
        }
    }
}

fn pointer_mut<'a>(v: &'a mut Value, at: &str) -> &'a mut Value {
    if at.is_empty() { v } else { v.pointer_mut(at).expect("a place found by the walk") }
}

/// A string that satisfies the schema's format, pattern and length (the patterns the specs use).
fn string_for(s: &Value) -> String {
    let by_pattern = [
        ("^T[1-9][0-9]{8}$", "T123456789"),
        ("^[A-Z]{3}$", "EUR"),
        ("^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$", "AB12-CD34"),
        ("^[A-Za-z0-9_-]{2,40}$", "CODE_10"),
        ("^[SPEAR][1-9][0-9]{8}$", "S123456789"),
        ("^[a-zA-Z0-9_\\-: ]+$", "tag-1"),
    ];
    if let Some(p) = s.get("pattern").and_then(Value::as_str) {
        if let Some((_, v)) = by_pattern.iter().find(|(pat, _)| *pat == p) {
            return (*v).to_string();
        }
    }
    let by_format = match s.get("format").and_then(Value::as_str) {
        Some("date-time") => Some("2026-12-01T10:00:00Z"),
        Some("date") => Some("2026-12-01"),
        Some("uuid") => Some("123e4567-e89b-12d3-a456-426614174000"),
        Some("email") => Some("customer@example.com"),
        Some("uri" | "url") => Some("https://example.com/x"),
        _ => None,
    };
    if let Some(v) = by_format {
        return v.to_string();
    }
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(1).max(1) as usize;
    "x".repeat(min)
}

/// Adds a field Cleeng might add later to every object; in a map with typed values
/// (`additionalProperties: {schema}`) the added value has that type.
fn add_unknown_fields(spec: &Spec, schema: &Value, v: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let s = spec.resolve(schema);
    match v {
        Value::Object(map) => {
            let s = match spec.branches(s).as_slice() {
                [only] => spec.resolve(only),
                _ => s,
            };
            let (mut props, mut required) = (Map::new(), Vec::new());
            spec.object(s, &mut props, &mut required, 0);
            let extra = s.get("additionalProperties").filter(|a| a.is_object());
            for (k, item) in map.iter_mut() {
                if let Some(p) = props.get(k).or(extra) {
                    add_unknown_fields(spec, p, item, depth + 1);
                }
            }
            let added = match extra {
                Some(a) => spec.value(a, depth + 1),
                None => json!({"nested": [1, "two", null]}),
            };
            map.insert("zzFieldCleengAddedLater".into(), added);
        }
        Value::Array(items) => {
            let item = s.get("items").cloned().unwrap_or(json!({}));
            items.iter_mut().for_each(|i| add_unknown_fields(spec, &item, i, depth + 1));
        }
        _ => {
            if let Some(first) = spec.branches(s).first() {
                add_unknown_fields(spec, first, v, depth + 1);
            }
        }
    }
}

fn mutations(spec: &Spec, schema: &Value, base: &Value) -> Vec<Mutation> {
    let mut found = Vec::new();
    places(spec, schema, base, "", 0, &mut found);
    let mut out = Vec::new();
    let mut unknown = base.clone();
    add_unknown_fields(spec, schema, &mut unknown, 0);
    out.push(Mutation { kind: Kind::UnknownField, at: "every object".into(), documented: true, value: unknown });
    for (kind, at, documented) in found {
        let mut v = base.clone();
        let slot = pointer_mut(&mut v, &at);
        match kind {
            Kind::UnknownField => continue,
            Kind::UnknownEnumValue => *slot = json!("ZZ_VALUE_CLEENG_ADDED_LATER"),
            Kind::NullInOptionalField => *slot = Value::Null,
            Kind::NumericString => *slot = Value::String(slot.to_string()),
        }
        out.push(Mutation { kind, at, documented, value: v });
    }
    out
}

/// Runs every mutation of every decoder of a family; returns (kind -> (passed, failed)) and
/// panics, listing them, if any mutation fails to decode.
fn run(family: Family, decoders: Vec<Decoder>) -> BTreeMap<Kind, (usize, usize)> {
    let spec = Spec::load(family);
    let mut tally = BTreeMap::<Kind, (usize, usize)>::new();
    let mut required_failures = Vec::new();
    for (name, decode) in decoders {
        let schema = spec.schema(name).clone();
        assert!(!schema.is_null(), "{family}: no component schema {name}");
        let base = spec.value(&schema, 0);
        if let Err(e) = decode(base.clone()) {
            required_failures.push(format!("{name}: the unmutated value does not decode: {e}\n  {base}"));
            continue;
        }
        for m in mutations(&spec, &schema, &base) {
            let entry = tally.entry(m.kind).or_default();
            match decode(m.value) {
                Ok(()) => entry.0 += 1,
                Err(e) => {
                    entry.1 += 1;
                    let documented = if m.documented { "documented" } else { "undocumented" };
                    required_failures.push(format!("{name} {:?} ({documented}) at {}: {e}", m.kind, m.at));
                }
            }
        }
    }
    assert!(
        required_failures.is_empty(),
        "{family}: {} required mutations fail:\n{}",
        required_failures.len(),
        required_failures.join("\n")
    );
    eprintln!("{family}: {tally:?}");
    tally

}

/// Every component schema reachable from a core success response, with its generated type.
fn core_decoders() -> Vec<Decoder> {
    use cleeng_core::types::*;
    vec![
        decoder!(AppStoreProductIds),
        decoder!(AttemptRestrictions),
        decoder!(BillingAddress),
        decoder!(BillingCycle),
        decoder!(Campaign),
        decoder!(CampaignList),
        decoder!(Customer),
        decoder!(CustomerEnvelope),
        decoder!(DeleteCustomerResult),
        decoder!(Entitlement),
        decoder!(EntitlementDuration),
        decoder!(Event),
        decoder!(ExternalProperties),
        decoder!(FlexibleId => cleeng_runtime::CleengId),
        decoder!(FreeTrial),
        decoder!(GeoRestriction),
        decoder!(Gift),
        decoder!(GiftDeliveryDetails),
        decoder!(GiftVerification),
        decoder!(MessageOnly),
        decoder!(Offer),
        decoder!(OfferEntitlement),
        decoder!(OfferLocalization),
        decoder!(OfferTags),
        decoder!(OfferType),
        decoder!(Order),
        decoder!(Pass),
        decoder!(PassLink),
        decoder!(PassStatus),
        decoder!(Payment),
        decoder!(PaymentCreated),
        decoder!(PaymentDetails),
        decoder!(PaymentDetailsEnvelope),
        decoder!(PaymentMethod),
        decoder!(PaymentStatus),
        decoder!(Price),
        decoder!(PriceRule),
        decoder!(RenewalCycle),
        decoder!(Season),
        decoder!(SeasonGroup),
        decoder!(Subscription),
        decoder!(SubscriptionLink),
        decoder!(SubscriptionList),
        decoder!(SubscriptionPause),
        decoder!(SubscriptionStatus),
        decoder!(SubscriptionUpdateResult),
        decoder!(Switch),
        decoder!(SwitchAvailability),
        decoder!(SwitchDirection),
        decoder!(SwitchOption),
        decoder!(SwitchStatus),
    ]
}

/// Every component schema reachable from a mediastore success response, with its generated type.
fn mediastore_decoders() -> Vec<Decoder> {
    use cleeng_mediastore::types::*;
    vec![
        decoder!(AdyenAction),
        decoder!(AdyenActionResult),
        decoder!(AdyenPaymentDetailsOutcome),
        decoder!(AdyenPaymentDetailsResult),
        decoder!(AdyenPaymentMethods),
        decoder!(AdyenPaymentOutcome),
        decoder!(AdyenPaymentResult),
        decoder!(AdyenPaymentSession),
        decoder!(AppStoreProductIds),
        decoder!(AuthTokens),
        decoder!(BillingCycle),
        decoder!(Campaign),
        decoder!(CampaignPaymentType),
        decoder!(CampaignStatus),
        decoder!(CaptureSetting),
        decoder!(CaptureStatus),
        decoder!(ConsentState),
        decoder!(Customer),
        decoder!(CustomerConsent),
        decoder!(CustomerConsentList),
        decoder!(CustomerOffer),
        decoder!(CustomerOfferPause),
        decoder!(DeletedPaymentDetails),
        decoder!(DeliveryDetails),
        decoder!(Duration),
        decoder!(Entitlement),
        decoder!(ErrorList),
        decoder!(FlexibleAmount => cleeng_runtime::Decimal),
        decoder!(FlexibleId => cleeng_runtime::CleengId),
        decoder!(FreeTrial),
        decoder!(FreeTrialType),
        decoder!(GeoRestriction),
        decoder!(Gift),
        decoder!(GiftVerification),
        decoder!(Locales),
        decoder!(Offer),
        decoder!(OfferEntitlement),
        decoder!(OfferEvent),
        decoder!(OfferKind),
        decoder!(OfferLocalization),
        decoder!(OfferPause),
        decoder!(OfferV2),
        decoder!(Order),
        decoder!(OrderCustomer),
        decoder!(OrderDiscount),
        decoder!(OrderOffer),
        decoder!(OrderResult),
        decoder!(Pass),
        decoder!(PassList),
        decoder!(Payment),
        decoder!(PaymentDetail),
        decoder!(PaymentDetailList),
        decoder!(PaymentMethod),
        decoder!(PaymentMethodList),
        decoder!(PaymentMethodSpecificParams),
        decoder!(Price),
        decoder!(PriceBreakdown),
        decoder!(PriceRule),
        decoder!(PublisherConsent),
        decoder!(PublisherConsentList),
        decoder!(RedeemMode),
        decoder!(RedeemRefusalReason),
        decoder!(RedirectUrl),
        decoder!(Subscription),
        decoder!(SubscriptionList),
        decoder!(SubscriptionStatusChange),
        decoder!(Switch),
        decoder!(SwitchAvailability),
        decoder!(SwitchDirection),
        decoder!(SwitchOption),
        decoder!(SwitchReason),
        decoder!(SwitchReasonCode),
        decoder!(SwitchStatus),
        decoder!(TokenPair),
        decoder!(Transaction),
        decoder!(TransactionList),
        decoder!(TransactionTargetType),
        decoder!(UndocumentedEnvelope),
        decoder!(UpdateConfirmation),
    ]
}

/// Every component schema reachable from a auth success response, with its generated type.
fn auth_decoders() -> Vec<Decoder> {
    use cleeng_auth::types::*;
    vec![
        decoder!(Auth0TokenResponse),
        decoder!(DeviceCode),
        decoder!(DeviceTokens),
        decoder!(Hi5Token),
        decoder!(Jwk),
        decoder!(Jwks),
    ]
}

/// Every component schema reachable from a inapp success response, with its generated type.
fn inapp_decoders() -> Vec<Decoder> {
    use cleeng_inapp::types::*;
    vec![
        decoder!(PurchaseValidationStatus),
        decoder!(SynchronizationAccepted),
        decoder!(SynchronizationStatus),
        decoder!(ValidationAccepted),
    ]
}

/// Every component schema reachable from a webhooks success response, with its generated type.
fn webhooks_decoders() -> Vec<Decoder> {
    use cleeng_webhooks::types::*;
    vec![
        decoder!(CapturePaymentData),
        decoder!(CleengDateTime),
        decoder!(CleengDecimal => cleeng_runtime::Decimal),
        decoder!(CleengId => cleeng_runtime::CleengId),
        decoder!(CustomerConsentUpdatedData),
        decoder!(CustomerRegisteredData),
        decoder!(CustomerRequestedPasswordResetData),
        decoder!(EventTypeGroup),
        decoder!(EventTypeInfo),
        decoder!(EventTypeList),
        decoder!(InappPurchaseSyncResultData),
        decoder!(InappPurchaseValidationFailedData),
        decoder!(InappPurchaseValidationSucceededData),
        decoder!(OfferCreatedData),
        decoder!(OfferDeactivatedData),
        decoder!(OfferPriceChangedData),
        decoder!(OfferUpdatedData),
        decoder!(PassCreatedData),
        decoder!(PassExpirationChangedData),
        decoder!(PassTerminatedData),
        decoder!(PaymentDetailsDeactivatedData),
        decoder!(RefundPaymentData),
        decoder!(RetryPolicy),
        decoder!(SubscriptionCreatedData),
        decoder!(SubscriptionReadyForPaymentAuthorisationData),
        decoder!(SubscriptionReadyForPaymentCaptureData),
        decoder!(SubscriptionReadyForTerminationData),
        decoder!(SubscriptionSwitchCancelledData),
        decoder!(SubscriptionTerminatedData),
        decoder!(TransactionCreatedData),
        decoder!(WebhookEndpoint),
        decoder!(WebhookEndpointList),
        decoder!(WebhookEndpointPage),
        decoder!(WebhookEndpointResponse),
        decoder!(WebhookEndpointStatus),
        decoder!(WebhookEndpointWithSecret),
        decoder!(WebhookEndpointWithSecretResponse),
        decoder!(WebhookSigning),
        decoder!(WebhookSigningWithSecret),
    ]
}

/// Every kind of mutation.
const ALL_KINDS: [Kind; 4] = [Kind::UnknownField, Kind::UnknownEnumValue, Kind::NullInOptionalField, Kind::NumericString];

/// Every mutation decodes, and each kind of mutation was tried at least once where the family's
/// types have a place for it (so the test cannot pass by trying nothing).
fn check(family: Family, decoders: Vec<Decoder>, kinds: &[Kind]) {
    let tally = run(family, decoders);
    for kind in kinds {
        let (passed, failed) = tally.get(kind).copied().unwrap_or_default();
        assert!(passed > 0 && failed == 0, "{family}: {kind:?} tried {passed} times, {failed} failed");
    }
}

#[test]
fn core_response_types_decode_tolerantly() {
    check(Family::Core, core_decoders(), &ALL_KINDS);
}

#[test]
fn mediastore_response_types_decode_tolerantly() {
    check(Family::MediaStore, mediastore_decoders(), &ALL_KINDS);
}

#[test]
fn auth_response_types_decode_tolerantly() {
    check(Family::Auth, auth_decoders(), &[Kind::UnknownField, Kind::NullInOptionalField, Kind::NumericString]);
}

#[test]
fn inapp_response_types_decode_tolerantly() {
    check(Family::InApp, inapp_decoders(), &[Kind::UnknownField, Kind::UnknownEnumValue, Kind::NullInOptionalField]);
}

#[test]
fn webhooks_response_types_decode_tolerantly() {
    check(Family::Webhooks, webhooks_decoders(), &ALL_KINDS);
}
