//! The public API reads as if written by hand (issue 16, points 2-4), held by code that must
//! compile and run against `cleeng-mock`: one import, `.call()` gives the value, setters take
//! what users have, and one type per concept carries an id from one call to another.

use cleeng_core::prelude::*;
use cleeng_mock::{Family, MockServer, DEMO_CUSTOMER_ID, DEMO_EMAIL, DEMO_PASSWORD, DEMO_SUBSCRIPTION_OFFER};

fn core_client(mock: &MockServer) -> Client {
    // Point 3: `credentials` takes a `PublisherToken` as it is.
    Client::from_config(
        ClientConfig::new(Environment::Custom(mock.url_for(Family::Core))).credentials(PublisherToken::new("token")),
    )
    .expect("the client builds")
}

/// Points 2 and 4: the offer id typed by `get_subscription`'s response goes, as that type, to
/// `get_offer` and to an offer-localization call; nothing converts through `String`.
#[tokio::test]
async fn an_offer_id_from_a_subscription_is_passed_as_is_to_the_offer_calls() {
    let mock = MockServer::start().await;
    let client = core_client(&mock);

    // Point 2: `.call()` is the decoded body; its fields move out without `into_inner`.
    let subscriptions = client.list_subscriptions().customer_id(DEMO_CUSTOMER_ID).call().await.unwrap();
    let mut ids = Vec::new();
    for subscription in subscriptions.data {
        ids.extend(subscription.subscription_id);
    }
    let id = *ids.first().expect("the demo customer has a subscription");

    let subscription = client.get_subscription().subscription_id(id).call().await.unwrap();
    let offer_id: OfferId = subscription.offer_id.expect("a subscription names its offer");
    assert_eq!(offer_id.base(), DEMO_SUBSCRIPTION_OFFER);

    let offer = client.get_offer().offer_id(offer_id.base()).call().await.unwrap();
    let _: Option<OfferId> = offer.id;
    let country: CountryCode = offer_id.country().expect("the subscription's offer is localized");
    client
        .update_offer_localization()
        .offer_id(offer_id.base())
        .country_code(country)
        // Point 3: optional body fields take `&str` like required ones.
        .body_map(|b| b.title("Monthly"))
        .call()
        .await
        .unwrap();
}

/// Point 3: optional setters take the value, a `&str`, an `Option` or `None`, and a value a
/// setter refuses says which parameter and why (nothing is sent).
#[tokio::test]
async fn setters_take_what_users_have() {
    let built: types::OfferLocalizationUpdate =
        types::OfferLocalizationUpdate::builder().title("Monthly").description(None).try_into().unwrap();
    assert_eq!(built.title.as_deref().map(|t| t.as_str()), Some("Monthly"));
    assert!(built.description.is_none());
    let refused = types::OfferLocalizationUpdate::builder().title("x".repeat(10_000));
    let err = types::OfferLocalizationUpdate::try_from(refused).unwrap_err();
    assert!(err.to_string().contains("title"), "{err}");

    let mock = MockServer::start().await;
    let err = core_client(&mock).get_offer().offer_id("../offers").call().await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest { operation: Some(op), .. } if op == "getOffer"), "{err:?}");
    assert!(err.to_string().contains("parameter `offer_id`"), "{err}");
}

/// Point 3: a login's `jwt` (a `Secret`) becomes a `CustomerJwt` without unwrapping.
#[tokio::test]
async fn a_login_jwt_becomes_a_customer_jwt_as_it_is() {
    use cleeng_mediastore::prelude::*;
    let mock = MockServer::start().await;
    let anonymous = cleeng_mediastore::Client::new(Environment::Custom(mock.url_for(Family::MediaStore)), ()).unwrap();
    let login = anonymous
        .login_customer()
        .body_map(|b| b.email(DEMO_EMAIL).password(DEMO_PASSWORD).publisher_id("100000000"))
        .call()
        .await
        .unwrap()
        .payload()
        .unwrap();
    let customer = cleeng_mediastore::Client::new(
        Environment::Custom(mock.url_for(Family::MediaStore)),
        CustomerJwt::new(login.jwt.expect("a login returns a JWT")),
    )
    .unwrap();
    let me = customer.get_customer().customer_id(DEMO_CUSTOMER_ID).call().await.unwrap().payload().unwrap();
    assert_eq!(me.id.as_ref().and_then(CleengId::as_i64), Some(DEMO_CUSTOMER_ID));
}

/// A publisher migrating off JSON-RPC glob-imports Core's prelude and the legacy one in the same
/// scope. The two crates' `Client<Tag>Ext` traits share names (`ClientSubscriptionsExt`...);
/// two named glob imports of one name would leave neither trait in scope, so this module would
/// not compile. The legacy prelude brings its traits in unnamed (`as _`).
mod both_preludes {
    #![allow(deprecated)]

    use cleeng_core::prelude::*;
    use cleeng_legacy::prelude::*;
    use cleeng_mock::{Family, MockServer, DEMO_CUSTOMER_ID, DEMO_EMAIL};

    #[tokio::test]
    async fn core_and_legacy_methods_resolve_with_both_preludes_imported() {
        let mock = MockServer::start().await;
        let core = cleeng_core::Client::from_config(
            ClientConfig::new(Environment::Custom(mock.url_for(Family::Core))).credentials(PublisherToken::new("token")),
        )
        .expect("the core client builds");
        let legacy = cleeng_legacy::Client::from_config(
            ClientConfig::new(Environment::Custom(mock.legacy_url())).credentials(PublisherToken::new("token")),
        )
        .expect("the legacy client builds");

        // Both through their trait methods; both see the demo customer's subscription.
        let rest = core.list_subscriptions().customer_id(DEMO_CUSTOMER_ID).call().await.unwrap();
        let legacy = legacy
            .list_customer_subscriptions()
            .customer_email(DEMO_EMAIL)
            .offset(0)
            .limit(10)
            .call()
            .await
            .unwrap();
        let rest_ids: Vec<i64> = rest.data.iter().filter_map(|s| s.subscription_id).collect();
        let legacy_ids: Vec<i64> = legacy.items.iter().filter_map(|s| s.subscription_id).collect();
        assert!(!rest_ids.is_empty());
        assert_eq!(rest_ids, legacy_ids);
    }
}
