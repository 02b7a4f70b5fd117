//! The booking flow: the booking page with the cal.com embed, creating our booking from a
//! verified cal.com booking, the details form (with the resume upload) that leads to Stripe
//! Checkout, and the thank-you page.

use axum::{
    Form, Json,
    extract::{Multipart, Path, State, multipart::MultipartError},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::cards::{CardView, price};
use crate::{
    booking::{
        lifecycle::{self, PaidOutcome},
        new_public_id,
    },
    db::{
        bookings::{self, BookingTarget, BookingView, NewBooking, ResumeUpload},
        catalogue::CardRow,
    },
    domain::{
        BookingStatus, Slug, TagKind,
        booking_details::{
            self, DetailsInput, FieldErrors, MAX_LONG_TEXT, MAX_NAME, MAX_TARGET_COMPANIES,
        },
        when,
    },
    error::AppError,
    integrations::{
        CallError, signatures,
        stripe::{CheckoutSession, NewCheckoutSession},
    },
    web::{
        AppState,
        page::{Htmx, Page, PageMeta},
    },
};

/// Stripe Checkout accepts expiries from 30 minutes; we take the minimum so an abandoned
/// payment frees the slot as soon as possible.
const CHECKOUT_MINUTES: i64 = 31;
/// Uploads may be 10 MB; the body also carries the text fields and multipart framing.
pub const DETAILS_BODY_LIMIT: usize = 12 * 1024 * 1024;

fn card_for(target: &BookingTarget) -> CardView {
    CardView::from(CardRow {
        slug: target.slug.clone(),
        name: target.name.clone(),
        headline: target.headline.clone(),
        photo_url: target.photo_url.clone(),
        rate_minor: target.rate_minor,
        currency: target.currency.clone(),
        tags: target.tags.clone(),
        recent_roles: Vec::new(),
    })
}

#[derive(Serialize)]
struct CalEmbed {
    link: String,
    origin: String,
}

#[derive(Serialize)]
struct BookPageContent {
    interviewer: CardView,
    booking_open: bool,
    closed_message: Option<String>,
    cal: Option<CalEmbed>,
    create_url: String,
    refund_window_hours: u32,
}

/// `GET /interviewers/{slug}/book`
pub async fn show_booking_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let slug = Slug::parse(&slug).ok_or(AppError::NotFound)?;
    let target = bookings::booking_target(&state.pool, slug.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let closed_message = if target.cal_link.is_none() || target.cal_event_type_id.is_none() {
        Some(format!(
            "{} has not opened their calendar for online booking yet.",
            target.name
        ))
    } else if crate::booking::cal_key_for(&state.pool, &state.config, target.interviewer_id)
        .await?
        .is_none()
    {
        Some("Online booking is not switched on for this site yet: the calendar connection (cal.com API key) is not configured.".to_owned())
    } else if !state.stripe.is_configured() {
        Some("Online booking is not switched on for this site yet: payments (Stripe) are not configured.".to_owned())
    } else {
        None
    };
    let cal = match (&closed_message, &target.cal_link) {
        (None, Some(link)) => Some(CalEmbed {
            link: link.clone(),
            origin: state.config.calcom.embed_origin.clone(),
        }),
        _ => None,
    };
    let path = format!("/interviewers/{}/book", target.slug);
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

/// Why a cal.com booking uid cannot become one of our bookings.
struct CreateError {
    status: StatusCode,
    message: String,
}

impl CreateError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

/// `POST /interviewers/{slug}/book` with the cal.com booking `uid` (from the embed's
/// `bookingSuccessfulV2` event). Everything else about the booking is read from cal.com.
/// Scripts asking for JSON get `{"next": url}` or `{"error": message}`; forms get a redirect.
pub async fn create_booking(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CreateBookingForm>,
) -> Result<Response, AppError> {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    let slug = Slug::parse(&slug).ok_or(AppError::NotFound)?;
    let target = bookings::booking_target(&state.pool, slug.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    match verify_and_create(&state, &target, form.uid.trim()).await? {
        Ok(public_id) => {
            let next = format!("/bookings/{public_id}/details");
            Ok(if wants_json {
                Json(serde_json::json!({ "next": next })).into_response()
            } else {
                Redirect::to(&next).into_response()
            })
        }
        Err(err) => {
            tracing::info!(status = err.status.as_u16(), reason = %err.message, "booking not created");
            Ok(if wants_json {
                (
                    err.status,
                    Json(serde_json::json!({ "error": err.message })),
                )
                    .into_response()
            } else {
                (err.status, err.message).into_response()
            })
        }
    }
}

async fn verify_and_create(
    state: &AppState,
    target: &BookingTarget,
    uid: &str,
) -> Result<Result<String, CreateError>, AppError> {
    let valid_uid = !uid.is_empty()
        && uid.len() <= 100
        && uid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid_uid {
        return Ok(Err(CreateError::new(
            StatusCode::BAD_REQUEST,
            "That booking reference is not valid.",
        )));
    }
    // The same uid posted twice (a double event, a retry) is the same booking.
    if let Some((public_id, interviewer_id)) =
        bookings::public_id_for_cal_uid(&state.pool, uid).await?
    {
        return Ok(if interviewer_id == target.interviewer_id {
            Ok(public_id)
        } else {
            Err(CreateError::new(
                StatusCode::CONFLICT,
                "That booking belongs to another interviewer.",
            ))
        });
    }
    let key =
        crate::booking::cal_key_for(&state.pool, &state.config, target.interviewer_id).await?;
    let (Some(event_type_id), Some(key)) = (target.cal_event_type_id, key.as_ref()) else {
        return Ok(Err(CreateError::new(
            StatusCode::CONFLICT,
            "Online booking is not open for this interviewer.",
        )));
    };
    let cal_booking = match state.calcom.get_booking(uid, key).await {
        Ok(Some(booking)) => booking,
        Ok(None) => {
            return Ok(Err(CreateError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The calendar does not know this booking. Please pick a time again.",
            )));
        }
        Err(err) => {
            tracing::warn!(error = %err, "cal.com booking lookup failed");
            return Ok(Err(CreateError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "We could not reach the calendar to check your slot. It stays held for you; please try again in a moment.",
            )));
        }
    };
    if cal_booking.event_type_id != Some(event_type_id) {
        return Ok(Err(CreateError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That booking is not for this interviewer.",
        )));
    }
    if !matches!(cal_booking.status.as_str(), "pending" | "accepted") {
        return Ok(Err(CreateError::new(
            StatusCode::CONFLICT,
            "This booking is no longer active in the calendar. Please pick a time again.",
        )));
    }
    if cal_booking.start <= OffsetDateTime::now_utc() {
        return Ok(Err(CreateError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That time has already passed. Please pick another.",
        )));
    }
    let public_id = new_public_id();
    let (public_id, _) = bookings::insert_or_find(
        &state.pool,
        &NewBooking {
            public_id: &public_id,
            interviewer_id: target.interviewer_id,
            cal_booking_uid: &cal_booking.uid,
            starts_at: cal_booking.start,
            ends_at: cal_booking.end,
            host_email: cal_booking.host_email.as_deref(),
            customer_time_zone: cal_booking.attendee_time_zone.as_deref(),
            customer_name: cal_booking.attendee_name.as_deref(),
            customer_email: cal_booking.attendee_email.as_deref(),
            price_minor: target.rate_minor,
            currency: &target.currency,
            hold_minutes: state.config.booking.hold_minutes as i32,
        },
    )
    .await?;
    Ok(Ok(public_id))
}

/// The booking as the details and thank-you pages show it.
#[derive(Serialize)]
struct BookingSummary {
    public_id: String,
    status: &'static str,
    starts_at: String,
    ends_at: String,
    when_utc: String,
    price: String,
    currency: String,
    hold_expires_at: String,
    customer_email: Option<String>,
    resume_filename: Option<String>,
    interviewer: CardView,
    details_url: String,
    thanks_url: String,
}

fn summary(booking: &BookingView) -> BookingSummary {
    let (price_text, currency) = price(booking.price_minor.into(), &booking.currency);
    BookingSummary {
        public_id: booking.public_id.clone(),
        status: booking.status.as_db(),
        starts_at: when::rfc3339(booking.starts_at),
        ends_at: when::rfc3339(booking.ends_at),
        when_utc: when::format_in_zone(booking.starts_at, None),
        price: price_text,
        currency,
        hold_expires_at: when::rfc3339(booking.hold_expires_at),
        customer_email: booking.customer_email.clone(),
        resume_filename: booking.resume_filename.clone(),
        interviewer: CardView::from(CardRow {
            slug: booking.interviewer_slug.clone(),
            name: booking.interviewer_name.clone(),
            headline: booking.interviewer_headline.clone(),
            photo_url: booking.interviewer_photo_url.clone(),
            rate_minor: booking.price_minor,
            currency: booking.currency.clone(),
            tags: booking.interviewer_tags.clone(),
            recent_roles: Vec::new(),
        }),
        details_url: format!("/bookings/{}/details", booking.public_id),
        thanks_url: format!("/bookings/{}/thanks", booking.public_id),
    }
}

#[derive(Serialize)]
struct Limits {
    name: usize,
    long_text: usize,
    target_companies: usize,
    resume_mb: usize,
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
    general_error: Option<String>,
    options: DetailsOptions,
    limits: Limits,
    refund_window_hours: u32,
}

fn tag_names(booking: &BookingView, kind: TagKind) -> Vec<String> {
    booking
        .interviewer_tags
        .iter()
        .filter(|t| TagKind::from_db(&t.kind) == Some(kind))
        .map(|t| t.name.clone())
        .collect()
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

fn render_details(
    state: &AppState,
    booking: &BookingView,
    values: DetailsInput,
    errors: FieldErrors,
    general_error: Option<String>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let path = format!("/bookings/{}/details", booking.public_id);
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
            resume_mb: booking_details::MAX_RESUME_BYTES / (1024 * 1024),
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
    Path(public_id): Path<String>,
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

struct UploadedFile {
    filename: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// Reads the multipart form. The resume field is read last and at most 10 MB + 1 byte of it is
/// kept, so an oversized file is reported without buffering all of it.
async fn read_details_form(
    mut multipart: Multipart,
) -> (DetailsInput, Option<UploadedFile>, Option<String>) {
    let mut input = DetailsInput::default();
    let mut file = None;
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
                file = Some(UploadedFile {
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
    (input, file, upload_error)
}

fn multipart_message(err: &MultipartError) -> String {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        "The upload is larger than 10 MB. Please choose a smaller PDF.".to_owned()
    } else {
        "The upload was interrupted. Please choose the file and try again.".to_owned()
    }
}

/// `POST /bookings/{id}/details`: validate, store the resume, open Stripe Checkout.
pub async fn submit_details(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
    htmx: Htmx,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let (input, file, upload_error) = read_details_form(multipart).await;
    let booking = bookings::view_by_public_id(&state.pool, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !booking.status.is_unpaid_hold() {
        return render_details(
            &state,
            &booking,
            values_from(&booking),
            FieldErrors::new(),
            None,
            htmx,
        );
    }

    let technologies = tag_names(&booking, TagKind::Technology);
    let subjects = tag_names(&booking, TagKind::Subject);
    let validated = booking_details::validate(&input, &technologies, &subjects);
    let mut errors = validated.as_ref().err().cloned().unwrap_or_default();
    match (&file, &upload_error) {
        (_, Some(message)) => {
            errors.insert("resume", message.clone());
        }
        (Some(file), None) => {
            if let Err(message) =
                booking_details::check_resume(&file.bytes, file.content_type.as_deref())
            {
                errors.insert("resume", message);
            }
        }
        (None, None) if booking.resume_key.is_none() => {
            errors.insert(
                "resume",
                "Please attach your resume as a PDF, so your interviewer can prepare.".to_owned(),
            );
        }
        (None, None) => {}
    }
    let details = match validated {
        Ok(details) if errors.is_empty() => details,
        _ => return render_details(&state, &booking, input, errors, None, htmx),
    };

    // Store the resume before touching the booking: a storage failure changes nothing.
    let stored = match file {
        Some(file) => {
            let key = format!("resumes/{}/{}.pdf", booking.public_id, new_public_id());
            if let Err(err) = state.storage.put(&key, file.bytes.clone()).await {
                tracing::error!(error = ?err, "resume upload failed");
                let message = "We could not store your resume just now. Nothing was charged; please try again.";
                return render_details(
                    &state,
                    &booking,
                    input,
                    FieldErrors::new(),
                    Some(message.to_owned()),
                    htmx,
                );
            }
            Some((key, clean_filename(&file.filename), file.bytes.len()))
        }
        None => None,
    };
    let resume = stored.as_ref().map(|(key, filename, bytes)| ResumeUpload {
        key,
        filename,
        bytes: *bytes as i32,
    });

    let mut tx = state.pool.begin().await?;
    bookings::lock(&mut tx, booking.booking_id).await?;
    let booking = bookings::view_by_id(&mut tx, booking.booking_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !booking.status.is_unpaid_hold() {
        tx.commit().await?;
        return render_details(
            &state,
            &booking,
            values_from(&booking),
            FieldErrors::new(),
            None,
            htmx,
        );
    }
    bookings::save_details(&mut tx, booking.booking_id, &details, resume.as_ref()).await?;

    let new_session = NewCheckoutSession {
        booking_public_id: booking.public_id.clone(),
        amount_minor: booking.price_minor.into(),
        currency: booking.currency.clone(),
        product_name: format!(
            "Practice interview with {} on {}",
            booking.interviewer_name,
            when::format_in_zone(booking.starts_at, booking.customer_time_zone.as_deref())
        ),
        product_description:
            "A 1-hour technical practice interview, then a 30-minute feedback session.".to_owned(),
        customer_email: details.email.to_string(),
        success_url: format!(
            "{}/bookings/{}/thanks?session_id={{CHECKOUT_SESSION_ID}}",
            state.config.public_base_url, booking.public_id
        ),
        cancel_url: format!(
            "{}/bookings/{}/details",
            state.config.public_base_url, booking.public_id
        ),
        expires_at: (OffsetDateTime::now_utc() + Duration::minutes(CHECKOUT_MINUTES))
            .unix_timestamp(),
        submit_message: format!(
            "100% money-back guarantee: if the interview and feedback were not valuable to you, reply to your \
             confirmation email within 14 days and we refund you in full. Cancel at least {} hours before the \
             start for a full refund.",
            state.config.booking.refund_window_hours
        ),
        idempotency_key: String::new(),
    };
    // What the session is made of, less what changes every time (expiry, key).
    let fingerprint = signatures::sha256_hex(
        format!(
            "{}|{}|{}|{}|{}",
            new_session.amount_minor,
            new_session.currency,
            new_session.customer_email,
            new_session.product_name,
            booking.cal_booking_uid
        )
        .as_bytes(),
    );

    // An identical resubmission while the session is open reuses it.
    if let (Some(url), Some(previous)) = (&booking.checkout_url, &booking.checkout_fingerprint)
        && booking.status == BookingStatus::AwaitingPayment
        && previous == &fingerprint
    {
        let url = url.clone();
        tx.commit().await?;
        return Ok(redirect_to_checkout(&url, htmx));
    }
    // Otherwise close the previous session first, so one booking never has two payable ones.
    if let Some(previous) = booking.checkout_session_id.as_deref() {
        match close_previous_session(&state, previous).await {
            Ok(None) => {}
            Ok(Some(paid)) => {
                tx.commit().await?;
                lifecycle::mark_paid(
                    &state.services(),
                    booking.booking_id,
                    &paid.id,
                    paid.payment_intent.as_deref(),
                )
                .await?;
                state.wake_worker.notify_one();
                return Ok(
                    Redirect::to(&format!("/bookings/{}/thanks", booking.public_id))
                        .into_response(),
                );
            }
            Err(_) => {
                tx.commit().await?;
                return payment_unavailable(&state, &booking.public_id, input, htmx).await;
            }
        }
    }

    let attempt = bookings::next_checkout_attempt(&mut tx, booking.booking_id).await?;
    let new_session = NewCheckoutSession {
        idempotency_key: format!(
            "checkout:{}:{attempt}:{}",
            booking.public_id,
            &fingerprint[..16]
        ),
        ..new_session
    };
    match state.stripe.create_checkout_session(&new_session).await {
        Ok(session) => {
            let Some(url) = session.url.clone() else {
                tx.commit().await?;
                tracing::error!("Stripe returned a Checkout Session without a URL");
                return payment_unavailable(&state, &booking.public_id, input, htmx).await;
            };
            let expires_at = OffsetDateTime::from_unix_timestamp(new_session.expires_at)
                .unwrap_or_else(|_| OffsetDateTime::now_utc());
            bookings::record_checkout(
                &mut tx,
                booking.booking_id,
                &session.id,
                Some(&url),
                &fingerprint,
                expires_at,
            )
            .await?;
            lifecycle::begin_payment(&mut tx, booking.booking_id).await?;
            tx.commit().await?;
            Ok(redirect_to_checkout(&url, htmx))
        }
        Err(err) => {
            // The details and the resume are kept; the next press of Pay is a new attempt.
            tx.commit().await?;
            tracing::warn!(error = %err, "creating the Checkout Session failed");
            payment_unavailable(&state, &booking.public_id, input, htmx).await
        }
    }
}

/// Expires the previous session. `Ok(Some(session))` if it turns out to be paid already.
async fn close_previous_session(
    state: &AppState,
    session_id: &str,
) -> Result<Option<CheckoutSession>, CallError> {
    match state.stripe.expire_checkout_session(session_id).await {
        Ok(_) => Ok(None),
        // Not open any more: completed (paid?) or already expired. Ask.
        Err(CallError::Rejected { .. }) => {
            let session = state.stripe.retrieve_checkout_session(session_id).await?;
            Ok(session.is_paid().then_some(session))
        }
        Err(err) => Err(err),
    }
}

async fn payment_unavailable(
    state: &AppState,
    public_id: &str,
    input: DetailsInput,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let booking = bookings::view_by_public_id(&state.pool, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = "We could not reach our payment provider. Nothing was charged and your details are saved; please press the button again in a moment.";
    render_details(
        state,
        &booking,
        input,
        FieldErrors::new(),
        Some(message.to_owned()),
        htmx,
    )
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

/// Keeps a display name for the file: the last path segment, printable, at most 120 chars.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() {
        "resume.pdf".to_owned()
    } else {
        cleaned
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

/// `GET /bookings/{id}/thanks`: honest about what we know. Before the webhook arrives it asks
/// Stripe about the session; paid there means "received, confirming" (and the booking is
/// fulfilled right away, idempotently), otherwise "processing".
pub async fn show_thanks(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let mut booking = bookings::view_by_public_id(&state.pool, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if booking.status == BookingStatus::Held {
        return Ok(Redirect::to(&format!("/bookings/{public_id}/details")).into_response());
    }
    let mut payment = match booking.status {
        BookingStatus::Paid => "confirmed",
        BookingStatus::Refunded => "refunded",
        BookingStatus::Cancelled => "cancelled",
        BookingStatus::Expired => "expired",
        BookingStatus::Held | BookingStatus::AwaitingPayment => "processing",
    };
    if booking.status == BookingStatus::AwaitingPayment
        && let Some(session_id) = booking.checkout_session_id.clone()
    {
        match state.stripe.retrieve_checkout_session(&session_id).await {
            Ok(session) if session.is_paid() => {
                let outcome = lifecycle::mark_paid(
                    &state.services(),
                    booking.booking_id,
                    &session.id,
                    session.payment_intent.as_deref(),
                )
                .await?;
                state.wake_worker.notify_one();
                payment = if outcome == PaidOutcome::NowPaid {
                    "confirmed"
                } else {
                    "received"
                };
                if let Some(updated) = bookings::view_by_public_id(&state.pool, &public_id).await? {
                    booking = updated;
                }
            }
            Ok(session)
                if session.status.as_deref() == Some("open")
                    && session.payment_status.as_deref() == Some("unpaid") =>
            {
                // Back from Checkout without paying (or a delayed method still running).
                payment = "unpaid";
            }
            Ok(_) | Err(_) => {}
        }
    }
    let path = format!("/bookings/{public_id}/thanks");
    let mut meta = PageMeta::new(
        &state,
        &path,
        format!(
            "Your practice interview with {} · 508.dev",
            booking.interviewer_name
        ),
        "The status of your practice interview booking.",
    );
    meta.robots = Some("noindex");
    let content = ThanksContent {
        booking: summary(&booking),
        pending: matches!(payment, "processing" | "received"),
        payment,
        refund_window_hours: state.config.booking.refund_window_hours,
    };
    let page = Page::new(meta, content);
    let block = htmx.0.then_some("status");
    Ok(state
        .render("public/booking/thanks.html", block, &page)?
        .into_response())
}
