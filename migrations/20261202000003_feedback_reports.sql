-- The written feedback report (issue 11): a scorecard the interviewer fills in after a held
-- session, saved as a draft while they type, submitted once and then read-only. The customer
-- reads it on their booking page.
create table feedback_report (
    booking_id bigint primary key references booking on delete cascade,
    -- Which rubric the scores follow (src/domain/feedback.rs): 'coding', 'design', 'behavioral'.
    rubric text not null constraint feedback_report_rubric check (rubric in ('coding', 'design', 'behavioral')),
    -- Criterion key -> level 1..4; keys are the rubric's (checked in Rust, where rubrics live).
    scores jsonb not null default '{}' constraint feedback_report_scores_object check (jsonb_typeof(scores) = 'object'),
    strengths text not null default '' constraint feedback_report_strengths_length check (length(strengths) <= 4000),
    -- The three things to work on first, in order.
    focus_first text not null default '' constraint feedback_report_focus_first_length check (length(focus_first) <= 1000),
    focus_second text not null default '' constraint feedback_report_focus_second_length check (length(focus_second) <= 1000),
    focus_third text not null default '' constraint feedback_report_focus_third_length check (length(focus_third) <= 1000),
    resources text not null default '' constraint feedback_report_resources_length check (length(resources) <= 4000),
    -- The overall read against the customer's target level.
    overall_level text constraint feedback_report_overall_level check (overall_level in ('not_yet', 'close', 'ready', 'strong')),
    overall_note text not null default '' constraint feedback_report_overall_note_length check (length(overall_note) <= 2000),
    submitted_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger feedback_report_set_updated_at before update on feedback_report
    for each row execute function set_updated_at();
