//! All SQL lives here, one module per table group. Queries are compile-checked by sqlx
//! against the offline data in `.sqlx/` (regenerate with `make sqlx-prepare`).

pub mod accounts;
pub mod bookings;
pub mod catalogue;
pub mod claims;
pub mod jobs;
pub mod ledger;
pub mod limits;
pub mod overview;
pub mod profiles;
pub mod reports;
pub mod reviews;
pub mod seed;
pub mod staff;

use std::time::Duration;

use anyhow::Context;
use sqlx::{
    Connection, PgPool,
    migrate::MigrateDatabase,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::config::Config;

/// Creates the database if it does not exist yet, so `make run` works on a fresh machine.
pub async fn create_database_if_missing(url: &str) -> anyhow::Result<()> {
    if !sqlx::Postgres::database_exists(url)
        .await
        .context("cannot reach PostgreSQL at DATABASE_URL")?
    {
        tracing::info!("creating the database named in DATABASE_URL");
        sqlx::Postgres::create_database(url)
            .await
            .context("cannot create the database")?;
    }
    Ok(())
}

/// Connects lazily: the server starts (and `/healthz` can say "database down") even when
/// PostgreSQL is briefly unavailable, and requests recover when it returns.
pub fn connect_pool(config: &Config) -> anyhow::Result<PgPool> {
    let options: PgConnectOptions = config
        .database_url
        .expose()
        .parse()
        .context("DATABASE_URL is not a valid PostgreSQL URL")?;
    Ok(PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with(options.application_name("interview-service")))
}

/// Applies the migrations embedded in the binary. Safe with several instances starting at
/// once: sqlx takes an advisory lock.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .context("database migration failed")
}

/// Liveness probe for `/healthz`.
pub async fn ping(pool: &PgPool) -> sqlx::Result<()> {
    let mut conn = pool.acquire().await?;
    conn.ping().await
}
