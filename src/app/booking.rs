//! The customer's way through a booking: whether an interviewer can be booked online, our
//! booking made from a verified cal.com booking, the details form leading to Stripe Checkout,
//! and the thank-you page's look at Stripe.

use std::time::Duration as StdDuration;

use time::{Duration, OffsetDateTime};

use super::{Services, lifecycle, throttle};
use crate::{
    auth::tokens::new_public_id,
    db::{
        bookings::{self, BookingTarget, BookingView, NewBooking, NewCheckout, ResumeUpload},
        limits::{self, Taken},
    },
    domain::{
        BookingStatus, TagKind,
        booking_details::{self, BookingDetails, DetailsInput, FieldErrors},
        when,
    },
    integrations::{
        CallError, signatures,
        stripe::{CheckoutSession, NewCheckoutSession},
    },
    paths,
};

/// Stripe Checkout accepts expiries from 30 minutes; we take the minimum so an abandoned
/// payment frees the slot as soon as possible.
const CHECKOUT_MINUTES: i64 = 31;
/// How long one request may take to replace a booking's Checkout Session (two Stripe calls
/// of at most 20 s each) before another request may take over.
const CHECKOUT_LEASE_SECONDS: i32 = 45;
/// How long a submission waits for another one of the same booking to finish opening its
/// Checkout Session before asking the customer to press the button again. Below the
/// request timeout, so the answer is ours, not a 503.
const CHECKOUT_WAIT: StdDuration = StdDuration::from_secs(15);
/// An open session this close to its expiry is replaced rather than reused.
const REUSE_MARGIN: Duration = Duration::minutes(5);

// ------------------------------------------------------------------ the booking page

/// Whether the booking page can show the calendar, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// The cal.com embed for this link (`user/event-type`).
    Open { cal_link: String },
    /// The interviewer has not set up their cal.com event type.
    NoCalendar,
    /// Neither the interviewer's own cal.com key nor the site's is configured.
    NoCalendarKey,
    /// Stripe is not configured.
    NoPayments,
}

pub async fn booking_availability(
    services: &Services,
    target: &BookingTarget,
) -> sqlx::Result<Availability> {
    let (Some(cal_link), Some(_)) = (&target.cal_link, target.cal_event_type_id) else {
        return Ok(Availability::NoCalendar);
    };
    if services.cal_key_for(target.interviewer_id).await?.is_none() {
        return Ok(Availability::NoCalendarKey);
    }
    if !services.stripe.is_configured() {
        return Ok(Availability::NoPayments);
    }
    Ok(Availability::Open {
        cal_link: cal_link.clone(),
    })
}

// ------------------------------------------------------------------ a booking from cal.com

/// Why a cal.com booking uid cannot become one of our bookings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    InvalidReference,
    BelongsToAnotherInterviewer,
    BookingClosed,
    UnknownToCalendar,
    CalendarUnreachable,
    WrongEventType,
    NoLongerActive,
    InThePast,
    /// This client has had many uids checked with cal.com lately.
    TooManyAttempts {
        retry_after_minutes: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    /// Our booking (new, or the one already made for this uid): its public id.
    Ready {
        public_id: String,
    },
    Refused(Refusal),
}

pub(crate) fn looks_like_cal_uid(uid: &str) -> bool {
    !uid.is_empty()
        && uid.len() <= 100
        && uid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The embed says a slot was booked (`bookingSuccessfulV2`) and sends its uid. Nothing else
/// from the browser is trusted: the booking is read from cal.com and must be this
/// interviewer's event type, still pending or accepted, and in the future. Each lookup spends
/// our cal.com quota, so they are limited per client (`client_ip`).
pub async fn create_booking_from_calcom(
    services: &Services,
    target: &BookingTarget,
    uid: &str,
    client_ip: &str,
) -> anyhow::Result<CreateOutcome> {
    use CreateOutcome::{Ready, Refused};
    if !looks_like_cal_uid(uid) {
        return Ok(Refused(Refusal::InvalidReference));
    }
    // The same uid posted twice (a double event, a retry) is the same booking.
    if let Some((public_id, interviewer_id)) =
        bookings::public_id_for_cal_uid(&services.pool, uid).await?
    {
        return Ok(if interviewer_id == target.interviewer_id {
            Ready { public_id }
        } else {
            Refused(Refusal::BelongsToAnotherInterviewer)
        });
    }
    let key = services.cal_key_for(target.interviewer_id).await?;
    let (Some(event_type_id), Some(key)) = (target.cal_event_type_id, key.as_ref()) else {
        return Ok(Refused(Refusal::BookingClosed));
    };
    if let Taken::Limited {
        retry_after_seconds,
    } = limits::take(&services.pool, &throttle::booking_lookup(client_ip)).await?
    {
        return Ok(Refused(Refusal::TooManyAttempts {
            retry_after_minutes: throttle::minutes(retry_after_seconds),
        }));
    }
    let cal_booking = match services.calcom.get_booking(uid, key).await {
        Ok(Some(booking)) => booking,
        Ok(None) => return Ok(Refused(Refusal::UnknownToCalendar)),
        Err(err) => {
            tracing::warn!(error = %err, "cal.com booking lookup failed");
            return Ok(Refused(Refusal::CalendarUnreachable));
        }
    };
    if cal_booking.event_type_id != Some(event_type_id) {
        return Ok(Refused(Refusal::WrongEventType));
    }
    if !matches!(cal_booking.status.as_str(), "pending" | "accepted") {
        return Ok(Refused(Refusal::NoLongerActive));
    }
    if cal_booking.start <= OffsetDateTime::now_utc() {
        return Ok(Refused(Refusal::InThePast));
    }
    let (public_id, _) = bookings::insert_or_find(
        &services.pool,
        &NewBooking {
            public_id: &new_public_id(),
            interviewer_id: target.interviewer_id,
            cal_booking_uid: &cal_booking.uid,
            starts_at: cal_booking.start,
            ends_at: cal_booking.end,
            host_email: cal_booking.host_email.as_deref(),
            host_time_zone: cal_booking.host_time_zone.as_deref(),
            customer_time_zone: cal_booking.attendee_time_zone.as_deref(),
            customer_name: cal_booking.attendee_name.as_deref(),
            customer_email: cal_booking.attendee_email.as_deref(),
            price: target.rate,
            hold_minutes: services.config.booking.hold_minutes as i32,
        },
    )
    .await?;
    Ok(Ready { public_id })
}

// ------------------------------------------------------------------ details and Checkout

/// The resume as uploaded, before any check.
pub struct UploadedResume {
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// The details form as posted.
pub struct DetailsSubmission {
    pub input: DetailsInput,
    pub resume: Option<UploadedResume>,
    /// The upload broke off or was too large (the message for the resume field).
    pub upload_error: Option<String>,
}

/// Why the customer should press Pay again in a moment. Their details are kept, except
/// when the resume could not be stored (then nothing changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    ResumeNotStored,
    PaymentProviderUnavailable,
    /// Another submission of this booking is still opening its Checkout Session.
    StillOpeningCheckout,
}

pub enum DetailsOutcome {
    NotFound,
    /// Go to Stripe's page.
    Pay {
        url: String,
    },
    /// The booking turned out to be paid already (through its previous session).
    AlreadyPaid {
        public_id: String,
    },
    /// The booking no longer takes details (paid, expired, cancelled): show it as it is.
    Closed(Box<BookingView>),
    /// Fix these fields; nothing was stored.
    Invalid {
        booking: Box<BookingView>,
        errors: FieldErrors,
    },
    Retry {
        booking: Box<BookingView>,
        reason: RetryReason,
    },
}

/// The names of the interviewer's tags of one kind, which the form offers.
pub fn tag_names(booking: &BookingView, kind: TagKind) -> Vec<String> {
    booking
        .interviewer_tags
        .iter()
        .filter(|t| t.kind == kind)
        .map(|t| t.name.clone())
        .collect()
}

fn validate(
    booking: &BookingView,
    submission: &DetailsSubmission,
) -> Result<BookingDetails, FieldErrors> {
    let technologies = tag_names(booking, TagKind::Technology);
    let subjects = tag_names(booking, TagKind::Subject);
    let validated = booking_details::validate(&submission.input, &technologies, &subjects);
    let mut errors = validated.as_ref().err().cloned().unwrap_or_default();
    match (&submission.resume, &submission.upload_error) {
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
    match validated {
        Ok(details) if errors.is_empty() => Ok(details),
        _ => Err(errors),
    }
}

/// `POST /bookings/{id}/details`: validates the form, stores the resume, saves the details
/// and sends the customer to a Checkout Session for this booking (see [`open_checkout`]).
pub async fn submit_details(
    services: &Services,
    public_id: &str,
    submission: DetailsSubmission,
) -> anyhow::Result<DetailsOutcome> {
    let Some(booking) = bookings::view_by_public_id(&services.pool, public_id).await? else {
        return Ok(DetailsOutcome::NotFound);
    };
    if !booking.status.is_unpaid_hold() {
        return Ok(DetailsOutcome::Closed(Box::new(booking)));
    }
    let details = match validate(&booking, &submission) {
        Ok(details) => details,
        Err(errors) => {
            return Ok(DetailsOutcome::Invalid {
                booking: Box::new(booking),
                errors,
            });
        }
    };
    // Store the resume before touching the booking: a storage failure changes nothing.
    let stored = match submission.resume {
        Some(file) => {
            let key = format!("resumes/{}/{}.pdf", booking.public_id, new_public_id());
            let size = file.bytes.len();
            if let Err(err) = services.storage.put(&key, file.bytes).await {
                tracing::error!(error = ?err, "resume upload failed");
                return Ok(DetailsOutcome::Retry {
                    booking: Box::new(booking),
                    reason: RetryReason::ResumeNotStored,
                });
            }
            Some((
                key,
                booking_details::clean_filename(&file.filename),
                i32::try_from(size)?,
            ))
        }
        None => None,
    };
    let resume = stored.as_ref().map(|(key, filename, bytes)| ResumeUpload {
        key,
        filename,
        bytes: *bytes,
    });
    open_checkout(services, booking.booking_id, &details, resume.as_ref()).await
}

/// What a Checkout Session for this booking and these details is made of, less what changes
/// every time (expiry, idempotency key): equal fingerprints mean one session serves both.
fn checkout_fingerprint(booking: &BookingView, details: &BookingDetails) -> String {
    signatures::sha256_hex(
        format!(
            "{}|{}|{}|{}|{}",
            booking.price.minor,
            booking.price.currency,
            details.email,
            product_name(booking),
            booking.cal_booking_uid
        )
        .as_bytes(),
    )
}

fn product_name(booking: &BookingView) -> String {
    format!(
        "Practice interview with {} on {}",
        booking.interviewer_name,
        when::format_in_zone(booking.starts_at, booking.customer_time_zone.as_deref())
    )
}

/// What the first step of [`open_checkout`] decided, under the row lock.
enum Claim {
    /// Not our turn: the row is locked or another request holds the checkout lease.
    Wait,
    Done(DetailsOutcome),
    /// We hold the lease for `attempt`; `previous` is the session we detached.
    Replace {
        booking: Box<BookingView>,
        attempt: i32,
        previous: Option<String>,
        fingerprint: String,
    },
}

/// Saves the details and leads to exactly one payable Checkout Session for the booking,
/// however many submissions race. No Stripe call happens under a lock or in a transaction:
///
/// 1. Under the row lock (taken with `SKIP LOCKED`, so a waiting request holds no pooled
///    connection): save the details; reuse the open session if it was made of the same
///    fingerprint; wait if another request holds the checkout lease; otherwise take the lease
///    (a new attempt number) and detach the current session. Commit.
/// 2. Without a lock: expire the detached session at Stripe (if it turns out paid, the
///    booking is paid and we stop), then create the new one.
/// 3. Under the row lock: record the new session if our attempt is still the latest;
///    otherwise expire it and go round again (a newer request took over).
///
/// A crash anywhere leaves the booking holding its slot: its current session is either the
/// old one or none, so no expiry webhook can end it; the lease runs out by itself; and the
/// hold sweep closes every session the booking ever opened before releasing the slot.
pub async fn open_checkout(
    services: &Services,
    booking_id: i64,
    details: &BookingDetails,
    resume: Option<&ResumeUpload<'_>>,
) -> anyhow::Result<DetailsOutcome> {
    let deadline = tokio::time::Instant::now() + CHECKOUT_WAIT;
    let mut details_saved = false;
    loop {
        let mut replaced_resume = None;
        let claim = claim_checkout(
            services,
            booking_id,
            details,
            resume,
            &mut details_saved,
            &mut replaced_resume,
        )
        .await?;
        // Storage keeps only what bookings reference: the replaced resume goes once the
        // claim that replaced it has committed.
        if let Some(old) = replaced_resume {
            discard_upload(services, &old).await;
        }
        let (booking, attempt, previous, fingerprint) = match claim {
            Claim::Done(outcome) => return Ok(outcome),
            Claim::Wait => {
                if tokio::time::Instant::now() >= deadline {
                    let booking =
                        bookings::view_by_id(&mut *services.pool.acquire().await?, booking_id)
                            .await?
                            .ok_or_else(|| anyhow::anyhow!("booking vanished"))?;
                    return Ok(DetailsOutcome::Retry {
                        booking: Box::new(booking),
                        reason: RetryReason::StillOpeningCheckout,
                    });
                }
                tokio::time::sleep(jittered_pause()).await;
                continue;
            }
            Claim::Replace {
                booking,
                attempt,
                previous,
                fingerprint,
            } => (booking, attempt, previous, fingerprint),
        };
        let retry = |booking: Box<BookingView>| DetailsOutcome::Retry {
            booking,
            reason: RetryReason::PaymentProviderUnavailable,
        };

        if let Some(previous) = previous.as_deref() {
            match close_session(services, previous).await {
                Ok(None) => bookings::close_checkout_session(&services.pool, previous).await?,
                Ok(Some(paid)) => {
                    bookings::release_checkout_lease(&services.pool, booking_id, attempt).await?;
                    lifecycle::mark_paid(services, booking_id, &paid).await?;
                    return Ok(DetailsOutcome::AlreadyPaid {
                        public_id: booking.public_id.clone(),
                    });
                }
                Err(err) => {
                    tracing::warn!(booking.id = booking_id, error = %err, "closing the previous Checkout Session failed");
                    // It may still be payable: it stays the booking's current session.
                    bookings::reattach_checkout(&services.pool, booking_id, attempt, previous)
                        .await?;
                    return Ok(retry(booking));
                }
            }
        }

        let request = new_session_request(services, &booking, details, attempt, &fingerprint);
        let session = match services.stripe.create_checkout_session(&request).await {
            Ok(session) => session,
            Err(err) => {
                // The details and the resume are kept; the next press of Pay is a new attempt.
                tracing::warn!(booking.id = booking_id, error = %err, "creating the Checkout Session failed");
                bookings::release_checkout_lease(&services.pool, booking_id, attempt).await?;
                return Ok(retry(booking));
            }
        };
        let Some(url) = session.url.clone() else {
            tracing::error!(
                booking.id = booking_id,
                "Stripe returned a Checkout Session without a URL"
            );
            bookings::release_checkout_lease(&services.pool, booking_id, attempt).await?;
            return Ok(retry(booking));
        };
        let expires_at = OffsetDateTime::from_unix_timestamp(request.expires_at)?;

        let mut tx = services.pool.begin().await?;
        bookings::lock(&mut tx, booking_id).await?;
        let recorded = bookings::record_checkout(
            &mut tx,
            booking_id,
            &NewCheckout {
                session_id: &session.id,
                attempt,
                amount: booking.price,
                url: &url,
                fingerprint: &fingerprint,
                expires_at,
            },
        )
        .await?;
        if recorded {
            lifecycle::begin_payment(&mut tx, booking_id).await?;
        }
        tx.commit().await?;
        if recorded {
            return Ok(DetailsOutcome::Pay { url });
        }
        // Our lease ran out and a newer attempt owns the booking: ours must not stay payable.
        tracing::warn!(
            booking.id = booking_id,
            attempt,
            "a newer Checkout attempt took over"
        );
        if close_session(services, &session.id).await.is_ok() {
            bookings::close_checkout_session(&services.pool, &session.id).await?;
        }
    }
}

/// Step 1 of [`open_checkout`], in one short transaction.
async fn claim_checkout(
    services: &Services,
    booking_id: i64,
    details: &BookingDetails,
    resume: Option<&ResumeUpload<'_>>,
    details_saved: &mut bool,
    replaced_resume: &mut Option<String>,
) -> anyhow::Result<Claim> {
    let mut tx = services.pool.begin().await?;
    if !bookings::try_lock(&mut tx, booking_id).await? {
        return Ok(Claim::Wait);
    }
    let booking = bookings::view_by_id(&mut tx, booking_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("booking vanished"))?;
    if !booking.status.is_unpaid_hold() {
        tx.commit().await?;
        if !*details_saved && let Some(resume) = resume {
            // Stored for nothing: the booking took no more details meanwhile.
            discard_upload(services, resume.key).await;
        }
        return Ok(Claim::Done(DetailsOutcome::Closed(Box::new(booking))));
    }
    if !*details_saved {
        bookings::save_details(&mut tx, booking_id, details, resume).await?;
        *details_saved = true;
        if resume.is_some() {
            // Set only on the way out through a commit: an error rolls the save back.
            *replaced_resume = booking.resume_key.clone();
        }
    }
    let fingerprint = checkout_fingerprint(&booking, details);
    let now = OffsetDateTime::now_utc();
    // An identical resubmission while the session is open reuses it.
    if let (Some(url), Some(previous), Some(expires_at)) = (
        &booking.checkout_url,
        &booking.checkout_fingerprint,
        booking.checkout_expires_at,
    ) && booking.status == BookingStatus::AwaitingPayment
        && previous == &fingerprint
        && expires_at > now + REUSE_MARGIN
    {
        let url = url.clone();
        tx.commit().await?;
        return Ok(Claim::Done(DetailsOutcome::Pay { url }));
    }
    if booking
        .checkout_lease_until
        .is_some_and(|lease| lease > now)
    {
        tx.commit().await?;
        return Ok(Claim::Wait);
    }
    let attempt =
        bookings::take_checkout_lease(&mut tx, booking_id, CHECKOUT_LEASE_SECONDS).await?;
    tx.commit().await?;
    Ok(Claim::Replace {
        previous: booking.checkout_session_id.clone(),
        booking: Box::new(booking),
        attempt,
        fingerprint,
    })
}

/// Deletes an upload nothing references (best effort: a leftover is logged, not fatal).
async fn discard_upload(services: &Services, key: &str) {
    if let Err(err) = services.storage.delete(key).await {
        tracing::warn!(error = ?err, "could not delete an unreferenced upload");
    }
}

/// 50 to 150 ms, so waiting requests do not all come back at once.
fn jittered_pause() -> StdDuration {
    let mut byte = [0u8; 1];
    let _ = aws_lc_rs::rand::fill(&mut byte);
    StdDuration::from_millis(50 + u64::from(byte[0]) * 100 / 255)
}

fn new_session_request(
    services: &Services,
    booking: &BookingView,
    details: &BookingDetails,
    attempt: i32,
    fingerprint: &str,
) -> NewCheckoutSession {
    let base = &services.config.public_base_url;
    NewCheckoutSession {
        booking_public_id: booking.public_id.clone(),
        amount: booking.price,
        product_name: product_name(booking),
        product_description:
            "A 1-hour technical practice interview, then a 30-minute feedback session.".to_owned(),
        customer_email: details.email.to_string(),
        success_url: paths::absolute(
            base,
            &paths::booking_thanks_after_checkout(&booking.public_id),
        ),
        cancel_url: paths::absolute(base, &paths::booking_details(&booking.public_id)),
        expires_at: (OffsetDateTime::now_utc() + Duration::minutes(CHECKOUT_MINUTES))
            .unix_timestamp(),
        submit_message: format!(
            "100% money-back guarantee: if the interview and feedback were not valuable to you, claim it \
             from your booking page within {} days of the session and we refund you in full. Cancel at least \
             {} hours before the start for a full refund.",
            services.config.booking.guarantee_claim_days,
            services.config.booking.refund_window_hours
        ),
        idempotency_key: format!(
            "checkout:{}:{attempt}:{}",
            booking.public_id,
            &fingerprint[..16]
        ),
    }
}

/// Expires a session at Stripe. `Ok(Some(session))` if it turns out to be paid already.
pub(crate) async fn close_session(
    services: &Services,
    session_id: &str,
) -> Result<Option<CheckoutSession>, CallError> {
    match services.stripe.expire_checkout_session(session_id).await {
        Ok(_) => Ok(None),
        // Not open any more: completed (paid?) or already expired. Ask.
        Err(CallError::Rejected { .. }) => {
            let session = services
                .stripe
                .retrieve_checkout_session(session_id)
                .await?;
            Ok(session.is_paid().then_some(session))
        }
        Err(err) => Err(err),
    }
}

// ------------------------------------------------------------------ the thank-you page

/// What the thank-you page can honestly say about the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentState {
    /// Paid and recorded.
    Confirmed,
    /// Stripe says paid; our records are catching up (the booking is being fulfilled).
    Received,
    /// No word yet.
    Processing,
    /// Back from Checkout without paying (or a delayed method still running).
    Unpaid,
    Expired,
    Cancelled,
    Refunded,
}

pub enum ThanksOutcome {
    NotFound,
    /// No details given yet: the details form is the place.
    NeedsDetails,
    Show {
        booking: Box<BookingView>,
        payment: PaymentState,
    },
}

/// The customer is back from Checkout. Before Stripe's webhook arrives we ask Stripe about
/// the session ourselves; paid there fulfils the booking right away (idempotently, the
/// webhook changes nothing after it).
pub async fn confirm_payment_seen_on_thanks_page(
    services: &Services,
    public_id: &str,
) -> anyhow::Result<ThanksOutcome> {
    let Some(mut booking) = bookings::view_by_public_id(&services.pool, public_id).await? else {
        return Ok(ThanksOutcome::NotFound);
    };
    let mut payment = match booking.status {
        BookingStatus::Held => return Ok(ThanksOutcome::NeedsDetails),
        BookingStatus::Paid => PaymentState::Confirmed,
        BookingStatus::Refunded => PaymentState::Refunded,
        BookingStatus::Cancelled => PaymentState::Cancelled,
        BookingStatus::Expired => PaymentState::Expired,
        BookingStatus::AwaitingPayment => PaymentState::Processing,
    };
    if booking.status == BookingStatus::AwaitingPayment
        && let Some(session_id) = booking.checkout_session_id.clone()
    {
        match services.stripe.retrieve_checkout_session(&session_id).await {
            Ok(session) if session.is_paid() => {
                let outcome = lifecycle::mark_paid(services, booking.booking_id, &session).await?;
                payment = if outcome == lifecycle::PaidOutcome::NowPaid {
                    PaymentState::Confirmed
                } else {
                    PaymentState::Received
                };
                if let Some(updated) =
                    bookings::view_by_public_id(&services.pool, public_id).await?
                {
                    booking = updated;
                }
            }
            Ok(session)
                if session.status.as_deref() == Some("open")
                    && session.payment_status.as_deref() == Some("unpaid") =>
            {
                payment = PaymentState::Unpaid;
            }
            Ok(_) => {}
            Err(err) => {
                tracing::debug!(booking.id = booking.booking_id, error = %err, "cannot ask Stripe about the session; saying processing");
            }
        }
    }
    Ok(ThanksOutcome::Show {
        booking: Box::new(booking),
        payment,
    })
}
