//! `GET /admin/earnings` and `GET /admin/earnings.csv`: what an interviewer has earned (staff:
//! every interviewer), booking by booking from the ledger: paid, Stripe's fee, refunds, the
//! co-op's share and theirs, and whether theirs is pending, payable or paid out; with the
//! totals and the payouts they were sent.

use std::collections::BTreeMap;

use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::{AdminPage, bookings::scope, session::Admin};
use crate::{
    app::earnings::{self, Line},
    db::ledger::{self, PayoutRow},
    domain::{Currency, Money, earnings::ShareState, reference},
    paths,
    web::{AppState, csv::Csv, error::AppError},
};

#[derive(Serialize)]
struct LineView {
    date: String,
    reference: String,
    booking_url: String,
    customer: String,
    interviewer: String,
    paid: String,
    fee: String,
    refunds: String,
    coop: String,
    share: String,
    paid_out: String,
    state: ShareState,
    state_label: &'static str,
}

#[derive(Serialize)]
struct TotalsView {
    currency: String,
    pending: String,
    payable: String,
    paid_out: String,
    pending_month: String,
    payable_month: String,
    paid_out_month: String,
}

#[derive(Serialize)]
pub(super) struct PayoutView {
    pub paid_on: String,
    pub interviewer: String,
    pub amount: String,
    pub reference: String,
    pub recorded_by: String,
    pub bookings: usize,
}

impl PayoutView {
    pub fn of(p: &PayoutRow) -> Self {
        PayoutView {
            paid_on: short_date(p.paid_on),
            interviewer: p.interviewer_name.clone(),
            amount: Money::new(p.amount_minor, p.currency).to_string(),
            reference: p.reference.clone(),
            recorded_by: p.recorded_by.clone().unwrap_or_else(|| "–".to_owned()),
            bookings: p.booking_ids.len(),
        }
    }
}

#[derive(Serialize)]
struct EarningsContent {
    lines: Vec<LineView>,
    totals: Vec<TotalsView>,
    payouts: Vec<PayoutView>,
    is_staff: bool,
    coop_share_percent: u32,
    claim_days: u32,
    csv_url: &'static str,
    payouts_url: &'static str,
}

/// One currency's interviewer shares: unpaid by state, all time and for this month's
/// sessions, and what was paid out, all time and this month.
#[derive(Default)]
struct ShareSums {
    pending: i64,
    payable: i64,
    paid_out: i64,
    pending_month: i64,
    payable_month: i64,
    paid_out_month: i64,
}

/// "Carla" of "Carla Customer": the first name is all these pages show of a customer.
pub(super) fn first_name(name: Option<&str>) -> String {
    name.and_then(|n| n.split_whitespace().next())
        .unwrap_or("–")
        .to_owned()
}

/// "5 Dec 2026".
pub(super) fn short_date(date: Date) -> String {
    let month = date.month().to_string();
    format!("{} {} {}", date.day(), &month[..3], date.year())
}

fn same_month(a: Date, b: Date) -> bool {
    a.year() == b.year() && a.month() == b.month()
}

/// The lines `admin` may see (their own; staff: everyone's).
async fn lines_for(state: &AppState, admin: &Admin) -> Result<Vec<Line>, AppError> {
    let claim_days = state.config.booking.guarantee_claim_days;
    let now = OffsetDateTime::now_utc();
    Ok(earnings::lines(&state.pool, scope(admin)?, claim_days, now).await?)
}

fn totals(lines: &[Line], payouts: &[PayoutRow], today: Date) -> Vec<TotalsView> {
    let mut sums: BTreeMap<String, (Currency, ShareSums)> = BTreeMap::new();
    fn sum_of(
        sums: &mut BTreeMap<String, (Currency, ShareSums)>,
        currency: Currency,
    ) -> &mut ShareSums {
        &mut sums
            .entry(currency.code().to_owned())
            .or_insert((currency, ShareSums::default()))
            .1
    }
    for l in lines {
        let sum = sum_of(&mut sums, l.line.currency);
        let this_month = same_month(l.line.starts_at.date(), today);
        let (all, month) = match l.state {
            ShareState::Pending => (&mut sum.pending, &mut sum.pending_month),
            ShareState::Payable => (&mut sum.payable, &mut sum.payable_month),
            ShareState::PaidOut => continue,
        };
        *all += l.unpaid_minor();
        if this_month {
            *month += l.unpaid_minor();
        }
    }
    for p in payouts {
        let sum = sum_of(&mut sums, p.currency);
        sum.paid_out += p.amount_minor;
        if same_month(p.paid_on, today) {
            sum.paid_out_month += p.amount_minor;
        }
    }
    sums.into_values()
        .map(|(currency, s)| {
            let show = |minor| Money::new(minor, currency).to_string();
            TotalsView {
                currency: currency.code().to_owned(),
                pending: show(s.pending),
                payable: show(s.payable),
                paid_out: show(s.paid_out),
                pending_month: show(s.pending_month),
                payable_month: show(s.payable_month),
                paid_out_month: show(s.paid_out_month),
            }
        })
        .collect()
}

pub async fn show_earnings(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, AppError> {
    let lines = lines_for(&state, &admin).await?;
    let payouts = ledger::payouts(&state.pool, scope(&admin)?).await?;
    let today = OffsetDateTime::now_utc().date();
    let content = EarningsContent {
        totals: totals(&lines, &payouts, today),
        lines: lines
            .into_iter()
            .map(|l| {
                let unpaid = l.unpaid_minor();
                let Line { line, state } = l;
                let show = |minor| Money::new(minor, line.currency).to_string();
                LineView {
                    date: short_date(line.starts_at.date()),
                    reference: reference::of(line.booking_id),
                    booking_url: paths::admin_booking(&line.public_id),
                    customer: first_name(line.customer_name.as_deref()),
                    paid: show(line.paid_minor),
                    fee: show(line.fee_minor),
                    refunds: show(line.refunds_minor),
                    coop: show(line.coop_minor),
                    share: show(line.interviewer_minor),
                    paid_out: show(line.paid_out_minor),
                    state,
                    state_label: if unpaid < 0 {
                        "Refunded after payout"
                    } else {
                        state.label()
                    },
                    interviewer: line.interviewer_name,
                }
            })
            .collect(),
        payouts: payouts.iter().map(PayoutView::of).collect(),
        is_staff: admin.is_staff(),
        coop_share_percent: state.config.booking.coop_share_percent,
        claim_days: state.config.booking.guarantee_claim_days,
        csv_url: paths::ADMIN_EARNINGS_CSV,
        payouts_url: paths::ADMIN_PAYOUTS,
    };
    let page = AdminPage::new(&state, paths::ADMIN_EARNINGS, "Earnings", content)
        .user(&admin)
        .section("earnings");
    Ok(state
        .render("admin/earnings.html", None, &page)?
        .into_response())
}

/// The columns of the CSV export, in order.
pub const CSV_COLUMNS: [&str; 12] = [
    "session_date",
    "reference",
    "interviewer",
    "customer_first_name",
    "currency",
    "paid",
    "stripe_fee",
    "refunds",
    "coop_share",
    "interviewer_share",
    "paid_out",
    "state",
];

pub async fn download_earnings_csv(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, AppError> {
    let lines = lines_for(&state, &admin).await?;
    let mut csv = Csv::new(&CSV_COLUMNS);
    for Line { line, state } in lines {
        let amount = |minor| Money::new(minor, line.currency).decimal_amount();
        csv.row(&[
            line.starts_at.date().to_string(),
            reference::of(line.booking_id),
            line.interviewer_name.clone(),
            first_name(line.customer_name.as_deref()),
            line.currency.code().to_owned(),
            amount(line.paid_minor),
            amount(line.fee_minor),
            amount(line.refunds_minor),
            amount(line.coop_minor),
            amount(line.interviewer_minor),
            amount(line.paid_out_minor),
            state.code().to_owned(),
        ]);
    }
    Ok(csv.into_download("earnings.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_are_shown_by_first_name() {
        assert_eq!(first_name(Some("Carla Customer")), "Carla");
        assert_eq!(first_name(None), "–");
    }
}
