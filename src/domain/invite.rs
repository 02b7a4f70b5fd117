//! Calendar invites (iCalendar, RFC 5545 with the iTIP methods of RFC 5546), built with the
//! `icalendar` crate, which does the escaping and line folding.
//!
//! One booking is one calendar event for its whole life: the UID is derived from the
//! booking's public id and never changes, and `SEQUENCE` (the booking's
//! `calendar_sequence`, raised on every move) tells calendars that a later invite replaces
//! an earlier one. A cancellation is the same UID with `METHOD:CANCEL`.

use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use time::{OffsetDateTime, UtcOffset, macros::format_description};

/// What the invite asks of the calendar that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Emailed: add or update the event (the attendee's calendar offers to accept it).
    Request,
    /// Emailed: the event is cancelled; calendars remove it.
    Cancel,
    /// Downloaded from the booking page ("Add to calendar"): an event to import, no
    /// invitation semantics.
    Publish,
}

impl Method {
    fn as_ical(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }

    /// The MIME type of an `.ics` with this method, naming the method as iTIP mail asks.
    pub fn content_type(self) -> String {
        format!("text/calendar; method={}; charset=UTF-8", self.as_ical())
    }
}

#[derive(Debug, Clone)]
pub struct Person<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

#[derive(Debug, Clone)]
pub struct Invite<'a> {
    /// Stable per booking: [`uid_for`].
    pub uid: String,
    pub sequence: u32,
    pub method: Method,
    pub summary: &'a str,
    /// Plain text; the video link and the booking page's link belong here as well as in
    /// `location` and `url`, because many calendars show only the description.
    pub description: &'a str,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    /// The video call link, once there is one.
    pub location: Option<&'a str>,
    /// The customer's booking page.
    pub url: &'a str,
    /// Who sends the invite (the site's own address).
    pub organizer: Person<'a>,
    pub attendees: Vec<Person<'a>>,
    /// When this version of the invite was made (`DTSTAMP`).
    pub stamp: OffsetDateTime,
}

/// The UID of booking `public_id`'s event: the same in every invite it ever gets, so a
/// calendar updates or removes the one event instead of adding another.
pub fn uid_for(public_id: &str, site_host: &str) -> String {
    format!("booking-{public_id}@{site_host}")
}

/// `20261201T150000Z`: a UTC DATE-TIME, which needs no VTIMEZONE.
fn utc_stamp(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default()
}

fn mailto(property: &str, person: &Person<'_>) -> Property {
    let mut property = Property::new(property, format!("mailto:{}", person.email));
    property.add_parameter("CN", person.name);
    property.done()
}

impl Invite<'_> {
    /// The `.ics` text (CRLF line ends, lines folded at 75 octets).
    pub fn to_ics(&self) -> String {
        let mut event = icalendar::Event::new();
        event
            .uid(&self.uid)
            .sequence(self.sequence)
            .add_property("DTSTAMP", utc_stamp(self.stamp))
            .add_property("DTSTART", utc_stamp(self.starts_at))
            .add_property("DTEND", utc_stamp(self.ends_at))
            .summary(self.summary)
            .description(self.description)
            .url(self.url)
            .status(if self.method == Method::Cancel {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(location) = self.location {
            event.location(location);
        }
        if self.method != Method::Publish {
            event.append_property(mailto("ORGANIZER", &self.organizer));
            for attendee in &self.attendees {
                let mut property = mailto("ATTENDEE", attendee);
                property
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .add_parameter("PARTSTAT", "ACCEPTED")
                    .add_parameter("RSVP", "FALSE");
                event.append_multi_property(property);
            }
        }
        let mut calendar = Calendar::empty();
        calendar
            .append_property(("VERSION", "2.0"))
            .append_property(("PRODID", "-//508.dev//Interview Service//EN"))
            .append_property(("CALSCALE", "GREGORIAN"))
            .append_property(("METHOD", self.method.as_ical()))
            .push(event.done());
        calendar.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::{CalendarComponent, DatePerhapsTime};

    fn invite(method: Method, sequence: u32) -> Invite<'static> {
        Invite {
            uid: uid_for("abc123", "interviews.508.dev"),
            sequence,
            method,
            summary: "Practice interview with Ada Lovelace",
            description: "Video call: https://cal.com/video/xyz\nYour booking: https://interviews.508.dev/bookings/abc123\nA line with, commas; and semicolons that must be escaped, and long enough to need folding at seventy-five octets.",
            starts_at: OffsetDateTime::from_unix_timestamp(1_796_137_200).unwrap(),
            ends_at: OffsetDateTime::from_unix_timestamp(1_796_137_200 + 90 * 60).unwrap(),
            location: Some("https://cal.com/video/xyz"),
            url: "https://interviews.508.dev/bookings/abc123",
            organizer: Person {
                name: "508.dev Interviews",
                email: "interviews@508.dev",
            },
            attendees: vec![
                Person {
                    name: "Grace Hopper",
                    email: "grace@example.com",
                },
                Person {
                    name: "Ada Lovelace",
                    email: "ada@example.com",
                },
            ],
            stamp: OffsetDateTime::from_unix_timestamp(1_796_000_000).unwrap(),
        }
    }

    fn parse(ics: &str) -> (Calendar, icalendar::Event) {
        let calendar: Calendar = ics.parse().expect("the invite parses");
        let event = calendar
            .components
            .iter()
            .find_map(|c| match c {
                CalendarComponent::Event(e) => Some(e.clone()),
                _ => None,
            })
            .expect("one event");
        (calendar, event)
    }

    fn utc(dt: DatePerhapsTime) -> i64 {
        match dt {
            DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t)) => t.timestamp(),
            other => panic!("expected a UTC date-time, got {other:?}"),
        }
    }

    #[test]
    fn a_request_reads_back_with_everything_calendars_need() {
        let sent = invite(Method::Request, 2);
        let ics = sent.to_ics();
        assert!(ics.lines().all(|l| l.len() <= 75), "folded:\n{ics}");
        assert!(ics.contains("\r\n"));
        let (calendar, event) = parse(&ics);
        assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
        assert_eq!(calendar.property_value("VERSION"), Some("2.0"));
        assert_eq!(event.get_uid(), Some("booking-abc123@interviews.508.dev"));
        assert_eq!(event.get_sequence(), Some(2));
        assert_eq!(utc(event.get_start().unwrap()), 1_796_137_200);
        assert_eq!(utc(event.get_end().unwrap()), 1_796_137_200 + 5400);
        assert_eq!(event.get_summary(), Some(sent.summary));
        assert_eq!(event.get_description(), Some(sent.description));
        assert_eq!(event.get_location(), Some("https://cal.com/video/xyz"));
        assert_eq!(event.get_url(), Some(sent.url));
        assert_eq!(event.get_status(), Some(EventStatus::Confirmed));
        let attendees: Vec<_> = event
            .get_attendees()
            .into_iter()
            .map(|a| (a.cal_address, a.cn))
            .collect();
        assert_eq!(attendees.len(), 2);
        assert!(attendees.contains(&(
            "mailto:grace@example.com".to_owned(),
            Some("Grace Hopper".to_owned())
        )));
        assert_eq!(
            event.property_value("ORGANIZER"),
            Some("mailto:interviews@508.dev")
        );
        assert_eq!(
            Method::Request.content_type(),
            "text/calendar; method=REQUEST; charset=UTF-8"
        );
    }

    #[test]
    fn a_cancel_names_the_same_event() {
        let (calendar, event) = parse(&invite(Method::Cancel, 3).to_ics());
        assert_eq!(calendar.property_value("METHOD"), Some("CANCEL"));
        assert_eq!(event.get_uid(), Some("booking-abc123@interviews.508.dev"));
        assert_eq!(event.get_sequence(), Some(3));
        assert_eq!(event.get_status(), Some(EventStatus::Cancelled));
    }

    #[test]
    fn a_download_carries_no_invitation() {
        let mut download = invite(Method::Publish, 0);
        download.location = None;
        let (calendar, event) = parse(&download.to_ics());
        assert_eq!(calendar.property_value("METHOD"), Some("PUBLISH"));
        assert!(event.get_attendees().is_empty());
        assert_eq!(event.property_value("ORGANIZER"), None);
        assert_eq!(event.get_location(), None);
    }
}
