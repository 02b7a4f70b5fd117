//! SQL for guarantee claims: one per booking; decided once (refunded or answered).

use serde::Deserialize;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::domain::{Currency, Money};

/// The `claim_state` PostgreSQL enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type, Deserialize, serde::Serialize)]
#[sqlx(type_name = "claim_state", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    Open,
    Refunded,
    Answered,
}

/// A claim as the booking pages show it (read with the booking: `BookingView::claim`).
#[derive(Debug, Clone, Deserialize)]
pub struct ClaimRow {
    pub reason: String,
    pub state: ClaimState,
    pub staff_reply: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Records the claim unless the booking has one. Returns whether this wrote it.
pub async fn insert(conn: &mut PgConnection, booking_id: i64, reason: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into guarantee_claim (booking_id, reason) values ($1, $2) on conflict do nothing",
        booking_id,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Decides an open claim (refunded, or answered with `reply`). Returns whether this decided it.
pub async fn decide(
    conn: &mut PgConnection,
    booking_id: i64,
    state: ClaimState,
    reply: Option<&str>,
    by_user: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update guarantee_claim set state = $2, staff_reply = $3, decided_at = now(), decided_by = $4
         where booking_id = $1 and state = 'open'",
        booking_id,
        state as ClaimState,
        reply,
        by_user
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One open claim in staff's queue.
pub struct OpenClaim {
    pub public_id: String,
    pub reason: String,
    pub created_at: OffsetDateTime,
    pub starts_at: OffsetDateTime,
    pub customer_name: Option<String>,
    pub interviewer_name: String,
    pub price: Money,
    pub report_submitted: bool,
}

/// Open claims, oldest first: staff's queue.
pub async fn open_claims(pool: &PgPool) -> sqlx::Result<Vec<OpenClaim>> {
    let rows = sqlx::query!(
        r#"select b.public_id, g.reason, g.created_at, b.starts_at, b.customer_name,
                  i.name as interviewer_name,
                  coalesce(b.amount_paid_minor, b.price_minor) as "price_minor!", b.currency as "currency: Currency",
                  exists (select 1 from feedback_report r
                          where r.booking_id = b.booking_id and r.submitted_at is not null)
                      as "report_submitted!"
           from guarantee_claim g
           join booking b using (booking_id)
           join interviewer i using (interviewer_id)
           where g.state = 'open'
           order by g.created_at
           limit 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OpenClaim {
            public_id: r.public_id,
            reason: r.reason,
            created_at: r.created_at,
            starts_at: r.starts_at,
            customer_name: r.customer_name,
            interviewer_name: r.interviewer_name,
            price: Money::new(r.price_minor.into(), r.currency),
            report_submitted: r.report_submitted,
        })
        .collect())
}
