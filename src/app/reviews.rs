//! Verified reviews: the customer of a held, paid session reviews it once from their booking
//! page; staff hide one only for a listed reason (recorded, and shown to its author); the
//! interviewer replies once, publicly. Profiles and cards show the published ones.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Services, lifecycle};
use crate::{
    db::{
        bookings::{self, BookingView},
        jobs, reviews,
    },
    domain::{
        BookingStatus, SessionOutcome,
        forms::{FieldErrors, clean_text},
        reviews::{HideReason, MAX_REPLY, MAX_REVIEW, display_name},
    },
};

pub const JOB_REVIEW_INVITE: &str = "review_invite";

/// The `review_invite` job: 24 hours after a held session, unless the report's email has
/// invited the customer already.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReviewInviteJob {
    pub booking_id: i64,
}

/// Whether the customer may review this booking now: a held session they paid for, not
/// reviewed yet.
pub fn can_review(booking: &BookingView) -> bool {
    booking.review.is_none()
        && booking.paid_at.is_some()
        && booking.session_outcome == Some(SessionOutcome::Held)
        && matches!(
            booking.status,
            BookingStatus::Paid | BookingStatus::Refunded
        )
}

#[derive(Debug)]
pub enum ReviewOutcome {
    Published,
    /// The messages per field; `rating` and `body` as posted, to show again.
    Invalid {
        errors: FieldErrors,
    },
    /// Not a held, paid session, or reviewed already.
    NotAllowed,
    NotFound,
}

/// The customer's review, from their booking page (the public id is their credential).
pub async fn submit(
    services: &Services,
    public_id: &str,
    rating: Option<i16>,
    body: &str,
    anonymous: bool,
) -> anyhow::Result<ReviewOutcome> {
    let Some(booking) = bookings::view_by_public_id(&services.pool, public_id).await? else {
        return Ok(ReviewOutcome::NotFound);
    };
    if !can_review(&booking) {
        return Ok(ReviewOutcome::NotAllowed);
    }
    let body = clean_text(body);
    let mut errors = FieldErrors::new();
    if !rating.is_some_and(|r| (1..=5).contains(&r)) {
        errors.insert("rating", "Choose from 1 to 5 stars.".to_owned());
    }
    MAX_REVIEW.check(
        &mut errors,
        "body",
        &body,
        Some("Say in a few words how the session went."),
    );
    if !errors.is_empty() {
        return Ok(ReviewOutcome::Invalid { errors });
    }
    let name = display_name(booking.customer_name.as_deref(), anonymous);
    let mut tx = services.pool.begin().await?;
    let written = reviews::insert(
        &mut tx,
        booking.booking_id,
        booking.interviewer_id,
        rating.unwrap_or(5),
        &body,
        &name,
    )
    .await?;
    tx.commit().await?;
    Ok(if written {
        ReviewOutcome::Published
    } else {
        ReviewOutcome::NotAllowed
    })
}

/// Staff hide a review, for one of the listed reasons only. Returns whether it was hidden
/// now (false: no review, or hidden already).
pub async fn hide(
    services: &Services,
    booking: &BookingView,
    reason: HideReason,
    staff_user: i64,
) -> anyhow::Result<bool> {
    let mut tx = services.pool.begin().await?;
    let hidden = reviews::hide(&mut tx, booking.booking_id, reason, staff_user).await?;
    tx.commit().await?;
    Ok(hidden)
}

#[derive(Debug)]
pub enum ReplyOutcome {
    Replied,
    Invalid(String),
    /// No review, or replied already.
    NotAllowed,
}

/// The interviewer's one public reply to the review of their booking.
pub async fn reply(
    services: &Services,
    booking: &BookingView,
    text: &str,
) -> anyhow::Result<ReplyOutcome> {
    let text = clean_text(text);
    if let Err(message) = MAX_REPLY.require(text.clone(), "Write your reply first.") {
        return Ok(ReplyOutcome::Invalid(message));
    }
    if booking.review.as_ref().is_none_or(|r| r.reply.is_some()) {
        return Ok(ReplyOutcome::NotAllowed);
    }
    let mut tx = services.pool.begin().await?;
    let done = reviews::reply(&mut tx, booking.booking_id, &text).await?;
    tx.commit().await?;
    Ok(if done {
        ReplyOutcome::Replied
    } else {
        ReplyOutcome::NotAllowed
    })
}

/// Schedules the review invitation for 24 hours after a held session's end (or now, when
/// that has passed). The report's email invites too; the invitation is sent once either way.
pub async fn schedule_invite(
    conn: &mut sqlx::PgConnection,
    booking_id: i64,
    ends_at: OffsetDateTime,
) -> sqlx::Result<()> {
    let due = (ends_at + time::Duration::hours(24)).max(OffsetDateTime::now_utc());
    jobs::enqueue_at(
        conn,
        JOB_REVIEW_INVITE,
        &format!("review_invite:{booking_id}"),
        &ReviewInviteJob { booking_id },
        due,
    )
    .await?;
    Ok(())
}

/// The invitation is due: sent unless the customer has reviewed already, the report's email
/// invited them already, or the session is no longer one to review.
pub async fn send_invite(services: &Services, job: &ReviewInviteJob) -> anyhow::Result<bool> {
    let Some(booking) =
        bookings::view_by_id(&mut *services.pool.acquire().await?, job.booking_id).await?
    else {
        return Ok(false);
    };
    if !can_review(&booking)
        || super::reports::submitted_report(services, &booking)
            .await?
            .is_some()
    {
        return Ok(false);
    }
    let mut tx = services.pool.begin().await?;
    lifecycle::email_about(
        services,
        &mut tx,
        booking.booking_id,
        "customer_review_invite",
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(true)
}
