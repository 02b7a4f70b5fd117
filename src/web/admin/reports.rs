//! The written feedback report in the admin panel: the interviewer's form (autosaved as a
//! draft, submitted once), and the read-only report once it is in. Staff read it; only the
//! booking's own interviewer writes it. The rules are in `crate::app::reports`.

use std::collections::BTreeMap;

use axum::{
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use serde::Serialize;

use super::{AdminPage, bookings::load, session::Admin};
use crate::{
    app::reports::{self, Report, SaveOutcome},
    db::bookings::BookingView,
    domain::{
        feedback::{
            self, LevelInfo, MAX_FOCUS, MAX_OVERALL_NOTE, MAX_RESOURCES, MAX_STRENGTHS, OVERALL,
            ReportInput, Rubric,
        },
        forms::{FieldErrors, Limit},
        when,
    },
    paths,
    web::{
        AppState,
        error::AppError,
        forms::Form,
        page::{Htmx, PathId},
    },
};

#[derive(Serialize)]
struct ReportLimits {
    strengths: Limit,
    focus: Limit,
    resources: Limit,
    overall_note: Limit,
}

#[derive(Serialize)]
struct ReportContent {
    public_id: String,
    booking_url: String,
    customer_name: String,
    target: Option<String>,
    subject: Option<String>,
    when: String,
    /// None: not a held session, so no report (the page says so).
    rubric: Option<Rubric>,
    values: ReportInput,
    errors: FieldErrors,
    levels: Vec<LevelInfo>,
    overall: Vec<(&'static str, &'static str)>,
    limits: ReportLimits,
    /// The booking's interviewer, with the report still open: the form.
    writable: bool,
    submitted_on: Option<String>,
    saved_on: Option<String>,
    due: String,
    action: String,
    draft_action: String,
    /// [error key, control id] in page order, for the error summary's links.
    summary_fields: Vec<[String; 2]>,
}

/// Whether `admin` writes this booking's report: only its own interviewer does.
fn is_author(admin: &Admin, booking: &BookingView) -> bool {
    admin.0.interviewer_id == Some(booking.interviewer_id)
}

fn content(
    admin: &Admin,
    booking: &BookingView,
    report: Option<&Report>,
    values: Option<ReportInput>,
    errors: FieldErrors,
) -> ReportContent {
    let zone = Some(admin.0.time_zone.as_str());
    ReportContent {
        public_id: booking.public_id.clone(),
        booking_url: paths::admin_booking(&booking.public_id),
        customer_name: booking
            .customer_name
            .clone()
            .unwrap_or_else(|| "the customer".to_owned()),
        target: booking.target_companies.clone(),
        subject: booking.chosen_subject.clone(),
        when: when::format_in_zone(booking.starts_at, zone),
        rubric: report.map(|r| r.rubric),
        values: values
            .or_else(|| report.map(|r| r.input.clone()))
            .unwrap_or_default(),
        errors,
        levels: feedback::levels(),
        overall: OVERALL.to_vec(),
        limits: ReportLimits {
            strengths: MAX_STRENGTHS,
            focus: MAX_FOCUS,
            resources: MAX_RESOURCES,
            overall_note: MAX_OVERALL_NOTE,
        },
        writable: is_author(admin, booking) && report.is_some_and(|r| r.submitted_at.is_none()),
        submitted_on: report
            .and_then(|r| r.submitted_at)
            .map(|t| when::format_in_zone(t, zone)),
        saved_on: report
            .filter(|r| r.submitted_at.is_none())
            .and_then(|r| r.saved_at)
            .map(|t| when::format_time_in_zone(t, zone)),
        due: when::format_in_zone(feedback::due_at(booking.ends_at), zone),
        action: paths::admin_booking_report(&booking.public_id),
        draft_action: paths::admin_booking_report_draft(&booking.public_id),
        summary_fields: report
            .map(|r| r.rubric.criteria)
            .unwrap_or_default()
            .iter()
            .map(|c| [c.field.to_owned(), format!("{}-1", c.field)])
            .chain(
                [
                    ("strengths", "strengths"),
                    ("focus_first", "focus_first"),
                    ("focus_second", "focus_second"),
                    ("focus_third", "focus_third"),
                    ("resources", "resources"),
                    ("overall_level", "overall_level-not_yet"),
                    ("overall_note", "overall_note"),
                ]
                .map(|(k, id)| [k.to_owned(), id.to_owned()]),
            )
            .collect(),
    }
}

fn render(
    state: &AppState,
    admin: &Admin,
    content: ReportContent,
    status: StatusCode,
) -> Result<Response, AppError> {
    let path = content.action.clone();
    let title = format!("Feedback report for {}", content.customer_name);
    let page = AdminPage::new(state, &path, &title, content)
        .user(admin)
        .section("bookings");
    Ok((status, state.render("admin/report.html", None, &page)?).into_response())
}

/// `GET /admin/bookings/{id}/report`.
pub async fn show_report(
    State(state): State<AppState>,
    admin: Admin,
    PathId(public_id): PathId<String>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    let report = reports::report(&state.services, &booking).await?;
    render(
        &state,
        &admin,
        content(&admin, &booking, report.as_ref(), None, FieldErrors::new()),
        StatusCode::OK,
    )
}

/// `POST /admin/bookings/{id}/report/draft`: saves the draft. HTMX (the autosave while the
/// interviewer types) gets the one-line status; a form post comes back to the report.
pub async fn save_draft(
    State(state): State<AppState>,
    admin: Admin,
    PathId(public_id): PathId<String>,
    htmx: Htmx,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    if !is_author(&admin, &booking) {
        return Ok(not_the_author(htmx));
    }
    let outcome = reports::save(&state.services, &booking, &fields, false).await?;
    let zone = Some(admin.0.time_zone.as_str());
    match (outcome, htmx.0) {
        (SaveOutcome::Saved { at }, true) => Ok(draft_status(&format!(
            "Draft saved at {}.",
            when::format_time_in_zone(at, zone)
        ))),
        (SaveOutcome::Saved { .. }, false) => Ok(Redirect::to(&paths::with_outcome(
            &paths::admin_booking_report(&public_id),
            "saved",
            "1",
        ))
        .into_response()),
        (SaveOutcome::Invalid { errors, .. }, true) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            draft_status(&format!(
                "Not saved: {}",
                errors.values().cloned().collect::<Vec<_>>().join(" ")
            )),
        )
            .into_response()),
        (SaveOutcome::Invalid { input, errors }, false) => {
            let report = reports::report(&state.services, &booking).await?;
            render(
                &state,
                &admin,
                content(&admin, &booking, report.as_ref(), Some(input), errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        (SaveOutcome::NotWritable | SaveOutcome::Submitted, _) => Ok(report_closed(&public_id)),
    }
}

/// `POST /admin/bookings/{id}/report`: submits the report to the customer, once.
pub async fn submit_report(
    State(state): State<AppState>,
    admin: Admin,
    PathId(public_id): PathId<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    if !is_author(&admin, &booking) {
        return Ok(not_the_author(Htmx(false)));
    }
    match reports::save(&state.services, &booking, &fields, true).await? {
        SaveOutcome::Submitted => Ok(Redirect::to(&paths::with_outcome(
            &paths::admin_booking(&public_id),
            "done",
            "report",
        ))
        .into_response()),
        SaveOutcome::Invalid { input, errors } => {
            let report = reports::report(&state.services, &booking).await?;
            render(
                &state,
                &admin,
                content(&admin, &booking, report.as_ref(), Some(input), errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        SaveOutcome::Saved { .. } | SaveOutcome::NotWritable => Ok(report_closed(&public_id)),
    }
}

fn draft_status(text: &str) -> Response {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Html(format!(
        "<span data-testid=\"draft-status\">{escaped}</span>"
    ))
    .into_response()
}

fn not_the_author(htmx: Htmx) -> Response {
    let message = "Only the session's interviewer writes its report.";
    if htmx.0 {
        (StatusCode::FORBIDDEN, draft_status(message)).into_response()
    } else {
        (StatusCode::FORBIDDEN, message).into_response()
    }
}

/// Submitted already (or no longer a held session): back to the report, which shows it.
fn report_closed(public_id: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            axum::http::header::LOCATION,
            paths::admin_booking_report(public_id),
        )],
    )
        .into_response()
}
