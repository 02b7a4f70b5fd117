//! `POST /webhooks/stripe`.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use time::OffsetDateTime;

use super::answer;
use crate::{
    app::payments,
    integrations::{
        signatures::{self, SignatureError},
        stripe::Event,
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
        return answer(
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
        return answer(StatusCode::BAD_REQUEST, message);
    }
    let Ok(event) = serde_json::from_slice::<Event>(&body) else {
        return answer(StatusCode::BAD_REQUEST, "unreadable event");
    };
    match payments::apply_stripe_event(&state.services, &event).await {
        Ok(payments::StripeEventOutcome::Unreadable) => {
            answer(StatusCode::BAD_REQUEST, "unreadable event object")
        }
        Ok(_) => answer(StatusCode::OK, "ok"),
        Err(err) => {
            tracing::error!(event.id = %event.id, event.type = %event.event_type, error = ?err, "Stripe webhook failed; Stripe will retry");
            answer(StatusCode::SERVICE_UNAVAILABLE, "temporary failure")
        }
    }
}
