//! The earnings rules: how a booking's money is shared between the co-op and the interviewer,
//! and when the interviewer's share may be paid out. The ledger (`db::ledger`) records the
//! money; these rules say what it means.

use time::{Duration, OffsetDateTime};

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
    /// Held, reported, and past the guarantee window with no open claim.
    Payable,
}

impl ShareState {
    /// As the CSV export and the templates name it (the same as its serialized form).
    pub fn code(self) -> &'static str {
        match self {
            ShareState::Pending => "pending",
            ShareState::Payable => "payable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ShareState::Pending => "Pending",
            ShareState::Payable => "Payable",
        }
    }
}

/// What decides a share's state.
pub struct ShareFacts {
    pub held: bool,
    pub report_delivered: bool,
    pub ends_at: OffsetDateTime,
    pub open_claim: bool,
}

/// A share becomes payable once the session was held, the feedback report was delivered and
/// the guarantee window (`claim_days` after the end) has closed without an open claim.
pub fn share_state(facts: &ShareFacts, claim_days: u32, now: OffsetDateTime) -> ShareState {
    let window_closed = now >= facts.ends_at + Duration::days(claim_days.into());
    if facts.held && facts.report_delivered && window_closed && !facts.open_claim {
        ShareState::Payable
    } else {
        ShareState::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
