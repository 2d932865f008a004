//! The values of the gift journey: the code, what verification says, what redemption did.
//!
//! A gift code (`1A2B-3C4D`) is a bearer secret: whoever holds it can redeem the gift, once.
//! [`GiftCode`] keeps it out of `Debug` and `Display` output (both print the runtime's shared
//! [`redact::REDACTED`] marker), and the runtime drops request URLs from transport errors and
//! prints any other URL through [`redact::url`], which hides a code segment. It is still sent as
//! a plain path segment (`/gifts/redeem/1A2B-3C4D`), so it is checked for characters that could change
//! the path before it is used.
//!
//! Verification answers `redeemable` plus either what redeeming will do (`redeemMode`) or why it
//! will not work (`redeemRefusalReason`); [`GiftVerdict`] makes that one `match`. Cleeng's
//! reference spells refusal reasons with spaces (`INACTIVE OFFER`) while its web client compares
//! them with underscores (`INACTIVE_OFFER`); [`RefusalReason`] accepts both.

use std::fmt;

use cleeng_runtime::{redact, Error, Secret};

use crate::generated::types::GiftVerification;

/// Longest code accepted. Cleeng's codes are 9 characters; the bound only stops a pasted
/// paragraph from becoming a URL.
const MAX_CODE_LEN: usize = 64;

/// A gift code such as `1A2B-3C4D`. Prints `GiftCode([redacted])` (the marker is
/// [`redact::REDACTED`]); [`GiftCode::expose`] gives the value, e.g. to show it to the gifter.
#[derive(Clone, PartialEq, Eq)]
pub struct GiftCode(Secret);

impl GiftCode {
    /// Checks a code a person typed or pasted: surrounding whitespace is dropped; what remains
    /// must be 1 to 64 ASCII letters, digits or dashes. Anything else is refused with
    /// [`Error::InvalidRequest`] (which does not repeat the code), because the code becomes a
    /// path segment and `/`, `.` or `?` in it would change which URL is called.
    pub fn parse(code: &str) -> Result<GiftCode, Error> {
        let code = code.trim();
        if code.is_empty() {
            return Err(invalid("gift code: empty".into()));
        }
        if code.len() > MAX_CODE_LEN {
            return Err(invalid(format!(
                "gift code: {} characters, at most {MAX_CODE_LEN} allowed",
                code.len()
            )));
        }
        if !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(invalid("gift code: only ASCII letters, digits and dashes are allowed".into()));
        }
        Ok(GiftCode(Secret::new(code)))
    }

    /// The code itself. Never log it.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// A refused code: no operation yet (the code is checked before any call), and a message that
/// never repeats the code.
fn invalid(message: String) -> Error {
    Error::InvalidRequest { operation: None, message }
}

impl fmt::Debug for GiftCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GiftCode").field(&format_args!("{}", redact::REDACTED)).finish()
    }
}

impl fmt::Display for GiftCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(redact::REDACTED)
    }
}

/// What redeeming a code does to the recipient's account (`redeemMode`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedeemEffect {
    /// `NEW`: a new subscription to the gifted offer is created.
    NewSubscription,
    /// `EXTEND`: the recipient's existing subscription is extended by the gift's period.
    ExtendSubscription {
        /// The subscription extended (`extendedSubscriptionId`), when Cleeng says which.
        subscription_id: Option<i64>,
    },
    /// A mode this version does not know, kept verbatim.
    Other(String),
}

impl RedeemEffect {
    fn from_wire(mode: &str, subscription_id: Option<i64>) -> RedeemEffect {
        match mode.trim().to_ascii_uppercase().as_str() {
            "NEW" => RedeemEffect::NewSubscription,
            "EXTEND" => RedeemEffect::ExtendSubscription { subscription_id },
            _ => RedeemEffect::Other(mode.to_string()),
        }
    }
}

/// Why a code cannot be redeemed (`redeemRefusalReason`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusalReason {
    /// `REDEEMED`: the code was used already.
    AlreadyRedeemed,
    /// `RECURRING PROCESS ALREADY STARTED`: a payment on the recipient's subscription is in
    /// progress; try again once it is done.
    RecurringProcessAlreadyStarted,
    /// `INACTIVE OFFER`: the gifted offer is no longer sold.
    InactiveOffer,
    /// `MORE THAN ONE MATCHING SUBSCRIPTION`: several of the recipient's subscriptions give the
    /// same access, so Cleeng cannot pick one to extend.
    MoreThanOneMatchingSubscription,
    /// `EXTERNALLY MANAGED SUBSCRIPTION`: the recipient's access comes from another store
    /// (an app store, for example).
    ExternallyManagedSubscription,
    /// `OFFER GEO RESTRICTED`: the offer is not sold where the recipient is.
    OfferGeoRestricted,
    /// `PUBLISHER GEO RESTRICTED`: the publisher does not sell where the recipient is.
    PublisherGeoRestricted,
    /// `redeemable` was false and no reason was given.
    Unspecified,
    /// A reason this version does not know, kept verbatim.
    Other(String),
}

impl RefusalReason {
    /// Reads a wire value in either spelling (`INACTIVE OFFER` or `INACTIVE_OFFER`, any case).
    pub fn from_wire(reason: &str) -> RefusalReason {
        let normal = reason.trim().replace('_', " ").to_ascii_uppercase();
        match normal.as_str() {
            "" => RefusalReason::Unspecified,
            "REDEEMED" => RefusalReason::AlreadyRedeemed,
            "RECURRING PROCESS ALREADY STARTED" => RefusalReason::RecurringProcessAlreadyStarted,
            "INACTIVE OFFER" => RefusalReason::InactiveOffer,
            "MORE THAN ONE MATCHING SUBSCRIPTION" => RefusalReason::MoreThanOneMatchingSubscription,
            "EXTERNALLY MANAGED SUBSCRIPTION" => RefusalReason::ExternallyManagedSubscription,
            "OFFER GEO RESTRICTED" => RefusalReason::OfferGeoRestricted,
            "PUBLISHER GEO RESTRICTED" => RefusalReason::PublisherGeoRestricted,
            _ => RefusalReason::Other(reason.to_string()),
        }
    }
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RefusalReason::AlreadyRedeemed => "REDEEMED",
            RefusalReason::RecurringProcessAlreadyStarted => "RECURRING PROCESS ALREADY STARTED",
            RefusalReason::InactiveOffer => "INACTIVE OFFER",
            RefusalReason::MoreThanOneMatchingSubscription => "MORE THAN ONE MATCHING SUBSCRIPTION",
            RefusalReason::ExternallyManagedSubscription => "EXTERNALLY MANAGED SUBSCRIPTION",
            RefusalReason::OfferGeoRestricted => "OFFER GEO RESTRICTED",
            RefusalReason::PublisherGeoRestricted => "PUBLISHER GEO RESTRICTED",
            RefusalReason::Unspecified => "no reason given",
            RefusalReason::Other(reason) => reason,
        })
    }
}

/// What verifying a code said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiftVerdict {
    /// The code can be redeemed by this customer, with this effect.
    Redeemable {
        /// What redeeming will do.
        effect: RedeemEffect,
        /// The gifted offer, when given.
        offer_id: Option<cleeng_runtime::OfferId>,
    },
    /// The code exists but cannot be redeemed by this customer now.
    Refused {
        /// Why.
        reason: RefusalReason,
        /// The gifted offer, when given.
        offer_id: Option<cleeng_runtime::OfferId>,
    },
    /// No gift has this code (Cleeng answered 404).
    UnknownCode,
}

impl GiftVerdict {
    /// `true` for [`GiftVerdict::Redeemable`].
    pub fn is_redeemable(&self) -> bool {
        matches!(self, GiftVerdict::Redeemable { .. })
    }
}

impl From<GiftVerification> for GiftVerdict {
    /// `redeemable: true` (and only `true`) means redeemable; anything else is a refusal.
    fn from(v: GiftVerification) -> GiftVerdict {
        if v.redeemable == Some(true) {
            let mode = v.redeem_mode.map(|m| m.to_string()).unwrap_or_default();
            GiftVerdict::Redeemable {
                effect: RedeemEffect::from_wire(&mode, v.extended_subscription_id),
                offer_id: v.offer_id,
            }
        } else {
            let reason = v.redeem_refusal_reason.map(|r| r.to_string()).unwrap_or_default();
            GiftVerdict::Refused {
                reason: RefusalReason::from_wire(&reason),
                offer_id: v.offer_id,
            }
        }
    }
}

/// What a successful redemption answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    /// What it did, when the answer says (`redeemMode`).
    pub effect: Option<RedeemEffect>,
    /// The gifted offer, when given.
    pub offer_id: Option<cleeng_runtime::OfferId>,
}

impl From<GiftVerification> for Redemption {
    fn from(v: GiftVerification) -> Redemption {
        Redemption {
            effect: v
                .redeem_mode
                .map(|m| RedeemEffect::from_wire(&m.to_string(), v.extended_subscription_id)),
            offer_id: v.offer_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_never_printed() {
        let code = GiftCode::parse("  1A2B-3C4D\n").unwrap();
        assert_eq!(code.expose(), "1A2B-3C4D");
        assert!(!format!("{code:?} {code}").contains("1A2B"));
        for bad in ["", "   ", "1A2B/3C4D", "..", "1A2B-3C4D?x=1", "1A2B 3C4D", "1A2B%2F3C4D", &"A".repeat(65)] {
            let error = GiftCode::parse(bad).unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{bad:?}: {error:?}");
            if bad.trim().len() > 2 {
                assert!(!error.to_string().contains(bad.trim()), "{error}");
            }
        }
    }

    #[test]
    fn refusal_reasons_read_in_both_spellings() {
        for (wire, want) in [
            ("REDEEMED", RefusalReason::AlreadyRedeemed),
            ("INACTIVE OFFER", RefusalReason::InactiveOffer),
            ("INACTIVE_OFFER", RefusalReason::InactiveOffer),
            ("externally_managed_subscription", RefusalReason::ExternallyManagedSubscription),
            ("MORE THAN ONE MATCHING SUBSCRIPTION", RefusalReason::MoreThanOneMatchingSubscription),
            ("RECURRING_PROCESS_ALREADY_STARTED", RefusalReason::RecurringProcessAlreadyStarted),
            ("OFFER GEO RESTRICTED", RefusalReason::OfferGeoRestricted),
            ("PUBLISHER_GEO_RESTRICTED", RefusalReason::PublisherGeoRestricted),
            ("", RefusalReason::Unspecified),
            ("NEW REASON", RefusalReason::Other("NEW REASON".into())),
        ] {
            assert_eq!(RefusalReason::from_wire(wire), want, "{wire:?}");
        }
    }

    #[test]
    fn verification_becomes_a_verdict() {
        let v: GiftVerification = serde_json::from_value(serde_json::json!({
            "redeemable": true, "redeemMode": "EXTEND", "redeemRefusalReason": null,
            "extendedSubscriptionId": 42, "offerId": "S1_US"
        }))
        .unwrap();
        assert_eq!(
            GiftVerdict::from(v),
            GiftVerdict::Redeemable {
                effect: RedeemEffect::ExtendSubscription { subscription_id: Some(42) },
                offer_id: Some("S1_US".try_into().unwrap())
            }
        );
        let v: GiftVerification = serde_json::from_value(serde_json::json!({
            "redeemable": false, "redeemMode": null, "redeemRefusalReason": "EXTERNALLY_MANAGED_SUBSCRIPTION"
        }))
        .unwrap();
        assert_eq!(
            GiftVerdict::from(v),
            GiftVerdict::Refused { reason: RefusalReason::ExternallyManagedSubscription, offer_id: None }
        );
        let v: GiftVerification = serde_json::from_value(serde_json::json!({"redeemMode": "NEW"})).unwrap();
        assert!(!GiftVerdict::from(v).is_redeemable(), "a missing `redeemable` is not a yes");
    }
}
