//! Staff's overview: this month's and all-time bookings by status, money in and refunded,
//! guarantee claims (count and rate), each interviewer's rating and overdue reports, and a
//! chart of paid bookings per week: an SVG drawn here, readable without JavaScript, with the
//! same numbers in a table for screen readers and anyone who prefers one.

use std::fmt::Write;

use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::{AdminPage, session::Staff};
use crate::{
    db::overview::{self, WeekRow},
    domain::{BookingStatus, Money, reviews::rating},
    paths,
    web::{AppState, error::AppError},
};

/// How many weeks the chart shows.
const WEEKS: i32 = 12;

#[derive(Serialize)]
struct StatusLine {
    label: &'static str,
    all_time: i64,
    this_month: i64,
}

#[derive(Serialize)]
struct MoneyLine {
    currency: String,
    gross_all: String,
    refunds_all: String,
    net_all: String,
    gross_month: String,
    refunds_month: String,
    net_month: String,
}

#[derive(Serialize)]
struct InterviewerLine {
    name: String,
    held: i64,
    rating: Option<String>,
    overdue_reports: i64,
}

#[derive(Serialize)]
struct OverviewContent {
    statuses: Vec<StatusLine>,
    money: Vec<MoneyLine>,
    held_all: i64,
    held_month: i64,
    claims_all: i64,
    claims_month: i64,
    claims_refunded: i64,
    /// Claims per held session, as a percentage with one decimal ("4.2%"), or "–".
    claim_rate: String,
    interviewers: Vec<InterviewerLine>,
    weeks: Vec<WeekRow>,
    /// The chart, drawn from `weeks` (escaped here; shown as markup).
    chart_svg: String,
}

fn status_label(db: &str) -> &'static str {
    [
        BookingStatus::Held,
        BookingStatus::AwaitingPayment,
        BookingStatus::Paid,
        BookingStatus::Expired,
        BookingStatus::Cancelled,
        BookingStatus::Refunded,
    ]
    .into_iter()
    .find(|s| s.as_db() == db)
    .map_or("Other", BookingStatus::label)
}

/// "4.2%" of `part` in `whole`, or "–" with nothing to divide by.
fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "–".to_owned();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Bars of paid bookings per week. Text in the SVG is escaped by construction (numbers and
/// `YYYY-MM-DD` dates only).
fn chart(weeks: &[WeekRow]) -> String {
    let (width, height, top, bottom) = (640.0_f64, 180.0_f64, 16.0_f64, 28.0_f64);
    let max = weeks.iter().map(|w| w.paid).max().unwrap_or(0).max(1) as f64;
    let slot = width / weeks.len().max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title" data-testid="weekly-chart"><title id="chart-title">Paid bookings per week, last {n} weeks</title>"#,
        n = weeks.len()
    );
    for (i, week) in weeks.iter().enumerate() {
        let bar = (height - top - bottom) * week.paid as f64 / max;
        let x = i as f64 * slot + slot * 0.15;
        let y = height - bottom - bar;
        let _ = write!(
            svg,
            r#"<g><title>Week of {date}: {paid} paid</title><rect class="chart__bar" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{bar:.1}"/><text class="chart__value" x="{cx:.1}" y="{ty:.1}" text-anchor="middle">{paid}</text><text class="chart__label" x="{cx:.1}" y="{ly:.1}" text-anchor="middle">{short}</text></g>"#,
            date = week.week,
            paid = week.paid,
            w = slot * 0.7,
            cx = x + slot * 0.35,
            ty = (y - 4.0).max(12.0),
            ly = height - 10.0,
            short = week.week.get(5..).unwrap_or(&week.week),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// `GET /admin/overview` (staff).
pub async fn show_overview(
    State(state): State<AppState>,
    Staff(admin): Staff,
) -> Result<Response, AppError> {
    let data = overview::overview(&state.pool, WEEKS).await?;
    let money = data
        .money
        .iter()
        .map(|m| {
            let show = |minor: i64| Money::new(minor, m.currency).to_string();
            MoneyLine {
                currency: m.currency.code().to_owned(),
                gross_all: show(m.gross_all),
                refunds_all: show(m.refunds_all),
                net_all: show(m.gross_all - m.refunds_all),
                gross_month: show(m.gross_month),
                refunds_month: show(m.refunds_month),
                net_month: show(m.gross_month - m.refunds_month),
            }
        })
        .collect();
    let content = OverviewContent {
        statuses: data
            .statuses
            .iter()
            .map(|s| StatusLine {
                label: status_label(&s.status),
                all_time: s.all_time,
                this_month: s.this_month,
            })
            .collect(),
        money,
        held_all: data.held_all,
        held_month: data.held_month,
        claims_all: data.claims_all,
        claims_month: data.claims_month,
        claims_refunded: data.claims_refunded,
        claim_rate: percent(data.claims_all, data.held_all),
        interviewers: data
            .interviewers
            .iter()
            .map(|i| InterviewerLine {
                name: i.name.clone(),
                held: i.held,
                rating: rating(i.review_count, i.review_sum).map(|r| r.label),
                overdue_reports: i.overdue_reports,
            })
            .collect(),
        chart_svg: chart(&data.weeks),
        weeks: data.weeks,
    };
    let page = AdminPage::new(&state, paths::ADMIN_OVERVIEW, "Overview", content)
        .user(&admin)
        .section("overview");
    Ok(state
        .render("admin/overview.html", None, &page)?
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_have_one_decimal_and_nothing_divides_by_zero() {
        assert_eq!(percent(1, 24), "4.2%");
        assert_eq!(percent(0, 10), "0.0%");
        assert_eq!(percent(3, 0), "–");
    }

    #[test]
    fn the_chart_has_a_bar_and_a_label_per_week() {
        let weeks: Vec<WeekRow> = (1..=3)
            .map(|i| WeekRow {
                week: format!("2026-11-0{i}"),
                paid: i,
            })
            .collect();
        let svg = chart(&weeks);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("<title>Week of 2026-11-03: 3 paid</title>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
