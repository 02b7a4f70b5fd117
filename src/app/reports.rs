//! The written feedback report: the interviewer writes it after a held session (saved as a
//! draft while they type, submitted once, then read-only), is reminded at 24 and 44 hours
//! after the end, and the customer is emailed when it is ready and reads it on their
//! booking page.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Services, lifecycle};
use crate::{
    db::{bookings::BookingView, jobs, reports},
    domain::{
        BookingStatus, SessionOutcome,
        feedback::{REPORT_REMINDERS, ReportInput, Rubric, rubric_by_key, rubric_for_subject},
        forms::FieldErrors,
    },
};

pub const JOB_REPORT_REMINDER: &str = "report_reminder";

/// The `report_reminder` job's payload.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReportReminderJob {
    pub booking_id: i64,
    pub which: String,
}

/// A booking's report as the admin panel and the booking page need it.
pub struct Report {
    pub rubric: Rubric,
    pub input: ReportInput,
    pub submitted_at: Option<OffsetDateTime>,
    /// When the draft was last saved (none: nothing written yet).
    pub saved_at: Option<OffsetDateTime>,
}

/// Whether the session is one a report is written for: held, and paid (a booking refunded
/// afterwards, under the guarantee, keeps its report).
pub fn has_report(booking: &BookingView) -> bool {
    booking.session_outcome == Some(SessionOutcome::Held)
        && matches!(
            booking.status,
            BookingStatus::Paid | BookingStatus::Refunded
        )
}

/// The report of `booking` (a blank one in the rubric that suits its subject if nothing was
/// written yet), or `None` when the session is not one with a report.
pub async fn report(services: &Services, booking: &BookingView) -> anyhow::Result<Option<Report>> {
    if !has_report(booking) {
        return Ok(None);
    }
    let row = reports::report_of(&mut *services.pool.acquire().await?, booking.booking_id).await?;
    Ok(Some(match row {
        Some(row) => Report {
            rubric: rubric_by_key(&row.rubric)
                .unwrap_or_else(|| rubric_for_subject(booking.chosen_subject.as_deref())),
            input: row.input,
            submitted_at: row.submitted_at,
            saved_at: Some(row.updated_at),
        },
        None => Report {
            rubric: rubric_for_subject(booking.chosen_subject.as_deref()),
            input: ReportInput::default(),
            submitted_at: None,
            saved_at: None,
        },
    }))
}

/// The report the customer may read: a submitted one.
pub async fn submitted_report(
    services: &Services,
    booking: &BookingView,
) -> anyhow::Result<Option<Report>> {
    Ok(report(services, booking)
        .await?
        .filter(|r| r.submitted_at.is_some()))
}

#[derive(Debug)]
pub enum SaveOutcome {
    Saved {
        at: OffsetDateTime,
    },
    /// Submitted: the customer is being emailed.
    Submitted,
    /// The messages per field; nothing saved. `input` is what was posted.
    Invalid {
        input: ReportInput,
        errors: FieldErrors,
    },
    /// No report to write: the session is not held, or the report was submitted already.
    NotWritable,
}

/// Saves what the interviewer has written (`submit`: and sends it to the customer). `fields`
/// are the form's, as posted. A draft is saved if it is within the limits; a submission
/// needs everything (`ReportInput::submit_errors`).
pub async fn save(
    services: &Services,
    booking: &BookingView,
    fields: &BTreeMap<String, String>,
    submit: bool,
) -> anyhow::Result<SaveOutcome> {
    let Some(current) = report(services, booking).await? else {
        return Ok(SaveOutcome::NotWritable);
    };
    if current.submitted_at.is_some() {
        return Ok(SaveOutcome::NotWritable);
    }
    let input = ReportInput::from_fields(current.rubric, fields);
    let errors = if submit {
        input.submit_errors(current.rubric)
    } else {
        input.length_errors()
    };
    if !errors.is_empty() {
        return Ok(SaveOutcome::Invalid { input, errors });
    }
    let mut tx = services.pool.begin().await?;
    if !reports::save(
        &mut tx,
        booking.booking_id,
        current.rubric.key,
        &input,
        submit,
    )
    .await?
    {
        return Ok(SaveOutcome::NotWritable);
    }
    if submit {
        lifecycle::email_about(
            services,
            &mut tx,
            booking.booking_id,
            "customer_report_ready",
        )
        .await?;
    }
    tx.commit().await?;
    if submit {
        services.work_queued();
        return Ok(SaveOutcome::Submitted);
    }
    Ok(SaveOutcome::Saved {
        at: OffsetDateTime::now_utc(),
    })
}

/// Schedules the interviewer's reminders for a held session's report, at 24 and 44 hours
/// after its end (those still ahead).
pub async fn schedule_reminders(
    conn: &mut sqlx::PgConnection,
    booking_id: i64,
    ends_at: OffsetDateTime,
) -> sqlx::Result<()> {
    let now = OffsetDateTime::now_utc();
    for (which, hours) in REPORT_REMINDERS {
        let due = ends_at + time::Duration::hours(hours);
        if due <= now {
            continue;
        }
        let job = ReportReminderJob {
            booking_id,
            which: which.to_owned(),
        };
        jobs::enqueue_at(
            conn,
            JOB_REPORT_REMINDER,
            &format!("report_reminder:{booking_id}:{which}"),
            &job,
            due,
        )
        .await?;
    }
    Ok(())
}

/// A report reminder is due: the interviewer is emailed unless the report is in (or the
/// session turned out not to be held after all).
pub async fn send_reminder(services: &Services, job: &ReportReminderJob) -> anyhow::Result<bool> {
    let mut conn = services.pool.acquire().await?;
    let Some(booking) = crate::db::bookings::view_by_id(&mut conn, job.booking_id).await? else {
        return Ok(false);
    };
    drop(conn);
    let Some(current) = report(services, &booking).await? else {
        return Ok(false);
    };
    if current.submitted_at.is_some() {
        return Ok(false);
    }
    let mut tx = services.pool.begin().await?;
    lifecycle::email_interviewer(
        services,
        &mut tx,
        booking.booking_id,
        "interviewer_report_reminder",
        Some(&job.which),
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(true)
}
