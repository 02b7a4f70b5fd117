//! The application layer: one function per use case, each with a typed outcome. Handlers in
//! `web/` parse a request, call one of these and render what it returns; webhooks and the
//! background worker call the same functions, so a rule lives in one place whoever triggers it.
//!
//! - [`lifecycle`]: every booking status change, with the side effects it queues.
//! - [`booking`]: the customer's way through: a booking from cal.com, details and Checkout,
//!   the thank-you page's look at Stripe.
//! - [`customer`]: the customer's booking page: cancel and reschedule under our policy.
//! - [`payments`], [`calendar`]: what Stripe's and cal.com's webhooks change.
//! - [`interviews`]: the interviewer's side of a booking (acknowledge, resume; staff refunds).
//! - [`accounts`]: signing in, passwords, invitations.
//! - [`reports`]: the written feedback report after a held session; [`reviews`]: verified
//!   reviews of held sessions.
//! - [`profiles`]: an interviewer's profile, calendar settings and photo.
//! - [`claims`]: the money-back guarantee, claimed from the booking page.
//! - [`catalogue`]: what staff curate (tags, testimonials, companies, listing, accounts).
//! - [`emails`]: rendering the emails these queue; [`invites`]: the calendar invites they carry.
//! - [`throttle`]: the rate limits (sign-in, password resets, cal.com lookups).
//!
//! Rules every use case keeps: no outside HTTP call (Stripe, cal.com, storage) while a row
//! lock or a transaction is held; work for the outbox is queued in the same transaction as
//! the change that causes it, and the worker is woken after that transaction commits.

pub mod accounts;
pub mod booking;
pub mod calendar;
pub mod catalogue;
pub mod claims;
pub mod customer;
pub mod earnings;
pub mod emails;
pub mod interviews;
pub mod invites;
pub mod lifecycle;
pub mod payments;
pub mod profiles;
pub mod reports;
pub mod reviews;
pub mod throttle;

use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::Notify;

use crate::{
    config::{Config, Secret},
    integrations::{calcom::CalClient, storage::Storage, stripe::StripeClient},
    templates::Templates,
};

/// What the use cases work with: the database, the outside services, the templates emails
/// are rendered from, and the settings. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub pool: PgPool,
    pub templates: Arc<Templates>,
    pub config: Arc<Config>,
    pub stripe: StripeClient,
    pub calcom: CalClient,
    pub storage: Storage,
    /// Wakes this instance's background worker (other instances poll).
    pub wake_worker: Arc<Notify>,
}

impl Services {
    /// Call after committing a transaction that queued jobs, so they run now rather than at
    /// the worker's next poll.
    pub fn work_queued(&self) {
        self.wake_worker.notify_one();
    }

    /// The cal.com API key that can act on this interviewer's bookings: their own (stored
    /// encrypted) if they gave one, else the site's `CALCOM_API_KEY`.
    pub async fn cal_key_for(&self, interviewer_id: i64) -> sqlx::Result<Option<Secret>> {
        let own = crate::db::profiles::cal_api_key_of(&self.pool, interviewer_id).await?;
        let decrypted = own.and_then(|sealed| {
            crate::auth::secrets::cal_api_keys(self.config.secret_key.expose()).open(&sealed)
        });
        Ok(decrypted
            .map(Secret::new)
            .or_else(|| self.config.calcom.api_key.clone()))
    }
}
