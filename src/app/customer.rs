//! The customer's own booking page (`/bookings/{id}`): what it shows, and the two things it
//! lets them do under our policy (not cal.com's): cancel, with the refund shown before they
//! confirm, and move the booking to another time through cal.com's reschedule flow.
//!
//! The unguessable public id is the credential: whoever has the link from the emails may
//! look and act, as with any booking confirmation link.

use time::OffsetDateTime;

use super::{
    Services,
    lifecycle::{self, CancelOutcome, MovedBy, RescheduleOutcome},
    throttle,
};
use crate::{
    db::{
        bookings::{self, BookingView},
        limits::{self, Taken},
    },
    domain::{
        BookingStatus, Money, SessionOutcome,
        booking::{CustomerChoices, customer_choices},
    },
};

/// What the customer may do with `booking` now (a cancel's refund, a move), by our policy.
/// `None` unless the booking is paid and has not started, or (goodwill, if the site allows
/// it) its customer did not come and has not used their one free move yet.
pub fn choices(
    services: &Services,
    booking: &BookingView,
    now: OffsetDateTime,
) -> Option<CustomerChoices> {
    if booking.status != BookingStatus::Paid {
        return None;
    }
    let policy = &services.config.booking;
    let choices = customer_choices(
        booking.amount_paid().minor,
        booking.starts_at,
        now,
        policy.refund_window_hours,
        policy.reschedule_notice_hours,
    );
    if !choices.started {
        return Some(choices);
    }
    let goodwill = booking.session_outcome == Some(SessionOutcome::CustomerNoShow)
        && policy.goodwill_reschedule_after_no_show
        && !booking.goodwill_reschedule_used;
    goodwill.then_some(CustomerChoices {
        cancel_refund_minor: 0,
        can_cancel: false,
        can_reschedule: true,
        ..choices
    })
}

/// The booking behind a page's public id (one statement).
pub async fn booking(services: &Services, public_id: &str) -> anyhow::Result<Option<BookingView>> {
    Ok(bookings::view_by_public_id(&services.pool, public_id).await?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerCancel {
    /// Cancelled; the refund (possibly zero) is on its way and both sides are emailed.
    Cancelled {
        refund: Money,
    },
    /// The refund is no longer the one they were shown (the window closed while they
    /// read): nothing changed; show them the new one.
    RefundChanged {
        refund: Money,
    },
    /// Not paid, already cancelled, or started: nothing to cancel.
    NotCancellable,
    NotFound,
}

/// The customer confirms a cancel, having been shown a refund of `quoted_refund_minor`.
pub async fn cancel(
    services: &Services,
    public_id: &str,
    quoted_refund_minor: i64,
    reason: Option<&str>,
) -> anyhow::Result<CustomerCancel> {
    let Some(booking) = booking(services, public_id).await? else {
        return Ok(CustomerCancel::NotFound);
    };
    if !choices(services, &booking, OffsetDateTime::now_utc()).is_some_and(|c| c.can_cancel) {
        return Ok(CustomerCancel::NotCancellable);
    }
    Ok(
        match lifecycle::cancel_by_customer(
            services,
            booking.booking_id,
            quoted_refund_minor,
            reason,
        )
        .await?
        {
            CancelOutcome::Cancelled { refund } => CustomerCancel::Cancelled { refund },
            CancelOutcome::QuoteChanged { refund } => CustomerCancel::RefundChanged { refund },
            CancelOutcome::NotCancellable => CustomerCancel::NotCancellable,
        },
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerReschedule {
    /// Moved to the new time; the new cal.com booking is being confirmed, both are emailed.
    Moved,
    /// Our policy refuses it (too close to the start): the new request is being declined.
    Refused,
    /// We could not check with cal.com now: its webhook will move the booking.
    Pending,
    /// The uid is not a reschedule of this booking (or not one cal.com knows).
    NotThisBooking,
    /// Not a booking that can move (unpaid, cancelled, started).
    NotMovable,
    TooManyAttempts {
        retry_after_minutes: i64,
    },
    NotFound,
}

/// cal.com's reschedule flow, opened from the booking page, reports the new booking's uid.
/// As with a new booking, nothing from the browser is trusted: cal.com must say the new
/// booking replaces this one (`rescheduledFromUid`). The move itself is the same as when
/// cal.com's `BOOKING_REQUESTED` webhook reports it (whichever comes first wins; the other
/// finds it done).
pub async fn reschedule(
    services: &Services,
    public_id: &str,
    new_uid: &str,
    client_ip: &str,
) -> anyhow::Result<CustomerReschedule> {
    use CustomerReschedule::*;
    let Some(booking) = booking(services, public_id).await? else {
        return Ok(NotFound);
    };
    if booking.cal_booking_uid == new_uid {
        return Ok(Moved);
    }
    if choices(services, &booking, OffsetDateTime::now_utc()).is_none() {
        return Ok(NotMovable);
    }
    if !super::booking::looks_like_cal_uid(new_uid) {
        return Ok(NotThisBooking);
    }
    if let Taken::Limited {
        retry_after_seconds,
    } = limits::take(&services.pool, &throttle::booking_lookup(client_ip)).await?
    {
        return Ok(TooManyAttempts {
            retry_after_minutes: throttle::minutes(retry_after_seconds),
        });
    }
    let Some(key) = services.cal_key_for(booking.interviewer_id).await? else {
        return Ok(Pending);
    };
    let new = match services.calcom.get_booking(new_uid, &key).await {
        Ok(Some(new)) => new,
        Ok(None) => return Ok(NotThisBooking),
        Err(err) => {
            tracing::warn!(error = %err, "cal.com unreachable; the reschedule webhook will move the booking");
            return Ok(Pending);
        }
    };
    if new.rescheduled_from_uid.as_deref() != Some(booking.cal_booking_uid.as_str())
        || !matches!(new.status.as_str(), "pending" | "accepted")
    {
        return Ok(NotThisBooking);
    }
    Ok(
        match lifecycle::reschedule(
            services,
            booking.booking_id,
            &new.uid,
            new.start,
            new.end,
            MovedBy::Customer,
        )
        .await?
        {
            RescheduleOutcome::Moved | RescheduleOutcome::AlreadyMoved => Moved,
            RescheduleOutcome::Refused => Refused,
            RescheduleOutcome::NotMovable => NotMovable,
        },
    )
}
