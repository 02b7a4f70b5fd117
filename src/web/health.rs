//! `GET /healthz`: liveness plus a database round trip, for Compose and Coolify healthchecks.

use axum::{extract::State, http::StatusCode, response::IntoResponse};

use crate::{db, web::AppState};

pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match db::ping(&state.pool).await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(err) => {
            tracing::warn!(error = %err, "healthcheck: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
