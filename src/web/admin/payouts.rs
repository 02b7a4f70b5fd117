//! Staff's payouts: what is payable to each interviewer, "record payout" (the date, the amount
//! and a reference for money sent outside Stripe), the payouts so far with a CSV for the
//! co-op's bookkeeping, and a monthly chart of gross, refunds and members' earnings (an SVG
//! drawn here, with the same numbers in a table). The rules are `crate::app::earnings`.

use std::fmt::Write;

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::{AdminPage, earnings::PayoutView, session::Staff};
use crate::{
    app::earnings::{self, PayoutOutcome, RecordPayout},
    auth::tokens,
    db::ledger::{self, MonthMoney},
    domain::{
        Currency, Money,
        earnings::{MAX_PAYOUT_REFERENCE, PayoutInput, can_pay_out},
        forms::{FieldErrors, Limit},
        reference,
    },
    paths,
    web::{
        AppState,
        csv::Csv,
        error::AppError,
        forms::{Form, Query},
    },
};

/// How many months the chart shows.
const MONTHS: i32 = 12;

/// What a "record payout" form shows: the values to fill in, and the server's messages when
/// this is the form that was sent back.
#[derive(Serialize, Default, Clone)]
struct PayoutFormView {
    paid_on: String,
    amount: String,
    reference: String,
    request_key: String,
    errors: FieldErrors,
}

#[derive(Serialize)]
struct BalanceView {
    interviewer_id: i64,
    interviewer: String,
    currency: String,
    pending: String,
    payable: String,
    paid_out: String,
    /// Negative: refunds after a payout, made up from the next earnings.
    owed_back: bool,
    /// Present when there is something to pay.
    form: Option<PayoutFormView>,
}

#[derive(Serialize)]
struct MonthView {
    month: String,
    gross: String,
    refunds: String,
    members: String,
}

#[derive(Serialize)]
struct ChartView {
    currency: String,
    /// The tallest bar's amount: the chart's scale.
    tallest: String,
    svg: String,
    months: Vec<MonthView>,
}

#[derive(Serialize)]
struct PayoutsContent {
    balances: Vec<BalanceView>,
    payouts: Vec<PayoutView>,
    charts: Vec<ChartView>,
    reference_limit: Limit,
    today: String,
    csv_url: &'static str,
    record_action: &'static str,
    done: Option<&'static str>,
    error: Option<String>,
}

/// The form sent back, to show again with its messages.
struct SentBack<'a> {
    interviewer_id: i64,
    currency: Currency,
    form: &'a PayoutForm,
    errors: FieldErrors,
}

/// The latest date a payout may carry: today somewhere on Earth (UTC+14).
fn latest_payout_date() -> time::Date {
    (OffsetDateTime::now_utc() + Duration::hours(14)).date()
}

async fn render(
    state: &AppState,
    admin: &super::session::Admin,
    done: Option<&'static str>,
    error: Option<String>,
    sent_back: Option<SentBack<'_>>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let claim_days = state.config.booking.guarantee_claim_days;
    let now = OffsetDateTime::now_utc();
    let lines = earnings::lines(&state.pool, None, claim_days, now).await?;
    let payouts = ledger::payouts(&state.pool, None).await?;
    let months = ledger::monthly_money(&state.pool, MONTHS).await?;
    let today = now.date().to_string();
    let balances = earnings::balances(&lines)
        .into_iter()
        .map(|b| {
            let show = |minor| Money::new(minor, b.currency).to_string();
            let payable = Money::new(b.payable_minor, b.currency);
            let form = can_pay_out(payable).then(|| match &sent_back {
                Some(s) if s.interviewer_id == b.interviewer_id && s.currency == b.currency => {
                    PayoutFormView {
                        paid_on: s.form.paid_on.clone(),
                        amount: s.form.amount.clone(),
                        reference: s.form.reference.clone(),
                        request_key: s.form.request_key.clone(),
                        errors: s.errors.clone(),
                    }
                }
                _ => PayoutFormView {
                    paid_on: today.clone(),
                    amount: payable.decimal_amount(),
                    reference: String::new(),
                    request_key: tokens::new_token(),
                    errors: FieldErrors::new(),
                },
            });
            BalanceView {
                interviewer_id: b.interviewer_id,
                interviewer: b.interviewer_name,
                currency: b.currency.code().to_owned(),
                pending: show(b.pending_minor),
                payable: payable.to_string(),
                paid_out: show(b.paid_out_minor),
                owed_back: b.payable_minor < 0,
                form,
            }
        })
        .collect();
    let content = PayoutsContent {
        balances,
        payouts: payouts.iter().map(PayoutView::of).collect(),
        charts: charts(&months),
        reference_limit: MAX_PAYOUT_REFERENCE,
        today,
        csv_url: paths::ADMIN_PAYOUTS_CSV,
        record_action: paths::ADMIN_PAYOUTS,
        done,
        error,
    };
    let page = AdminPage::new(state, paths::ADMIN_PAYOUTS, "Payouts", content)
        .user(admin)
        .section("payouts");
    Ok((status, state.render("admin/payouts.html", None, &page)?).into_response())
}

#[derive(Deserialize, Default)]
pub struct PayoutsQuery {
    done: Option<String>,
}

/// `GET /admin/payouts` (staff).
pub async fn show_payouts(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Query(q): Query<PayoutsQuery>,
) -> Result<Response, AppError> {
    let done = match q.done.as_deref() {
        Some("recorded") => Some("Payout recorded: the bookings it covers are now paid out."),
        _ => None,
    };
    render(&state, &admin, done, None, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PayoutForm {
    #[serde(default)]
    interviewer_id: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    request_key: String,
}

/// `POST /admin/payouts` (staff): records one interviewer's payout in one currency.
pub async fn record_payout(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Form(form): Form<PayoutForm>,
) -> Result<Response, AppError> {
    let interviewer_id = form
        .interviewer_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let currency = Currency::parse(form.currency.trim()).ok_or(AppError::NotFound)?;
    let request_key = form.request_key.trim();
    if request_key.is_empty() || request_key.len() > 100 {
        let error = "This form has expired: record the payout again from this page.".to_owned();
        return render(
            &state,
            &admin,
            None,
            Some(error),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let outcome = earnings::record_payout(
        &state.services,
        &RecordPayout {
            interviewer_id,
            currency,
            input: PayoutInput {
                paid_on: &form.paid_on,
                amount: &form.amount,
                reference: &form.reference,
            },
            request_key,
            recorded_by: admin.0.user_id,
            today: latest_payout_date(),
        },
    )
    .await?;
    match outcome {
        PayoutOutcome::Recorded { .. } | PayoutOutcome::AlreadyRecorded => Ok(Redirect::to(
            &paths::with_outcome(paths::ADMIN_PAYOUTS, "done", "recorded"),
        )
        .into_response()),
        PayoutOutcome::UnknownInterviewer => Err(AppError::NotFound),
        PayoutOutcome::NothingPayable(balance) => {
            let error = format!(
                "Nothing is payable in {} to this interviewer now (their balance is {balance}), so no payout was recorded.",
                currency.code()
            );
            render(
                &state,
                &admin,
                None,
                Some(error),
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        PayoutOutcome::Invalid(errors) => {
            let sent_back = SentBack {
                interviewer_id,
                currency,
                form: &form,
                errors,
            };
            render(
                &state,
                &admin,
                None,
                None,
                Some(sent_back),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// The columns of the payouts CSV, in order.
pub const PAYOUTS_CSV_COLUMNS: [&str; 8] = [
    "payout_id",
    "paid_on",
    "interviewer",
    "currency",
    "amount",
    "reference",
    "recorded_by",
    "bookings",
];

/// `GET /admin/payouts.csv` (staff): every payout, with the bookings it covered.
pub async fn download_payouts_csv(
    State(state): State<AppState>,
    Staff(_admin): Staff,
) -> Result<Response, AppError> {
    let payouts = ledger::payouts(&state.pool, None).await?;
    let mut csv = Csv::new(&PAYOUTS_CSV_COLUMNS);
    for p in payouts {
        let bookings: Vec<String> = p.booking_ids.iter().map(|id| reference::of(*id)).collect();
        csv.row(&[
            p.payout_id.to_string(),
            p.paid_on.to_string(),
            p.interviewer_name,
            p.currency.code().to_owned(),
            Money::new(p.amount_minor, p.currency).decimal_amount(),
            p.reference,
            p.recorded_by.unwrap_or_default(),
            bookings.join(" "),
        ]);
    }
    Ok(csv.into_download("payouts.csv"))
}

/// One chart (and table) per currency.
fn charts(months: &[MonthMoney]) -> Vec<ChartView> {
    let mut charts: Vec<ChartView> = Vec::new();
    let mut start = 0;
    while start < months.len() {
        let currency = months[start].currency;
        let end = months[start..]
            .iter()
            .position(|m| m.currency != currency)
            .map_or(months.len(), |n| start + n);
        let of_currency = &months[start..end];
        let tallest = of_currency
            .iter()
            .flat_map(|m| [m.gross_minor, m.refunds_minor, m.members_minor])
            .max()
            .unwrap_or(0);
        charts.push(ChartView {
            currency: currency.code().to_owned(),
            tallest: Money::new(tallest, currency).to_string(),
            svg: monthly_chart(of_currency, charts.len()),
            months: of_currency
                .iter()
                .map(|m| {
                    let show = |minor| Money::new(minor, m.currency).to_string();
                    MonthView {
                        month: m.month.clone(),
                        gross: show(m.gross_minor),
                        refunds: show(m.refunds_minor),
                        members: show(m.members_minor),
                    }
                })
                .collect(),
        });
        start = end;
    }
    charts
}

/// "Dec" of "2026-12".
fn month_label(month: &str) -> &'static str {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    month
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| NAMES.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or("")
}

/// Three bars a month (gross, refunds, members' earnings), scaled to the largest. The text
/// in it is ours (month names, amounts formatted from integers), so nothing needs escaping.
fn monthly_chart(months: &[MonthMoney], n: usize) -> String {
    let (width, height, top, bottom) = (640.0_f64, 200.0_f64, 16.0_f64, 28.0_f64);
    let max = months
        .iter()
        .flat_map(|m| [m.gross_minor, m.refunds_minor, m.members_minor])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = width / months.len().max(1) as f64;
    let bar_width = slot * 0.24;
    let currency = months.first().map_or("", |m| m.currency.code());
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="money-chart-{n}-title" data-testid="monthly-chart"><title id="money-chart-{n}-title">Gross, refunds and members' earnings per month in {currency}, last {count} months</title>"#,
        count = months.len()
    );
    for (i, m) in months.iter().enumerate() {
        let show = |minor| Money::new(minor, m.currency).to_string();
        let _ = write!(
            svg,
            r#"<g><title>{month}: gross {gross}, refunds {refunds}, members {members}</title>"#,
            month = m.month,
            gross = show(m.gross_minor),
            refunds = show(m.refunds_minor),
            members = show(m.members_minor),
        );
        for (j, (class, value)) in [
            ("gross", m.gross_minor),
            ("refunds", m.refunds_minor),
            ("members", m.members_minor),
        ]
        .into_iter()
        .enumerate()
        {
            let bar = (height - top - bottom) * value.max(0) as f64 / max;
            let x = i as f64 * slot + slot * 0.14 + j as f64 * bar_width;
            let _ = write!(
                svg,
                r#"<rect class="chart__bar chart__bar--{class}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{bar:.1}"/>"#,
                y = height - bottom - bar,
                w = bar_width * 0.9,
            );
        }
        let _ = write!(
            svg,
            r#"<text class="chart__label" x="{cx:.1}" y="{ly:.1}" text-anchor="middle">{label}</text></g>"#,
            cx = i as f64 * slot + slot / 2.0,
            ly = height - 10.0,
            label = month_label(&m.month),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(month: &str, gross: i64, refunds: i64, members: i64) -> MonthMoney {
        MonthMoney {
            month: month.to_owned(),
            currency: Currency::USD,
            gross_minor: gross,
            refunds_minor: refunds,
            members_minor: members,
        }
    }

    #[test]
    fn the_chart_has_three_bars_and_a_label_per_month() {
        let months = [
            month("2026-11", 18_000, 0, 13_958),
            month("2026-12", 36_000, 18_000, 13_958),
        ];
        let svg = monthly_chart(&months, 0);
        assert_eq!(svg.matches("<rect").count(), 6);
        assert_eq!(svg.matches("chart__bar--refunds").count(), 2);
        assert!(svg.contains(">Nov</text>") && svg.contains(">Dec</text>"));
        assert!(svg.contains("2026-12: gross $360, refunds $180, members $139.58"));
    }

    #[test]
    fn one_chart_per_currency() {
        let mut months = vec![month("2026-11", 1, 0, 0), month("2026-12", 2, 0, 0)];
        months.push(MonthMoney {
            currency: Currency::parse("EUR").unwrap(),
            ..month("2026-12", 3, 0, 0)
        });
        let charts = charts(&months);
        let shape: Vec<(&str, usize)> = charts
            .iter()
            .map(|c| (c.currency.as_str(), c.months.len()))
            .collect();
        assert_eq!(shape, [("USD", 2), ("EUR", 1)]);
    }
}
