//! The earnings rules: how a booking's money is shared between the co-op and the interviewer,
//! and when the interviewer's share may be paid out. The ledger (`db::ledger`) records the
//! money; these rules say what it means.

use time::{Date, Duration, OffsetDateTime, macros::format_description};

use super::{
    Money,
    forms::{FieldErrors, Limit, clean_line},
    money::parse_amount,
};

/// A booking's net (what Stripe keeps for us: paid, less its fee, less refunds) split in two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    pub coop_minor: i64,
    pub interviewer_minor: i64,
}

/// The shares of `net_minor`: the co-op takes `coop_percent` of it, rounded half up to the
/// minor unit, and the interviewer the rest, so the two always add up to the net. A net at or
/// below zero (a booking refunded in full still pays Stripe's fee) is the co-op's alone: an
/// interviewer never owes for a session that was given back.
pub fn shares(net_minor: i64, coop_percent: u32) -> Shares {
    if net_minor <= 0 {
        return Shares {
            coop_minor: net_minor,
            interviewer_minor: 0,
        };
    }
    let coop = (i128::from(net_minor) * i128::from(coop_percent.min(100)) + 50) / 100;
    let coop = i64::try_from(coop).unwrap_or(net_minor);
    Shares {
        coop_minor: coop,
        interviewer_minor: net_minor - coop,
    }
}

/// Where an interviewer's share of one booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    /// Not yet theirs to be paid: the session is not held, its report not delivered, or the
    /// customer may still claim the guarantee.
    Pending,
    /// Held, reported, and past the guarantee window with no open claim; or owed back: a
    /// refund after a payout, deducted from the next one.
    Payable,
    /// Everything of it was paid out.
    PaidOut,
}

impl ShareState {
    /// As the CSV export and the templates name it (the same as its serialized form).
    pub fn code(self) -> &'static str {
        match self {
            ShareState::Pending => "pending",
            ShareState::Payable => "payable",
            ShareState::PaidOut => "paid_out",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ShareState::Pending => "Pending",
            ShareState::Payable => "Payable",
            ShareState::PaidOut => "Paid out",
        }
    }
}

/// What decides a share's state.
pub struct ShareFacts {
    pub held: bool,
    pub report_delivered: bool,
    pub ends_at: OffsetDateTime,
    pub open_claim: bool,
    /// The interviewer's share as the ledger has it now.
    pub share_minor: i64,
    /// What payouts have covered of it so far.
    pub paid_out_minor: i64,
}

impl ShareFacts {
    /// What of the share is still to be paid out: negative when a refund after a payout
    /// took back more than is left.
    pub fn unpaid_minor(&self) -> i64 {
        self.share_minor - self.paid_out_minor
    }
}

/// A share becomes payable once the session was held, the feedback report was delivered and
/// the guarantee window (`claim_days` after the end) has closed without an open claim; it is
/// paid out once payouts cover all of it. What a refund after a payout took back is payable
/// at once (a deduction from the next payout), whatever the rest of the rule says.
pub fn share_state(facts: &ShareFacts, claim_days: u32, now: OffsetDateTime) -> ShareState {
    let unpaid = facts.unpaid_minor();
    if unpaid == 0 && facts.paid_out_minor != 0 {
        return ShareState::PaidOut;
    }
    if unpaid < 0 {
        return ShareState::Payable;
    }
    let window_closed = now >= facts.ends_at + Duration::days(claim_days.into());
    if facts.held && facts.report_delivered && window_closed && !facts.open_claim {
        ShareState::Payable
    } else {
        ShareState::Pending
    }
}

/// The longest a payout's reference (a bank transfer's, say) may be.
pub const MAX_PAYOUT_REFERENCE: Limit = Limit(200);

/// What staff typed to record a payout.
pub struct PayoutInput<'a> {
    pub paid_on: &'a str,
    pub amount: &'a str,
    pub reference: &'a str,
}

/// A payout as it will be recorded.
#[derive(Debug, PartialEq, Eq)]
pub struct ValidPayout {
    pub paid_on: Date,
    pub amount_minor: i64,
    pub reference: String,
}

/// Checks a payout against the interviewer's payable balance: the date it was paid (not
/// after `today`), the amount (all of the balance: a payout moves every payable line to paid
/// out, so it must be exactly what they add up to) and a reference to find it by.
pub fn validate_payout(
    input: &PayoutInput<'_>,
    payable: Money,
    today: Date,
) -> Result<ValidPayout, FieldErrors> {
    let mut errors = FieldErrors::new();
    let paid_on = match Date::parse(
        input.paid_on.trim(),
        format_description!("[year]-[month]-[day]"),
    ) {
        Ok(date) if date > today => {
            errors.insert(
                "paid_on",
                "Record a payout once it has been paid: the date cannot be in the future."
                    .to_owned(),
            );
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.insert(
                "paid_on",
                "Enter the date the money was sent, such as 2026-12-01.".to_owned(),
            );
            None
        }
    };
    let amount_minor = match parse_amount(input.amount, payable.currency) {
        Some(minor) if minor == payable.minor => Some(minor),
        Some(_) => {
            errors.insert(
                "amount",
                format!("A payout covers the whole payable balance, {payable}: enter {} (if you sent a different amount, record it once the balance matches).", payable.decimal_amount()),
            );
            None
        }
        None => {
            errors.insert(
                "amount",
                format!(
                    "Enter the amount sent as a number, such as {}.",
                    payable.decimal_amount()
                ),
            );
            None
        }
    };
    let reference = clean_line(input.reference);
    if reference.is_empty() {
        errors.insert("reference", "Enter the bank transfer's reference (or how else it was paid) so it can be found later.".to_owned());
    } else if !MAX_PAYOUT_REFERENCE.allows(&reference) {
        errors.insert("reference", MAX_PAYOUT_REFERENCE.message(&reference));
    }
    match (paid_on, amount_minor) {
        (Some(paid_on), Some(amount_minor)) if errors.is_empty() => Ok(ValidPayout {
            paid_on,
            amount_minor,
            reference,
        }),
        _ => Err(errors),
    }
}

/// Whether a balance can be paid out at all: only a positive one.
pub fn can_pay_out(payable: Money) -> bool {
    payable.minor > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    #[test]
    fn the_two_shares_always_add_up_to_the_net() {
        assert_eq!(
            shares(17_448, 20),
            Shares {
                coop_minor: 3_490,
                interviewer_minor: 13_958
            }
        );
        for net in [1, 2, 3, 99, 101, 12_345, 999_999] {
            for percent in [0, 1, 15, 20, 33, 50, 100] {
                let s = shares(net, percent);
                assert_eq!(s.coop_minor + s.interviewer_minor, net, "{net} {percent}");
                assert!(s.interviewer_minor >= 0 && s.coop_minor >= 0);
            }
        }
        assert_eq!(shares(1, 50).coop_minor, 1, "half up");
    }

    #[test]
    fn a_refunded_booking_costs_the_interviewer_nothing() {
        assert_eq!(
            shares(-552, 20),
            Shares {
                coop_minor: -552,
                interviewer_minor: 0
            }
        );
        assert_eq!(shares(0, 20).interviewer_minor, 0);
    }

    #[test]
    fn payable_needs_held_reported_and_the_window_closed_without_a_claim() {
        let end = OffsetDateTime::from_unix_timestamp(1_796_126_400).unwrap();
        let facts = |held, report_delivered, open_claim| ShareFacts {
            held,
            report_delivered,
            ends_at: end,
            open_claim,
            share_minor: 13_958,
            paid_out_minor: 0,
        };
        let after = end + Duration::days(14);
        assert_eq!(
            share_state(&facts(true, true, false), 14, after),
            ShareState::Payable
        );
        assert_eq!(
            share_state(&facts(true, true, false), 14, after - Duration::seconds(1)),
            ShareState::Pending,
            "inside the guarantee window"
        );
        assert_eq!(
            share_state(&facts(false, true, false), 14, after),
            ShareState::Pending
        );
        assert_eq!(
            share_state(&facts(true, false, false), 14, after),
            ShareState::Pending
        );
        assert_eq!(
            share_state(&facts(true, true, true), 14, after),
            ShareState::Pending
        );
    }

    #[test]
    fn paid_out_when_payouts_cover_the_share_and_refunds_after_payout_are_deducted() {
        let end = OffsetDateTime::from_unix_timestamp(1_796_126_400).unwrap();
        let facts = |held, share_minor, paid_out_minor| ShareFacts {
            held,
            report_delivered: true,
            ends_at: end,
            open_claim: false,
            share_minor,
            paid_out_minor,
        };
        let inside_window = end + Duration::days(1);
        assert_eq!(
            share_state(&facts(true, 13_958, 13_958), 14, inside_window),
            ShareState::PaidOut
        );
        // Refunded in full after the payout: the share is 0, 139.58 was paid, and that is
        // deducted from the next payout even while a claim could still be made.
        let refunded = facts(true, 0, 13_958);
        assert_eq!(refunded.unpaid_minor(), -13_958);
        assert_eq!(
            share_state(&refunded, 14, inside_window),
            ShareState::Payable
        );
        assert_eq!(
            share_state(&facts(false, 0, 0), 14, inside_window),
            ShareState::Pending,
            "nothing paid out and nothing owed"
        );
    }

    #[test]
    fn a_payout_is_dated_referenced_and_covers_the_whole_balance() {
        let usd = Currency::USD;
        let today = Date::from_calendar_date(2026, time::Month::December, 2).unwrap();
        let balance = Money::new(13_958, usd);
        let input = |paid_on, amount, reference| PayoutInput {
            paid_on,
            amount,
            reference,
        };
        assert_eq!(
            validate_payout(
                &input("2026-12-01", "139.58", "  SEPA 4411 "),
                balance,
                today
            ),
            Ok(ValidPayout {
                paid_on: Date::from_calendar_date(2026, time::Month::December, 1).unwrap(),
                amount_minor: 13_958,
                reference: "SEPA 4411".to_owned()
            })
        );
        let errors = validate_payout(&input("2026-12-03", "100", ""), balance, today).unwrap_err();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            ["amount", "paid_on", "reference"]
        );
        assert!(errors["amount"].contains("139.58"), "{}", errors["amount"]);
        let errors = validate_payout(&input("1 Dec", "abc", "x"), balance, today).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(!can_pay_out(Money::new(-552, usd)));
        assert!(!can_pay_out(Money::new(0, usd)));
    }
}
