//! The calendar invite of a booking, as each side gets it: emailed with the confirmation,
//! the reschedule and the cancellation, and downloaded from the booking page.

use crate::{
    db::bookings::BookingView,
    domain::{
        invite::{self, Invite, Method, Person},
        reference,
    },
    integrations::mail::Attachment,
    paths,
};

use super::Services;

/// Whose calendar the invite is for: the description differs (the customer's points at their
/// booking page, the interviewer's at the admin panel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Customer,
    Interviewer,
}

/// The host part of the site's URL, for invite UIDs.
fn site_host(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    let rest = &base_url[after_scheme..];
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// The `.ics` text of `booking`'s invite.
pub fn ics(services: &Services, booking: &BookingView, method: Method, reader: Reader) -> String {
    let base = services.config.public_base_url.as_str();
    let booking_url = paths::absolute(base, &paths::booking_page(&booking.public_id));
    let admin_url = paths::absolute(base, &paths::admin_booking(&booking.public_id));
    let customer_name = booking.customer_name.as_deref().unwrap_or("Customer");
    let video = booking.meeting_url.as_deref().map_or_else(
        || "Video call: the link will be on your booking page once the interviewer's calendar confirms it.".to_owned(),
        |url| format!("Video call: {url}"),
    );
    let (summary, description) = match reader {
        Reader::Customer => (
            format!("Practice interview with {}", booking.interviewer_name),
            format!(
                "Your 1-hour practice interview with {}, then 30 minutes of feedback.\n\n{video}\n\nYour booking (details, reschedule, cancel): {booking_url}\nReference: {}",
                booking.interviewer_name,
                reference::of(booking.booking_id)
            ),
        ),
        Reader::Interviewer => (
            format!("Practice interview: {customer_name}"),
            format!(
                "1-hour practice interview with {customer_name}, then 30 minutes of feedback.\n\n{video}\n\nWhat they told us, and their resume: {admin_url}\nReference: {}",
                reference::of(booking.booking_id)
            ),
        ),
    };
    let (organizer_name, organizer_email) = organizer(&services.config.mail.from);
    let mut attendees = Vec::new();
    if let Some(email) = booking.customer_email.as_deref() {
        attendees.push(Person {
            name: customer_name,
            email,
        });
    }
    if let Some(email) = booking.host_email.as_deref() {
        attendees.push(Person {
            name: &booking.interviewer_name,
            email,
        });
    }
    Invite {
        uid: invite::uid_for(&booking.public_id, site_host(base)),
        sequence: u32::try_from(booking.calendar_sequence).unwrap_or(0),
        method,
        summary: &summary,
        description: &description,
        starts_at: booking.starts_at,
        ends_at: booking.ends_at,
        location: booking.meeting_url.as_deref(),
        url: &booking_url,
        organizer: Person {
            name: &organizer_name,
            email: &organizer_email,
        },
        attendees,
        stamp: time::OffsetDateTime::now_utc(),
    }
    .to_ics()
}

/// "Add to Google Calendar" and "Add to Outlook" links for the customer: the event's text
/// in the query string of each calendar's compose page.
pub struct WebCalendarLinks {
    pub google: String,
    pub outlook: String,
}

pub fn web_calendar_links(services: &Services, booking: &BookingView) -> WebCalendarLinks {
    let base = services.config.public_base_url.as_str();
    let booking_url = paths::absolute(base, &paths::booking_page(&booking.public_id));
    let title = format!("Practice interview with {}", booking.interviewer_name);
    let mut details = format!(
        "Your 1-hour practice interview, then 30 minutes of feedback.\nYour booking: {booking_url}"
    );
    if let Some(url) = booking.meeting_url.as_deref() {
        details = format!("Video call: {url}\n{details}");
    }
    let location = booking.meeting_url.as_deref().unwrap_or("");
    let compact = |at: time::OffsetDateTime| {
        at.to_offset(time::UtcOffset::UTC)
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .unwrap_or_default()
    };
    let query = |pairs: &[(&str, &str)]| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };
    let dates = format!(
        "{}/{}",
        compact(booking.starts_at),
        compact(booking.ends_at)
    );
    let google = format!(
        "https://calendar.google.com/calendar/render?{}",
        query(&[
            ("action", "TEMPLATE"),
            ("text", &title),
            ("dates", &dates),
            ("details", &details),
            ("location", location),
        ])
    );
    let outlook = format!(
        "https://outlook.live.com/calendar/0/deeplink/compose?{}",
        query(&[
            ("path", "/calendar/action/compose"),
            ("rru", "addevent"),
            ("subject", &title),
            ("startdt", &crate::domain::when::rfc3339(booking.starts_at)),
            ("enddt", &crate::domain::when::rfc3339(booking.ends_at)),
            ("body", &details),
            ("location", location),
        ])
    );
    WebCalendarLinks { google, outlook }
}

/// The invite as an email attachment.
pub fn attachment(
    services: &Services,
    booking: &BookingView,
    method: Method,
    reader: Reader,
) -> Attachment {
    let content = ics(services, booking, method, reader);
    Attachment {
        filename: if method == Method::Cancel {
            "cancelled.ics".to_owned()
        } else {
            "invite.ics".to_owned()
        },
        content_type: method.content_type(),
        content,
    }
}

/// `MAIL_FROM` ("508.dev <interviews@508.dev>" or a bare address) as a name and an address.
fn organizer(mail_from: &str) -> (String, String) {
    match mail_from.parse::<lettre::message::Mailbox>() {
        Ok(mailbox) => (
            mailbox.name.unwrap_or_else(|| "508.dev".to_owned()),
            mailbox.email.to_string(),
        ),
        Err(_) => ("508.dev".to_owned(), mail_from.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn uids_carry_the_sites_host() {
        assert_eq!(
            super::site_host("https://interviews.508.dev"),
            "interviews.508.dev"
        );
        assert_eq!(super::site_host("http://localhost:8000/x"), "localhost");
    }

    #[test]
    fn the_organizer_comes_from_mail_from() {
        assert_eq!(
            super::organizer("508.dev Interviews <interviews@508.dev>"),
            (
                "508.dev Interviews".to_owned(),
                "interviews@508.dev".to_owned()
            )
        );
        assert_eq!(
            super::organizer("interviews@508.dev").1,
            "interviews@508.dev"
        );
    }
}
