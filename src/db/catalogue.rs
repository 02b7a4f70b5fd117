//! Read queries for the public catalogue: homepage, listing, profiles, sitemap.
//!
//! Each page is served by at most two statements whatever the number of interviewers: per-row
//! details (tags, roles, history) are folded into JSON inside the statement, never fetched in
//! a loop. `tests/public_site.rs` counts the statements with 5 and with 200 interviewers.

use serde::Deserialize;
use sqlx::{PgPool, types::Json};
use time::OffsetDateTime;

use crate::domain::{Currency, TagKind};

#[derive(Debug, Clone, Deserialize)]
pub struct TagRow {
    pub kind: TagKind,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RoleRow {
    pub company: String,
    pub role: String,
}

/// One interviewer as a card shows them (see the `interviewer_card` view).
#[derive(Debug, Clone, Deserialize)]
pub struct CardRow {
    pub slug: String,
    pub name: String,
    pub headline: String,
    pub photo_url: Option<String>,
    pub rate_minor: i32,
    pub currency: Currency,
    pub tags: Vec<TagRow>,
    /// Up to three, most recent first.
    pub recent_roles: Vec<RoleRow>,
    /// Published reviews: how many, and the sum of their stars.
    #[serde(default)]
    pub review_count: i32,
    #[serde(default)]
    pub review_sum: i32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TestimonialRow {
    pub quote: String,
    pub author: String,
    pub context: String,
    /// Only set when the interviewer is still listed.
    pub interviewer_name: Option<String>,
    pub interviewer_slug: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CompanyRow {
    pub name: String,
    pub logo_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PriceRow {
    pub rate_minor: i64,
    pub currency: Currency,
}

pub struct HomePage {
    pub featured: Vec<CardRow>,
    pub testimonials: Vec<TestimonialRow>,
    pub companies: Vec<CompanyRow>,
    /// The lowest rate among listed interviewers (USD preferred), for "from $X".
    pub price_from: Option<PriceRow>,
    pub interviewer_count: i64,
}

/// A card as the homepage's statement folds it: tags as ids, named from the tag list.
#[derive(Debug, Deserialize)]
struct FeaturedRow {
    slug: String,
    name: String,
    headline: String,
    photo_url: Option<String>,
    rate_minor: i32,
    currency: Currency,
    tag_ids: Vec<i64>,
    recent_roles: Vec<RoleRow>,
    review_count: i32,
    review_sum: i32,
}

/// The tags with ids `ids` (sorted, as the `interviewer_card` view gives them), in `tags`'
/// order (kind, then name): cards name their tags from the list read once per catalogue
/// version instead of joining `tag` for every card.
pub fn tags_named(ids: &[i64], tags: &[FilterTagRow]) -> Vec<TagRow> {
    tags.iter()
        .filter(|t| ids.binary_search(&t.tag_id).is_ok())
        .map(|t| TagRow {
            kind: t.kind,
            slug: t.slug.clone(),
            name: t.name.clone(),
        })
        .collect()
}

/// Everything the homepage shows, in one statement; `tags` names the cards' tags.
pub async fn home_page(pool: &PgPool, tags: &[FilterTagRow]) -> sqlx::Result<HomePage> {
    let row = sqlx::query!(
        r#"
        select
            (select coalesce(json_agg(c), '[]')
             from (select slug, name, headline, photo_url, rate_minor, currency, tag_ids, recent_roles,
                          review_count, review_sum
                   from interviewer_card
                   where is_active and is_featured
                   order by display_order, name
                   limit 6) c
            ) as "featured!: Json<Vec<FeaturedRow>>",
            (select coalesce(json_agg(t), '[]')
             from (select t.quote, t.author, t.context,
                          i.name as interviewer_name, i.slug as interviewer_slug
                   from testimonial t
                   left join interviewer i on i.interviewer_id = t.interviewer_id and i.is_active
                   where t.is_published
                   order by t.display_order, t.testimonial_id
                   limit 6) t
            ) as "testimonials!: Json<Vec<TestimonialRow>>",
            (select coalesce(json_agg(c), '[]')
             from (select name, logo_url from company order by display_order, name limit 24) c
            ) as "companies!: Json<Vec<CompanyRow>>",
            (select json_build_object('rate_minor', rate_minor, 'currency', currency)
             from interviewer
             where is_active
             order by currency = 'USD' desc, rate_minor
             limit 1
            ) as "price_from: Json<PriceRow>",
            (select listed_count from catalogue_version) as "interviewer_count!"
        "#
    )
    .fetch_one(pool)
    .await?;
    Ok(HomePage {
        featured: row
            .featured
            .0
            .into_iter()
            .map(|c| CardRow {
                tags: tags_named(&c.tag_ids, tags),
                slug: c.slug,
                name: c.name,
                headline: c.headline,
                photo_url: c.photo_url,
                rate_minor: c.rate_minor,
                currency: c.currency,
                recent_roles: c.recent_roles,
                review_count: c.review_count,
                review_sum: c.review_sum,
            })
            .collect(),
        testimonials: row.testimonials.0,
        companies: row.companies.0,
        price_from: row.price_from.map(|p| p.0),
        interviewer_count: row.interviewer_count,
    })
}

/// The catalogue's version: raised by every write to the tables these pages read (see the
/// migration `catalogue_version`).
pub async fn current_version(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar!("select version from catalogue_version")
        .fetch_one(pool)
        .await
}

#[derive(Debug, Clone, Deserialize)]
pub struct FilterTagRow {
    pub tag_id: i64,
    pub kind: TagKind,
    pub slug: String,
    pub name: String,
    /// Listed interviewers carrying this tag.
    pub active_count: i64,
}

pub struct FilterOptions {
    pub tags: Vec<FilterTagRow>,
    pub total_active: i64,
}

/// Every tag with how many listed interviewers carry it, and the number of listed
/// interviewers, as the catalogue trigger last counted them: the listing's first statement
/// (read once per catalogue version, `web::page_cache`).
pub async fn filter_options(pool: &PgPool) -> sqlx::Result<FilterOptions> {
    let row = sqlx::query!(
        r#"
        select
            (select coalesce(json_agg(t), '[]')
             from (select t.tag_id, t.kind, t.slug, t.name, coalesce(c.listed, 0) as "active_count"
                   from tag t
                   -- Counted at each catalogue change (migration catalogue_summary).
                   left join tag_listed_count c using (tag_id)
                   order by t.kind, lower(t.name)) t
            ) as "tags!: Json<Vec<FilterTagRow>>",
            (select listed_count from catalogue_version) as "total_active!"
        "#
    )
    .fetch_one(pool)
    .await?;
    Ok(FilterOptions {
        tags: row.tags.0,
        total_active: row.total_active,
    })
}

/// One page of the listing and the number of matches on all pages.
pub struct CardPage {
    pub cards: Vec<CardRow>,
    /// Matches on all pages; `None` when the page is past the end (no row to carry it).
    pub total: Option<i64>,
}

/// Listed interviewers carrying every tag in `tag_ids` (all of them when it is empty), one
/// page of `limit` from `offset`: the listing's second statement. Roles are folded in only
/// for the rows of the page, and `tags` names their tags. `tag_ids` must not repeat an id.
pub async fn cards_with_all_tags(
    pool: &PgPool,
    tags: &[FilterTagRow],
    tag_ids: &[i64],
    limit: i64,
    offset: i64,
) -> sqlx::Result<CardPage> {
    let rows = sqlx::query!(
        r#"
        with matching as (
            select i.interviewer_id, i.display_order, i.name
            from interviewer i
            where i.is_active
              -- Everyone with all the tags: one pass over the (tag_id, interviewer_id) index
              -- for the chosen tags, rather than a count per interviewer.
              and (cardinality($1::bigint[]) = 0
                   or i.interviewer_id in (select it.interviewer_id from interviewer_tag it
                                           where it.tag_id = any($1)
                                           group by it.interviewer_id
                                           having count(*) = cardinality($1::bigint[])))
        ), page as (
            select interviewer_id from matching order by display_order, name limit $2 offset $3
        )
        select c.slug as "slug!", c.name as "name!", c.headline as "headline!", c.photo_url,
               c.rate_minor as "rate_minor!", c.currency as "currency!: Currency",
               c.tag_ids as "tag_ids!", c.recent_roles as "recent_roles!: Json<Vec<RoleRow>>",
               c.review_count as "review_count!", c.review_sum as "review_sum!",
               (select count(*) from matching) as "total!"
        from page join interviewer_card c using (interviewer_id)
        order by c.display_order, c.name
        "#,
        tag_ids,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = rows.first().map(|r| r.total);
    let cards = rows
        .into_iter()
        .map(|r| CardRow {
            slug: r.slug,
            name: r.name,
            headline: r.headline,
            photo_url: r.photo_url,
            rate_minor: r.rate_minor,
            currency: r.currency,
            tags: tags_named(&r.tag_ids, tags),
            recent_roles: r.recent_roles.0,
            review_count: r.review_count,
            review_sum: r.review_sum,
        })
        .collect();
    Ok(CardPage { cards, total })
}

#[derive(Debug, Clone, Deserialize)]
pub struct HistoryRow {
    pub company: String,
    pub role: String,
    pub period: String,
    pub summary: String,
}

pub struct ProfileRow {
    pub slug: String,
    pub name: String,
    pub headline: String,
    pub bio: String,
    pub bio_is_markdown: bool,
    pub photo_url: Option<String>,
    pub rate_minor: i32,
    pub currency: Currency,
    pub cal_link: Option<String>,
    pub tags: Vec<TagRow>,
    pub history: Vec<HistoryRow>,
    pub review_count: i32,
    pub review_sum: i32,
    /// The newest published reviews, newest first.
    pub reviews: Vec<PublicReviewRow>,
}

/// A published review as profiles show it.
#[derive(Debug, Clone, Deserialize)]
pub struct PublicReviewRow {
    pub rating: i16,
    pub body: String,
    pub display_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub reply: Option<String>,
}

/// How many reviews a profile lists.
pub const PROFILE_REVIEWS: i64 = 20;

/// A listed interviewer's full profile, or `None` for unknown and hidden slugs alike.
pub async fn profile(pool: &PgPool, slug: &str) -> sqlx::Result<Option<ProfileRow>> {
    let row = sqlx::query!(
        r#"
        select i.slug, i.name, i.headline, i.bio, i.bio_is_markdown, i.photo_url, i.rate_minor, i.currency as "currency: Currency", i.cal_link,
               c.tags as "tags!: Json<Vec<TagRow>>",
               coalesce((select json_agg(json_build_object('company', w.company, 'role', w.role,
                                                           'period', w.period, 'summary', w.summary)
                                         order by w.position)
                         from work_history_entry w where w.interviewer_id = i.interviewer_id), '[]')
                   as "history!: Json<Vec<HistoryRow>>",
               i.review_count, i.review_sum,
               coalesce((select json_agg(json_build_object('rating', r.rating, 'body', r.body,
                                                           'display_name', r.display_name,
                                                           'created_at', r.created_at, 'reply', r.reply)
                                         order by r.created_at desc)
                         from (select * from review
                               where interviewer_id = i.interviewer_id and hidden_reason is null
                               order by created_at desc limit $2) r), '[]')
                   as "reviews!: Json<Vec<PublicReviewRow>>"
        from interviewer i
        join interviewer_card c using (interviewer_id)
        where i.slug = $1 and i.is_active
        "#,
        slug,
        PROFILE_REVIEWS
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| ProfileRow {
        slug: r.slug,
        name: r.name,
        headline: r.headline,
        bio: r.bio,
        bio_is_markdown: r.bio_is_markdown,
        photo_url: r.photo_url,
        rate_minor: r.rate_minor,
        currency: r.currency,
        cal_link: r.cal_link,
        tags: r.tags.0,
        history: r.history.0,
        review_count: r.review_count,
        review_sum: r.review_sum,
        reviews: r.reviews.0,
    }))
}

pub struct SitemapEntry {
    pub slug: String,
    pub updated_at: OffsetDateTime,
}

pub async fn sitemap_entries(pool: &PgPool) -> sqlx::Result<Vec<SitemapEntry>> {
    sqlx::query_as!(
        SitemapEntry,
        "select slug, updated_at from interviewer where is_active order by display_order, name"
    )
    .fetch_all(pool)
    .await
}
