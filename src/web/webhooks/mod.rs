//! Signed webhooks from Stripe and cal.com. Each verifies its signature over the raw body
//! before reading anything, then hands the event to its use case (`app::payments`,
//! `app::calendar`), which applies it once. Answers: 200 once handled (or known), 400 for a
//! bad signature or body (nothing changes), 503 when a temporary failure should make the
//! sender retry.

pub mod calcom;
pub mod stripe;

use axum::{http::StatusCode, response::IntoResponse};

/// The short plain-text answer a webhook sender logs.
pub(crate) fn answer(status: StatusCode, message: &'static str) -> axum::response::Response {
    (status, message).into_response()
}
