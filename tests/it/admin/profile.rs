//! Editing a profile: the listing it feeds, and the calendar settings checked with cal.com.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    helpers::{BASE_URL, TestApp},
    personas::{Personas, add_user, signed_in},
};

#[sqlx::test]
async fn an_interviewer_edits_rate_and_tags_and_the_listing_follows(pool: PgPool) {
    let p = Personas::new(pool).await;
    let python: i64 = sqlx::query_scalar("select tag_id from tag where slug = 'python'")
        .fetch_one(&p.app.pool)
        .await
        .unwrap();
    let form = vec![
        ("name", "Ada Alpha".to_owned()),
        ("headline", "Frontend interviews".to_owned()),
        ("bio", "Hello.\n\nSecond.".to_owned()),
        ("rate", "199.50".to_owned()),
        ("currency", "USD".to_owned()),
        ("time_zone", "Europe/Stockholm".to_owned()),
        ("is_active", "on".to_owned()),
        ("tag", python.to_string()),
        ("new_technologies", "Svelte".to_owned()),
        ("history_company", "Hooli".to_owned()),
        ("history_role", "Staff Engineer".to_owned()),
        ("history_period", "2020 to now".to_owned()),
        ("history_summary", "".to_owned()),
        ("history_position", "1".to_owned()),
    ];
    let response = p.a.post_form("/admin/profile", &form).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let listing = p.app.get("/interviewers?tech=svelte").await;
    assert_eq!(listing.card_names(), ["Ada Alpha"]);
    assert!(listing.body.contains("$199.50"));
    let react = p.app.get("/interviewers?tech=react").await;
    assert_eq!(react.card_names(), ["Cy Gamma"], "React was unticked");

    let mut bad = form.clone();
    bad[3] = ("rate", "free".to_owned());
    let page = p.a.post_form("/admin/profile", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.count("#rate-error"), 1);
    assert_eq!(
        page.attrs("input[name=rate]", "value"),
        ["free"],
        "what was typed is kept"
    );
    assert!(
        p.app
            .get("/interviewers?tech=svelte")
            .await
            .body
            .contains("$199.50"),
        "nothing changed"
    );

    // Paid bookings keep their price.
    let price: i32 = sqlx::query_scalar("select price_minor from booking where public_id = $1")
        .bind(&p.booking_a)
        .fetch_one(&p.app.pool)
        .await
        .unwrap();
    assert_eq!(price, 15000);
}

/// The event type is checked with cal.com; the interviewer's own key is stored encrypted.
#[sqlx::test]
async fn the_calendar_settings_are_checked_with_calcom(pool: PgPool) {
    let world = crate::booking_support::World::new(pool).await; // Ines, with the site's cal.com key
    add_user(
        &world.app.pool,
        "ines@example.com",
        false,
        Some("ines-interviewer"),
    )
    .await;
    world
        .cal
        .add_event_type(7001, "ines", "mock-interview", true, false);
    world
        .cal
        .add_event_type(7002, "ines", "mock-interview-2", true, true);
    let ines = signed_in(&world.app, "ines@example.com").await;
    let form = |event_type: &str, key: &str| {
        vec![
            ("name", "Ines Interviewer".to_owned()),
            ("headline", "Backend".to_owned()),
            ("bio", "".to_owned()),
            ("rate", "150".to_owned()),
            ("currency", "USD".to_owned()),
            ("time_zone", "UTC".to_owned()),
            ("is_active", "on".to_owned()),
            ("cal_event_type_id", event_type.to_owned()),
            ("cal_api_key", key.to_owned()),
        ]
    };
    let post = |form: Vec<(&'static str, String)>| {
        let ines = ines.clone();
        let url = world.app.url("/admin/profile");
        async move {
            TestApp::page(
                ines.post(url)
                    .header("Origin", BASE_URL)
                    .form(&form)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };

    let page = post(form("7001", "")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.texts("#cal_event_type_id-error")
            .concat()
            .contains("Requires confirmation"),
        "says what to change"
    );
    let page = post(form("999", "")).await;
    assert!(
        page.texts("#cal_event_type_id-error")
            .concat()
            .contains("no event type 999")
    );

    world
        .cal
        .state
        .lock()
        .unwrap()
        .extra_keys
        .push("cal_live_ines_own_key_1234".to_owned());
    let page = post(form("7002", "cal_live_ines_own_key_1234")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (link, sealed, hint): (String, Vec<u8>, String) =
        sqlx::query_as("select cal_link, cal_api_key_encrypted, cal_api_key_hint from interviewer where slug = 'ines-interviewer'")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(link, "ines/mock-interview-2");
    assert_eq!(hint, "1234");
    assert!(
        !String::from_utf8_lossy(&sealed).contains("ines_own_key"),
        "stored encrypted"
    );
    let edit = TestApp::page(
        ines.get(world.app.url("/admin/profile"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        !edit.body.contains("cal_live_ines_own_key_1234"),
        "never shown again in full"
    );
    assert!(edit.body.contains("1234"));
}

/// Only `confirmationPolicy.type == "always"` with `blockUnconfirmedBookingsInBooker` holds
/// every slot while the customer pays; for anything else the panel names the setting to
/// change. A team key cannot read an interviewer's event type: the panel asks for their own.
#[sqlx::test]
async fn only_an_event_type_that_always_confirms_and_holds_the_slot_is_accepted(pool: PgPool) {
    let world = crate::booking_support::World::new(pool).await;
    add_user(
        &world.app.pool,
        "ines@example.com",
        false,
        Some("ines-interviewer"),
    )
    .await;
    let policies = [
        (
            7101,
            serde_json::json!({"disabled": true}),
            "choose \"Always\"",
        ),
        (
            7102,
            serde_json::json!({"type": "time", "noticeThreshold": {"unit": "hours", "count": 24}, "blockUnconfirmedBookingsInBooker": true}),
            "instead of \"When booked with less than",
        ),
        (
            7103,
            serde_json::json!({"type": "always", "blockUnconfirmedBookingsInBooker": false}),
            "turn on \"Block the slot",
        ),
    ];
    for (id, policy, _) in &policies {
        world
            .cal
            .add_event_type_with_policy(*id, "ines", "mock", policy.clone());
    }
    world
        .cal
        .state
        .lock()
        .unwrap()
        .team_keys
        .push("cal_team_key_0001".to_owned());
    let ines = signed_in(&world.app, "ines@example.com").await;
    let save = |event_type: String, key: &'static str| {
        let ines = ines.clone();
        let url = world.app.url("/admin/profile");
        async move {
            let form = [
                ("name", "Ines Interviewer".to_owned()),
                ("rate", "150".to_owned()),
                ("currency", "USD".to_owned()),
                ("time_zone", "UTC".to_owned()),
                ("cal_event_type_id", event_type),
                ("cal_api_key", key.to_owned()),
            ];
            let page = TestApp::page(
                ines.post(url)
                    .header("Origin", BASE_URL)
                    .form(&form)
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
            page.texts("#cal_event_type_id-error").concat()
        }
    };
    for (id, _, words) in &policies {
        let message = save(id.to_string(), "").await;
        assert!(message.contains(words), "{id}: {message}");
        assert!(
            message.contains("\"Requires confirmation for free email\" off"),
            "{message}"
        );
    }
    world
        .cal
        .add_event_type(7104, "ines", "mock-ok", true, true);
    let message = save("7104".to_owned(), "cal_team_key_0001").await;
    assert!(
        message.contains("a team or organisation key cannot read your event types"),
        "{message}"
    );
}

/// A photo is checked by its content, stored re-encoded as a JPEG and shown on the public
/// profile; anything else is refused with the reason next to the field.
#[sqlx::test]
async fn a_photo_upload_is_checked_and_then_shown_on_the_public_profile(pool: PgPool) {
    let p = Personas::new(pool).await;
    let upload = |bytes: Vec<u8>| {
        reqwest::multipart::Form::new().part(
            "photo",
            reqwest::multipart::Part::bytes(bytes)
                .file_name("me.png")
                .mime_str("image/png")
                .unwrap(),
        )
    };
    let refused =
        p.a.post_multipart("/admin/profile/photo", upload(b"%PDF-1.4\n".to_vec()))
            .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.texts("#photo-error"),
        ["This file is not an image. Upload a JPEG, PNG or WebP photo."]
    );

    let png = {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            160,
            120,
            image::Rgb([40, 120, 200]),
        ));
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let saved =
        p.a.post_multipart("/admin/profile/photo", upload(png))
            .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.header("location"), Some("/admin/profile?saved=1"));
    let photo_url: String =
        sqlx::query_scalar("select photo_url from interviewer where slug = 'ada-alpha'")
            .fetch_one(&p.app.pool)
            .await
            .unwrap();
    assert!(
        p.app
            .get("/interviewers/ada-alpha")
            .await
            .attrs("img.avatar", "src")
            .contains(&photo_url),
        "{photo_url} on the public profile"
    );
    let served = p.anonymous.get(&photo_url).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header("content-type"), Some("image/jpeg"));
}
