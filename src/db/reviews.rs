//! SQL for verified reviews. The interviewer's published count and sum (for the cards) change
//! in the same transaction as the review they count.

use serde::Deserialize;
use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::domain::reviews::HideReason;

/// A review as the booking pages and the admin panel show it (read with the booking: see
/// `bookings::BookingView::review`).
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewRow {
    pub rating: i16,
    pub body: String,
    pub display_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub hidden_reason: Option<HideReason>,
    pub reply: Option<String>,
}

/// Publishes a review of booking `booking_id`, unless it has one. Returns whether this wrote it.
pub async fn insert(
    conn: &mut PgConnection,
    booking_id: i64,
    interviewer_id: i64,
    rating: i16,
    body: &str,
    display_name: &str,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into review (booking_id, interviewer_id, rating, body, display_name)
         values ($1, $2, $3, $4, $5) on conflict (booking_id) do nothing",
        booking_id,
        interviewer_id,
        rating,
        body,
        display_name
    )
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "update interviewer set review_count = review_count + 1, review_sum = review_sum + $2
         where interviewer_id = $1",
        interviewer_id,
        i32::from(rating)
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Hides booking `booking_id`'s review for `reason` (once). Returns whether this hid it.
pub async fn hide(
    conn: &mut PgConnection,
    booking_id: i64,
    reason: HideReason,
    by_user: i64,
) -> sqlx::Result<bool> {
    let hidden = sqlx::query!(
        "update review set hidden_reason = $2, hidden_at = now(), hidden_by = $3
         where booking_id = $1 and hidden_reason is null
         returning interviewer_id, rating",
        booking_id,
        reason as HideReason,
        by_user
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(hidden) = hidden else {
        return Ok(false);
    };
    sqlx::query!(
        "update interviewer set review_count = review_count - 1, review_sum = review_sum - $2
         where interviewer_id = $1",
        hidden.interviewer_id,
        i32::from(hidden.rating)
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// The interviewer's one public reply. Returns whether this wrote it.
pub async fn reply(conn: &mut PgConnection, booking_id: i64, text: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update review set reply = $2, replied_at = now() where booking_id = $1 and reply is null",
        booking_id,
        text
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
