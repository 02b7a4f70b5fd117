//! The customer's details form: limits, validation into [`BookingDetails`], and the resume
//! check (a real PDF by content, at most [`MAX_RESUME_MB`] MB).

use super::EmailAddress;

pub const MAX_NAME: Limit = Limit(120);
pub const MAX_LONG_TEXT: Limit = Limit(4000);
pub const MAX_TARGET_COMPANIES: Limit = Limit(500);
pub const MAX_RESUME_MB: usize = 10;
pub const MAX_RESUME_BYTES: usize = MAX_RESUME_MB * 1024 * 1024;

/// What the customer reads when the resume is over the limit. The server stops reading an
/// upload at the limit, so it knows only "over", never the real size; the browser's check
/// (ts/upload-progress.ts) shows these same words, from the field's `data-too-large`.
pub fn resume_too_large() -> String {
    format!(
        "This file is over {MAX_RESUME_MB} MB. Please choose a smaller PDF: exporting it again with compressed images usually helps."
    )
}

/// The form as submitted, before validation. Unknown fields are never read.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DetailsInput {
    pub name: String,
    pub email: String,
    pub background: String,
    pub interview_focus: String,
    pub technologies: Vec<String>,
    pub subject: String,
    pub target_companies: String,
    pub extra_information: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingDetails {
    pub name: String,
    pub email: EmailAddress,
    pub background: String,
    pub interview_focus: String,
    /// Names of the interviewer's technology tags, in the interviewer's order.
    pub technologies: Vec<String>,
    pub subject: Option<String>,
    pub target_companies: Option<String>,
    pub extra_information: Option<String>,
}

use super::forms::Limit;
pub use super::forms::{FieldErrors, clean_text};

/// The name to greet a customer by in emails ("Hi Grace,"): the first word of the name they
/// gave, or the first word after the comma of "Hopper, Grace". `None` without a name.
pub fn first_name(name: &str) -> Option<&str> {
    let given = match name.split_once(',') {
        Some((_, after)) if !after.trim().is_empty() => after,
        _ => name,
    };
    given
        .split_whitespace()
        .next()
        .map(|word| word.trim_end_matches(','))
        .filter(|word| !word.is_empty())
}

/// Keeps a display name for an uploaded file: the last path segment, printable, at most 120
/// characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() {
        "resume.pdf".to_owned()
    } else {
        cleaned
    }
}

/// Validates the form against this interviewer's tags (`technologies` and `subjects` are the
/// tag names the form offered).
pub fn validate(
    input: &DetailsInput,
    technologies: &[String],
    subjects: &[String],
) -> Result<BookingDetails, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = clean_text(&input.name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    MAX_NAME.check(
        &mut errors,
        "name",
        &name,
        Some("Please tell us your name."),
    );
    let email = EmailAddress::parse(&input.email);
    if email.is_none() {
        let message = if input.email.trim().is_empty() {
            "Please give the email address for your confirmation."
        } else {
            "This does not look like an email address; please check it."
        };
        errors.insert("email", message.to_owned());
    }
    let background = clean_text(&input.background);
    MAX_LONG_TEXT.check(
        &mut errors,
        "background",
        &background,
        Some("A few lines about your experience help your interviewer prepare."),
    );
    let interview_focus = clean_text(&input.interview_focus);
    MAX_LONG_TEXT.check(
        &mut errors,
        "interview_focus",
        &interview_focus,
        Some("Tell your interviewer what you want to be interviewed on."),
    );
    let target_companies = clean_text(&input.target_companies);
    MAX_TARGET_COMPANIES.check(&mut errors, "target_companies", &target_companies, None);
    let extra_information = clean_text(&input.extra_information);
    MAX_LONG_TEXT.check(&mut errors, "extra_information", &extra_information, None);

    // Only this interviewer's own tags; kept in the interviewer's order, without repeats.
    if input.technologies.iter().any(|t| !technologies.contains(t)) {
        errors.insert(
            "technologies",
            "Please choose from this interviewer's technologies.".to_owned(),
        );
    }
    let chosen: Vec<String> = technologies
        .iter()
        .filter(|t| input.technologies.contains(t))
        .cloned()
        .collect();
    let subject = input.subject.trim();
    if !subject.is_empty() && !subjects.iter().any(|s| s == subject) {
        errors.insert(
            "subject",
            "Please choose one of this interviewer's subjects.".to_owned(),
        );
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let optional = |s: String| (!s.is_empty()).then_some(s);
    Ok(BookingDetails {
        name,
        email: email.expect("checked above"),
        background,
        interview_focus,
        technologies: chosen,
        subject: optional(subject.to_owned()),
        target_companies: optional(target_companies),
        extra_information: optional(extra_information),
    })
}

/// Checks an uploaded resume. The content decides, not the file name: a PDF starts with the
/// `%PDF-` header and ends with an `%%EOF` marker (allowing trailing whitespace or junk that
/// some writers append).
pub fn check_resume(bytes: &[u8], content_type: Option<&str>) -> Result<(), String> {
    if bytes.is_empty() {
        return Err("The file is empty. Please choose your resume as a PDF.".to_owned());
    }
    if bytes.len() > MAX_RESUME_BYTES {
        return Err(resume_too_large());
    }
    let declared = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // Browsers send application/pdf; some systems send octet-stream for any file.
    if !matches!(
        declared.as_str(),
        "" | "application/pdf" | "application/x-pdf" | "application/octet-stream"
    ) {
        return Err("Please upload a PDF file (this file was sent as another type).".to_owned());
    }
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    let has_eof = tail.windows(5).any(|w| w == b"%%EOF");
    if !bytes.starts_with(b"%PDF-") || !has_eof {
        return Err(
            "This file is not a PDF, whatever its name says. Please export your resume as a PDF."
                .to_owned(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DetailsInput {
        DetailsInput {
            name: "  Ada   Lovelace ".into(),
            email: "ada@example.com".into(),
            background: "Backend engineer, 5 years.\r\nPython.".into(),
            interview_focus: "System design".into(),
            technologies: vec!["Python".into()],
            subject: "Backend".into(),
            target_companies: "".into(),
            extra_information: "".into(),
        }
    }

    fn tags() -> (Vec<String>, Vec<String>) {
        (vec!["Go".into(), "Python".into()], vec!["Backend".into()])
    }

    #[test]
    fn valid_input_is_cleaned() {
        let (tech, subjects) = tags();
        let details = validate(&input(), &tech, &subjects).unwrap();
        assert_eq!(details.name, "Ada Lovelace");
        assert_eq!(details.background, "Backend engineer, 5 years.\nPython.");
        assert_eq!(details.technologies, ["Python"]);
        assert_eq!(details.subject.as_deref(), Some("Backend"));
        assert_eq!(details.target_companies, None);
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let (tech, subjects) = tags();
        let bad = DetailsInput {
            name: " ".into(),
            email: "ada@".into(),
            background: "".into(),
            interview_focus: "x".repeat(MAX_LONG_TEXT.0 + 1),
            technologies: vec!["Cobol".into()],
            subject: "Frontend".into(),
            target_companies: "y".repeat(MAX_TARGET_COMPANIES.0 + 1),
            extra_information: "\u{0}".into(),
        };
        let errors = validate(&bad, &tech, &subjects).unwrap_err();
        let fields: Vec<&str> = errors.keys().copied().collect();
        assert_eq!(
            fields,
            [
                "background",
                "email",
                "interview_focus",
                "name",
                "subject",
                "target_companies",
                "technologies"
            ]
        );
    }

    #[test]
    fn customers_are_greeted_by_their_first_name() {
        assert_eq!(first_name("Grace Hopper"), Some("Grace"));
        assert_eq!(first_name("  Ada   Lovelace "), Some("Ada"));
        assert_eq!(first_name("Linus"), Some("Linus"));
        assert_eq!(first_name("Hopper, Grace"), Some("Grace"));
        assert_eq!(first_name("Mei-Lin Zhao"), Some("Mei-Lin"));
        assert_eq!(first_name("Hopper,"), Some("Hopper"));
        assert_eq!(first_name(""), None);
        assert_eq!(first_name(" , "), None);
    }

    #[test]
    fn resumes_are_checked_by_content() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n".to_vec();
        assert!(check_resume(&pdf, Some("application/pdf")).is_ok());
        assert!(check_resume(&pdf, Some("application/octet-stream")).is_ok());
        assert!(
            check_resume(&[], Some("application/pdf"))
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            check_resume(b"PK\x03\x04 docx pretending", Some("application/pdf"))
                .unwrap_err()
                .contains("not a PDF")
        );
        assert!(
            check_resume(b"%PDF-1.7 truncated", Some("application/pdf"))
                .unwrap_err()
                .contains("not a PDF")
        );
        assert!(
            check_resume(&pdf, Some("image/png"))
                .unwrap_err()
                .contains("another type")
        );
        // However much more than the limit was sent, the message says "over", not a size.
        let mut big = pdf.clone();
        big.resize(MAX_RESUME_BYTES + 1, b' ');
        assert_eq!(
            check_resume(&big, Some("application/pdf")).unwrap_err(),
            "This file is over 10 MB. Please choose a smaller PDF: exporting it again with compressed images usually helps."
        );
        big.resize(MAX_RESUME_BYTES + 300 * 1024, b' ');
        assert_eq!(
            check_resume(&big, Some("application/pdf")).unwrap_err(),
            resume_too_large()
        );
        assert!(check_resume(&pdf, Some("application/pdf")).is_ok());
    }
}
