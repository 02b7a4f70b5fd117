//! Interviewer cards and tags as templates see them, shared by the homepage and the listing.

use serde::Serialize;

use crate::{
    db::catalogue::{CardRow, RoleRow, TagRow},
    domain::{
        Currency, Money, TagKind, avatar,
        reviews::{Rating, rating},
    },
    paths,
};

#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    pub slug: String,
    pub name: String,
    pub headline: String,
    pub url: String,
    pub photo_url: Option<String>,
    pub initials: String,
    pub avatar_hue: u16,
    /// Formatted with its symbol: "$180".
    pub price: String,
    pub currency: String,
    /// "Staff Engineer at Hooli; before that Initrode and Vandelay Systems", or "".
    pub history_summary: String,
    pub technologies: Vec<TagView>,
    pub subjects: Vec<TagView>,
    /// "4.9 · 23 reviews", once there are published reviews.
    pub rating: Option<Rating>,
}

/// The price as shown ("$180") and its currency code ("USD").
pub fn price(amount: Money) -> (String, String) {
    (amount.to_string(), amount.currency.code().to_owned())
}

/// [`price`] from a row's minor units and currency.
pub fn price_of(rate_minor: i32, currency: Currency) -> (String, String) {
    price(Money::new(rate_minor.into(), currency))
}

/// Splits tags by kind, keeping their order.
pub fn split_tags(tags: &[TagRow]) -> (Vec<TagView>, Vec<TagView>) {
    let view = |t: &TagRow| TagView {
        slug: t.slug.clone(),
        name: t.name.clone(),
    };
    let of_kind = |kind: TagKind| tags.iter().filter(|t| t.kind == kind).map(view).collect();
    (of_kind(TagKind::Technology), of_kind(TagKind::Subject))
}

/// One line about where someone works and has worked, from their latest roles.
pub fn history_summary(roles: &[RoleRow]) -> String {
    let Some((latest, earlier)) = roles.split_first() else {
        return String::new();
    };
    let mut before: Vec<&str> = Vec::new();
    for role in earlier {
        if role.company != latest.company && !before.contains(&role.company.as_str()) {
            before.push(&role.company);
        }
    }
    let current = format!("{} at {}", latest.role, latest.company);
    match before.as_slice() {
        [] => current,
        [one] => format!("{current}; before that {one}"),
        [rest @ .., last] => format!("{current}; before that {} and {last}", rest.join(", ")),
    }
}

impl From<CardRow> for CardView {
    fn from(row: CardRow) -> Self {
        let (price, currency) = price_of(row.rate_minor, row.currency);
        let (technologies, subjects) = split_tags(&row.tags);
        CardView {
            url: paths::interviewer(&row.slug),
            initials: avatar::initials(&row.name),
            avatar_hue: avatar::hue(&row.name),
            history_summary: history_summary(&row.recent_roles),
            rating: rating(row.review_count, row.review_sum),
            slug: row.slug,
            name: row.name,
            headline: row.headline,
            photo_url: row.photo_url,
            price,
            currency,
            technologies,
            subjects,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(company: &str, role: &str) -> RoleRow {
        RoleRow {
            company: company.into(),
            role: role.into(),
        }
    }

    #[test]
    fn summarises_latest_role_and_earlier_companies() {
        assert_eq!(history_summary(&[]), "");
        assert_eq!(
            history_summary(&[role("Hooli", "Staff Engineer")]),
            "Staff Engineer at Hooli"
        );
        assert_eq!(
            history_summary(&[
                role("Hooli", "Staff Engineer"),
                role("Hooli", "Engineer"),
                role("Initrode", "Engineer")
            ]),
            "Staff Engineer at Hooli; before that Initrode"
        );
        assert_eq!(
            history_summary(&[role("A", "Lead"), role("B", "Dev"), role("C", "Dev")]),
            "Lead at A; before that B and C"
        );
    }
}
