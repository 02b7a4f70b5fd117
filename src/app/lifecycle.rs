//! Every booking status change, each in one transaction together with the side effects it
//! queues in the outbox (`job` table); the worker is woken once that transaction commits.
//! Use cases, webhooks and the worker call these; nothing else writes `booking.status`.
//!
//! | transition | when | side effects queued |
//! |---|---|---|
//! | held -> awaiting_payment | details saved, Checkout Session recorded | none |
//! | held/awaiting_payment/expired -> paid | Stripe says paid (webhook, thank-you page, reconciliation) | confirm cal.com booking; customer confirmation and interviewer notification (each with the calendar invite); reminders 24 h and 1 h before; record the charge's receipt |
//! | held/awaiting_payment -> expired | hold timed out (and no Checkout Session is being opened), the current Checkout Session expired or its payment failed | decline cal.com booking (frees the slot) |
//! | held/awaiting_payment/paid -> cancelled | cancelled or rejected in cal.com | if paid: refund per policy; both sides emailed (the invite withdrawn) |
//! | paid -> cancelled | the customer cancels on their booking page, at the refund they were shown | cancel the cal.com booking; refund per policy; both sides emailed (the invite withdrawn) |
//! | (status kept) | an attendee's reschedule request within our policy (`BOOKING_REQUESTED` with `rescheduleUid`, or the booking page's reschedule flow): the booking moves to the new uid and time | if paid: confirm the new cal.com booking; both sides emailed the updated invite; reminders for the new time |
//! | (status kept) | the interviewer moved it in cal.com (`BOOKING_RESCHEDULED`) | if paid: read the new cal.com booking (its video link); both sides emailed the updated invite; reminders for the new time |
//! | paid -> cancelled | the payment arrived after cal.com released the slot (found by the confirm job) | full refund; customer email with a link to book again |
//! | paid/cancelled -> refunded | Stripe `charge.refunded` (or our refund job's success) | none |
//! | (status kept) | from 15 minutes after the start: held, or the customer did not come (`record_outcome`); a day after the end, assumed held (`assume_held`) | held: report reminders at 24 and 44 h, the review invitation 24 h after the end; customer no-show: cal.com mark-absent, the customer emailed |
//! | paid -> (refund) -> refunded | staff record that the interviewer did not come | full refund; cal.com mark-absent; both sides emailed |
//! | paid -> (refund) -> refunded | staff refund under the guarantee (a claim, which this decides in the same transaction) | full refund; the customer emailed |
//!
//! A reminder is a job due at its time; when it runs it sends nothing unless the booking is
//! still paid, at the same cal.com booking and start it was scheduled for.
//!
//! Each effect has a dedupe key, so repeating a transition (duplicate webhooks, two app
//! instances, the landing page racing the webhook) never repeats its effects. A payment that
//! arrives for a booking that can no longer take it (already paid through another session,
//! cancelled) is refunded in full: a customer is never charged twice.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::{Services, emails};
use crate::{
    db::{bookings, jobs},
    domain::{
        BookingStatus, CancelledBy, Money, SessionOutcome,
        booking::{
            ASSUME_HELD_AFTER_END, MarkRefusal, can_reschedule, may_mark, refund_on_cancellation,
        },
    },
    integrations::stripe::CheckoutSession,
};

/// Job payloads (the `job.payload` column), one per kind.
#[derive(Debug, Serialize, Deserialize)]
pub struct CalJob {
    pub booking_id: i64,
    pub interviewer_id: i64,
    pub uid: String,
    /// For `cal_decline`: the uid is a reschedule request we refuse, not the booking's own
    /// (which stays as it is, paid or not).
    #[serde(default)]
    pub refused_reschedule: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RefundJob {
    pub booking_id: i64,
    pub public_id: String,
    pub payment_intent: String,
    pub amount_minor: i64,
    /// Whether the booking itself becomes `refunded` once Stripe accepts the refund (not for
    /// the refund of a duplicate payment, which leaves the booking paid).
    #[serde(default)]
    pub marks_booking_refunded: bool,
}

pub const JOB_EMAIL: &str = "email";
pub const JOB_CAL_CONFIRM: &str = "cal_confirm";
pub const JOB_CAL_DECLINE: &str = "cal_decline";
pub const JOB_STRIPE_REFUND: &str = "stripe_refund";
pub const JOB_CAL_CANCEL: &str = "cal_cancel";
pub const JOB_REMINDER: &str = "reminder";
/// Tells cal.com who did not come.
pub const JOB_CAL_MARK_ABSENT: &str = "cal_mark_absent";
/// Records what Stripe knows of a booking's charge (its receipt).
pub const JOB_STRIPE_CHARGE: &str = "stripe_charge";
/// Records the refunds Stripe made of a booking's payment (from its dashboard, too).
pub const JOB_STRIPE_REFUNDS: &str = "stripe_refunds";
/// Links the invoice Checkout made for a payment (`STRIPE_INVOICES`).
pub const JOB_STRIPE_INVOICE: &str = "stripe_invoice";

/// The `stripe_refunds` job's payload.
#[derive(Debug, Serialize, Deserialize)]
pub struct RefundsJob {
    pub booking_id: i64,
    pub payment_intent: String,
}

/// The `stripe_invoice` job's payload.
#[derive(Debug, Serialize, Deserialize)]
pub struct InvoiceJob {
    pub booking_id: i64,
    pub checkout_session: String,
}

/// The `cal_mark_absent` job's payload: the host, or the attendee, did not come.
#[derive(Debug, Serialize, Deserialize)]
pub struct AbsentJob {
    pub booking_id: i64,
    pub interviewer_id: i64,
    pub uid: String,
    pub host: bool,
    pub attendee_email: Option<String>,
}

/// The `stripe_charge` job's payload.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChargeJob {
    pub booking_id: i64,
    pub payment_intent: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum PaidOutcome {
    /// This call moved the booking to paid.
    NowPaid,
    /// It was already paid with this payment: nothing to do.
    AlreadyPaid,
    /// The booking could not take this payment; a full refund is queued.
    Refunding,
    /// The session is not one this booking opened, or its amount or currency is not the
    /// booking's: recorded as an anomaly, and refunded if money was taken. The booking is
    /// unchanged.
    NotOurPayment,
    UnknownBooking,
}

/// Queues the `stripe_refunds` job for the booking's payment: it records in the ledger each
/// refund Stripe lists as succeeded. Once per `occasion` (what prompted it: an amount
/// refunded so far, a refund still pending).
pub async fn queue_refunds_check(
    conn: &mut PgConnection,
    booking_id: i64,
    payment_intent: &str,
    occasion: &str,
) -> sqlx::Result<()> {
    let job = RefundsJob {
        booking_id,
        payment_intent: payment_intent.to_owned(),
    };
    let key = format!("stripe_refunds:{payment_intent}:{occasion}");
    jobs::enqueue(conn, JOB_STRIPE_REFUNDS, &key, &job).await?;
    Ok(())
}

/// Queues a refund of `payment_intent`, once per payment whatever causes it.
async fn queue_refund(
    conn: &mut PgConnection,
    booking: &bookings::BookingView,
    payment_intent: &str,
    amount: Money,
    marks_booking_refunded: bool,
) -> sqlx::Result<()> {
    let job = RefundJob {
        booking_id: booking.booking_id,
        public_id: booking.public_id.clone(),
        payment_intent: payment_intent.to_owned(),
        amount_minor: amount.minor,
        marks_booking_refunded,
    };
    jobs::enqueue(
        conn,
        JOB_STRIPE_REFUND,
        &format!("refund:{payment_intent}"),
        &job,
    )
    .await?;
    Ok(())
}

/// Queues email `name` about `booking` to `to`. It is sent once per booking, or once per
/// `occasion` for emails a booking can get again (a move: the new cal.com uid; a reminder:
/// the uid and which reminder).
async fn queue_email(
    services: &Services,
    conn: &mut PgConnection,
    name: &str,
    booking: &bookings::BookingView,
    to: Option<&str>,
    occasion: Option<&str>,
) -> anyhow::Result<()> {
    let Some(to) = to else {
        tracing::warn!(
            booking.id = booking.booking_id,
            email = name,
            "no address to send this email to"
        );
        return Ok(());
    };
    let email = emails::render(services, name, booking, to)?;
    let dedupe_key = match occasion {
        Some(occasion) => format!("email:{name}:{}:{occasion}", booking.booking_id),
        None => format!("email:{name}:{}", booking.booking_id),
    };
    jobs::enqueue(conn, JOB_EMAIL, &dedupe_key, &email).await?;
    Ok(())
}

/// Queues email `name` to the customer and `interviewer_name` to the interviewer.
async fn email_both(
    services: &Services,
    conn: &mut PgConnection,
    booking: &bookings::BookingView,
    (customer_name, interviewer_name): (&str, &str),
    occasion: Option<&str>,
) -> anyhow::Result<()> {
    let customer = booking.customer_email.as_deref();
    queue_email(services, conn, customer_name, booking, customer, occasion).await?;
    let host = booking.host_email.as_deref();
    queue_email(services, conn, interviewer_name, booking, host, occasion).await
}

/// The reminders before a session, as (name, hours before the start).
pub const REMINDERS: [(&str, i64); 2] = [("24h", 24), ("1h", 1)];

/// The worker's `reminder` job: due `hours` before `starts_at` of cal.com booking `uid`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReminderJob {
    pub booking_id: i64,
    pub uid: String,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    pub which: String,
}

/// Schedules the reminders of a paid booking at its current time. A reminder whose moment
/// has passed (a booking made 10 hours ahead gets no 24-hour one) is not scheduled. A move
/// schedules new ones; the old ones find the booking moved and send nothing.
async fn schedule_reminders(
    conn: &mut PgConnection,
    booking: &bookings::BookingView,
) -> sqlx::Result<()> {
    let now = OffsetDateTime::now_utc();
    for (which, hours) in REMINDERS {
        let due = booking.starts_at - time::Duration::hours(hours);
        if due <= now {
            continue;
        }
        let job = ReminderJob {
            booking_id: booking.booking_id,
            uid: booking.cal_booking_uid.clone(),
            starts_at: booking.starts_at,
            which: which.to_owned(),
        };
        jobs::enqueue_at(
            conn,
            JOB_REMINDER,
            &format!(
                "reminder:{}:{which}:{}",
                booking.booking_id, booking.cal_booking_uid
            ),
            &job,
            due,
        )
        .await?;
    }
    Ok(())
}

/// A reminder is due: both sides are emailed, unless the booking was cancelled or moved
/// since it was scheduled (then nothing: the move scheduled its own).
pub async fn send_reminder(services: &Services, job: &ReminderJob) -> anyhow::Result<bool> {
    let mut tx = services.pool.begin().await?;
    bookings::lock(&mut tx, job.booking_id).await?;
    let Some(booking) = bookings::view_by_id(&mut tx, job.booking_id).await? else {
        return Ok(false);
    };
    if booking.status != BookingStatus::Paid
        || booking.cal_booking_uid != job.uid
        || booking.starts_at != job.starts_at
        || booking.starts_at <= OffsetDateTime::now_utc()
    {
        return Ok(false);
    }
    let occasion = format!("{}:{}", job.uid, job.which);
    email_both(
        services,
        &mut tx,
        &booking,
        ("customer_reminder", "interviewer_reminder"),
        Some(&occasion),
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(true)
}

/// Why a paid session cannot count as this booking's payment, if it cannot.
async fn payment_mismatch(
    conn: &mut PgConnection,
    booking_id: i64,
    session: &CheckoutSession,
) -> sqlx::Result<Option<&'static str>> {
    let Some(expected) = bookings::checkout_session_amount(conn, booking_id, &session.id).await?
    else {
        return Ok(Some("not a Checkout Session this booking opened"));
    };
    // The session's price, before any promotion code (older sessions without a subtotal: the
    // total), and what was paid: at most that, and the price less the code's discount.
    let subtotal = session.amount_subtotal.or(session.amount_total);
    if subtotal != Some(expected.minor) {
        return Ok(Some("the amount charged is not the session's price"));
    }
    match session.amount_total {
        Some(total)
            if (0..=expected.minor).contains(&total)
                && total == expected.minor - session.discount() => {}
        _ => {
            return Ok(Some(
                "the amount paid is not the session's price less its discount",
            ));
        }
    }
    let currency = session
        .currency
        .as_deref()
        .and_then(crate::domain::Currency::parse);
    if currency != Some(expected.currency) {
        return Ok(Some("the currency paid is not the session's"));
    }
    Ok(None)
}

/// Queues email `name` to the booking's customer, rendered from the booking as this
/// transaction now sees it.
async fn email_customer(
    services: &Services,
    conn: &mut PgConnection,
    booking_id: i64,
    name: &str,
    occasion: Option<&str>,
) -> anyhow::Result<()> {
    let booking = bookings::view_by_id(conn, booking_id)
        .await?
        .context("booking vanished")?;
    queue_email(
        services,
        conn,
        name,
        &booking,
        booking.customer_email.as_deref(),
        occasion,
    )
    .await
}

/// Queues email `name` to the booking's customer, once per booking (for use cases outside
/// this module that change no status: a report delivered).
pub async fn email_about(
    services: &Services,
    conn: &mut PgConnection,
    booking_id: i64,
    name: &str,
) -> anyhow::Result<()> {
    email_customer(services, conn, booking_id, name, None).await
}

/// Queues email `name` to the booking's interviewer, once per `occasion`.
pub async fn email_interviewer(
    services: &Services,
    conn: &mut PgConnection,
    booking_id: i64,
    name: &str,
    occasion: Option<&str>,
) -> anyhow::Result<()> {
    let booking = bookings::view_by_id(conn, booking_id)
        .await?
        .context("booking vanished")?;
    queue_email(
        services,
        conn,
        name,
        &booking,
        booking.host_email.as_deref(),
        occasion,
    )
    .await
}

/// Moves a booking with saved details to awaiting payment (a Checkout Session exists).
pub async fn begin_payment(conn: &mut PgConnection, booking_id: i64) -> sqlx::Result<bool> {
    bookings::transition(
        conn,
        booking_id,
        BookingStatus::allowed_sources(BookingStatus::AwaitingPayment),
        BookingStatus::AwaitingPayment,
    )
    .await
}

/// Stripe says the session is paid. Safe to call any number of times, concurrently. The
/// payment counts only if `session` is one this booking opened (`checkout_session`) and
/// Stripe's amount and currency are what that session asked for.
pub async fn mark_paid(
    services: &Services,
    booking_id: i64,
    session: &CheckoutSession,
) -> anyhow::Result<PaidOutcome> {
    let session_id = session.id.as_str();
    let payment_intent = session.payment_intent.as_deref();
    let mut tx = services.pool.begin().await?;
    bookings::lock(&mut tx, booking_id).await?;
    let Some(booking) = bookings::view_by_id(&mut tx, booking_id).await? else {
        return Ok(PaidOutcome::UnknownBooking);
    };
    if let Some(reason) = payment_mismatch(&mut tx, booking_id, session).await? {
        tracing::error!(
            booking.id = booking_id,
            session.id = session_id,
            reason,
            "ALERT: a payment does not match its booking; recorded, and refunded if money was taken"
        );
        let refund = payment_intent.zip(session.amount_total.filter(|a| *a > 0));
        bookings::record_payment_anomaly(&mut tx, booking_id, session, reason, refund.is_some())
            .await?;
        if let (Some((payment_intent, amount)), Some(currency)) = (
            refund,
            session
                .currency
                .as_deref()
                .and_then(crate::domain::Currency::parse),
        ) {
            queue_refund(
                &mut tx,
                &booking,
                payment_intent,
                Money::new(amount, currency),
                false,
            )
            .await?;
        }
        tx.commit().await?;
        services.work_queued();
        return Ok(PaidOutcome::NotOurPayment);
    }
    // What this session took (checked above: its price less any promotion code, in the
    // booking's currency).
    let session_paid = Money::new(
        session.amount_total.unwrap_or(booking.price.minor),
        booking.price.currency,
    );
    let outcome = if booking.status.can_become(BookingStatus::Paid) {
        bookings::transition(&mut tx, booking_id, &[booking.status], BookingStatus::Paid).await?;
        bookings::set_paid(
            &mut tx,
            booking_id,
            payment_intent,
            session_id,
            session_paid,
        )
        .await?;
        bookings::close_checkout_session(&mut *tx, session_id).await?;
        let booking = bookings::view_by_id(&mut tx, booking_id)
            .await?
            .context("booking vanished")?;
        let job = CalJob {
            booking_id,
            interviewer_id: booking.interviewer_id,
            uid: booking.cal_booking_uid.clone(),
            refused_reschedule: false,
        };
        jobs::enqueue(
            &mut tx,
            JOB_CAL_CONFIRM,
            &format!("cal_confirm:{booking_id}"),
            &job,
        )
        .await?;
        email_both(
            services,
            &mut tx,
            &booking,
            ("customer_confirmation", "interviewer_notification"),
            None,
        )
        .await?;
        schedule_reminders(&mut tx, &booking).await?;
        if let Some(payment_intent) = payment_intent {
            let job = ChargeJob {
                booking_id,
                payment_intent: payment_intent.to_owned(),
            };
            jobs::enqueue(
                &mut tx,
                JOB_STRIPE_CHARGE,
                &format!("stripe_charge:{payment_intent}"),
                &job,
            )
            .await?;
            if services.stripe.makes_invoices() {
                let job = InvoiceJob {
                    booking_id,
                    checkout_session: session_id.to_owned(),
                };
                jobs::enqueue(
                    &mut tx,
                    JOB_STRIPE_INVOICE,
                    &format!("stripe_invoice:{session_id}"),
                    &job,
                )
                .await?;
            }
        }
        PaidOutcome::NowPaid
    } else if payment_intent.is_none() || booking.payment_intent_id.as_deref() == payment_intent {
        PaidOutcome::AlreadyPaid
    } else {
        // A second payment (another session of the same booking) or a payment for a booking
        // that was cancelled meanwhile: give it all back.
        let payment_intent = payment_intent.unwrap_or_default();
        tracing::warn!(
            booking.id = booking_id,
            status = booking.status.as_db(),
            "refunding a payment the booking cannot take"
        );
        queue_refund(&mut tx, &booking, payment_intent, session_paid, false).await?;
        PaidOutcome::Refunding
    };
    tx.commit().await?;
    services.work_queued();
    Ok(outcome)
}

/// The hold ran out, Checkout expired, or the payment failed: release the slot.
///
/// With `only_for_session`, nothing happens unless that is still the booking's current
/// Checkout Session, checked under the row lock: an older session expiring (because the
/// customer came back and a new session replaced it) must not end the booking. Without it
/// (the hold ran out), nothing happens while a request is opening a new session.
pub async fn expire(
    services: &Services,
    booking_id: i64,
    only_for_session: Option<&str>,
) -> anyhow::Result<bool> {
    let mut tx = services.pool.begin().await?;
    bookings::lock(&mut tx, booking_id).await?;
    let Some(booking) = bookings::view_by_id(&mut tx, booking_id).await? else {
        return Ok(false);
    };
    if !booking.status.can_become(BookingStatus::Expired) {
        return Ok(false);
    }
    match only_for_session {
        Some(session) if booking.checkout_session_id.as_deref() != Some(session) => {
            return Ok(false);
        }
        Some(_) => {}
        None if booking.hold_expires_at > OffsetDateTime::now_utc()
            || booking
                .checkout_lease_until
                .is_some_and(|lease| lease > OffsetDateTime::now_utc()) =>
        {
            return Ok(false);
        }
        None => {}
    }
    bookings::transition(
        &mut tx,
        booking_id,
        &[booking.status],
        BookingStatus::Expired,
    )
    .await?;
    let job = CalJob {
        booking_id,
        interviewer_id: booking.interviewer_id,
        uid: booking.cal_booking_uid.clone(),
        refused_reschedule: false,
    };
    jobs::enqueue(
        &mut tx,
        JOB_CAL_DECLINE,
        &format!("cal_decline:{booking_id}"),
        &job,
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(true)
}

/// cal.com says the booking was cancelled or rejected. A paid booking is refunded per policy,
/// and both sides are told (the calendar invites are withdrawn).
pub async fn cancel(
    services: &Services,
    booking_id: i64,
    by: CancelledBy,
    reason: Option<&str>,
) -> anyhow::Result<bool> {
    let outcome = cancel_and_tell(
        services,
        booking_id,
        Cancellation {
            by,
            reason,
            customer_email: "customer_cancellation",
            quoted_refund_minor: None,
            tell_calcom: false,
        },
    )
    .await?;
    Ok(matches!(outcome, CancelOutcome::Cancelled { .. }))
}

/// How a cancellation came about, and what it must do besides the status change.
struct Cancellation<'a> {
    by: CancelledBy,
    reason: Option<&'a str>,
    /// The email the customer of a paid booking gets.
    customer_email: &'a str,
    /// The refund the customer was shown before confirming: if the policy now gives a
    /// different one (the window closed while they read), nothing is cancelled.
    quoted_refund_minor: Option<i64>,
    /// Whether cal.com still has to be told (the cancel started here, not there).
    tell_calcom: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Cancelled now; `refund` is on its way (zero: none is due).
    Cancelled { refund: Money },
    /// The refund would differ from the one quoted: nothing changed.
    QuoteChanged { refund: Money },
    /// Not a booking that can be cancelled (already cancelled, refunded, expired).
    NotCancellable,
}

async fn cancel_and_tell(
    services: &Services,
    booking_id: i64,
    how: Cancellation<'_>,
) -> anyhow::Result<CancelOutcome> {
    let mut tx = services.pool.begin().await?;
    bookings::lock(&mut tx, booking_id).await?;
    let Some(booking) = bookings::view_by_id(&mut tx, booking_id).await? else {
        return Ok(CancelOutcome::NotCancellable);
    };
    if !booking.status.can_become(BookingStatus::Cancelled) {
        return Ok(CancelOutcome::NotCancellable);
    }
    let was_paid = booking.status == BookingStatus::Paid;
    let refund = Money::new(
        if was_paid {
            refund_on_cancellation(
                booking.amount_paid().minor,
                booking.starts_at,
                OffsetDateTime::now_utc(),
                how.by,
                services.config.booking.refund_window_hours,
            )
        } else {
            0
        },
        booking.price.currency,
    );
    if how
        .quoted_refund_minor
        .is_some_and(|quoted| quoted != refund.minor)
    {
        return Ok(CancelOutcome::QuoteChanged { refund });
    }
    let reason: Option<String> = how.reason.map(|r| r.chars().take(500).collect());
    bookings::set_cancelled(
        &mut tx,
        booking_id,
        how.by,
        reason.as_deref(),
        was_paid.then_some(refund),
    )
    .await?;
    bookings::transition(
        &mut tx,
        booking_id,
        &[booking.status],
        BookingStatus::Cancelled,
    )
    .await?;
    if how.tell_calcom {
        let job = CalJob {
            booking_id,
            interviewer_id: booking.interviewer_id,
            uid: booking.cal_booking_uid.clone(),
            refused_reschedule: false,
        };
        jobs::enqueue(
            &mut tx,
            JOB_CAL_CANCEL,
            &format!("cal_cancel:{booking_id}:{}", booking.cal_booking_uid),
            &job,
        )
        .await?;
    }
    if was_paid {
        if let (true, Some(payment_intent)) =
            (refund.minor > 0, booking.payment_intent_id.as_deref())
        {
            queue_refund(&mut tx, &booking, payment_intent, refund, true).await?;
        }
        let cancelled = bookings::view_by_id(&mut tx, booking_id)
            .await?
            .context("booking vanished")?;
        email_both(
            services,
            &mut tx,
            &cancelled,
            (how.customer_email, "interviewer_cancellation"),
            None,
        )
        .await?;
    }
    tx.commit().await?;
    services.work_queued();
    Ok(CancelOutcome::Cancelled { refund })
}

/// The customer cancels from their booking page, having been shown the refund
/// `quoted_refund_minor`. cal.com is told (the slot is freed), the refund goes through
/// Stripe, and both sides are emailed.
pub async fn cancel_by_customer(
    services: &Services,
    booking_id: i64,
    quoted_refund_minor: i64,
    reason: Option<&str>,
) -> anyhow::Result<CancelOutcome> {
    cancel_and_tell(
        services,
        booking_id,
        Cancellation {
            by: CancelledBy::Customer,
            reason,
            customer_email: "customer_cancellation",
            quoted_refund_minor: Some(quoted_refund_minor),
            tell_calcom: true,
        },
    )
    .await
}

/// What became of an attendee's reschedule request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RescheduleOutcome {
    /// The booking moved to the new uid and time (for a paid one, the new cal.com booking is
    /// being confirmed and both sides are emailed).
    Moved,
    /// Already done (a redelivered webhook).
    AlreadyMoved,
    /// Our policy forbids it: the new request is being declined and the customer told why.
    Refused,
    /// Nothing to move (cancelled, expired, refunded).
    NotMovable,
}

/// Who moved a booking to another time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovedBy {
    /// The attendee, through cal.com's reschedule flow (from our booking page or cal.com's
    /// own link): cal.com made a pending booking (`BOOKING_REQUESTED` with `rescheduleUid`)
    /// that we confirm, if our policy allows the move.
    Customer,
    /// The interviewer in cal.com (`BOOKING_RESCHEDULED`): confirmed by default there, as the
    /// organizer did it; our policy does not apply to them.
    Interviewer,
}

/// The booking moves to cal.com booking `new_uid` at `starts_at`..`ends_at`. Our policy for
/// customers: a booking may be moved until `RESCHEDULE_NOTICE_HOURS` before its current
/// start, to a time in the future; otherwise the new request is declined and the customer
/// told. No new payment: a paid booking keeps its payment; its new cal.com booking is
/// confirmed (or, confirmed already, read for its video link), both sides get the updated
/// invite, and the reminders follow the new time. A booking not paid yet just follows.
pub async fn reschedule(
    services: &Services,
    booking_id: i64,
    new_uid: &str,
    starts_at: OffsetDateTime,
    ends_at: OffsetDateTime,
    by: MovedBy,
) -> anyhow::Result<RescheduleOutcome> {
    let mut tx = services.pool.begin().await?;
    bookings::lock(&mut tx, booking_id).await?;
    let Some(booking) = bookings::view_by_id(&mut tx, booking_id).await? else {
        return Ok(RescheduleOutcome::NotMovable);
    };
    if booking.cal_booking_uid == new_uid {
        return Ok(RescheduleOutcome::AlreadyMoved);
    }
    if !(booking.status.is_unpaid_hold() || booking.status == BookingStatus::Paid) {
        return Ok(RescheduleOutcome::NotMovable);
    }
    let now = OffsetDateTime::now_utc();
    let notice = services.config.booking.reschedule_notice_hours;
    // A customer who did not come may move it once, as goodwill, when the site allows it.
    let goodwill = by == MovedBy::Customer
        && booking.session_outcome == Some(SessionOutcome::CustomerNoShow)
        && services.config.booking.goodwill_reschedule_after_no_show
        && !booking.goodwill_reschedule_used;
    let within_policy = can_reschedule(booking.starts_at, now, notice) || goodwill;
    if by == MovedBy::Customer && (!within_policy || starts_at <= now) {
        let job = CalJob {
            booking_id,
            interviewer_id: booking.interviewer_id,
            uid: new_uid.to_owned(),
            refused_reschedule: true,
        };
        jobs::enqueue(
            &mut tx,
            JOB_CAL_DECLINE,
            &format!("cal_decline:{booking_id}:{new_uid}"),
            &job,
        )
        .await?;
        if booking.status == BookingStatus::Paid {
            email_customer(
                services,
                &mut tx,
                booking_id,
                "customer_reschedule_refused",
                Some(new_uid),
            )
            .await?;
        }
        tx.commit().await?;
        services.work_queued();
        return Ok(RescheduleOutcome::Refused);
    }
    bookings::reschedule(&mut tx, booking_id, new_uid, starts_at, ends_at).await?;
    if goodwill {
        bookings::use_goodwill_reschedule(&mut tx, booking_id).await?;
    }
    if booking.status == BookingStatus::Paid {
        let job = CalJob {
            booking_id,
            interviewer_id: booking.interviewer_id,
            uid: new_uid.to_owned(),
            refused_reschedule: false,
        };
        jobs::enqueue(
            &mut tx,
            JOB_CAL_CONFIRM,
            &format!("cal_confirm:{booking_id}:{new_uid}"),
            &job,
        )
        .await?;
        let moved = bookings::view_by_id(&mut tx, booking_id)
            .await?
            .context("booking vanished")?;
        email_both(
            services,
            &mut tx,
            &moved,
            ("customer_rescheduled", "interviewer_rescheduled"),
            Some(new_uid),
        )
        .await?;
        schedule_reminders(&mut tx, &moved).await?;
    }
    tx.commit().await?;
    services.work_queued();
    Ok(RescheduleOutcome::Moved)
}

/// The payment arrived after cal.com had released the slot (a delayed payment method, say):
/// the slot is not taken back from whoever may have it now. The booking is cancelled, the
/// payment refunded in full, and the customer told, with a link to book again.
pub async fn refund_late_payment(services: &Services, booking_id: i64) -> anyhow::Result<bool> {
    // Cancelled "by the interviewer" (the calendar's side released the slot): a full refund.
    let outcome = cancel_and_tell(
        services,
        booking_id,
        Cancellation {
            by: CancelledBy::Interviewer,
            reason: Some("The slot was released before the payment arrived."),
            customer_email: "customer_slot_released",
            quoted_refund_minor: None,
            tell_calcom: false,
        },
    )
    .await?;
    Ok(matches!(outcome, CancelOutcome::Cancelled { .. }))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeResult {
    Recorded,
    Refused(MarkRefusal),
    UnknownBooking,
}

/// Records whether the session took place, from 15 minutes after its start: `by_user`'s mark
/// (`by_staff` for the one only staff may give). Our policy:
/// - held: nothing more now;
/// - the customer did not come: no refund; cal.com is told; the customer is emailed (with the
///   one free move, if the site allows it);
/// - the interviewer did not come (staff only, also correcting an earlier mark): a full refund
///   at once, cal.com told, both sides emailed (the customer with a link to book again).
pub async fn record_outcome(
    services: &Services,
    booking_id: i64,
    outcome: SessionOutcome,
    by_user: i64,
    by_staff: bool,
) -> anyhow::Result<OutcomeResult> {
    let mut tx = services.pool.begin().await?;
    bookings::lock(&mut tx, booking_id).await?;
    let Some(booking) = bookings::view_by_id(&mut tx, booking_id).await? else {
        return Ok(OutcomeResult::UnknownBooking);
    };
    if let Err(refusal) = may_mark(
        outcome,
        booking.session_outcome,
        booking.status == BookingStatus::Paid,
        booking.starts_at,
        OffsetDateTime::now_utc(),
        by_staff,
    ) {
        return Ok(OutcomeResult::Refused(refusal));
    }
    bookings::set_outcome(&mut tx, booking_id, outcome, Some(by_user), false).await?;
    if outcome == SessionOutcome::Held {
        super::reports::schedule_reminders(&mut tx, booking_id, booking.ends_at).await?;
        super::reviews::schedule_invite(&mut tx, booking_id, booking.ends_at).await?;
    }
    let absent = |host: bool| AbsentJob {
        booking_id,
        interviewer_id: booking.interviewer_id,
        uid: booking.cal_booking_uid.clone(),
        host,
        attendee_email: if host {
            None
        } else {
            booking.customer_email.clone()
        },
    };
    let who = |host: bool| if host { "host" } else { "attendee" };
    match outcome {
        SessionOutcome::Held => {}
        SessionOutcome::CustomerNoShow | SessionOutcome::InterviewerNoShow => {
            let host = outcome == SessionOutcome::InterviewerNoShow;
            jobs::enqueue(
                &mut tx,
                JOB_CAL_MARK_ABSENT,
                &format!(
                    "cal_mark_absent:{booking_id}:{}:{}",
                    booking.cal_booking_uid,
                    who(host)
                ),
                &absent(host),
            )
            .await?;
        }
    }
    match outcome {
        SessionOutcome::Held => {}
        SessionOutcome::CustomerNoShow => {
            email_customer(
                services,
                &mut tx,
                booking_id,
                "customer_missed",
                Some(&booking.cal_booking_uid),
            )
            .await?;
        }
        SessionOutcome::InterviewerNoShow => {
            if let Some(payment_intent) = booking.payment_intent_id.as_deref()
                && bookings::set_guarantee_refund(
                    &mut tx,
                    booking_id,
                    booking.amount_paid(),
                    "The interviewer did not come.",
                )
                .await?
            {
                queue_refund(
                    &mut tx,
                    &booking,
                    payment_intent,
                    booking.amount_paid(),
                    true,
                )
                .await?;
            }
            let marked = bookings::view_by_id(&mut tx, booking_id)
                .await?
                .context("booking vanished")?;
            email_both(
                services,
                &mut tx,
                &marked,
                ("customer_interviewer_absent", "interviewer_marked_absent"),
                None,
            )
            .await?;
        }
    }
    tx.commit().await?;
    services.work_queued();
    Ok(OutcomeResult::Recorded)
}

/// A paid session nobody marked counts as held 24 hours after its end (the sweep calls this;
/// staff see such sessions marked "assumed"). Returns whether it was assumed now.
pub async fn assume_held(services: &Services, booking_id: i64) -> anyhow::Result<bool> {
    let mut tx = services.pool.begin().await?;
    bookings::lock(&mut tx, booking_id).await?;
    let Some(booking) = bookings::view_by_id(&mut tx, booking_id).await? else {
        return Ok(false);
    };
    if booking.status != BookingStatus::Paid
        || booking.session_outcome.is_some()
        || booking.ends_at + ASSUME_HELD_AFTER_END > OffsetDateTime::now_utc()
    {
        return Ok(false);
    }
    bookings::set_outcome(&mut tx, booking_id, SessionOutcome::Held, None, true).await?;
    super::reports::schedule_reminders(&mut tx, booking_id, booking.ends_at).await?;
    super::reviews::schedule_invite(&mut tx, booking_id, booking.ends_at).await?;
    tx.commit().await?;
    Ok(true)
}

/// The interviewer confirms they have the customer's information: the customer is told once.
pub async fn acknowledge(
    services: &Services,
    booking_id: i64,
    note: Option<&str>,
) -> anyhow::Result<bool> {
    let mut tx = services.pool.begin().await?;
    if !bookings::acknowledge(&mut tx, booking_id, note).await? {
        return Ok(false);
    }
    email_customer(
        services,
        &mut tx,
        booking_id,
        "customer_acknowledgement",
        None,
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(true)
}

/// Staff refund a paid booking in full under the satisfaction guarantee (from the booking, or
/// from the customer's claim, which this decides). The booking becomes `refunded` once
/// Stripe accepts the refund; the customer is emailed now.
pub async fn refund_under_guarantee(
    services: &Services,
    booking_id: i64,
    reason: &str,
    staff_user: i64,
) -> anyhow::Result<bool> {
    let mut tx = services.pool.begin().await?;
    bookings::lock(&mut tx, booking_id).await?;
    let Some(booking) = bookings::view_by_id(&mut tx, booking_id).await? else {
        return Ok(false);
    };
    let Some(payment_intent) = booking.payment_intent_id.clone() else {
        return Ok(false);
    };
    let paid = booking.amount_paid();
    if !bookings::set_guarantee_refund(&mut tx, booking_id, paid, reason).await? {
        return Ok(false);
    }
    queue_refund(&mut tx, &booking, &payment_intent, paid, true).await?;
    // A claim the customer made is decided by this refund, in the same transaction: a crash
    // leaves the claim open with no refund queued, or both done.
    crate::db::claims::decide(
        &mut tx,
        booking_id,
        crate::db::claims::ClaimState::Refunded,
        None,
        staff_user,
    )
    .await?;
    email_customer(
        services,
        &mut tx,
        booking_id,
        "customer_guarantee_refund",
        None,
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(true)
}

/// Stripe refunded the payment.
pub async fn mark_refunded(services: &Services, booking_id: i64) -> anyhow::Result<bool> {
    let mut tx = services.pool.begin().await?;
    let moved = bookings::transition(
        &mut tx,
        booking_id,
        BookingStatus::allowed_sources(BookingStatus::Refunded),
        BookingStatus::Refunded,
    )
    .await?;
    bookings::set_refunded(&mut tx, booking_id).await?;
    tx.commit().await?;
    Ok(moved)
}
