//! The admin panel, by page family. Who may use which route is `crate::authz`'s matrix;
//! the personas and their fixture are in `crate::personas`.

mod bookings;
mod passwords;
mod profile;
mod sessions;
mod staff;

use crate::helpers::{BASE_URL, TestApp};

/// The path of the link in the last email queued for `to`.
pub async fn link_from_outbox(app: &TestApp, to: &str) -> String {
    let payload: serde_json::Value = sqlx::query_scalar("select payload from job where kind = 'email' and payload->>'to' = $1 order by job_id desc limit 1")
        .bind(to)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let text = payload["text"].as_str().unwrap();
    let start = text.find(BASE_URL).expect("a link in the email");
    text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches(BASE_URL)
        .to_owned()
}
