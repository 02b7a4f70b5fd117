//! The earnings ledger (migration `ledger`): append-only entries of each booking's money at
//! Stripe and of how it is shared. Nothing here updates or deletes an entry.

use sqlx::{PgConnection, PgExecutor, PgPool};
use time::{Date, OffsetDateTime};

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
    /// What payouts have covered of the interviewer's share.
    pub paid_out_minor: i64,
    pub interviewer_id: i64,
}

/// Every booking with money in the ledger, newest session first: `interviewer_id`'s only,
/// or everyone's (`None`, staff). One statement.
pub async fn earnings_lines<'e>(
    executor: impl PgExecutor<'e>,
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
                  coalesce(sum(e.amount_minor) filter (where e.kind = 'interviewer_share'), 0)::bigint as "interviewer_minor!",
                  coalesce((select sum(pl.amount_minor) from payout_line pl
                            join payout p on p.payout_id = pl.payout_id
                            where pl.booking_id = b.booking_id and p.currency = e.currency), 0)::bigint as "paid_out_minor!",
                  e.interviewer_id
           from ledger_entry e
           join booking b on b.booking_id = e.booking_id
           join interviewer i on i.interviewer_id = e.interviewer_id
           left join feedback_report r on r.booking_id = b.booking_id
           where ($1::bigint is null or e.interviewer_id = $1)
           group by b.booking_id, i.name, r.submitted_at, e.currency, e.interviewer_id
           order by b.starts_at desc, b.booking_id desc"#,
        interviewer_id
    )
    .fetch_all(executor)
    .await
}

// ------------------------------------------------------------------ payouts

/// Locks the interviewer's row for the rest of the transaction, so two staff recording a
/// payout for them take turns (the second sees the first's lines as paid out). Their name.
pub async fn lock_interviewer(
    conn: &mut PgConnection,
    interviewer_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select name from interviewer where interviewer_id = $1 for update",
        interviewer_id
    )
    .fetch_optional(conn)
    .await
}

/// Whether a payout form with this one-time key was recorded already.
pub async fn payout_request_recorded(
    conn: &mut PgConnection,
    request_key: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from payout where request_key = $1) as "recorded!""#,
        request_key
    )
    .fetch_one(conn)
    .await
}

pub struct NewPayout<'a> {
    pub interviewer_id: i64,
    pub currency: Currency,
    pub amount_minor: i64,
    pub paid_on: Date,
    pub reference: &'a str,
    pub recorded_by: i64,
    pub request_key: &'a str,
}

/// Inserts the payout and the lines it covers (`(booking_id, amount_minor)`), unless its
/// request key was recorded already (`None`: a double submission).
pub async fn insert_payout(
    conn: &mut PgConnection,
    payout: &NewPayout<'_>,
    lines: &[(i64, i64)],
) -> sqlx::Result<Option<i64>> {
    let Some(payout_id) = sqlx::query_scalar!(
        "insert into payout (interviewer_id, currency, amount_minor, paid_on, reference, recorded_by, request_key)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (request_key) do nothing
         returning payout_id",
        payout.interviewer_id,
        payout.currency.code(),
        payout.amount_minor,
        payout.paid_on,
        payout.reference,
        payout.recorded_by,
        payout.request_key
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let (bookings, amounts): (Vec<i64>, Vec<i64>) = lines.iter().copied().unzip();
    sqlx::query!(
        "insert into payout_line (payout_id, booking_id, amount_minor)
         select $1, booking_id, amount_minor
         from unnest($2::bigint[], $3::bigint[]) as l (booking_id, amount_minor)",
        payout_id,
        &bookings,
        &amounts
    )
    .execute(&mut *conn)
    .await?;
    Ok(Some(payout_id))
}

/// A recorded payout, with the bookings it covered.
#[derive(Debug, Clone)]
pub struct PayoutRow {
    pub payout_id: i64,
    pub interviewer_id: i64,
    pub interviewer_name: String,
    pub currency: Currency,
    pub amount_minor: i64,
    pub paid_on: Date,
    pub reference: String,
    pub recorded_by: Option<String>,
    pub booking_ids: Vec<i64>,
}

/// Payouts, latest first: `interviewer_id`'s only, or everyone's (`None`). One statement.
pub async fn payouts(pool: &PgPool, interviewer_id: Option<i64>) -> sqlx::Result<Vec<PayoutRow>> {
    sqlx::query_as!(
        PayoutRow,
        r#"select p.payout_id, p.interviewer_id, i.name as interviewer_name,
                  p.currency as "currency: Currency", p.amount_minor, p.paid_on, p.reference,
                  coalesce(nullif(u.name, ''), u.email) as recorded_by,
                  array(select pl.booking_id from payout_line pl
                        where pl.payout_id = p.payout_id order by pl.booking_id) as "booking_ids!"
           from payout p
           join interviewer i on i.interviewer_id = p.interviewer_id
           left join app_user u on u.user_id = p.recorded_by
           where ($1::bigint is null or p.interviewer_id = $1)
           order by p.paid_on desc, p.payout_id desc"#,
        interviewer_id
    )
    .fetch_all(pool)
    .await
}

/// One month's money in one currency, by when it moved: charges, refunds (as a positive
/// amount) and the interviewers' shares.
#[derive(Debug, Clone)]
pub struct MonthMoney {
    /// `YYYY-MM`.
    pub month: String,
    pub currency: Currency,
    pub gross_minor: i64,
    pub refunds_minor: i64,
    pub members_minor: i64,
}

/// The last `months` calendar months (UTC, this one included), every month present for
/// each currency the ledger holds, oldest first. One statement.
pub async fn monthly_money(pool: &PgPool, months: i32) -> sqlx::Result<Vec<MonthMoney>> {
    sqlx::query_as!(
        MonthMoney,
        r#"with month as (
               select generate_series(
                   date_trunc('month', now() at time zone 'utc') - make_interval(months => $1 - 1),
                   date_trunc('month', now() at time zone 'utc'),
                   interval '1 month') as start
           ), currency as (select distinct currency from ledger_entry)
           select to_char(m.start, 'YYYY-MM') as "month!", c.currency as "currency!: Currency",
                  coalesce(sum(e.amount_minor) filter (where e.kind = 'charge'), 0)::bigint as "gross_minor!",
                  (-coalesce(sum(e.amount_minor) filter (where e.kind = 'refund'), 0))::bigint as "refunds_minor!",
                  coalesce(sum(e.amount_minor) filter (where e.kind = 'interviewer_share'), 0)::bigint as "members_minor!"
           from month m
           cross join currency c
           left join ledger_entry e
                  on e.currency = c.currency
                 and e.created_at >= m.start at time zone 'utc'
                 and e.created_at < (m.start + interval '1 month') at time zone 'utc'
           group by m.start, c.currency
           order by c.currency, m.start"#,
        months
    )
    .fetch_all(pool)
    .await
}
