//! Formatting instants for people, in their own time zone.
//!
//! One format everywhere (pages, emails, admin): "Tuesday 1 December 2026, 16:00
//! (Europe/Berlin, UTC+1)": English day and month names, the 24-hour clock, then the zone by
//! its IANA name and its offset from UTC at that instant ("(UTC)" alone in UTC). The offset
//! rather than an abbreviation: abbreviations are ambiguous (IST, CST) and browsers do not
//! agree on them, while an offset comes out the same everywhere. ts/local-time.ts renders
//! `<time data-local-time>` in the reader's zone in exactly this shape; change both together.

use time::OffsetDateTime;

/// "Tuesday 1 December 2026, 16:00 (Europe/Berlin, UTC+1)". Unknown or missing zones fall
/// back to UTC, and say so: "Tuesday 1 December 2026, 15:00 (UTC)".
pub fn format_in_zone(at: OffsetDateTime, zone: Option<&str>) -> String {
    let (zoned, label) = in_zone(at, zone);
    format!("{} ({label})", zoned.strftime("%A %-d %B %Y, %H:%M"))
}

/// The time of day only, for instants within the hour (a hold's end): "16:31 (Europe/Berlin,
/// UTC+1)".
pub fn format_time_in_zone(at: OffsetDateTime, zone: Option<&str>) -> String {
    let (zoned, label) = in_zone(at, zone);
    format!("{} ({label})", zoned.strftime("%H:%M"))
}

/// The instant in `zone` (UTC when unknown) and the zone's label at that instant.
fn in_zone(at: OffsetDateTime, zone: Option<&str>) -> (jiff::ZonedDateTime, String) {
    let timestamp =
        jiff::Timestamp::from_second(at.unix_timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let found = zone
        .map(str::trim)
        .filter(|z| !is_utc(z))
        .and_then(|z| jiff::tz::TimeZone::get(z).ok().map(|tz| (tz, z)));
    match found {
        Some((tz, name)) => {
            let zoned = timestamp.to_zoned_datetime(tz);
            let label = format!("{name}, {}", utc_offset(zoned.offset().seconds()));
            (zoned, label)
        }
        None => (
            timestamp.to_zoned_datetime(jiff::tz::TimeZone::UTC),
            "UTC".to_owned(),
        ),
    }
}

/// Names of UTC itself, which get the short "(UTC)" label.
fn is_utc(zone: &str) -> bool {
    matches!(
        zone,
        "UTC" | "Etc/UTC" | "Etc/Universal" | "Universal" | "Etc/Zulu" | "Zulu"
    )
}

/// "UTC+1", "UTC-5", "UTC+5:30", "UTC+0".
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    let (hours, minutes) = (minutes / 60, minutes % 60);
    if minutes == 0 {
        format!("UTC{sign}{hours}")
    } else {
        format!("UTC{sign}{hours}:{minutes:02}")
    }
}

/// How far off `at` is, for reminders: "in 1 hour", "in 24 hours", "in 3 days" (rounded to
/// the nearest hour, or day beyond two days); "now" once it has come.
pub fn starts_in(at: OffsetDateTime, now: OffsetDateTime) -> String {
    let minutes = (at - now).whole_minutes();
    if minutes <= 0 {
        return "now".to_owned();
    }
    if minutes < 60 {
        return format!("in {minutes} minute{}", if minutes == 1 { "" } else { "s" });
    }
    let hours = (minutes + 30) / 60;
    if hours <= 48 {
        return format!("in {hours} hour{}", if hours == 1 { "" } else { "s" });
    }
    format!("in {} days", (hours + 12) / 24)
}

/// RFC 3339 in UTC, for `<time datetime>` and for scripts that format it locally.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_say_how_far_off_the_start_is() {
        let start = december();
        let before = |minutes: i64| start - time::Duration::minutes(minutes);
        assert_eq!(starts_in(start, before(24 * 60)), "in 24 hours");
        assert_eq!(starts_in(start, before(60)), "in 1 hour");
        assert_eq!(starts_in(start, before(58)), "in 58 minutes");
        assert_eq!(starts_in(start, before(72 * 60)), "in 3 days");
        assert_eq!(starts_in(start, start), "now");
    }

    /// 2026-12-01 15:00 UTC, a Tuesday.
    fn december() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_796_137_200).unwrap()
    }

    #[test]
    fn formats_in_the_given_zone_with_its_offset() {
        let at = december();
        assert_eq!(
            format_in_zone(at, Some("Europe/Berlin")),
            "Tuesday 1 December 2026, 16:00 (Europe/Berlin, UTC+1)"
        );
        assert_eq!(
            format_in_zone(at, Some("America/New_York")),
            "Tuesday 1 December 2026, 10:00 (America/New_York, UTC-5)"
        );
        assert_eq!(
            format_in_zone(at, Some("Asia/Kolkata")),
            "Tuesday 1 December 2026, 20:30 (Asia/Kolkata, UTC+5:30)"
        );
        assert_eq!(
            format_in_zone(at, Some("Europe/London")),
            "Tuesday 1 December 2026, 15:00 (Europe/London, UTC+0)"
        );
        // The date changes with the zone, and so does the day of the week.
        assert_eq!(
            format_in_zone(at, Some("Pacific/Kiritimati")),
            "Wednesday 2 December 2026, 05:00 (Pacific/Kiritimati, UTC+14)"
        );
        assert_eq!(rfc3339(at), "2026-12-01T15:00:00Z");
    }

    #[test]
    fn summer_time_shows_in_the_offset() {
        // 2026-07-07 09:05 UTC
        let at = OffsetDateTime::from_unix_timestamp(1_783_415_100).unwrap();
        assert_eq!(
            format_in_zone(at, Some("Europe/Berlin")),
            "Tuesday 7 July 2026, 11:05 (Europe/Berlin, UTC+2)"
        );
        assert_eq!(
            format_in_zone(at, Some("America/Sao_Paulo")),
            "Tuesday 7 July 2026, 06:05 (America/Sao_Paulo, UTC-3)"
        );
    }

    #[test]
    fn utc_unknown_and_missing_zones_say_utc() {
        let at = december();
        for zone in [
            None,
            Some("UTC"),
            Some("Etc/UTC"),
            Some("Mars/Olympus"),
            Some(""),
        ] {
            assert_eq!(
                format_in_zone(at, zone),
                "Tuesday 1 December 2026, 15:00 (UTC)",
                "{zone:?}"
            );
        }
    }

    #[test]
    fn the_time_of_day_alone_has_the_same_zone_label() {
        let at = december() + time::Duration::minutes(31);
        assert_eq!(
            format_time_in_zone(at, Some("Europe/Berlin")),
            "16:31 (Europe/Berlin, UTC+1)"
        );
        assert_eq!(format_time_in_zone(at, None), "15:31 (UTC)");
    }
}
