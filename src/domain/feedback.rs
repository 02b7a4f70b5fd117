//! The written feedback report: the rubric that suits the session's subject, the 1–4 levels,
//! the overall read against the customer's target, and what a report needs before it can be
//! submitted. Pure rules; the storage is `db::reports`, the use cases `app::reports`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::forms::{FieldErrors, Limit, clean_text};

/// A report is due this long after the session's end; the interviewer is reminded at 24 and
/// 44 hours.
pub const REPORT_DUE_AFTER_END: Duration = Duration::hours(48);
pub const REPORT_REMINDERS: [(&str, i64); 2] = [("24h", 24), ("44h", 44)];

pub const MAX_STRENGTHS: Limit = Limit(4000);
pub const MAX_FOCUS: Limit = Limit(1000);
pub const MAX_RESOURCES: Limit = Limit(4000);
pub const MAX_OVERALL_NOTE: Limit = Limit(2000);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub key: &'static str,
    /// Its form field (`score_<key>`), also where its error shows.
    pub field: &'static str,
    pub name: &'static str,
    /// What the interviewer looks at, in one line.
    pub looks_at: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rubric {
    pub key: &'static str,
    pub name: &'static str,
    pub criteria: &'static [Criterion],
}

pub const CODING: Rubric = Rubric {
    key: "coding",
    name: "Coding interview",
    criteria: &[
        Criterion {
            key: "problem_solving",
            field: "score_problem_solving",
            name: "Problem solving",
            looks_at: "Understanding the problem, asking the right questions, finding and improving an approach.",
        },
        Criterion {
            key: "coding",
            field: "score_coding",
            name: "Coding",
            looks_at: "Correct, readable code in the language chosen, at a working pace.",
        },
        Criterion {
            key: "communication",
            field: "score_communication",
            name: "Communication",
            looks_at: "Thinking aloud, explaining choices, taking hints.",
        },
        Criterion {
            key: "testing",
            field: "score_testing",
            name: "Testing and verification",
            looks_at: "Walking through examples and edge cases, finding and fixing their own bugs.",
        },
    ],
};

pub const DESIGN: Rubric = Rubric {
    key: "design",
    name: "System design interview",
    criteria: &[
        Criterion {
            key: "requirements",
            field: "score_requirements",
            name: "Requirements and scope",
            looks_at: "Clarifying what to build, for whom and at what scale, before designing.",
        },
        Criterion {
            key: "design",
            field: "score_design",
            name: "System design",
            looks_at: "A coherent high-level design: components, data, APIs, how requests flow.",
        },
        Criterion {
            key: "trade_offs",
            field: "score_trade_offs",
            name: "Trade-offs",
            looks_at: "Naming the alternatives and choosing with reasons: consistency, cost, latency, failure.",
        },
        Criterion {
            key: "depth",
            field: "score_depth",
            name: "Depth",
            looks_at: "Going deep where it matters: storage, scaling, bottlenecks, failure modes.",
        },
        Criterion {
            key: "communication",
            field: "score_communication",
            name: "Communication",
            looks_at: "Driving the conversation, structuring the time, checking in.",
        },
    ],
};

pub const BEHAVIORAL: Rubric = Rubric {
    key: "behavioral",
    name: "Behavioural interview",
    criteria: &[
        Criterion {
            key: "structure",
            field: "score_structure",
            name: "Structure",
            looks_at: "Answers with situation, action and result, at the right length.",
        },
        Criterion {
            key: "impact",
            field: "score_impact",
            name: "Impact and ownership",
            looks_at: "Their own part in the outcome, with evidence and numbers.",
        },
        Criterion {
            key: "judgement",
            field: "score_judgement",
            name: "Judgement",
            looks_at: "Handling conflict, ambiguity and mistakes; what they learnt.",
        },
        Criterion {
            key: "communication",
            field: "score_communication",
            name: "Communication",
            looks_at: "Clear, honest, and pitched to the role they want.",
        },
    ],
};

pub const RUBRICS: [Rubric; 3] = [CODING, DESIGN, BEHAVIORAL];

/// The rubric for a session by its subject: design rounds and behavioural rounds have their
/// own; everything else is scored as a coding interview.
pub fn rubric_for_subject(subject: Option<&str>) -> Rubric {
    let subject = subject.unwrap_or("").to_lowercase();
    if subject.contains("design") || subject.contains("architecture") {
        DESIGN
    } else if subject.contains("behav") || subject.contains("leadership") {
        BEHAVIORAL
    } else {
        CODING
    }
}

pub fn rubric_by_key(key: &str) -> Option<Rubric> {
    RUBRICS.into_iter().find(|r| r.key == key)
}

/// The 1–4 scale, each level with its one-line description.
pub const LEVELS: [(u8, &str, &str); 4] = [
    (
        1,
        "Not yet",
        "Needs substantial work before a real interview.",
    ),
    (2, "Developing", "Gaps a hiring panel would notice."),
    (3, "Solid", "Meets the bar for the target level."),
    (4, "Strong", "Clearly above the bar for the target level."),
];

/// One level of the scale, for templates.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LevelInfo {
    pub value: u8,
    pub name: &'static str,
    pub description: &'static str,
}

pub fn levels() -> Vec<LevelInfo> {
    LEVELS
        .iter()
        .map(|&(value, name, description)| LevelInfo {
            value,
            name,
            description,
        })
        .collect()
}

/// The overall read against the customer's target level.
pub const OVERALL: [(&str, &str); 4] = [
    ("not_yet", "Not ready yet for the target level"),
    ("close", "Close: a few things to fix"),
    ("ready", "Ready for the target level"),
    ("strong", "Strong for the target level"),
];

pub fn overall_label(key: &str) -> Option<&'static str> {
    OVERALL.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
}

/// A report as written so far (a draft or the submitted one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInput {
    pub scores: BTreeMap<String, u8>,
    pub strengths: String,
    pub focus: [String; 3],
    pub resources: String,
    pub overall_level: Option<String>,
    pub overall_note: String,
}

impl ReportInput {
    /// The form's fields as posted, cleaned; scores are `score_<criterion>`, unknown keys and
    /// levels outside 1–4 are dropped (a draft keeps what it can).
    pub fn from_fields(rubric: Rubric, fields: &BTreeMap<String, String>) -> Self {
        let text = |name: &str| clean_text(fields.get(name).map(String::as_str).unwrap_or(""));
        let scores = rubric
            .criteria
            .iter()
            .filter_map(|c| {
                let level: u8 = fields.get(c.field)?.trim().parse().ok()?;
                (1..=4).contains(&level).then(|| (c.key.to_owned(), level))
            })
            .collect();
        let overall_level = fields
            .get("overall_level")
            .map(|v| v.trim().to_owned())
            .filter(|v| OVERALL.iter().any(|(k, _)| k == v));
        ReportInput {
            scores,
            strengths: text("strengths"),
            focus: [
                text("focus_first"),
                text("focus_second"),
                text("focus_third"),
            ],
            resources: text("resources"),
            overall_level,
            overall_note: text("overall_note"),
        }
    }

    /// What is too long: a draft is saved only within the limits (the database checks them
    /// too), so nothing typed is cut without a word.
    pub fn length_errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        MAX_STRENGTHS.check(&mut errors, "strengths", &self.strengths, None);
        for (field, value) in ["focus_first", "focus_second", "focus_third"]
            .into_iter()
            .zip(&self.focus)
        {
            MAX_FOCUS.check(&mut errors, field, value, None);
        }
        MAX_RESOURCES.check(&mut errors, "resources", &self.resources, None);
        MAX_OVERALL_NOTE.check(&mut errors, "overall_note", &self.overall_note, None);
        errors
    }

    /// What a report needs before it goes to the customer: every criterion scored, the
    /// strengths, at least the first thing to work on, and the overall read.
    pub fn submit_errors(&self, rubric: Rubric) -> FieldErrors {
        let mut errors = self.length_errors();
        for criterion in rubric.criteria {
            if !self.scores.contains_key(criterion.key) {
                errors.insert(
                    criterion.field,
                    format!("Choose a level for {}.", criterion.name.to_lowercase()),
                );
            }
        }
        if self.strengths.is_empty() {
            errors.insert("strengths", "Say what went well.".to_owned());
        }
        if self.focus[0].is_empty() {
            errors.insert(
                "focus_first",
                "Name at least the first thing to work on.".to_owned(),
            );
        }
        if self.overall_level.is_none() {
            errors.insert(
                "overall_level",
                "Choose your overall read against their target.".to_owned(),
            );
        }
        errors
    }
}

/// When the report of a session that ended at `ends_at` is due.
pub fn due_at(ends_at: OffsetDateTime) -> OffsetDateTime {
    ends_at + REPORT_DUE_AFTER_END
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_rubric_follows_the_subject() {
        assert_eq!(rubric_for_subject(Some("System Design")).key, "design");
        assert_eq!(rubric_for_subject(Some("Behavioural")).key, "behavioral");
        assert_eq!(rubric_for_subject(Some("Frontend")).key, "coding");
        assert_eq!(rubric_for_subject(None).key, "coding");
    }

    #[test]
    fn drafts_keep_what_they_can_and_submissions_need_everything() {
        let input = ReportInput::from_fields(
            CODING,
            &fields(&[
                ("score_problem_solving", "3"),
                ("score_coding", "9"),
                ("score_bogus", "2"),
                ("strengths", "  Clear thinking.\r\n"),
                ("overall_level", "sideways"),
            ]),
        );
        assert_eq!(input.scores.len(), 1, "only real criteria and levels");
        assert_eq!(input.strengths, "Clear thinking.");
        assert_eq!(input.overall_level, None);
        assert!(input.length_errors().is_empty());
        let errors = input.submit_errors(CODING);
        for field in [
            "score_coding",
            "score_communication",
            "score_testing",
            "focus_first",
            "overall_level",
        ] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
        assert!(!errors.contains_key("score_problem_solving"));
        assert!(!errors.contains_key("strengths"));

        let complete = ReportInput::from_fields(
            CODING,
            &fields(&[
                ("score_problem_solving", "3"),
                ("score_coding", "2"),
                ("score_communication", "4"),
                ("score_testing", "1"),
                ("strengths", "Clear thinking."),
                ("focus_first", "Test before you say done."),
                ("overall_level", "close"),
            ]),
        );
        assert!(complete.submit_errors(CODING).is_empty());
        let too_long = ReportInput {
            strengths: "x".repeat(4001),
            ..complete
        };
        assert!(too_long.length_errors().contains_key("strengths"));
    }

    #[test]
    fn every_criterion_has_its_own_field() {
        for rubric in RUBRICS {
            for c in rubric.criteria {
                assert_eq!(c.field, format!("score_{}", c.key));
            }
        }
    }
}
