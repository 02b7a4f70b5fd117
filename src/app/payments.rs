//! What Stripe's webhook events change. The web layer has verified the signature and parsed
//! the event; this applies it through [`super::lifecycle`].

use super::{Services, lifecycle};
use crate::{
    db::bookings,
    integrations::stripe::{Charge, CheckoutSession, Event},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripeEventOutcome {
    Applied,
    /// Its id was recorded before: nothing changed.
    AlreadyApplied,
    /// A type we do not act on, or about a booking we do not have.
    Ignored,
    /// Signed by Stripe but not the shape we read (an API version change?): retrying will not
    /// help, so the sender is told 400 and a person is alerted in the log.
    Unreadable,
}

/// Applies the event, then records its id so a redelivery is skipped. Every lifecycle change
/// is idempotent on its own (conditional transitions, deduplicated effects), so duplicates
/// arriving concurrently, before either is recorded, still change things once; and a crash
/// between applying and recording only means Stripe's retry re-applies a no-op. An error means
/// "answer 503 so Stripe retries".
pub async fn apply_stripe_event(
    services: &Services,
    event: &Event,
) -> anyhow::Result<StripeEventOutcome> {
    if bookings::stripe_event_seen(&mut *services.pool.acquire().await?, &event.id).await? {
        tracing::debug!(event.id = %event.id, "Stripe event already applied");
        return Ok(StripeEventOutcome::AlreadyApplied);
    }
    let session = || serde_json::from_value::<CheckoutSession>(event.data.object.clone());
    let unreadable = |err: serde_json::Error| {
        tracing::error!(event.id = %event.id, event.type = %event.event_type, error = %err, "ALERT: a signed Stripe event we cannot read");
        StripeEventOutcome::Unreadable
    };
    let outcome = match event.event_type.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            let session = match session() {
                Ok(session) => session,
                Err(err) => return Ok(unreadable(err)),
            };
            match booking_for_session(services, &session).await? {
                // Delayed payment methods: wait for async_payment_succeeded.
                Some(_) if !session.is_paid() => StripeEventOutcome::Ignored,
                Some(booking_id) => {
                    lifecycle::mark_paid(services, booking_id, &session).await?;
                    StripeEventOutcome::Applied
                }
                None => StripeEventOutcome::Ignored,
            }
        }
        "checkout.session.async_payment_failed" | "checkout.session.expired" => {
            let session = match session() {
                Ok(session) => session,
                Err(err) => return Ok(unreadable(err)),
            };
            match booking_for_session(services, &session).await? {
                Some(booking_id) => {
                    if event.event_type == "checkout.session.expired" {
                        bookings::close_checkout_session(&services.pool, &session.id).await?;
                    }
                    // Only the booking's current session matters: an older attempt expiring
                    // must not end a booking that has moved on to a newer one (checked under
                    // the lock).
                    lifecycle::expire(services, booking_id, Some(&session.id)).await?;
                    StripeEventOutcome::Applied
                }
                None => StripeEventOutcome::Ignored,
            }
        }
        "charge.refunded" => {
            let charge: Charge = match serde_json::from_value(event.data.object.clone()) {
                Ok(charge) => charge,
                Err(err) => return Ok(unreadable(err)),
            };
            let booking_id = match charge.payment_intent.as_deref() {
                Some(payment_intent) => {
                    bookings::booking_id_by_payment_intent(
                        &mut *services.pool.acquire().await?,
                        payment_intent,
                    )
                    .await?
                }
                None => None,
            };
            match (booking_id, charge.payment_intent) {
                (Some(booking_id), Some(payment_intent)) => {
                    // Each refund (partial or full, ours or made in Stripe's dashboard) goes
                    // in the ledger: a job lists them, once per amount refunded so far.
                    let refunded_so_far = charge.amount_refunded.unwrap_or(0).to_string();
                    lifecycle::queue_refunds_check(
                        &mut *services.pool.acquire().await?,
                        booking_id,
                        &payment_intent,
                        &refunded_so_far,
                    )
                    .await?;
                    services.work_queued();
                    if charge.refunded == Some(true) {
                        lifecycle::mark_refunded(services, booking_id).await?;
                    }
                    StripeEventOutcome::Applied
                }
                _ => StripeEventOutcome::Ignored,
            }
        }
        other => {
            tracing::debug!(event.type = other, "Stripe event ignored");
            StripeEventOutcome::Ignored
        }
    };
    bookings::record_stripe_event(
        &mut *services.pool.acquire().await?,
        &event.id,
        &event.event_type,
    )
    .await?;
    Ok(outcome)
}

async fn booking_for_session(
    services: &Services,
    session: &CheckoutSession,
) -> anyhow::Result<Option<i64>> {
    let Some(reference) = session.client_reference_id.as_deref() else {
        return Ok(None);
    };
    let found =
        bookings::booking_id_by_public_id(&mut *services.pool.acquire().await?, reference).await?;
    if found.is_none() {
        tracing::warn!(session.id = %session.id, "Checkout Session for an unknown booking");
    }
    Ok(found)
}
