//! The fictional demo catalogue that makes a fresh local site browsable.

use anyhow::Context;
use sqlx::PgPool;

const DEMO_SQL: &str = include_str!("../../seed/demo.sql");

/// Seeds the demo data if, and only if, the catalogue is empty. Runs in one transaction with
/// a transaction-level advisory lock so two instances starting together seed it once.
/// Returns whether it seeded.
pub async fn seed_demo_if_empty(pool: &PgPool) -> anyhow::Result<bool> {
    let mut tx = pool.begin().await?;
    // Any constant works as the key; it only has to be the same for every instance.
    sqlx::query!("select pg_advisory_xact_lock(508001)")
        .execute(&mut *tx)
        .await?;
    let has_data = sqlx::query_scalar!(
        r#"select exists (select 1 from interviewer)
               or exists (select 1 from tag)
               or exists (select 1 from testimonial)
               or exists (select 1 from company) as "has_data!""#
    )
    .fetch_one(&mut *tx)
    .await?;
    if has_data {
        return Ok(false);
    }
    sqlx::raw_sql(DEMO_SQL)
        .execute(&mut *tx)
        .await
        .context("demo seed failed")?;
    tx.commit().await?;
    Ok(true)
}
