//! What cal.com's webhook events change: cancellations, rejections, reschedules and
//! confirmations made in cal.com, matched to our bookings by cal.com booking uid.

use anyhow::Context;

use super::{
    Services, lifecycle,
    lifecycle::{CalJob, MovedBy},
};
use crate::{
    config::Secret,
    db::bookings,
    domain::{BookingStatus, CancelledBy},
    integrations::{
        CallError,
        calcom::{WebhookEvent, parse_webhook_time},
    },
};

/// The worker's `cal_confirm` job: the booking was paid, so its cal.com booking is confirmed,
/// unless cal.com says otherwise. The status is read first, because cal.com answers a bare
/// 400 to confirming a booking that is already accepted (the interviewer may have accepted it
/// from cal.com's own email), and re-accepts one that was rejected (its handleConfirmation
/// checks nothing): a slot released before the payment arrived is never taken back; the
/// payment is refunded instead (`lifecycle::refund_late_payment`).
pub async fn confirm_in_calcom(
    services: &Services,
    job: &CalJob,
    key: &Secret,
) -> anyhow::Result<()> {
    // Only a booking still paid, at this cal.com booking: one cancelled or moved since the
    // job was queued must not be confirmed (its own job releases or confirms what it has).
    let ours = bookings::view_by_id(&mut *services.pool.acquire().await?, job.booking_id).await?;
    if !ours.is_some_and(|b| b.status == BookingStatus::Paid && b.cal_booking_uid == job.uid) {
        return Ok(());
    }
    for _ in 0..3 {
        let booking = services
            .calcom
            .get_booking(&job.uid, key)
            .await?
            .context("cal.com does not know the booking")?;
        match booking.status.as_str() {
            "accepted" => {
                bookings::set_cal_confirmed(&services.pool, job.booking_id).await?;
                if let Some(url) = booking.meeting_url.as_deref() {
                    bookings::set_meeting_url(&services.pool, job.booking_id, &job.uid, url)
                        .await?;
                }
                return Ok(());
            }
            "rejected" | "cancelled" => {
                tracing::warn!(
                    booking.id = job.booking_id,
                    "paid after cal.com released the slot; refunding"
                );
                lifecycle::refund_late_payment(services, job.booking_id).await?;
                return Ok(());
            }
            // Confirmed, it is read once more: cal.com makes the video link on confirming.
            _ => match services.calcom.confirm_booking(&job.uid, key).await {
                Ok(()) => continue,
                // Its status changed between our read and our call: read it again.
                Err(CallError::Rejected { status: 400, .. }) => continue,
                Err(err) => return Err(err.into()),
            },
        }
    }
    anyhow::bail!("cal.com refused to confirm a booking it calls pending")
}

/// The worker's `cal_cancel` job: the customer cancelled on our site, so cal.com cancels its
/// booking (freeing the slot and telling the interviewer's calendar). Already cancelled or
/// rejected there, or unknown: nothing to do.
pub async fn cancel_in_calcom(
    services: &Services,
    job: &CalJob,
    key: &Secret,
) -> anyhow::Result<()> {
    let status = services
        .calcom
        .get_booking(&job.uid, key)
        .await?
        .map(|b| b.status);
    if matches!(status.as_deref(), None | Some("rejected" | "cancelled")) {
        return Ok(());
    }
    let reason = "The customer cancelled through 508.dev.";
    match status.as_deref() {
        Some("accepted") => {
            services
                .calcom
                .cancel_booking(&job.uid, reason, key)
                .await?
        }
        // Still pending (the interviewer had not confirmed yet): declining frees the slot.
        _ => match services.calcom.decline_booking(&job.uid, reason, key).await {
            Ok(()) => {}
            Err(CallError::Rejected { status: 400, .. }) => {
                services
                    .calcom
                    .cancel_booking(&job.uid, reason, key)
                    .await?
            }
            Err(err) => return Err(err.into()),
        },
    }
    Ok(())
}

/// The worker's part of a reminder: cal.com may have made the video link after our confirm
/// call returned; ask once more so the reminder carries it. Failures leave the link out.
pub async fn refresh_meeting_url(
    services: &Services,
    booking_id: i64,
    uid: &str,
    interviewer_id: i64,
) {
    let Ok(Some(key)) = services.cal_key_for(interviewer_id).await else {
        return;
    };
    let url = match services.calcom.get_booking(uid, &key).await {
        Ok(booking) => booking.and_then(|b| b.meeting_url),
        Err(err) => {
            tracing::warn!(booking.id = booking_id, error = %err, "cal.com unreachable; the reminder goes without a fresh video link");
            None
        }
    };
    if let Some(url) = url
        && let Err(err) = bookings::set_meeting_url(&services.pool, booking_id, uid, &url).await
    {
        tracing::warn!(booking.id = booking_id, error = %err, "could not record the video link");
    }
}

/// The worker's `cal_decline` job: the hold ran out unpaid, so the slot is released. Nothing
/// is done if the booking got paid meanwhile (the payment wins: `cal_confirm` follows). A
/// booking already rejected or cancelled is released already; one the interviewer accepted
/// in cal.com cannot be declined (400), so it is cancelled.
pub async fn release_in_calcom(
    services: &Services,
    job: &CalJob,
    key: &Secret,
) -> anyhow::Result<()> {
    let ours = bookings::view_by_id(&mut *services.pool.acquire().await?, job.booking_id).await?;
    if !job.refused_reschedule && ours.is_some_and(|b| b.status == BookingStatus::Paid) {
        return Ok(());
    }
    let reason = if job.refused_reschedule {
        "This booking can no longer be moved: it starts too soon. The original time stands."
    } else {
        "The slot was not paid for in time, so it has been released."
    };
    let status = services
        .calcom
        .get_booking(&job.uid, key)
        .await?
        .map(|b| b.status);
    match status.as_deref() {
        None | Some("rejected" | "cancelled") => {}
        Some("accepted") => {
            services
                .calcom
                .cancel_booking(&job.uid, reason, key)
                .await?
        }
        Some(_) => match services.calcom.decline_booking(&job.uid, reason, key).await {
            Ok(()) => {}
            // Accepted between our read and our call: cancel it instead.
            Err(CallError::Rejected { status: 400, .. }) => {
                services
                    .calcom
                    .cancel_booking(&job.uid, reason, key)
                    .await?
            }
            Err(err) => return Err(err.into()),
        },
    }
    if !job.refused_reschedule {
        bookings::set_cal_declined(&services.pool, job.booking_id).await?;
    }
    Ok(())
}

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
    // A reschedule names the booking it replaces (the organizer's, `BOOKING_RESCHEDULED`; an
    // attendee's of a booking that requires confirmation, `BOOKING_REQUESTED` with
    // `rescheduleUid`: cal.com's RegularBookingService.ts); everything else names the booking
    // itself. A `BOOKING_REQUESTED` without `rescheduleUid` is a new request: nothing of ours.
    let lookup_uid = match event.trigger_event.as_str() {
        "BOOKING_RESCHEDULED" => payload.reschedule_uid.as_deref().or(payload.uid.as_deref()),
        "BOOKING_REQUESTED" => payload.reschedule_uid.as_deref(),
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
                    let outcome = lifecycle::reschedule(
                        services,
                        booking_id,
                        new_uid,
                        start,
                        end,
                        MovedBy::Interviewer,
                    )
                    .await?;
                    tracing::info!(booking.id = booking_id, ?outcome, "organizer reschedule");
                    CalEventOutcome::Applied
                }
                _ => CalEventOutcome::Ignored,
            }
        }
        "BOOKING_REQUESTED" => {
            let start = payload.start_time.as_deref().and_then(parse_webhook_time);
            let end = payload.end_time.as_deref().and_then(parse_webhook_time);
            match (payload.uid.as_deref(), start, end) {
                (Some(new_uid), Some(start), Some(end)) => {
                    let outcome = lifecycle::reschedule(
                        services,
                        booking_id,
                        new_uid,
                        start,
                        end,
                        MovedBy::Customer,
                    )
                    .await?;
                    tracing::info!(booking.id = booking_id, ?outcome, "attendee reschedule");
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
