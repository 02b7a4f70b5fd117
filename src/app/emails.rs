//! The emails of the booking flow, rendered from `templates/emails/<name>.{subject.txt,txt,html}`
//! when they are queued, so the outbox holds exactly what will be sent.

use serde::Serialize;

use super::Services;
use crate::{
    db::bookings::BookingView,
    domain::{booking_details, invite::Method, reference, when},
    integrations::mail::OutgoingEmail,
    paths,
};

use super::invites::{self, Reader};

#[derive(Serialize)]
struct EmailContext<'a> {
    base_url: &'a str,
    booking_url: String,
    admin_url: String,
    /// The customer's report page, and the interviewer's form for it.
    report_url: String,
    admin_report_url: String,
    /// When the report is due (in the interviewer's zone).
    report_due: String,
    resume_url: Option<String>,
    interviewer_name: &'a str,
    interviewer_url: String,
    customer_name: &'a str,
    /// What customer emails greet with: "Hi Grace," ("Hi there," without a name).
    customer_first_name: &'a str,
    customer_email: &'a str,
    /// The short reference to quote ("IS-7K3P-Q2").
    reference: String,
    when_customer: String,
    /// In the interviewer's zone, as cal.com reports it (UTC when unknown).
    when_interviewer: String,
    when_utc: String,
    /// "in 24 hours", "in 1 hour": how far off the start is as the email is made.
    starts_in: String,
    meeting_url: Option<&'a str>,
    reschedule_notice_hours: u32,
    /// A customer who did not come may still move it once, free.
    goodwill_reschedule: bool,
    guarantee_claim_days: u32,
    /// What the customer paid (after any promotion code).
    price: String,
    /// What a promotion code took off, if one did.
    discount: Option<String>,
    /// A promotion code covered the whole price: nothing was charged.
    free: bool,
    refund_window_hours: u32,
    background: &'a str,
    interview_focus: &'a str,
    technologies: &'a [String],
    subject: Option<&'a str>,
    target_companies: Option<&'a str>,
    extra_information: Option<&'a str>,
    refund: Option<String>,
    refund_reason: Option<&'a str>,
    cancelled_by: Option<&'a str>,
    cancellation_reason: Option<&'a str>,
    acknowledgement_note: Option<&'a str>,
    /// Staff's answer to the customer's guarantee claim.
    claim_reply: Option<&'a str>,
}

fn context<'a>(services: &'a Services, booking: &'a BookingView) -> EmailContext<'a> {
    let base = services.config.public_base_url.as_str();
    let url = |path: String| paths::absolute(base, &path);
    EmailContext {
        base_url: base,
        booking_url: url(paths::booking_page(&booking.public_id)),
        admin_url: url(paths::admin_booking(&booking.public_id)),
        report_url: url(paths::booking_report(&booking.public_id)),
        admin_report_url: url(paths::admin_booking_report(&booking.public_id)),
        report_due: when::format_in_zone(
            crate::domain::feedback::due_at(booking.ends_at),
            booking.host_time_zone.as_deref(),
        ),
        resume_url: booking
            .resume_key
            .as_ref()
            .map(|_| url(paths::admin_booking_resume(&booking.public_id))),
        interviewer_name: &booking.interviewer_name,
        interviewer_url: url(paths::interviewer(&booking.interviewer_slug)),
        customer_name: booking.customer_name.as_deref().unwrap_or("there"),
        customer_first_name: booking
            .customer_name
            .as_deref()
            .and_then(booking_details::first_name)
            .unwrap_or("there"),
        customer_email: booking.customer_email.as_deref().unwrap_or(""),
        when_customer: when::format_in_zone(
            booking.starts_at,
            booking.customer_time_zone.as_deref(),
        ),
        when_interviewer: when::format_in_zone(
            booking.starts_at,
            booking.host_time_zone.as_deref(),
        ),
        when_utc: when::format_in_zone(booking.starts_at, None),
        reference: reference::of(booking.booking_id),
        starts_in: when::starts_in(booking.starts_at, time::OffsetDateTime::now_utc()),
        meeting_url: booking.meeting_url.as_deref(),
        reschedule_notice_hours: services.config.booking.reschedule_notice_hours,
        goodwill_reschedule: services.config.booking.goodwill_reschedule_after_no_show
            && !booking.goodwill_reschedule_used,
        guarantee_claim_days: services.config.booking.guarantee_claim_days,
        price: booking.amount_paid().to_string(),
        discount: booking.discount().map(|d| d.to_string()),
        free: booking.is_free(),
        refund_window_hours: services.config.booking.refund_window_hours,
        background: booking.background.as_deref().unwrap_or(""),
        interview_focus: booking.interview_focus.as_deref().unwrap_or(""),
        technologies: &booking.chosen_technologies,
        subject: booking.chosen_subject.as_deref(),
        target_companies: booking.target_companies.as_deref(),
        extra_information: booking.extra_information.as_deref(),
        refund: booking
            .refund
            .filter(|m| m.minor > 0)
            .map(|m| m.to_string()),
        refund_reason: booking.refund_reason.as_deref(),
        cancelled_by: booking.cancelled_by.map(|by| by.as_db()),
        cancellation_reason: booking.cancellation_reason.as_deref(),
        acknowledgement_note: booking.acknowledgement_note.as_deref(),
        claim_reply: booking
            .claim
            .as_ref()
            .and_then(|c| c.staff_reply.as_deref()),
    }
}

/// The calendar invite an email carries, and for whom: the booking's event is requested with
/// the confirmation, every move and every reminder (by then it may have the video link), and
/// withdrawn with a cancellation.
fn invite_of(name: &str) -> Option<(Method, Reader)> {
    match name {
        "customer_confirmation" | "customer_rescheduled" | "customer_reminder" => {
            Some((Method::Request, Reader::Customer))
        }
        "interviewer_notification" | "interviewer_rescheduled" | "interviewer_reminder" => {
            Some((Method::Request, Reader::Interviewer))
        }
        "customer_cancellation" | "customer_slot_released" | "customer_interviewer_absent" => {
            Some((Method::Cancel, Reader::Customer))
        }
        "interviewer_cancellation" => Some((Method::Cancel, Reader::Interviewer)),
        _ => None,
    }
}

/// Renders `emails/<name>.*` for `booking`, addressed to `to`.
pub fn render(
    services: &Services,
    name: &str,
    booking: &BookingView,
    to: &str,
) -> anyhow::Result<OutgoingEmail> {
    let ctx = context(services, booking);
    let render = |suffix: &str| {
        services
            .templates
            .render(&format!("emails/{name}.{suffix}"), None, &ctx)
    };
    Ok(OutgoingEmail {
        to: to.to_owned(),
        subject: render("subject.txt")?.trim().to_owned(),
        text: render("txt")?,
        html: render("html")?,
        attachments: invite_of(name)
            .map(|(method, reader)| invites::attachment(services, booking, method, reader))
            .into_iter()
            .collect(),
    })
}
