//! Recording a booking's money in the earnings ledger as Stripe reports it: the charge and
//! Stripe's fee (from the charge's balance transaction), each refund, and after each of them
//! the co-op's and the interviewer's shares (`domain::earnings::shares`). Each runs in one
//! transaction holding the booking's row, and records a Stripe object at most once, so the
//! outbox jobs calling these can be retried and run on several instances.

use anyhow::Context;
use sqlx::PgConnection;

use super::Services;
use crate::{
    db::ledger::{self, LedgerKind, MoneyEntry},
    domain::{Currency, earnings::shares},
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
