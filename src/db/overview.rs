//! SQL for staff's overview: bookings by status, money, claims, and per interviewer, all
//! time and this month (UTC), and paid bookings per week.

use serde::Deserialize;
use sqlx::{PgPool, types::Json};

use crate::domain::Currency;

#[derive(Debug, Clone, Deserialize)]
pub struct StatusCount {
    pub status: String,
    pub all_time: i64,
    pub this_month: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MoneyRow {
    pub currency: Currency,
    pub gross_all: i64,
    pub refunds_all: i64,
    pub gross_month: i64,
    pub refunds_month: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InterviewerRow {
    pub name: String,
    pub held: i64,
    pub review_count: i32,
    pub review_sum: i32,
    pub overdue_reports: i64,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct WeekRow {
    /// Monday of the week, `YYYY-MM-DD`.
    pub week: String,
    pub paid: i64,
}

pub struct Overview {
    pub statuses: Vec<StatusCount>,
    pub money: Vec<MoneyRow>,
    pub held_all: i64,
    pub held_month: i64,
    pub claims_all: i64,
    pub claims_month: i64,
    pub claims_refunded: i64,
    pub interviewers: Vec<InterviewerRow>,
    pub weeks: Vec<WeekRow>,
}

/// Everything the overview shows, in one statement. "This month" counts bookings by when they
/// were made; money by when it was paid or refunded.
pub async fn overview(pool: &PgPool, weeks: i32) -> sqlx::Result<Overview> {
    let row = sqlx::query!(
        r#"
        with month as (select date_trunc('month', now() at time zone 'UTC') at time zone 'UTC' as start)
        select
            coalesce((select json_agg(s order by s.status) from (
                select b.status::text as status, count(*) as all_time,
                       count(*) filter (where b.created_at >= (select start from month)) as this_month
                from booking b group by b.status) s), '[]') as "statuses!: Json<Vec<StatusCount>>",
            coalesce((select json_agg(m order by m.currency) from (
                select b.currency,
                       coalesce(sum(coalesce(b.amount_paid_minor, b.price_minor)) filter (where b.paid_at is not null), 0)::bigint as gross_all,
                       coalesce(sum(b.refund_minor) filter (where b.refunded_at is not null), 0)::bigint as refunds_all,
                       coalesce(sum(coalesce(b.amount_paid_minor, b.price_minor)) filter (where b.paid_at >= (select start from month)), 0)::bigint as gross_month,
                       coalesce(sum(b.refund_minor) filter (where b.refunded_at >= (select start from month)), 0)::bigint as refunds_month
                from booking b group by b.currency) m), '[]') as "money!: Json<Vec<MoneyRow>>",
            (select count(*) from booking where session_outcome = 'held') as "held_all!",
            (select count(*) from booking where session_outcome = 'held'
                and starts_at >= (select start from month)) as "held_month!",
            (select count(*) from guarantee_claim) as "claims_all!",
            (select count(*) from guarantee_claim where created_at >= (select start from month)) as "claims_month!",
            (select count(*) from guarantee_claim where state = 'refunded') as "claims_refunded!",
            coalesce((select json_agg(x order by x.name) from (
                select i.name,
                       count(b.booking_id) filter (where b.session_outcome = 'held') as held,
                       i.review_count, i.review_sum,
                       count(b.booking_id) filter (
                           where b.session_outcome = 'held' and b.ends_at < now() - interval '48 hours'
                             and not exists (select 1 from feedback_report r
                                             where r.booking_id = b.booking_id and r.submitted_at is not null)
                       ) as overdue_reports
                from interviewer i left join booking b using (interviewer_id)
                group by i.interviewer_id
                having count(b.booking_id) > 0 or i.review_count > 0) x), '[]')
                as "interviewers!: Json<Vec<InterviewerRow>>",
            coalesce((select json_agg(w order by w.week) from (
                select to_char(g.week, 'YYYY-MM-DD') as week,
                       (select count(*) from booking b
                        where b.paid_at >= g.week at time zone 'UTC'
                          and b.paid_at < (g.week + interval '7 days') at time zone 'UTC') as paid
                from generate_series(
                    date_trunc('week', now() at time zone 'UTC') - make_interval(weeks => $1 - 1),
                    date_trunc('week', now() at time zone 'UTC'), interval '7 days') as g(week)) w), '[]')
                as "weeks!: Json<Vec<WeekRow>>"
        "#,
        weeks
    )
    .fetch_one(pool)
    .await?;
    Ok(Overview {
        statuses: row.statuses.0,
        money: row.money.0,
        held_all: row.held_all,
        held_month: row.held_month,
        claims_all: row.claims_all,
        claims_month: row.claims_month,
        claims_refunded: row.claims_refunded,
        interviewers: row.interviewers.0,
        weeks: row.weeks.0,
    })
}
