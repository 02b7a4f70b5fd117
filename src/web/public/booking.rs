//! The booking flow's pages: the booking page with the cal.com embed, our booking made from
//! the embed's cal.com uid, the details form (with the resume upload) that leads to Stripe
//! Checkout, and the thank-you page. The use cases are in `crate::app::booking`.

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, Multipart, State, multipart::MultipartError},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::cards::{CardView, price};
use crate::{
    app::booking::{
        self as use_case, Availability, CreateOutcome, DetailsOutcome, DetailsSubmission,
        PaymentState, Refusal, RetryReason, ThanksOutcome, UploadedResume, tag_names,
    },
    db::{
        bookings::{self, BookingTarget, BookingView},
        catalogue::CardRow,
    },
    domain::{
        BookingStatus, TagKind,
        booking_details::{
            self, DetailsInput, FieldErrors, MAX_LONG_TEXT, MAX_NAME, MAX_TARGET_COMPANIES,
        },
        email,
        forms::Limit,
        when,
    },
    paths,
    web::{
        AppState,
        error::AppError,
        forms::Form,
        page::{Htmx, Page, PageMeta, PathId},
    },
};

/// Uploads may be 10 MB; the body also carries the text fields and multipart framing.
pub const DETAILS_BODY_LIMIT: usize = 12 * 1024 * 1024;

fn card_for(target: &BookingTarget) -> CardView {
    CardView::from(CardRow {
        slug: target.slug.clone(),
        name: target.name.clone(),
        headline: target.headline.clone(),
        photo_url: target.photo_url.clone(),
        rate_minor: target.rate.minor as i32,
        currency: target.rate.currency,
        tags: target.tags.clone(),
        recent_roles: Vec::new(),
        review_count: 0,
        review_sum: 0,
    })
}

#[derive(Serialize)]
pub(super) struct CalEmbed {
    pub(super) link: String,
    pub(super) origin: String,
}

#[derive(Serialize)]
struct BookPageContent {
    interviewer: CardView,
    booking_open: bool,
    closed_message: Option<String>,
    cal: Option<CalEmbed>,
    create_url: String,
    refund_window_hours: u32,
    reschedule_notice_hours: u32,
}

/// `GET /interviewers/{slug}/book`
pub async fn show_booking_page(
    State(state): State<AppState>,
    PathId(slug): PathId<crate::domain::Slug>,
) -> Result<Response, AppError> {
    let target = bookings::booking_target(&state.pool, slug.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let availability = use_case::booking_availability(&state.services, &target).await?;
    let (cal, closed_message) = match availability {
        Availability::Open { cal_link } => (
            Some(CalEmbed {
                link: cal_link,
                origin: state.config.calcom.embed_origin.clone(),
            }),
            None,
        ),
        Availability::NoCalendar => (
            None,
            Some(format!(
                "{} has not opened their calendar for online booking yet.",
                target.name
            )),
        ),
        Availability::NoCalendarKey => (None, Some("Online booking is not switched on for this site yet: the calendar connection (cal.com API key) is not configured.".to_owned())),
        Availability::NoPayments => (None, Some("Online booking is not switched on for this site yet: payments (Stripe) are not configured.".to_owned())),
    };
    let path = paths::book(&target.slug);
    let mut meta = PageMeta::new(
        &state,
        &path,
        format!("Book a practice interview with {} · 508.dev", target.name),
        format!(
            "Pick a time for a 1-hour practice interview with {} and 30 minutes of feedback. 100% money-back guarantee.",
            target.name
        ),
    );
    meta.robots = Some("noindex");
    let content = BookPageContent {
        interviewer: card_for(&target),
        booking_open: closed_message.is_none(),
        closed_message,
        cal,
        create_url: path,
        refund_window_hours: state.config.booking.refund_window_hours,
        reschedule_notice_hours: state.config.booking.reschedule_notice_hours,
    };
    Ok(state
        .render(
            "public/booking/book.html",
            None,
            &Page::new(meta, content).nav("interviewers"),
        )?
        .into_response())
}

#[derive(Deserialize)]
pub struct CreateBookingForm {
    uid: String,
}

fn refusal_answer(refusal: Refusal) -> (StatusCode, String) {
    let (status, message) = match refusal {
        Refusal::TooManyAttempts {
            retry_after_minutes: minutes,
        } => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "We have checked many bookings from your connection in a short time. Please wait {minutes} minute{} and try again, or write to hello@508.dev.",
                    if minutes > 1 { "s" } else { "" }
                ),
            );
        }
        Refusal::InvalidReference => (
            StatusCode::BAD_REQUEST,
            "That booking reference is not valid.",
        ),
        Refusal::BelongsToAnotherInterviewer => (
            StatusCode::CONFLICT,
            "That booking belongs to another interviewer.",
        ),
        Refusal::BookingClosed => (
            StatusCode::CONFLICT,
            "Online booking is not open for this interviewer.",
        ),
        Refusal::UnknownToCalendar => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "The calendar does not know this booking. Please pick a time again.",
        ),
        Refusal::CalendarUnreachable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "We could not reach the calendar to check your slot. It stays held for you; please try again in a moment.",
        ),
        Refusal::WrongEventType => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "That booking is not for this interviewer.",
        ),
        Refusal::NoLongerActive => (
            StatusCode::CONFLICT,
            "This booking is no longer active in the calendar. Please pick a time again.",
        ),
        Refusal::InThePast => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "That time has already passed. Please pick another.",
        ),
    };
    (status, message.to_owned())
}

/// `POST /interviewers/{slug}/book` with the cal.com booking `uid` (from the embed's
/// `bookingSuccessfulV2` event). Scripts asking for JSON get `{"next": url}` or
/// `{"error": message}`; forms get a redirect or the message.
pub async fn create_booking(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PathId(slug): PathId<crate::domain::Slug>,
    headers: HeaderMap,
    Form(form): Form<CreateBookingForm>,
) -> Result<Response, AppError> {
    let client = crate::web::security::client_ip(&state, &headers, Some(peer));
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    let target = bookings::booking_target(&state.pool, slug.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let outcome =
        use_case::create_booking_from_calcom(&state.services, &target, form.uid.trim(), &client)
            .await?;
    Ok(match outcome {
        CreateOutcome::Ready { public_id } => {
            let next = paths::booking_details(&public_id);
            if wants_json {
                Json(serde_json::json!({ "next": next })).into_response()
            } else {
                Redirect::to(&next).into_response()
            }
        }
        CreateOutcome::Refused(refusal) => {
            let (status, message) = refusal_answer(refusal);
            tracing::info!(
                status = status.as_u16(),
                reason = message,
                "booking not created"
            );
            if wants_json {
                (status, Json(serde_json::json!({ "error": message }))).into_response()
            } else {
                (status, message).into_response()
            }
        }
    })
}

/// The booking as the details and thank-you pages show it.
#[derive(Serialize)]
pub(super) struct BookingSummary {
    public_id: String,
    status: &'static str,
    starts_at: String,
    ends_at: String,
    when_utc: String,
    price: String,
    currency: String,
    /// Paid with a promotion code that covered the whole price.
    free: bool,
    hold_expires_at: String,
    /// The hold's end as a time of day in UTC (the text before ts/local-time.ts localises it).
    hold_expires_utc: String,
    /// Masked ("a•••@example.com"): whoever holds the link sees the page.
    customer_email: Option<String>,
    resume_filename: Option<String>,
    interviewer: CardView,
    details_url: String,
    thanks_url: String,
    /// The customer's own page for the booking.
    page_url: String,
}

pub(super) fn summary(booking: &BookingView) -> BookingSummary {
    // Once paid, what was paid (a promotion code may have lowered it).
    let (price_text, currency) = price(booking.amount_paid());
    BookingSummary {
        public_id: booking.public_id.clone(),
        status: booking.status.as_db(),
        starts_at: when::rfc3339(booking.starts_at),
        ends_at: when::rfc3339(booking.ends_at),
        when_utc: when::format_in_zone(booking.starts_at, None),
        price: price_text,
        currency,
        free: booking.is_free(),
        hold_expires_at: when::rfc3339(booking.hold_expires_at),
        hold_expires_utc: when::format_time_in_zone(booking.hold_expires_at, None),
        customer_email: booking.customer_email.as_deref().map(email::masked),
        resume_filename: booking.resume_filename.clone(),
        interviewer: CardView::from(CardRow {
            slug: booking.interviewer_slug.clone(),
            name: booking.interviewer_name.clone(),
            headline: booking.interviewer_headline.clone(),
            photo_url: booking.interviewer_photo_url.clone(),
            rate_minor: booking.price.minor as i32,
            currency: booking.price.currency,
            tags: booking.interviewer_tags.clone(),
            recent_roles: Vec::new(),
            review_count: 0,
            review_sum: 0,
        }),
        details_url: paths::booking_details(&booking.public_id),
        thanks_url: paths::booking_thanks(&booking.public_id),
        page_url: paths::booking_page(&booking.public_id),
    }
}

#[derive(Serialize)]
struct Limits {
    name: Limit,
    long_text: Limit,
    target_companies: Limit,
    resume_mb: usize,
    resume_bytes: usize,
    /// The browser's check shows these words too (`data-too-large`), so both say the same.
    resume_too_large: String,
}

#[derive(Serialize)]
struct DetailsOptions {
    technologies: Vec<String>,
    subjects: Vec<String>,
}

#[derive(Serialize)]
struct DetailsContent {
    booking: BookingSummary,
    /// `open` (the form), `paid`, `expired`, `cancelled`.
    state: &'static str,
    values: DetailsInput,
    errors: FieldErrors,
    general_error: Option<&'static str>,
    options: DetailsOptions,
    limits: Limits,
    refund_window_hours: u32,
}

fn page_state(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Held | BookingStatus::AwaitingPayment => "open",
        BookingStatus::Paid | BookingStatus::Refunded => "paid",
        BookingStatus::Expired => "expired",
        BookingStatus::Cancelled => "cancelled",
    }
}

fn values_from(booking: &BookingView) -> DetailsInput {
    DetailsInput {
        name: booking.customer_name.clone().unwrap_or_default(),
        email: booking.customer_email.clone().unwrap_or_default(),
        background: booking.background.clone().unwrap_or_default(),
        interview_focus: booking.interview_focus.clone().unwrap_or_default(),
        technologies: booking.chosen_technologies.clone(),
        subject: booking.chosen_subject.clone().unwrap_or_default(),
        target_companies: booking.target_companies.clone().unwrap_or_default(),
        extra_information: booking.extra_information.clone().unwrap_or_default(),
    }
}

fn retry_message(reason: RetryReason) -> &'static str {
    match reason {
        RetryReason::ResumeNotStored => {
            "We could not store your resume just now. Nothing was charged; please try again."
        }
        RetryReason::PaymentProviderUnavailable => {
            "We could not reach our payment provider. Nothing was charged and your details are saved; please press the button again in a moment."
        }
        RetryReason::StillOpeningCheckout => {
            "Your payment page is still being prepared (the form was sent more than once). Nothing was charged and your details are saved; please press the button again in a moment."
        }
    }
}

fn render_details(
    state: &AppState,
    booking: &BookingView,
    values: DetailsInput,
    errors: FieldErrors,
    general_error: Option<&'static str>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let path = paths::booking_details(&booking.public_id);
    let mut meta = PageMeta::new(
        state,
        &path,
        format!(
            "Your details for {} · 508.dev Interviews",
            booking.interviewer_name
        ),
        "Tell your interviewer what you are preparing for, then pay to confirm your practice interview.",
    );
    meta.robots = Some("noindex");
    let has_errors = !errors.is_empty() || general_error.is_some();
    let content = DetailsContent {
        booking: summary(booking),
        state: page_state(booking.status),
        options: DetailsOptions {
            technologies: tag_names(booking, TagKind::Technology),
            subjects: tag_names(booking, TagKind::Subject),
        },
        values,
        errors,
        general_error,
        limits: Limits {
            name: MAX_NAME,
            long_text: MAX_LONG_TEXT,
            target_companies: MAX_TARGET_COMPANIES,
            resume_mb: booking_details::MAX_RESUME_MB,
            resume_bytes: booking_details::MAX_RESUME_BYTES,
            resume_too_large: booking_details::resume_too_large(),
        },
        refund_window_hours: state.config.booking.refund_window_hours,
    };
    let page = Page::new(meta, content);
    // HTMX swaps the form in place (and only swaps 2xx answers); plain forms get 422.
    let block = htmx.0.then_some("form");
    let status = if has_errors && !htmx.0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        state.render("public/booking/details.html", block, &page)?,
    )
        .into_response())
}

/// `GET /bookings/{id}/details`
pub async fn show_details(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
) -> Result<Response, AppError> {
    let booking = bookings::view_by_public_id(&state.pool, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let values = values_from(&booking);
    render_details(
        &state,
        &booking,
        values,
        FieldErrors::new(),
        None,
        Htmx(false),
    )
}

/// Reads the multipart form. The resume field is read last and at most 10 MB + 1 byte of it
/// is kept, so an oversized file is reported without buffering all of it.
async fn read_details_form(mut multipart: Multipart) -> DetailsSubmission {
    let mut input = DetailsInput::default();
    let mut resume = None;
    let mut upload_error = None;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                upload_error = Some(multipart_message(&err));
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "resume" {
            let filename = field.file_name().unwrap_or("").to_owned();
            let content_type = field.content_type().map(str::to_owned);
            let mut bytes = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() > booking_details::MAX_RESUME_BYTES {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(err) => {
                        upload_error = Some(multipart_message(&err));
                        break;
                    }
                }
            }
            // A file input left empty sends a part with no name and no bytes.
            if !(filename.is_empty() && bytes.is_empty()) {
                resume = Some(UploadedResume {
                    filename,
                    content_type,
                    bytes,
                });
            }
            continue;
        }
        let text = match field.text().await {
            Ok(text) => text,
            Err(err) => {
                upload_error = Some(multipart_message(&err));
                break;
            }
        };
        match name.as_str() {
            "name" => input.name = text,
            "email" => input.email = text,
            "background" => input.background = text,
            "interview_focus" => input.interview_focus = text,
            "technologies" => input.technologies.push(text),
            "subject" => input.subject = text,
            "target_companies" => input.target_companies = text,
            "extra_information" => input.extra_information = text,
            _ => {}
        }
    }
    DetailsSubmission {
        input,
        resume,
        upload_error,
    }
}

fn multipart_message(err: &MultipartError) -> String {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        booking_details::resume_too_large()
    } else {
        "The upload was interrupted. Please choose the file and try again.".to_owned()
    }
}

/// `POST /bookings/{id}/details`: validate, store the resume, open Stripe Checkout.
pub async fn submit_details(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
    htmx: Htmx,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let submission = read_details_form(multipart).await;
    let input = submission.input.clone();
    match use_case::submit_details(&state.services, &public_id, submission).await? {
        DetailsOutcome::NotFound => Err(AppError::NotFound),
        DetailsOutcome::Pay { url } => Ok(redirect_to_checkout(&url, htmx)),
        DetailsOutcome::AlreadyPaid { public_id } => {
            Ok(Redirect::to(&paths::booking_thanks(&public_id)).into_response())
        }
        DetailsOutcome::Closed(booking) => {
            let values = values_from(&booking);
            render_details(&state, &booking, values, FieldErrors::new(), None, htmx)
        }
        DetailsOutcome::Invalid { booking, errors } => {
            render_details(&state, &booking, input, errors, None, htmx)
        }
        DetailsOutcome::Retry { booking, reason } => render_details(
            &state,
            &booking,
            input,
            FieldErrors::new(),
            Some(retry_message(reason)),
            htmx,
        ),
    }
}

fn redirect_to_checkout(url: &str, htmx: Htmx) -> Response {
    if htmx.0 {
        // htmx follows this with a full-page navigation (Stripe's page is another origin).
        let mut response = StatusCode::OK.into_response();
        if let Ok(value) = HeaderValue::from_str(url) {
            response.headers_mut().insert("hx-redirect", value);
        }
        response
    } else {
        Redirect::to(url).into_response()
    }
}

#[derive(Serialize)]
struct ThanksContent {
    booking: BookingSummary,
    /// `confirmed`, `received` (Stripe says paid, our records are catching up), `processing`,
    /// `unpaid`, `expired`, `cancelled`, `refunded`.
    payment: &'static str,
    /// Whether the page should keep checking (the status block polls itself).
    pending: bool,
    refund_window_hours: u32,
}

fn payment_word(payment: PaymentState) -> &'static str {
    match payment {
        PaymentState::Confirmed => "confirmed",
        PaymentState::Received => "received",
        PaymentState::Processing => "processing",
        PaymentState::Unpaid => "unpaid",
        PaymentState::Expired => "expired",
        PaymentState::Cancelled => "cancelled",
        PaymentState::Refunded => "refunded",
    }
}

/// `GET /bookings/{id}/thanks`: honest about what we know (see
/// `app::booking::confirm_payment_seen_on_thanks_page`).
pub async fn show_thanks(
    State(state): State<AppState>,
    PathId(public_id): PathId<String>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let (booking, payment) =
        match use_case::confirm_payment_seen_on_thanks_page(&state.services, &public_id).await? {
            ThanksOutcome::NotFound => return Err(AppError::NotFound),
            ThanksOutcome::NeedsDetails => {
                return Ok(Redirect::to(&paths::booking_details(&public_id)).into_response());
            }
            ThanksOutcome::Show { booking, payment } => (booking, payment),
        };
    let mut meta = PageMeta::new(
        &state,
        &paths::booking_thanks(&public_id),
        format!(
            "Your practice interview with {} · 508.dev",
            booking.interviewer_name
        ),
        "The status of your practice interview booking.",
    );
    meta.robots = Some("noindex");
    let content = ThanksContent {
        booking: summary(&booking),
        pending: matches!(payment, PaymentState::Processing | PaymentState::Received),
        payment: payment_word(payment),
        refund_window_hours: state.config.booking.refund_window_hours,
    };
    let page = Page::new(meta, content);
    let block = htmx.0.then_some("status");
    Ok(state
        .render("public/booking/thanks.html", block, &page)?
        .into_response())
}
