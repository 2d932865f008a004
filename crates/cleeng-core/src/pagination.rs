//! Every item of a list call as one `Stream`, fetching page after page with offset/limit.
//!
//! One generic walker ([`paginate`]) and a thin [`Paginate`] impl per list call that has
//! paging parameters in the spec (subscriptions, passes, customers, entitlements, offers).
//! Configure the filters on the generated builder as usual, then ask for the stream; the walker
//! sets the paging parameters itself:
//!
//! ```no_run
//! # async fn run(client: cleeng_core::Client) -> Result<(), cleeng_core::Error> {
//! use cleeng_core::{ClientSubscriptionsExt, Paginate};
//! use futures::TryStreamExt;
//!
//! let all: Vec<_> = client.list_subscriptions().customer_id(123456789).items().try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! The walk ends at the first of: an empty page; `X-Total-Count` reached (when Cleeng sends it);
//! a page shorter than the page size (when it does not). The offset advances by the number of
//! items received, so a server that caps the page size below the one asked for loses nothing
//! as long as it sends `X-Total-Count`. The first error ends the stream.
//!
//! `listSwitches`, `listCampaigns`, `listSeasonGroups` and `listWebhookSubscriptions` have no
//! paging parameters: one call returns everything.

use std::future::Future;

use cleeng_runtime::{Error, Response};
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::generated::builder;
use crate::generated::types::{Offer, Pass, Subscription};

/// Which page to fetch next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Items to skip (`offset`).
    pub offset: u64,
    /// Page size (`limit`).
    pub limit: u32,
    /// 0-based page number, for page-numbered calls (`page = number + 1`).
    pub number: u64,
}

/// One page of a list call.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The total number of matching items (`X-Total-Count`), if Cleeng sent it.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// A page from a response: `items` picks the list out of the body, the total comes from
    /// the `X-Total-Count` header.
    pub fn from_response<B>(response: Response<B>, items: impl FnOnce(B) -> Result<Vec<T>, Error>) -> Result<Self, Error> {
        let total = response.total_count();
        Ok(Page {
            items: items(response.into_value())?,
            total,
        })
    }
}

/// A stream of pages.
pub type PageStream<'a, T> = BoxStream<'a, Result<Page<T>, Error>>;
/// A stream of items across all pages.
pub type ItemStream<'a, T> = BoxStream<'a, Result<T, Error>>;

struct Walk<F> {
    fetch: F,
    next: Option<PageRequest>,
}

/// Walks a paged list: calls `fetch` for page after page until the end (see the module docs)
/// and yields each page. `page_size` is the `limit` asked for (at least 1).
pub fn paginate<'a, T, F, Fut>(page_size: u32, fetch: F) -> PageStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let limit = page_size.max(1);
    let start = Walk {
        fetch,
        next: Some(PageRequest {
            offset: 0,
            limit,
            number: 0,
        }),
    };
    stream::unfold(start, |mut walk| async move {
        let request = walk.next.take()?;
        match (walk.fetch)(request).await {
            Err(e) => Some((Err(e), walk)),
            Ok(page) => {
                let received = page.items.len() as u64;
                let offset = request.offset.saturating_add(received);
                let more = received > 0
                    && match page.total {
                        Some(total) => offset < total,
                        None => received >= u64::from(request.limit),
                    };
                if more {
                    walk.next = Some(PageRequest {
                        offset,
                        limit: request.limit,
                        number: request.number + 1,
                    });
                }
                Some((Ok(page), walk))
            }
        }
    })
    .boxed()
}

/// Flattens a page stream into its items.
pub fn items<'a, T: Send + 'a>(pages: PageStream<'a, T>) -> ItemStream<'a, T> {
    pages
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// A generated list builder that can walk all its pages. Set filters on the builder first; the
/// paging parameters (`offset`, `limit`, `page`) are set by the walk and any you set are replaced.
pub trait Paginate<'a>: Sized {
    /// One item of the list.
    type Item: Send + 'a;
    /// The page size asked for (each impl documents why it chose it).
    const PAGE_SIZE: u32;

    /// Every page, in order.
    fn pages(self) -> PageStream<'a, Self::Item>;

    /// Every item of every page, in order.
    fn items(self) -> ItemStream<'a, Self::Item> {
        items(self.pages())
    }
}

/// The 1-based `page` of a page-numbered call; 0 (refused by the builder as an invalid request)
/// if it does not fit the API's 32-bit range. An offset out of range is refused the same way.
fn page_number(number: u64) -> u32 {
    number
        .checked_add(1)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// Subscriptions, from the `{success, data, message}` envelope. 100 is the documented maximum.
impl<'a> Paginate<'a> for builder::ListSubscriptions<'a> {
    type Item = Subscription;
    const PAGE_SIZE: u32 = 100;

    fn pages(self) -> PageStream<'a, Subscription> {
        paginate(Self::PAGE_SIZE, move |req| {
            let call = self.clone().offset(req.offset).limit(req.limit);
            async move {
                let response = call.call_with_response().await?;
                Page::from_response(response, |list| Ok(list.data))
            }
        })
    }
}

/// Passes, a bare array. Cleeng takes no `limit` here and sends pages of 20.
impl<'a> Paginate<'a> for builder::ListPasses<'a> {
    type Item = Pass;
    const PAGE_SIZE: u32 = 20;

    fn pages(self) -> PageStream<'a, Pass> {
        paginate(Self::PAGE_SIZE, move |req| {
            let call = self.clone().offset(req.offset);
            async move { Page::from_response(call.call_with_response().await?, Ok) }
        })
    }
}

/// Offers, a bare array, page-numbered (`page` from 1). 15 is Cleeng's default page size; a
/// larger one is not documented, and page numbers only line up when Cleeng honours the size.
impl<'a> Paginate<'a> for builder::ListOffers<'a> {
    type Item = Offer;
    const PAGE_SIZE: u32 = 15;

    fn pages(self) -> PageStream<'a, Offer> {
        paginate(Self::PAGE_SIZE, move |req| {
            let call = self.clone().page(page_number(req.number)).limit(req.limit);
            async move { Page::from_response(call.call_with_response().await?, Ok) }
        })
    }
}

/// Customers. The response shape is undocumented, so items stay raw JSON (see [`json_items`]).
/// 20 matches the Core API's usual default; the maximum is undocumented.
impl<'a> Paginate<'a> for builder::ListCustomers<'a> {
    type Item = serde_json::Value;
    const PAGE_SIZE: u32 = 20;

    fn pages(self) -> PageStream<'a, serde_json::Value> {
        paginate(Self::PAGE_SIZE, move |req| {
            let call = self.clone().offset(req.offset).limit(req.limit);
            async move {
                Page::from_response(call.call_with_response().await?, json_items).map_err(|e| e.with_operation("listCustomers"))
            }
        })
    }
}

/// Entitlements. The response shape is undocumented, so items stay raw JSON (see
/// [`json_items`]). 20 matches the Core API's usual default; the maximum is undocumented.
impl<'a> Paginate<'a> for builder::ListEntitlements<'a> {
    type Item = serde_json::Value;
    const PAGE_SIZE: u32 = 20;

    fn pages(self) -> PageStream<'a, serde_json::Value> {
        paginate(Self::PAGE_SIZE, move |req| {
            let call = self.clone().offset(req.offset).limit(req.limit);
            async move {
                Page::from_response(call.call_with_response().await?, json_items).map_err(|e| e.with_operation("listEntitlements"))
            }
        })
    }
}

/// Picks the list out of a body whose shape Cleeng does not document: a bare array, or an
/// object with the array under `items`, `data`, or `data.items` (the shapes other Core lists
/// use). Anything else is an [`Error::Decode`] carrying the body.
pub fn json_items(body: serde_json::Value) -> Result<Vec<serde_json::Value>, Error> {
    use serde_json::Value;
    fn list(value: &mut Value) -> Option<Vec<Value>> {
        match value {
            Value::Array(items) => Some(std::mem::take(items)),
            Value::Object(map) => {
                if let Some(Value::Array(items)) = map.get_mut("items") {
                    return Some(std::mem::take(items));
                }
                match map.get_mut("data") {
                    Some(Value::Array(items)) => Some(std::mem::take(items)),
                    Some(Value::Object(data)) => match data.get_mut("items") {
                        Some(Value::Array(items)) => Some(std::mem::take(items)),
                        _ => None,
                    },
                    Some(Value::Null) => Some(Vec::new()),
                    _ => None,
                }
            }
            _ => None,
        }
    }
    let mut body = body;
    list(&mut body).ok_or_else(|| {
        crate::conditional::decode_error(
            "no list found in the response (expected an array, or one under items, data or data.items)".into(),
            serde_json::to_vec(&body).unwrap_or_default().into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_list_in_every_known_shape() {
        assert_eq!(json_items(json!([1, 2])).unwrap(), vec![json!(1), json!(2)]);
        assert_eq!(json_items(json!({"items": [3]})).unwrap(), vec![json!(3)]);
        assert_eq!(json_items(json!({"success": true, "data": [4]})).unwrap(), vec![json!(4)]);
        assert_eq!(json_items(json!({"data": {"items": [5], "total": 1}})).unwrap(), vec![json!(5)]);
        assert!(json_items(json!({"data": null})).unwrap().is_empty());
        match json_items(json!({"message": "x"})) {
            Err(Error::Decode { body, .. }) => assert_eq!(&body[..], br#"{"message":"x"}"#),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }
}
