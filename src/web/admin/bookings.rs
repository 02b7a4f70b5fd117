//! The interviewer's bookings (staff: everyone's): the list, one booking with everything the
//! customer entered, the resume, Acknowledge, and (staff) the guarantee refund.

use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    AdminPage,
    session::{Admin, Staff},
};
use crate::{
    app::{
        interviews::{self, AcknowledgeOutcome, RefundOutcome},
        lifecycle::OutcomeResult,
        reviews::{self, ReplyOutcome},
    },
    db::bookings::{self, BookingView},
    domain::{
        BookingStatus, SessionOutcome,
        booking::{
            MARK_AFTER_START, MAX_ACKNOWLEDGEMENT_NOTE, MAX_REFUND_REASON, MarkRefusal, may_mark,
        },
        feedback,
        forms::Limit,
        reviews::{HideReason, MAX_REPLY},
        when,
    },
    paths,
    web::{
        AppState,
        error::AppError,
        forms::{Form, Query},
        page::PathId,
    },
};

/// Which interviewer's bookings this admin may see: their own, or everyone's for staff.
pub fn scope(admin: &Admin) -> Result<Option<i64>, AppError> {
    if admin.is_staff() {
        Ok(None)
    } else {
        // A user who is neither staff nor linked to a profile sees nothing.
        admin.0.interviewer_id.map(Some).ok_or(AppError::NotFound)
    }
}

#[derive(Serialize)]
struct BookingRowView {
    url: String,
    status: &'static str,
    status_label: &'static str,
    when_interviewer: String,
    when_customer: String,
    customer_name: String,
    interviewer_name: String,
    price: String,
    acknowledged: bool,
    /// The session's outcome in words, once marked.
    outcome_label: Option<&'static str>,
    outcome_assumed: bool,
    /// Paid, past the marking time, and nobody has said whether it was held.
    to_mark: bool,
    /// Held, and its report not sent: when it is due, and whether that has passed.
    report_due: Option<String>,
    report_overdue: bool,
}

#[derive(Serialize)]
struct ListContent {
    /// Sessions over (15 minutes past their start) that nobody has marked yet.
    to_mark: Vec<BookingRowView>,
    /// Held sessions whose report is not in: all of them for their interviewer, the overdue
    /// ones for staff.
    reports: Vec<BookingRowView>,
    upcoming: Vec<BookingRowView>,
    others: Vec<BookingRowView>,
    show_interviewer: bool,
}

/// `/admin`: the bookings list (signed-in users only; others go to the login page).
pub async fn admin_home(_admin: Admin) -> Redirect {
    Redirect::to(paths::ADMIN_BOOKINGS)
}

pub async fn list_bookings(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, AppError> {
    let scope = scope(&admin)?;
    let rows = bookings::admin_list(&state.pool, scope).await?;
    let now = time::OffsetDateTime::now_utc();
    let (mut to_mark, mut reports, mut upcoming, mut others) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let report_open = row.session_outcome == Some(SessionOutcome::Held)
            && !row.report_submitted
            && matches!(row.status, BookingStatus::Paid | BookingStatus::Refunded);
        let due = feedback::due_at(row.ends_at);
        let needs_mark = row.status == BookingStatus::Paid
            && row.session_outcome.is_none()
            && now >= row.starts_at + MARK_AFTER_START;
        let upcoming_row =
            row.status == BookingStatus::Paid && row.starts_at > now - time::Duration::hours(2);
        let view = BookingRowView {
            url: paths::admin_booking(&row.public_id),
            status: row.status.as_db(),
            status_label: row.status.label(),
            when_interviewer: when::format_in_zone(row.starts_at, Some(&admin.0.time_zone)),
            when_customer: when::format_in_zone(row.starts_at, row.customer_time_zone.as_deref()),
            customer_name: row
                .customer_name
                .unwrap_or_else(|| "(no details yet)".to_owned()),
            interviewer_name: row.interviewer_name,
            price: row.price.to_string(),
            acknowledged: row.acknowledged_at.is_some(),
            outcome_label: row.session_outcome.map(SessionOutcome::label),
            outcome_assumed: row.outcome_assumed,
            to_mark: needs_mark,
            report_due: report_open.then(|| when::format_in_zone(due, Some(&admin.0.time_zone))),
            report_overdue: report_open && due < now,
        };
        if needs_mark {
            to_mark.push(view);
        } else if report_open && (view.report_overdue || !admin.is_staff()) {
            reports.push(view);
        } else if upcoming_row {
            upcoming.push(view);
        } else {
            others.push(view);
        }
    }
    let content = ListContent {
        to_mark,
        reports,
        upcoming,
        others,
        show_interviewer: admin.is_staff(),
    };
    let page = AdminPage::new(&state, paths::ADMIN_BOOKINGS, "Interviews", content)
        .user(&admin)
        .section("bookings");
    Ok(state
        .render("admin/bookings.html", None, &page)?
        .into_response())
}

#[derive(Serialize)]
struct BookingDetail {
    public_id: String,
    /// The reference customers quote in email ("IS-7K3P-Q2").
    reference: String,
    status: &'static str,
    status_label: &'static str,
    when_interviewer: String,
    when_customer: String,
    starts_at: String,
    interviewer_name: String,
    /// What was paid (after any promotion code); the price while unpaid.
    price: String,
    /// What a promotion code took off, if one did.
    discount: Option<String>,
    list_price: String,
    customer_name: Option<String>,
    customer_email: Option<String>,
    customer_time_zone: Option<String>,
    background: Option<String>,
    interview_focus: Option<String>,
    technologies: Vec<String>,
    subject: Option<String>,
    target_companies: Option<String>,
    extra_information: Option<String>,
    resume_url: Option<String>,
    resume_filename: Option<String>,
    acknowledged_at: Option<String>,
    acknowledgement_note: Option<String>,
    can_acknowledge: bool,
    can_refund: bool,
    note_limit: Limit,
    reason_limit: Limit,
    refund: Option<String>,
    refund_reason: Option<String>,
    cancellation_reason: Option<String>,
    cancelled_by: Option<String>,
    /// "Held", "Customer did not come"... once marked.
    outcome_label: Option<&'static str>,
    outcome_on: Option<String>,
    outcome_assumed: bool,
    /// The marks this admin may give now (`held`, `customer_no_show`, `interviewer_no_show`).
    can_mark: Vec<&'static str>,
    /// When marking opens, while it has not.
    marking_opens: Option<String>,
    /// The feedback report's page, for a held session.
    report_url: Option<String>,
    report_due: Option<String>,
    review: Option<AdminReview>,
}

#[derive(Serialize)]
struct AdminReview {
    rating: i16,
    body: String,
    display_name: String,
    on: String,
    hidden_because: Option<&'static str>,
    reply: Option<String>,
    /// Staff may hide it (once, for one of these reasons).
    hide_reasons: Vec<(&'static str, &'static str)>,
    hide_action: String,
    /// Its interviewer may reply once.
    can_reply: bool,
    reply_action: String,
    reply_limit: Limit,
}

#[derive(Serialize)]
struct DetailContent {
    booking: BookingDetail,
    is_staff: bool,
    flash: Option<&'static str>,
    error: Option<String>,
}

fn detail(booking: &BookingView, admin: &Admin) -> BookingDetail {
    let now = time::OffsetDateTime::now_utc();
    BookingDetail {
        public_id: booking.public_id.clone(),
        reference: crate::domain::reference::of(booking.booking_id),
        status: booking.status.as_db(),
        status_label: booking.status.label(),
        when_interviewer: when::format_in_zone(booking.starts_at, Some(&admin.0.time_zone)),
        when_customer: when::format_in_zone(
            booking.starts_at,
            booking.customer_time_zone.as_deref(),
        ),
        starts_at: when::rfc3339(booking.starts_at),
        interviewer_name: booking.interviewer_name.clone(),
        price: booking.amount_paid().to_string(),
        discount: booking.discount().map(|d| d.to_string()),
        list_price: booking.price.to_string(),
        customer_name: booking.customer_name.clone(),
        customer_email: booking.customer_email.clone(),
        customer_time_zone: booking.customer_time_zone.clone(),
        background: booking.background.clone(),
        interview_focus: booking.interview_focus.clone(),
        technologies: booking.chosen_technologies.clone(),
        subject: booking.chosen_subject.clone(),
        target_companies: booking.target_companies.clone(),
        extra_information: booking.extra_information.clone(),
        resume_url: booking
            .resume_key
            .as_ref()
            .map(|_| paths::admin_booking_resume(&booking.public_id)),
        resume_filename: booking.resume_filename.clone(),
        acknowledged_at: booking
            .acknowledged_at
            .map(|t| when::format_in_zone(t, Some(&admin.0.time_zone))),
        acknowledgement_note: booking.acknowledgement_note.clone(),
        can_acknowledge: booking.status == BookingStatus::Paid && booking.acknowledged_at.is_none(),
        can_refund: admin.is_staff() && interviews::can_refund_under_guarantee(booking),
        note_limit: MAX_ACKNOWLEDGEMENT_NOTE,
        reason_limit: MAX_REFUND_REASON,
        refund: booking
            .refund
            .filter(|m| m.minor > 0)
            .map(|m| m.to_string()),
        refund_reason: booking.refund_reason.clone(),
        cancellation_reason: booking.cancellation_reason.clone(),
        cancelled_by: booking.cancelled_by.map(|by| by.as_db().to_owned()),
        outcome_label: booking.session_outcome.map(SessionOutcome::label),
        outcome_on: booking
            .outcome_recorded_at
            .map(|t| when::format_in_zone(t, Some(&admin.0.time_zone))),
        outcome_assumed: booking.outcome_assumed,
        can_mark: [
            ("held", SessionOutcome::Held),
            ("customer_no_show", SessionOutcome::CustomerNoShow),
            ("interviewer_no_show", SessionOutcome::InterviewerNoShow),
        ]
        .into_iter()
        .filter(|(_, outcome)| {
            may_mark(
                *outcome,
                booking.session_outcome,
                booking.status == BookingStatus::Paid,
                booking.starts_at,
                now,
                admin.is_staff(),
            )
            .is_ok()
        })
        .map(|(code, _)| code)
        .collect(),
        review: booking.review.as_ref().map(|r| AdminReview {
            rating: r.rating,
            body: r.body.clone(),
            display_name: r.display_name.clone(),
            on: when::format_in_zone(r.created_at, Some(&admin.0.time_zone)),
            hidden_because: r.hidden_reason.map(HideReason::label),
            reply: r.reply.clone(),
            hide_reasons: if admin.is_staff() && r.hidden_reason.is_none() {
                HideReason::ALL
                    .iter()
                    .map(|h| (h.code(), h.label()))
                    .collect()
            } else {
                Vec::new()
            },
            hide_action: paths::admin_booking_review_hide(&booking.public_id),
            can_reply: r.reply.is_none() && admin.0.interviewer_id == Some(booking.interviewer_id),
            reply_action: paths::admin_booking_review_reply(&booking.public_id),
            reply_limit: MAX_REPLY,
        }),
        report_url: crate::app::reports::has_report(booking)
            .then(|| paths::admin_booking_report(&booking.public_id)),
        report_due: crate::app::reports::has_report(booking).then(|| {
            when::format_in_zone(feedback::due_at(booking.ends_at), Some(&admin.0.time_zone))
        }),
        marking_opens: (booking.status == BookingStatus::Paid
            && booking.session_outcome.is_none()
            && now < booking.starts_at + MARK_AFTER_START)
            .then(|| {
                when::format_in_zone(
                    booking.starts_at + MARK_AFTER_START,
                    Some(&admin.0.time_zone),
                )
            }),
    }
}

pub(super) async fn load(
    state: &AppState,
    admin: &Admin,
    public_id: &str,
) -> Result<BookingView, AppError> {
    bookings::view_for_admin(&state.pool, public_id, scope(admin)?)
        .await?
        .ok_or(AppError::NotFound)
}

fn render_detail(
    state: &AppState,
    admin: &Admin,
    booking: &BookingView,
    flash: Option<&'static str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let content = DetailContent {
        booking: detail(booking, admin),
        is_staff: admin.is_staff(),
        flash,
        error,
    };
    let title = format!(
        "Interview with {}",
        booking.customer_name.as_deref().unwrap_or("a customer")
    );
    let page = AdminPage::new(
        state,
        &paths::admin_booking(&booking.public_id),
        &title,
        content,
    )
    .user(admin)
    .section("bookings");
    Ok((status, state.render("admin/booking.html", None, &page)?).into_response())
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    done: Option<String>,
}

pub async fn show_booking(
    State(state): State<AppState>,
    admin: Admin,
    PathId(public_id): PathId<String>,
    Query(q): Query<FlashQuery>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    let flash = match q.done.as_deref() {
        Some("acknowledged") => {
            Some("Acknowledged. The customer has been told you have their information.")
        }
        Some("refunded") => Some("Refund started. The customer has been emailed."),
        Some("held") => Some("Marked as held. Thank you: now write the feedback report."),
        Some("report") => Some("Report sent. The customer has been emailed a link to it."),
        Some("review-hidden") => Some("Review hidden. Its author sees it hidden, with the reason."),
        Some("replied") => Some("Reply published under the review."),
        Some("customer_no_show") => {
            Some("Marked: the customer did not come. They have been emailed; there is no refund.")
        }
        Some("interviewer_no_show") => Some(
            "Marked: the interviewer did not come. The customer is being refunded in full, and both have been emailed.",
        ),
        _ => None,
    };
    render_detail(&state, &admin, &booking, flash, None, StatusCode::OK)
}

/// Sends the resume from private storage to an authorised viewer as a download, never shown
/// inline: a PDF can carry scripts, and `sandbox` keeps them from running with our origin's
/// rights even if a browser renders it anyway. Never cached.
pub async fn download_resume(
    State(state): State<AppState>,
    admin: Admin,
    PathId(public_id): PathId<String>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    let (bytes, filename) = interviews::resume_of(&state.services, &booking)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct AcknowledgeForm {
    #[serde(default)]
    note: String,
}

pub async fn acknowledge_booking(
    State(state): State<AppState>,
    admin: Admin,
    PathId(public_id): PathId<String>,
    Form(form): Form<AcknowledgeForm>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    match interviews::acknowledge_booking(&state.services, &booking, &form.note).await? {
        AcknowledgeOutcome::Acknowledged => Ok(Redirect::to(&paths::with_outcome(
            &paths::admin_booking(&public_id),
            "done",
            "acknowledged",
        ))
        .into_response()),
        AcknowledgeOutcome::InvalidNote(message) => render_detail(
            &state,
            &admin,
            &booking,
            None,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

#[derive(Deserialize)]
pub struct RefundForm {
    #[serde(default)]
    reason: String,
}

pub async fn refund_booking(
    State(state): State<AppState>,
    Staff(admin): Staff,
    PathId(public_id): PathId<String>,
    Form(form): Form<RefundForm>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    let (message, status) = match interviews::refund_under_guarantee(
        &state.services,
        &booking,
        &form.reason,
        admin.0.user_id,
    )
    .await?
    {
        RefundOutcome::Started => {
            return Ok(Redirect::to(&paths::with_outcome(
                &paths::admin_booking(&public_id),
                "done",
                "refunded",
            ))
            .into_response());
        }
        RefundOutcome::InvalidReason(message) => (message, StatusCode::UNPROCESSABLE_ENTITY),
        RefundOutcome::NotRefundable => (
            "Only a paid booking that has not been refunded can be refunded.".to_owned(),
            StatusCode::CONFLICT,
        ),
    };
    render_detail(&state, &admin, &booking, None, Some(message), status)
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    outcome: String,
}

/// `POST /admin/bookings/{id}/outcome`: held, the customer did not come, or (staff) the
/// interviewer did not come; from 15 minutes after the start (`lifecycle::record_outcome`).
pub async fn record_outcome(
    State(state): State<AppState>,
    admin: Admin,
    PathId(public_id): PathId<String>,
    Form(form): Form<OutcomeForm>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    let Some(outcome) = SessionOutcome::parse(&form.outcome) else {
        return render_detail(
            &state,
            &admin,
            &booking,
            None,
            Some("Choose what happened: held, or who did not come.".to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let result = interviews::mark_session(
        &state.services,
        &booking,
        outcome,
        admin.0.user_id,
        admin.is_staff(),
    )
    .await?;
    let message = match result {
        OutcomeResult::Recorded => {
            return Ok(Redirect::to(&paths::with_outcome(
                &paths::admin_booking(&public_id),
                "done",
                &form.outcome,
            ))
            .into_response());
        }
        OutcomeResult::UnknownBooking => return Err(AppError::NotFound),
        OutcomeResult::Refused(MarkRefusal::TooEarly) => {
            "A session can be marked from 15 minutes after its start."
        }
        OutcomeResult::Refused(MarkRefusal::StaffOnly) => {
            "Only staff record that the interviewer did not come: write to hello@508.dev."
        }
        OutcomeResult::Refused(MarkRefusal::AlreadyMarked) => "This session is marked already.",
        OutcomeResult::Refused(MarkRefusal::NotPaid) => {
            "Only a paid booking has a session to mark."
        }
    };
    render_detail(
        &state,
        &admin,
        &booking,
        None,
        Some(message.to_owned()),
        StatusCode::CONFLICT,
    )
}

#[derive(Deserialize)]
pub struct HideForm {
    #[serde(default)]
    reason: String,
}

/// `POST /admin/bookings/{id}/review/hide` (staff): hides the review for a listed reason.
pub async fn hide_review(
    State(state): State<AppState>,
    Staff(admin): Staff,
    PathId(public_id): PathId<String>,
    Form(form): Form<HideForm>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    let Some(reason) = HideReason::parse(&form.reason) else {
        return render_detail(
            &state,
            &admin,
            &booking,
            None,
            Some("Choose one of the reasons: a review is hidden for nothing else.".to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    if reviews::hide(&state.services, &booking, reason, admin.0.user_id).await? {
        return Ok(Redirect::to(&paths::with_outcome(
            &paths::admin_booking(&public_id),
            "done",
            "review-hidden",
        ))
        .into_response());
    }
    render_detail(
        &state,
        &admin,
        &booking,
        None,
        Some("There is no published review to hide.".to_owned()),
        StatusCode::CONFLICT,
    )
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    reply: String,
}

/// `POST /admin/bookings/{id}/review/reply`: the interviewer's one public reply.
pub async fn reply_to_review(
    State(state): State<AppState>,
    admin: Admin,
    PathId(public_id): PathId<String>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, AppError> {
    let booking = load(&state, &admin, &public_id).await?;
    if admin.0.interviewer_id != Some(booking.interviewer_id) {
        return render_detail(
            &state,
            &admin,
            &booking,
            None,
            Some("Only the session's interviewer replies to its review.".to_owned()),
            StatusCode::FORBIDDEN,
        );
    }
    let (message, status) = match reviews::reply(&state.services, &booking, &form.reply).await? {
        ReplyOutcome::Replied => {
            return Ok(Redirect::to(&paths::with_outcome(
                &paths::admin_booking(&public_id),
                "done",
                "replied",
            ))
            .into_response());
        }
        ReplyOutcome::Invalid(message) => (message, StatusCode::UNPROCESSABLE_ENTITY),
        ReplyOutcome::NotAllowed => (
            "There is no review to reply to, or you have replied already.".to_owned(),
            StatusCode::CONFLICT,
        ),
    };
    render_detail(&state, &admin, &booking, None, Some(message), status)
}
