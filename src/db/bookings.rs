//! SQL for bookings and their Checkout Sessions. Status changes go through [`transition`],
//! called only from `crate::app::lifecycle`.

use sqlx::{PgConnection, PgPool, types::Json};
use time::OffsetDateTime;

use super::catalogue::TagRow;
use crate::domain::{
    BookingStatus, CancelledBy, Currency, Money, SessionOutcome, booking_details::BookingDetails,
};

/// The interviewer as the booking page and booking creation need them.
pub struct BookingTarget {
    pub interviewer_id: i64,
    pub slug: String,
    pub name: String,
    pub headline: String,
    pub photo_url: Option<String>,
    pub rate: Money,
    pub cal_event_type_id: Option<i64>,
    pub cal_link: Option<String>,
    pub tags: Vec<TagRow>,
}

pub async fn booking_target(pool: &PgPool, slug: &str) -> sqlx::Result<Option<BookingTarget>> {
    let row = sqlx::query!(
        r#"select c.interviewer_id as "interviewer_id!", c.slug as "slug!", c.name as "name!",
                  c.headline as "headline!", c.photo_url, c.rate_minor as "rate_minor!",
                  c.currency as "currency!: Currency", i.cal_event_type_id, i.cal_link,
                  c.tags as "tags!: Json<Vec<TagRow>>"
           from interviewer_card c join interviewer i using (interviewer_id)
           where c.slug = $1 and c.is_active"#,
        slug
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| BookingTarget {
        interviewer_id: r.interviewer_id,
        slug: r.slug,
        name: r.name,
        headline: r.headline,
        photo_url: r.photo_url,
        rate: Money::new(r.rate_minor.into(), r.currency),
        cal_event_type_id: r.cal_event_type_id,
        cal_link: r.cal_link,
        tags: r.tags.0,
    }))
}

pub struct NewBooking<'a> {
    pub public_id: &'a str,
    pub interviewer_id: i64,
    pub cal_booking_uid: &'a str,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub host_email: Option<&'a str>,
    pub host_time_zone: Option<&'a str>,
    pub customer_time_zone: Option<&'a str>,
    pub customer_name: Option<&'a str>,
    pub customer_email: Option<&'a str>,
    pub price: Money,
    pub hold_minutes: i32,
}

/// Inserts the booking, or finds the one already made for this cal.com uid. Returns its
/// public id and interviewer.
pub async fn insert_or_find(pool: &PgPool, new: &NewBooking<'_>) -> sqlx::Result<(String, i64)> {
    let inserted = sqlx::query!(
        "insert into booking (public_id, interviewer_id, cal_booking_uid, starts_at, ends_at, host_email,
                              customer_time_zone, customer_name, customer_email, price_minor, currency,
                              hold_expires_at, host_time_zone)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now() + make_interval(mins => $12), $13)
         on conflict (cal_booking_uid) do nothing
         returning public_id, interviewer_id",
        new.public_id,
        new.interviewer_id,
        new.cal_booking_uid,
        new.starts_at,
        new.ends_at,
        new.host_email,
        new.customer_time_zone,
        new.customer_name,
        new.customer_email,
        i32::try_from(new.price.minor).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
        new.price.currency as Currency,
        new.hold_minutes,
        new.host_time_zone
    )
    .fetch_optional(pool)
    .await?;
    if let Some(row) = inserted {
        return Ok((row.public_id, row.interviewer_id));
    }
    let existing = sqlx::query!(
        "select public_id, interviewer_id from booking where cal_booking_uid = $1",
        new.cal_booking_uid
    )
    .fetch_one(pool)
    .await?;
    Ok((existing.public_id, existing.interviewer_id))
}

pub async fn public_id_for_cal_uid(
    pool: &PgPool,
    uid: &str,
) -> sqlx::Result<Option<(String, i64)>> {
    Ok(sqlx::query!(
        "select public_id, interviewer_id from booking where cal_booking_uid = $1",
        uid
    )
    .fetch_optional(pool)
    .await?
    .map(|r| (r.public_id, r.interviewer_id)))
}

/// A booking with its interviewer, for the details and thank-you pages and the emails.
#[derive(Debug, Clone)]
pub struct BookingView {
    pub booking_id: i64,
    pub public_id: String,
    pub status: BookingStatus,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub hold_expires_at: OffsetDateTime,
    /// The price: the interviewer's rate when the booking was made.
    pub price: Money,
    /// What the customer paid, once they have: the price less any promotion code (zero for a
    /// 100%-off code). See [`BookingView::amount_paid`].
    pub paid: Option<Money>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_time_zone: Option<String>,
    pub background: Option<String>,
    pub interview_focus: Option<String>,
    pub chosen_technologies: Vec<String>,
    pub chosen_subject: Option<String>,
    pub target_companies: Option<String>,
    pub extra_information: Option<String>,
    pub resume_key: Option<String>,
    pub resume_filename: Option<String>,
    pub checkout_session_id: Option<String>,
    pub checkout_url: Option<String>,
    pub checkout_fingerprint: Option<String>,
    pub checkout_expires_at: Option<OffsetDateTime>,
    /// Set while a request is replacing the Checkout Session (see [`take_checkout_lease`]).
    pub checkout_lease_until: Option<OffsetDateTime>,
    pub payment_intent_id: Option<String>,
    pub host_email: Option<String>,
    pub cal_booking_uid: String,
    pub cancelled_by: Option<CancelledBy>,
    pub cancellation_reason: Option<String>,
    /// What is owed back, once decided (in the booking's currency).
    pub refund: Option<Money>,
    pub refund_reason: Option<String>,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub acknowledgement_note: Option<String>,
    pub paid_at: Option<OffsetDateTime>,
    /// When cal.com accepted the booking (our confirm call, or the interviewer there).
    pub cal_confirmed_at: Option<OffsetDateTime>,
    pub cancelled_at: Option<OffsetDateTime>,
    pub refunded_at: Option<OffsetDateTime>,
    /// Raised on every move: the calendar invites' `SEQUENCE`.
    pub calendar_sequence: i32,
    pub meeting_url: Option<String>,
    pub host_time_zone: Option<String>,
    pub receipt_url: Option<String>,
    /// The invoice Checkout made (when invoices are on).
    pub invoice_url: Option<String>,
    /// Whether the session took place, once marked (or assumed held).
    pub session_outcome: Option<SessionOutcome>,
    pub outcome_recorded_at: Option<OffsetDateTime>,
    /// Nobody marked it; it was assumed held 24 hours after its end.
    pub outcome_assumed: bool,
    pub goodwill_reschedule_used: bool,
    /// The customer's review, once written.
    pub review: Option<super::reviews::ReviewRow>,
    /// The customer's guarantee claim, once made.
    pub claim: Option<super::claims::ClaimRow>,
    pub interviewer_id: i64,
    pub interviewer_slug: String,
    pub interviewer_name: String,
    pub interviewer_headline: String,
    pub interviewer_photo_url: Option<String>,
    pub interviewer_tags: Vec<TagRow>,
}

impl BookingView {
    /// What the customer paid (after any promotion code), which is what refunds, the
    /// guarantee, emails and the booking page count with; the price while unpaid.
    pub fn amount_paid(&self) -> Money {
        self.paid.unwrap_or(self.price)
    }

    /// Paid with a promotion code that covered the whole price: nothing was charged.
    pub fn is_free(&self) -> bool {
        self.paid.is_some_and(|paid| paid.minor == 0)
    }

    /// How much a promotion code took off, once paid.
    pub fn discount(&self) -> Option<Money> {
        self.paid
            .filter(|paid| paid.minor < self.price.minor)
            .map(|paid| Money::new(self.price.minor - paid.minor, self.price.currency))
    }
}

macro_rules! booking_view_query {
    ($where:literal, $arg:expr) => {
        sqlx::query!(
            r#"select b.booking_id, b.public_id, b.status as "status: BookingStatus", b.starts_at, b.ends_at,
                      b.hold_expires_at, b.price_minor, b.currency as "currency: Currency",
                      b.amount_paid_minor, b.invoice_url,
                      b.customer_name, b.customer_email,
                      b.customer_time_zone, b.background, b.interview_focus, b.chosen_technologies,
                      b.chosen_subject, b.target_companies, b.extra_information, b.resume_key,
                      b.resume_filename, b.checkout_session_id,
                      b.checkout_url, b.checkout_fingerprint, b.checkout_expires_at,
                      b.checkout_lease_until, b.payment_intent_id, b.host_email, b.cal_booking_uid,
                      b.cancelled_by as "cancelled_by: CancelledBy", b.cancellation_reason, b.refund_minor, b.refund_reason,
                      b.acknowledged_at, b.acknowledgement_note, b.paid_at, b.refunded_at,
                      b.cal_confirmed_at, b.cancelled_at,
                      b.calendar_sequence, b.meeting_url, b.host_time_zone, b.receipt_url,
                      b.session_outcome as "session_outcome: SessionOutcome", b.outcome_recorded_at,
                      b.outcome_assumed, b.goodwill_reschedule_used,
                      (select json_build_object('rating', r.rating, 'body', r.body,
                                                'display_name', r.display_name,
                                                'created_at', r.created_at,
                                                'hidden_reason', r.hidden_reason, 'reply', r.reply)
                       from review r where r.booking_id = b.booking_id)
                          as "review: Json<super::reviews::ReviewRow>",
                      (select json_build_object('reason', g.reason, 'state', g.state,
                                                'staff_reply', g.staff_reply, 'created_at', g.created_at)
                       from guarantee_claim g where g.booking_id = b.booking_id)
                          as "claim: Json<super::claims::ClaimRow>",
                      b.interviewer_id,
                      c.slug as "interviewer_slug!", c.name as "interviewer_name!",
                      c.headline as "interviewer_headline!", c.photo_url as interviewer_photo_url,
                      c.tags as "interviewer_tags!: Json<Vec<TagRow>>"
               from booking b join interviewer_card c using (interviewer_id) "# + $where,
            $arg
        )
    };
}

macro_rules! into_view {
    ($r:expr) => {{
        let r = $r;
        BookingView {
            booking_id: r.booking_id,
            public_id: r.public_id,
            status: r.status,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            hold_expires_at: r.hold_expires_at,
            price: Money::new(r.price_minor.into(), r.currency),
            paid: r
                .amount_paid_minor
                .map(|m| Money::new(m.into(), r.currency)),
            customer_name: r.customer_name,
            customer_email: r.customer_email,
            customer_time_zone: r.customer_time_zone,
            background: r.background,
            interview_focus: r.interview_focus,
            chosen_technologies: r.chosen_technologies,
            chosen_subject: r.chosen_subject,
            target_companies: r.target_companies,
            extra_information: r.extra_information,
            resume_key: r.resume_key,
            resume_filename: r.resume_filename,
            checkout_session_id: r.checkout_session_id,
            checkout_url: r.checkout_url,
            checkout_fingerprint: r.checkout_fingerprint,
            checkout_expires_at: r.checkout_expires_at,
            checkout_lease_until: r.checkout_lease_until,
            payment_intent_id: r.payment_intent_id,
            host_email: r.host_email,
            cal_booking_uid: r.cal_booking_uid,
            cancelled_by: r.cancelled_by,
            cancellation_reason: r.cancellation_reason,
            refund: r.refund_minor.map(|m| Money::new(m.into(), r.currency)),
            refund_reason: r.refund_reason,
            acknowledged_at: r.acknowledged_at,
            acknowledgement_note: r.acknowledgement_note,
            paid_at: r.paid_at,
            cal_confirmed_at: r.cal_confirmed_at,
            cancelled_at: r.cancelled_at,
            refunded_at: r.refunded_at,
            calendar_sequence: r.calendar_sequence,
            meeting_url: r.meeting_url,
            host_time_zone: r.host_time_zone,
            receipt_url: r.receipt_url,
            invoice_url: r.invoice_url,
            session_outcome: r.session_outcome,
            outcome_recorded_at: r.outcome_recorded_at,
            outcome_assumed: r.outcome_assumed,
            goodwill_reschedule_used: r.goodwill_reschedule_used,
            review: r.review.map(|review| review.0),
            claim: r.claim.map(|claim| claim.0),
            interviewer_id: r.interviewer_id,
            interviewer_slug: r.interviewer_slug,
            interviewer_name: r.interviewer_name,
            interviewer_headline: r.interviewer_headline,
            interviewer_photo_url: r.interviewer_photo_url,
            interviewer_tags: r.interviewer_tags.0,
        }
    }};
}

/// One statement: the booking, its interviewer and the interviewer's tags.
pub async fn view_by_public_id(
    pool: &PgPool,
    public_id: &str,
) -> sqlx::Result<Option<BookingView>> {
    Ok(booking_view_query!("where b.public_id = $1", public_id)
        .fetch_optional(pool)
        .await?
        .map(|r| into_view!(r)))
}

pub async fn view_by_id(
    conn: &mut PgConnection,
    booking_id: i64,
) -> sqlx::Result<Option<BookingView>> {
    Ok(booking_view_query!("where b.booking_id = $1", booking_id)
        .fetch_optional(conn)
        .await?
        .map(|r| into_view!(r)))
}

/// A booking for the admin panel: `scope` is the interviewer whose bookings the viewer may
/// see (`None` for staff). Another interviewer's booking is not found.
pub async fn view_for_admin(
    pool: &PgPool,
    public_id: &str,
    scope: Option<i64>,
) -> sqlx::Result<Option<BookingView>> {
    Ok(booking_view_query!("where b.public_id = $1", public_id)
        .fetch_optional(pool)
        .await?
        .map(|r| into_view!(r))
        .filter(|b| scope.is_none_or(|id| b.interviewer_id == id)))
}

/// One row of the admin booking list.
pub struct AdminBookingRow {
    pub public_id: String,
    pub status: BookingStatus,
    pub starts_at: OffsetDateTime,
    pub customer_name: Option<String>,
    pub customer_time_zone: Option<String>,
    pub interviewer_name: String,
    /// What was paid (after any promotion code); the price while unpaid.
    pub price: Money,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub session_outcome: Option<SessionOutcome>,
    pub outcome_assumed: bool,
    pub ends_at: OffsetDateTime,
    /// Whether its feedback report has been sent.
    pub report_submitted: bool,
}

/// Bookings an admin may see, soonest upcoming first, then the rest newest first. Interviewers
/// see their paid, cancelled and refunded bookings; staff see every status.
pub async fn admin_list(pool: &PgPool, scope: Option<i64>) -> sqlx::Result<Vec<AdminBookingRow>> {
    let rows = sqlx::query!(
        r#"select b.public_id, b.status as "status: BookingStatus", b.starts_at, b.customer_name,
                  b.customer_time_zone, i.name as interviewer_name,
                  coalesce(b.amount_paid_minor, b.price_minor) as "price_minor!",
                  b.currency as "currency: Currency", b.acknowledged_at,
                  b.session_outcome as "session_outcome: SessionOutcome", b.outcome_assumed,
                  b.ends_at,
                  exists (select 1 from feedback_report r
                          where r.booking_id = b.booking_id and r.submitted_at is not null)
                      as "report_submitted!"
           from booking b join interviewer i using (interviewer_id)
           where ($1::bigint is null or b.interviewer_id = $1)
             and ($1::bigint is null or b.status in ('paid', 'cancelled', 'refunded'))
           order by (b.status = 'paid' and b.ends_at > now()) desc,
                    case when b.status = 'paid' and b.ends_at > now() then b.starts_at end asc,
                    b.starts_at desc
           limit 500"#,
        scope
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AdminBookingRow {
            public_id: r.public_id,
            status: r.status,
            starts_at: r.starts_at,
            customer_name: r.customer_name,
            customer_time_zone: r.customer_time_zone,
            interviewer_name: r.interviewer_name,
            price: Money::new(r.price_minor.into(), r.currency),
            acknowledged_at: r.acknowledged_at,
            session_outcome: r.session_outcome,
            outcome_assumed: r.outcome_assumed,
            ends_at: r.ends_at,
            report_submitted: r.report_submitted,
        })
        .collect())
}

/// Records whether the session took place (caller holds the row lock and checked the rules):
/// marked by `by_user`, or assumed held when nobody did.
pub async fn set_outcome(
    conn: &mut PgConnection,
    booking_id: i64,
    outcome: SessionOutcome,
    by_user: Option<i64>,
    assumed: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set session_outcome = $2, outcome_recorded_at = now(),
                outcome_recorded_by = $3, outcome_assumed = $4
         where booking_id = $1",
        booking_id,
        outcome as SessionOutcome,
        by_user,
        assumed
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The customer who did not come moves the booking, once: the session is to come again.
pub async fn use_goodwill_reschedule(conn: &mut PgConnection, booking_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set goodwill_reschedule_used = true, session_outcome = null,
                outcome_recorded_at = null, outcome_recorded_by = null, outcome_assumed = false
         where booking_id = $1",
        booking_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Paid sessions that ended more than `hours` ago and nobody marked, oldest first.
pub async fn unmarked_sessions_ended_before(
    pool: &PgPool,
    hours: i32,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select booking_id from booking
         where status = 'paid' and session_outcome is null
           and ends_at < now() - make_interval(hours => $1)
         order by ends_at limit $2",
        hours,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Records the interviewer's acknowledgement once; `false` if already done or not paid.
pub async fn acknowledge(
    conn: &mut PgConnection,
    booking_id: i64,
    note: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update booking set acknowledged_at = now(), acknowledgement_note = $2
         where booking_id = $1 and acknowledged_at is null and status = 'paid'",
        booking_id,
        note
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_guarantee_refund(
    conn: &mut PgConnection,
    booking_id: i64,
    amount: Money,
    reason: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update booking set refund_minor = $2, refund_reason = $3
         where booking_id = $1 and status = 'paid' and refund_reason is null",
        booking_id,
        minor_i32(amount)?,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The `integer` minor units of a booking amount (prices are far below `i32::MAX`).
fn minor_i32(amount: Money) -> sqlx::Result<i32> {
    i32::try_from(amount.minor).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Locks the booking row for the rest of the transaction, waiting for other holders. Only
/// for short transactions that make no outside call.
pub async fn lock(conn: &mut PgConnection, booking_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "select booking_id from booking where booking_id = $1 for update",
        booking_id
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// Locks the booking row if nobody holds it; `false` at once otherwise. Requests that would
/// queue behind each other (a burst of submissions of one booking) use this, so a waiting
/// request never sits on a pooled connection other visitors need.
pub async fn try_lock(conn: &mut PgConnection, booking_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar!(
        "select booking_id from booking where booking_id = $1 for update skip locked",
        booking_id
    )
    .fetch_optional(conn)
    .await?
    .is_some())
}

pub async fn booking_id_by_public_id(
    conn: &mut PgConnection,
    public_id: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select booking_id from booking where public_id = $1",
        public_id
    )
    .fetch_optional(conn)
    .await
}

pub async fn booking_id_by_payment_intent(
    conn: &mut PgConnection,
    payment_intent: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select booking_id from booking where payment_intent_id = $1",
        payment_intent
    )
    .fetch_optional(conn)
    .await
}

pub async fn booking_id_by_cal_uid(
    conn: &mut PgConnection,
    uid: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select booking_id from booking where cal_booking_uid = $1",
        uid
    )
    .fetch_optional(conn)
    .await
}

pub struct ResumeUpload<'a> {
    pub key: &'a str,
    pub filename: &'a str,
    pub bytes: i32,
}

pub async fn save_details(
    conn: &mut PgConnection,
    booking_id: i64,
    details: &BookingDetails,
    resume: Option<&ResumeUpload<'_>>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set customer_name = $2, customer_email = $3, background = $4, interview_focus = $5,
                chosen_technologies = $6, chosen_subject = $7, target_companies = $8, extra_information = $9,
                resume_key = coalesce($10, resume_key), resume_filename = coalesce($11, resume_filename),
                resume_bytes = coalesce($12, resume_bytes), details_submitted_at = now()
         where booking_id = $1",
        booking_id,
        details.name,
        details.email.as_str(),
        details.background,
        details.interview_focus,
        &details.technologies,
        details.subject,
        details.target_companies,
        details.extra_information,
        resume.map(|r| r.key),
        resume.map(|r| r.filename),
        resume.map(|r| r.bytes)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes the checkout lease (caller holds the row lock): a new attempt number, which goes
/// into Stripe's idempotency key, so a retry after a failure is a new request rather than
/// Stripe's cached failure; and the current session detached, so nothing that happens to it
/// from now on (its expiry, above all) can end the booking. Returns the attempt number.
pub async fn take_checkout_lease(
    conn: &mut PgConnection,
    booking_id: i64,
    lease_seconds: i32,
) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "update booking set checkout_attempt = checkout_attempt + 1,
                checkout_lease_until = now() + make_interval(secs => $2),
                checkout_session_id = null, checkout_url = null, checkout_fingerprint = null,
                checkout_expires_at = null
         where booking_id = $1 returning checkout_attempt",
        booking_id,
        f64::from(lease_seconds)
    )
    .fetch_one(conn)
    .await
}

/// Ends attempt `attempt`'s lease without a new session (Stripe failed, or the old session
/// turned out paid).
pub async fn release_checkout_lease(
    pool: &PgPool,
    booking_id: i64,
    attempt: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set checkout_lease_until = null
         where booking_id = $1 and checkout_attempt = $2",
        booking_id,
        attempt
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Puts back the session attempt `attempt` detached, when it could not be closed (it stays
/// open at Stripe, so it stays the booking's), and ends the lease.
pub async fn reattach_checkout(
    pool: &PgPool,
    booking_id: i64,
    attempt: i32,
    session_id: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking b set checkout_session_id = s.session_id, checkout_url = s.url,
                checkout_fingerprint = s.fingerprint, checkout_expires_at = s.expires_at,
                checkout_lease_until = null
         from checkout_session s
         where b.booking_id = $1 and b.checkout_attempt = $2 and b.checkout_session_id is null
           and s.session_id = $3 and s.booking_id = b.booking_id",
        booking_id,
        attempt,
        session_id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A Checkout Session as Stripe created it for attempt `attempt`.
pub struct NewCheckout<'a> {
    pub session_id: &'a str,
    pub attempt: i32,
    pub amount: Money,
    pub url: &'a str,
    pub fingerprint: &'a str,
    pub expires_at: OffsetDateTime,
}

/// Records the session as the booking's current one and extends the hold to cover it, but
/// only while `attempt` is still the booking's latest (caller holds the row lock). `false`
/// when a newer attempt took over: the caller must close its session.
pub async fn record_checkout(
    conn: &mut PgConnection,
    booking_id: i64,
    checkout: &NewCheckout<'_>,
) -> sqlx::Result<bool> {
    sqlx::query!(
        "insert into checkout_session (session_id, booking_id, attempt, amount_minor, currency, url, fingerprint, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (session_id) do nothing",
        checkout.session_id,
        booking_id,
        checkout.attempt,
        checkout.amount.minor,
        checkout.amount.currency as Currency,
        checkout.url,
        checkout.fingerprint,
        checkout.expires_at
    )
    .execute(&mut *conn)
    .await?;
    let recorded = sqlx::query!(
        "update booking set checkout_session_id = $3, checkout_url = $4, checkout_fingerprint = $5,
                checkout_expires_at = $6, checkout_started_at = now(), checkout_lease_until = null,
                hold_expires_at = greatest(hold_expires_at, $6::timestamptz + interval '5 minutes')
         where booking_id = $1 and checkout_attempt = $2",
        booking_id,
        checkout.attempt,
        checkout.session_id,
        checkout.url,
        checkout.fingerprint,
        checkout.expires_at
    )
    .execute(conn)
    .await?;
    Ok(recorded.rows_affected() == 1)
}

/// What a session this booking opened asks for; `None` if the booking never opened it.
pub async fn checkout_session_amount(
    conn: &mut PgConnection,
    booking_id: i64,
    session_id: &str,
) -> sqlx::Result<Option<Money>> {
    Ok(sqlx::query!(
        r#"select amount_minor, currency as "currency: Currency" from checkout_session
           where session_id = $1 and booking_id = $2"#,
        session_id,
        booking_id
    )
    .fetch_optional(conn)
    .await?
    .map(|r| Money::new(r.amount_minor, r.currency)))
}

/// Keeps a payment that did not match its booking, for a person to look at.
pub async fn record_payment_anomaly(
    conn: &mut PgConnection,
    booking_id: i64,
    session: &crate::integrations::stripe::CheckoutSession,
    reason: &str,
    refund_queued: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into payment_anomaly (booking_id, session_id, payment_intent_id, amount_minor, currency, reason, refund_queued)
         values ($1, $2, $3, $4, $5, $6, $7)",
        booking_id,
        session.id,
        session.payment_intent,
        session.amount_total,
        session.currency,
        reason,
        refund_queued
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The booking's sessions that may still take a payment, newest first.
pub async fn open_checkout_sessions(pool: &PgPool, booking_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select session_id from checkout_session where booking_id = $1 and closed_at is null
         order by attempt desc",
        booking_id
    )
    .fetch_all(pool)
    .await
}

/// The session can no longer take a payment (we expired it, or Stripe says it completed or
/// expired).
pub async fn close_checkout_session(
    db: impl sqlx::PgExecutor<'_>,
    session_id: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update checkout_session set closed_at = coalesce(closed_at, now()) where session_id = $1",
        session_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Moves the booking to `to` if its status is one of `from`; returns whether it moved. The
/// condition in the UPDATE is what makes concurrent and repeated transitions safe.
pub async fn transition(
    conn: &mut PgConnection,
    booking_id: i64,
    from: &[BookingStatus],
    to: BookingStatus,
) -> sqlx::Result<bool> {
    let moved = sqlx::query!(
        "update booking set status = $3 where booking_id = $1 and status = any($2)",
        booking_id,
        from as &[BookingStatus],
        to as BookingStatus
    )
    .execute(conn)
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// Records the payment: its PaymentIntent (none when a promotion code covered it all) and
/// what was paid.
pub async fn set_paid(
    conn: &mut PgConnection,
    booking_id: i64,
    payment_intent: Option<&str>,
    session_id: &str,
    amount_paid: Money,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set paid_at = coalesce(paid_at, now()),
                payment_intent_id = coalesce($2, payment_intent_id), checkout_session_id = $3,
                amount_paid_minor = coalesce(amount_paid_minor, $4)
         where booking_id = $1",
        booking_id,
        payment_intent,
        session_id,
        i32::try_from(amount_paid.minor).map_err(|e| sqlx::Error::Encode(Box::new(e)))?
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_cancelled(
    conn: &mut PgConnection,
    booking_id: i64,
    by: CancelledBy,
    reason: Option<&str>,
    refund: Option<Money>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set cancelled_at = now(), cancelled_by = $2, cancellation_reason = $3, refund_minor = $4
         where booking_id = $1",
        booking_id,
        by as CancelledBy,
        reason,
        refund.map(minor_i32).transpose()?
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_refunded(conn: &mut PgConnection, booking_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set refunded_at = coalesce(refunded_at, now()) where booking_id = $1",
        booking_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_cal_confirmed(pool: &PgPool, booking_id: i64) -> sqlx::Result<()> {
    sqlx::query!("update booking set cal_confirmed_at = coalesce(cal_confirmed_at, now()) where booking_id = $1", booking_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Records the video call link cal.com gave booking `uid`, if it is still this booking's.
pub async fn set_meeting_url(
    pool: &PgPool,
    booking_id: i64,
    uid: &str,
    meeting_url: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set meeting_url = $3 where booking_id = $1 and cal_booking_uid = $2
           and meeting_url is distinct from $3",
        booking_id,
        uid,
        meeting_url
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn interviewer_of(pool: &PgPool, booking_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select interviewer_id from booking where booking_id = $1",
        booking_id
    )
    .fetch_optional(pool)
    .await
}

/// Records Stripe's receipt of the booking's charge.
pub async fn set_receipt_url(
    pool: &PgPool,
    booking_id: i64,
    receipt_url: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set receipt_url = $2 where booking_id = $1",
        booking_id,
        receipt_url
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn set_invoice_url(
    pool: &PgPool,
    booking_id: i64,
    invoice_url: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set invoice_url = $2 where booking_id = $1",
        booking_id,
        invoice_url
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn set_cal_declined(pool: &PgPool, booking_id: i64) -> sqlx::Result<()> {
    sqlx::query!("update booking set cal_declined_at = coalesce(cal_declined_at, now()) where booking_id = $1", booking_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The booking now mirrors cal.com booking `new_uid` at a new time; its calendar invites'
/// sequence goes up and the new cal.com booking is not confirmed yet.
pub async fn reschedule(
    conn: &mut PgConnection,
    booking_id: i64,
    new_uid: &str,
    starts_at: OffsetDateTime,
    ends_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update booking set cal_booking_uid = $2, starts_at = $3, ends_at = $4,
                calendar_sequence = calendar_sequence + 1, cal_confirmed_at = null,
                meeting_url = null
         where booking_id = $1",
        booking_id,
        new_uid,
        starts_at,
        ends_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Unpaid bookings whose hold has run out, oldest first; not those a request is opening a
/// Checkout Session for right now.
pub async fn expired_holds(pool: &PgPool, limit: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select booking_id from booking
         where status in ('held', 'awaiting_payment') and hold_expires_at < now()
           and (checkout_lease_until is null or checkout_lease_until < now())
         order by hold_expires_at limit $1",
        limit
    )
    .fetch_all(pool)
    .await
}

/// Bookings with an open Checkout Session that nobody has asked Stripe about for a while:
/// a webhook may have been missed. Marks them checked, so each instance takes different ones.
pub async fn take_payments_to_reconcile(
    pool: &PgPool,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        r#"update booking set payment_checked_at = now()
           where booking_id in (
               select booking_id from booking
               where status = 'awaiting_payment' and checkout_session_id is not null
                 and checkout_started_at < now() - interval '10 minutes'
                 and (payment_checked_at is null or payment_checked_at < now() - interval '5 minutes')
               order by payment_checked_at nulls first
               limit $1
               for update skip locked)
           returning booking_id, checkout_session_id as "checkout_session_id!""#,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.booking_id, r.checkout_session_id))
        .collect())
}

pub async fn stripe_event_seen(conn: &mut PgConnection, event_id: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from stripe_event where event_id = $1) as "seen!""#,
        event_id
    )
    .fetch_one(conn)
    .await
}

pub async fn record_stripe_event(
    conn: &mut PgConnection,
    event_id: &str,
    event_type: &str,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into stripe_event (event_id, event_type) values ($1, $2) on conflict do nothing",
        event_id,
        event_type
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn record_calcom_event(
    conn: &mut PgConnection,
    body_sha256: &str,
    trigger: &str,
    uid: Option<&str>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into calcom_event (body_sha256, trigger_event, booking_uid) values ($1, $2, $3) on conflict do nothing",
        body_sha256,
        trigger,
        uid
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}
