//! Booking statuses, which transitions are allowed, and the refund policy. Pure rules; the
//! database side of each transition lives in `crate::app::lifecycle`.

use time::{Duration, OffsetDateTime};

use super::forms::Limit;

/// The interviewer's note when acknowledging a booking (emailed to the customer).
pub const MAX_ACKNOWLEDGEMENT_NOTE: Limit = Limit(1000);
/// Staff's reason for a guarantee refund (kept for the record).
pub const MAX_REFUND_REASON: Limit = Limit(1000);

/// The `booking_status` PostgreSQL enum, read and written as itself (never through text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "booking_status", rename_all = "snake_case")]
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

    /// What the admin panel calls this status.
    pub fn label(self) -> &'static str {
        match self {
            BookingStatus::Held => "Slot held, no details yet",
            BookingStatus::AwaitingPayment => "Awaiting payment",
            BookingStatus::Paid => "Paid",
            BookingStatus::Expired => "Expired unpaid",
            BookingStatus::Cancelled => "Cancelled",
            BookingStatus::Refunded => "Refunded",
        }
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

/// Whether the session took place (the `session_outcome` PostgreSQL enum).
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type, serde::Serialize)]
#[sqlx(type_name = "session_outcome", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum SessionOutcome {
    Held,
    CustomerNoShow,
    InterviewerNoShow,
}

impl SessionOutcome {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "held" => Some(SessionOutcome::Held),
            "customer_no_show" => Some(SessionOutcome::CustomerNoShow),
            "interviewer_no_show" => Some(SessionOutcome::InterviewerNoShow),
            _ => None,
        }
    }

    /// How the admin panel names it.
    pub fn label(self) -> &'static str {
        match self {
            SessionOutcome::Held => "Held",
            SessionOutcome::CustomerNoShow => "Customer did not come",
            SessionOutcome::InterviewerNoShow => "Interviewer did not come",
        }
    }
}

/// A session can be marked from this long after its start.
pub const MARK_AFTER_START: Duration = Duration::minutes(15);
/// A session nobody marked counts as held this long after its end.
pub const ASSUME_HELD_AFTER_END: Duration = Duration::hours(24);

/// Why a session outcome cannot be recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkRefusal {
    /// Before 15 minutes after the start.
    TooEarly,
    /// Only staff say the interviewer did not come.
    StaffOnly,
    /// It is marked already (staff may still record that the interviewer did not come).
    AlreadyMarked,
    /// Only a paid booking has a session to mark.
    NotPaid,
}

/// Whether `outcome` may be recorded now for a paid (or not) booking starting at `starts_at`
/// with `current` recorded, by staff or by its interviewer.
pub fn may_mark(
    outcome: SessionOutcome,
    current: Option<SessionOutcome>,
    paid: bool,
    starts_at: OffsetDateTime,
    now: OffsetDateTime,
    by_staff: bool,
) -> Result<(), MarkRefusal> {
    if !paid {
        return Err(MarkRefusal::NotPaid);
    }
    if outcome == SessionOutcome::InterviewerNoShow && !by_staff {
        return Err(MarkRefusal::StaffOnly);
    }
    if now < starts_at + MARK_AFTER_START {
        return Err(MarkRefusal::TooEarly);
    }
    match current {
        None => Ok(()),
        // Staff correcting a mark after hearing from the customer: the refund follows.
        Some(SessionOutcome::Held | SessionOutcome::CustomerNoShow)
            if outcome == SessionOutcome::InterviewerNoShow =>
        {
            Ok(())
        }
        Some(_) => Err(MarkRefusal::AlreadyMarked),
    }
}

/// Who cancelled a booking (the `booking.cancelled_by` text column).
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

    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "customer" => Some(CancelledBy::Customer),
            "interviewer" => Some(CancelledBy::Interviewer),
            _ => None,
        }
    }
}

impl sqlx::Type<sqlx::Postgres> for CancelledBy {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <&str as sqlx::Type<sqlx::Postgres>>::type_info()
    }
    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for CancelledBy {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
        CancelledBy::from_db(text).ok_or_else(|| format!("unknown canceller: {text:?}").into())
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for CancelledBy {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.as_db(), buf)
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

/// What our policy lets a customer do with their paid booking at `now` (cal.com's own rules
/// do not apply: cancels and moves go through us).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerChoices {
    /// What a cancel now refunds (all or nothing: see [`refund_on_cancellation`]).
    pub cancel_refund_minor: i64,
    /// The last moment a cancel is refunded in full.
    pub full_refund_until: OffsetDateTime,
    /// Whether the booking may still be moved to another time, free of charge.
    pub can_reschedule: bool,
    /// The last moment it may be moved.
    pub reschedule_until: OffsetDateTime,
    /// Whether the session has started (nothing is offered then, but a goodwill move).
    pub started: bool,
    /// Whether it can still be cancelled (not once it has started).
    pub can_cancel: bool,
}

/// A booking may be moved until `notice_hours` before its start.
pub fn can_reschedule(starts_at: OffsetDateTime, now: OffsetDateTime, notice_hours: u32) -> bool {
    starts_at - now >= Duration::hours(notice_hours.into())
}

pub fn customer_choices(
    paid_minor: i64,
    starts_at: OffsetDateTime,
    now: OffsetDateTime,
    refund_window_hours: u32,
    reschedule_notice_hours: u32,
) -> CustomerChoices {
    let started = now >= starts_at;
    CustomerChoices {
        cancel_refund_minor: refund_on_cancellation(
            paid_minor,
            starts_at,
            now,
            CancelledBy::Customer,
            refund_window_hours,
        ),
        full_refund_until: starts_at - Duration::hours(refund_window_hours.into()),
        can_reschedule: !started && can_reschedule(starts_at, now, reschedule_notice_hours),
        reschedule_until: starts_at - Duration::hours(reschedule_notice_hours.into()),
        started,
        can_cancel: !started,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BookingStatus::*;

    #[test]
    fn who_may_mark_what_and_when() {
        use SessionOutcome::*;
        let start = OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap();
        let at = |minutes: i64| start + Duration::minutes(minutes);
        assert_eq!(
            may_mark(Held, None, true, start, at(14), false),
            Err(MarkRefusal::TooEarly)
        );
        assert_eq!(may_mark(Held, None, true, start, at(15), false), Ok(()));
        assert_eq!(
            may_mark(CustomerNoShow, None, true, start, at(20), false),
            Ok(())
        );
        assert_eq!(
            may_mark(InterviewerNoShow, None, true, start, at(20), false),
            Err(MarkRefusal::StaffOnly)
        );
        assert_eq!(
            may_mark(InterviewerNoShow, None, true, start, at(20), true),
            Ok(())
        );
        assert_eq!(
            may_mark(CustomerNoShow, Some(Held), true, start, at(90), false),
            Err(MarkRefusal::AlreadyMarked)
        );
        assert_eq!(
            may_mark(Held, Some(Held), true, start, at(90), true),
            Err(MarkRefusal::AlreadyMarked)
        );
        assert_eq!(
            may_mark(InterviewerNoShow, Some(Held), true, start, at(90), true),
            Ok(()),
            "staff correct a mark"
        );
        assert_eq!(
            may_mark(
                InterviewerNoShow,
                Some(InterviewerNoShow),
                true,
                start,
                at(90),
                true
            ),
            Err(MarkRefusal::AlreadyMarked)
        );
        assert_eq!(
            may_mark(Held, None, false, start, at(90), true),
            Err(MarkRefusal::NotPaid)
        );
    }

    #[test]
    fn inside_the_refund_window_a_move_is_still_offered_until_the_notice() {
        let start = OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap();
        let at = |h: i64| start - Duration::hours(h);
        let early = customer_choices(15000, start, at(30), 24, 12);
        assert_eq!(early.cancel_refund_minor, 15000);
        assert!(early.can_reschedule);
        let late = customer_choices(15000, start, at(20), 24, 12);
        assert_eq!(late.cancel_refund_minor, 0);
        assert!(late.can_reschedule, "a move instead of a lost payment");
        let too_late = customer_choices(15000, start, at(6), 24, 12);
        assert!(!too_late.can_reschedule);
        assert!(!too_late.started);
        assert!(customer_choices(15000, start, start, 24, 12).started);
        assert_eq!(early.full_refund_until, at(24));
        assert_eq!(early.reschedule_until, at(12));
    }

    const ALL: [BookingStatus; 6] = [Held, AwaitingPayment, Paid, Expired, Cancelled, Refunded];

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
