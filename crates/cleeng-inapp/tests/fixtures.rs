//! The documented success bodies in tests/fixtures decode into the generated types, so the spec's
//! schemas match the fields Cleeng documents.

use cleeng_inapp::types::{
    PurchaseValidationStatus, PurchaseValidationStatusStatus, SynchronizationAccepted, SynchronizationStatus,
    SynchronizationStatusStatus,
};
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(file: &str) -> T {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} does not decode: {e}"))
}

#[test]
fn every_fixture_decodes() {
    let accepted: SynchronizationAccepted = decode("registerAppleSk2Purchase.202.json");
    assert_eq!(accepted.synchronization_id, "b7e4c1d2-5a6f-4e3b-9c8d-0f1e2d3c4b5a");
    let processing: SynchronizationStatus = decode("getAppleSk2SynchronizationStatus.processing.json");
    assert_eq!(processing.status, SynchronizationStatusStatus::Processing);
    assert_eq!(processing.result, None);
    let finalized: SynchronizationStatus = decode("getAppleSk2SynchronizationStatus.finalized.json");
    assert_eq!(finalized.status, SynchronizationStatusStatus::Finalized);
    assert_eq!(finalized.access_granted, Some(false));
    assert_eq!(finalized.result.as_deref(), Some("TRANSACTION_ID_NOT_FOUND"));
    let samsung: PurchaseValidationStatus = decode("getSamsungTvPurchaseStatus.200.json");
    assert_eq!(samsung.status, PurchaseValidationStatusStatus::Success);
}
