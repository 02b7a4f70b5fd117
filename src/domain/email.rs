//! Email addresses as typed into forms: trimmed, one `@`, a dotted domain, no spaces or
//! angle brackets. Deliverability is the mail server's business; this catches typos.

use std::fmt;

pub const MAX_EMAIL_LEN: usize = 254;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Option<Self> {
        let email = input.trim();
        let (local, domain) = email.split_once('@')?;
        let ok = email.len() <= MAX_EMAIL_LEN
            && !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(
                        c,
                        '<' | '>' | ',' | ';' | '"' | '(' | ')' | '[' | ']' | '\\'
                    )
            })
            && !domain.contains('@');
        ok.then(|| EmailAddress(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address as a page may show it to whoever holds the booking's link: enough for the
/// customer to recognise ("a•••@example.com"), not enough to harvest.
pub fn masked(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masked_addresses_keep_the_first_letter_and_the_domain() {
        assert_eq!(super::masked("ada@example.com"), "a•••@example.com");
        assert_eq!(super::masked("nope"), "•••");
    }

    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in [
            "ada@example.com",
            " ada.l+mock@mail.example.co.uk ",
            "a@b.io",
        ] {
            assert!(EmailAddress::parse(ok).is_some(), "{ok}");
        }
        assert_eq!(EmailAddress::parse(" a@b.io ").unwrap().as_str(), "a@b.io");
    }

    #[test]
    fn rejects_typos_and_injection() {
        let long = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "ada@example..com",
            "a b@example.com",
            "ada@example.com\r\nBcc: x@y.z",
            "<ada@example.com>",
            "ada@example.com, bo@example.com",
            long.as_str(),
        ] {
            assert!(EmailAddress::parse(bad).is_none(), "{bad:?}");
        }
    }
}
