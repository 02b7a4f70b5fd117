//! The booking flow end to end over HTTP: cal.com verification, details and resume, Stripe
//! Checkout, webhooks (signed with the real schemes), the outbox, faults.

use icalendar::Component;
use interview_service::domain::when;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::{
    booking_support::{EVENT_TYPE_ID, World, pdf, read_object, stored_objects, stripe_event},
    helpers::{BASE_URL, interviewer, spawn_app},
};

// ---- The booking page --------------------------------------------------------------------

#[sqlx::test]
async fn the_booking_page_embeds_the_interviewers_calendar(pool: PgPool) {
    let world = World::new(pool).await;
    let page = world.app.get("/interviewers/ines-interviewer/book").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attrs("[data-cal-link]", "data-cal-link"),
        ["ines/practice"]
    );
    assert!(page.body.contains("$150"));
    assert!(
        page.body.contains("money back") || page.body.contains("money-back"),
        "the guarantee is stated"
    );
    assert!(
        page.body.contains("24 hours"),
        "the cancellation policy is stated"
    );
    // In reading order (a phone's layout): heading, the calendar, then who and how much.
    let html = page.html();
    let page_box = scraper::Selector::parse(".booking--book").unwrap();
    let order: Vec<String> = html
        .select(&page_box)
        .next()
        .expect("the booking page")
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .map(|e| e.value().name().to_owned() + "." + e.value().attr("class").unwrap_or(""))
        .collect();
    assert_eq!(
        order,
        [
            "nav.breadcrumb",
            "header.page-head",
            "section.booking__calendar",
            "div.booking-summary booking__who",
            "aside.booking__aside",
        ]
    );
    assert_eq!(
        page.count("[data-testid=calendar-section] > #cal-embed[data-cal-embed]"),
        1
    );
    // cal.com names its own iframe `cal-embed`: our box must not carry that class, or its
    // border and min-height also land on the frame.
    assert_eq!(page.count(".cal-embed, .cal-embed__loading"), 0);
    assert_eq!(page.count("#cal-embed.calendar-frame"), 1);
}

#[sqlx::test]
async fn the_booking_page_says_plainly_what_is_not_configured(pool: PgPool) {
    interviewer("No Calendar").insert(&pool).await;
    interviewer("Has Calendar")
        .cal_link("has/practice")
        .insert(&pool)
        .await;
    sqlx::query("update interviewer set cal_event_type_id = 1")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("update interviewer set cal_link = null, cal_event_type_id = null where slug = 'no-calendar'").execute(&pool).await.unwrap();
    let app = spawn_app(pool).await; // no Stripe, no cal.com keys

    let page = app.get("/interviewers/no-calendar/book").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("has not opened their calendar"));
    assert!(page.attrs("[data-cal-link]", "data-cal-link").is_empty());

    let page = app.get("/interviewers/has-calendar/book").await;
    assert!(
        page.body.contains("not switched on"),
        "keys missing is said plainly"
    );
    assert!(page.attrs("[data-cal-link]", "data-cal-link").is_empty());

    assert_eq!(
        app.get("/interviewers/nobody/book").await.status,
        StatusCode::NOT_FOUND
    );
}

// ---- Creating a booking from the cal.com uid ---------------------------------------------

#[sqlx::test]
async fn a_verified_uid_becomes_one_booking_with_times_from_calcom(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-good-1").await;
    assert_eq!(public_id.len(), 26);

    // Posting the same uid again (a double event) gives the same booking, also as JSON.
    let again = world
        .app
        .post("/interviewers/ines-interviewer/book")
        .header("Accept", "application/json")
        .form(&[("uid", "uid-good-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["next"], format!("/bookings/{public_id}/details"));

    let row: (String, i32, String, bool) = sqlx::query_as(
        "select status::text, price_minor, host_email, starts_at > now() + interval '71 hours' from booking where public_id = $1",
    )
    .bind(&public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(row.0, "held");
    assert_eq!(row.1, 15000, "price snapshot from the rate");
    assert_eq!(row.2, world.host_email);
    assert!(row.3, "start time from cal.com");
    let count: i64 = sqlx::query_scalar("select count(*) from booking")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[sqlx::test]
async fn uids_that_do_not_check_out_create_nothing(pool: PgPool) {
    let world = World::new(pool).await;
    world.cal.add_booking(
        "uid-other-type",
        EVENT_TYPE_ID + 1,
        72,
        "pending",
        "h@example.com",
        "c@example.com",
    );
    world.cal.add_booking(
        "uid-cancelled",
        EVENT_TYPE_ID,
        72,
        "cancelled",
        "h@example.com",
        "c@example.com",
    );
    world.cal.add_booking(
        "uid-past",
        EVENT_TYPE_ID,
        -2,
        "pending",
        "h@example.com",
        "c@example.com",
    );
    let cases = [
        ("uid-unknown", StatusCode::UNPROCESSABLE_ENTITY),
        ("uid-other-type", StatusCode::UNPROCESSABLE_ENTITY),
        ("uid-cancelled", StatusCode::CONFLICT),
        ("uid-past", StatusCode::UNPROCESSABLE_ENTITY),
        ("<script>", StatusCode::BAD_REQUEST),
        ("", StatusCode::BAD_REQUEST),
    ];
    for (uid, expected) in cases {
        let response = world
            .app
            .post("/interviewers/ines-interviewer/book")
            .header("Accept", "application/json")
            .form(&[("uid", uid)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{uid}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(
            body["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{uid}: a message"
        );
    }
    world.cal.state.lock().unwrap().down = true;
    world.cal.add_booking(
        "uid-while-down",
        EVENT_TYPE_ID,
        72,
        "pending",
        "h@example.com",
        "c@example.com",
    );
    let response = world
        .app
        .post("/interviewers/ines-interviewer/book")
        .form(&[("uid", "uid-while-down")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);

    let count: i64 = sqlx::query_scalar("select count(*) from booking")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test]
async fn posts_from_other_sites_are_refused(pool: PgPool) {
    let world = World::new(pool).await;
    world.cal.add_booking(
        "uid-csrf",
        EVENT_TYPE_ID,
        72,
        "pending",
        "h@example.com",
        "c@example.com",
    );
    let url = world.app.url("/interviewers/ines-interviewer/book");
    let foreign = world
        .app
        .client
        .post(&url)
        .header("Origin", "https://evil.example")
        .form(&[("uid", "uid-csrf")])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let cross = world
        .app
        .client
        .post(&url)
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("uid", "uid-csrf")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let bare = world
        .app
        .client
        .post(&url)
        .form(&[("uid", "uid-csrf")])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::FORBIDDEN);
    let same = world
        .app
        .client
        .post(&url)
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("uid", "uid-csrf")])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::SEE_OTHER);
}

// ---- Details, resume, Checkout -----------------------------------------------------------

#[sqlx::test]
async fn the_details_page_shows_the_slot_price_and_this_interviewers_tags(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-details-page").await;
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/details"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attrs("input[name=technologies]", "value"),
        ["Go", "Python"]
    );
    assert!(
        page.attrs("[name=subject] option", "value")
            .contains(&"Backend".to_owned())
    );
    assert!(
        !page.attrs("time[datetime]", "datetime").is_empty(),
        "the slot as a machine-readable time"
    );
    assert!(page.body.contains("$150"));
    assert_eq!(page.count("input[type=file][name=resume][accept]"), 1);
    assert_eq!(
        world
            .app
            .get("/bookings/nosuchbooking00000000000000/details")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test]
async fn each_long_field_states_its_limit_in_a_live_counter(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-counters").await;
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/details"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for (field, limit, hint) in [
        ("background", "4000", "Up to 4,000 characters."),
        ("interview_focus", "4000", "Up to 4,000 characters."),
        ("target_companies", "500", "Up to 500 characters."),
        ("extra_information", "4000", "Up to 4,000 characters."),
    ] {
        let control = format!("[name={field}][data-char-count]");
        assert_eq!(page.attrs(&control, "maxlength"), [limit], "{field}");
        // Without JavaScript the limit is stated; ts/char-count.ts turns it into the count.
        assert_eq!(
            page.texts(&format!("[data-char-count-for={field}] > #{field}-count")),
            [hint],
            "{field}"
        );
        assert_eq!(
            page.attrs(
                &format!("[data-char-count-for={field}] > [data-char-count-status]"),
                "aria-live"
            ),
            ["polite"],
            "{field}"
        );
        let described = page.attrs(&control, "aria-describedby");
        assert_eq!(
            described,
            [format!("{field}-hint {field}-count")],
            "the count describes {field}"
        );
    }
    // Short fields have no counter.
    assert_eq!(
        page.count("[name=name][data-char-count], [name=email][data-char-count]"),
        0
    );
    assert_eq!(page.count("[data-char-count-for]"), 4);
}

#[sqlx::test]
async fn the_details_summary_card_is_the_first_thing_in_the_sidebar(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-summary").await;
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/details"))
        .await;
    let html = page.html();
    let layout = scraper::Selector::parse(".booking__layout").unwrap();
    let layout = html.select(&layout).next().expect("the two-column layout");
    let columns: Vec<_> = layout
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .map(|e| e.value().attr("class").unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        columns,
        ["booking__main", "booking__aside"],
        "form, then sidebar"
    );
    let aside = scraper::Selector::parse("aside[data-testid=booking-aside]").unwrap();
    let aside = html.select(&aside).next().expect("the sidebar");
    let first = aside
        .children()
        .find_map(scraper::ElementRef::wrap)
        .expect("a first child");
    assert_eq!(first.value().attr("data-testid"), Some("booking-summary"));
    assert_eq!(first.value().attr("class"), Some("booking-summary"));
    assert_eq!(
        page.texts("[data-testid=booking-aside] > :first-child .booking-summary__name"),
        ["Ines Interviewer"]
    );
}

#[sqlx::test]
async fn the_details_page_writes_times_in_the_one_format(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-times").await;
    let (starts_at, hold_expires_at): (time::OffsetDateTime, time::OffsetDateTime) =
        sqlx::query_as("select starts_at, hold_expires_at from booking where public_id = $1")
            .bind(&public_id)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/details"))
        .await;
    // The text before ts/local-time.ts puts it in the reader's zone, in the same shape.
    let slot = when::format_in_zone(starts_at, None);
    assert!(slot.ends_with(" (UTC)"), "{slot}");
    assert_eq!(
        page.texts("time[data-local-time]:not([data-local-time=time])"),
        [slot]
    );
    assert_eq!(
        page.texts("time[data-local-time=time]"),
        [when::format_time_in_zone(hold_expires_at, None)]
    );
    assert_eq!(
        page.attrs("time[data-local-time=time]", "datetime"),
        [when::rfc3339(hold_expires_at)]
    );
}

#[sqlx::test]
async fn invalid_details_are_explained_next_to_their_fields_and_kept(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-invalid").await;
    let form = reqwest::multipart::Form::new()
        .text("name", "Ada <b>Customer</b>")
        .text("email", "not-an-email")
        .text("background", "")
        .text("interview_focus", "x".repeat(5000));
    let page = world.submit_details(&public_id, form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["email", "background", "interview_focus", "resume"] {
        assert_eq!(
            page.count(&format!("#{field}-error")),
            1,
            "error next to {field}:\n{}",
            page.body
        );
    }
    assert_eq!(
        page.attrs("input[name=name]", "value"),
        ["Ada <b>Customer</b>"],
        "typed values are kept (escaped)"
    );
    assert!(!page.body.contains("<b>Customer</b>"));
    let submitted: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select details_submitted_at from booking where public_id = $1")
            .bind(&public_id)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert!(submitted.is_none(), "nothing saved");
    assert_eq!(world.stripe.session_count(), 0);
}

/// What the server and the browser both say about a resume over the limit.
const TOO_LARGE: &str = "This file is over 10 MB. Please choose a smaller PDF: exporting it again with compressed images usually helps.";

#[sqlx::test]
async fn bad_resumes_are_refused_by_content_and_nothing_is_stored(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-bad-resume").await;
    let mut eleven_mb = pdf();
    eleven_mb.resize(11 * 1024 * 1024, b' ');
    eleven_mb.extend_from_slice(b"\n%%EOF\n");
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "resume.pdf",
            "application/pdf",
            b"PK\x03\x04 this is a zip renamed to pdf".to_vec(),
            "not a PDF",
        ),
        ("resume.pdf", "application/pdf", Vec::new(), "empty"),
        // The server stops reading at the limit: it says "over 10 MB", never a made-up size.
        ("resume.pdf", "application/pdf", eleven_mb, TOO_LARGE),
        ("resume.png", "image/png", pdf(), "PDF"),
    ];
    for (filename, content_type, bytes, message) in cases {
        let page = world
            .submit_details(
                &public_id,
                world.details_form(Some((filename, content_type, bytes))),
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{filename} {content_type}"
        );
        let error = page.texts("#resume-error");
        assert!(
            error.len() == 1 && error[0].contains(message),
            "{message}: {error:?}"
        );
        if message == TOO_LARGE {
            assert_eq!(error, [TOO_LARGE], "the whole message, exactly");
        }
        // The browser's own check (ts/upload-progress.ts) shows the same words.
        assert_eq!(
            page.attrs("input[type=file][name=resume]", "data-too-large"),
            [TOO_LARGE]
        );
        assert_eq!(
            page.attrs("input[name=email]", "value"),
            std::slice::from_ref(&world.customer_email),
            "values kept"
        );
    }
    assert!(
        stored_objects(&format!("resumes/{public_id}"))
            .await
            .is_empty(),
        "nothing stored"
    );
    assert_eq!(world.stripe.session_count(), 0);
}

#[sqlx::test]
async fn valid_details_store_the_resume_and_open_checkout_with_the_right_parameters(pool: PgPool) {
    let world = World::new(pool).await;
    let before = time::OffsetDateTime::now_utc().unix_timestamp();
    let (public_id, session_id) = world.book_and_checkout("uid-checkout").await;

    let (idempotency_key, form) = world.stripe.last_create();
    assert!(
        idempotency_key.starts_with(&format!("checkout:{public_id}:1:")),
        "{idempotency_key}"
    );
    assert_eq!(form["mode"], "payment");
    assert_eq!(form["line_items[0][price_data][unit_amount]"], "15000");
    assert_eq!(form["line_items[0][price_data][currency]"], "usd");
    assert!(form["line_items[0][price_data][product_data][name]"].contains("Ines Interviewer"));
    assert_eq!(form["customer_email"], world.customer_email);
    assert_eq!(form["client_reference_id"], public_id);
    assert_eq!(form["metadata[booking_id]"], public_id);
    assert_eq!(
        form["success_url"],
        format!("{BASE_URL}/bookings/{public_id}/thanks?session_id={{CHECKOUT_SESSION_ID}}")
    );
    assert_eq!(
        form["cancel_url"],
        format!("{BASE_URL}/bookings/{public_id}/details")
    );
    let expires: i64 = form["expires_at"].parse().unwrap();
    assert!(
        expires >= before + 30 * 60 && expires <= before + 40 * 60,
        "30 minutes out"
    );
    assert!(form["custom_text[submit][message]"].contains("money-back guarantee"));

    let (status, key): (String, String) =
        sqlx::query_as("select status::text, resume_key from booking where public_id = $1")
            .bind(&public_id)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(status, "awaiting_payment");
    assert_eq!(
        read_object(&key).await,
        pdf(),
        "the resume is in the bucket, byte for byte"
    );
    assert!(key.starts_with(&format!("resumes/{public_id}/")));
    assert!(session_id.starts_with("cs_test_"));

    // Pressing Pay again with the same details reuses the open session.
    let again = world
        .submit_details(&public_id, world.details_form(None))
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(world.stripe.session_count(), 1);
}

#[sqlx::test]
async fn htmx_submissions_are_redirected_with_hx_redirect(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-htmx").await;
    let response = world
        .app
        .post(&format!("/bookings/{public_id}/details"))
        .header("HX-Request", "true")
        .multipart(world.details_form(Some(("cv.pdf", "application/pdf", pdf()))))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["hx-redirect"]
            .to_str()
            .unwrap()
            .starts_with("https://checkout.stripe.test/")
    );
}

#[sqlx::test]
async fn a_failing_stripe_gives_a_clear_error_and_a_retry_creates_one_session(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-stripe-down").await;
    world.stripe.fail_next_creates(1);
    let page = world
        .submit_details(
            &public_id,
            world.details_form(Some(("cv.pdf", "application/pdf", pdf()))),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.texts("[data-testid=general-error]")
            .concat()
            .contains("Nothing was charged")
    );
    assert_eq!(world.stripe.session_count(), 0);
    assert_eq!(world.status(&public_id).await, "held");

    // The resume was kept: the retry does not need it again.
    let page = world
        .submit_details(&public_id, world.details_form(None))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(world.stripe.session_count(), 1, "exactly one session");
    assert_eq!(world.status(&public_id).await, "awaiting_payment");
}

// ---- Payment webhooks --------------------------------------------------------------------

#[sqlx::test]
async fn payment_confirms_the_slot_and_emails_both_sides_once(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-pay").await;

    let event = world.pay(&session_id).await;
    assert_eq!(world.status(&public_id).await, "paid");
    // The same event twice more: nothing changes.
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;

    assert_eq!(world.cal.confirmed(), ["uid-pay"]);
    let customer = world.wait_for_mail(&world.customer_email, 1).await;
    assert_eq!(customer.len(), 1, "one confirmation");
    let subject = customer[0]["subject"].as_str().unwrap();
    assert!(subject.contains("Ines Interviewer"), "{subject}");
    let text = customer[0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Hi Ada,\n"),
        "greeted by first name: {text}"
    );
    let html = customer[0]["html"].as_str().unwrap();
    assert!(html.contains("<p>Hi Ada,</p>"), "{html}");
    assert!(!text.contains("Ada Customer") && !html.contains("Ada Customer"));
    let starts_at: time::OffsetDateTime =
        sqlx::query_scalar("select starts_at from booking where public_id = $1")
            .bind(&public_id)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    let when_customer = when::format_in_zone(starts_at, Some("America/New_York"));
    assert!(
        when_customer.contains("(America/New_York, UTC-"),
        "{when_customer}"
    );
    assert!(
        text.contains(&format!("When: {when_customer}\n")),
        "time in the customer's zone, in the one format: {text}"
    );
    assert!(
        text.contains(&format!("({})", when::format_in_zone(starts_at, None))),
        "and in UTC: {text}"
    );
    assert!(
        text.contains("money back") || text.contains("refund"),
        "the guarantee"
    );
    let host = world.wait_for_mail(&world.host_email, 1).await;
    assert_eq!(host.len(), 1, "one notification");
    let text = host[0]["text"].as_str().unwrap();
    for entered in [
        "Ada Customer",
        "six years of Python",
        "system design round",
        "Startups",
        "freeze on estimation",
    ] {
        assert!(
            text.contains(entered),
            "interviewer sees `{entered}`: {text}"
        );
    }
    assert!(
        text.contains(&format!("/admin/bookings/{public_id}")),
        "link to the panel"
    );
    let attachments = host[0]["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        attachments.len(),
        1,
        "the invite only: the resume is a link"
    );
    let (method, event) = crate::booking_support::invite_of(&host[0]).await;
    assert_eq!(method, "REQUEST");
    assert_eq!(event.get_sequence(), Some(0));
    assert!(
        event
            .get_description()
            .unwrap_or("")
            .contains(&format!("/admin/bookings/{public_id}")),
        "the interviewer's invite leads to the panel"
    );
    let (method, customer_event) = crate::booking_support::invite_of(&customer[0]).await;
    assert_eq!(method, "REQUEST");
    assert_eq!(
        customer_event.get_uid(),
        event.get_uid(),
        "one event, one UID"
    );
    assert!(
        customer_event
            .get_description()
            .unwrap_or("")
            .contains(&format!("/bookings/{public_id}")),
        "the customer's invite leads to their booking page"
    );
}

#[sqlx::test]
async fn bad_and_stale_signatures_change_nothing(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-badsig").await;
    let session = world.stripe.pay(&session_id);
    let body = stripe_event("evt_bad", "checkout.session.completed", session).to_string();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    let wrong_secret = interview_service::integrations::signatures::sign_stripe(
        body.as_bytes(),
        "whsec_wrong",
        now,
    );
    assert_eq!(
        world.post_stripe_raw(body.clone(), &wrong_secret).await,
        StatusCode::BAD_REQUEST
    );
    let stale = interview_service::integrations::signatures::sign_stripe(
        body.as_bytes(),
        crate::fakes::STRIPE_WEBHOOK_SECRET,
        now - 301,
    );
    assert_eq!(
        world.post_stripe_raw(body.clone(), &stale).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        world.post_stripe_raw(body.clone(), "").await,
        StatusCode::BAD_REQUEST
    );
    let tampered = body.replace("evt_bad", "evt_bae");
    let signed_original = interview_service::integrations::signatures::sign_stripe(
        body.as_bytes(),
        crate::fakes::STRIPE_WEBHOOK_SECRET,
        now,
    );
    assert_eq!(
        world.post_stripe_raw(tampered, &signed_original).await,
        StatusCode::BAD_REQUEST
    );

    assert_eq!(world.status(&public_id).await, "awaiting_payment");
    let jobs: i64 = sqlx::query_scalar("select count(*) from job")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}

#[sqlx::test]
async fn an_expiry_arriving_after_the_payment_is_ignored(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-order").await;
    world.pay(&session_id).await;
    let mut expired = world.stripe.session(&session_id);
    expired["status"] = json!("expired");
    expired["payment_status"] = json!("unpaid");
    let event = stripe_event("evt_late_expiry", "checkout.session.expired", expired);
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    assert_eq!(world.status(&public_id).await, "paid");
    world.drain_jobs().await;
    assert!(world.cal.declined().is_empty());
}

#[sqlx::test]
async fn concurrent_duplicate_webhooks_give_one_transition_and_one_email(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-storm").await;
    let session = world.stripe.pay(&session_id);
    let events: Vec<_> = (0..12)
        .map(|i| {
            // Half the deliveries repeat one event id, half are distinct events for the session.
            let id = if i % 2 == 0 {
                "evt_storm".to_owned()
            } else {
                format!("evt_storm_{i}")
            };
            stripe_event(&id, "checkout.session.completed", session.clone())
        })
        .collect();
    let results =
        futures_util::future::join_all(events.iter().map(|e| world.post_stripe_event(e))).await;
    assert!(results.iter().all(|s| *s == StatusCode::OK), "{results:?}");
    assert_eq!(world.status(&public_id).await, "paid");
    let email_jobs: i64 = sqlx::query_scalar("select count(*) from job where kind = 'email'")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(email_jobs, 2, "one per recipient");
    // Two workers drain the queue at once: each email goes out once.
    let second = world.worker.clone();
    let (a, b) = tokio::join!(world.drain_jobs(), async {
        while second.run_one().await.unwrap() {}
    });
    let _ = (a, b);
    assert_eq!(world.wait_for_mail(&world.customer_email, 1).await.len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(world.mail_to(&world.customer_email).await.len(), 1);
    assert_eq!(world.mail_to(&world.host_email).await.len(), 1);
    assert_eq!(world.cal.confirmed().len(), 1);
}

#[sqlx::test]
async fn a_second_paid_session_for_the_same_booking_is_refunded(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, first) = world.book_and_checkout("uid-double").await;
    world.pay(&first).await;
    // A stale second session (say, from another tab) also gets paid.
    let mut second = world.stripe.session(&first);
    second["id"] = json!("cs_test_other");
    second["payment_intent"] = json!("pi_second");
    let event = stripe_event("evt_second", "checkout.session.completed", second);
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;
    let refunds = world.stripe.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["payment_intent"], "pi_second");
    assert_eq!(refunds[0]["amount"], "15000");
    assert_eq!(world.status(&public_id).await, "paid");
    assert_eq!(world.wait_for_mail(&world.customer_email, 1).await.len(), 1);
}

// ---- Faults and background work ----------------------------------------------------------

#[sqlx::test]
async fn with_smtp_down_the_booking_completes_and_mail_goes_out_later(pool: PgPool) {
    // An SMTP port where nothing listens yet.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let smtp = format!("smtp://127.0.0.1:{port}");
    let world = World::with(pool, &[("SMTP_URL", &smtp)]).await;
    let (public_id, session_id) = world.book_and_checkout("uid-smtp-down").await;
    world.pay(&session_id).await;
    assert_eq!(world.status(&public_id).await, "paid");

    world.drain_jobs().await; // the cal.com confirm succeeds; the emails fail and are rescheduled
    let failing: i64 = sqlx::query_scalar("select count(*) from job where kind = 'email' and done_at is null and last_error is not null")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(failing, 2);
    assert!(world.mail_to(&world.customer_email).await.is_empty());

    // The SMTP server comes back (a relay to the real one on that port).
    let target = crate::booking_support::env("TEST_SMTP_URL")
        .trim_start_matches("smtp://")
        .to_owned();
    let relay = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move {
        loop {
            let (mut inbound, _) = relay.accept().await.unwrap();
            let target = target.clone();
            tokio::spawn(async move {
                let mut outbound = tokio::net::TcpStream::connect(target).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    world.make_jobs_due().await;
    world.drain_jobs().await;
    assert_eq!(world.wait_for_mail(&world.customer_email, 1).await.len(), 1);
    assert_eq!(world.wait_for_mail(&world.host_email, 1).await.len(), 1);
}

#[sqlx::test]
async fn a_failing_calcom_confirm_is_retried_until_it_succeeds(pool: PgPool) {
    let world = World::new(pool).await;
    let (_, session_id) = world.book_and_checkout("uid-cal-retry").await;
    world.cal.state.lock().unwrap().fail_confirms = 2;
    world.pay(&session_id).await;
    world.drain_jobs().await;
    assert!(world.cal.confirmed().is_empty());
    let (attempts, run_later): (i32, bool) =
        sqlx::query_as("select attempts, run_at > now() from job where kind = 'cal_confirm'")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(run_later, "backed off");
    for _ in 0..2 {
        world.make_jobs_due().await;
        world.drain_jobs().await;
    }
    assert_eq!(world.cal.confirmed(), ["uid-cal-retry"]);
    let confirmed: bool = sqlx::query_scalar("select cal_confirmed_at is not null from booking")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert!(confirmed);
}

#[sqlx::test]
async fn abandoned_holds_expire_and_free_the_slot(pool: PgPool) {
    let world = World::new(pool).await;
    let held = world.book("uid-abandoned").await;
    let (checkout, session_id) = world.book_and_checkout("uid-abandoned-checkout").await;
    sqlx::query("update booking set hold_expires_at = now() - interval '1 minute'")
        .execute(&world.app.pool)
        .await
        .unwrap();

    world.worker.sweep().await.unwrap();
    world.drain_jobs().await;

    assert_eq!(world.status(&held).await, "expired");
    assert_eq!(world.status(&checkout).await, "expired");
    assert_eq!(
        world.stripe.session(&session_id)["status"],
        "expired",
        "the session can no longer be paid"
    );
    let mut declined = world.cal.declined();
    declined.sort();
    assert_eq!(declined, ["uid-abandoned", "uid-abandoned-checkout"]);
}

/// The interviewer accepts the request from cal.com's own email before the customer pays:
/// confirming again would be a bare 400 from cal.com, so the job reads the status first and
/// is done, with no call and no failed attempt.
#[sqlx::test]
async fn an_interviewer_confirming_in_calcom_first_leaves_no_failed_job(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-accepted-first").await;
    world.cal.set_status("uid-accepted-first", "accepted");
    world.pay(&session_id).await;
    world.drain_jobs().await;
    assert_eq!(world.status(&public_id).await, "paid");
    assert!(world.cal.confirmed().is_empty(), "no confirm call");
    let (attempts, error): (i32, Option<String>) =
        sqlx::query_as("select attempts, last_error from job where kind = 'cal_confirm'")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!((attempts, error), (1, None), "done at the first attempt");
    let confirmed: bool = sqlx::query_scalar("select cal_confirmed_at is not null from booking")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert!(confirmed);
}

/// A payment that arrives after the hold ran out and cal.com released the slot (a delayed
/// payment method): cal.com would re-accept a rejected booking on confirm, so it is not
/// confirmed; the customer is refunded in full and told, with a way to book again.
#[sqlx::test]
async fn a_payment_after_the_slot_was_released_is_refunded_and_never_confirmed(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-late-payment").await;
    sqlx::query("update booking set hold_expires_at = now() - interval '1 minute'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.worker.sweep().await.unwrap();
    world.drain_jobs().await;
    assert_eq!(world.cal.declined(), ["uid-late-payment"]);

    world.pay(&session_id).await;
    world.drain_jobs().await;
    assert!(
        world.cal.confirmed().is_empty(),
        "the released slot is not taken back"
    );
    assert_eq!(world.status(&public_id).await, "refunded");
    let refunds = world.stripe.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], "15000");
    assert_eq!(refunds[0]["payment_intent"], format!("pi_for_{session_id}"));
    let mail = world.wait_for_mail(&world.customer_email, 1).await;
    let subjects: Vec<&str> = mail.iter().filter_map(|m| m["subject"].as_str()).collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("Refunded: your slot")),
        "{subjects:?}"
    );
}

/// Our hold ran out while the interviewer had accepted the request in cal.com: declining an
/// accepted booking is a 400 there, so the slot is released by cancelling it.
#[sqlx::test]
async fn an_accepted_but_unpaid_booking_is_cancelled_in_calcom_when_its_hold_ends(pool: PgPool) {
    let world = World::new(pool).await;
    let held = world.book("uid-accepted-unpaid").await;
    world.cal.set_status("uid-accepted-unpaid", "accepted");
    sqlx::query("update booking set hold_expires_at = now() - interval '1 minute'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.worker.sweep().await.unwrap();
    world.drain_jobs().await;
    assert_eq!(world.status(&held).await, "expired");
    assert!(world.cal.declined().is_empty());
    assert_eq!(world.cal.cancelled(), ["uid-accepted-unpaid"]);
}

#[sqlx::test]
async fn an_old_session_expiring_does_not_end_a_booking_that_moved_on(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, first) = world.book_and_checkout("uid-moved-on").await;
    // Back from Checkout, the customer changes their email: a new session replaces the first.
    let form = world
        .details_form(None)
        .text("email", "changed@example.com");
    let page = world.submit_details(&public_id, form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(world.stripe.session_count(), 2);
    assert_eq!(
        world.stripe.session(&first)["status"],
        "expired",
        "the first can no longer be paid"
    );

    let mut old = world.stripe.session(&first);
    old["status"] = json!("expired");
    assert_eq!(
        world
            .post_stripe_event(&stripe_event(
                "evt_old_expired",
                "checkout.session.expired",
                old
            ))
            .await,
        StatusCode::OK
    );
    assert_eq!(world.status(&public_id).await, "awaiting_payment");
    world.drain_jobs().await;
    assert!(world.cal.declined().is_empty());
}

#[sqlx::test]
async fn checkout_expiry_declines_the_calcom_booking(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-expired").await;
    let mut session = world.stripe.session(&session_id);
    session["status"] = json!("expired");
    assert_eq!(
        world
            .post_stripe_event(&stripe_event(
                "evt_exp",
                "checkout.session.expired",
                session
            ))
            .await,
        StatusCode::OK
    );
    assert_eq!(world.status(&public_id).await, "expired");
    world.drain_jobs().await;
    assert_eq!(world.cal.declined(), ["uid-expired"]);
}

#[sqlx::test]
async fn a_missed_webhook_is_caught_by_reconciliation(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-missed").await;
    world.stripe.pay(&session_id); // paid, but the webhook never arrives
    sqlx::query("update booking set checkout_started_at = now() - interval '11 minutes'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.worker.sweep().await.unwrap();
    assert_eq!(world.status(&public_id).await, "paid");
    world.drain_jobs().await;
    assert_eq!(world.wait_for_mail(&world.customer_email, 1).await.len(), 1);
}

// ---- Thank-you page ----------------------------------------------------------------------

#[sqlx::test]
async fn the_thank_you_page_says_only_what_it_has_seen(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-thanks").await;
    let path = format!("/bookings/{public_id}/thanks?session_id={session_id}");

    let page = world.app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.attrs("[data-payment]", "data-payment"), ["unpaid"]);

    world.stripe.pay(&session_id); // Stripe has it; the webhook is late
    let page = world.app.get(&path).await;
    assert_eq!(page.attrs("[data-payment]", "data-payment"), ["confirmed"]);
    assert!(page.body.contains("confirmation email"));
    assert_eq!(
        world.status(&public_id).await,
        "paid",
        "fulfilled from the landing page"
    );

    // The webhook then arrives: nothing more happens.
    world.pay(&session_id).await;
    let jobs: i64 = sqlx::query_scalar("select count(*) from job where kind = 'email'")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, 2);

    let fragment = world.app.get_htmx(&path).await;
    assert!(!fragment.body.contains("<html"));
    assert_eq!(
        fragment.attrs("[data-payment]", "data-payment"),
        ["confirmed"]
    );
}

// ---- cal.com webhooks --------------------------------------------------------------------

fn cal_event(
    trigger: &str,
    uid: &str,
    cancelled_by: Option<&str>,
    organizer: &str,
) -> serde_json::Value {
    json!({
        "triggerEvent": trigger,
        "createdAt": "2026-11-27T10:00:00.000Z",
        "payload": {
            "uid": uid, "status": "CANCELLED", "cancellationReason": "Something came up",
            "cancelledBy": cancelled_by, "organizer": {"email": organizer},
            "startTime": "2026-12-10T10:00:00Z", "endTime": "2026-12-10T11:30:00Z"
        }
    })
}

#[sqlx::test]
async fn an_interviewer_cancelling_a_paid_booking_refunds_it_in_full(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-host-cancels").await;
    world.pay(&session_id).await;
    let event = cal_event(
        "BOOKING_CANCELLED",
        "uid-host-cancels",
        Some(&world.host_email),
        &world.host_email,
    );
    assert_eq!(world.post_cal_event(&event).await, StatusCode::OK);
    assert_eq!(
        world.post_cal_event(&event).await,
        StatusCode::OK,
        "redelivery is harmless"
    );
    assert_eq!(world.status(&public_id).await, "cancelled");
    world.drain_jobs().await;
    let refunds = world.stripe.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], "15000");
    assert_eq!(refunds[0]["payment_intent"], format!("pi_for_{session_id}"));

    let charge = json!({"id": "ch_1", "object": "charge", "payment_intent": format!("pi_for_{session_id}"), "refunded": true, "amount_refunded": 15000});
    assert_eq!(
        world
            .post_stripe_event(&stripe_event("evt_refunded", "charge.refunded", charge))
            .await,
        StatusCode::OK
    );
    assert_eq!(world.status(&public_id).await, "refunded");
    let cancellation = world.wait_for_mail(&world.customer_email, 2).await;
    assert!(
        cancellation
            .iter()
            .any(|m| m["text"].as_str().unwrap().contains("$150")),
        "the email says what is refunded"
    );
    for mail in &cancellation {
        let text = mail["text"].as_str().unwrap();
        assert!(text.starts_with("Hi Ada,\n"), "{}: {text}", mail["subject"]);
        assert!(
            mail["html"].as_str().unwrap().contains("<p>Hi Ada,</p>"),
            "{}",
            mail["subject"]
        );
    }
}

/// cal.com's `BOOKING_REJECTED` carries its reason as `rejectionReason` (cal.com's
/// `confirm.handler.ts`), and a paid booking the interviewer rejects is refunded in full.
#[sqlx::test]
async fn a_rejection_keeps_its_reason_and_refunds_in_full(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-rejected").await;
    world.pay(&session_id).await;
    let event = json!({
        "triggerEvent": "BOOKING_REJECTED",
        "createdAt": "2026-11-27T10:00:00.000Z",
        "payload": {
            "uid": "uid-rejected", "status": "REJECTED", "rejectionReason": "I am travelling that week",
            "organizer": {"email": world.host_email},
        }
    });
    assert_eq!(world.post_cal_event(&event).await, StatusCode::OK);
    let (status, reason): (String, Option<String>) = sqlx::query_as(
        "select status::text, cancellation_reason from booking where public_id = $1",
    )
    .bind(&public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(status, "cancelled");
    assert_eq!(reason.as_deref(), Some("I am travelling that week"));
    world.drain_jobs().await;
    assert_eq!(world.stripe.refunds()[0]["amount"], "15000");
}

#[sqlx::test]
async fn a_customer_cancelling_late_is_not_refunded_automatically(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-late-cancel").await;
    world.pay(&session_id).await;
    sqlx::query("update booking set starts_at = now() + interval '3 hours', ends_at = now() + interval '4 hours'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    let event = cal_event(
        "BOOKING_CANCELLED",
        "uid-late-cancel",
        Some(&world.customer_email),
        &world.host_email,
    );
    assert_eq!(world.post_cal_event(&event).await, StatusCode::OK);
    assert_eq!(world.status(&public_id).await, "cancelled");
    world.drain_jobs().await;
    assert!(world.stripe.refunds().is_empty());
}

#[sqlx::test]
async fn calcom_webhooks_need_a_valid_signature_and_follow_reschedules(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = world.book("uid-resched").await;
    let event = cal_event("BOOKING_CANCELLED", "uid-resched", None, &world.host_email);
    let response = world
        .app
        .client
        .post(world.app.url("/webhooks/calcom"))
        .header("X-Cal-Signature-256", "00".repeat(32))
        .body(event.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(world.status(&public_id).await, "held");

    let reschedule = json!({
        "triggerEvent": "BOOKING_RESCHEDULED",
        "payload": {"uid": "uid-resched-2", "rescheduleUid": "uid-resched",
                    "startTime": "2026-12-20T09:00:00Z", "endTime": "2026-12-20T10:30:00Z"}
    });
    assert_eq!(world.post_cal_event(&reschedule).await, StatusCode::OK);
    let (uid, start): (String, String) =
        sqlx::query_as("select cal_booking_uid, to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') from booking")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(uid, "uid-resched-2");
    assert_eq!(start, "2026-12-20 09:00");
}

/// cal.com's `BOOKING_REQUESTED` for an attendee's reschedule of a booking that requires
/// confirmation: a new pending booking with a new uid and `rescheduleUid` (cal.com's
/// RegularBookingService.ts), as the fake would have it.
fn reschedule_requested(world: &World, new_uid: &str, old_uid: Option<&str>) -> serde_json::Value {
    let booking = world.cal.state.lock().unwrap().bookings[new_uid].clone();
    json!({
        "triggerEvent": "BOOKING_REQUESTED",
        "createdAt": "2026-11-27T10:00:00.000Z",
        "payload": {
            "uid": new_uid, "rescheduleUid": old_uid, "status": "PENDING",
            "startTime": booking["start"], "endTime": booking["end"],
            "organizer": {"email": world.host_email},
        }
    })
}

/// An attendee moves a paid booking within our policy: ours follows the new uid and time with
/// no new payment, the new cal.com booking is confirmed once, both sides are emailed once.
#[sqlx::test]
async fn an_attendee_reschedule_moves_the_paid_booking_and_confirms_the_new_time(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-before-move").await;
    world.pay(&session_id).await;
    world.drain_jobs().await;
    world.cal.add_booking(
        "uid-after-move",
        crate::booking_support::EVENT_TYPE_ID,
        120,
        "pending",
        &world.host_email,
        &world.customer_email,
    );
    // A new request of someone else (no rescheduleUid) changes nothing of ours.
    let unrelated = reschedule_requested(&world, "uid-after-move", None);
    assert_eq!(world.post_cal_event(&unrelated).await, StatusCode::OK);
    let event = reschedule_requested(&world, "uid-after-move", Some("uid-before-move"));
    for _ in 0..2 {
        assert_eq!(world.post_cal_event(&event).await, StatusCode::OK);
    }
    let (uid, status, sequence, hours_ahead): (String, String, i32, f64) = sqlx::query_as(
        "select cal_booking_uid, status::text, calendar_sequence,
                (extract(epoch from starts_at - now()) / 3600)::float8 from booking where public_id = $1",
    )
    .bind(&public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(
        (uid.as_str(), status.as_str(), sequence),
        ("uid-after-move", "paid", 1)
    );
    assert!((119.0..121.0).contains(&hours_ahead), "{hours_ahead}");
    world.drain_jobs().await;
    assert_eq!(world.cal.confirmed(), ["uid-before-move", "uid-after-move"]);
    let moved = |mail: Vec<serde_json::Value>| {
        mail.iter()
            .filter(|m| m["subject"].as_str().unwrap_or("").starts_with("Moved:"))
            .count()
    };
    assert_eq!(
        moved(world.wait_for_mail(&world.customer_email, 2).await),
        1
    );
    assert_eq!(moved(world.wait_for_mail(&world.host_email, 2).await), 1);
    assert_eq!(world.stripe.session_count(), 1, "no new payment");
    // The update is the same calendar event, one version later.
    let mail = world.wait_for_mail(&world.customer_email, 2).await;
    let update = mail
        .iter()
        .find(|m| m["subject"].as_str().unwrap_or("").starts_with("Moved:"))
        .unwrap();
    let (method, event) = crate::booking_support::invite_of(update).await;
    assert_eq!(method, "REQUEST");
    assert_eq!(event.get_sequence(), Some(1));
    assert!(
        event
            .get_uid()
            .unwrap_or("")
            .starts_with(&format!("booking-{public_id}@"))
    );
}

/// Inside the notice window a booking cannot be moved: the new request is declined, the
/// booking keeps its time, and the customer is told why.
#[sqlx::test]
async fn a_reschedule_inside_the_notice_window_is_refused(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-soon").await;
    world.pay(&session_id).await;
    world.drain_jobs().await;
    sqlx::query("update booking set starts_at = now() + interval '5 hours', ends_at = now() + interval '6 hours 30 minutes'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.cal.add_booking(
        "uid-soon-moved",
        crate::booking_support::EVENT_TYPE_ID,
        120,
        "pending",
        &world.host_email,
        &world.customer_email,
    );
    let event = reschedule_requested(&world, "uid-soon-moved", Some("uid-soon"));
    assert_eq!(world.post_cal_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;
    let uid: String =
        sqlx::query_scalar("select cal_booking_uid from booking where public_id = $1")
            .bind(&public_id)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(uid, "uid-soon");
    assert_eq!(world.status(&public_id).await, "paid");
    assert_eq!(world.cal.declined(), ["uid-soon-moved"]);
    let mail = world.wait_for_mail(&world.customer_email, 2).await;
    assert!(
        mail.iter().any(|m| m["subject"]
            .as_str()
            .unwrap_or("")
            .starts_with("Not moved:")),
        "the customer is told"
    );
}
