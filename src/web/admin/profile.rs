//! Editing an interviewer's public profile: the interviewer's own (`/admin/profile`) or, for
//! staff, anyone's (`/admin/interviewers/{id}/profile`). Also the photo upload and the public
//! route that serves photos.

use axum::{
    Form,
    extract::{Multipart, Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    AdminPage,
    session::{Admin, Staff},
};
use crate::{
    auth::{secrets::SecretBox, tokens},
    config::Secret,
    db::profiles::{self, EditableProfile},
    domain::{
        TagKind,
        booking_details::FieldErrors,
        profile::{self, CURRENCIES, HistoryInput, ProfileInput},
    },
    error::AppError,
    integrations::CallError,
    web::AppState,
};

/// The key that encrypts interviewers' cal.com API keys (derived from SECRET_KEY).
fn cal_key_box(state: &AppState) -> SecretBox {
    crate::auth::secrets::cal_api_keys(state.config.secret_key.expose())
}

/// Which profile this admin edits at this URL: their own, or (staff) the one in the path.
fn own_profile(admin: &Admin) -> Result<i64, AppError> {
    admin.0.interviewer_id.ok_or(AppError::NotFound)
}

#[derive(Serialize)]
struct TagChoice {
    id: i64,
    name: String,
    checked: bool,
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
    errors: FieldErrors,
    saved: bool,
    staff_view: bool,
}

fn input_from(profile: &EditableProfile) -> ProfileInput {
    let decimals = crate::domain::Currency::parse(&profile.currency).map_or(2, |c| c.decimals());
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
        currency: profile.currency.clone(),
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
    profile: &EditableProfile,
    values: ProfileInput,
    errors: FieldErrors,
    saved: bool,
    staff_view: bool,
) -> Result<Response, AppError> {
    let tags = profiles::all_tags(&state.pool).await?;
    let choice = |kind: TagKind| {
        tags.iter()
            .filter(|t| profiles::kind_of(t) == Some(kind))
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
    let base = if staff_view {
        format!("/admin/interviewers/{}", profile.interviewer_id)
    } else {
        "/admin/profile".to_owned()
    };
    let content = ProfileContent {
        interviewer_id: profile.interviewer_id,
        slug: profile.slug.clone(),
        public_url: format!("/interviewers/{}", profile.slug),
        action: if staff_view {
            format!("{base}/profile")
        } else {
            base.clone()
        },
        photo_action: format!("{base}/photo"),
        photo_url: profile.photo_url.clone(),
        technologies: choice(TagKind::Technology),
        subjects: choice(TagKind::Subject),
        currencies: CURRENCIES,
        history_rows,
        cal_link: profile.cal_link.clone(),
        cal_api_key_hint: profile.cal_api_key_hint.clone(),
        values,
        errors,
        saved,
        staff_view,
    };
    let status = if content.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if staff_view {
        format!("Profile of {}", profile.name)
    } else {
        "Your profile".to_owned()
    };
    let page = AdminPage::new(state, &content.action.clone(), &title, content)
        .user(admin)
        .section(if staff_view {
            "interviewers"
        } else {
            "profile"
        });
    Ok((status, state.render("admin/profile.html", None, &page)?).into_response())
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn load(state: &AppState, interviewer_id: i64) -> Result<EditableProfile, AppError> {
    profiles::editable_profile(&state.pool, interviewer_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show_own_profile(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let Ok(id) = own_profile(&admin) else {
        // Staff without a profile of their own manage everyone's instead.
        return if admin.is_staff() {
            Ok(Redirect::to("/admin/interviewers").into_response())
        } else {
            Err(AppError::NotFound)
        };
    };
    let profile = load(&state, id).await?;
    let values = input_from(&profile);
    render(
        &state,
        &admin,
        &profile,
        values,
        FieldErrors::new(),
        q.saved.is_some(),
        false,
    )
    .await
}

pub async fn show_profile_for_staff(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let profile = load(&state, id).await?;
    let values = input_from(&profile);
    render(
        &state,
        &admin,
        &profile,
        values,
        FieldErrors::new(),
        q.saved.is_some(),
        true,
    )
    .await
}

/// Reads the posted form. Work-history rows come as repeated fields in page order, each with
/// a position number the interviewer can change to reorder them.
fn parse_form(pairs: Vec<(String, String)>) -> ProfileInput {
    let mut input = ProfileInput::default();
    let mut rows: Vec<(f64, HistoryInput)> = Vec::new();
    let (mut companies, mut roles, mut periods, mut summaries, mut positions) =
        (vec![], vec![], vec![], vec![], vec![]);
    for (key, value) in pairs {
        match key.as_str() {
            "name" => input.name = value,
            "headline" => input.headline = value,
            "bio" => input.bio = value,
            "bio_is_markdown" => input.bio_is_markdown = true,
            "rate" => input.rate = value,
            "currency" => input.currency = value,
            "time_zone" => input.time_zone = value,
            "is_active" => input.is_active = true,
            "cal_event_type_id" => input.cal_event_type_id = value,
            "cal_api_key" => input.cal_api_key = value,
            "remove_cal_api_key" => input.remove_cal_api_key = true,
            "tag" => {
                if let Ok(id) = value.parse::<i64>()
                    && !input.tag_ids.contains(&id)
                {
                    input.tag_ids.push(id);
                }
            }
            "new_technologies" => input.new_technologies = value,
            "new_subjects" => input.new_subjects = value,
            "history_company" => companies.push(value),
            "history_role" => roles.push(value),
            "history_period" => periods.push(value),
            "history_summary" => summaries.push(value),
            "history_position" => positions.push(value),
            _ => {}
        }
    }
    for i in 0..companies.len().min(40) {
        let get = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
        let position = positions
            .get(i)
            .and_then(|p| p.trim().parse::<f64>().ok())
            .unwrap_or(i as f64 + 1.0);
        rows.push((
            position,
            HistoryInput {
                company: get(&companies),
                role: get(&roles),
                period: get(&periods),
                summary: get(&summaries),
            },
        ));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    input.history = rows.into_iter().map(|(_, row)| row).collect();
    input
}

async fn save(
    state: &AppState,
    admin: &Admin,
    interviewer_id: i64,
    pairs: Vec<(String, String)>,
    staff_view: bool,
) -> Result<Response, AppError> {
    let profile = load(state, interviewer_id).await?;
    let input = parse_form(pairs);
    let update = match profile::validate(&input) {
        Ok(update) => update,
        Err(errors) => {
            return render(state, admin, &profile, input, errors, false, staff_view).await;
        }
    };
    let mut errors = FieldErrors::new();
    // Only tags that exist may be ticked.
    let known = profiles::all_tags(&state.pool).await?;
    let mut tag_ids: Vec<i64> = update
        .tag_ids
        .iter()
        .copied()
        .filter(|id| known.iter().any(|t| t.tag_id == *id))
        .collect();

    // The cal.com key this profile will use: a new one typed now, the stored one, or the site's.
    let key_box = cal_key_box(state);
    let new_key = input.cal_api_key.trim();
    let key: Option<Secret> = if !new_key.is_empty() {
        Some(Secret::new(new_key))
    } else if !input.remove_cal_api_key
        && let Some(sealed) = &profile.cal_api_key_encrypted
    {
        key_box.open(sealed).map(Secret::new)
    } else {
        state.config.calcom.api_key.clone()
    };
    // Ask cal.com only when the calendar settings change, so editing a bio never depends on
    // cal.com being reachable.
    let calendar_unchanged = update.cal_event_type_id == profile.cal_event_type_id
        && new_key.is_empty()
        && !input.remove_cal_api_key
        && profile.cal_link.is_some();
    let cal_link = match update.cal_event_type_id {
        None => None,
        Some(_) if calendar_unchanged => profile.cal_link.clone(),
        Some(id) => match check_event_type(state, id, key.as_ref()).await {
            Ok(link) => Some(link),
            Err(message) => {
                errors.insert("cal_event_type_id", message);
                None
            }
        },
    };
    if !errors.is_empty() {
        return render(state, admin, &profile, input, errors, false, staff_view).await;
    }

    let mut tx = state.pool.begin().await?;
    for tag in &update.new_tags {
        match profiles::find_or_create_tag(&mut tx, tag).await? {
            Ok(id) => {
                if !tag_ids.contains(&id) {
                    tag_ids.push(id);
                }
            }
            Err(existing_kind) => {
                let field = if tag.kind == TagKind::Technology {
                    "new_technologies"
                } else {
                    "new_subjects"
                };
                errors.insert(
                    field,
                    format!(
                        "\"{}\" already exists as a {existing_kind} tag; tick it there instead.",
                        tag.name
                    ),
                );
            }
        }
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return render(state, admin, &profile, input, errors, false, staff_view).await;
    }
    profiles::save_profile(
        &mut tx,
        interviewer_id,
        &update,
        &tag_ids,
        cal_link.as_deref(),
    )
    .await?;
    if !new_key.is_empty() {
        let hint: String = new_key
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        profiles::set_cal_api_key(
            &mut tx,
            interviewer_id,
            Some(&key_box.seal(new_key)),
            Some(&hint),
        )
        .await?;
    } else if input.remove_cal_api_key {
        profiles::set_cal_api_key(&mut tx, interviewer_id, None, None).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&saved_url(interviewer_id, staff_view)).into_response())
}

/// Where a successful save returns to: the same profile form, saying it was saved.
fn saved_url(interviewer_id: i64, staff_view: bool) -> String {
    if staff_view {
        format!("/admin/interviewers/{interviewer_id}/profile?saved=1")
    } else {
        "/admin/profile?saved=1".to_owned()
    }
}

/// Looks the event type up in cal.com and checks it holds slots while unpaid. Returns the
/// `cal_link`, or what the interviewer must change, in words.
async fn check_event_type(
    state: &AppState,
    id: i64,
    key: Option<&Secret>,
) -> Result<String, String> {
    let Some(key) = key else {
        return Err("To check the event type we need a cal.com API key: add yours below (Settings > Developer > API keys in cal.com).".to_owned());
    };
    match state.calcom.get_event_type(id, key).await {
        Ok(Some(info)) if !info.requires_confirmation || !info.blocks_slot_while_pending => Err(
            "In cal.com, open this event type, go to Advanced, turn on \"Requires confirmation\" and, under it, \"Block the slot while the booking waits for confirmation\". Then save here again. Without both, a slot could be taken by someone else while your customer pays.".to_owned(),
        ),
        Ok(Some(info)) => match info.username {
            Some(user) => Ok(format!("{user}/{}", info.slug)),
            None => Err("cal.com did not say who owns this event type; use a personal event type, not a team one.".to_owned()),
        },
        Ok(None) => Err(format!("cal.com shows no event type {id} to this API key. Check the number, and that the key belongs to the event type's owner.")),
        Err(CallError::Rejected { status: 401, .. }) => Err("cal.com refused the API key. Check it, or paste a new one below.".to_owned()),
        Err(err) => {
            tracing::warn!(error = %err, "cal.com event type lookup failed");
            Err("We could not reach cal.com to check the event type. Nothing was saved; please try again in a moment.".to_owned())
        }
    }
}

pub async fn update_own_profile(
    State(state): State<AppState>,
    admin: Admin,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = own_profile(&admin)?;
    save(&state, &admin, id, pairs, false).await
}

pub async fn update_profile_for_staff(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    save(&state, &admin, id, pairs, true).await
}

/// Largest photo upload; photos are resized down anyway.
pub const PHOTO_BODY_LIMIT: usize = 8 * 1024 * 1024;
/// Square side of the stored photo: twice the largest size the site shows (112 px).
const PHOTO_SIDE: u32 = 320;

async fn upload_photo(
    state: &AppState,
    admin: &Admin,
    interviewer_id: i64,
    mut multipart: Multipart,
    staff_view: bool,
) -> Result<Response, AppError> {
    let profile = load(state, interviewer_id).await?;
    let mut bytes = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("photo") {
            match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => bytes.clear(),
            }
        }
    }
    let processed = tokio::task::spawn_blocking(move || process_photo(&bytes))
        .await
        .map_err(|e| AppError::Unexpected(e.into()))?;
    let jpeg = match processed {
        Ok(jpeg) => jpeg,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.insert("photo", message);
            let values = input_from(&profile);
            return render(state, admin, &profile, values, errors, false, staff_view).await;
        }
    };
    let key = format!("photos/{}-{}.jpg", profile.slug, &tokens::new_token()[..12]);
    state.storage.put(&key, jpeg).await?;
    profiles::set_photo(&state.pool, interviewer_id, &format!("/media/{key}")).await?;
    Ok(Redirect::to(&saved_url(interviewer_id, staff_view)).into_response())
}

/// Checks the upload is a JPEG, PNG or WebP by its content, then crops it to a centred
/// square and re-encodes it as a JPEG (which also drops any metadata, location included).
pub fn process_photo(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use image::{ImageFormat, ImageReader, imageops::FilterType};
    if bytes.is_empty() {
        return Err("Choose a photo to upload.".to_owned());
    }
    let format = image::guess_format(bytes)
        .map_err(|_| "This file is not an image. Upload a JPEG, PNG or WebP photo.".to_owned())?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err("Upload a JPEG, PNG or WebP photo.".to_owned());
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(8000);
    limits.max_image_height = Some(8000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| {
        "We could not read this image. Try exporting it again as JPEG or PNG.".to_owned()
    })?;
    if image.width() < 96 || image.height() < 96 {
        return Err("This photo is too small; use one at least 96 pixels on each side.".to_owned());
    }
    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    let resized = square
        .resize_exact(PHOTO_SIDE, PHOTO_SIDE, FilterType::Lanczos3)
        .to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&resized)
        .map_err(|_| "We could not process this image.".to_owned())?;
    Ok(out)
}

pub async fn upload_own_photo(
    State(state): State<AppState>,
    admin: Admin,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let id = own_profile(&admin)?;
    upload_photo(&state, &admin, id, multipart, false).await
}

pub async fn upload_photo_for_staff(
    State(state): State<AppState>,
    Staff(admin): Staff,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    upload_photo(&state, &admin, id, multipart, true).await
}

/// `GET /media/photos/{name}`: interviewer photos, public and immutable (each upload gets a
/// new random name). Nothing outside `photos/` is reachable here.
pub async fn serve_photo(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let valid = name.len() <= 140
        && name.ends_with(".jpg")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.contains("..");
    if !valid {
        return Err(AppError::NotFound);
    }
    let key = format!("photos/{name}");
    if !state.storage.exists(&key).await? {
        return Err(AppError::NotFound);
    }
    let bytes = state.storage.get(&key).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(format: image::ImageFormat, w: u32, h: u32) -> Vec<u8> {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            w,
            h,
            image::Rgb([200, 100, 50]),
        ));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn photos_are_checked_by_content_and_cropped_square() {
        let jpeg = process_photo(&encoded(image::ImageFormat::Png, 400, 300)).unwrap();
        let decoded = image::load_from_memory(&jpeg).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (PHOTO_SIDE, PHOTO_SIDE)
        );
        assert!(process_photo(&encoded(image::ImageFormat::Jpeg, 200, 200)).is_ok());
        assert!(
            process_photo(b"%PDF-1.4 not an image")
                .unwrap_err()
                .contains("not an image")
        );
        assert!(
            process_photo(&encoded(image::ImageFormat::Png, 50, 50))
                .unwrap_err()
                .contains("too small")
        );
        assert!(process_photo(&[]).is_err());
    }
}
