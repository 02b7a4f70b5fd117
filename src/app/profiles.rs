//! An interviewer's public profile as they (or staff) edit it: the fields, tags and work
//! history, the calendar settings checked with cal.com, and the photo.

use super::Services;
use crate::{
    auth::{secrets, tokens},
    config::Secret,
    db::profiles::{self, EditableProfile, TagLookup},
    domain::{
        TagKind,
        forms::FieldErrors,
        profile::{self, ProfileInput},
    },
    integrations::{CallError, calcom::ConfirmationPolicy},
    paths,
};

/// Square side of the stored photo: twice the largest size the site shows (112 px).
const PHOTO_SIDE: u32 = 320;

#[derive(Debug)]
pub enum SaveProfileOutcome {
    NotFound,
    Saved,
    /// The messages per field; nothing was saved.
    Invalid(FieldErrors),
}

/// Saves the whole profile form. The calendar settings are checked with cal.com first (only
/// when they change, so editing a bio never depends on cal.com), outside any transaction; then
/// new tags, fields, tags and history are written in one transaction.
pub async fn save_profile(
    services: &Services,
    interviewer_id: i64,
    input: &ProfileInput,
) -> anyhow::Result<SaveProfileOutcome> {
    let Some(current) = profiles::editable_profile(&services.pool, interviewer_id).await? else {
        return Ok(SaveProfileOutcome::NotFound);
    };
    let update = match profile::validate(input) {
        Ok(update) => update,
        Err(errors) => return Ok(SaveProfileOutcome::Invalid(errors)),
    };
    // Only tags that exist may be ticked.
    let known = profiles::all_tags(&services.pool).await?;
    let mut tag_ids: Vec<i64> = update
        .tag_ids
        .iter()
        .copied()
        .filter(|id| known.iter().any(|t| t.tag_id == *id))
        .collect();

    let new_key = input.cal_api_key.trim();
    let cal_link = match save_calendar_settings(
        services,
        &current,
        update.cal_event_type_id,
        new_key,
        input.remove_cal_api_key,
    )
    .await
    {
        Ok(link) => link,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.insert("cal_event_type_id", message);
            return Ok(SaveProfileOutcome::Invalid(errors));
        }
    };

    let mut tx = services.pool.begin().await?;
    let mut errors = FieldErrors::new();
    for tag in &update.new_tags {
        match profiles::find_or_create_tag(&mut tx, tag).await? {
            TagLookup::Found(id) => {
                if !tag_ids.contains(&id) {
                    tag_ids.push(id);
                }
            }
            TagLookup::OtherKind(existing) => {
                let field = if tag.kind == TagKind::Technology {
                    "new_technologies"
                } else {
                    "new_subjects"
                };
                errors.insert(
                    field,
                    format!(
                        "\"{}\" already exists as a {} tag; tick it there instead.",
                        tag.name,
                        existing.as_db()
                    ),
                );
            }
        }
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Ok(SaveProfileOutcome::Invalid(errors));
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
        let hint: String = {
            let tail: Vec<char> = new_key.chars().rev().take(4).collect();
            tail.into_iter().rev().collect()
        };
        let sealed = secrets::cal_api_keys(services.config.secret_key.expose()).seal(new_key);
        profiles::set_cal_api_key(&mut tx, interviewer_id, Some(&sealed), Some(&hint)).await?;
    } else if input.remove_cal_api_key {
        profiles::set_cal_api_key(&mut tx, interviewer_id, None, None).await?;
    }
    tx.commit().await?;
    Ok(SaveProfileOutcome::Saved)
}

/// The `cal_link` the profile will have with these calendar settings, or what the
/// interviewer must change, in words. Asks cal.com only when the settings change.
async fn save_calendar_settings(
    services: &Services,
    current: &EditableProfile,
    event_type_id: Option<i64>,
    new_key: &str,
    remove_key: bool,
) -> Result<Option<String>, String> {
    let Some(event_type_id) = event_type_id else {
        return Ok(None);
    };
    let unchanged = Some(event_type_id) == current.cal_event_type_id
        && new_key.is_empty()
        && !remove_key
        && current.cal_link.is_some();
    if unchanged {
        return Ok(current.cal_link.clone());
    }
    // The key the profile will use: one typed now, the stored one, or the site's.
    let key: Option<Secret> = if !new_key.is_empty() {
        Some(Secret::new(new_key))
    } else if !remove_key && let Some(sealed) = &current.cal_api_key_encrypted {
        secrets::cal_api_keys(services.config.secret_key.expose())
            .open(sealed)
            .map(Secret::new)
    } else {
        services.config.calcom.api_key.clone()
    };
    check_event_type(services, event_type_id, key.as_ref())
        .await
        .map(Some)
}

/// Looks the event type up in cal.com and checks it holds slots while unpaid. Returns the
/// `cal_link`, or what the interviewer must change, in words.
async fn check_event_type(
    services: &Services,
    id: i64,
    key: Option<&Secret>,
) -> Result<String, String> {
    let Some(key) = key else {
        return Err("To check the event type we need a cal.com API key: add yours below (Settings > Developer > API keys in cal.com).".to_owned());
    };
    match services.calcom.get_event_type(id, key).await {
        Ok(Some(info)) if !info.holds_slots_until_confirmed() => Err(event_type_fix(info.confirmation)),
        Ok(Some(info)) => match info.username {
            Some(user) => Ok(format!("{user}/{}", info.slug)),
            None => Err("cal.com did not say who owns this event type; use a personal event type, not a team one.".to_owned()),
        },
        // cal.com shows a key only its owner's own event types (a team or organisation key
        // cannot read an interviewer's).
        Ok(None) => Err(format!("cal.com shows no event type {id} to this API key. Check the number, and use your own cal.com API key (Settings > Developer > API keys, signed in as yourself): a team or organisation key cannot read your event types.")),
        Err(CallError::Rejected { status: 401, .. }) => Err("cal.com refused the API key. Check it, or paste a new one below.".to_owned()),
        Err(err) => {
            tracing::warn!(error = %err, "cal.com event type lookup failed");
            Err("We could not reach cal.com to check the event type. Nothing was saved; please try again in a moment.".to_owned())
        }
    }
}

/// Which cal.com setting to change, in words, for an event type that would let a slot be
/// taken (or accepted) while the customer pays.
fn event_type_fix(policy: ConfirmationPolicy) -> String {
    let change = match policy {
        ConfirmationPolicy::Disabled => {
            "turn on \"Requires confirmation\", choose \"Always\", and under it turn on \"Block the slot while the booking waits for confirmation\""
        }
        ConfirmationPolicy::BeyondNotice => {
            "under \"Requires confirmation\", choose \"Always\" instead of \"When booked with less than … notice\", and turn on \"Block the slot while the booking waits for confirmation\""
        }
        ConfirmationPolicy::Always { .. } => {
            "under \"Requires confirmation\", turn on \"Block the slot while the booking waits for confirmation\""
        }
    };
    format!(
        "In cal.com, open this event type, go to Advanced, {change}. Leave \"Requires confirmation for free email\" off. Then save here again. Otherwise a slot could be taken by someone else, or accepted, while your customer pays."
    )
}

#[derive(Debug)]
pub enum PhotoOutcome {
    NotFound,
    Saved,
    /// What is wrong with the upload, for the photo field.
    Invalid(String),
}

/// Checks and resizes an uploaded photo, stores it under a new random name and points the
/// profile at it.
pub async fn upload_photo(
    services: &Services,
    interviewer_id: i64,
    upload: Vec<u8>,
) -> anyhow::Result<PhotoOutcome> {
    let Some(current) = profiles::editable_profile(&services.pool, interviewer_id).await? else {
        return Ok(PhotoOutcome::NotFound);
    };
    let jpeg = match tokio::task::spawn_blocking(move || process_photo(&upload)).await? {
        Ok(jpeg) => jpeg,
        Err(message) => return Ok(PhotoOutcome::Invalid(message)),
    };
    let key = format!("photos/{}-{}.jpg", current.slug, &tokens::new_token()[..12]);
    services.storage.put(&key, jpeg).await?;
    profiles::set_photo(&services.pool, interviewer_id, &paths::media(&key)).await?;
    Ok(PhotoOutcome::Saved)
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

/// A stored photo by its public name (`/media/photos/{name}`); `None` for names we never
/// issue and for missing files. Nothing outside `photos/` is reachable.
pub async fn photo(services: &Services, name: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let valid = name.len() <= 140
        && name.ends_with(".jpg")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.contains("..");
    if !valid {
        return Ok(None);
    }
    let key = format!("photos/{name}");
    if !services.storage.exists(&key).await? {
        return Ok(None);
    }
    Ok(Some(services.storage.get(&key).await?))
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
