//! Evidence that lasts: every fixture under `tests/fixtures/live/` decodes into the generated
//! response type of its operation.
//!
//! A fixture is a response body `cargo xtask probe --save-fixtures tests/fixtures/live` saved,
//! secrets and personal data replaced, as `<family>/<operationId>.json`. The folder is seeded from
//! the mock (xtask/tests/probe_cli.rs keeps the seed complete); a maintainer who probes the
//! sandbox adds or replaces files, and from then on a change to a spec or to the generator that
//! stops the SDK decoding what Cleeng really sent fails here.
//!
//! A fixture counts only once decoded: an unknown operation, an operation without a JSON response
//! type, a badly named file or a body that does not decode all fail the test (none is skipped).
//! The operation -> type table below is checked against the generated clients, so it cannot
//! drift from what `.call()` really decodes.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cleeng_codegen::{family::workspace_root, Family};

/// Decodes a body as one operation's response type.
type Decode = fn(&str) -> Result<(), String>;

/// One operation of the table: its operationId, its response type as written here, a decoder.
struct Entry {
    op: &'static str,
    ty: &'static str,
    decode: Decode,
}

/// `entry!("listOffers", Vec<Offer>)`: decodes with serde_json, as the generated client does.
macro_rules! entry {
    ($op:literal, $t:ty) => {
        Entry {
            op: $op,
            ty: stringify!($t),
            decode: |text| {
                serde_json::from_str::<$t>(text)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
        }
    };
}

/// core: every operation whose generated `call()` decodes a JSON body.
fn core_types() -> Vec<Entry> {
    use cleeng_core::types::*;
    vec![
        entry!("activateOffer", Offer),
        entry!("activateOfferLocalization", Offer),
        entry!("activateSubscription", Subscription),
        entry!("cancelPayment", serde_json::Value),
        entry!("cancelSubscription", Subscription),
        entry!("createOffer", Offer),
        entry!("createOfferLocalization", Offer),
        entry!("createOrder", Order),
        entry!("createPass", Pass),
        entry!("createPayment", PaymentCreated),
        entry!("createPaymentDetails", PaymentDetailsEnvelope),
        entry!("createPaymentMethod", PaymentMethod),
        entry!("createSeason", SeasonGroup),
        entry!("createSeasonGroup", SeasonGroup),
        entry!("createSubscription", Subscription),
        entry!("createSwitch", Switch),
        entry!("deactivateOffer", Offer),
        entry!("deactivateOfferLocalization", Offer),
        entry!("deleteCustomer", DeleteCustomerResult),
        entry!("deletePaymentDetails", serde_json::Value),
        entry!("deleteSeason", SeasonGroup),
        entry!("deleteSeasonGroup", MessageOnly),
        entry!("getCustomer", CustomerEnvelope),
        entry!("getEntitlement", Entitlement),
        entry!("getGift", Gift),
        entry!("getOffer", Offer),
        entry!("getOrder", Order),
        entry!("getPass", Pass),
        entry!("getSeasonGroup", SeasonGroup),
        entry!("getSubscription", Subscription),
        entry!("getSubscriptionSwitchSettings", serde_json::Value),
        entry!("getSwitch", Switch),
        entry!("listAvailableSwitches", SwitchAvailability),
        entry!("listCampaigns", CampaignList),
        entry!("listCustomers", serde_json::Value),
        entry!("listEntitlements", serde_json::Value),
        entry!("listOffers", Vec<Offer>),
        entry!("listPasses", Vec<Pass>),
        entry!("listSeasonGroups", Vec<SeasonGroup>),
        entry!("listSubscriptions", SubscriptionList),
        entry!("listSwitches", Vec<Switch>),
        entry!("listWebhookSubscriptions", serde_json::Value),
        entry!("pauseSubscription", Subscription),
        entry!("redeemGift", MessageOnly),
        entry!("registerCustomer", serde_json::Value),
        entry!("renewSubscription", Subscription),
        entry!("replaceWebhookSubscriptions", serde_json::Value),
        // requestPasswordReset: no JSON body (())
        entry!("resumeSubscription", Subscription),
        entry!("reviveSubscription", Subscription),
        entry!(
            "setPaymentDetailsAttemptRestrictions",
            PaymentDetailsEnvelope
        ),
        entry!("terminatePass", Pass),
        entry!("terminateSubscription", Subscription),
        entry!("transferPass", Pass),
        entry!("transferSubscription", Subscription),
        entry!("updateCustomer", serde_json::Value),
        entry!("updateDunningActionSettings", serde_json::Value),
        entry!("updateGift", Gift),
        entry!("updateOffer", Offer),
        entry!("updateOfferLocalization", Offer),
        entry!("updateOrder", Order),
        entry!("updatePass", Pass),
        entry!("updatePayment", serde_json::Value),
        entry!("updateSeason", SeasonGroup),
        entry!("updateSeasonGroup", SeasonGroup),
        entry!("updateSubscription", UpdateSubscriptionResponse),
        entry!("updateSwitch", Switch),
        entry!("verifyGift", GiftVerification),
    ]
}

/// mediastore: every operation whose generated `call()` decodes a JSON body.
fn mediastore_types() -> Vec<Entry> {
    use cleeng_mediastore::types::*;
    vec![
        entry!("addAdyenPaymentDetails", AddAdyenPaymentDetailsResponse),
        entry!("applyCoupon", UndocumentedEnvelope),
        entry!("createAdyenPayment", CreateAdyenPaymentResponse),
        entry!(
            "createAdyenPaymentSession",
            CreateAdyenPaymentSessionResponse
        ),
        entry!("createAmazonPayment", UndocumentedEnvelope),
        entry!("createAndroidPayment", UndocumentedEnvelope),
        entry!("createApplePayment", UndocumentedEnvelope),
        entry!("createOrder", CreateOrderResponse),
        entry!(
            "createPaymentWithoutDetails",
            CreatePaymentWithoutDetailsResponse
        ),
        entry!(
            "createPaypalPaymentDetailsToken",
            CreatePaypalPaymentDetailsTokenResponse
        ),
        entry!("createPaypalToken", CreatePaypalTokenResponse),
        entry!("createRokuPayment", UndocumentedEnvelope),
        entry!("deletePaymentDetails", DeletePaymentDetailsResponse),
        entry!("finalizeAdyenPayment", FinalizeAdyenPaymentResponse),
        entry!(
            "finalizeAdyenPaymentDetails",
            FinalizeAdyenPaymentDetailsResponse
        ),
        entry!("getAdyenPaymentMethods", GetAdyenPaymentMethodsResponse),
        entry!("getAvailableSwitches", GetAvailableSwitchesResponse),
        entry!("getCaptureStatus", GetCaptureStatusResponse),
        entry!("getCustomer", GetCustomerResponse),
        entry!("getCustomerConsents", GetCustomerConsentsResponse),
        entry!("getEntitlements", GetEntitlementsResponse),
        entry!("getGift", GetGiftResponse),
        entry!("getLocales", GetLocalesResponse),
        entry!("getOffer", GetOfferResponse),
        entry!("getOfferForCustomer", GetOfferForCustomerResponse),
        entry!("getOfferV2", GetOfferV2Response),
        entry!("getOrder", GetOrderResponse),
        entry!("getPublisherConsents", GetPublisherConsentsResponse),
        // getReceipt: no JSON body (ByteStream)
        entry!("getSwitch", GetSwitchResponse),
        entry!("listCampaigns", ListCampaignsResponse),
        entry!("listCustomerOffers", ListCustomerOffersResponse),
        entry!("listCustomerPasses", ListCustomerPassesResponse),
        entry!(
            "listCustomerSubscriptions",
            ListCustomerSubscriptionsResponse
        ),
        entry!("listCustomerTransactions", ListCustomerTransactionsResponse),
        entry!("listOffers", ListOffersResponse),
        entry!("listPaymentDetails", ListPaymentDetailsResponse),
        entry!("listPaymentMethods", ListPaymentMethodsResponse),
        entry!("listSwitches", ListSwitchesResponse),
        entry!("loginCustomer", LoginCustomerResponse),
        entry!("pauseSubscription", PauseSubscriptionResponse),
        entry!("redeemGift", RedeemGiftResponse),
        entry!("refreshToken", RefreshTokenResponse),
        entry!("registerCustomer", RegisterCustomerResponse),
        entry!("requestPasswordReset", RequestPasswordResetResponse),
        entry!("resumeSubscription", UndocumentedEnvelope),
        entry!("revokeRefreshTokens", RevokeRefreshTokensResponse),
        entry!("ssoLogin", SsoLoginResponse),
        entry!("switchSubscription", SwitchSubscriptionResponse),
        entry!("updateCaptureAnswers", UpdateCaptureAnswersResponse),
        entry!("updateCustomer", UpdateCustomerResponse),
        entry!("updateCustomerConsents", UpdateCustomerConsentsResponse),
        entry!(
            "updateCustomerSubscription",
            UpdateCustomerSubscriptionResponse
        ),
        entry!("updateGift", UpdateGiftResponse),
        entry!("updateOrder", UpdateOrderResponse),
        entry!("updatePassword", UpdatePasswordResponse),
        entry!("updateSwitch", UndocumentedEnvelope),
        entry!("verifyGift", VerifyGiftResponse),
    ]
}

/// auth: every operation whose generated `call()` decodes a JSON body.
fn auth_types() -> Vec<Entry> {
    use cleeng_auth::types::*;
    vec![
        // authorizeDeviceCode: no JSON body (())
        entry!("checkDeviceCode", DeviceTokens),
        entry!("generateAuth0Token", Auth0TokenResponse),
        entry!("generateDeviceCode", DeviceCode),
        entry!("getHi5ChatbotToken", Hi5Token),
        entry!("getJwks", Jwks),
    ]
}

/// inapp: every operation whose generated `call()` decodes a JSON body.
fn inapp_types() -> Vec<Entry> {
    use cleeng_inapp::types::*;
    vec![
        entry!("getAppleSk2PurchaseStatus", PurchaseValidationStatus),
        entry!("getAppleSk2SynchronizationStatus", SynchronizationStatus),
        entry!("getGooglePlaySynchronizationStatus", SynchronizationStatus),
        entry!("getSamsungTvPurchaseStatus", PurchaseValidationStatus),
        entry!("getVizioPurchaseStatus", PurchaseValidationStatus),
        entry!("registerAppleSk2Purchase", SynchronizationAccepted),
        entry!("registerGooglePlayPurchase", SynchronizationAccepted),
        // submitAmazonPayment: no JSON body (())
        // submitAndroidPayment: no JSON body (())
        // submitApplePayment: no JSON body (())
        // submitRokuPayment: no JSON body (())
        entry!("transferAppleSk2Purchase", SynchronizationAccepted),
        entry!("transferGooglePlayPurchase", SynchronizationAccepted),
        entry!("validateAppleSk2Purchase", ValidationAccepted),
        entry!("validateSamsungTvPurchase", ValidationAccepted),
        entry!("validateVizioPurchase", ValidationAccepted),
    ]
}

/// webhooks: every operation whose generated `call()` decodes a JSON body.
fn webhooks_types() -> Vec<Entry> {
    use cleeng_webhooks::types::*;
    vec![
        entry!("createWebhookEndpoint", WebhookEndpointWithSecretResponse),
        // deleteWebhookEndpoint: no JSON body (())
        entry!("getWebhookEndpoint", WebhookEndpointResponse),
        entry!("listEndpointsForEventType", WebhookEndpointList),
        entry!("listEventTypes", EventTypeList),
        entry!("listWebhookEndpoints", WebhookEndpointPage),
        entry!(
            "rotateEndpointSigningSecret",
            WebhookEndpointWithSecretResponse
        ),
        entry!("updateWebhookEndpoint", WebhookEndpointResponse),
    ]
}

/// The families with a generated client, and their tables.
fn families() -> [(Family, Vec<Entry>); 5] {
    [
        (Family::Core, core_types()),
        (Family::MediaStore, mediastore_types()),
        (Family::Auth, auth_types()),
        (Family::InApp, inapp_types()),
        (Family::Webhooks, webhooks_types()),
    ]
}

/// `family/operationId` -> decoder.
fn table() -> BTreeMap<String, Decode> {
    let mut out = BTreeMap::new();
    for (family, entries) in families() {
        for e in entries {
            let key = format!("{}/{}", family.name(), e.op);
            assert!(
                out.insert(key.clone(), e.decode).is_none(),
                "{key} twice in the table"
            );
        }
    }
    out
}

/// What [`check`] found in a fixture folder.
#[derive(Debug, Default)]
struct Checked {
    /// Regular files under the folder, at any depth.
    files: usize,
    /// `family/operationId.json` of each fixture that decoded.
    decoded: BTreeSet<String>,
    /// Relative path -> why it did not count.
    failures: BTreeMap<String, String>,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Decodes every file under `dir` as `<family>/<operationId>.json`.
fn check(dir: &Path) -> Checked {
    let table = table();
    let mut files = Vec::new();
    walk(dir, &mut files);
    let mut checked = Checked {
        files: files.len(),
        ..Checked::default()
    };
    for path in files {
        let name = path
            .strip_prefix(dir)
            .expect("under dir")
            .to_string_lossy()
            .replace('\\', "/");
        let key = match name.split_once('/') {
            Some((family, file)) if !file.contains('/') => file
                .strip_suffix(".json")
                .map(|op| format!("{family}/{op}")),
            _ => None,
        };
        let Some(key) = key else {
            checked
                .failures
                .insert(name, "not named <family>/<operationId>.json".into());
            continue;
        };
        let Some(decode) = table.get(&key) else {
            checked.failures.insert(
                name,
                format!("{key}: unknown operation, or one without a JSON response type"),
            );
            continue;
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                checked.failures.insert(name, format!("unreadable: {e}"));
                continue;
            }
        };
        match decode(&text) {
            Ok(()) => {
                checked.decoded.insert(name);
            }
            Err(e) => {
                checked
                    .failures
                    .insert(name, format!("does not decode: {e}"));
            }
        }
    }
    checked
}

fn live_dir() -> PathBuf {
    workspace_root().join("tests/fixtures/live")
}

#[test]
fn every_live_fixture_decodes_into_its_operation_type() {
    let checked = check(&live_dir());
    assert!(
        checked.failures.is_empty(),
        "fixtures that do not count: {:#?}",
        checked.failures
    );
    assert!(
        !checked.decoded.is_empty(),
        "tests/fixtures/live holds no fixture"
    );
    assert_eq!(
        checked.decoded.len(),
        checked.files,
        "every file is a decoded fixture"
    );
    eprintln!("{} live fixtures decoded", checked.decoded.len());
}

/// Strings in `value` that look like personal data or a secret, with their JSON paths: an email
/// not at `example.com`, a JWT other than the probe's unsigned placeholder, an IP address outside
/// the documentation ranges (192.0.2.0/24, 2001:db8::/32), a first or last name not replaced.
fn personal_data(value: &serde_json::Value, path: &str, key: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            let k = key.to_ascii_lowercase();
            let email = s.contains('@') && s.contains('.') && !s.ends_with("@example.com");
            let jwt =
                s.starts_with("eyJ") && s != "eyJhbGciOiJub25lIn0.eyJyZWRhY3RlZCI6dHJ1ZX0.redacted";
            let ip = match s.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(a)) => a.octets()[..3] != [192, 0, 2],
                Ok(std::net::IpAddr::V6(a)) => a.segments()[..2] != [0x2001, 0xdb8],
                Err(_) => false,
            };
            let name = (k == "firstname" || k == "lastname") && s != "REDACTED";
            if email || jwt || ip || name {
                out.push(format!("{path}: {s}"));
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                personal_data(v, &format!("{path}/{k}"), k, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                personal_data(v, &format!("{path}/{i}"), key, out);
            }
        }
        _ => {}
    }
}

/// Committed evidence carries no personal data: the probe replaced it, and a fixture copied in
/// by hand is held to the same rule.
#[test]
fn live_fixtures_carry_no_email_jwt_ip_or_name() {
    let mut files = Vec::new();
    walk(&live_dir(), &mut files);
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        personal_data(&value, &path.display().to_string(), "", &mut found);
    }
    assert!(
        found.is_empty(),
        "personal data in live fixtures: {found:#?}"
    );
    // The check itself sees each kind.
    let mut caught = Vec::new();
    let sample = serde_json::json!({"email": "jane@doe.io", "jwt": "eyJa.eyJb.c", "ip": "10.0.0.1",
        "v6": "2a00::1", "firstName": "Jane", "ok": ["customer@example.com", "192.0.2.1", "2001:db8::1"]});
    personal_data(&sample, "", "", &mut caught);
    assert_eq!(caught.len(), 5, "{caught:?}");
}

/// A temporary folder, removed on drop.
struct Temp(PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(dir: &Path, name: &str, value: &serde_json::Value) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// The check can fail: a string where the spec says integer, an unknown operation, an operation
/// without a JSON body and a badly named file each make a fixture that does not count.
#[test]
fn a_broken_or_unmapped_fixture_fails_the_check() {
    let seeded = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(live_dir().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        serde_json::from_str(&text).unwrap()
    };
    let dir =
        Temp(std::env::temp_dir().join(format!("cleeng-live-fixtures-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let offer = seeded("core/getOffer.json");
    write(&dir.0, "core/getOffer.json", &offer);
    let mut subscription = seeded("core/getSubscription.json");
    assert!(subscription["customerId"].is_i64(), "{subscription}");
    subscription["customerId"] = "not-a-number".into();
    write(&dir.0, "core/getSubscription.json", &subscription);
    write(&dir.0, "core/noSuchOperation.json", &offer);
    write(&dir.0, "mediastore/getReceipt.json", &offer);
    write(&dir.0, "listOffers.json", &offer);

    let checked = check(&dir.0);
    assert_eq!(checked.files, 5);
    assert_eq!(
        checked.decoded,
        BTreeSet::from(["core/getOffer.json".to_string()])
    );
    let failed: BTreeSet<&str> = checked.failures.keys().map(String::as_str).collect();
    assert_eq!(
        failed,
        BTreeSet::from([
            "core/getSubscription.json",
            "core/noSuchOperation.json",
            "mediastore/getReceipt.json",
            "listOffers.json"
        ]),
        "{:#?}",
        checked.failures
    );
    assert!(
        checked.failures["core/getSubscription.json"].contains("\"not-a-number\""),
        "{:#?}",
        checked.failures
    );
}

/// Removes what differs only in spelling between the table and the generated source.
fn normalize(ty: &str) -> String {
    let ty: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
    ty.replace("::std::vec::", "")
        .replace("::serde_json::", "")
        .replace("serde_json::", "")
        .replace("types::", "")
}

/// operationId -> the type its generated `call()` returns, from the committed generated source.
fn generated_call_types(family: Family) -> BTreeMap<String, String> {
    const DOC: &str = "that names `";
    const CALL: &str = "pub async fn call(";
    let source = common::generated_source(family);
    let mut out = BTreeMap::new();
    let mut rest = source.as_str();
    while let Some(at) = rest.find(DOC) {
        rest = &rest[at + DOC.len()..];
        let op = &rest[..rest.find('`').expect("closing backtick")];
        let after = rest[rest.find('\n').expect("end of doc line")..].trim_start();
        if !after.starts_with(CALL) {
            continue; // call_with_response, documented the same way
        }
        let signature = &after[..after.find('{').expect("call body")];
        let signature: String = signature.chars().filter(|c| !c.is_whitespace()).collect();
        let start = signature.find("Result<").expect("call returns a Result") + "Result<".len();
        let end = signature
            .rfind(",::cleeng_runtime::Error")
            .expect("call's error type");
        out.insert(op.to_string(), normalize(&signature[start..end]));
    }
    out
}

/// The table maps each operation to the type its generated `.call()` decodes, and lists every
/// operation that has a JSON response type: a regenerated client that changes one fails here.
#[test]
fn the_table_is_each_operations_generated_response_type() {
    for (family, entries) in families() {
        let generated = generated_call_types(family);
        assert_eq!(
            generated.len(),
            common::operations(family).len(),
            "{family}: the generated source's call() signatures were not all found"
        );
        let table: BTreeMap<&str, String> =
            entries.iter().map(|e| (e.op, normalize(e.ty))).collect();
        for (op, ty) in &generated {
            match table.get(op.as_str()) {
                Some(listed) => assert_eq!(
                    listed, ty,
                    "{family}.{op}: the table decodes {listed}, call() returns {ty}"
                ),
                None => assert!(
                    ty == "()" || ty == "ByteStream",
                    "{family}.{op} returns {ty} but is not in the table"
                ),
            }
        }
        for op in table.keys() {
            assert!(
                generated.contains_key(*op),
                "{family}.{op} is in the table but not in the generated client"
            );
        }
    }
}
