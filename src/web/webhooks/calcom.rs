//! `POST /webhooks/calcom`: cancellations, rejections, reschedules and confirmations made in
//! cal.com, matched to our bookings by cal.com booking uid.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};

use super::reject;
use crate::{
    booking::lifecycle,
    db::bookings,
    domain::CancelledBy,
    integrations::{
        calcom::{WebhookEvent, parse_webhook_time},
        signatures,
    },
    web::AppState,
};

pub async fn receive_calcom_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(secret) = state.config.calcom.webhook_secret.as_ref() else {
        tracing::error!("cal.com webhook received but CALCOM_WEBHOOK_SECRET is not set");
        return reject(
            StatusCode::SERVICE_UNAVAILABLE,
            "webhook secret not configured",
        );
    };
    let header = headers
        .get("x-cal-signature-256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(err) = signatures::verify_calcom(&body, header, secret.expose()) {
        tracing::warn!(error = %err, "cal.com webhook refused");
        return reject(StatusCode::BAD_REQUEST, "invalid signature");
    }
    let event: WebhookEvent = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(_) => return reject(StatusCode::BAD_REQUEST, "unreadable event"),
    };
    match apply(&state, &event, &signatures::sha256_hex(&body)).await {
        Ok(()) => {
            state.wake_worker.notify_one();
            reject(StatusCode::OK, "ok")
        }
        Err(err) => {
            tracing::error!(trigger = %event.trigger_event, error = ?err, "cal.com webhook failed; cal.com may retry");
            reject(StatusCode::SERVICE_UNAVAILABLE, "temporary failure")
        }
    }
}

async fn apply(state: &AppState, event: &WebhookEvent, body_sha256: &str) -> anyhow::Result<()> {
    let payload = &event.payload;
    let services = state.services();
    let mut conn = state.pool.acquire().await?;
    // A reschedule names the booking it replaces; everything else names the booking itself.
    let lookup_uid = match event.trigger_event.as_str() {
        "BOOKING_RESCHEDULED" => payload.reschedule_uid.as_deref().or(payload.uid.as_deref()),
        _ => payload.uid.as_deref(),
    };
    let Some(uid) = lookup_uid else {
        return Ok(());
    };
    let Some(booking_id) = bookings::booking_id_by_cal_uid(&mut conn, uid).await? else {
        // Bookings made outside this site, or already rescheduled away: nothing of ours.
        tracing::debug!(trigger = %event.trigger_event, "cal.com event for a booking we do not have");
        return Ok(());
    };
    drop(conn);
    // Every change below is idempotent (conditional transitions, deduplicated effects), so a
    // redelivery is harmless; the delivery is recorded afterwards for the audit trail.
    match event.trigger_event.as_str() {
        "BOOKING_CANCELLED" => {
            let organizer = payload.organizer.as_ref().and_then(|o| o.email.as_deref());
            let by = match (payload.cancelled_by.as_deref(), organizer) {
                (Some(who), Some(organizer)) if who.eq_ignore_ascii_case(organizer) => {
                    CancelledBy::Interviewer
                }
                _ => CancelledBy::Customer,
            };
            lifecycle::cancel(
                &services,
                booking_id,
                by,
                payload.cancellation_reason.as_deref(),
            )
            .await?;
        }
        "BOOKING_REJECTED" => {
            lifecycle::cancel(
                &services,
                booking_id,
                CancelledBy::Interviewer,
                payload.cancellation_reason.as_deref(),
            )
            .await?;
        }
        "BOOKING_RESCHEDULED" => {
            let start = payload.start_time.as_deref().and_then(parse_webhook_time);
            let end = payload.end_time.as_deref().and_then(parse_webhook_time);
            if let (Some(new_uid), Some(start), Some(end)) = (payload.uid.as_deref(), start, end) {
                let mut conn = state.pool.acquire().await?;
                bookings::reschedule(&mut conn, booking_id, new_uid, start, end).await?;
            }
        }
        "BOOKING_CREATED"
            if payload
                .status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("accepted")) =>
        {
            bookings::set_cal_confirmed(&state.pool, booking_id).await?;
        }
        other => tracing::debug!(trigger = other, "cal.com event ignored"),
    }
    let mut conn = state.pool.acquire().await?;
    bookings::record_calcom_event(&mut conn, body_sha256, &event.trigger_event, Some(uid)).await?;
    Ok(())
}
