//! The customer's own booking page, `/bookings/{id}` (the link in every email to them), and
//! what it leads to: the calendar file, the cancel confirmation, the reschedule calendar.
//! The rules are in `crate::app::customer`.

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::booking::{BookingSummary, CalEmbed, summary};
use crate::{
    app::{
        claims::{self, ClaimOutcome},
        customer::{self, CustomerCancel, CustomerReschedule},
        invites::{self, Reader},
        reports,
        reviews::{self, ReviewOutcome},
    },
    db::bookings::{self, BookingView},
    db::claims::ClaimState,
    domain::{
        BookingStatus, CancelledBy, Money, SessionOutcome,
        booking::CustomerChoices,
        feedback::{self, LevelInfo},
        forms::FieldErrors,
        forms::{Limit, clean_text},
        invite::Method,
        reference,
        reviews::{HideReason, MAX_REVIEW, display_name},
        when,
    },
    paths,
    web::{
        AppState,
        error::AppError,
        forms::{Form, Query},
        page::{Page, PageMeta, PathId},
    },
};

/// A cancelling customer's optional reason (passed to cal.com and kept with the booking).
pub const MAX_CANCEL_REASON: Limit = Limit(500);

/// Where the booking is in its life, as the page puts it into words.
fn stage(booking: &BookingView, now: OffsetDateTime) -> &'static str {
    match booking.status {
        BookingStatus::Held | BookingStatus::AwaitingPayment => "unpaid",
        // Marked (held, or who did not come): the session is behind us, whatever the clock.
        BookingStatus::Paid if booking.session_outcome.is_some() => "past",
        BookingStatus::Paid if now >= booking.ends_at => "past",
        BookingStatus::Paid if now >= booking.starts_at => "in_progress",
        BookingStatus::Paid if booking.cal_confirmed_at.is_some() => "confirmed",
        BookingStatus::Paid => "confirming",
        BookingStatus::Expired => "expired",
        BookingStatus::Cancelled => "cancelled",
        BookingStatus::Refunded => "refunded",
    }
}

#[derive(Serialize)]
struct Times {
    /// In the customer's zone as cal.com reports it (the browser re-renders it in its own).
    customer: String,
    /// In the interviewer's zone, when cal.com told us one that differs from the customer's.
    interviewer: Option<String>,
    utc: String,
    ends: String,
}

fn times(booking: &BookingView) -> Times {
    let customer_zone = booking.customer_time_zone.as_deref();
    let host_zone = booking.host_time_zone.as_deref();
    Times {
        customer: when::format_in_zone(booking.starts_at, customer_zone),
        interviewer: host_zone
            .filter(|zone| Some(*zone) != customer_zone)
            .map(|zone| when::format_in_zone(booking.starts_at, Some(zone))),
        utc: when::format_in_zone(booking.starts_at, None),
        ends: when::format_time_in_zone(booking.ends_at, customer_zone),
    }
}

#[derive(Serialize)]
struct Submitted<'a> {
    background: Option<&'a str>,
    interview_focus: Option<&'a str>,
    technologies: &'a [String],
    subject: Option<&'a str>,
    target_companies: Option<&'a str>,
    extra_information: Option<&'a str>,
    resume_filename: Option<&'a str>,
}

#[derive(Serialize)]
struct Acknowledgement<'a> {
    when: String,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct AddToCalendar {
    ics_url: String,
    google_url: String,
    outlook_url: String,
}

/// What a cancel or a move would do now, in words the page shows before anyone clicks.
#[derive(Serialize)]
struct ChoicesView {
    /// The refund a cancel now gives ("$150.00"); `None`: no refund.
    cancel_refund: Option<String>,
    cancel_refund_minor: i64,
    full_refund_until: String,
    can_reschedule: bool,
    reschedule_until: String,
    /// False for the goodwill move after a missed session: only a move is offered.
    can_cancel: bool,
    cancel_url: String,
    reschedule_url: String,
}

fn choices_view(booking: &BookingView, choices: CustomerChoices) -> ChoicesView {
    let zone = booking.customer_time_zone.as_deref();
    ChoicesView {
        cancel_refund: (choices.cancel_refund_minor > 0)
            .then(|| Money::new(choices.cancel_refund_minor, booking.price.currency).to_string()),
        cancel_refund_minor: choices.cancel_refund_minor,
        full_refund_until: when::format_in_zone(choices.full_refund_until, zone),
        can_reschedule: choices.can_reschedule,
        reschedule_until: when::format_in_zone(choices.reschedule_until, zone),
        can_cancel: choices.can_cancel,
        cancel_url: paths::booking_cancel(&booking.public_id),
        reschedule_url: paths::booking_reschedule(&booking.public_id),
    }
}

#[derive(Serialize)]
struct PaymentView {
    paid_on: Option<String>,
    /// What a promotion code took off, if one did.
    discount: Option<String>,
    receipt_url: Option<String>,
    /// The invoice Checkout made, when invoices are on.
    invoice_url: Option<String>,
    /// What is or was refunded, once decided.
    refund: Option<String>,
    refunded_on: Option<String>,
}

#[derive(Serialize)]
struct BookingPageContent<'a> {
    booking: BookingSummary,
    reference: String,
    stage: &'static str,
    times: Times,
    meeting_url: Option<&'a str>,
    add_to_calendar: Option<AddToCalendar>,
    submitted: Option<Submitted<'a>>,
    acknowledgement: Option<Acknowledgement<'a>>,
    choices: Option<ChoicesView>,
    payment: PaymentView,
    cancelled_by: Option<&'static str>,
    cancellation_reason: Option<&'a str>,
    /// Whether the session took place, once marked: `held`, `customer_no_show`,
    /// `interviewer_no_show`.
    outcome: Option<SessionOutcome>,
    goodwill_reschedule: bool,
    /// The feedback report, once the interviewer has sent it: its overall read and its page.
    report: Option<ReportSummary>,
    review: Option<ReviewView>,
    /// The review form, for a held session not reviewed yet.
    review_form: Option<ReviewForm>,
    claim: Option<ClaimView>,
    /// Until when the guarantee may be claimed (the form shows while it may).
    claim_until: Option<String>,
    claim_action: String,
    claim_error: Option<String>,
    claim_reason: String,
    /// An outcome to announce (`?done=`): `cancelled`, `moved`, `move-refused`, `move-pending`.
    done: Option<&'static str>,
    refund_window_hours: u32,
    reschedule_notice_hours: u32,
}

#[derive(Serialize)]
pub(super) struct ReviewView {
    pub(super) rating: i16,
    pub(super) body: String,
    pub(super) display_name: String,
    pub(super) on: String,
    /// Why staff hid it, in words (only its author sees a hidden review).
    pub(super) hidden_because: Option<&'static str>,
    pub(super) reply: Option<String>,
}

#[derive(Serialize)]
struct ReviewForm {
    action: String,
    rating: Option<i16>,
    body: String,
    anonymous: bool,
    display_name: String,
    errors: FieldErrors,
    limit: Limit,
}

#[derive(Serialize)]
struct ClaimView {
    reason: String,
    /// `open`, `refunded`, `answered`.
    state: ClaimState,
    staff_reply: Option<String>,
    on: String,
}

#[derive(Serialize)]
struct ReportSummary {
    url: String,
    overall: Option<&'static str>,
    sent_on: String,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

fn known_outcome(code: Option<&str>) -> Option<&'static str> {
    [
        "cancelled",
        "moved",
        "move-refused",
        "move-pending",
        "reviewed",
    ]
    .into_iter()
    .find(|known| Some(*known) == code)
}

fn meta_for(state: &AppState, booking: &BookingView, path: &str, title: String) -> PageMeta {
    let mut meta = PageMeta::new(
        state,
        path,
        title,
        format!(
            "Your practice interview with {}: time, video link, changes.",
            booking.interviewer_name
        ),
    );
    meta.robots = Some("noindex");
    meta
}

fn review_form(booking: &BookingView) -> ReviewForm {
    ReviewForm {
        action: paths::booking_review(&booking.public_id),
        rating: None,
        body: String::new(),
        anonymous: false,
        display_name: display_name(booking.customer_name.as_deref(), false),
        errors: FieldErrors::new(),
        limit: MAX_REVIEW,
    }
}

/// The booking behind the page's id, or the 404 page.
async fn found(state: &AppState, public_id: &str) -> Result<BookingView, AppError> {
    customer::booking(&state.services, public_id)
        .await?
        .ok_or(AppError::NotFound)
}

fn day(at: OffsetDateTime, zone: Option<&str>) -> String {
    when::format_in_zone(at, zone)
}

/// `GET /bookings/{id}`: the booking as the customer sees it, whatever its status.
pub async fn show_booking(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let booking = found(&state, &public_id).await?;
    render_booking_page(
        &state,
        &booking,
        known_outcome(query.done.as_deref()),
        None,
        StatusCode::OK,
    )
    .await
}

/// The booking page; `posted_review` is a review form sent back with its errors.
async fn render_booking_page(
    state: &AppState,
    booking: &BookingView,
    done: Option<&'static str>,
    posted_review: Option<ReviewForm>,
    status: StatusCode,
) -> Result<Response, AppError> {
    render_booking_page_with(state, booking, done, posted_review, None, status).await
}

/// [`render_booking_page`], with a guarantee claim sent back with its error: (message, reason).
async fn render_booking_page_with(
    state: &AppState,
    booking: &BookingView,
    done: Option<&'static str>,
    posted_review: Option<ReviewForm>,
    posted_claim: Option<(Option<String>, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let public_id = booking.public_id.clone();
    let now = OffsetDateTime::now_utc();
    let stage = stage(booking, now);
    let zone = booking.customer_time_zone.as_deref();
    let paid_once = booking.paid_at.is_some();
    let upcoming_paid = matches!(stage, "confirmed" | "confirming" | "in_progress");
    let add_to_calendar = upcoming_paid.then(|| {
        let links = invites::web_calendar_links(&state.services, booking);
        AddToCalendar {
            ics_url: paths::booking_calendar_file(&booking.public_id),
            google_url: links.google,
            outlook_url: links.outlook,
        }
    });
    let submitted = booking.background.as_ref().map(|_| Submitted {
        background: booking.background.as_deref(),
        interview_focus: booking.interview_focus.as_deref(),
        technologies: &booking.chosen_technologies,
        subject: booking.chosen_subject.as_deref(),
        target_companies: booking.target_companies.as_deref(),
        extra_information: booking.extra_information.as_deref(),
        resume_filename: booking.resume_filename.as_deref(),
    });
    let report = reports::submitted_report(&state.services, booking)
        .await?
        .map(|r| ReportSummary {
            url: paths::booking_report(&booking.public_id),
            overall: r
                .input
                .overall_level
                .as_deref()
                .and_then(feedback::overall_label),
            sent_on: r.submitted_at.map(|t| day(t, zone)).unwrap_or_default(),
        });
    let review = booking.review.as_ref().map(|r| ReviewView {
        rating: r.rating,
        body: r.body.clone(),
        display_name: r.display_name.clone(),
        on: day(r.created_at, zone),
        hidden_because: r.hidden_reason.map(HideReason::label),
        reply: r.reply.clone(),
    });
    let review_form =
        reviews::can_review(booking).then(|| posted_review.unwrap_or_else(|| review_form(booking)));
    let (claim_error, claim_reason) = posted_claim.unwrap_or_default();
    let content = BookingPageContent {
        report,
        review,
        review_form,
        claim: booking.claim.as_ref().map(|c| ClaimView {
            reason: c.reason.clone(),
            state: c.state,
            staff_reply: c.staff_reply.clone(),
            on: day(c.created_at, zone),
        }),
        claim_until: claims::claim_until(&state.services, booking).map(|t| day(t, zone)),
        claim_action: paths::booking_claim(&booking.public_id),
        claim_error,
        claim_reason,
        reference: reference::of(booking.booking_id),
        stage,
        times: times(booking),
        meeting_url: booking.meeting_url.as_deref().filter(|_| upcoming_paid),
        add_to_calendar,
        submitted,
        acknowledgement: booking.acknowledged_at.map(|at| Acknowledgement {
            when: day(at, zone),
            note: booking.acknowledgement_note.as_deref(),
        }),
        choices: customer::choices(&state.services, booking, now)
            .map(|choices| choices_view(booking, choices)),
        payment: PaymentView {
            paid_on: booking.paid_at.map(|at| day(at, zone)),
            discount: booking.discount().map(|d| d.to_string()),
            receipt_url: booking.receipt_url.clone().filter(|_| paid_once),
            invoice_url: booking.invoice_url.clone().filter(|_| paid_once),
            refund: booking
                .refund
                .filter(|m| m.minor > 0)
                .map(|m| m.to_string()),
            refunded_on: booking.refunded_at.map(|at| day(at, zone)),
        },
        cancelled_by: booking.cancelled_by.map(|by| match by {
            CancelledBy::Customer => "you",
            CancelledBy::Interviewer => "the interviewer",
        }),
        cancellation_reason: booking.cancellation_reason.as_deref(),
        outcome: booking.session_outcome,
        goodwill_reschedule: state.config.booking.goodwill_reschedule_after_no_show,
        done,
        refund_window_hours: state.config.booking.refund_window_hours,
        reschedule_notice_hours: state.config.booking.reschedule_notice_hours,
        booking: summary(booking),
    };
    let meta = meta_for(
        state,
        booking,
        &paths::booking_page(&public_id),
        format!(
            "Your practice interview with {} · 508.dev",
            booking.interviewer_name
        ),
    );
    Ok((
        status,
        state.render(
            "public/booking/booking.html",
            None,
            &Page::new(meta, content),
        )?,
    )
        .into_response())
}

/// `GET /bookings/{id}/calendar.ics`: the event to import ("Add to calendar"), for a paid
/// booking that has not ended.
pub async fn download_calendar_file(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
) -> Result<Response, AppError> {
    let booking = customer::booking(&state.services, &public_id)
        .await?
        .filter(|b| b.status == BookingStatus::Paid)
        .ok_or(AppError::NotFound)?;
    let ics = invites::ics(&state.services, &booking, Method::Publish, Reader::Customer);
    Ok((
        [
            (header::CONTENT_TYPE, Method::Publish.content_type()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"practice-interview.ics\"".to_owned(),
            ),
        ],
        ics,
    )
        .into_response())
}

#[derive(Serialize)]
struct CancelPageContent {
    booking: BookingSummary,
    reference: String,
    times: Times,
    choices: ChoicesView,
    reason: String,
    reason_error: Option<String>,
    reason_limit: Limit,
    /// Set when the refund changed between showing and confirming.
    refund_changed: bool,
    refund_window_hours: u32,
}

fn render_cancel_page(
    state: &AppState,
    booking: &BookingView,
    choices: CustomerChoices,
    reason: String,
    reason_error: Option<String>,
    refund_changed: bool,
) -> Result<Response, AppError> {
    let status = if reason_error.is_some() || refund_changed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let content = CancelPageContent {
        booking: summary(booking),
        reference: reference::of(booking.booking_id),
        times: times(booking),
        choices: choices_view(booking, choices),
        reason,
        reason_error,
        reason_limit: MAX_CANCEL_REASON,
        refund_changed,
        refund_window_hours: state.config.booking.refund_window_hours,
    };
    let meta = meta_for(
        state,
        booking,
        &paths::booking_cancel(&booking.public_id),
        "Cancel your practice interview · 508.dev".to_owned(),
    );
    Ok((
        status,
        state.render(
            "public/booking/cancel.html",
            None,
            &Page::new(meta, content),
        )?,
    )
        .into_response())
}

/// `GET /bookings/{id}/cancel`: what a cancel would do now, before the customer confirms.
/// A booking that cannot be cancelled goes back to its page, which says why.
pub async fn show_cancel(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
) -> Result<Response, AppError> {
    let booking = found(&state, &public_id).await?;
    let Some(choices) = customer::choices(&state.services, &booking, OffsetDateTime::now_utc())
        .filter(|c| c.can_cancel)
    else {
        return Ok(Redirect::to(&paths::booking_page(&public_id)).into_response());
    };
    render_cancel_page(&state, &booking, choices, String::new(), None, false)
}

#[derive(Deserialize)]
pub struct CancelForm {
    /// The refund the page showed, in minor units: the cancel happens only at that refund.
    quoted_refund_minor: i64,
    #[serde(default)]
    reason: String,
}

/// `POST /bookings/{id}/cancel`.
pub async fn cancel_booking(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
    Form(form): Form<CancelForm>,
) -> Result<Response, AppError> {
    let reason = clean_text(&form.reason);
    let page = paths::booking_page(&public_id);
    if !MAX_CANCEL_REASON.allows(&reason) {
        let booking = found(&state, &public_id).await?;
        let Some(choices) = customer::choices(&state.services, &booking, OffsetDateTime::now_utc())
            .filter(|c| c.can_cancel)
        else {
            return Ok(Redirect::to(&page).into_response());
        };
        let message = MAX_CANCEL_REASON.message(&reason);
        return render_cancel_page(&state, &booking, choices, reason, Some(message), false);
    }
    let reason = Some(reason.as_str()).filter(|r| !r.is_empty());
    match customer::cancel(
        &state.services,
        &public_id,
        form.quoted_refund_minor,
        reason,
    )
    .await?
    {
        CustomerCancel::NotFound => Err(AppError::NotFound),
        CustomerCancel::Cancelled { .. } => {
            Ok(Redirect::to(&paths::with_outcome(&page, "done", "cancelled")).into_response())
        }
        CustomerCancel::NotCancellable => Ok(Redirect::to(&page).into_response()),
        CustomerCancel::RefundChanged { .. } => {
            let booking = found(&state, &public_id).await?;
            match customer::choices(&state.services, &booking, OffsetDateTime::now_utc()) {
                Some(choices) => render_cancel_page(
                    &state,
                    &booking,
                    choices,
                    reason.unwrap_or_default().to_owned(),
                    None,
                    true,
                ),
                None => Ok(Redirect::to(&page).into_response()),
            }
        }
    }
}

#[derive(Serialize)]
struct ReschedulePageContent {
    booking: BookingSummary,
    reference: String,
    times: Times,
    /// The calendar, when the booking may move and the interviewer's calendar is set up.
    cal: Option<CalEmbed>,
    reschedule_uid: String,
    create_url: String,
    choices: Option<ChoicesView>,
    reschedule_notice_hours: u32,
}

/// `GET /bookings/{id}/reschedule`: cal.com's reschedule flow for this booking (its calendar
/// with `rescheduleUid`), or why the booking cannot move.
pub async fn show_reschedule(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
) -> Result<Response, AppError> {
    let booking = found(&state, &public_id).await?;
    let choices = customer::choices(&state.services, &booking, OffsetDateTime::now_utc());
    let cal_link = match choices {
        Some(c) if c.can_reschedule => {
            bookings::booking_target(&state.pool, &booking.interviewer_slug)
                .await?
                .and_then(|target| target.cal_link)
        }
        _ => None,
    };
    let content = ReschedulePageContent {
        reference: reference::of(booking.booking_id),
        times: times(&booking),
        cal: cal_link.map(|link| CalEmbed {
            link,
            origin: state.config.calcom.embed_origin.clone(),
        }),
        reschedule_uid: booking.cal_booking_uid.clone(),
        create_url: paths::booking_reschedule(&public_id),
        choices: choices.map(|c| choices_view(&booking, c)),
        reschedule_notice_hours: state.config.booking.reschedule_notice_hours,
        booking: summary(&booking),
    };
    let meta = meta_for(
        &state,
        &booking,
        &paths::booking_reschedule(&public_id),
        "Move your practice interview · 508.dev".to_owned(),
    );
    Ok(state
        .render(
            "public/booking/reschedule.html",
            None,
            &Page::new(meta, content),
        )?
        .into_response())
}

#[derive(Deserialize)]
pub struct RescheduleForm {
    uid: String,
}

/// `POST /bookings/{id}/reschedule` with the new cal.com booking's `uid` (the embed's
/// `rescheduleBookingSuccessfulV2`). Answers `{"next": url}` or `{"error": message}` to
/// scripts, a redirect or the message to forms.
pub async fn reschedule_booking(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PathId(public_id): PathId<String>,
    headers: HeaderMap,
    Form(form): Form<RescheduleForm>,
) -> Result<Response, AppError> {
    let client = crate::web::security::client_ip(&state, &headers, Some(peer));
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    let page = paths::booking_page(&public_id);
    let outcome =
        customer::reschedule(&state.services, &public_id, form.uid.trim(), &client).await?;
    let done = |code: &str| Ok(paths::with_outcome(&page, "done", code));
    let answer: Result<String, (StatusCode, String)> = match outcome {
        CustomerReschedule::NotFound => return Err(AppError::NotFound),
        CustomerReschedule::Moved => done("moved"),
        CustomerReschedule::Refused => done("move-refused"),
        CustomerReschedule::Pending => done("move-pending"),
        CustomerReschedule::NotMovable => Err((
            StatusCode::CONFLICT,
            "This booking can no longer be moved.".to_owned(),
        )),
        CustomerReschedule::NotThisBooking => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            "The calendar does not show that new time as a move of this booking. Please pick the time again, or write to hello@508.dev.".to_owned(),
        )),
        CustomerReschedule::TooManyAttempts {
            retry_after_minutes: minutes,
        } => Err((
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "We have checked many bookings from your connection in a short time. Please wait {minutes} minute{} and try again.",
                if minutes > 1 { "s" } else { "" }
            ),
        )),
    };
    Ok(match (answer, wants_json) {
        (Ok(next), true) => Json(serde_json::json!({ "next": next })).into_response(),
        (Ok(next), false) => Redirect::to(&next).into_response(),
        (Err((status, message)), true) => {
            (status, Json(serde_json::json!({ "error": message }))).into_response()
        }
        (Err((status, message)), false) => (status, message).into_response(),
    })
}

#[derive(Serialize)]
struct ReportPageContent {
    booking: BookingSummary,
    reference: String,
    when: String,
    rubric: feedback::Rubric,
    values: feedback::ReportInput,
    levels: Vec<LevelInfo>,
    overall: Vec<(&'static str, &'static str)>,
    sent_on: String,
}

/// `GET /bookings/{id}/report`: the feedback report, once sent, as a page that prints well
/// (and saves as a PDF from the browser's print dialog).
pub async fn show_report(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
) -> Result<Response, AppError> {
    let booking = found(&state, &public_id).await?;
    let report = reports::submitted_report(&state.services, &booking)
        .await?
        .ok_or(AppError::NotFound)?;
    let zone = booking.customer_time_zone.as_deref();
    let content = ReportPageContent {
        reference: reference::of(booking.booking_id),
        when: when::format_in_zone(booking.starts_at, zone),
        rubric: report.rubric,
        values: report.input,
        levels: feedback::levels(),
        overall: feedback::OVERALL.to_vec(),
        sent_on: report
            .submitted_at
            .map(|t| day(t, zone))
            .unwrap_or_default(),
        booking: summary(&booking),
    };
    let meta = meta_for(
        &state,
        &booking,
        &paths::booking_report(&public_id),
        format!(
            "Your feedback report from {} · 508.dev",
            booking.interviewer_name
        ),
    );
    Ok(state
        .render(
            "public/booking/report.html",
            None,
            &Page::new(meta, content),
        )?
        .into_response())
}

#[derive(Deserialize)]
pub struct ReviewPost {
    rating: Option<String>,
    #[serde(default)]
    body: String,
    anonymous: Option<String>,
}

/// `POST /bookings/{id}/review`: the customer's review of a held session, once.
pub async fn submit_review(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
    Form(form): Form<ReviewPost>,
) -> Result<Response, AppError> {
    let rating = form
        .rating
        .as_deref()
        .and_then(|r| r.trim().parse::<i16>().ok());
    let anonymous = form.anonymous.is_some();
    match reviews::submit(&state.services, &public_id, rating, &form.body, anonymous).await? {
        ReviewOutcome::NotFound => Err(AppError::NotFound),
        ReviewOutcome::Published => Ok(Redirect::to(&format!(
            "{}#review",
            paths::with_outcome(&paths::booking_page(&public_id), "done", "reviewed")
        ))
        .into_response()),
        ReviewOutcome::NotAllowed => {
            Ok(Redirect::to(&paths::booking_page(&public_id)).into_response())
        }
        ReviewOutcome::Invalid { errors } => {
            // The page again, the form as they filled it, each message at its field.
            let booking = found(&state, &public_id).await?;
            let posted = ReviewForm {
                rating,
                body: form.body.clone(),
                anonymous,
                errors,
                ..review_form(&booking)
            };
            render_booking_page(
                &state,
                &booking,
                None,
                Some(posted),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct ClaimPost {
    #[serde(default)]
    reason: String,
}

/// `POST /bookings/{id}/claim`: the customer claims the money-back guarantee.
pub async fn submit_claim(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
    Form(form): Form<ClaimPost>,
) -> Result<Response, AppError> {
    match claims::claim(&state.services, &public_id, &form.reason).await? {
        ClaimOutcome::NotFound => Err(AppError::NotFound),
        ClaimOutcome::Claimed => Ok(Redirect::to(&format!(
            "{}#guarantee-claim",
            paths::with_outcome(&paths::booking_page(&public_id), "done", "claimed")
        ))
        .into_response()),
        ClaimOutcome::NotAllowed => {
            Ok(Redirect::to(&paths::booking_page(&public_id)).into_response())
        }
        ClaimOutcome::Invalid(message) => {
            let booking = found(&state, &public_id).await?;
            render_booking_page_with(
                &state,
                &booking,
                None,
                None,
                Some((Some(message), form.reason)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
