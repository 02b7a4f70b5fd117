//! What every form shares: [`FieldErrors`] (the message shown next to each field), cleaning
//! typed text, and [`Limit`]: a field's maximum length, written once and used both by the
//! check and by the message (and by templates, for `maxlength`).

use std::collections::BTreeMap;

/// Field name -> message, shown next to the field. Empty means the form is valid.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// Trims, normalises line endings and drops control characters other than newlines and tabs
/// (PostgreSQL text cannot hold NUL; the others only hide things).
pub fn clean_text(input: &str) -> String {
    input
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// [`clean_text`] on one line: runs of whitespace (newlines included) become one space.
pub fn clean_line(input: &str) -> String {
    clean_text(input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A count with thousands separators, as the site writes numbers: "4,000", "12,345".
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The longest a field may be, in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Limit(pub usize);

impl Limit {
    pub fn allows(self, value: &str) -> bool {
        value.chars().count() <= self.0
    }

    /// The message for a value over the limit.
    pub fn message(self, value: &str) -> String {
        format!(
            "Please keep this under {} characters (it is {}).",
            grouped(self.0),
            grouped(value.chars().count())
        )
    }

    /// Records in `errors` a missing value (when `required` gives the message) or one that is
    /// too long.
    pub fn check(
        self,
        errors: &mut FieldErrors,
        field: &'static str,
        value: &str,
        required: Option<&str>,
    ) {
        if value.is_empty() {
            if let Some(message) = required {
                errors.insert(field, message.to_owned());
            }
        } else if !self.allows(value) {
            errors.insert(field, self.message(value));
        }
    }

    /// One field on its own: `Ok(value)`, or the message for it.
    pub fn require(self, value: String, missing: &str) -> Result<String, String> {
        if value.is_empty() {
            Err(missing.to_owned())
        } else if !self.allows(&value) {
            Err(self.message(&value))
        } else {
            Ok(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned_of_control_characters() {
        assert_eq!(clean_text(" a\r\nb\0c\u{7} "), "a\nbc");
        assert_eq!(clean_line(" Ada \n  Alpha "), "Ada Alpha");
    }

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(4000), "4,000");
        assert_eq!(grouped(20_000), "20,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(
            Limit(4000).message(&"x".repeat(4523)),
            "Please keep this under 4,000 characters (it is 4,523)."
        );
    }

    #[test]
    fn limits_check_and_explain_with_one_number() {
        let mut errors = FieldErrors::new();
        Limit(3).check(&mut errors, "name", "", Some("Say your name."));
        assert_eq!(errors["name"], "Say your name.");
        Limit(3).check(&mut errors, "note", "abcd", None);
        assert_eq!(
            errors["note"],
            "Please keep this under 3 characters (it is 4)."
        );
        assert_eq!(Limit(3).require("abc".into(), "x"), Ok("abc".to_owned()));
        assert!(Limit(3).check_ok("é€ü"));
    }

    impl Limit {
        fn check_ok(self, value: &str) -> bool {
            let mut errors = FieldErrors::new();
            self.check(&mut errors, "f", value, None);
            errors.is_empty()
        }
    }
}
