//! Staff pages: interviewers (invite, deactivate, listing), tags (rename, merge),
//! testimonials and companies. Every handler takes a `Staff` extractor: for anyone else
//! these pages do not exist (404).
//!
//! Forms post and redirect back with `?done=` or `?error=` (Post/Redirect/Get), so a reload
//! never repeats an action.

use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{AdminPage, session::Staff};
use crate::{
    app::{
        accounts::{self, InviteOutcome, MAX_ACCOUNT_NAME},
        catalogue::{self, StaffOutcome, TestimonialForm},
    },
    db::{profiles, staff},
    domain::{
        content::{MAX_AUTHOR, MAX_COMPANY_NAME, MAX_CONTEXT, MAX_QUOTE, MAX_TAG_NAME},
        forms::Limit,
    },
    paths,
    web::{
        AppState,
        error::AppError,
        forms::{Form, Query},
        page::PathId,
    },
};

/// Where a staff action returns to, with its outcome in words: `done=<done>`, `error=<invalid>`
/// (codes [`outcome_text`] knows), or the 404 page.
fn back_to(
    page: &str,
    outcome: StaffOutcome,
    done: &str,
    invalid: &str,
) -> Result<Response, AppError> {
    match outcome {
        StaffOutcome::Done => {
            Ok(Redirect::to(&paths::with_outcome(page, "done", done)).into_response())
        }
        StaffOutcome::Invalid => {
            Ok(Redirect::to(&paths::with_outcome(page, "error", invalid)).into_response())
        }
        StaffOutcome::NotFound => Err(AppError::NotFound),
    }
}

#[derive(Deserialize, Default)]
pub struct Outcome {
    done: Option<String>,
    error: Option<String>,
}

/// The lengths staff forms allow, for the templates' `maxlength` (the checks use the same).
#[derive(Serialize)]
struct StaffLimits {
    account_name: Limit,
    tag_name: Limit,
    quote: Limit,
    author: Limit,
    context: Limit,
    company_name: Limit,
}

const LIMITS: StaffLimits = StaffLimits {
    account_name: MAX_ACCOUNT_NAME,
    tag_name: MAX_TAG_NAME,
    quote: MAX_QUOTE,
    author: MAX_AUTHOR,
    context: MAX_CONTEXT,
    company_name: MAX_COMPANY_NAME,
};

/// The words for each outcome code a redirect may carry.
fn outcome_text(outcome: &Outcome) -> (Option<&'static str>, Option<String>) {
    let done = match outcome.done.as_deref() {
        Some("invited") => {
            Some("Invitation sent. The new profile stays hidden until you or they make it visible.")
        }
        Some("invited-existing") => Some(
            "Invitation sent. Once they choose a password they can edit that profile; it stays listed or hidden as it was.",
        ),
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
        Some("email") => Some("Please give a valid email address.".to_owned()),
        Some("name") => Some(format!(
            "Please give a name (up to {} characters).",
            MAX_ACCOUNT_NAME.0
        )),
        Some("taken") => Some(
            "That email already has an account, or that name's profile address is taken."
                .to_owned(),
        ),
        Some("merge") => Some("Choose two different tags of the same kind to merge.".to_owned()),
        Some("tag") => Some(format!(
            "A tag name needs 1 to {} characters.",
            MAX_TAG_NAME.0
        )),
        Some("testimonial") => Some(format!(
            "A testimonial needs a quote (up to {} characters) and an author (up to {}); the context may have up to {}.",
            MAX_QUOTE.0, MAX_AUTHOR.0, MAX_CONTEXT.0
        )),
        Some("company") => Some(format!(
            "A company needs a name (up to {} characters) that is not already listed.",
            MAX_COMPANY_NAME.0
        )),
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
    error: Option<String>,
    limits: StaffLimits,
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
                public_url: paths::interviewer(&r.slug),
                edit_url: paths::admin_interviewer_profile(r.interviewer_id),
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
        limits: LIMITS,
    };
    let page = AdminPage::new(&state, paths::ADMIN_INTERVIEWERS, "Interviewers", content)
        .user(&admin)
        .section("interviewers");
    Ok(state
        .render("admin/interviewers.html", None, &page)?
        .into_response())
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
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
    let existing = form
        .interviewer_id
        .as_deref()
        .and_then(|id| id.trim().parse::<i64>().ok());
    let inviter = Some(admin.0.name.as_str()).filter(|name| !name.is_empty());
    let outcome =
        accounts::invite_interviewer(&state.services, &form.name, &form.email, existing, inviter)
            .await?;
    let (key, code) = match outcome {
        InviteOutcome::Invited => ("done", "invited"),
        InviteOutcome::InvitedToExistingProfile => ("done", "invited-existing"),
        InviteOutcome::InvalidEmail => ("error", "email"),
        InviteOutcome::InvalidName => ("error", "name"),
        InviteOutcome::Taken => ("error", "taken"),
    };
    Ok(Redirect::to(&paths::with_outcome(paths::ADMIN_INTERVIEWERS, key, code)).into_response())
}

pub async fn deactivate_interviewer(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    PathId(id): PathId<i64>,
) -> Result<Response, AppError> {
    let outcome = catalogue::set_interviewer_active(&state.services, id, false).await?;
    back_to(paths::ADMIN_INTERVIEWERS, outcome, "deactivated", "")
}

pub async fn activate_interviewer(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    PathId(id): PathId<i64>,
) -> Result<Response, AppError> {
    let outcome = catalogue::set_interviewer_active(&state.services, id, true).await?;
    back_to(paths::ADMIN_INTERVIEWERS, outcome, "activated", "")
}

#[derive(Deserialize)]
pub struct ListingForm {
    featured: Option<String>,
    #[serde(default)]
    display_order: String,
}

pub async fn update_listing(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    PathId(id): PathId<i64>,
    Form(form): Form<ListingForm>,
) -> Result<Response, AppError> {
    let outcome = catalogue::update_listing(
        &state.services,
        id,
        form.featured.is_some(),
        &form.display_order,
    )
    .await?;
    back_to(paths::ADMIN_INTERVIEWERS, outcome, "saved", "")
}

#[derive(Serialize)]
struct TagView {
    id: i64,
    kind: &'static str,
    slug: String,
    name: String,
    uses: i64,
}

#[derive(Serialize)]
struct TagsContent {
    tags: Vec<TagView>,
    done: Option<&'static str>,
    error: Option<String>,
    limits: StaffLimits,
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
                kind: t.kind.as_db(),
                slug: t.slug,
                name: t.name,
                uses: t.uses,
            })
            .collect(),
        done,
        error,
        limits: LIMITS,
    };
    let page = AdminPage::new(&state, paths::ADMIN_TAGS, "Tags", content)
        .user(&admin)
        .section("tags");
    Ok(state
        .render("admin/tags.html", None, &page)?
        .into_response())
}

#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

pub async fn rename_tag(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    PathId(id): PathId<i64>,
    Form(form): Form<RenameForm>,
) -> Result<Response, AppError> {
    let outcome = catalogue::rename_tag(&state.services, id, &form.name).await?;
    back_to(paths::ADMIN_TAGS, outcome, "saved", "tag")
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
    let outcome = catalogue::merge_tags(&state.services, form.from, form.into).await?;
    back_to(paths::ADMIN_TAGS, outcome, "merged", "merge")
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
struct ContentPage {
    testimonials: Vec<TestimonialView>,
    companies: Vec<CompanyView>,
    interviewers: Vec<InterviewerOption>,
    done: Option<&'static str>,
    error: Option<String>,
    limits: StaffLimits,
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
    let content = ContentPage {
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
        limits: LIMITS,
    };
    let page = AdminPage::new(
        &state,
        paths::ADMIN_CONTENT,
        "Testimonials and companies",
        content,
    )
    .user(&admin)
    .section("content");
    Ok(state
        .render("admin/content.html", None, &page)?
        .into_response())
}

/// A testimonial as the content page posts it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TestimonialFields {
    quote: String,
    author: String,
    context: String,
    interviewer_id: String,
    is_published: Option<String>,
    display_order: String,
}

async fn save_testimonial(
    state: &AppState,
    id: Option<i64>,
    fields: TestimonialFields,
) -> Result<Response, AppError> {
    let form = TestimonialForm {
        quote: &fields.quote,
        author: &fields.author,
        context: &fields.context,
        interviewer_id: fields.interviewer_id.trim().parse::<i64>().ok(),
        is_published: fields.is_published.is_some(),
        display_order: &fields.display_order,
    };
    let outcome = catalogue::save_testimonial(&state.services, id, &form).await?;
    back_to(paths::ADMIN_CONTENT, outcome, "saved", "testimonial")
}

pub async fn create_testimonial(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Form(fields): Form<TestimonialFields>,
) -> Result<Response, AppError> {
    save_testimonial(&state, None, fields).await
}

pub async fn update_testimonial(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    PathId(id): PathId<i64>,
    Form(fields): Form<TestimonialFields>,
) -> Result<Response, AppError> {
    save_testimonial(&state, Some(id), fields).await
}

pub async fn delete_testimonial(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    PathId(id): PathId<i64>,
) -> Result<Response, AppError> {
    let outcome = catalogue::delete_testimonial(&state.services, id).await?;
    back_to(paths::ADMIN_CONTENT, outcome, "deleted", "")
}

/// A company as the content page posts it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompanyFields {
    name: String,
    display_order: String,
}

pub async fn create_company(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    Form(fields): Form<CompanyFields>,
) -> Result<Response, AppError> {
    let outcome =
        catalogue::save_company(&state.services, None, &fields.name, &fields.display_order).await?;
    back_to(paths::ADMIN_CONTENT, outcome, "saved", "company")
}

pub async fn update_company(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    PathId(id): PathId<i64>,
    Form(fields): Form<CompanyFields>,
) -> Result<Response, AppError> {
    let outcome = catalogue::save_company(
        &state.services,
        Some(id),
        &fields.name,
        &fields.display_order,
    )
    .await?;
    back_to(paths::ADMIN_CONTENT, outcome, "saved", "company")
}

pub async fn delete_company(
    State(state): State<AppState>,
    Staff(_staff): Staff,
    PathId(id): PathId<i64>,
) -> Result<Response, AppError> {
    let outcome = catalogue::delete_company(&state.services, id).await?;
    back_to(paths::ADMIN_CONTENT, outcome, "deleted", "")
}
