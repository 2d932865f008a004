//! My Account calls with the customer id taken from the session.
//!
//! Every `/customers/{customerId}/...` call needs the id of the customer whose JWT it sends;
//! passing it again invites sending one customer's id with another's token. [`Account`] holds a
//! session-backed client and returns the generated builders with `customer_id` already set;
//! everything else about each builder (other parameters, body, `call()`) is unchanged.
//!
//! ```no_run
//! # async fn run(session: cleeng_mediastore::Session) -> Result<(), cleeng_mediastore::Error> {
//! use cleeng_mediastore::prelude::*;
//!
//! let account = Account::new(session)?;
//! let subscriptions = account.list_customer_subscriptions().call().await?.payload()?;
//! let page = account.list_customer_transactions().limit(10).call().await?.payload()?;
//! # Ok(()) }
//! ```

use cleeng_runtime::Error;

use crate::generated::builder;
use crate::generated::{
    Client, ClientConsentsExt, ClientCustomersExt, ClientOffersExt, ClientPassesExt,
    ClientPaymentDetailsExt, ClientSubscriptionsExt, ClientSwitchesExt, ClientTransactionsExt,
};
use crate::session::Session;

/// A logged-in customer's view of the API: a client that sends the session's JWT, and the
/// My Account calls pre-filled with the session's customer id.
#[derive(Debug, Clone)]
pub struct Account {
    client: Client,
    session: Session,
}

macro_rules! for_customer {
    ($($(#[$doc:meta])* $name:ident => $builder:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(&self) -> builder::$builder<'_> {
                self.client.$name().customer_id(self.session.customer_id())
            }
        )*
    };
}

impl Account {
    /// An account over `session`, with a client built by [`Session::client`].
    pub fn new(session: Session) -> Result<Self, Error> {
        Ok(Account { client: session.client()?, session })
    }

    /// The session-backed client, for every call that does not take a customer id.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The session (tokens, claims, refresh).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The customer's id, from the session's JWT.
    pub fn customer_id(&self) -> i64 {
        self.session.customer_id()
    }

    for_customer! {
        /// `getCustomer` for this customer.
        get_customer => GetCustomer;
        /// `updateCustomer` for this customer.
        update_customer => UpdateCustomer;
        /// `getCustomerConsents` for this customer.
        get_customer_consents => GetCustomerConsents;
        /// `updateCustomerConsents` for this customer.
        update_customer_consents => UpdateCustomerConsents;
        /// `getCaptureStatus` for this customer.
        get_capture_status => GetCaptureStatus;
        /// `updateCaptureAnswers` for this customer.
        update_capture_answers => UpdateCaptureAnswers;
        /// `listCustomerOffers` for this customer.
        list_customer_offers => ListCustomerOffers;
        /// `listPaymentDetails` for this customer.
        list_payment_details => ListPaymentDetails;
        /// `listCustomerSubscriptions` for this customer.
        list_customer_subscriptions => ListCustomerSubscriptions;
        /// `updateCustomerSubscription` (cancel or resume) for this customer.
        update_customer_subscription => UpdateCustomerSubscription;
        /// `applyCoupon` to one of this customer's subscriptions.
        apply_coupon => ApplyCoupon;
        /// `listCustomerPasses` for this customer.
        list_customer_passes => ListCustomerPasses;
        /// `listCustomerTransactions` for this customer.
        list_customer_transactions => ListCustomerTransactions;
        /// `getAvailableSwitches` for one of this customer's offers.
        get_available_switches => GetAvailableSwitches;
        /// `switchSubscription` for this customer.
        switch_subscription => SwitchSubscription;
    }
}
