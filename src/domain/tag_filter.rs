//! The interviewer filter: which tags a visitor asked for in the query string.
//!
//! `?tech=react&tech=python&subject=system-design` selects tags by kind; an interviewer must
//! carry every selected tag. Parsing never fails: the query string is whatever a visitor, a
//! crawler or an attacker typed, so malformed, repeated, unknown or oversized values are
//! dropped and counted, and the page stays sane.

use std::collections::BTreeSet;

use super::Slug;

/// More tags than anyone can usefully combine; beyond this, values are ignored.
pub const MAX_TAGS_PER_KIND: usize = 20;

/// The `tag_kind` PostgreSQL enum; in JSON (tags folded into a row) its lowercase name.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    sqlx::Type,
    serde::Serialize,
    serde::Deserialize,
)]
#[sqlx(type_name = "tag_kind", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    Technology,
    Subject,
}

impl TagKind {
    /// The query-string parameter that selects tags of this kind.
    pub fn param(self) -> &'static str {
        match self {
            TagKind::Technology => "tech",
            TagKind::Subject => "subject",
        }
    }

    /// The value of the `tag_kind` database enum, as templates and messages name it.
    pub fn as_db(self) -> &'static str {
        match self {
            TagKind::Technology => "technology",
            TagKind::Subject => "subject",
        }
    }
}

/// The requested tags, deduplicated, in a canonical order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagFilter {
    pub technologies: BTreeSet<Slug>,
    pub subjects: BTreeSet<Slug>,
    /// Values under `tech`/`subject` that could not be a tag at all (bad shape, too many).
    pub malformed: usize,
}

impl TagFilter {
    /// Parses a raw query string (without the `?`). Percent-decoding is lossy for invalid
    /// UTF-8, which then simply fails the slug check.
    pub fn from_query(query: &str) -> Self {
        let mut filter = TagFilter::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let set = match key.as_ref() {
                "tech" => &mut filter.technologies,
                "subject" => &mut filter.subjects,
                _ => continue,
            };
            let value = value.trim();
            if value.is_empty() {
                continue; // an empty select or checkbox value, not a mistake worth reporting
            }
            match Slug::parse(value) {
                Some(slug) if set.len() < MAX_TAGS_PER_KIND || set.contains(&slug) => {
                    set.insert(slug);
                }
                _ => filter.malformed += 1,
            }
        }
        filter
    }

    pub fn is_empty(&self) -> bool {
        self.technologies.is_empty() && self.subjects.is_empty()
    }

    pub fn contains(&self, kind: TagKind, slug: &str) -> bool {
        let set = match kind {
            TagKind::Technology => &self.technologies,
            TagKind::Subject => &self.subjects,
        };
        set.iter().any(|s| s.as_str() == slug)
    }

    /// The canonical query string for a selection of `(kind, slug)` pairs: technologies first,
    /// each group in the given order. Empty selection gives "".
    pub fn query_string<'a>(selection: impl IntoIterator<Item = (TagKind, &'a str)>) -> String {
        let mut pairs: Vec<(TagKind, &str)> = selection.into_iter().collect();
        pairs.sort_by_key(|(kind, _)| *kind);
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (kind, slug) in pairs {
            out.append_pair(kind.param(), slug);
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slugs(set: &BTreeSet<Slug>) -> Vec<&str> {
        set.iter().map(Slug::as_str).collect()
    }

    #[test]
    fn parses_repeated_params_by_kind() {
        let f = TagFilter::from_query("tech=rust&tech=python&subject=system-design&page=2");
        assert_eq!(slugs(&f.technologies), ["python", "rust"]);
        assert_eq!(slugs(&f.subjects), ["system-design"]);
        assert_eq!(f.malformed, 0);
    }

    #[test]
    fn duplicates_collapse_and_empty_values_are_skipped() {
        let f = TagFilter::from_query("tech=rust&tech=rust&tech=&subject=");
        assert_eq!(slugs(&f.technologies), ["rust"]);
        assert!(f.subjects.is_empty());
    }

    #[test]
    fn malformed_values_are_counted_not_kept() {
        let long = "a".repeat(200);
        let query = format!("tech=%3Cscript%3E&tech=React&tech=%FF%FE&subject={long}&tech=ok");
        let f = TagFilter::from_query(&query);
        assert_eq!(slugs(&f.technologies), ["ok"]);
        assert_eq!(f.malformed, 4);
    }

    #[test]
    fn caps_the_number_of_tags() {
        let query: Vec<String> = (0..50).map(|i| format!("tech=t{i}")).collect();
        let f = TagFilter::from_query(&query.join("&"));
        assert_eq!(f.technologies.len(), MAX_TAGS_PER_KIND);
        assert_eq!(f.malformed, 50 - MAX_TAGS_PER_KIND);
    }

    #[test]
    fn canonical_query_string_puts_technologies_first() {
        let qs = TagFilter::query_string([
            (TagKind::Subject, "frontend"),
            (TagKind::Technology, "react"),
        ]);
        assert_eq!(qs, "tech=react&subject=frontend");
        assert_eq!(TagFilter::query_string([]), "");
    }
}
