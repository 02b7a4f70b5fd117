//! Booking statuses, which transitions are allowed, and the refund policy. Pure rules; the
//! database side of each transition lives in `crate::booking::lifecycle`.

use time::{Duration, OffsetDateTime};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingStatus {
    Held,
    AwaitingPayment,
    Paid,
    Expired,
    Cancelled,
    Refunded,
}

impl BookingStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            BookingStatus::Held => "held",
            BookingStatus::AwaitingPayment => "awaiting_payment",
            BookingStatus::Paid => "paid",
            BookingStatus::Expired => "expired",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Refunded => "refunded",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Some(match value {
            "held" => BookingStatus::Held,
            "awaiting_payment" => BookingStatus::AwaitingPayment,
            "paid" => BookingStatus::Paid,
            "expired" => BookingStatus::Expired,
            "cancelled" => BookingStatus::Cancelled,
            "refunded" => BookingStatus::Refunded,
            _ => return None,
        })
    }

    /// Not paid yet, and still holding the slot.
    pub fn is_unpaid_hold(self) -> bool {
        matches!(self, BookingStatus::Held | BookingStatus::AwaitingPayment)
    }

    /// The statuses a booking may move to `to` from. Anything else is refused, which is what
    /// makes duplicate and out-of-order webhooks harmless: the second "paid" finds the booking
    /// already paid, and an "expired" after a "paid" finds nothing to expire.
    pub fn allowed_sources(to: BookingStatus) -> &'static [BookingStatus] {
        use BookingStatus::*;
        match to {
            Held => &[],
            AwaitingPayment => &[Held, AwaitingPayment],
            // Money arrived: accept it even if our hold ran out meanwhile (a late webhook
            // after our own expiry sweep); the slot is confirmed if cal.com still has it.
            Paid => &[Held, AwaitingPayment, Expired],
            Expired => &[Held, AwaitingPayment],
            Cancelled => &[Held, AwaitingPayment, Paid],
            Refunded => &[Paid, Cancelled],
        }
    }

    pub fn can_become(self, to: BookingStatus) -> bool {
        Self::allowed_sources(to).contains(&self)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelledBy {
    Customer,
    Interviewer,
}

impl CancelledBy {
    pub fn as_db(self) -> &'static str {
        match self {
            CancelledBy::Customer => "customer",
            CancelledBy::Interviewer => "interviewer",
        }
    }
}

/// How much of a paid booking goes back when it is cancelled: everything when the interviewer
/// cancels, or when the customer cancels at least `window_hours` before the start; otherwise
/// nothing automatically (the satisfaction guarantee is handled by a person).
pub fn refund_on_cancellation(
    paid_minor: i64,
    starts_at: OffsetDateTime,
    cancelled_at: OffsetDateTime,
    by: CancelledBy,
    window_hours: u32,
) -> i64 {
    match by {
        CancelledBy::Interviewer => paid_minor,
        CancelledBy::Customer
            if starts_at - cancelled_at >= Duration::hours(window_hours.into()) =>
        {
            paid_minor
        }
        CancelledBy::Customer => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BookingStatus::*;

    const ALL: [BookingStatus; 6] = [Held, AwaitingPayment, Paid, Expired, Cancelled, Refunded];

    #[test]
    fn statuses_round_trip_through_the_database_names() {
        for status in ALL {
            assert_eq!(BookingStatus::from_db(status.as_db()), Some(status));
        }
        assert_eq!(BookingStatus::from_db("confirmed"), None);
    }

    #[test]
    fn paid_bookings_never_expire_and_refunds_need_a_payment() {
        assert!(!Paid.can_become(Expired));
        assert!(!Refunded.can_become(Paid));
        assert!(!Held.can_become(Refunded));
        assert!(!Expired.can_become(Cancelled));
        assert!(Expired.can_become(Paid));
        assert!(Paid.can_become(Cancelled));
        assert!(Cancelled.can_become(Refunded));
        // Nothing ever goes back to held.
        assert!(ALL.iter().all(|s| !s.can_become(Held)));
    }

    #[test]
    fn refund_policy_follows_who_cancelled_and_when() {
        let start = OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap();
        let hours = |h: i64| start - Duration::hours(h);
        assert_eq!(
            refund_on_cancellation(15000, start, hours(1), CancelledBy::Interviewer, 24),
            15000
        );
        assert_eq!(
            refund_on_cancellation(15000, start, hours(24), CancelledBy::Customer, 24),
            15000
        );
        assert_eq!(
            refund_on_cancellation(15000, start, hours(48), CancelledBy::Customer, 24),
            15000
        );
        assert_eq!(
            refund_on_cancellation(15000, start, hours(23), CancelledBy::Customer, 24),
            0
        );
        assert_eq!(
            refund_on_cancellation(15000, start, hours(5), CancelledBy::Customer, 4),
            15000
        );
    }
}
