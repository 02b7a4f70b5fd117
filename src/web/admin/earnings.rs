//! `GET /admin/earnings` and `GET /admin/earnings.csv`: what an interviewer has earned (staff:
//! every interviewer), booking by booking from the ledger: paid, Stripe's fee, refunds, the
//! co-op's share and theirs, and whether theirs is pending or payable; with the totals.

use std::collections::BTreeMap;

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use time::OffsetDateTime;

use super::{AdminPage, bookings::scope, session::Admin};
use crate::{
    db::ledger::{self, EarningsLine},
    domain::{
        Currency, Money,
        earnings::{ShareFacts, ShareState, share_state},
        reference,
    },
    paths,
    web::{AppState, error::AppError},
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
    state: ShareState,
    state_label: &'static str,
}

#[derive(Serialize)]
struct TotalsView {
    currency: String,
    pending: String,
    payable: String,
    pending_month: String,
    payable_month: String,
}

#[derive(Serialize)]
struct EarningsContent {
    lines: Vec<LineView>,
    totals: Vec<TotalsView>,
    is_staff: bool,
    coop_share_percent: u32,
    claim_days: u32,
    csv_url: &'static str,
}

/// One currency's interviewer shares by state, all time and for this month's sessions.
#[derive(Default)]
struct ShareSums {
    pending: i64,
    payable: i64,
    pending_month: i64,
    payable_month: i64,
}

impl ShareSums {
    fn add(&mut self, state: ShareState, share_minor: i64, this_month: bool) {
        let (all, month) = match state {
            ShareState::Pending => (&mut self.pending, &mut self.pending_month),
            ShareState::Payable => (&mut self.payable, &mut self.payable_month),
        };
        *all += share_minor;
        if this_month {
            *month += share_minor;
        }
    }
}

/// A line with its share's state worked out.
struct Line {
    line: EarningsLine,
    state: ShareState,
}

/// The lines `admin` may see (their own; staff: everyone's), each with its share's state.
async fn lines_for(
    state: &AppState,
    admin: &Admin,
    now: OffsetDateTime,
) -> Result<Vec<Line>, AppError> {
    let lines = ledger::earnings_lines(&state.pool, scope(admin)?).await?;
    let claim_days = state.config.booking.guarantee_claim_days;
    Ok(lines
        .into_iter()
        .map(|line| {
            let facts = ShareFacts {
                held: line.held,
                report_delivered: line.report_delivered,
                ends_at: line.ends_at,
                open_claim: line.open_claim,
            };
            Line {
                state: share_state(&facts, claim_days, now),
                line,
            }
        })
        .collect())
}

/// "Carla" of "Carla Customer": the first name is all these pages show of a customer.
fn first_name(name: Option<&str>) -> String {
    name.and_then(|n| n.split_whitespace().next())
        .unwrap_or("–")
        .to_owned()
}

/// "5 Dec 2026".
fn short_date(at: OffsetDateTime) -> String {
    let month = at.month().to_string();
    format!("{} {} {}", at.day(), &month[..3], at.year())
}

fn same_month(a: OffsetDateTime, b: OffsetDateTime) -> bool {
    a.year() == b.year() && a.month() == b.month()
}

pub async fn show_earnings(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, AppError> {
    let now = OffsetDateTime::now_utc();
    let lines = lines_for(&state, &admin, now).await?;
    // Per currency: pending and payable, all time and for sessions this month (UTC).
    let mut sums: BTreeMap<String, (Currency, ShareSums)> = BTreeMap::new();
    for l in &lines {
        let (_, sum) = sums
            .entry(l.line.currency.code().to_owned())
            .or_insert((l.line.currency, ShareSums::default()));
        sum.add(
            l.state,
            l.line.interviewer_minor,
            same_month(l.line.starts_at, now),
        );
    }
    let totals = sums
        .into_values()
        .map(|(currency, s)| {
            let show = |minor| Money::new(minor, currency).to_string();
            TotalsView {
                currency: currency.code().to_owned(),
                pending: show(s.pending),
                payable: show(s.payable),
                pending_month: show(s.pending_month),
                payable_month: show(s.payable_month),
            }
        })
        .collect();
    let lines = lines
        .into_iter()
        .map(|Line { line, state }| {
            let show = |minor| Money::new(minor, line.currency).to_string();
            LineView {
                date: short_date(line.starts_at),
                reference: reference::of(line.booking_id),
                booking_url: paths::admin_booking(&line.public_id),
                customer: first_name(line.customer_name.as_deref()),
                paid: show(line.paid_minor),
                fee: show(line.fee_minor),
                refunds: show(line.refunds_minor),
                coop: show(line.coop_minor),
                share: show(line.interviewer_minor),
                state,
                state_label: state.label(),
                interviewer: line.interviewer_name,
            }
        })
        .collect();
    let content = EarningsContent {
        lines,
        totals,
        is_staff: admin.is_staff(),
        coop_share_percent: state.config.booking.coop_share_percent,
        claim_days: state.config.booking.guarantee_claim_days,
        csv_url: paths::ADMIN_EARNINGS_CSV,
    };
    let page = AdminPage::new(&state, paths::ADMIN_EARNINGS, "Earnings", content)
        .user(&admin)
        .section("earnings");
    Ok(state
        .render("admin/earnings.html", None, &page)?
        .into_response())
}

/// Quotes a CSV field when it needs it (RFC 4180), and defuses a leading `=`, `+`, `-` or
/// `@` that a spreadsheet would run as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The columns of the CSV export, in order.
pub const CSV_COLUMNS: [&str; 11] = [
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
    "state",
];

pub async fn download_earnings_csv(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, AppError> {
    let now = OffsetDateTime::now_utc();
    let lines = lines_for(&state, &admin, now).await?;
    let mut csv = CSV_COLUMNS.join(",");
    csv.push_str("\r\n");
    for Line { line, state } in lines {
        let amount = |minor| Money::new(minor, line.currency).decimal_amount();
        let date = line.starts_at.date().to_string();
        let fields = [
            date,
            reference::of(line.booking_id),
            line.interviewer_name.clone(),
            first_name(line.customer_name.as_deref()),
            line.currency.code().to_owned(),
            amount(line.paid_minor),
            amount(line.fee_minor),
            amount(line.refunds_minor),
            amount(line.coop_minor),
            amount(line.interviewer_minor),
            state.code().to_owned(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"earnings.csv\""),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-5.52"), "-5.52", "negative amounts stay numbers");
    }

    #[test]
    fn customers_are_shown_by_first_name() {
        assert_eq!(first_name(Some("Carla Customer")), "Carla");
        assert_eq!(first_name(None), "–");
    }
}
