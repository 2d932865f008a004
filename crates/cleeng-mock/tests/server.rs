//! The mock against raw HTTP (routing and validation answers) and against the generated clients
//! (the stateful journeys). Every test ends by checking that no answer broke its schema.

use cleeng_mock::{Family, MockServer, DEMO_CUSTOMER_ID, DEMO_EMAIL, DEMO_PASSWORD, DEMO_SUBSCRIPTION_OFFER};
use serde_json::{json, Value};

async fn send(req: reqwest::RequestBuilder) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = req.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
    (status, body, headers)
}

fn assert_clean(mock: &MockServer) {
    assert_eq!(mock.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn routing_and_validation_answers_use_each_family_error_shape() {
    let mock = MockServer::start().await;
    let http = cleeng_runtime::http_client_builder().build().unwrap();
    let core = mock.url_for(Family::Core);
    let ms = mock.url_for(Family::MediaStore);

    let (status, body, _) = send(http.get(format!("{core}/no/such/path")).header("X-Publisher-Token", "t")).await;
    assert_eq!((status, body), (404, json!({"message": "no operation at /no/such/path"})));

    let (status, _, headers) = send(http.delete(format!("{core}/subscriptions")).header("X-Publisher-Token", "t")).await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "GET, POST");

    let (status, body, _) = send(http.get(format!("{core}/subscriptions"))).await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({"message": "missing or invalid X-Publisher-Token"}));

    let (status, body, _) = send(
        http.post(format!("{core}/subscriptions"))
            .header("X-Publisher-Token", "t")
            .json(&json!({"offerId": "S100000001", "paymentMethodId": 1, "externalId": "x"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body, json!({"message": "invalid request body: `customerId` is required"}));

    let (status, body, _) = send(
        http.get(format!("{core}/subscriptions/not-a-number")).header("X-Publisher-Token", "t"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body, json!({"message": "invalid path parameter: subscriptionId must be an integer"}));

    let (status, body, _) = send(http.get(format!("{ms}/entitlements/S100000001_US"))).await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({"responseData": {}, "errors": ["Missing required JWT"], "code": "AUTH0001"}));

    let jwt = mock.customer_jwt(DEMO_CUSTOMER_ID);
    let (status, body, _) = send(
        http.post(format!("{ms}/orders"))
            .bearer_auth(&jwt)
            .json(&json!({"offerId": "S100000001_US", "customerId": "not-a-number"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"], json!(["invalid request body: customerId must be an integer"]));
    assert_eq!(body["code"], "REQ0001");

    let (status, body, _) = send(http.post(format!("{ms}/orders")).bearer_auth(&jwt).body("{not json")).await;
    assert_eq!(status, 400);
    assert!(body["errors"][0].as_str().unwrap().starts_with("invalid JSON body"), "{body}");

    let (status, _, _) = send(http.get(format!("{}/elsewhere", mock.url()))).await;
    assert_eq!(status, 404);
    assert_clean(&mock);
}

#[tokio::test]
async fn login_then_order_then_pay_grants_the_entitlement() {
    use cleeng_mediastore::{
        Client, ClientLoginExt, ClientConfig, ClientEntitlementsExt, ClientOrdersExt, ClientPaymentsExt, CustomerJwt,
        Environment,
    };
    let mock = MockServer::start().await;
    let env = Environment::Custom(mock.url_for(Family::MediaStore));
    let public = Client::from_config(ClientConfig::new(env.clone())).unwrap();

    let wrong = public
        .login_customer()
        .body_map(|b| b.email(DEMO_EMAIL).password("wrong-password-1").publisher_id(Some("120000001".to_string())))
        .call()
        .await
        .unwrap_err();
    assert_eq!(wrong.status(), Some(401));

    let registered = public
        .register_customer()
        .body_map(|b| {
            b.email("new@example.com")
                .password("new-password-1")
                .locale("en_US")
                .country("US")
                .currency("USD")
                .publisher_id(Some("120000001".to_string()))
        })
        .call()
        .await
        .unwrap()
        .response_data;
    let customer_id = registered.customer_id.unwrap();
    let again = public
        .register_customer()
        .body_map(|b| b.email("new@example.com").password("new-password-1").locale("en_US").country("US").currency("USD"))
        .call()
        .await
        .unwrap_err();
    assert_eq!(again.status(), Some(422));

    let login = public
        .login_customer()
        .body_map(|b| b.email("new@example.com").password("new-password-1").publisher_id(Some("120000001".to_string())))
        .call()
        .await
        .unwrap()
        .response_data;
    assert_eq!(login.customer_id, Some(customer_id));
    let jwt = login.jwt.unwrap().expose().to_string();
    let client = Client::from_config(ClientConfig::new(env).customer_jwt(CustomerJwt::new(jwt))).unwrap();

    let offer = format!("{DEMO_SUBSCRIPTION_OFFER}_US");
    let before = client.get_entitlements().offer_id(&offer).call().await.unwrap();
    assert_eq!(before.response_data.access_granted, Some(false));

    let order = client
        .create_order()
        .body_map(|b| b.offer_id(&offer).customer_id(customer_id).country(Some("US".to_string())))
        .call()
        .await
        .unwrap()
        .response_data
        .order
        .unwrap();
    let order_id = order.id.unwrap();
    let payment = client
        .create_payment_without_details()
        .body_map(|b| b.order_id(order_id))
        .call()
        .await
        .unwrap()
        .response_data;
    assert_eq!(payment.order_id, Some(order_id));
    let twice = client.create_payment_without_details().body_map(|b| b.order_id(order_id)).call().await.unwrap_err();
    assert_eq!(twice.status(), Some(422));

    let after = client.get_entitlements().offer_id(&offer).call().await.unwrap();
    assert_eq!(after.response_data.access_granted, Some(true));
    assert_clean(&mock);
}

#[tokio::test]
async fn core_subscriptions_are_listed_paused_and_resumed() {
    use cleeng_core::prelude::*;
    let mock = MockServer::start().await;
    let client = Client::from_config(
        ClientConfig::new(Environment::Custom(mock.url_for(Family::Core))).publisher_token(PublisherToken::new("t")),
    )
    .unwrap();
    let created = client
        .create_subscription()
        .body_map(|b| b.customer_id(DEMO_CUSTOMER_ID).offer_id(DEMO_SUBSCRIPTION_OFFER).payment_method_id(1).external_id("ext-1"))
        .call_with_response()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let id = created.into_value().subscription_id.unwrap();

    let listed = client.list_subscriptions().customer_id(DEMO_CUSTOMER_ID).call_with_response().await.unwrap();
    assert_eq!(listed.total_count(), Some(2), "the seeded subscription and the new one");
    assert_eq!(listed.into_value().data.len(), 2);

    let paused = client
        .pause_subscription()
        .subscription_id(id)
        .body_map(|b| b.pause_date("anniversary-date").resumes_after_billing_cycles(2))
        .call()
        .await
        .unwrap();
    assert_eq!(paused.status.map(|s| s.to_string()), Some("paused".into()));
    assert!(paused.pause.is_some());
    let again = client
        .pause_subscription()
        .subscription_id(id)
        .body_map(|b| b.pause_date("anniversary-date").resumes_after_billing_cycles(2))
        .call()
        .await
        .unwrap_err();
    assert_eq!(again.status(), Some(422));

    let resumed = client.resume_subscription().subscription_id(id).call_with_response().await.unwrap();
    assert_eq!(resumed.status().as_u16(), 202);
    assert_eq!(resumed.into_value().status.map(|s| s.to_string()), Some("active".into()));
    assert_clean(&mock);
}

#[tokio::test]
async fn webhook_endpoints_receive_signed_events() {
    let mock = MockServer::start().await;
    // A receiver that records what it gets.
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: http::HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                let sig = headers.get(cleeng_mock::SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                sink.lock().unwrap().push((sig, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let http = cleeng_runtime::http_client_builder().build().unwrap();
    let wh = mock.url_for(Family::Webhooks);
    let (status, created, _) = send(
        http.post(format!("{wh}/endpoints"))
            .header("X-Publisher-Token", "t")
            .json(&json!({"url": hook, "eventTypes": ["customerRegistered"]})),
    )
    .await;
    assert_eq!(status, 201);
    let secret = created["data"]["signing"]["secret"].as_str().unwrap().to_string();
    let endpoint_id = created["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(mock.endpoint_secret(&endpoint_id), Some(secret.clone()));

    let (status, _, _) = send(
        http.post(format!("{}/customers", mock.url_for(Family::Core)))
            .header("X-Publisher-Token", "t")
            .json(&json!({"email": "hooked@example.com"})),
    )
    .await;
    assert_eq!(status, 200);

    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (signature, body) = &got[0];
    assert_eq!(signature, &cleeng_mock::webhooks::sign(&secret, body.as_bytes()));
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["topic"], "customerRegistered");
    assert_eq!(event["data"]["customerEmail"], "hooked@example.com");
    assert_eq!(mock.deliveries()[0].status, Some(200));

    // Reads never show the secret.
    let (_, read, _) = send(http.get(format!("{wh}/endpoints/{endpoint_id}")).header("X-Publisher-Token", "t")).await;
    assert_eq!(read["data"]["signing"], json!({"algorithm": "HMAC-SHA256"}));
    assert_clean(&mock);
}

#[tokio::test]
async fn every_operation_answers_without_breaking_its_schema() {
    // One request per operation with only what the generated builders need would need a
    // per-operation fixture; instead, hit every parameterless GET and check the answers.
    let mock = MockServer::start().await;
    let http = cleeng_runtime::http_client_builder().build().unwrap();
    let jwt = mock.customer_jwt(DEMO_CUSTOMER_ID);
    let mut hits = 0;
    for family in Family::ALL {
        let spec: Value = serde_yaml::from_str(family.spec_text()).unwrap();
        for (path, item) in spec["paths"].as_object().unwrap() {
            if path.contains('{') || item.get("get").is_none() {
                continue;
            }
            let required = item["get"]["parameters"]
                .as_array()
                .is_some_and(|ps| {
                    ps.iter().any(|p| {
                        let p = match p["$ref"].as_str() {
                            Some(r) => spec.pointer(&r[1..]).unwrap(),
                            None => p,
                        };
                        p["required"] == json!(true)
                    })
                });
            if required {
                continue;
            }
            let (status, _, _) = send(
                http.get(format!("{}{path}", mock.url_for(family)))
                    .header("X-Publisher-Token", "t")
                    .bearer_auth(&jwt),
            )
            .await;
            assert!((200..300).contains(&status), "{family:?} {path}: {status}");
            hits += 1;
        }
    }
    assert!(hits >= 10, "{hits}");
    assert_clean(&mock);
    let _ = DEMO_PASSWORD;
}

/// A success documented only as a document (the receipt's `text/html`) is answered with that
/// `Content-Type` and a body, not an empty untyped 200 (schemathesis check ST104).
#[tokio::test]
async fn a_non_json_success_carries_its_documented_content_type() {
    let mock = MockServer::start().await;
    let jwt = mock.customer_jwt(DEMO_CUSTOMER_ID);
    let response = cleeng_runtime::http_client_builder().build().unwrap()
        .get(format!("{}/receipt/T123456789", mock.url_for(Family::MediaStore)))
        .bearer_auth(jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "text/html");
    let body = response.text().await.unwrap();
    assert!(body.starts_with("<!doctype html>"), "{body}");
    assert_clean(&mock);
}
