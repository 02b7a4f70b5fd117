//! `GET /interviewers` (listing with tag filters) and `GET /interviewers/{slug}` (profile).
//!
//! Both answer HTMX requests with a fragment (the results block, or the modal body) and
//! everything else with the full page, so every view also works without JavaScript.

use axum::{
    extract::{RawQuery, State},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::json;

use super::cards::{CardView, TagView, price, split_tags};
use crate::{
    db::catalogue::{self, FilterTagRow},
    domain::{
        Money, Slug, TagFilter, TagKind, avatar,
        reviews::{Rating, rating},
    },
    paths,
    web::{
        AppState,
        error::AppError,
        page::{Htmx, Page, PageMeta, PathId, vary_on_htmx},
    },
};

const LISTING_PATH: &str = paths::INTERVIEWERS;
/// Cards per listing page: enough to compare, few enough to render fast with hundreds listed.
pub const PAGE_SIZE: i64 = 24;
/// Far past any real listing; larger page numbers are treated as malformed.
const MAX_PAGE: i64 = 10_000;

/// The `page` query parameter: 1 when absent or malformed.
fn requested_page(query: &str) -> i64 {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == "page")
        .filter_map(|(_, v)| v.trim().parse::<i64>().ok())
        .find(|p| (1..=MAX_PAGE).contains(p))
        .unwrap_or(1)
}

#[derive(Serialize)]
struct Pagination {
    page: i64,
    page_count: i64,
    /// 1-based positions of the first and last card shown.
    from: i64,
    to: i64,
    prev_url: Option<String>,
    next_url: Option<String>,
    /// The page number is beyond the last page.
    past_end: bool,
    first_url: String,
}

#[derive(Serialize)]
struct FilterOption {
    slug: String,
    name: String,
    selected: bool,
}

#[derive(Serialize)]
struct Filters {
    technologies: Vec<FilterOption>,
    subjects: Vec<FilterOption>,
}

#[derive(Serialize)]
struct SelectedTag {
    kind: &'static str,
    slug: String,
    name: String,
    /// The listing with every other selected tag but this one.
    remove_url: String,
}

#[derive(Serialize)]
struct ListingContent {
    filters: Filters,
    selected: Vec<SelectedTag>,
    results: Vec<CardView>,
    /// Matches on all pages.
    result_count: i64,
    pagination: Pagination,
    total_count: i64,
    ignored_count: usize,
    clear_url: &'static str,
}

fn listing_url(query: &str) -> String {
    if query.is_empty() {
        LISTING_PATH.to_owned()
    } else {
        format!("{LISTING_PATH}?{query}")
    }
}

pub async fn list_interviewers(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let query = query.unwrap_or_default();
    let requested = TagFilter::from_query(&query);
    let options = state.page_cache.filter_options(&state.pool).await?;
    // Resolve the requested slugs against the real tags; unknown ones are ignored and counted.
    let selected_rows: Vec<&FilterTagRow> = options
        .tags
        .iter()
        .filter(|t| requested.contains(t.kind, &t.slug))
        .collect();
    let requested_count = requested.technologies.len() + requested.subjects.len();
    let tag_ids: Vec<i64> = selected_rows.iter().map(|t| t.tag_id).collect();
    let page_number = requested_page(&query);
    let card_page = catalogue::cards_with_all_tags(
        &state.pool,
        &options.tags,
        &tag_ids,
        PAGE_SIZE,
        (page_number - 1) * PAGE_SIZE,
    )
    .await?;
    let results: Vec<CardView> = card_page.cards.into_iter().map(CardView::from).collect();

    let canonical_query =
        TagFilter::query_string(selected_rows.iter().map(|t| (t.kind, t.slug.as_str())));
    let result_count = card_page.total.unwrap_or(0);
    let pagination = pagination(&canonical_query, page_number, result_count, results.len());
    let (title, description) = listing_text(&selected_rows);
    let mut meta = PageMeta::new(
        &state,
        &page_url(&canonical_query, page_number),
        title,
        description,
    );
    if pagination.past_end {
        meta.robots = Some("noindex");
    }
    let content = ListingContent {
        filters: filter_choices(&options.tags, &tag_ids),
        selected: selected_chips(&selected_rows),
        result_count,
        pagination,
        results,
        total_count: options.total_active,
        ignored_count: requested.malformed + requested_count - selected_rows.len(),
        clear_url: LISTING_PATH,
    };
    let page = Page::new(meta, content).nav("interviewers");
    let block = htmx.0.then_some("results");
    Ok(vary_on_htmx(
        state
            .render("public/interviewers/list.html", block, &page)?
            .into_response(),
    ))
}

/// The chips of the selected tags, each with the URL that removes it.
fn selected_chips(selected: &[&FilterTagRow]) -> Vec<SelectedTag> {
    selected
        .iter()
        .map(|tag| {
            let others = selected
                .iter()
                .filter(|t| t.tag_id != tag.tag_id)
                .map(|t| (t.kind, t.slug.as_str()));
            SelectedTag {
                kind: tag.kind.as_db(),
                slug: tag.slug.clone(),
                name: tag.name.clone(),
                remove_url: listing_url(&TagFilter::query_string(others)),
            }
        })
        .collect()
}

/// The filter's choices: tags someone listed carries, plus any selected one (so it can be
/// unticked).
fn filter_choices(tags: &[FilterTagRow], selected_ids: &[i64]) -> Filters {
    let option = |kind: TagKind| -> Vec<FilterOption> {
        tags.iter()
            .filter(|t| t.kind == kind)
            .filter(|t| t.active_count > 0 || selected_ids.contains(&t.tag_id))
            .map(|t| FilterOption {
                slug: t.slug.clone(),
                name: t.name.clone(),
                selected: selected_ids.contains(&t.tag_id),
            })
            .collect()
    };
    Filters {
        technologies: option(TagKind::Technology),
        subjects: option(TagKind::Subject),
    }
}

/// The page's title and description, naming the selected tags.
fn listing_text(selected: &[&FilterTagRow]) -> (String, String) {
    let names: Vec<&str> = selected.iter().map(|t| t.name.as_str()).collect();
    if names.is_empty() {
        (
            "Interviewers · 508.dev Interviews".to_owned(),
            "Every 508.dev engineer who gives practice interviews, with their stack, the subjects they interview on and their price. Filter by technology and subject.".to_owned(),
        )
    } else {
        (
            format!("{} interviewers · 508.dev Interviews", names.join(", ")),
            format!(
                "508.dev engineers who give practice interviews in {}, with their price per 1-hour interview and 30-minute feedback session.",
                names.join(", ")
            ),
        )
    }
}

/// The listing's URL for page `n` of the filter in `canonical_query`.
fn page_url(canonical_query: &str, n: i64) -> String {
    let mut q = canonical_query.to_owned();
    if n > 1 {
        q.push_str(&format!("{}page={n}", if q.is_empty() { "" } else { "&" }));
    }
    listing_url(&q)
}

fn pagination(canonical_query: &str, page: i64, result_count: i64, shown: usize) -> Pagination {
    let page_count = ((result_count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let shown = shown as i64;
    Pagination {
        page,
        page_count,
        from: if shown == 0 {
            0
        } else {
            (page - 1) * PAGE_SIZE + 1
        },
        to: (page - 1) * PAGE_SIZE + shown,
        prev_url: (page > 1 && shown > 0).then(|| page_url(canonical_query, page - 1)),
        next_url: (page < page_count && shown > 0).then(|| page_url(canonical_query, page + 1)),
        past_end: shown == 0 && page > 1,
        first_url: page_url(canonical_query, 1),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_numbers_default_to_one() {
        use super::requested_page;
        assert_eq!(requested_page("tech=go&page=3"), 3);
        for q in [
            "",
            "page=0",
            "page=-2",
            "page=abc",
            "page=99999999999999999999",
            "page=10001",
        ] {
            assert_eq!(requested_page(q), 1, "{q}");
        }
    }
}

#[derive(Serialize)]
struct HistoryView {
    company: String,
    role: String,
    period: String,
    summary: String,
}

#[derive(Serialize)]
struct ProfileView {
    slug: String,
    name: String,
    headline: String,
    url: String,
    book_url: String,
    bookable: bool,
    photo_url: Option<String>,
    initials: String,
    avatar_hue: u16,
    price: String,
    currency: String,
    history_summary: String,
    technologies: Vec<TagView>,
    subjects: Vec<TagView>,
    bio_paragraphs: Vec<String>,
    /// The bio as cleaned HTML when it is written in Markdown.
    bio_html: Option<String>,
    work_history: Vec<HistoryView>,
    rating: Option<Rating>,
    reviews: Vec<ReviewItem>,
}

#[derive(Serialize)]
struct ReviewItem {
    rating: i16,
    body: String,
    display_name: String,
    /// "December 2026": reviews are dated by month.
    month: String,
    reply: Option<String>,
}

#[derive(Serialize)]
struct ProfileContent {
    interviewer: ProfileView,
}

pub async fn show_interviewer(
    State(state): State<AppState>,
    // A malformed slug cannot name anyone: 404 before the database.
    PathId(slug): PathId<Slug>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let row = catalogue::profile(&state.pool, slug.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let rate = Money::new(row.rate_minor.into(), row.currency);
    let tag_names: Vec<&str> = row.tags.iter().map(|t| t.name.as_str()).collect();
    let description = format!(
        "{}: {}. A 1-hour practice interview{} then 30 minutes of feedback, {} per session.",
        row.name,
        row.headline.trim_end_matches('.'),
        if tag_names.is_empty() {
            String::new()
        } else {
            format!(" on {}", tag_names.join(", "))
        },
        rate
    );
    let mut meta = PageMeta::new(
        &state,
        &paths::interviewer(&row.slug),
        format!("{} · Practice interviews · 508.dev", row.name),
        description,
    );
    meta.og_type = "profile";
    let person = person_json_ld(&state.config.public_base_url, &row, rate, &tag_names);
    let interviewer = profile_view(row, rate);
    let page = Page::new(meta, ProfileContent { interviewer })
        .nav("interviewers")
        .json_ld(person);
    let block = htmx.0.then_some("modal_body");
    Ok(vary_on_htmx(
        state
            .render("public/interviewers/detail.html", block, &page)?
            .into_response(),
    ))
}

/// schema.org's Person with the Offer of a practice interview, for search engines.
fn person_json_ld(
    base_url: &str,
    row: &catalogue::ProfileRow,
    rate: Money,
    tag_names: &[&str],
) -> serde_json::Value {
    let absolute = |path: String| paths::absolute(base_url, &path);
    let mut person = json!({
        "@context": "https://schema.org",
        "@type": "Person",
        "name": row.name,
        "description": row.headline,
        "url": absolute(paths::interviewer(&row.slug)),
        "knowsAbout": tag_names,
        "memberOf": { "@type": "Organization", "name": "508.dev", "url": base_url },
        "makesOffer": {
            "@type": "Offer",
            "url": absolute(paths::book(&row.slug)),
            "price": rate.decimal_amount(),
            "priceCurrency": rate.currency.code(),
            "itemOffered": {
                "@type": "Service",
                "name": format!("Practice interview with {}", row.name),
                "description": "A 1-hour technical practice interview followed by a 30-minute feedback session.",
            },
        },
    });
    // Verified reviews only (testimonials are not reviews): the published ones.
    if let Some(r) = rating(row.review_count, row.review_sum) {
        person["aggregateRating"] = json!({
            "@type": "AggregateRating",
            "ratingValue": r.average,
            "reviewCount": r.count,
            "bestRating": 5,
            "worstRating": 1,
        });
        person["review"] = row
            .reviews
            .iter()
            .map(|r| {
                json!({
                    "@type": "Review",
                    "author": { "@type": "Person", "name": r.display_name },
                    "datePublished": crate::domain::when::rfc3339(r.created_at),
                    "reviewBody": r.body,
                    "reviewRating": { "@type": "Rating", "ratingValue": r.rating, "bestRating": 5, "worstRating": 1 },
                })
            })
            .collect();
    }
    person
}

fn profile_view(row: catalogue::ProfileRow, rate: Money) -> ProfileView {
    let (price_text, currency) = price(rate);
    let (technologies, subjects) = split_tags(&row.tags);
    let roles: Vec<_> = row
        .history
        .iter()
        .map(|h| catalogue::RoleRow {
            company: h.company.clone(),
            role: h.role.clone(),
        })
        .collect();
    ProfileView {
        url: paths::interviewer(&row.slug),
        book_url: paths::book(&row.slug),
        bookable: row.cal_link.is_some(),
        initials: avatar::initials(&row.name),
        avatar_hue: avatar::hue(&row.name),
        history_summary: super::cards::history_summary(&roles),
        price: price_text,
        currency,
        technologies,
        subjects,
        bio_html: row
            .bio_is_markdown
            .then(|| crate::domain::markdown::to_safe_html(&row.bio)),
        bio_paragraphs: row
            .bio
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        rating: rating(row.review_count, row.review_sum),
        reviews: row
            .reviews
            .iter()
            .map(|r| ReviewItem {
                rating: r.rating,
                body: r.body.clone(),
                display_name: r.display_name.clone(),
                month: month_of(r.created_at),
                reply: r.reply.clone(),
            })
            .collect(),
        work_history: row
            .history
            .into_iter()
            .map(|h| HistoryView {
                company: h.company,
                role: h.role,
                period: h.period,
                summary: h.summary,
            })
            .collect(),
        slug: row.slug,
        name: row.name,
        headline: row.headline,
        photo_url: row.photo_url,
    }
}

/// "December 2026".
fn month_of(at: time::OffsetDateTime) -> String {
    format!("{} {}", at.month(), at.year())
}
