//! What cal.com's webhook events change: cancellations, rejections, reschedules and
//! confirmations made in cal.com, matched to our bookings by cal.com booking uid.

use super::{Services, lifecycle};
use crate::{
    db::bookings,
    domain::CancelledBy,
    integrations::calcom::{WebhookEvent, parse_webhook_time},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalEventOutcome {
    Applied,
    /// About a booking made outside this site, or already rescheduled away.
    NotOurs,
    Ignored,
}

/// Applies a verified cal.com event. `body_sha256` identifies the delivery (cal.com sends no
/// event id). Every change is idempotent (conditional transitions, deduplicated effects), so
/// a redelivery is harmless; the delivery is recorded afterwards for the audit trail. An error
/// means "answer 503 so cal.com retries".
pub async fn apply_calcom_event(
    services: &Services,
    event: &WebhookEvent,
    body_sha256: &str,
) -> anyhow::Result<CalEventOutcome> {
    let payload = &event.payload;
    // A reschedule names the booking it replaces; everything else names the booking itself.
    let lookup_uid = match event.trigger_event.as_str() {
        "BOOKING_RESCHEDULED" => payload.reschedule_uid.as_deref().or(payload.uid.as_deref()),
        _ => payload.uid.as_deref(),
    };
    let Some(uid) = lookup_uid else {
        return Ok(CalEventOutcome::Ignored);
    };
    let Some(booking_id) =
        bookings::booking_id_by_cal_uid(&mut *services.pool.acquire().await?, uid).await?
    else {
        tracing::debug!(trigger = %event.trigger_event, "cal.com event for a booking we do not have");
        return Ok(CalEventOutcome::NotOurs);
    };
    let outcome = match event.trigger_event.as_str() {
        "BOOKING_CANCELLED" => {
            let organizer = payload.organizer.as_ref().and_then(|o| o.email.as_deref());
            let by = match (payload.cancelled_by.as_deref(), organizer) {
                (Some(who), Some(organizer)) if who.eq_ignore_ascii_case(organizer) => {
                    CancelledBy::Interviewer
                }
                _ => CancelledBy::Customer,
            };
            lifecycle::cancel(
                services,
                booking_id,
                by,
                payload.cancellation_reason.as_deref(),
            )
            .await?;
            CalEventOutcome::Applied
        }
        "BOOKING_REJECTED" => {
            lifecycle::cancel(
                services,
                booking_id,
                CancelledBy::Interviewer,
                payload.rejection_reason.as_deref(),
            )
            .await?;
            CalEventOutcome::Applied
        }
        "BOOKING_RESCHEDULED" => {
            let start = payload.start_time.as_deref().and_then(parse_webhook_time);
            let end = payload.end_time.as_deref().and_then(parse_webhook_time);
            match (payload.uid.as_deref(), start, end) {
                (Some(new_uid), Some(start), Some(end)) => {
                    bookings::reschedule(
                        &mut *services.pool.acquire().await?,
                        booking_id,
                        new_uid,
                        start,
                        end,
                    )
                    .await?;
                    CalEventOutcome::Applied
                }
                _ => CalEventOutcome::Ignored,
            }
        }
        "BOOKING_CREATED"
            if payload
                .status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("accepted")) =>
        {
            bookings::set_cal_confirmed(&services.pool, booking_id).await?;
            CalEventOutcome::Applied
        }
        other => {
            tracing::debug!(trigger = other, "cal.com event ignored");
            CalEventOutcome::Ignored
        }
    };
    bookings::record_calcom_event(
        &mut *services.pool.acquire().await?,
        body_sha256,
        &event.trigger_event,
        Some(uid),
    )
    .await?;
    Ok(outcome)
}
