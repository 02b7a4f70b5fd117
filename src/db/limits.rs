//! The rate limiter's table: hits in named buckets, counted and recorded atomically.

use sqlx::PgPool;

/// One limit to respect: at most `max` hits in `bucket` within `window_seconds`.
#[derive(Debug, Clone)]
pub struct Limit {
    pub bucket: String,
    pub max: i64,
    pub window_seconds: i64,
}

/// What [`take`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// A hit was recorded in every bucket; its ids, to [`release`] if the attempt should not
    /// count after all (a successful sign-in).
    Allowed(Vec<i64>),
    /// A bucket is full; nothing was recorded. Seconds until a hit leaves its window.
    Limited { retry_after_seconds: i64 },
}

/// Counts and records one hit in each bucket, in one transaction that holds an advisory lock
/// per bucket (taken in a fixed order, so two callers never wait on each other in a cycle).
/// Either every bucket gets its hit or none does.
pub async fn take(pool: &PgPool, limits: &[Limit]) -> sqlx::Result<Taken> {
    let mut sorted: Vec<&Limit> = limits.iter().collect();
    sorted.sort_by(|a, b| a.bucket.cmp(&b.bucket));
    let mut tx = pool.begin().await?;
    for limit in &sorted {
        sqlx::query!(
            "select pg_advisory_xact_lock(hashtextextended('rate_limit:' || $1, 0))",
            limit.bucket
        )
        .execute(&mut *tx)
        .await?;
    }
    for limit in &sorted {
        let row = sqlx::query!(
            r#"select count(*) as "hits!",
                      coalesce(extract(epoch from min(hit_at) + make_interval(secs => $2) - now())::bigint, 0) as "retry!"
               from rate_limit_hit where bucket = $1 and hit_at > now() - make_interval(secs => $2)"#,
            limit.bucket,
            limit.window_seconds as f64
        )
        .fetch_one(&mut *tx)
        .await?;
        if row.hits >= limit.max {
            tx.rollback().await?;
            return Ok(Taken::Limited {
                retry_after_seconds: row.retry.max(1),
            });
        }
    }
    let mut ids = Vec::with_capacity(sorted.len());
    for limit in &sorted {
        ids.push(
            sqlx::query_scalar!(
                "insert into rate_limit_hit (bucket) values ($1) returning rate_limit_hit_id",
                limit.bucket
            )
            .fetch_one(&mut *tx)
            .await?,
        );
    }
    tx.commit().await?;
    Ok(Taken::Allowed(ids))
}

/// Takes back hits recorded by [`take`].
pub async fn release(pool: &PgPool, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from rate_limit_hit where rate_limit_hit_id = any($1)",
        ids
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Empties a bucket (a successful sign-in forgives the account's earlier failures).
pub async fn clear(pool: &PgPool, bucket: &str) -> sqlx::Result<()> {
    sqlx::query!("delete from rate_limit_hit where bucket = $1", bucket)
        .execute(pool)
        .await?;
    Ok(())
}

/// Drops hits older than any window (a day).
pub async fn prune(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query!("delete from rate_limit_hit where hit_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(())
}
