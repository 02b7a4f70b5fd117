//! Formatting instants for people, in their own time zone.

use time::OffsetDateTime;

/// "Tuesday 1 December 2026, 15:00 (Europe/Berlin, CET)". Unknown or missing zones fall back
/// to UTC, and say so.
pub fn format_in_zone(at: OffsetDateTime, zone: Option<&str>) -> String {
    let timestamp =
        jiff::Timestamp::from_second(at.unix_timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let (tz, name) = match zone.and_then(|z| jiff::tz::TimeZone::get(z).ok().map(|tz| (tz, z))) {
        Some((tz, name)) => (tz, name.to_owned()),
        None => (jiff::tz::TimeZone::UTC, "UTC".to_owned()),
    };
    let zoned = timestamp.to_zoned_datetime(tz);
    let abbreviation = zoned.strftime("%Z").to_string();
    let label = if name == "UTC" || abbreviation.is_empty() || abbreviation == name {
        name
    } else {
        format!("{name}, {abbreviation}")
    };
    format!("{} ({label})", zoned.strftime("%A %-d %B %Y, %H:%M"))
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
    fn formats_in_the_given_zone() {
        let at = OffsetDateTime::from_unix_timestamp(1_796_137_200).unwrap(); // 2026-12-01 15:00 UTC
        assert_eq!(
            format_in_zone(at, Some("Europe/Berlin")),
            "Tuesday 1 December 2026, 16:00 (Europe/Berlin, CET)"
        );
        assert_eq!(
            format_in_zone(at, Some("America/New_York")),
            "Tuesday 1 December 2026, 10:00 (America/New_York, EST)"
        );
        assert_eq!(
            format_in_zone(at, None),
            "Tuesday 1 December 2026, 15:00 (UTC)"
        );
        assert_eq!(
            format_in_zone(at, Some("Mars/Olympus")),
            "Tuesday 1 December 2026, 15:00 (UTC)"
        );
        assert_eq!(rfc3339(at), "2026-12-01T15:00:00Z");
    }
}
