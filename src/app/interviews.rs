//! The interviewer's side of a booking in the admin panel: reading the resume, acknowledging
//! that they have the customer's information, and (staff) the guarantee refund.

use super::{Services, lifecycle};
use crate::{
    db::bookings::BookingView,
    domain::{
        BookingStatus, SessionOutcome,
        booking::{MAX_ACKNOWLEDGEMENT_NOTE, MAX_REFUND_REASON},
        forms::clean_text,
    },
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcknowledgeOutcome {
    /// The customer is being told (or was already).
    Acknowledged,
    /// The note is not acceptable: the message for the note field.
    InvalidNote(String),
}

/// The interviewer confirms they have the customer's information; the customer is emailed
/// once (a second press changes nothing). `booking` was loaded for this admin, so access was
/// checked.
pub async fn acknowledge_booking(
    services: &Services,
    booking: &BookingView,
    note: &str,
) -> anyhow::Result<AcknowledgeOutcome> {
    let note = clean_text(note);
    if !MAX_ACKNOWLEDGEMENT_NOTE.allows(&note) {
        return Ok(AcknowledgeOutcome::InvalidNote(
            MAX_ACKNOWLEDGEMENT_NOTE.message(&note),
        ));
    }
    lifecycle::acknowledge(
        services,
        booking.booking_id,
        (!note.is_empty()).then_some(note.as_str()),
    )
    .await?;
    Ok(AcknowledgeOutcome::Acknowledged)
}

/// The interviewer (or staff) records whether the session took place; `booking` was loaded
/// for this admin, so access was checked. The rules and their effects are
/// `lifecycle::record_outcome`'s.
pub async fn mark_session(
    services: &Services,
    booking: &BookingView,
    outcome: SessionOutcome,
    by_user: i64,
    by_staff: bool,
) -> anyhow::Result<lifecycle::OutcomeResult> {
    lifecycle::record_outcome(services, booking.booking_id, outcome, by_user, by_staff).await
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    /// Refund queued; the customer is emailed.
    Started,
    /// The message for the reason field.
    InvalidReason(String),
    /// Only a paid booking not yet refunded can be.
    NotRefundable,
}

/// Whether staff may start a guarantee refund of this booking now.
pub fn can_refund_under_guarantee(booking: &BookingView) -> bool {
    booking.status == BookingStatus::Paid
        && booking.refund_reason.is_none()
        && booking.payment_intent_id.is_some()
}

/// Staff refund a paid booking in full under the satisfaction guarantee.
pub async fn refund_under_guarantee(
    services: &Services,
    booking: &BookingView,
    reason: &str,
    staff_user: i64,
) -> anyhow::Result<RefundOutcome> {
    let reason = match MAX_REFUND_REASON
        .require(clean_text(reason), "Please give the reason for the refund.")
    {
        Ok(reason) => reason,
        Err(message) => return Ok(RefundOutcome::InvalidReason(message)),
    };
    Ok(
        if lifecycle::refund_under_guarantee(services, booking.booking_id, &reason, staff_user)
            .await?
        {
            RefundOutcome::Started
        } else {
            RefundOutcome::NotRefundable
        },
    )
}

/// The stored resume of a booking this admin may see, and the file name to offer.
pub async fn resume_of(
    services: &Services,
    booking: &BookingView,
) -> anyhow::Result<Option<(Vec<u8>, String)>> {
    let Some(key) = booking.resume_key.as_deref() else {
        return Ok(None);
    };
    let bytes = services.storage.get(key).await?;
    let filename: String = booking
        .resume_filename
        .as_deref()
        .unwrap_or("resume.pdf")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(Some((bytes, filename)))
}
