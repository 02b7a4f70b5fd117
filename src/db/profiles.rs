//! SQL for editing interviewer profiles and tags (admin panel).

use serde::Deserialize;
use sqlx::{PgConnection, PgPool, types::Json};

use super::catalogue::HistoryRow;
use crate::domain::{
    Currency, TagKind,
    profile::{HistoryInput, NewTag, ProfileUpdate},
};

pub struct EditableProfile {
    pub interviewer_id: i64,
    pub slug: String,
    pub name: String,
    pub headline: String,
    pub bio: String,
    pub bio_is_markdown: bool,
    pub photo_url: Option<String>,
    pub rate_minor: i32,
    pub currency: Currency,
    pub time_zone: String,
    pub is_active: bool,
    pub is_featured: bool,
    pub display_order: i32,
    pub cal_event_type_id: Option<i64>,
    pub cal_link: Option<String>,
    pub cal_api_key_encrypted: Option<Vec<u8>>,
    pub cal_api_key_hint: Option<String>,
    pub tag_ids: Vec<i64>,
    pub history: Json<Vec<HistoryRow>>,
}

pub async fn editable_profile(
    pool: &PgPool,
    interviewer_id: i64,
) -> sqlx::Result<Option<EditableProfile>> {
    sqlx::query_as!(
        EditableProfile,
        r#"select i.interviewer_id, i.slug, i.name, i.headline, i.bio, i.bio_is_markdown, i.photo_url, i.rate_minor,
                  i.currency as "currency: Currency", i.time_zone, i.is_active, i.is_featured, i.display_order, i.cal_event_type_id, i.cal_link,
                  i.cal_api_key_encrypted, i.cal_api_key_hint,
                  coalesce((select array_agg(tag_id order by tag_id) from interviewer_tag t where t.interviewer_id = i.interviewer_id), '{}') as "tag_ids!",
                  coalesce((select json_agg(json_build_object('company', w.company, 'role', w.role, 'period', w.period, 'summary', w.summary) order by w.position)
                            from work_history_entry w where w.interviewer_id = i.interviewer_id), '[]') as "history!: Json<Vec<HistoryRow>>"
           from interviewer i where i.interviewer_id = $1"#,
        interviewer_id
    )
    .fetch_optional(pool)
    .await
}

#[derive(Debug, Clone, Deserialize)]
pub struct TagOption {
    pub tag_id: i64,
    pub kind: TagKind,
    pub slug: String,
    pub name: String,
    /// Interviewers (listed or not) carrying the tag.
    pub uses: i64,
}

pub async fn all_tags(pool: &PgPool) -> sqlx::Result<Vec<TagOption>> {
    sqlx::query_as!(
        TagOption,
        r#"select t.tag_id, t.kind as "kind: TagKind", t.slug, t.name, count(it.interviewer_id) as "uses!"
           from tag t left join interviewer_tag it using (tag_id)
           group by t.tag_id order by t.kind, lower(t.name)"#
    )
    .fetch_all(pool)
    .await
}

/// What [`find_or_create_tag`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagLookup {
    /// The tag (existing or just created).
    Found(i64),
    /// The slug belongs to a tag of this other kind.
    OtherKind(TagKind),
}

/// Creates a tag, or finds the existing one with the same slug.
pub async fn find_or_create_tag(conn: &mut PgConnection, tag: &NewTag) -> sqlx::Result<TagLookup> {
    let existing = sqlx::query!(
        r#"select tag_id, kind as "kind: TagKind" from tag where slug = $1"#,
        tag.slug.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = existing {
        return Ok(if row.kind == tag.kind {
            TagLookup::Found(row.tag_id)
        } else {
            TagLookup::OtherKind(row.kind)
        });
    }
    let id = sqlx::query_scalar!(
        "insert into tag (kind, slug, name) values ($1, $2, $3)
         on conflict (slug) do update set slug = excluded.slug returning tag_id",
        tag.kind as TagKind,
        tag.slug.as_str(),
        tag.name
    )
    .fetch_one(conn)
    .await?;
    Ok(TagLookup::Found(id))
}

/// Writes the whole profile: fields, tags and history, in the caller's transaction.
pub async fn save_profile(
    conn: &mut PgConnection,
    interviewer_id: i64,
    update: &ProfileUpdate,
    tag_ids: &[i64],
    cal_link: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update interviewer set name = $2, headline = $3, bio = $4, bio_is_markdown = $5, rate_minor = $6, currency = $7,
                time_zone = $8, is_active = $9, cal_event_type_id = $10, cal_link = $11
         where interviewer_id = $1",
        interviewer_id,
        update.name,
        update.headline,
        update.bio,
        update.bio_is_markdown,
        update.rate_minor,
        update.currency as Currency,
        update.time_zone,
        update.is_active,
        update.cal_event_type_id,
        cal_link
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from interviewer_tag where interviewer_id = $1",
        interviewer_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into interviewer_tag (interviewer_id, tag_id) select $1, unnest($2::bigint[]) on conflict do nothing",
        interviewer_id,
        tag_ids
    )
    .execute(&mut *conn)
    .await?;
    replace_history(conn, interviewer_id, &update.history).await
}

async fn replace_history(
    conn: &mut PgConnection,
    interviewer_id: i64,
    history: &[HistoryInput],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from work_history_entry where interviewer_id = $1",
        interviewer_id
    )
    .execute(&mut *conn)
    .await?;
    for (position, h) in history.iter().enumerate() {
        sqlx::query!(
            "insert into work_history_entry (interviewer_id, company, role, period, summary, position) values ($1, $2, $3, $4, $5, $6)",
            interviewer_id,
            h.company,
            h.role,
            h.period,
            h.summary,
            position as i32
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn set_cal_api_key(
    conn: &mut PgConnection,
    interviewer_id: i64,
    sealed: Option<&[u8]>,
    hint: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update interviewer set cal_api_key_encrypted = $2, cal_api_key_hint = $3 where interviewer_id = $1",
        interviewer_id,
        sealed,
        hint
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn cal_api_key_of(pool: &PgPool, interviewer_id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar!(
        "select cal_api_key_encrypted from interviewer where interviewer_id = $1",
        interviewer_id
    )
    .fetch_optional(pool)
    .await?
    .flatten())
}

pub async fn set_photo(pool: &PgPool, interviewer_id: i64, photo_url: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update interviewer set photo_url = $2 where interviewer_id = $1",
        interviewer_id,
        photo_url
    )
    .execute(pool)
    .await?;
    Ok(())
}
