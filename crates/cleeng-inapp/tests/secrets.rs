//! Store receipts are credentials (a Google Play purchase token or an App Store receipt lets
//! whoever holds it claim the purchase): they must not print in `Debug` (issue 14, point 9).

use cleeng_inapp::types::{AndroidReceipt, AppleReceipt};
use serde_json::json;

#[test]
fn purchase_tokens_and_receipt_data_print_redacted() {
    let android: AndroidReceipt = serde_json::from_value(json!({
        "productId": "monthly", "purchaseToken": "play-purchase-token-abc123", "packageName": "com.example.tv"
    }))
    .unwrap();
    let apple: AppleReceipt =
        serde_json::from_value(json!({"receiptData": "MIIT-base64-app-store-receipt", "transactionId": "1000"})).unwrap();
    let debug = format!("{android:?} {apple:?}");
    assert!(!debug.contains("play-purchase-token-abc123") && !debug.contains("MIIT-base64"), "{debug}");
    assert!(debug.contains("[redacted]") && debug.contains("com.example.tv"), "{debug}");
    // The values are sent as they are.
    let sent = serde_json::to_value(&android).unwrap();
    assert_eq!(sent["purchaseToken"], "play-purchase-token-abc123");
    assert_eq!(serde_json::to_value(&apple).unwrap()["receiptData"], "MIIT-base64-app-store-receipt");
}
