//! Verified reviews: the rules that make them honest by construction (one per held, paid
//! booking, every one published, hidden only for a listed reason), how the author's name is
//! shown, and how an interviewer's rating is written ("4.9 · 23 reviews").

use serde::Serialize;

use super::forms::Limit;

pub const MAX_REVIEW: Limit = Limit(2000);
pub const MAX_REPLY: Limit = Limit(2000);

/// Why staff hid a review: only these (the US FTC's rule on reviews, 2024, forbids
/// suppressing reviews for being negative). The `review_hidden_reason` PostgreSQL enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type, Serialize, serde::Deserialize)]
#[sqlx(type_name = "review_hidden_reason", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum HideReason {
    Abuse,
    PersonalData,
    NotAboutTheSession,
}

impl HideReason {
    pub const ALL: [HideReason; 3] = [
        HideReason::Abuse,
        HideReason::PersonalData,
        HideReason::NotAboutTheSession,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == value)
    }

    pub fn code(self) -> &'static str {
        match self {
            HideReason::Abuse => "abuse",
            HideReason::PersonalData => "personal_data",
            HideReason::NotAboutTheSession => "not_about_the_session",
        }
    }

    /// The words staff choose from and the author reads.
    pub fn label(self) -> &'static str {
        match self {
            HideReason::Abuse => "It is abusive or hateful",
            HideReason::PersonalData => "It shares someone's personal data",
            HideReason::NotAboutTheSession => "It is not about the session",
        }
    }
}

/// How a review's author is shown: the first name and the initial of the last ("Grace H."),
/// or "Anonymous" when they ask.
pub fn display_name(full_name: Option<&str>, anonymous: bool) -> String {
    let words: Vec<&str> = full_name.unwrap_or("").split_whitespace().collect();
    match (anonymous, words.as_slice()) {
        (true, _) | (_, []) => "Anonymous".to_owned(),
        (false, [first]) => truncate(first, 40),
        (false, [first, .., last]) => {
            let initial: String = last.chars().take(1).flat_map(char::to_uppercase).collect();
            format!("{} {initial}.", truncate(first, 40))
        }
    }
}

fn truncate(word: &str, chars: usize) -> String {
    word.chars().take(chars).collect()
}

/// An interviewer's rating as cards and profiles show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    /// One decimal, rounded half up: "4.9".
    pub average: String,
    pub count: i32,
    /// "4.9 · 23 reviews", "5.0 · 1 review".
    pub label: String,
}

pub fn rating(count: i32, sum: i32) -> Option<Rating> {
    if count <= 0 {
        return None;
    }
    // Tenths, rounded half up, in integers: (10 * sum / count) rounded.
    let tenths = (20 * i64::from(sum) + i64::from(count)) / (2 * i64::from(count));
    let average = format!("{}.{}", tenths / 10, tenths % 10);
    let noun = if count == 1 { "review" } else { "reviews" };
    Some(Rating {
        label: format!("{average} · {count} {noun}"),
        average,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_shown_by_first_name_and_initial_or_not_at_all() {
        assert_eq!(
            display_name(Some("Grace Brewster Hopper"), false),
            "Grace H."
        );
        assert_eq!(display_name(Some("  ada   lovelace "), false), "ada L.");
        assert_eq!(display_name(Some("Cher"), false), "Cher");
        assert_eq!(display_name(Some("Grace Hopper"), true), "Anonymous");
        assert_eq!(display_name(None, false), "Anonymous");
    }

    #[test]
    fn ratings_are_written_with_one_decimal_and_the_count() {
        assert_eq!(rating(0, 0), None);
        assert_eq!(rating(1, 5).unwrap().label, "5.0 · 1 review");
        assert_eq!(rating(23, 113).unwrap().label, "4.9 · 23 reviews"); // 4.913
        assert_eq!(rating(2, 9).unwrap().average, "4.5");
        assert_eq!(rating(3, 13).unwrap().average, "4.3"); // 4.333
        assert_eq!(rating(6, 29).unwrap().average, "4.8"); // 4.833
        assert_eq!(rating(4, 17).unwrap().average, "4.3"); // 4.25 rounds up
    }

    #[test]
    fn only_listed_reasons_hide_a_review() {
        assert_eq!(HideReason::parse("abuse"), Some(HideReason::Abuse));
        assert_eq!(HideReason::parse("negative"), None);
        for reason in HideReason::ALL {
            assert_eq!(HideReason::parse(reason.code()), Some(reason));
        }
    }
}
