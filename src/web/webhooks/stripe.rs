//! `POST /webhooks/stripe`.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use time::OffsetDateTime;

use super::reject;
use crate::{
    booking::lifecycle,
    db::bookings,
    integrations::{
        signatures::{self, SignatureError},
        stripe::{Charge, CheckoutSession, Event},
    },
    web::AppState,
};

pub async fn receive_stripe_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(secret) = state.config.stripe.webhook_secret.as_ref() else {
        tracing::error!("Stripe webhook received but STRIPE_WEBHOOK_SECRET is not set");
        return reject(
            StatusCode::SERVICE_UNAVAILABLE,
            "webhook secret not configured",
        );
    };
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if let Err(err) = signatures::verify_stripe(&body, header, secret.expose(), now) {
        tracing::warn!(error = %err, "Stripe webhook refused");
        let message = match err {
            SignatureError::Stale => "timestamp outside tolerance",
            _ => "invalid signature",
        };
        return reject(StatusCode::BAD_REQUEST, message);
    }
    let event: Event = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(_) => return reject(StatusCode::BAD_REQUEST, "unreadable event"),
    };
    match apply(&state, &event).await {
        Ok(()) => {
            state.wake_worker.notify_one();
            reject(StatusCode::OK, "ok")
        }
        Err(err) => {
            tracing::error!(event.id = %event.id, event.type = %event.event_type, error = ?err, "Stripe webhook failed; Stripe will retry");
            reject(StatusCode::SERVICE_UNAVAILABLE, "temporary failure")
        }
    }
}

/// Applies the event, then records its id so a redelivery is skipped. Every lifecycle change
/// is idempotent on its own (conditional transitions, deduplicated effects), so duplicates
/// arriving concurrently, before either is recorded, still change things once; and a crash
/// between applying and recording only means Stripe's retry re-applies a no-op.
async fn apply(state: &AppState, event: &Event) -> anyhow::Result<()> {
    let services = state.services();
    {
        let mut conn = state.pool.acquire().await?;
        if bookings::stripe_event_seen(&mut conn, &event.id).await? {
            tracing::debug!(event.id = %event.id, "Stripe event already applied");
            return Ok(());
        }
    }
    let session = || serde_json::from_value::<CheckoutSession>(event.data.object.clone());
    match event.event_type.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            let session = session()?;
            if !session.is_paid() {
                // Delayed payment methods: wait for async_payment_succeeded.
                return record(state, event).await;
            }
            if let Some(booking_id) = booking_for_session(state, &session).await? {
                lifecycle::mark_paid(
                    &services,
                    booking_id,
                    &session.id,
                    session.payment_intent.as_deref(),
                )
                .await?;
            }
        }
        "checkout.session.async_payment_failed" | "checkout.session.expired" => {
            let session = session()?;
            if let Some(booking_id) = booking_for_session(state, &session).await? {
                // Only the booking's current session matters: an older attempt expiring must
                // not end a booking that has moved on to a newer one (checked under the lock).
                lifecycle::expire(&services, booking_id, Some(&session.id)).await?;
            }
        }
        "charge.refunded" => {
            let charge: Charge = serde_json::from_value(event.data.object.clone())?;
            if let Some(payment_intent) = charge.payment_intent.as_deref() {
                let mut conn = state.pool.acquire().await?;
                let booking_id =
                    bookings::booking_id_by_payment_intent(&mut conn, payment_intent).await?;
                drop(conn);
                if let Some(booking_id) = booking_id
                    && charge.refunded == Some(true)
                {
                    lifecycle::mark_refunded(&services, booking_id).await?;
                }
            }
        }
        other => tracing::debug!(event.type = other, "Stripe event ignored"),
    }
    record(state, event).await
}

async fn record(state: &AppState, event: &Event) -> anyhow::Result<()> {
    let mut conn = state.pool.acquire().await?;
    bookings::record_stripe_event(&mut conn, &event.id, &event.event_type).await?;
    Ok(())
}

async fn booking_for_session(
    state: &AppState,
    session: &CheckoutSession,
) -> anyhow::Result<Option<i64>> {
    let Some(reference) = session.client_reference_id.as_deref() else {
        return Ok(None);
    };
    let mut conn = state.pool.acquire().await?;
    let found = bookings::booking_id_by_public_id(&mut conn, reference).await?;
    if found.is_none() {
        tracing::warn!(session.id = %session.id, "Checkout Session for an unknown booking");
    }
    Ok(found)
}
