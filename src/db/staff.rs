//! SQL for staff management: interviewers and their accounts, tags, testimonials, companies.

use sqlx::{PgConnection, PgPool};

pub struct InterviewerAccountRow {
    pub interviewer_id: i64,
    pub slug: String,
    pub name: String,
    pub is_active: bool,
    pub is_featured: bool,
    pub display_order: i32,
    pub email: Option<String>,
    pub user_active: Option<bool>,
    pub has_logged_in: bool,
}

pub async fn interviewers_with_accounts(pool: &PgPool) -> sqlx::Result<Vec<InterviewerAccountRow>> {
    sqlx::query_as!(
        InterviewerAccountRow,
        r#"select i.interviewer_id, i.slug, i.name, i.is_active, i.is_featured, i.display_order,
                  u.email as "email?", u.is_active as "user_active?",
                  (u.password_changed_at is not null) as "has_logged_in!"
           from interviewer i left join app_user u on u.interviewer_id = i.interviewer_id
           order by i.display_order, i.name"#
    )
    .fetch_all(pool)
    .await
}

/// A new, hidden profile for an invited interviewer. `None` if the slug is taken.
pub async fn create_interviewer(
    conn: &mut PgConnection,
    slug: &str,
    name: &str,
) -> sqlx::Result<Option<i64>> {
    let result = sqlx::query_scalar!(
        "insert into interviewer (slug, name, headline, rate_minor, currency, is_active, display_order)
         values ($1, $2, '', 15000, 'USD', false, 1000) returning interviewer_id",
        slug,
        name
    )
    .fetch_one(conn)
    .await;
    match result {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("interviewer_slug_key") => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether the profile exists and nobody has an account for it yet.
pub async fn interviewer_without_account(
    conn: &mut PgConnection,
    interviewer_id: i64,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from interviewer i where i.interviewer_id = $1
                          and not exists (select 1 from app_user u where u.interviewer_id = i.interviewer_id)) as "ok!""#,
        interviewer_id
    )
    .fetch_one(conn)
    .await
}

/// Deactivating signs the person out everywhere and hides their profile; bookings stay.
pub async fn set_interviewer_active(
    conn: &mut PgConnection,
    interviewer_id: i64,
    active: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update app_user set is_active = $2 where interviewer_id = $1",
        interviewer_id,
        active
    )
    .execute(&mut *conn)
    .await?;
    if !active {
        sqlx::query!(
            "update interviewer set is_active = false where interviewer_id = $1",
            interviewer_id
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query!(
            "delete from session where user_id in (select user_id from app_user where interviewer_id = $1)",
            interviewer_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(updated.rows_affected() > 0)
}

pub async fn set_listing(
    pool: &PgPool,
    interviewer_id: i64,
    featured: bool,
    order: i32,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update interviewer set is_featured = $2, display_order = $3 where interviewer_id = $1",
        interviewer_id,
        featured,
        order
    )
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn rename_tag(pool: &PgPool, tag_id: i64, name: &str) -> sqlx::Result<bool> {
    let updated = sqlx::query!("update tag set name = $2 where tag_id = $1", tag_id, name)
        .execute(pool)
        .await?;
    Ok(updated.rows_affected() == 1)
}

/// Moves every use of `from` to `into` (same kind) and deletes `from`. Returns false if the
/// tags are missing, the same, or of different kinds.
pub async fn merge_tags(conn: &mut PgConnection, from: i64, into: i64) -> sqlx::Result<bool> {
    let same_kind = sqlx::query_scalar!(
        r#"select (select kind from tag where tag_id = $1) = (select kind from tag where tag_id = $2) as "same""#,
        from,
        into
    )
    .fetch_one(&mut *conn)
    .await?;
    if from == into || same_kind != Some(true) {
        return Ok(false);
    }
    sqlx::query!(
        "insert into interviewer_tag (interviewer_id, tag_id) select interviewer_id, $2 from interviewer_tag where tag_id = $1
         on conflict do nothing",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from tag where tag_id = $1", from)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

pub struct TestimonialRow {
    pub testimonial_id: i64,
    pub quote: String,
    pub author: String,
    pub context: String,
    pub interviewer_id: Option<i64>,
    pub is_published: bool,
    pub display_order: i32,
}

pub async fn testimonials(pool: &PgPool) -> sqlx::Result<Vec<TestimonialRow>> {
    sqlx::query_as!(
        TestimonialRow,
        "select testimonial_id, quote, author, context, interviewer_id, is_published, display_order
         from testimonial order by display_order, testimonial_id"
    )
    .fetch_all(pool)
    .await
}

pub struct TestimonialInput<'a> {
    pub quote: &'a str,
    pub author: &'a str,
    pub context: &'a str,
    pub interviewer_id: Option<i64>,
    pub is_published: bool,
    pub display_order: i32,
}

/// Creates (`id` None) or updates a testimonial.
pub async fn save_testimonial(
    pool: &PgPool,
    id: Option<i64>,
    t: &TestimonialInput<'_>,
) -> sqlx::Result<bool> {
    let done = match id {
        None => sqlx::query!(
            "insert into testimonial (quote, author, context, interviewer_id, is_published, display_order)
             values ($1, $2, $3, $4, $5, $6)",
            t.quote,
            t.author,
            t.context,
            t.interviewer_id,
            t.is_published,
            t.display_order
        )
        .execute(pool)
        .await?,
        Some(id) => sqlx::query!(
            "update testimonial set quote = $2, author = $3, context = $4, interviewer_id = $5, is_published = $6,
                    display_order = $7 where testimonial_id = $1",
            id,
            t.quote,
            t.author,
            t.context,
            t.interviewer_id,
            t.is_published,
            t.display_order
        )
        .execute(pool)
        .await?,
    };
    Ok(done.rows_affected() == 1)
}

pub async fn delete_testimonial(pool: &PgPool, id: i64) -> sqlx::Result<bool> {
    Ok(
        sqlx::query!("delete from testimonial where testimonial_id = $1", id)
            .execute(pool)
            .await?
            .rows_affected()
            == 1,
    )
}

pub struct CompanyRow {
    pub company_id: i64,
    pub name: String,
    pub display_order: i32,
}

pub async fn companies(pool: &PgPool) -> sqlx::Result<Vec<CompanyRow>> {
    sqlx::query_as!(
        CompanyRow,
        "select company_id, name, display_order from company order by display_order, name"
    )
    .fetch_all(pool)
    .await
}

/// What saving a company did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanySaved {
    Saved,
    /// No company with that id.
    NotFound,
    /// Another company has that name (`company_name_key`).
    NameTaken,
}

/// Creates (`id` `None`) or updates a company.
pub async fn save_company(
    pool: &PgPool,
    id: Option<i64>,
    name: &str,
    order: i32,
) -> sqlx::Result<CompanySaved> {
    let result = match id {
        None => {
            sqlx::query!(
                "insert into company (name, display_order) values ($1, $2)",
                name,
                order
            )
            .execute(pool)
            .await
        }
        Some(id) => {
            sqlx::query!(
                "update company set name = $2, display_order = $3 where company_id = $1",
                id,
                name,
                order
            )
            .execute(pool)
            .await
        }
    };
    match result {
        Ok(done) if done.rows_affected() == 1 => Ok(CompanySaved::Saved),
        Ok(_) => Ok(CompanySaved::NotFound),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("company_name_key") => {
            Ok(CompanySaved::NameTaken)
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_company(pool: &PgPool, id: i64) -> sqlx::Result<bool> {
    Ok(
        sqlx::query!("delete from company where company_id = $1", id)
            .execute(pool)
            .await?
            .rows_affected()
            == 1,
    )
}
