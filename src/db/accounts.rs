//! SQL for admin accounts: users, sessions, login throttling, single-use tokens.

use sqlx::{PgConnection, PgPool};

/// The signed-in user as every admin page needs them.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub is_staff: bool,
    pub interviewer_id: Option<i64>,
    pub interviewer_slug: Option<String>,
    pub interviewer_name: Option<String>,
    pub time_zone: String,
}

/// Finds the live session for a cookie and marks it seen, in one statement. Sessions idle
/// for longer than `idle_minutes`, past their absolute expiry, or of deactivated users are
/// not found.
pub async fn session_user(
    pool: &PgPool,
    session_hash: &str,
    idle_minutes: i32,
) -> sqlx::Result<Option<SessionUser>> {
    sqlx::query_as!(
        SessionUser,
        r#"with live as (
               update session set last_seen_at = now()
               where session_hash = $1 and expires_at > now()
                 and last_seen_at > now() - make_interval(mins => $2)
               returning user_id
           )
           select u.user_id, u.email, u.name, u.is_staff, u.interviewer_id,
                  i.slug as "interviewer_slug?", i.name as "interviewer_name?",
                  coalesce(i.time_zone, 'UTC') as "time_zone!"
           from live join app_user u using (user_id)
           left join interviewer i on i.interviewer_id = u.interviewer_id
           where u.is_active"#,
        session_hash,
        idle_minutes
    )
    .fetch_optional(pool)
    .await
}

pub async fn create_session(
    pool: &PgPool,
    session_hash: &str,
    user_id: i64,
    absolute_hours: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into session (session_hash, user_id, expires_at) values ($1, $2, now() + make_interval(hours => $3))",
        session_hash,
        user_id,
        absolute_hours
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn delete_session(pool: &PgPool, session_hash: &str) -> sqlx::Result<()> {
    sqlx::query!("delete from session where session_hash = $1", session_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change, or deactivation).
pub async fn delete_other_sessions(
    conn: &mut PgConnection,
    user_id: i64,
    keep: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from session where user_id = $1 and session_hash is distinct from $2",
        user_id,
        keep
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct LoginCandidate {
    pub user_id: i64,
    pub password_hash: String,
    pub is_active: bool,
}

pub async fn login_candidate(pool: &PgPool, email: &str) -> sqlx::Result<Option<LoginCandidate>> {
    sqlx::query_as!(
        LoginCandidate,
        "select user_id, password_hash, is_active from app_user where lower(email) = lower($1)",
        email
    )
    .fetch_optional(pool)
    .await
}

/// Drops sessions past their end.
pub async fn prune_sessions(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query!("delete from session where expires_at < now()")
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn password_hash_of(pool: &PgPool, user_id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        "select password_hash from app_user where user_id = $1",
        user_id
    )
    .fetch_one(pool)
    .await
}

pub async fn set_password(
    conn: &mut PgConnection,
    user_id: i64,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update app_user set password_hash = $2, password_changed_at = now() where user_id = $1",
        user_id,
        password_hash
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_staff: bool,
    pub interviewer_id: Option<i64>,
}

/// `None` when the email is taken (case-insensitively).
pub async fn create_user(conn: &mut PgConnection, user: &NewUser<'_>) -> sqlx::Result<Option<i64>> {
    let result = sqlx::query_scalar!(
        "insert into app_user (email, name, password_hash, is_staff, interviewer_id) values ($1, $2, $3, $4, $5)
         returning user_id",
        user.email,
        user.name,
        user.password_hash,
        user.is_staff,
        user.interviewer_id
    )
    .fetch_one(conn)
    .await;
    match result {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("app_user_email_key") => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn user_id_by_email(pool: &PgPool, email: &str) -> sqlx::Result<Option<(i64, bool)>> {
    Ok(sqlx::query!(
        "select user_id, is_active from app_user where lower(email) = lower($1)",
        email
    )
    .fetch_optional(pool)
    .await?
    .map(|r| (r.user_id, r.is_active)))
}

/// A new link for the account; every earlier link of the account stops working.
pub async fn create_token(
    conn: &mut PgConnection,
    token_hash: &str,
    user_id: i64,
    purpose: &str,
    valid_hours: i32,
) -> sqlx::Result<()> {
    end_tokens(&mut *conn, user_id).await?;
    sqlx::query!(
        "insert into account_token (token_hash, user_id, purpose, expires_at)
         values ($1, $2, $3, now() + make_interval(hours => $4))",
        token_hash,
        user_id,
        purpose,
        valid_hours
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct TokenOwner {
    pub user_id: i64,
    pub email: String,
    pub purpose: String,
}

/// The owner of an unused, unexpired token.
pub async fn token_owner(pool: &PgPool, token_hash: &str) -> sqlx::Result<Option<TokenOwner>> {
    sqlx::query_as!(
        TokenOwner,
        "select u.user_id, u.email, t.purpose from account_token t join app_user u using (user_id)
         where t.token_hash = $1 and t.used_at is null and t.expires_at > now() and u.is_active",
        token_hash
    )
    .fetch_optional(pool)
    .await
}

/// Ends every unused link of the account (a new link was sent, or the password was set).
pub async fn end_tokens(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update account_token set used_at = now() where user_id = $1 and used_at is null",
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses the token; `false` if it was already used or has expired (a race with another tab).
pub async fn consume_token(conn: &mut PgConnection, token_hash: &str) -> sqlx::Result<bool> {
    let used = sqlx::query!(
        "update account_token set used_at = now() where token_hash = $1 and used_at is null and expires_at > now()",
        token_hash
    )
    .execute(conn)
    .await?;
    Ok(used.rows_affected() == 1)
}
