//! URL slugs: lowercase ASCII words joined by single hyphens ("system-design"). The database
//! enforces the same shape with a check constraint.

use std::fmt;

pub const MAX_SLUG_LEN: usize = 80;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Accepts an existing slug exactly; anything else is `None` (a URL never gets "fixed").
    pub fn parse(s: &str) -> Option<Self> {
        let valid = !s.is_empty()
            && s.len() <= MAX_SLUG_LEN
            && s.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        valid.then(|| Slug(s.to_owned()))
    }

    /// Derives a slug from a display name: "C++" -> "c-plus-plus", "Node.js" -> "node-js".
    pub fn from_name(name: &str) -> Option<Self> {
        let mut out = String::new();
        for c in name
            .replace("++", " plus plus")
            .replace('#', " sharp")
            .chars()
        {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed = out.trim_end_matches('-');
        Self::parse(trimmed[..trimmed.len().min(MAX_SLUG_LEN)].trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_slugs() {
        for ok in ["react", "system-design", "c-plus-plus", "a1-b2"] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn rejects_everything_else() {
        let long = "a".repeat(MAX_SLUG_LEN + 1);
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "React",
            "a b",
            "é",
            "<script>",
            "a/b",
            long.as_str(),
        ] {
            assert!(Slug::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn derives_from_names() {
        let cases = [
            ("C++", "c-plus-plus"),
            ("Node.js", "node-js"),
            ("  System Design ", "system-design"),
            ("C#", "c-sharp"),
        ];
        for (name, slug) in cases {
            assert_eq!(Slug::from_name(name).unwrap().as_str(), slug);
        }
        assert!(Slug::from_name("!!!").is_none());
    }
}
