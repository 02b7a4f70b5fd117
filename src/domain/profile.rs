//! The interviewer profile form: validation of everything an interviewer can edit.

use super::{
    Currency, Slug, TagKind,
    forms::{FieldErrors, Limit, clean_line, clean_text},
    money::parse_amount,
};

/// Currencies offered in the rate field (all supported by Stripe Checkout).
pub const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SGD", "JPY"];
pub const MAX_HISTORY: usize = 12;
pub const MAX_NAME: Limit = Limit(120);
pub const MAX_HEADLINE: Limit = Limit(160);
pub const MAX_BIO: Limit = Limit(8000);

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HistoryInput {
    pub company: String,
    pub role: String,
    pub period: String,
    pub summary: String,
}

/// The form as posted.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ProfileInput {
    pub name: String,
    pub headline: String,
    pub bio: String,
    pub bio_is_markdown: bool,
    pub rate: String,
    pub currency: String,
    pub time_zone: String,
    pub is_active: bool,
    pub cal_event_type_id: String,
    /// A new cal.com API key; empty keeps the stored one.
    pub cal_api_key: String,
    pub remove_cal_api_key: bool,
    pub tag_ids: Vec<i64>,
    /// Names of new tags to create (comma separated in the form).
    pub new_technologies: String,
    pub new_subjects: String,
    /// Rows in their final order; empty rows are dropped.
    pub history: Vec<HistoryInput>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTag {
    pub kind: TagKind,
    pub slug: Slug,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct ProfileUpdate {
    pub name: String,
    pub headline: String,
    pub bio: String,
    pub bio_is_markdown: bool,
    pub rate_minor: i32,
    pub currency: Currency,
    pub time_zone: String,
    pub is_active: bool,
    pub cal_event_type_id: Option<i64>,
    pub tag_ids: Vec<i64>,
    pub new_tags: Vec<NewTag>,
    pub history: Vec<HistoryInput>,
}

fn split_names(input: &str) -> Vec<String> {
    input
        .split(',')
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

pub fn validate(input: &ProfileInput) -> Result<ProfileUpdate, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = clean_line(&input.name);
    MAX_NAME.check(&mut errors, "name", &name, Some("Please give your name."));
    let headline = clean_line(&input.headline);
    if !MAX_HEADLINE.allows(&headline) {
        errors.insert(
            "headline",
            format!(
                "{} It is one line on your card.",
                MAX_HEADLINE.message(&headline)
            ),
        );
    }
    let bio = clean_text(&input.bio);
    MAX_BIO.check(&mut errors, "bio", &bio, None);
    let currency = match Currency::parse(&input.currency) {
        Some(c) if CURRENCIES.contains(&c.code()) => Some(c),
        _ => {
            errors.insert(
                "currency",
                "Choose one of the listed currencies.".to_owned(),
            );
            None
        }
    };
    let rate_minor = currency.and_then(|c| {
        let minor = parse_amount(&input.rate, c);
        let (min, max) = (10 * 10_i64.pow(c.decimals()), 10_000 * 10_i64.pow(c.decimals()));
        match minor {
            Some(m) if (min..=max).contains(&m) && m <= i64::from(i32::MAX) => Some(m as i32),
            _ => {
                errors.insert("rate", "Enter the price of one interview as a number between 10 and 10,000, such as 150 or 149.50.".to_owned());
                None
            }
        }
    });
    let time_zone = input.time_zone.trim().to_owned();
    if jiff::tz::TimeZone::get(&time_zone).is_err() {
        errors.insert(
            "time_zone",
            "Choose a time zone such as Europe/Berlin or America/New_York.".to_owned(),
        );
    }
    let event_type = input.cal_event_type_id.trim();
    let cal_event_type_id = if event_type.is_empty() {
        None
    } else {
        match event_type.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.insert("cal_event_type_id", "The event type id is the number in the event type's URL in cal.com, such as 123456.".to_owned());
                None
            }
        }
    };
    let key = input.cal_api_key.trim();
    if !key.is_empty()
        && (!key.starts_with("cal_") || key.len() > 200 || key.contains(char::is_whitespace))
    {
        errors.insert(
            "cal_api_key",
            "A cal.com API key starts with cal_ (Settings > Developer > API keys).".to_owned(),
        );
    }

    let mut new_tags = Vec::new();
    for (field, kind, names) in [
        (
            "new_technologies",
            TagKind::Technology,
            &input.new_technologies,
        ),
        ("new_subjects", TagKind::Subject, &input.new_subjects),
    ] {
        for tag_name in split_names(names) {
            match Slug::from_name(&tag_name) {
                Some(slug) if tag_name.chars().count() <= 60 => {
                    if !new_tags.iter().any(|t: &NewTag| t.slug == slug) {
                        new_tags.push(NewTag {
                            kind,
                            slug,
                            name: tag_name,
                        });
                    }
                }
                _ => {
                    errors.insert(field, format!("\"{tag_name}\" cannot be a tag: use letters and numbers, up to 60 characters."));
                }
            }
        }
    }

    let history: Vec<HistoryInput> = input
        .history
        .iter()
        .map(|h| HistoryInput {
            company: clean_text(&h.company),
            role: clean_text(&h.role),
            period: clean_text(&h.period),
            summary: clean_text(&h.summary),
        })
        .filter(|h| {
            !(h.company.is_empty()
                && h.role.is_empty()
                && h.period.is_empty()
                && h.summary.is_empty())
        })
        .collect();
    if history.len() > MAX_HISTORY {
        errors.insert("history", format!("List at most {MAX_HISTORY} roles."));
    }
    for h in &history {
        if h.company.is_empty() || h.role.is_empty() {
            errors.insert(
                "history",
                "Each role needs a company and a title (or clear all of its fields to remove it)."
                    .to_owned(),
            );
        } else if h.company.chars().count() > 120
            || h.role.chars().count() > 120
            || h.period.chars().count() > 60
            || h.summary.chars().count() > 300
        {
            errors.insert("history", "Keep company and title under 120 characters, the period under 60 and the summary under 300.".to_owned());
        }
    }

    match (errors.is_empty(), rate_minor, currency) {
        (true, Some(rate_minor), Some(currency)) => Ok(ProfileUpdate {
            name,
            headline,
            bio,
            bio_is_markdown: input.bio_is_markdown,
            rate_minor,
            currency,
            time_zone,
            is_active: input.is_active,
            cal_event_type_id,
            tag_ids: input.tag_ids.clone(),
            new_tags,
            history,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ProfileInput {
        ProfileInput {
            name: "Ada Lindqvist".into(),
            headline: "Staff frontend engineer".into(),
            bio: "Hello".into(),
            rate: "150".into(),
            currency: "USD".into(),
            time_zone: "Europe/Stockholm".into(),
            is_active: true,
            history: vec![
                HistoryInput {
                    company: "Hooli".into(),
                    role: "Staff Engineer".into(),
                    ..Default::default()
                },
                HistoryInput::default(),
            ],
            new_technologies: "Svelte, C++ , svelte".into(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_rates_in_minor_units() {
        let usd = Currency::USD;
        assert_eq!(parse_amount("150", usd), Some(15000));
        assert_eq!(parse_amount("149.5", usd), Some(14950));
        assert_eq!(parse_amount("$1,200.00", usd), Some(120000));
        assert_eq!(
            parse_amount("15000", Currency::parse("JPY").unwrap()),
            Some(15000)
        );
        for bad in ["", "abc", "1.234", "-5", "1e3", "12.3.4"] {
            assert_eq!(parse_amount(bad, usd), None, "{bad}");
        }
    }

    #[test]
    fn a_valid_form_becomes_an_update() {
        let update = validate(&valid()).unwrap();
        assert_eq!(update.rate_minor, 15000);
        assert_eq!(update.history.len(), 1, "empty rows are dropped");
        let slugs: Vec<&str> = update.new_tags.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, ["svelte", "c-plus-plus"], "deduplicated by slug");
    }

    #[test]
    fn problems_are_reported_per_field() {
        let mut input = valid();
        input.rate = "5".into();
        input.currency = "XYZ".into();
        input.time_zone = "Mars/Base".into();
        input.cal_event_type_id = "abc".into();
        input.cal_api_key = "not-a-key".into();
        input.history = vec![HistoryInput {
            company: "Hooli".into(),
            ..Default::default()
        }];
        let errors = validate(&input).unwrap_err();
        let fields: Vec<&str> = errors.keys().copied().collect();
        assert_eq!(
            fields,
            [
                "cal_api_key",
                "cal_event_type_id",
                "currency",
                "history",
                "time_zone"
            ]
        );
        input.currency = "USD".into();
        assert!(validate(&input).unwrap_err().contains_key("rate"));
    }
}
