//! SQL for the written feedback reports (`feedback_report`): one per booking, a draft until
//! submitted, then never changed.

use std::collections::BTreeMap;

use sqlx::{PgConnection, types::Json};
use time::OffsetDateTime;

use crate::domain::feedback::ReportInput;

pub struct ReportRow {
    pub rubric: String,
    pub input: ReportInput,
    pub submitted_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

pub async fn report_of(
    conn: &mut PgConnection,
    booking_id: i64,
) -> sqlx::Result<Option<ReportRow>> {
    let row = sqlx::query!(
        r#"select rubric, scores as "scores: Json<BTreeMap<String, u8>>", strengths, focus_first,
                  focus_second, focus_third, resources, overall_level, overall_note, submitted_at,
                  updated_at
           from feedback_report where booking_id = $1"#,
        booking_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| ReportRow {
        rubric: r.rubric,
        input: ReportInput {
            scores: r.scores.0,
            strengths: r.strengths,
            focus: [r.focus_first, r.focus_second, r.focus_third],
            resources: r.resources,
            overall_level: r.overall_level,
            overall_note: r.overall_note,
        },
        submitted_at: r.submitted_at,
        updated_at: r.updated_at,
    }))
}

/// Saves the report as it is now; `submit` also makes it final. Nothing changes once it was
/// submitted: returns whether this call wrote it.
pub async fn save(
    conn: &mut PgConnection,
    booking_id: i64,
    rubric: &str,
    input: &ReportInput,
    submit: bool,
) -> sqlx::Result<bool> {
    let scores = Json(&input.scores);
    let done = sqlx::query!(
        r#"insert into feedback_report (booking_id, rubric, scores, strengths, focus_first, focus_second,
                                        focus_third, resources, overall_level, overall_note, submitted_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, case when $11 then now() end)
           on conflict (booking_id) do update set
               rubric = excluded.rubric, scores = excluded.scores, strengths = excluded.strengths,
               focus_first = excluded.focus_first, focus_second = excluded.focus_second,
               focus_third = excluded.focus_third, resources = excluded.resources,
               overall_level = excluded.overall_level, overall_note = excluded.overall_note,
               submitted_at = excluded.submitted_at
           where feedback_report.submitted_at is null"#,
        booking_id,
        rubric,
        scores as _,
        input.strengths,
        input.focus[0],
        input.focus[1],
        input.focus[2],
        input.resources,
        input.overall_level,
        input.overall_note,
        submit
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
