//! Read → modify → write-if-unchanged on offers, without lost updates.
//!
//! Cleeng's Offer API protects writes with `ETag` / `If-Match`, but sends the `ETag` only when
//! the request itself carried `If-Match` or `If-None-Match`. These thin wrappers over the
//! generated calls take care of that and return the typed outcomes of [`crate::conditional`]:
//!
//! ```no_run
//! # async fn run(client: cleeng_core::Client) -> Result<(), cleeng_core::Error> {
//! use cleeng_core::{offers, types, Written};
//!
//! let outcome = offers::update_if_unchanged(&client, "S123123123", |offer| {
//!     let title = format!("{} (HD)", offer.title.as_deref().unwrap_or_default());
//!     Some(types::OfferUpdate { title: Some(title.parse().ok()?), ..Default::default() })
//! })
//! .await?;
//! match outcome {
//!     Written::Updated(offer) => println!("now at version {:?}", offer.etag),
//!     Written::Unchanged { .. } => println!("nothing to change"),
//!     Written::PreconditionFailed(_) => println!("someone else changed it first; try again"),
//! }
//! # Ok(()) }
//! ```
//!
//! Offer ids here are the short ids (`S123123123`), as the Offer API paths take them.

use cleeng_runtime::Error;

use crate::conditional::{decode_error, fetched, written, ETag, Fetched, Versioned, Written};
use crate::generated::types::{Offer, OfferUpdate};
use crate::generated::{Client, ClientOffersExt};

/// The `If-None-Match` value sent by [`get`] only to make Cleeng include the `ETag`: it is not a
/// quoted entity tag, so it can never equal a real version, and the answer is always a full `200`.
pub const ETAG_PROBE: &str = "cleeng-rs-etag-probe";

/// Reads an offer together with its current version (the `ETag` a later write needs).
///
/// Cleeng sends an `ETag` only to requests carrying `If-None-Match` or `If-Match`, so this sends
/// `If-None-Match: ` [`ETAG_PROBE`], a value that never matches.
pub async fn get(client: &Client, offer_id: &str) -> Result<Versioned<Offer>, Error> {
    // A 304 (a server treating the probe as a match) stays the runtime's unexpected-status error.
    let response = client.get_offer().offer_id(offer_id).if_none_match(ETAG_PROBE).call_with_response().await?;
    Ok(Versioned::from_response(response))
}

/// Reads an offer only if it changed since `etag` (`If-None-Match`); [`Fetched::NotModified`]
/// means the copy you hold is current.
pub async fn get_if_changed(client: &Client, offer_id: &str, etag: &ETag) -> Result<Fetched<Offer>, Error> {
    fetched(client.get_offer().offer_id(offer_id).if_none_match(etag).call_with_response().await)
}

/// Applies `update` only if the offer is still at version `etag` (`If-Match`).
pub async fn update(
    client: &Client,
    offer_id: &str,
    etag: &ETag,
    update: OfferUpdate,
) -> Result<Written<Offer>, Error> {
    written(client.update_offer().offer_id(offer_id).if_match(etag).body(update).call_with_response().await)
}

/// Activates the offer only if it is still at version `etag`.
pub async fn activate(client: &Client, offer_id: &str, etag: &ETag) -> Result<Written<Offer>, Error> {
    written(client.activate_offer().offer_id(offer_id).if_match(etag).call_with_response().await)
}

/// Deactivates the offer only if it is still at version `etag`.
pub async fn deactivate(client: &Client, offer_id: &str, etag: &ETag) -> Result<Written<Offer>, Error> {
    written(client.deactivate_offer().offer_id(offer_id).if_match(etag).call_with_response().await)
}

/// Reads the offer, lets `change` compute an update from it, and writes that update only if
/// nobody changed the offer in between.
///
/// `change` returning `None` means "nothing to do": nothing is written and the outcome is
/// [`Written::Unchanged`]. A concurrent change is [`Written::PreconditionFailed`]; call this again
/// to redo the change on the fresh offer. An offer read without an `ETag` is an error, never an
/// unconditional write.
pub async fn update_if_unchanged<F>(client: &Client, offer_id: &str, change: F) -> Result<Written<Offer>, Error>
where
    F: FnOnce(&Offer) -> Option<OfferUpdate>,
{
    let current = get(client, offer_id).await?;
    let Some(etag) = current.etag else {
        return Err(decode_error(
            format!("no ETag for offer {offer_id}; nothing was written (a write without If-Match could overwrite a concurrent change)"),
            Default::default(),
        )
        .with_operation("getOffer"));
    };
    match change(&current.value) {
        None => Ok(Written::Unchanged { etag: Some(etag) }),
        Some(body) => update(client, offer_id, &etag, body).await,
    }
}
