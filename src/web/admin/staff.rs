//! Staff pages: interviewers (invite, deactivate, listing), tags (rename, merge),
//! testimonials and companies. Every handler takes a `Staff` extractor: for anyone else
//! these pages do not exist (404).
//!
//! Forms post and redirect back with `?done=` or `?error=` (Post/Redirect/Get), so a reload
//! never repeats an action.

use std::collections::HashMap;

use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{AdminPage, account, session::Staff};
use crate::{
    auth::{password, tokens},
    db::{accounts, profiles, staff},
    domain::{EmailAddress, Slug, booking_details::clean_text},
    error::AppError,
    web::AppState,
};

#[derive(Deserialize, Default)]
pub struct Outcome {
    done: Option<String>,
    error: Option<String>,
}

/// The words for each outcome code a redirect may carry.
fn outcome_text(outcome: &Outcome) -> (Option<&'static str>, Option<&'static str>) {
    let done = match outcome.done.as_deref() {
        Some("invited") => {
            Some("Invitation sent. The new profile stays hidden until you or they make it visible.")
        }
        Some("deactivated") => {
            Some("Deactivated: signed out everywhere, and the profile is hidden.")
        }
        Some("activated") => {
            Some("Account reactivated. The profile stays hidden until it is made visible.")
        }
        Some("saved") => Some("Saved."),
        Some("merged") => Some("Tags merged."),
        Some("deleted") => Some("Deleted."),
        _ => None,
    };
    let error = match outcome.error.as_deref() {
        Some("email") => Some("Please give a valid email address."),
        Some("name") => Some("Please give a name (up to 120 characters)."),
        Some("taken") => {
            Some("That email already has an account, or that name's profile address is taken.")
        }
        Some("merge") => Some("Choose two different tags of the same kind to merge."),
        Some("tag") => Some("A tag name needs 1 to 60 characters."),
        Some("testimonial") => {
            Some("A testimonial needs a quote (up to 1200 characters) and an author (up to 120).")
        }
        Some("company") => {
            Some("A company needs a name (up to 80 characters) that is not already listed.")
        }
        _ => None,
    };
    (done, error)
}

#[derive(Serialize)]
struct InterviewerRowView {
    id: i64,
    name: String,
    slug: String,
    public_url: String,
    edit_url: String,
    visible: bool,
    featured: bool,
    display_order: i32,
    email: Option<String>,
    account_active: bool,
    has_logged_in: bool,
}

#[derive(Serialize)]
struct InterviewersContent {
    interviewers: Vec<InterviewerRowView>,
    done: Option<&'static str>,
    error: Option<&'static str>,
}

pub async fn list_interviewers(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Query(outcome): Query<Outcome>,
) -> Result<Response, AppError> {
    let rows = staff::interviewers_with_accounts(&state.pool).await?;
    let (done, error) = outcome_text(&outcome);
    let content = InterviewersContent {
        interviewers: rows
            .into_iter()
            .map(|r| InterviewerRowView {
                id: r.interviewer_id,
                public_url: format!("/interviewers/{}", r.slug),
                edit_url: format!("/admin/interviewers/{}/profile", r.interviewer_id),
                name: r.name,
                slug: r.slug,
                visible: r.is_active,
                featured: r.is_featured,
                display_order: r.display_order,
                email: r.email,
                account_active: r.user_active.unwrap_or(false),
                has_logged_in: r.has_logged_in,
            })
            .collect(),
        done,
        error,
    };
    let page = AdminPage::new(&state, "/admin/interviewers", "Interviewers", content)
        .user(&admin)
        .section("interviewers");
    Ok(state
        .render("admin/interviewers.html", None, &page)?
        .into_response())
}

#[derive(Deserialize)]
pub struct InviteForm {
    name: String,
    email: String,
    /// An existing profile without an account; empty creates a new, hidden profile.
    interviewer_id: Option<String>,
}

/// Creates an account (and, unless it is for an existing profile, a hidden profile) and
/// emails a link to choose a password.
pub async fn invite_interviewer(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    let name = clean_text(&form.name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let Some(email) = EmailAddress::parse(&form.email) else {
        return Ok(Redirect::to("/admin/interviewers?error=email").into_response());
    };
    let Some(slug) = Slug::from_name(&name).filter(|_| name.chars().count() <= 120) else {
        return Ok(Redirect::to("/admin/interviewers?error=name").into_response());
    };
    // Nobody can sign in with this: the invitation link sets the real password.
    let placeholder = password::hash_password(&tokens::new_token())?;
    let existing = form
        .interviewer_id
        .as_deref()
        .and_then(|id| id.trim().parse::<i64>().ok());
    let mut tx = state.pool.begin().await?;
    let interviewer_id = match existing {
        Some(id) => {
            if !staff::interviewer_without_account(&mut tx, id).await? {
                return Ok(Redirect::to("/admin/interviewers?error=taken").into_response());
            }
            id
        }
        None => match staff::create_interviewer(&mut tx, slug.as_str(), &name).await? {
            Some(id) => id,
            None => return Ok(Redirect::to("/admin/interviewers?error=taken").into_response()),
        },
    };
    let user = accounts::NewUser {
        email: email.as_str(),
        name: &name,
        password_hash: &placeholder,
        is_staff: false,
        interviewer_id: Some(interviewer_id),
    };
    let Some(user_id) = accounts::create_user(&mut tx, &user).await? else {
        return Ok(Redirect::to("/admin/interviewers?error=taken").into_response());
    };
    tx.commit().await?;
    let inviter = if admin.0.name.is_empty() {
        None
    } else {
        Some(admin.0.name.as_str())
    };
    account::send_password_link(&state, user_id, email.as_str(), &name, "invite", inviter).await?;
    Ok(Redirect::to("/admin/interviewers?done=invited").into_response())
}

pub async fn deactivate_interviewer(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.pool.begin().await?;
    if !staff::set_interviewer_active(&mut tx, id, false).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to("/admin/interviewers?done=deactivated").into_response())
}

pub async fn activate_interviewer(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.pool.begin().await?;
    if !staff::set_interviewer_active(&mut tx, id, true).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to("/admin/interviewers?done=activated").into_response())
}

#[derive(Deserialize)]
pub struct ListingForm {
    featured: Option<String>,
    display_order: String,
}

pub async fn update_listing(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
    Form(form): Form<ListingForm>,
) -> Result<Response, AppError> {
    let order = form
        .display_order
        .trim()
        .parse::<i32>()
        .unwrap_or(0)
        .clamp(-10_000, 10_000);
    if !staff::set_listing(&state.pool, id, form.featured.is_some(), order).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/admin/interviewers?done=saved").into_response())
}

#[derive(Serialize)]
struct TagView {
    id: i64,
    kind: String,
    slug: String,
    name: String,
    uses: i64,
}

#[derive(Serialize)]
struct TagsContent {
    tags: Vec<TagView>,
    done: Option<&'static str>,
    error: Option<&'static str>,
}

pub async fn list_tags(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Query(outcome): Query<Outcome>,
) -> Result<Response, AppError> {
    let tags = profiles::all_tags(&state.pool).await?;
    let (done, error) = outcome_text(&outcome);
    let content = TagsContent {
        tags: tags
            .into_iter()
            .map(|t| TagView {
                id: t.tag_id,
                kind: t.kind,
                slug: t.slug,
                name: t.name,
                uses: t.uses,
            })
            .collect(),
        done,
        error,
    };
    let page = AdminPage::new(&state, "/admin/tags", "Tags", content)
        .user(&admin)
        .section("tags");
    Ok(state
        .render("admin/tags.html", None, &page)?
        .into_response())
}

#[derive(Deserialize)]
pub struct RenameForm {
    name: String,
}

pub async fn rename_tag(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
    Form(form): Form<RenameForm>,
) -> Result<Response, AppError> {
    let name = clean_text(&form.name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() || name.chars().count() > 60 {
        return Ok(Redirect::to("/admin/tags?error=tag").into_response());
    }
    if !staff::rename_tag(&state.pool, id, &name).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/admin/tags?done=saved").into_response())
}

#[derive(Deserialize)]
pub struct MergeForm {
    from: i64,
    into: i64,
}

pub async fn merge_tags(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Form(form): Form<MergeForm>,
) -> Result<Response, AppError> {
    let mut tx = state.pool.begin().await?;
    if !staff::merge_tags(&mut tx, form.from, form.into).await? {
        return Ok(Redirect::to("/admin/tags?error=merge").into_response());
    }
    tx.commit().await?;
    Ok(Redirect::to("/admin/tags?done=merged").into_response())
}

#[derive(Serialize)]
struct TestimonialView {
    id: i64,
    quote: String,
    author: String,
    context: String,
    interviewer_id: Option<i64>,
    is_published: bool,
    display_order: i32,
}

#[derive(Serialize)]
struct InterviewerOption {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct ContentContent {
    testimonials: Vec<TestimonialView>,
    companies: Vec<CompanyView>,
    interviewers: Vec<InterviewerOption>,
    done: Option<&'static str>,
    error: Option<&'static str>,
}

#[derive(Serialize)]
struct CompanyView {
    id: i64,
    name: String,
    display_order: i32,
}

/// Testimonials and companies, on one page: both are homepage content.
pub async fn show_content(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Query(outcome): Query<Outcome>,
) -> Result<Response, AppError> {
    let (testimonials, companies, interviewers) = (
        staff::testimonials(&state.pool).await?,
        staff::companies(&state.pool).await?,
        staff::interviewers_with_accounts(&state.pool).await?,
    );
    let (done, error) = outcome_text(&outcome);
    let content = ContentContent {
        testimonials: testimonials
            .into_iter()
            .map(|t| TestimonialView {
                id: t.testimonial_id,
                quote: t.quote,
                author: t.author,
                context: t.context,
                interviewer_id: t.interviewer_id,
                is_published: t.is_published,
                display_order: t.display_order,
            })
            .collect(),
        companies: companies
            .into_iter()
            .map(|c| CompanyView {
                id: c.company_id,
                name: c.name,
                display_order: c.display_order,
            })
            .collect(),
        interviewers: interviewers
            .into_iter()
            .map(|i| InterviewerOption {
                id: i.interviewer_id,
                name: i.name,
            })
            .collect(),
        done,
        error,
    };
    let page = AdminPage::new(
        &state,
        "/admin/content",
        "Testimonials and companies",
        content,
    )
    .user(&admin)
    .section("content");
    Ok(state
        .render("admin/content.html", None, &page)?
        .into_response())
}

fn int_field(fields: &HashMap<String, String>, name: &str) -> i32 {
    fields
        .get(name)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
        .clamp(-10_000, 10_000)
}

async fn save_testimonial(
    state: &AppState,
    id: Option<i64>,
    fields: HashMap<String, String>,
) -> Result<Response, AppError> {
    let get = |k: &str| clean_text(fields.get(k).map(String::as_str).unwrap_or(""));
    let (quote, author, context) = (get("quote"), get("author"), get("context"));
    let ok = !quote.is_empty()
        && quote.chars().count() <= 1200
        && !author.is_empty()
        && author.chars().count() <= 120
        && context.chars().count() <= 200;
    if !ok {
        return Ok(Redirect::to("/admin/content?error=testimonial").into_response());
    }
    let interviewer_id = fields
        .get("interviewer_id")
        .and_then(|v| v.parse::<i64>().ok());
    let input = staff::TestimonialInput {
        quote: &quote,
        author: &author,
        context: &context,
        interviewer_id,
        is_published: fields.contains_key("is_published"),
        display_order: int_field(&fields, "display_order"),
    };
    if !staff::save_testimonial(&state.pool, id, &input).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/admin/content?done=saved").into_response())
}

pub async fn create_testimonial(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save_testimonial(&state, None, fields).await
}

pub async fn update_testimonial(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save_testimonial(&state, Some(id), fields).await
}

pub async fn delete_testimonial(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    if !staff::delete_testimonial(&state.pool, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/admin/content?done=deleted").into_response())
}

async fn save_company(
    state: &AppState,
    id: Option<i64>,
    fields: HashMap<String, String>,
) -> Result<Response, AppError> {
    let name = clean_text(fields.get("name").map(String::as_str).unwrap_or(""))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() || name.chars().count() > 80 {
        return Ok(Redirect::to("/admin/content?error=company").into_response());
    }
    match staff::save_company(&state.pool, id, &name, int_field(&fields, "display_order")).await? {
        Ok(true) => Ok(Redirect::to("/admin/content?done=saved").into_response()),
        Ok(false) => Err(AppError::NotFound),
        Err(()) => Ok(Redirect::to("/admin/content?error=company").into_response()),
    }
}

pub async fn create_company(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save_company(&state, None, fields).await
}

pub async fn update_company(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save_company(&state, Some(id), fields).await
}

pub async fn delete_company(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    if !staff::delete_company(&state.pool, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/admin/content?done=deleted").into_response())
}
