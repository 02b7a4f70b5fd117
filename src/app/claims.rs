//! The money-back guarantee, self-served: within `GUARANTEE_CLAIM_DAYS` of a held session the
//! customer claims it from their booking page with a short reason; staff refund in full
//! (`lifecycle::refund_under_guarantee`, which decides the claim in the same transaction) or
//! reply. One claim per booking; the customer sees its state on their booking page.

use time::OffsetDateTime;

use super::{Services, interviews, lifecycle};
use crate::{
    db::{
        bookings::{self, BookingView},
        claims::{self, ClaimState},
    },
    domain::{
        BookingStatus, SessionOutcome,
        forms::{Limit, clean_text},
    },
};

pub const MAX_CLAIM_REASON: Limit = Limit(2000);
pub const MAX_CLAIM_REPLY: Limit = Limit(2000);

/// Until when the customer may claim: `None` when the session is not one with a guarantee to
/// claim (not held, not paid, refunded already, claimed already).
pub fn claim_until(services: &Services, booking: &BookingView) -> Option<OffsetDateTime> {
    let eligible = booking.claim.is_none()
        && booking.status == BookingStatus::Paid
        && booking.session_outcome == Some(SessionOutcome::Held)
        && booking.refund.is_none_or(|r| r.minor == 0)
        // The guarantee gives the money back: with nothing paid (a 100%-off promotion code)
        // there is nothing to claim.
        && booking.amount_paid().minor > 0;
    let until =
        booking.ends_at + time::Duration::days(services.config.booking.guarantee_claim_days.into());
    (eligible && OffsetDateTime::now_utc() < until).then_some(until)
}

#[derive(Debug)]
pub enum ClaimOutcome {
    Claimed,
    /// The message for the reason field.
    Invalid(String),
    NotAllowed,
    NotFound,
}

/// The customer claims the guarantee, from their booking page.
pub async fn claim(
    services: &Services,
    public_id: &str,
    reason: &str,
) -> anyhow::Result<ClaimOutcome> {
    let Some(booking) = bookings::view_by_public_id(&services.pool, public_id).await? else {
        return Ok(ClaimOutcome::NotFound);
    };
    if claim_until(services, &booking).is_none() {
        return Ok(ClaimOutcome::NotAllowed);
    }
    let reason = match MAX_CLAIM_REASON.require(
        clean_text(reason),
        "Say in a sentence or two why the session was not valuable to you.",
    ) {
        Ok(reason) => reason,
        Err(message) => return Ok(ClaimOutcome::Invalid(message)),
    };
    let mut tx = services.pool.begin().await?;
    if !claims::insert(&mut tx, booking.booking_id, &reason).await? {
        return Ok(ClaimOutcome::NotAllowed);
    }
    lifecycle::email_about(
        services,
        &mut tx,
        booking.booking_id,
        "customer_claim_received",
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(ClaimOutcome::Claimed)
}

#[derive(Debug, PartialEq, Eq)]
pub enum DecideOutcome {
    Done,
    Invalid(String),
    /// Not an open claim (decided already, or none).
    NotOpen,
}

/// Staff refund an open claim in full: the Stripe refund through the outbox, the booking
/// refunded when Stripe confirms, the customer emailed; all decided in one transaction.
pub async fn refund(
    services: &Services,
    booking: &BookingView,
    staff_user: i64,
) -> anyhow::Result<DecideOutcome> {
    let Some(claim) = booking
        .claim
        .as_ref()
        .filter(|c| c.state == ClaimState::Open)
    else {
        return Ok(DecideOutcome::NotOpen);
    };
    let reason = format!("Guarantee claim: {}", claim.reason);
    let reason: String = reason.chars().take(1000).collect();
    Ok(
        match interviews::refund_under_guarantee(services, booking, &reason, staff_user).await? {
            interviews::RefundOutcome::Started => DecideOutcome::Done,
            interviews::RefundOutcome::InvalidReason(message) => DecideOutcome::Invalid(message),
            interviews::RefundOutcome::NotRefundable => DecideOutcome::NotOpen,
        },
    )
}

/// Staff answer an open claim instead (to ask for more, or to explain); the customer is
/// emailed the reply and sees it on their booking page.
pub async fn reply(
    services: &Services,
    booking: &BookingView,
    text: &str,
    staff_user: i64,
) -> anyhow::Result<DecideOutcome> {
    let text = match MAX_CLAIM_REPLY.require(clean_text(text), "Write the reply first.") {
        Ok(text) => text,
        Err(message) => return Ok(DecideOutcome::Invalid(message)),
    };
    let mut tx = services.pool.begin().await?;
    if !claims::decide(
        &mut tx,
        booking.booking_id,
        ClaimState::Answered,
        Some(&text),
        staff_user,
    )
    .await?
    {
        return Ok(DecideOutcome::NotOpen);
    }
    lifecycle::email_about(
        services,
        &mut tx,
        booking.booking_id,
        "customer_claim_answered",
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(DecideOutcome::Done)
}
