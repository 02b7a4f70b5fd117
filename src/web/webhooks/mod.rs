//! Signed webhooks from Stripe and cal.com. Each verifies its signature over the raw body
//! before reading anything, records the event so it is applied once, and hands the change to
//! `booking::lifecycle`. Answers: 200 once handled (or known), 400 for a bad signature or
//! body (nothing changes), 503 when a temporary failure should make the sender retry.

pub mod calcom;
pub mod stripe;

use axum::{http::StatusCode, response::IntoResponse};

pub(crate) fn reject(status: StatusCode, message: &'static str) -> axum::response::Response {
    (status, message).into_response()
}
