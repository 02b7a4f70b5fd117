//! What an attacker's probe of the running site found (issue 9), one test per finding; each
//! failed on the code before the fix.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::{
    admin::link_from_outbox,
    booking_support::{World, pdf, stored_objects, stripe_event},
    helpers::{BASE_URL, TestApp, small_catalogue, spawn_app, spawn_app_with},
    personas::{PASSWORD, add_user, browser, log_in, paid_booking, signed_in},
};

async fn ask_reset(app: &TestApp, email: &str) -> StatusCode {
    app.post("/admin/password/forgot")
        .form(&[("email", email)])
        .send()
        .await
        .unwrap()
        .status()
}

/// 1: guesses counted and checked in one step, on one instance or two.
#[sqlx::test]
async fn thirty_parallel_guesses_on_two_instances_get_five_password_checks(pool: PgPool) {
    add_user(&pool, "ada@example.com", false, None).await;
    let first = spawn_app(pool.clone()).await;
    let second = spawn_app(pool).await;
    let answers = join_all((0..30).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        async move {
            log_in(app, &browser(), "ada@example.com", "a wrong guess")
                .await
                .status()
        }
    }))
    .await;
    let checked = answers
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let throttled = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, throttled), (5, 25), "{answers:?}");
}

/// 2: a new link, or a password set or changed, ends every earlier link.
#[sqlx::test]
async fn a_new_link_or_a_new_password_ends_the_earlier_links(pool: PgPool) {
    add_user(&pool, "ada@example.com", false, None).await;
    let app = spawn_app(pool).await;
    assert_eq!(ask_reset(&app, "ada@example.com").await, StatusCode::OK);
    app.run_jobs().await;
    let first = link_from_outbox(&app, "ada@example.com").await;
    assert_eq!(ask_reset(&app, "ada@example.com").await, StatusCode::OK);
    app.run_jobs().await;
    let second = link_from_outbox(&app, "ada@example.com").await;
    assert_ne!(first, second);
    let status = |path: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url(&path))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        status(first.clone()).await,
        StatusCode::NOT_FOUND,
        "a newer link ends it"
    );
    let set = app
        .post(&second)
        .form(&[
            ("new", "another long passphrase"),
            ("confirm", "another long passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(second).await, StatusCode::NOT_FOUND);

    // A link asked for, then the password changed while signed in: the link dies.
    assert_eq!(ask_reset(&app, "ada@example.com").await, StatusCode::OK);
    app.run_jobs().await;
    let third = link_from_outbox(&app, "ada@example.com").await;
    let client = browser();
    log_in(&app, &client, "ada@example.com", "another long passphrase").await;
    let changed = client
        .post(app.url("/admin/account/password"))
        .header("Origin", BASE_URL)
        .form(&[
            ("current", "another long passphrase"),
            ("new", "a third long passphrase"),
            ("confirm", "a third long passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(status(third).await, StatusCode::NOT_FOUND);
}

/// 3: a payment counts only for a session the booking opened, at its amount (less any
/// promotion code's discount: `promotions.rs`) and currency.
#[sqlx::test]
async fn a_payment_the_booking_did_not_ask_for_is_refunded_not_accepted(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-forged").await;
    let forged = json!({
        "id": "cs_never_ours", "object": "checkout.session", "status": "complete",
        "payment_status": "paid", "payment_intent": "pi_forged", "client_reference_id": public_id,
        "amount_total": 1, "currency": "jpy",
    });
    let mut wrong_amount = world.stripe.session(&session_id);
    wrong_amount["status"] = json!("complete");
    wrong_amount["payment_status"] = json!("paid");
    wrong_amount["payment_intent"] = json!("pi_wrong_amount");
    wrong_amount["amount_total"] = json!(100);
    for (n, session) in [forged, wrong_amount].into_iter().enumerate() {
        let event = stripe_event(
            &format!("evt_forged_{n}"),
            "checkout.session.completed",
            session,
        );
        assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    }
    let (status, recorded): (String, Option<String>) = sqlx::query_as(
        "select status::text, checkout_session_id from booking where public_id = $1",
    )
    .bind(&public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(status, "awaiting_payment");
    assert_eq!(
        recorded.as_deref(),
        Some(session_id.as_str()),
        "its session id stays"
    );
    let anomalies: Vec<(String, String)> = sqlx::query_as(
        "select session_id, reason from payment_anomaly order by payment_anomaly_id",
    )
    .fetch_all(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(
        anomalies,
        [
            (
                "cs_never_ours".to_owned(),
                "not a Checkout Session this booking opened".to_owned()
            ),
            (
                session_id.clone(),
                "the amount paid is not the session's price less its discount".to_owned()
            ),
        ]
    );
    world.drain_jobs().await;
    let refunds: Vec<(String, String)> = world
        .stripe
        .refunds()
        .iter()
        .map(|r| (r["payment_intent"].clone(), r["amount"].clone()))
        .collect();
    assert_eq!(
        refunds,
        [
            ("pi_forged".to_owned(), "1".to_owned()),
            ("pi_wrong_amount".to_owned(), "100".to_owned())
        ]
    );
}

/// 4: resumes download, sandboxed, and the panel says so.
#[sqlx::test]
async fn resumes_are_sandboxed_downloads(pool: PgPool) {
    small_catalogue(&pool).await;
    add_user(&pool, "ada@example.com", false, Some("ada-alpha")).await;
    let app = spawn_app(pool).await;
    let booking = paid_booking(&app, "ada-alpha", "Carla Customer").await;
    let ada = signed_in(&app, "ada@example.com").await;
    let resume = ada
        .get(app.url(&format!("/admin/bookings/{booking}/resume")))
        .send()
        .await
        .unwrap();
    assert_eq!(resume.status(), StatusCode::OK);
    let header = |name: &str| resume.headers()[name].to_str().unwrap().to_owned();
    assert!(header("content-disposition").starts_with("attachment;"));
    assert!(header("content-security-policy").starts_with("sandbox"));
    assert_eq!(header("cache-control"), "no-store");
    let page = TestApp::page(
        ada.get(app.url(&format!("/admin/bookings/{booking}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.count("[data-testid=resume-downloads]"), 1);
    assert_eq!(page.attrs("[data-testid=resume-link]", "download").len(), 1);
}

/// 5: pages with customers' data are never cached.
#[sqlx::test]
async fn pages_with_customers_data_are_not_cached(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, _) = world.book_and_checkout("uid-cache").await;
    for (path, policy) in [
        (
            format!("/bookings/{public_id}/details"),
            "private, no-store",
        ),
        (format!("/bookings/{public_id}/thanks"), "private, no-store"),
        ("/admin/login".to_owned(), "no-store"),
    ] {
        let page = world.app.get(&path).await;
        assert_eq!(page.header("cache-control"), Some(policy), "{path}");
    }
    let page = world.app.get("/interviewers").await;
    assert_eq!(
        page.header("cache-control"),
        None,
        "public pages are cacheable"
    );
}

/// 6: NUL and line breaks in ids, form fields and `next` are refused cleanly.
#[sqlx::test]
async fn nul_bytes_and_line_breaks_are_refused_without_a_500(pool: PgPool) {
    small_catalogue(&pool).await;
    add_user(&pool, "ada@example.com", false, Some("ada-alpha")).await;
    let app = spawn_app(pool).await;
    for path in [
        "/bookings/abc%00/details",
        "/bookings/abc%00/thanks",
        "/interviewers/ada%00/book",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let ada = signed_in(&app, "ada@example.com").await;
    let admin_id = ada
        .get(app.url("/admin/bookings/x%00y"))
        .send()
        .await
        .unwrap();
    assert_eq!(admin_id.status(), StatusCode::NOT_FOUND);
    let profile = ada
        .post(app.url("/admin/profile"))
        .header("Origin", BASE_URL)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("name=Ada+Alpha&rate=150&currency=USD&time_zone=UTC&new_technologies=Zigzag%00")
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        profile
            .text()
            .await
            .unwrap()
            .contains("could not read that form")
    );
    let tags: i64 = sqlx::query_scalar("select count(*) from tag where name like 'Zigzag%'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tags, 0, "nothing stored");

    let client = browser();
    let signed_in = client
        .post(app.url("/admin/login"))
        .header("Origin", BASE_URL)
        .form(&[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("next", "/admin\r\nSet-Cookie: x=1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/admin");
    let page = app.get("/admin/login?next=%2Fadmin%00").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.attrs("input[name=next]", "value"), ["/admin"]);
}

/// 7: reset emails limited per address and per client, the same way for unknown addresses.
#[sqlx::test]
async fn password_reset_requests_are_limited_alike_for_known_and_unknown_addresses(pool: PgPool) {
    add_user(&pool, "ada@example.com", false, None).await;
    let app = spawn_app(pool).await;
    let mut answers = Vec::new();
    for email in ["ada@example.com", "nobody@example.com"] {
        let mut statuses = Vec::new();
        for _ in 0..5 {
            statuses.push(ask_reset(&app, email).await);
        }
        answers.push(statuses);
    }
    let expected = [
        StatusCode::OK,
        StatusCode::OK,
        StatusCode::OK,
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::TOO_MANY_REQUESTS,
    ];
    assert_eq!(
        answers,
        [expected, expected],
        "three per address, known or not"
    );
    let queued: i64 = sqlx::query_scalar("select count(*) from job where kind = 'password_reset'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(queued, 6, "the same work for both");
    app.run_jobs().await;
    let sent: i64 = sqlx::query_scalar("select count(*) from job where kind = 'email'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sent, 3, "only the real account gets links");
    // Per client: ten an hour, whichever addresses.
    let mut statuses = Vec::new();
    for n in 0..6 {
        statuses.push(ask_reset(&app, &format!("someone-{n}@example.com")).await);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        4,
        "{statuses:?}"
    );
}

/// 8: one client cannot spend the site's cal.com quota.
#[sqlx::test]
async fn made_up_booking_uids_from_one_client_are_limited(pool: PgPool) {
    let world = World::new(pool).await;
    let answers = join_all((0..30).map(|n| {
        let app = &world.app;
        async move {
            app.post("/interviewers/ines-interviewer/book")
                .header("X-Forwarded-For", "198.51.100.7")
                .form(&[("uid", format!("made-up-{n}"))])
                .send()
                .await
                .unwrap()
        }
    }))
    .await;
    assert_eq!(world.cal.lookups(), 10, "ten lookups reached cal.com");
    let limited: Vec<_> = answers
        .into_iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(limited.len(), 20);
    let message = limited.into_iter().next().unwrap().text().await.unwrap();
    assert!(message.contains("Please wait"), "{message}");
}

/// 9: a signed event we cannot read is a 400, not a 503 Stripe retries for days.
#[sqlx::test]
async fn a_signed_stripe_event_of_the_wrong_shape_is_a_400(pool: PgPool) {
    let world = World::new(pool).await;
    let event = stripe_event(
        "evt_wrong_shape",
        "checkout.session.completed",
        json!({ "id": 42, "payment_status": ["paid"] }),
    );
    assert_eq!(
        world.post_stripe_event(&event).await,
        StatusCode::BAD_REQUEST
    );
}

/// 10: storage holds only the resume the booking references.
#[sqlx::test]
async fn replaced_resumes_leave_storage(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, _) = world.book_and_checkout("uid-resumes").await;
    for _ in 0..3 {
        let form = world.details_form(Some(("cv.pdf", "application/pdf", pdf())));
        world.submit_details(&public_id, form).await;
    }
    join_all((0..5).map(|_| {
        let form = world.details_form(Some(("cv.pdf", "application/pdf", pdf())));
        world.submit_details(&public_id, form)
    }))
    .await;
    let referenced: String =
        sqlx::query_scalar("select resume_key from booking where public_id = $1")
            .bind(&public_id)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(
        stored_objects(&format!("resumes/{public_id}")).await,
        [referenced]
    );
}

/// 11: forwarded addresses are believed only from configured proxies.
#[sqlx::test]
async fn forged_forwarded_addresses_do_not_dodge_the_sign_in_limit(pool: PgPool) {
    let production = [
        ("APP_ENV", "production"),
        (
            "SECRET_KEY",
            "a test secret key that is long enough to pass",
        ),
    ];
    let app = spawn_app_with(pool.clone(), &production).await;
    let mut statuses = Vec::new();
    for n in 0..25 {
        let response = browser()
            .post(app.url("/admin/login"))
            .header("Origin", BASE_URL)
            .header("X-Forwarded-For", format!("203.0.113.{n}"))
            .form(&[
                ("email", format!("guess-{n}@example.com").as_str()),
                ("password", "wrong"),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert_eq!(
        statuses[20..],
        [StatusCode::TOO_MANY_REQUESTS; 5],
        "twenty per client, whatever the header says"
    );

    // Behind a configured proxy, the header names the client.
    let mut behind_proxy = production.to_vec();
    behind_proxy.push(("TRUSTED_PROXIES", "127.0.0.1"));
    let proxied = spawn_app_with(pool, &behind_proxy).await;
    let response = browser()
        .post(proxied.url("/admin/login"))
        .header("Origin", BASE_URL)
        .header("X-Forwarded-For", "198.51.100.99")
        .form(&[("email", "guess-new@example.com"), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// 12: the link is the credential; the page masks the email and the email says it is private.
#[sqlx::test]
async fn the_thank_you_page_masks_the_email_and_the_email_says_the_link_is_private(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-masked").await;
    world.pay(&session_id).await;
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/thanks"))
        .await;
    assert!(!page.body.contains(&world.customer_email));
    let (first, domain) = world.customer_email.split_once('@').unwrap();
    assert!(page.body.contains(&format!("{}•••@{domain}", &first[..1])));
    world.drain_jobs().await;
    let mail = world.wait_for_mail(&world.customer_email, 1).await;
    assert!(
        mail[0]["text"]
            .as_str()
            .unwrap()
            .contains("This link is private")
    );
}
