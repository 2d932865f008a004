//! Replays: a signed delivery verifies every time, so receivers de-duplicate on its key.

use std::sync::Arc;
use std::time::Duration;

use cleeng_webhooks::{DeliveryKey, RecentDeliveries, SignatureEncoding, Verifier, SIGNATURE_HEADER};

const SECRET: &str = "whsec_replay_test_0123456789";
const BODY: &[u8] = br#"{"broadcasterId":42,"topic":"offerCreated","data":{"offerId":"S123123123"}}"#;

/// The gap this module fills: verification alone accepts the same delivery again and again.
#[test]
fn the_same_signed_delivery_verifies_every_time_but_is_handled_once() {
    let verifier = Verifier::new(SECRET, SIGNATURE_HEADER).unwrap();
    let signature = verifier.sign(BODY, SignatureEncoding::Hex);
    let recent = RecentDeliveries::default();
    let mut handled = 0;
    for _ in 0..5 {
        verifier.verify_value(Some(signature.as_bytes()), BODY).expect("a replay still verifies");
        if recent.first_time(DeliveryKey::of(BODY)) {
            handled += 1;
        }
    }
    assert_eq!(handled, 1);
}

#[test]
fn the_key_is_the_sha256_of_the_raw_body() {
    let key = DeliveryKey::of(b"abc");
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    assert_eq!(key.to_string(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(format!("{key:?}"), format!("DeliveryKey({key})"));
    assert_ne!(DeliveryKey::of(BODY), DeliveryKey::of(&BODY[..BODY.len() - 1]));
    assert_eq!(DeliveryKey::of(BODY), DeliveryKey::of(BODY.to_vec().as_slice()));
}

#[test]
fn record_then_contains_and_a_handler_that_failed_is_not_recorded() {
    let recent = RecentDeliveries::new(10, Duration::from_secs(60));
    let key = DeliveryKey::of(BODY);
    assert!(!recent.contains(&key));
    // A handler that failed does not record: the re-sent delivery is handled again.
    assert!(!recent.contains(&key));
    recent.record(key);
    assert!(recent.contains(&key));
    assert!(!recent.first_time(key));
    assert_eq!(recent.len(), 1);
}

#[test]
fn memory_is_bounded_by_the_capacity_oldest_first() {
    let recent = RecentDeliveries::new(100, Duration::from_secs(3600));
    let keys: Vec<_> = (0..1_000u32).map(|i| DeliveryKey::of(&i.to_be_bytes())).collect();
    for key in &keys {
        assert!(recent.first_time(*key));
    }
    assert_eq!(recent.len(), 100);
    assert!(recent.contains(&keys[999]) && recent.contains(&keys[900]));
    assert!(!recent.contains(&keys[899]) && !recent.contains(&keys[0]));
    // Recording the same key many times does not grow the set either.
    for _ in 0..1_000 {
        recent.record(keys[999]);
    }
    assert_eq!(recent.len(), 100);
    assert!(recent.contains(&keys[950]));
}

#[test]
fn keys_older_than_the_window_are_forgotten() {
    let recent = RecentDeliveries::new(10, Duration::from_millis(50));
    let key = DeliveryKey::of(BODY);
    assert!(recent.first_time(key));
    assert!(!recent.first_time(key));
    std::thread::sleep(Duration::from_millis(80));
    assert!(!recent.contains(&key));
    assert!(recent.is_empty());
    assert!(recent.first_time(key));
}

#[test]
fn concurrent_copies_of_one_delivery_are_handled_once() {
    let recent = Arc::new(RecentDeliveries::default());
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let recent = recent.clone();
            std::thread::spawn(move || recent.first_time(DeliveryKey::of(BODY)))
        })
        .collect();
    let firsts = threads.into_iter().map(|t| t.join().unwrap()).filter(|first| *first).count();
    assert_eq!(firsts, 1);
}
