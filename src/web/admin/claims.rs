//! Staff's queue of guarantee claims: each open claim with its booking, the report and the
//! reason, and one button to refund in full or a reply. The rules are `crate::app::claims`.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{AdminPage, bookings::load, session::Staff};
use crate::{
    app::claims::{self, DecideOutcome, MAX_CLAIM_REPLY},
    db::claims::open_claims,
    domain::{forms::Limit, when},
    paths,
    web::{
        AppState,
        error::AppError,
        forms::{Form, Query},
        page::PathId,
    },
};

#[derive(Serialize)]
struct ClaimRowView {
    booking_url: String,
    report_url: Option<String>,
    refund_action: String,
    reply_action: String,
    customer_name: String,
    interviewer_name: String,
    session: String,
    claimed: String,
    reason: String,
    price: String,
}

#[derive(Serialize)]
struct ClaimsContent {
    claims: Vec<ClaimRowView>,
    reply_limit: Limit,
    done: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ClaimsQuery {
    done: Option<String>,
}

async fn render(
    state: &AppState,
    admin: &super::session::Admin,
    done: Option<&'static str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let zone = Some(admin.0.time_zone.as_str());
    let claims = open_claims(&state.pool)
        .await?
        .into_iter()
        .map(|c| ClaimRowView {
            booking_url: paths::admin_booking(&c.public_id),
            report_url: c
                .report_submitted
                .then(|| paths::admin_booking_report(&c.public_id)),
            refund_action: paths::admin_claim_refund(&c.public_id),
            reply_action: paths::admin_claim_reply(&c.public_id),
            customer_name: c.customer_name.unwrap_or_else(|| "The customer".to_owned()),
            interviewer_name: c.interviewer_name,
            session: when::format_in_zone(c.starts_at, zone),
            claimed: when::format_in_zone(c.created_at, zone),
            reason: c.reason,
            price: c.price.to_string(),
        })
        .collect();
    let content = ClaimsContent {
        claims,
        reply_limit: MAX_CLAIM_REPLY,
        done,
        error,
    };
    let page = AdminPage::new(state, paths::ADMIN_CLAIMS, "Guarantee claims", content)
        .user(admin)
        .section("claims");
    Ok((status, state.render("admin/claims.html", None, &page)?).into_response())
}

/// `GET /admin/claims`: the open claims, oldest first.
pub async fn list_claims(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Query(q): Query<ClaimsQuery>,
) -> Result<Response, AppError> {
    let done = match q.done.as_deref() {
        Some("refunded") => Some("Refunded in full. The customer has been emailed."),
        Some("answered") => Some("Reply sent to the customer."),
        _ => None,
    };
    render(&state, &admin, done, None, StatusCode::OK).await
}

fn after(outcome: DecideOutcome, done: &str) -> Result<Response, (String, StatusCode)> {
    match outcome {
        DecideOutcome::Done => {
            Ok(
                Redirect::to(&paths::with_outcome(paths::ADMIN_CLAIMS, "done", done))
                    .into_response(),
            )
        }
        DecideOutcome::Invalid(message) => Err((message, StatusCode::UNPROCESSABLE_ENTITY)),
        DecideOutcome::NotOpen => Err((
            "That claim is decided already.".to_owned(),
            StatusCode::CONFLICT,
        )),
    }
}

/// `POST /admin/claims/{id}/refund`.
pub async fn refund_claim(
    State(state): State<AppState>,
    Staff(admin): Staff,
    PathId(public_id): PathId<String>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    let outcome = claims::refund(&state.services, &booking, admin.0.user_id).await?;
    match after(outcome, "refunded") {
        Ok(response) => Ok(response),
        Err((message, status)) => render(&state, &admin, None, Some(message), status).await,
    }
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    reply: String,
}

/// `POST /admin/claims/{id}/reply`.
pub async fn reply_to_claim(
    State(state): State<AppState>,
    Staff(admin): Staff,
    PathId(public_id): PathId<String>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    let outcome = claims::reply(&state.services, &booking, &form.reply, admin.0.user_id).await?;
    match after(outcome, "answered") {
        Ok(response) => Ok(response),
        Err((message, status)) => render(&state, &admin, None, Some(message), status).await,
    }
}
