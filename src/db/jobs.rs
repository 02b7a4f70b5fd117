//! The job table (the outbox): enqueue in the caller's transaction, claim with a lease.

use serde::Serialize;
use sqlx::{PgConnection, PgPool};

/// Adds a job unless one with the same `dedupe_key` exists. Returns whether it was added.
pub async fn enqueue(
    conn: &mut PgConnection,
    kind: &str,
    dedupe_key: &str,
    payload: &impl Serialize,
) -> sqlx::Result<bool> {
    let payload = serde_json::to_value(payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted = sqlx::query!(
        "insert into job (kind, dedupe_key, payload) values ($1, $2, $3)
         on conflict (dedupe_key) do nothing",
        kind,
        dedupe_key,
        payload
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// [`enqueue`], due at `run_at` rather than now (a reminder).
pub async fn enqueue_at(
    conn: &mut PgConnection,
    kind: &str,
    dedupe_key: &str,
    payload: &impl Serialize,
    run_at: time::OffsetDateTime,
) -> sqlx::Result<bool> {
    let payload = serde_json::to_value(payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted = sqlx::query!(
        "insert into job (kind, dedupe_key, payload, run_at) values ($1, $2, $3, $4)
         on conflict (dedupe_key) do nothing",
        kind,
        dedupe_key,
        payload,
        run_at
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub struct ClaimedJob {
    pub job_id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
}

/// Takes the oldest due job and leases it for `lease_seconds`. `SKIP LOCKED` lets several
/// workers claim concurrently without waiting on each other or taking the same row; the lease
/// lets another worker retry the job if this one dies mid-way.
pub async fn claim_next(pool: &PgPool, lease_seconds: i32) -> sqlx::Result<Option<ClaimedJob>> {
    sqlx::query_as!(
        ClaimedJob,
        "update job set attempts = attempts + 1, locked_until = now() + make_interval(secs => $1)
         where job_id = (
             select job_id from job
             where done_at is null and failed_at is null and run_at <= now()
               and (locked_until is null or locked_until < now())
             order by run_at, job_id
             limit 1
             for update skip locked
         )
         returning job_id, kind, payload, attempts",
        f64::from(lease_seconds)
    )
    .fetch_optional(pool)
    .await
}

pub async fn complete(pool: &PgPool, job_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update job set done_at = now(), locked_until = null, last_error = null where job_id = $1",
        job_id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Schedules another attempt after `retry_in_seconds`, or gives up (`failed_at`) when `None`.
pub async fn fail(
    pool: &PgPool,
    job_id: i64,
    error: &str,
    retry_in_seconds: Option<i64>,
) -> sqlx::Result<()> {
    let error: String = error.chars().take(2000).collect();
    match retry_in_seconds {
        Some(seconds) => sqlx::query!(
            "update job set last_error = $2, locked_until = null,
                            run_at = now() + make_interval(secs => $3)
             where job_id = $1",
            job_id,
            error,
            seconds as f64
        )
        .execute(pool)
        .await?,
        None => sqlx::query!(
            "update job set last_error = $2, locked_until = null, failed_at = now() where job_id = $1",
            job_id,
            error
        )
        .execute(pool)
        .await?,
    };
    Ok(())
}
