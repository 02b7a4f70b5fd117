//! Recording a booking's money in the earnings ledger as Stripe reports it: the charge and
//! Stripe's fee (from the charge's balance transaction), each refund, and after each of them
//! the co-op's and the interviewer's shares (`domain::earnings::shares`). Each runs in one
//! transaction holding the booking's row, and records a Stripe object at most once, so the
//! outbox jobs calling these can be retried and run on several instances.
//!
//! Also what the ledger means for people: each booking's line with its share's state
//! (pending, payable, paid out), the balances per interviewer, and staff recording a payout.

use std::collections::BTreeMap;

use anyhow::Context;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use super::Services;
use crate::{
    db::ledger::{self, EarningsLine, LedgerKind, MoneyEntry, NewPayout},
    domain::{
        Currency, Money,
        earnings::{
            PayoutInput, ShareFacts, ShareState, can_pay_out, share_state, shares, validate_payout,
        },
        forms::FieldErrors,
    },
    integrations::stripe::{ChargeSummary, Refund},
};

/// What recording found.
#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    /// New entries were appended.
    Appended,
    /// Everything was recorded already (a retried job).
    AlreadyRecorded,
    /// Stripe has not made the charge's balance transaction yet: ask again later.
    NotSettledYet,
}

/// Records the booking's charge and Stripe's fee on it.
pub async fn record_charge(
    services: &Services,
    booking_id: i64,
    charge: &ChargeSummary,
) -> anyhow::Result<Recorded> {
    let Some(balance) = &charge.balance_transaction else {
        return Ok(Recorded::NotSettledYet);
    };
    let currency = charge
        .currency
        .as_deref()
        .and_then(Currency::parse)
        .context("the charge has no currency we know")?;
    let fee_minor = fee_in_charge_currency(
        balance.fee,
        &balance.currency,
        currency,
        balance.exchange_rate,
    )?;
    let mut tx = services.pool.begin().await?;
    let interviewer_id = ledger::lock_booking(&mut tx, booking_id)
        .await?
        .context("no such booking")?
        .interviewer_id;
    let entry = |kind, amount_minor, source| MoneyEntry {
        booking_id,
        interviewer_id,
        kind,
        currency,
        amount_minor,
        source,
    };
    let charged = ledger::append_money(
        &mut tx,
        &entry(LedgerKind::Charge, charge.amount, &charge.id),
    )
    .await?;
    let fee = ledger::append_money(
        &mut tx,
        &entry(LedgerKind::StripeFee, -fee_minor, &balance.id),
    )
    .await?;
    if !(charged || fee) {
        return Ok(Recorded::AlreadyRecorded);
    }
    share_again(services, &mut tx, booking_id, interviewer_id).await?;
    tx.commit().await?;
    Ok(Recorded::Appended)
}

/// Records a refund Stripe accepted for the booking's own payment.
pub async fn record_refund(
    services: &Services,
    booking_id: i64,
    refund: &Refund,
) -> anyhow::Result<Recorded> {
    let mut tx = services.pool.begin().await?;
    let booking = ledger::lock_booking(&mut tx, booking_id)
        .await?
        .context("no such booking")?;
    let interviewer_id = booking.interviewer_id;
    let currency = refund
        .currency
        .as_deref()
        .and_then(Currency::parse)
        .unwrap_or(booking.currency);
    let appended = ledger::append_money(
        &mut tx,
        &MoneyEntry {
            booking_id,
            interviewer_id,
            kind: LedgerKind::Refund,
            currency,
            amount_minor: -refund.amount.abs(),
            source: &refund.id,
        },
    )
    .await?;
    if !appended {
        return Ok(Recorded::AlreadyRecorded);
    }
    share_again(services, &mut tx, booking_id, interviewer_id).await?;
    tx.commit().await?;
    Ok(Recorded::Appended)
}

/// Appends the differences between the shares the rule gives for the booking's net now and
/// the shares recorded so far (none when nothing changed).
async fn share_again(
    services: &Services,
    conn: &mut PgConnection,
    booking_id: i64,
    interviewer_id: i64,
) -> anyhow::Result<()> {
    let percent = services.config.booking.coop_share_percent;
    for totals in ledger::booking_totals(conn, booking_id).await? {
        let target = shares(totals.money_minor, percent);
        for (kind, recorded, wanted) in [
            (LedgerKind::CoopShare, totals.coop_minor, target.coop_minor),
            (
                LedgerKind::InterviewerShare,
                totals.interviewer_minor,
                target.interviewer_minor,
            ),
        ] {
            if wanted != recorded {
                ledger::append_share(
                    conn,
                    booking_id,
                    interviewer_id,
                    kind,
                    totals.currency,
                    wanted - recorded,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// A booking's line with its share's state worked out.
#[derive(Debug, Clone)]
pub struct Line {
    pub line: EarningsLine,
    pub state: ShareState,
}

impl Line {
    /// What of the interviewer's share is still to be paid out (negative: owed back).
    pub fn unpaid_minor(&self) -> i64 {
        self.line.interviewer_minor - self.line.paid_out_minor
    }
}

/// The ledger's lines (`interviewer_id`'s, or everyone's), each with its share's state at
/// `now`.
pub async fn lines<'e>(
    executor: impl PgExecutor<'e>,
    interviewer_id: Option<i64>,
    claim_days: u32,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<Line>> {
    let lines = ledger::earnings_lines(executor, interviewer_id).await?;
    Ok(lines
        .into_iter()
        .map(|line| {
            let facts = ShareFacts {
                held: line.held,
                report_delivered: line.report_delivered,
                ends_at: line.ends_at,
                open_claim: line.open_claim,
                share_minor: line.interviewer_minor,
                paid_out_minor: line.paid_out_minor,
            };
            Line {
                state: share_state(&facts, claim_days, now),
                line,
            }
        })
        .collect())
}

/// One interviewer's shares in one currency, by state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    pub interviewer_id: i64,
    pub interviewer_name: String,
    pub currency: Currency,
    pub pending_minor: i64,
    /// What the next payout would be (refunds after a payout already deducted).
    pub payable_minor: i64,
    pub paid_out_minor: i64,
}

/// The balances the lines add up to, per interviewer and currency, by name.
pub fn balances(lines: &[Line]) -> Vec<Balance> {
    let mut by_key: BTreeMap<(String, i64, String), Balance> = BTreeMap::new();
    for l in lines {
        let key = (
            l.line.interviewer_name.clone(),
            l.line.interviewer_id,
            l.line.currency.code().to_owned(),
        );
        let balance = by_key.entry(key).or_insert_with(|| Balance {
            interviewer_id: l.line.interviewer_id,
            interviewer_name: l.line.interviewer_name.clone(),
            currency: l.line.currency,
            pending_minor: 0,
            payable_minor: 0,
            paid_out_minor: 0,
        });
        balance.paid_out_minor += l.line.paid_out_minor;
        match l.state {
            ShareState::Pending => balance.pending_minor += l.unpaid_minor(),
            ShareState::Payable => balance.payable_minor += l.unpaid_minor(),
            ShareState::PaidOut => {}
        }
    }
    by_key.into_values().collect()
}

/// A payout staff are recording.
pub struct RecordPayout<'a> {
    pub interviewer_id: i64,
    pub currency: Currency,
    pub input: PayoutInput<'a>,
    /// The form's one-time key.
    pub request_key: &'a str,
    pub recorded_by: i64,
    /// The latest date the payout may carry.
    pub today: Date,
}

#[derive(Debug, PartialEq, Eq)]
pub enum PayoutOutcome {
    /// Recorded; every payable line of the interviewer in that currency is paid out.
    Recorded {
        interviewer_name: String,
        amount: Money,
    },
    /// This form was submitted before (a double click, a resubmitted page).
    AlreadyRecorded,
    /// Nothing to pay: the payable balance (zero, or negative while refunds after a payout
    /// are being made up).
    NothingPayable(Money),
    Invalid(FieldErrors),
    UnknownInterviewer,
}

/// Records that staff paid an interviewer their payable balance in one currency, moving each
/// payable line to paid out. Under the interviewer's row lock, so the balance checked is the
/// one recorded, and two staff recording at once take turns; a refund recorded meanwhile
/// only changes the line's share, and the difference is carried to the next payout.
pub async fn record_payout(
    services: &Services,
    payout: &RecordPayout<'_>,
) -> anyhow::Result<PayoutOutcome> {
    let mut tx = services.pool.begin().await?;
    let Some(interviewer_name) = ledger::lock_interviewer(&mut tx, payout.interviewer_id).await?
    else {
        return Ok(PayoutOutcome::UnknownInterviewer);
    };
    if ledger::payout_request_recorded(&mut tx, payout.request_key).await? {
        return Ok(PayoutOutcome::AlreadyRecorded);
    }
    let claim_days = services.config.booking.guarantee_claim_days;
    let now = OffsetDateTime::now_utc();
    let covered: Vec<(i64, i64)> = lines(&mut *tx, Some(payout.interviewer_id), claim_days, now)
        .await?
        .iter()
        .filter(|l| l.line.currency == payout.currency && l.state == ShareState::Payable)
        .map(|l| (l.line.booking_id, l.unpaid_minor()))
        .filter(|(_, unpaid)| *unpaid != 0)
        .collect();
    let payable = Money::new(covered.iter().map(|(_, m)| m).sum(), payout.currency);
    if !can_pay_out(payable) {
        return Ok(PayoutOutcome::NothingPayable(payable));
    }
    let valid = match validate_payout(&payout.input, payable, payout.today) {
        Ok(valid) => valid,
        Err(errors) => return Ok(PayoutOutcome::Invalid(errors)),
    };
    let recorded = ledger::insert_payout(
        &mut tx,
        &NewPayout {
            interviewer_id: payout.interviewer_id,
            currency: payout.currency,
            amount_minor: valid.amount_minor,
            paid_on: valid.paid_on,
            reference: &valid.reference,
            recorded_by: payout.recorded_by,
            request_key: payout.request_key,
        },
        &covered,
    )
    .await?;
    if recorded.is_none() {
        return Ok(PayoutOutcome::AlreadyRecorded);
    }
    tx.commit().await?;
    tracing::info!(
        interviewer.id = payout.interviewer_id,
        amount = %payable,
        lines = covered.len(),
        "payout recorded"
    );
    Ok(PayoutOutcome::Recorded {
        interviewer_name,
        amount: payable,
    })
}

/// Stripe's fee in the charge's currency. The balance transaction is in the currency Stripe
/// settles in; when that is another one, its `exchange_rate` (settlement per charge unit)
/// converts the fee back, rounded to the minor unit (docs/earnings.md).
fn fee_in_charge_currency(
    fee_minor: i64,
    settlement_currency: &str,
    charge_currency: Currency,
    exchange_rate: Option<f64>,
) -> anyhow::Result<i64> {
    if settlement_currency.eq_ignore_ascii_case(charge_currency.code()) {
        return Ok(fee_minor);
    }
    let rate = exchange_rate
        .filter(|r| r.is_finite() && *r > 0.0)
        .context("a balance transaction in another currency without an exchange rate")?;
    Ok((fee_minor as f64 / rate).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fee_settled_in_another_currency_is_converted_back() {
        let usd = Currency::USD;
        assert_eq!(fee_in_charge_currency(552, "usd", usd, None).unwrap(), 552);
        // A USD charge settled in EUR at 0.92 EUR per USD: 5.08 EUR of fee is 5.52 USD.
        assert_eq!(
            fee_in_charge_currency(508, "eur", usd, Some(0.92)).unwrap(),
            552
        );
        assert!(fee_in_charge_currency(508, "eur", usd, None).is_err());
    }
}
