//! The mock's legacy JSON-RPC endpoint, spoken to directly (what `cleeng-legacy` sends).

use cleeng_mock::{MockConfig, MockServer, DEMO_EMAIL, DEMO_SUBSCRIPTION_OFFER};
use serde_json::{json, Value};

async fn rpc(mock: &MockServer, method: &str, params: Value) -> Value {
    cleeng_runtime::http_client_builder().build().unwrap()
        .post(format!("{}/3.0/json-rpc", mock.legacy_url()))
        .json(&json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 7}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn entitlements_and_subscriptions_come_from_the_shared_state() {
    let mock = MockServer::start_with(MockConfig::new().publisher_token("pt-1")).await.unwrap();
    // Offsets and limits as strings, as Cleeng's own example sends them.
    let page = rpc(&mock, "listCustomerSubscriptions", json!({"publisherToken": "pt-1", "customerEmail": DEMO_EMAIL, "offset": "0", "limit": "10"})).await;
    assert_eq!(page["id"], "7", "the id comes back as a string");
    assert_eq!(page["result"]["totalItemCount"], 1);
    assert_eq!(page["result"]["items"][0]["offerId"], format!("{DEMO_SUBSCRIPTION_OFFER}_US"));

    let token = rpc(&mock, "generateCustomerToken", json!({"publisherToken": "pt-1", "customerEmail": DEMO_EMAIL})).await;
    let token = token["result"]["token"].as_str().unwrap().to_string();
    let access = rpc(&mock, "getAccessStatus", json!({"customerToken": token, "offerId": DEMO_SUBSCRIPTION_OFFER})).await;
    assert_eq!(access["result"]["accessGranted"], true);
    let tags = rpc(&mock, "getAccessibleTags", json!({"publisherToken": "pt-1", "customerToken": token})).await;
    assert_eq!(tags["result"]["tags"], json!(["mock"]));
}

#[tokio::test]
async fn failures_are_error_objects_with_cleeng_codes() {
    let mock = MockServer::start_with(MockConfig::new().publisher_token("pt-1")).await.unwrap();
    let wrong = rpc(&mock, "listCustomerSubscriptions", json!({"publisherToken": "nope", "customerEmail": DEMO_EMAIL, "offset": 0, "limit": 10})).await;
    assert_eq!(wrong["error"]["code"], 3);
    let unknown = rpc(&mock, "getAccessStatus", json!({"customerToken": "not-a-token", "offerId": "S1"})).await;
    assert_eq!(unknown["error"]["code"], 1);
    let email = rpc(&mock, "generateCustomerToken", json!({"publisherToken": "pt-1", "customerEmail": "nobody@example.com"})).await;
    assert_eq!(email["error"]["code"], 10);
    let method = rpc(&mock, "registerSubscription", json!({})).await;
    assert_eq!(method["error"]["code"], -32601);
}
