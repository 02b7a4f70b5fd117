//! `POST /webhooks/calcom`.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};

use super::answer;
use crate::{
    app::calendar,
    integrations::{calcom::WebhookEvent, signatures},
    web::AppState,
};

pub async fn receive_calcom_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(secret) = state.config.calcom.webhook_secret.as_ref() else {
        tracing::error!("cal.com webhook received but CALCOM_WEBHOOK_SECRET is not set");
        return answer(
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
        return answer(StatusCode::BAD_REQUEST, "invalid signature");
    }
    let Ok(event) = serde_json::from_slice::<WebhookEvent>(&body) else {
        return answer(StatusCode::BAD_REQUEST, "unreadable event");
    };
    match calendar::apply_calcom_event(&state.services, &event, &signatures::sha256_hex(&body))
        .await
    {
        Ok(_) => answer(StatusCode::OK, "ok"),
        Err(err) => {
            tracing::error!(trigger = %event.trigger_event, error = ?err, "cal.com webhook failed; cal.com may retry");
            answer(StatusCode::SERVICE_UNAVAILABLE, "temporary failure")
        }
    }
}
