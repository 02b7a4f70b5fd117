//! Background work, Postgres-backed and safe with several app instances:
//!
//! - the outbox: emails, cal.com confirm/decline/cancel calls, Stripe refunds and receipts,
//!   reminders (jobs due at a set time) queued by
//!   `app::lifecycle` and `app::accounts` (password links, reset requests), each retried with exponential backoff until it succeeds;
//! - expiring unpaid holds (declining the cal.com booking, so the slot is free again);
//! - reconciling payments: asking Stripe about open sessions in case a webhook was missed.

use std::time::Duration;

use crate::{
    app::{
        Services,
        accounts::{self, JOB_PASSWORD_RESET, PasswordResetJob},
        booking::close_session,
        calendar, earnings,
        lifecycle::{
            self, AbsentJob, CalJob, ChargeJob, InvoiceJob, JOB_CAL_CANCEL, JOB_CAL_CONFIRM,
            JOB_CAL_DECLINE, JOB_CAL_MARK_ABSENT, JOB_EMAIL, JOB_REMINDER, JOB_STRIPE_CHARGE,
            JOB_STRIPE_INVOICE, JOB_STRIPE_REFUND, JOB_STRIPE_REFUNDS, RefundJob, RefundsJob,
            ReminderJob,
        },
        reports::{self, JOB_REPORT_REMINDER, ReportReminderJob},
        reviews::{self, JOB_REVIEW_INVITE, ReviewInviteJob},
    },
    db::{bookings, jobs},
    integrations::{
        CallError,
        mail::{Mailer, OutgoingEmail},
    },
};

/// How long a claimed job is ours before another worker may retry it.
const LEASE_SECONDS: i32 = 120;
/// After this many attempts a job is marked failed and left for a person.
const MAX_ATTEMPTS: i32 = 15;
const IDLE_POLL: Duration = Duration::from_secs(2);
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// Everything the worker talks to. `services.wake_worker` is poked by whoever queues work
/// (after their transaction commits), so it runs now rather than at the next poll.
#[derive(Clone)]
pub struct Worker {
    pub services: Services,
    pub mailer: Mailer,
}

/// Seconds until the next attempt: 5 s, 10 s, 20 s ... capped at one hour.
pub fn backoff_seconds(attempts: i32) -> i64 {
    let exponent = attempts.clamp(1, 20) - 1;
    (5_i64 << exponent).min(3600)
}

impl Worker {
    /// Runs until the process stops.
    pub async fn run(self) {
        let mut last_sweep = tokio::time::Instant::now() - SWEEP_EVERY;
        loop {
            if last_sweep.elapsed() >= SWEEP_EVERY {
                last_sweep = tokio::time::Instant::now();
                if let Err(err) = self.sweep().await {
                    tracing::warn!(error = ?err, "booking sweep failed; will retry");
                }
            }
            match self.run_one().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(err) => tracing::warn!(error = ?err, "job queue unavailable; will retry"),
            }
            let _ = tokio::time::timeout(IDLE_POLL, self.services.wake_worker.notified()).await;
        }
    }

    /// Claims and runs one due job. Returns whether there was one.
    pub async fn run_one(&self) -> anyhow::Result<bool> {
        let pool = &self.services.pool;
        let Some(job) = jobs::claim_next(pool, LEASE_SECONDS).await? else {
            return Ok(false);
        };
        let result = self.execute(&job.kind, job.payload).await;
        match result {
            Ok(()) => jobs::complete(pool, job.job_id).await?,
            Err(JobError::Retry(message)) if job.attempts < MAX_ATTEMPTS => {
                tracing::warn!(job.id = job.job_id, job.kind = %job.kind, attempts = job.attempts, error = %message, "job failed; retrying");
                jobs::fail(
                    pool,
                    job.job_id,
                    &message,
                    Some(backoff_seconds(job.attempts)),
                )
                .await?
            }
            Err(JobError::Retry(message) | JobError::Fatal(message)) => {
                tracing::error!(job.id = job.job_id, job.kind = %job.kind, error = %message, "job failed for good; needs a person");
                jobs::fail(pool, job.job_id, &message, None).await?
            }
        }
        Ok(true)
    }

    async fn execute(&self, kind: &str, payload: serde_json::Value) -> Result<(), JobError> {
        match kind {
            JOB_EMAIL => {
                let email: OutgoingEmail = parse(payload)?;
                self.mailer
                    .send(&email)
                    .await
                    .map_err(|e| JobError::Retry(format!("{e:#}")))
            }
            JOB_CAL_CONFIRM => {
                let job: CalJob = parse(payload)?;
                let key = self.cal_key(job.interviewer_id).await?;
                calendar::confirm_in_calcom(&self.services, &job, &key)
                    .await
                    .map_err(|e| JobError::Retry(format!("{e:#}")))
            }
            JOB_CAL_DECLINE => {
                let job: CalJob = parse(payload)?;
                let key = self.cal_key(job.interviewer_id).await?;
                calendar::release_in_calcom(&self.services, &job, &key)
                    .await
                    .map_err(|e| JobError::Retry(format!("{e:#}")))
            }
            JOB_CAL_CANCEL => {
                let job: CalJob = parse(payload)?;
                let key = self.cal_key(job.interviewer_id).await?;
                calendar::cancel_in_calcom(&self.services, &job, &key)
                    .await
                    .map_err(|e| JobError::Retry(format!("{e:#}")))
            }
            JOB_CAL_MARK_ABSENT => {
                let job: AbsentJob = parse(payload)?;
                let key = self.cal_key(job.interviewer_id).await?;
                let attendees: Vec<String> = job.attendee_email.into_iter().collect();
                self.services
                    .calcom
                    .mark_absent(&job.uid, job.host, &attendees, &key)
                    .await
                    .map_err(JobError::from)
            }
            JOB_REVIEW_INVITE => {
                let job: ReviewInviteJob = parse(payload)?;
                reviews::send_invite(&self.services, &job)
                    .await
                    .map(drop)
                    .map_err(|e| JobError::Retry(format!("{e:#}")))
            }
            JOB_REPORT_REMINDER => {
                let job: ReportReminderJob = parse(payload)?;
                reports::send_reminder(&self.services, &job)
                    .await
                    .map(drop)
                    .map_err(|e| JobError::Retry(format!("{e:#}")))
            }
            JOB_REMINDER => {
                let job: ReminderJob = parse(payload)?;
                if let Some(interviewer_id) =
                    bookings::interviewer_of(&self.services.pool, job.booking_id)
                        .await
                        .map_err(JobError::retry)?
                {
                    calendar::refresh_meeting_url(
                        &self.services,
                        job.booking_id,
                        &job.uid,
                        interviewer_id,
                    )
                    .await;
                }
                lifecycle::send_reminder(&self.services, &job)
                    .await
                    .map(drop)
                    .map_err(|e| JobError::Retry(format!("{e:#}")))
            }
            JOB_STRIPE_CHARGE => {
                let job: ChargeJob = parse(payload)?;
                let charge = self
                    .services
                    .stripe
                    .retrieve_charge_of(&job.payment_intent)
                    .await
                    .map_err(JobError::from)?
                    .ok_or_else(|| JobError::Retry("no charge on the payment yet".to_owned()))?;
                let recorded = earnings::record_charge(&self.services, job.booking_id, &charge)
                    .await
                    .map_err(JobError::retry)?;
                match &charge.receipt_url {
                    Some(url) if url.starts_with("https://") => {
                        bookings::set_receipt_url(&self.services.pool, job.booking_id, url)
                            .await
                            .map_err(JobError::retry)?
                    }
                    // Stripe makes the receipt with the charge; none yet means later.
                    _ => return Err(JobError::Retry("no receipt on the charge yet".to_owned())),
                }
                if recorded == earnings::Recorded::NotSettledYet {
                    return Err(JobError::Retry(
                        "no balance transaction on the charge yet".to_owned(),
                    ));
                }
                Ok(())
            }
            JOB_STRIPE_REFUND => {
                let job: RefundJob = parse(payload)?;
                let key = format!("refund:{}:{}", job.public_id, job.payment_intent);
                let refund = self
                    .services
                    .stripe
                    .create_refund(&job.payment_intent, job.amount_minor, &job.public_id, &key)
                    .await
                    .map_err(JobError::from)?;
                // The booking's own payment (not a stray one, which never entered the ledger).
                if job.marks_booking_refunded {
                    if refund.status.as_deref() == Some("succeeded") {
                        earnings::record_refund(&self.services, job.booking_id, &refund)
                            .await
                            .map_err(JobError::retry)?;
                    } else {
                        // Not final yet (some payment methods take days): the money enters
                        // the ledger once Stripe says it moved, which the refunds job asks.
                        let mut conn = self
                            .services
                            .pool
                            .acquire()
                            .await
                            .map_err(JobError::retry)?;
                        lifecycle::queue_refunds_check(
                            &mut conn,
                            job.booking_id,
                            &job.payment_intent,
                            &refund.id,
                        )
                        .await
                        .map_err(JobError::retry)?;
                    }
                    lifecycle::mark_refunded(&self.services, job.booking_id)
                        .await
                        .map_err(JobError::retry)?;
                }
                Ok(())
            }
            JOB_STRIPE_REFUNDS => {
                let job: RefundsJob = parse(payload)?;
                let refunds = self
                    .services
                    .stripe
                    .list_refunds(&job.payment_intent)
                    .await
                    .map_err(JobError::from)?;
                let mut in_flight = 0;
                for refund in &refunds {
                    match refund.status.as_deref() {
                        Some("succeeded") => {
                            earnings::record_refund(&self.services, job.booking_id, refund)
                                .await
                                .map_err(JobError::retry)?;
                        }
                        // Not final yet: ask again later.
                        Some("pending" | "requires_action") => in_flight += 1,
                        // Failed or cancelled: no money moved, though the customer may have
                        // been told it is on its way.
                        status => tracing::error!(
                            booking.id = job.booking_id,
                            refund.id = %refund.id,
                            status = status.unwrap_or("unknown"),
                            "ALERT: a refund did not go through; nothing was recorded for it"
                        ),
                    }
                }
                if in_flight > 0 {
                    return Err(JobError::Retry(format!(
                        "{in_flight} refund(s) still pending at Stripe"
                    )));
                }
                Ok(())
            }
            JOB_STRIPE_INVOICE => {
                let job: InvoiceJob = parse(payload)?;
                let url = self
                    .services
                    .stripe
                    .retrieve_invoice_url(&job.checkout_session)
                    .await
                    .map_err(JobError::from)?;
                match url {
                    Some(url) if url.starts_with("https://") => {
                        bookings::set_invoice_url(&self.services.pool, job.booking_id, &url)
                            .await
                            .map_err(JobError::retry)
                    }
                    // Stripe finalises the invoice a moment after the payment.
                    _ => Err(JobError::Retry("no invoice on the session yet".to_owned())),
                }
            }
            JOB_PASSWORD_RESET => {
                let job: PasswordResetJob = parse(payload)?;
                accounts::send_reset_link_if_known(&self.services, &job.email)
                    .await
                    .map_err(|e| JobError::Retry(format!("{e:#}")))
            }
            other => Err(JobError::Fatal(format!("unknown job kind `{other}`"))),
        }
    }

    /// The cal.com key that can act on this interviewer's bookings.
    async fn cal_key(&self, interviewer_id: i64) -> Result<crate::config::Secret, JobError> {
        self.services
            .cal_key_for(interviewer_id)
            .await
            .map_err(JobError::retry)?
            .ok_or_else(|| {
                JobError::Retry(
                    "no cal.com API key: neither the interviewer's own nor CALCOM_API_KEY"
                        .to_owned(),
                )
            })
    }

    /// Expires unpaid holds, assumes unmarked sessions held a day after they ended, and
    /// reconciles open Checkout Sessions with Stripe.
    pub async fn sweep(&self) -> anyhow::Result<()> {
        let pool = &self.services.pool;
        crate::db::accounts::prune_sessions(pool).await?;
        crate::db::limits::prune(pool).await?;
        for booking_id in bookings::expired_holds(pool, 50).await? {
            self.settle_unpaid(booking_id).await?;
        }
        let assume_after = crate::domain::booking::ASSUME_HELD_AFTER_END.whole_hours() as i32;
        for booking_id in bookings::unmarked_sessions_ended_before(pool, assume_after, 50).await? {
            lifecycle::assume_held(&self.services, booking_id).await?;
        }
        if self.services.stripe.is_configured() {
            for (booking_id, session_id) in bookings::take_payments_to_reconcile(pool, 20).await? {
                match self
                    .services
                    .stripe
                    .retrieve_checkout_session(&session_id)
                    .await
                {
                    Ok(session) if session.is_paid() => {
                        tracing::warn!(
                            booking.id = booking_id,
                            "payment found by reconciliation: a webhook was missed"
                        );
                        lifecycle::mark_paid(&self.services, booking_id, &session).await?;
                    }
                    Ok(_) => {}
                    Err(err) => {
                        tracing::warn!(booking.id = booking_id, error = %err, "cannot reconcile with Stripe yet")
                    }
                }
            }
        }
        Ok(())
    }

    /// A hold ran out: unless Stripe has the money after all, expire the booking, closing
    /// every Checkout Session it ever opened first (so none can be paid afterwards; a crash
    /// mid-replacement can leave an older one open).
    async fn settle_unpaid(&self, booking_id: i64) -> anyhow::Result<()> {
        let services = &self.services;
        if services.stripe.is_configured() {
            for session_id in bookings::open_checkout_sessions(&services.pool, booking_id).await? {
                match close_session(services, &session_id).await {
                    Ok(None) => {
                        bookings::close_checkout_session(&services.pool, &session_id).await?;
                    }
                    Ok(Some(paid)) => {
                        lifecycle::mark_paid(services, booking_id, &paid).await?;
                        return Ok(());
                    }
                    Err(err) => {
                        // Without Stripe's word we do not release a slot someone may pay for.
                        tracing::warn!(booking.id = booking_id, error = %err, "cannot close the Checkout Session yet; later");
                        return Ok(());
                    }
                }
            }
        }
        lifecycle::expire(services, booking_id, None).await?;
        Ok(())
    }
}

#[derive(Debug)]
enum JobError {
    Retry(String),
    Fatal(String),
}

impl JobError {
    fn retry(err: impl std::fmt::Display) -> Self {
        JobError::Retry(err.to_string())
    }
}

impl From<CallError> for JobError {
    fn from(err: CallError) -> Self {
        // 4xx from cal.com or Stripe can be transient in practice (a key being rotated); keep
        // retrying with backoff until MAX_ATTEMPTS and let a person look after that.
        JobError::Retry(err.to_string())
    }
}

fn parse<T: serde::de::DeserializeOwned>(payload: serde_json::Value) -> Result<T, JobError> {
    serde_json::from_value(payload).map_err(|e| JobError::Fatal(format!("unreadable payload: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_and_caps_at_an_hour() {
        let delays: Vec<i64> = (1..=6).map(super::backoff_seconds).collect();
        assert_eq!(delays, [5, 10, 20, 40, 80, 160]);
        assert_eq!(super::backoff_seconds(30), 3600);
    }
}
