//! Editing an interviewer's public profile: the interviewer's own (`/admin/profile`) or, for
//! staff, anyone's (`/admin/interviewers/{id}/profile`); the photo upload; and the public
//! route that serves photos. The rules are in `crate::app::profiles`.

use axum::{
    extract::{Multipart, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    AdminPage,
    session::{Admin, Staff},
};
use crate::{
    app::profiles::{self as use_case, PhotoOutcome, SaveProfileOutcome},
    db::profiles::{self, EditableProfile},
    domain::{
        TagKind,
        forms::{FieldErrors, Limit},
        profile::{CURRENCIES, HistoryInput, MAX_BIO, MAX_HEADLINE, MAX_NAME, ProfileInput},
    },
    paths,
    web::{
        AppState,
        error::AppError,
        forms::{Form, Query},
        page::PathId,
    },
};

/// Largest photo upload; photos are resized down anyway.
pub const PHOTO_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Whose profile a page edits: the signed-in interviewer's own, or (staff) anyone's.
#[derive(Clone, Copy)]
enum Editing {
    Own(i64),
    ForStaff(i64),
}

impl Editing {
    fn interviewer_id(self) -> i64 {
        match self {
            Editing::Own(id) | Editing::ForStaff(id) => id,
        }
    }

    fn form_url(self) -> String {
        match self {
            Editing::Own(_) => paths::ADMIN_PROFILE.to_owned(),
            Editing::ForStaff(id) => paths::admin_interviewer_profile(id),
        }
    }

    fn photo_url(self) -> String {
        match self {
            Editing::Own(_) => paths::ADMIN_PROFILE_PHOTO.to_owned(),
            Editing::ForStaff(id) => paths::admin_interviewer_photo(id),
        }
    }

    /// Where a successful save returns to: the same form, saying it was saved.
    fn saved_url(self) -> String {
        paths::with_outcome(&self.form_url(), "saved", "1")
    }

    fn is_staff_view(self) -> bool {
        matches!(self, Editing::ForStaff(_))
    }
}

/// The profile of the signed-in interviewer.
fn own_profile(admin: &Admin) -> Result<Editing, AppError> {
    admin
        .0
        .interviewer_id
        .map(Editing::Own)
        .ok_or(AppError::NotFound)
}

#[derive(Serialize)]
struct TagChoice {
    id: i64,
    name: String,
    checked: bool,
}

/// The lengths the form's fields allow (the same numbers the checks use).
#[derive(Serialize)]
struct ProfileLimits {
    name: Limit,
    headline: Limit,
    bio: Limit,
}

#[derive(Serialize)]
struct ProfileContent {
    interviewer_id: i64,
    slug: String,
    public_url: String,
    action: String,
    photo_action: String,
    photo_url: Option<String>,
    values: ProfileInput,
    technologies: Vec<TagChoice>,
    subjects: Vec<TagChoice>,
    currencies: &'static [&'static str],
    history_rows: Vec<HistoryInput>,
    cal_link: Option<String>,
    cal_api_key_hint: Option<String>,
    limits: ProfileLimits,
    errors: FieldErrors,
    saved: bool,
    welcome: bool,
    staff_view: bool,
}

fn input_from(profile: &EditableProfile) -> ProfileInput {
    let decimals = profile.currency.decimals();
    let scale = 10_i64.pow(decimals);
    let minor = i64::from(profile.rate_minor);
    let rate = if minor % scale == 0 {
        (minor / scale).to_string()
    } else {
        format!(
            "{}.{:0width$}",
            minor / scale,
            minor % scale,
            width = decimals as usize
        )
    };
    ProfileInput {
        name: profile.name.clone(),
        headline: profile.headline.clone(),
        bio: profile.bio.clone(),
        bio_is_markdown: profile.bio_is_markdown,
        rate,
        currency: profile.currency.code().to_owned(),
        time_zone: profile.time_zone.clone(),
        is_active: profile.is_active,
        cal_event_type_id: profile
            .cal_event_type_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        cal_api_key: String::new(),
        remove_cal_api_key: false,
        tag_ids: profile.tag_ids.clone(),
        new_technologies: String::new(),
        new_subjects: String::new(),
        history: profile
            .history
            .0
            .iter()
            .map(|h| HistoryInput {
                company: h.company.clone(),
                role: h.role.clone(),
                period: h.period.clone(),
                summary: h.summary.clone(),
            })
            .collect(),
    }
}

async fn render(
    state: &AppState,
    admin: &Admin,
    editing: Editing,
    profile: &EditableProfile,
    values: ProfileInput,
    errors: FieldErrors,
    notice: Notice,
) -> Result<Response, AppError> {
    let tags = profiles::all_tags(&state.pool).await?;
    let choice = |kind: TagKind| {
        tags.iter()
            .filter(|t| t.kind == kind)
            .map(|t| TagChoice {
                id: t.tag_id,
                name: t.name.clone(),
                checked: values.tag_ids.contains(&t.tag_id),
            })
            .collect::<Vec<_>>()
    };
    let mut history_rows = values.history.clone();
    // Two blank rows to add roles without JavaScript.
    history_rows.extend([HistoryInput::default(), HistoryInput::default()]);
    let content = ProfileContent {
        interviewer_id: profile.interviewer_id,
        slug: profile.slug.clone(),
        public_url: paths::interviewer(&profile.slug),
        action: editing.form_url(),
        photo_action: editing.photo_url(),
        photo_url: profile.photo_url.clone(),
        technologies: choice(TagKind::Technology),
        subjects: choice(TagKind::Subject),
        currencies: CURRENCIES,
        history_rows,
        cal_link: profile.cal_link.clone(),
        cal_api_key_hint: profile.cal_api_key_hint.clone(),
        limits: ProfileLimits {
            name: MAX_NAME,
            headline: MAX_HEADLINE,
            bio: MAX_BIO,
        },
        values,
        errors,
        saved: notice == Notice::Saved,
        welcome: notice == Notice::Welcome,
        staff_view: editing.is_staff_view(),
    };
    let status = if content.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if editing.is_staff_view() {
        format!("Profile of {}", profile.name)
    } else {
        "Your profile".to_owned()
    };
    let section = if editing.is_staff_view() {
        "interviewers"
    } else {
        "profile"
    };
    let page = AdminPage::new(state, &editing.form_url(), &title, content)
        .user(admin)
        .section(section);
    Ok((status, state.render("admin/profile.html", None, &page)?).into_response())
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
    /// Just signed in from an invitation (`account::set_password`).
    welcome: Option<String>,
}

/// What the profile page announces above the form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Notice {
    None,
    Saved,
    Welcome,
}

impl SavedQuery {
    fn notice(&self) -> Notice {
        if self.saved.is_some() {
            Notice::Saved
        } else if self.welcome.is_some() {
            Notice::Welcome
        } else {
            Notice::None
        }
    }
}

async fn load(state: &AppState, editing: Editing) -> Result<EditableProfile, AppError> {
    profiles::editable_profile(&state.pool, editing.interviewer_id())
        .await?
        .ok_or(AppError::NotFound)
}

async fn show(
    state: &AppState,
    admin: &Admin,
    editing: Editing,
    notice: Notice,
) -> Result<Response, AppError> {
    let profile = load(state, editing).await?;
    let values = input_from(&profile);
    render(
        state,
        admin,
        editing,
        &profile,
        values,
        FieldErrors::new(),
        notice,
    )
    .await
}

pub async fn show_own_profile(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    match own_profile(&admin) {
        Ok(editing) => show(&state, &admin, editing, q.notice()).await,
        // Staff without a profile of their own manage everyone's instead.
        Err(_) if admin.is_staff() => Ok(Redirect::to(paths::ADMIN_INTERVIEWERS).into_response()),
        Err(err) => Err(err),
    }
}

pub async fn show_profile_for_staff(
    State(state): State<AppState>,
    Staff(admin): Staff,
    PathId(id): PathId<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    show(&state, &admin, Editing::ForStaff(id), q.notice()).await
}

/// The profile form as posted. Work-history rows come as repeated fields in page order, each
/// with a position number the interviewer can change to reorder them; ticked tags as
/// repeated `tag` fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProfileForm {
    name: String,
    headline: String,
    bio: String,
    bio_is_markdown: Option<String>,
    rate: String,
    currency: String,
    time_zone: String,
    is_active: Option<String>,
    cal_event_type_id: String,
    cal_api_key: String,
    remove_cal_api_key: Option<String>,
    tag: Vec<String>,
    new_technologies: String,
    new_subjects: String,
    history_company: Vec<String>,
    history_role: Vec<String>,
    history_period: Vec<String>,
    history_summary: Vec<String>,
    history_position: Vec<String>,
}

impl ProfileForm {
    fn into_input(self) -> ProfileInput {
        let mut tag_ids: Vec<i64> = Vec::new();
        for id in self.tag.iter().filter_map(|v| v.parse::<i64>().ok()) {
            if !tag_ids.contains(&id) {
                tag_ids.push(id);
            }
        }
        let mut rows: Vec<(f64, HistoryInput)> = Vec::new();
        for i in 0..self.history_company.len().min(40) {
            let get = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
            let position = self
                .history_position
                .get(i)
                .and_then(|p| p.trim().parse::<f64>().ok())
                .unwrap_or(i as f64 + 1.0);
            rows.push((
                position,
                HistoryInput {
                    company: get(&self.history_company),
                    role: get(&self.history_role),
                    period: get(&self.history_period),
                    summary: get(&self.history_summary),
                },
            ));
        }
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        ProfileInput {
            name: self.name,
            headline: self.headline,
            bio: self.bio,
            bio_is_markdown: self.bio_is_markdown.is_some(),
            rate: self.rate,
            currency: self.currency,
            time_zone: self.time_zone,
            is_active: self.is_active.is_some(),
            cal_event_type_id: self.cal_event_type_id,
            cal_api_key: self.cal_api_key,
            remove_cal_api_key: self.remove_cal_api_key.is_some(),
            tag_ids,
            new_technologies: self.new_technologies,
            new_subjects: self.new_subjects,
            history: rows.into_iter().map(|(_, row)| row).collect(),
        }
    }
}

async fn save(
    state: &AppState,
    admin: &Admin,
    editing: Editing,
    form: ProfileForm,
) -> Result<Response, AppError> {
    let input = form.into_input();
    match use_case::save_profile(&state.services, editing.interviewer_id(), &input).await? {
        SaveProfileOutcome::NotFound => Err(AppError::NotFound),
        SaveProfileOutcome::Saved => Ok(Redirect::to(&editing.saved_url()).into_response()),
        SaveProfileOutcome::Invalid(errors) => {
            let profile = load(state, editing).await?;
            render(state, admin, editing, &profile, input, errors, Notice::None).await
        }
    }
}

pub async fn update_own_profile(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let editing = own_profile(&admin)?;
    save(&state, &admin, editing, form).await
}

pub async fn update_profile_for_staff(
    State(state): State<AppState>,
    Staff(admin): Staff,
    PathId(id): PathId<i64>,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    save(&state, &admin, Editing::ForStaff(id), form).await
}

/// Reads the `photo` part of the upload (empty if it is missing or broke off).
async fn read_photo(mut multipart: Multipart) -> Vec<u8> {
    let mut bytes = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("photo") {
            bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        }
    }
    bytes
}

async fn upload_photo(
    state: &AppState,
    admin: &Admin,
    editing: Editing,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let upload = read_photo(multipart).await;
    match use_case::upload_photo(&state.services, editing.interviewer_id(), upload).await? {
        PhotoOutcome::NotFound => Err(AppError::NotFound),
        PhotoOutcome::Saved => Ok(Redirect::to(&editing.saved_url()).into_response()),
        PhotoOutcome::Invalid(message) => {
            let profile = load(state, editing).await?;
            let mut errors = FieldErrors::new();
            errors.insert("photo", message);
            let values = input_from(&profile);
            render(
                state,
                admin,
                editing,
                &profile,
                values,
                errors,
                Notice::None,
            )
            .await
        }
    }
}

pub async fn upload_own_photo(
    State(state): State<AppState>,
    admin: Admin,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let editing = own_profile(&admin)?;
    upload_photo(&state, &admin, editing, multipart).await
}

pub async fn upload_photo_for_staff(
    State(state): State<AppState>,
    Staff(admin): Staff,
    PathId(id): PathId<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    upload_photo(&state, &admin, Editing::ForStaff(id), multipart).await
}

/// `GET /media/photos/{name}`: interviewer photos, public and immutable (each upload gets a
/// new random name).
pub async fn serve_photo(
    State(state): State<AppState>,
    PathId(name): PathId<String>,
) -> Result<Response, AppError> {
    let bytes = use_case::photo(&state.services, &name)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut response = bytes.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
