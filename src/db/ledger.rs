//! The earnings ledger (migration `ledger`): append-only entries of each booking's money at
//! Stripe and of how it is shared. Nothing here updates or deletes an entry.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::domain::Currency;

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "ledger_kind", rename_all = "snake_case")]
pub enum LedgerKind {
    Charge,
    StripeFee,
    Refund,
    CoopShare,
    InterviewerShare,
}

/// A movement of a booking's money at Stripe, named by the Stripe object it records.
pub struct MoneyEntry<'a> {
    pub booking_id: i64,
    pub interviewer_id: i64,
    pub kind: LedgerKind,
    pub currency: Currency,
    pub amount_minor: i64,
    pub source: &'a str,
}

/// The booking a ledger transaction records money for.
pub struct LockedBooking {
    pub interviewer_id: i64,
    pub currency: Currency,
}

/// Locks the booking's row for the rest of the transaction, so two jobs recording its money
/// (a charge and a refund) take turns.
pub async fn lock_booking(
    conn: &mut PgConnection,
    booking_id: i64,
) -> sqlx::Result<Option<LockedBooking>> {
    sqlx::query_as!(
        LockedBooking,
        r#"select interviewer_id, currency as "currency: Currency"
           from booking where booking_id = $1 for update"#,
        booking_id
    )
    .fetch_optional(conn)
    .await
}

/// Appends `entry` unless its Stripe object is recorded already; whether it was appended.
pub async fn append_money(conn: &mut PgConnection, entry: &MoneyEntry<'_>) -> sqlx::Result<bool> {
    let inserted = sqlx::query_scalar!(
        "insert into ledger_entry (booking_id, interviewer_id, kind, currency, amount_minor, source)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (kind, source) where source is not null do nothing
         returning ledger_entry_id",
        entry.booking_id,
        entry.interviewer_id,
        entry.kind as LedgerKind,
        entry.currency.code(),
        entry.amount_minor,
        entry.source
    )
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

/// A booking's entries added up in one currency.
#[derive(Debug)]
pub struct BookingTotals {
    pub currency: Currency,
    /// Charges, fees and refunds: what Stripe holds for this booking.
    pub money_minor: i64,
    pub coop_minor: i64,
    pub interviewer_minor: i64,
}

pub async fn booking_totals(
    conn: &mut PgConnection,
    booking_id: i64,
) -> sqlx::Result<Vec<BookingTotals>> {
    sqlx::query_as!(
        BookingTotals,
        r#"select currency as "currency!: Currency",
                  coalesce(sum(amount_minor) filter (where kind in ('charge', 'stripe_fee', 'refund')), 0)::bigint as "money_minor!",
                  coalesce(sum(amount_minor) filter (where kind = 'coop_share'), 0)::bigint as "coop_minor!",
                  coalesce(sum(amount_minor) filter (where kind = 'interviewer_share'), 0)::bigint as "interviewer_minor!"
           from ledger_entry where booking_id = $1
           group by currency order by currency"#,
        booking_id
    )
    .fetch_all(conn)
    .await
}

/// Appends a share entry (a difference from the shares recorded so far).
pub async fn append_share(
    conn: &mut PgConnection,
    booking_id: i64,
    interviewer_id: i64,
    kind: LedgerKind,
    currency: Currency,
    amount_minor: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into ledger_entry (booking_id, interviewer_id, kind, currency, amount_minor)
         values ($1, $2, $3, $4, $5)",
        booking_id,
        interviewer_id,
        kind as LedgerKind,
        currency.code(),
        amount_minor
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One booking's line on an earnings page: its entries added up by kind, and what decides
/// whether the interviewer's share is payable yet.
#[derive(Debug, Clone)]
pub struct EarningsLine {
    pub booking_id: i64,
    pub public_id: String,
    pub interviewer_name: String,
    pub customer_name: Option<String>,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub held: bool,
    pub report_delivered: bool,
    pub open_claim: bool,
    pub currency: Currency,
    pub paid_minor: i64,
    pub fee_minor: i64,
    pub refunds_minor: i64,
    pub coop_minor: i64,
    pub interviewer_minor: i64,
}

/// Every booking with money in the ledger, newest session first: `interviewer_id`'s only,
/// or everyone's (`None`, staff). One statement.
pub async fn earnings_lines(
    pool: &PgPool,
    interviewer_id: Option<i64>,
) -> sqlx::Result<Vec<EarningsLine>> {
    sqlx::query_as!(
        EarningsLine,
        r#"select b.booking_id, b.public_id, i.name as interviewer_name, b.customer_name,
                  b.starts_at, b.ends_at,
                  coalesce(b.session_outcome = 'held', false) as "held!",
                  (r.submitted_at is not null) as "report_delivered!",
                  exists (select 1 from guarantee_claim g
                          where g.booking_id = b.booking_id and g.state = 'open') as "open_claim!",
                  e.currency as "currency!: Currency",
                  coalesce(sum(e.amount_minor) filter (where e.kind = 'charge'), 0)::bigint as "paid_minor!",
                  coalesce(sum(e.amount_minor) filter (where e.kind = 'stripe_fee'), 0)::bigint as "fee_minor!",
                  coalesce(sum(e.amount_minor) filter (where e.kind = 'refund'), 0)::bigint as "refunds_minor!",
                  coalesce(sum(e.amount_minor) filter (where e.kind = 'coop_share'), 0)::bigint as "coop_minor!",
                  coalesce(sum(e.amount_minor) filter (where e.kind = 'interviewer_share'), 0)::bigint as "interviewer_minor!"
           from ledger_entry e
           join booking b on b.booking_id = e.booking_id
           join interviewer i on i.interviewer_id = e.interviewer_id
           left join feedback_report r on r.booking_id = b.booking_id
           where ($1::bigint is null or e.interviewer_id = $1)
           group by b.booking_id, i.name, r.submitted_at, e.currency
           order by b.starts_at desc, b.booking_id desc"#,
        interviewer_id
    )
    .fetch_all(pool)
    .await
}
