//! The admin panel: sign-in and sessions, throttling, password links, and who may see what.
//! Personas: anonymous, interviewer A, interviewer B, staff.

use interview_service::auth::password;
use reqwest::{Client, StatusCode, redirect::Policy};
use sqlx::PgPool;

use crate::helpers::{BASE_URL, TestApp, small_catalogue, spawn_app};

const PASSWORD: &str = "a long enough passphrase";

/// A browser: its own cookie jar, no automatic redirects.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub async fn add_user(
    pool: &PgPool,
    email: &str,
    staff: bool,
    interviewer_slug: Option<&str>,
) -> i64 {
    let hash = password::hash_password(PASSWORD).unwrap();
    sqlx::query_scalar(
        "insert into app_user (email, name, password_hash, is_staff, interviewer_id)
         values ($1, $2, $3, $4, (select interviewer_id from interviewer where slug = $5)) returning user_id",
    )
    .bind(email)
    .bind(email.split('@').next().unwrap())
    .bind(hash)
    .bind(staff)
    .bind(interviewer_slug)
    .fetch_one(pool)
    .await
    .unwrap()
}

pub async fn log_in(
    app: &TestApp,
    client: &Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/admin/login"))
        .header("Origin", BASE_URL)
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/admin/bookings"),
        ])
        .send()
        .await
        .unwrap()
}

async fn signed_in(app: &TestApp, email: &str) -> Client {
    let client = browser();
    let response = log_in(app, &client, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} signs in");
    client
}

/// A paid booking for the interviewer with `slug`, with a resume in storage. Returns its public id.
pub async fn paid_booking(app: &TestApp, slug: &str, customer: &str) -> String {
    let public_id = interview_service::auth::tokens::new_public_id();
    let key = format!("resumes/{public_id}/cv.pdf");
    app.state
        .services
        .storage
        .put(&key, b"%PDF-1.4\n%%EOF\n".to_vec())
        .await
        .unwrap();
    sqlx::query(
        "insert into booking (public_id, interviewer_id, cal_booking_uid, status, starts_at, ends_at, price_minor, currency,
                              customer_name, customer_email, background, interview_focus, resume_key, resume_filename,
                              hold_expires_at, paid_at, payment_intent_id, details_submitted_at)
         values ($1, (select interviewer_id from interviewer where slug = $2), $1, 'paid', now() + interval '3 days',
                 now() + interval '3 days 90 minutes', 15000, 'USD', $3, $4, 'Six years of Go.', 'System design.', $5, 'cv.pdf',
                 now(), now(), 'pi_' || $1, now())",
    )
    .bind(&public_id)
    .bind(slug)
    .bind(customer)
    .bind(format!("{}@example.com", customer.to_lowercase().replace(' ', ".")))
    .bind(&key)
    .execute(&app.pool)
    .await
    .unwrap();
    public_id
}

struct Personas {
    app: TestApp,
    anonymous: Client,
    a: Client,
    b: Client,
    staff: Client,
    booking_a: String,
    booking_b: String,
    id_a: i64,
}

async fn personas(pool: PgPool) -> Personas {
    small_catalogue(&pool).await; // Ada Alpha, Bo Beta, Cy Gamma, Hal Hidden
    add_user(&pool, "ada@example.com", false, Some("ada-alpha")).await;
    add_user(&pool, "bo@example.com", false, Some("bo-beta")).await;
    add_user(&pool, "sam@example.com", true, None).await;
    let id_a: i64 =
        sqlx::query_scalar("select interviewer_id from interviewer where slug = 'ada-alpha'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let app = spawn_app(pool).await;
    let booking_a = paid_booking(&app, "ada-alpha", "Carla Customer").await;
    let booking_b = paid_booking(&app, "bo-beta", "Dan Customer").await;
    Personas {
        a: signed_in(&app, "ada@example.com").await,
        b: signed_in(&app, "bo@example.com").await,
        staff: signed_in(&app, "sam@example.com").await,
        anonymous: browser(),
        app,
        booking_a,
        booking_b,
        id_a,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Ok,
    Login,
    NotFound,
}

async fn check(
    app: &TestApp,
    client: &Client,
    who: &str,
    method: &str,
    path: &str,
    expect: Expect,
) {
    let request = match method {
        "GET" => client.get(app.url(path)),
        _ => client
            .post(app.url(path))
            .header("Origin", BASE_URL)
            .form(&[("note", ""), ("reason", "")]),
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    match expect {
        Expect::Ok => assert!(
            status.is_success()
                || status == StatusCode::UNPROCESSABLE_ENTITY
                || (status == StatusCode::SEE_OTHER
                    && location.starts_with("/admin")
                    && !location.starts_with("/admin/login")),
            "{who} {method} {path}: expected access, got {status} {location}"
        ),
        Expect::Login => {
            assert_eq!(status, StatusCode::SEE_OTHER, "{who} {method} {path}");
            assert!(
                location.starts_with("/admin/login?next="),
                "{who} {method} {path}: {location}"
            );
        }
        Expect::NotFound => assert_eq!(status, StatusCode::NOT_FOUND, "{who} {method} {path}"),
    }
}

/// Every admin route and private object, for every persona.
#[sqlx::test]
async fn every_admin_route_answers_each_persona_as_it_should(pool: PgPool) {
    use Expect::*;
    let p = personas(pool).await;
    let (ba, bb, ia) = (&p.booking_a, &p.booking_b, p.id_a);
    // (method, path, anonymous, interviewer A, interviewer B, staff)
    let matrix: Vec<(&str, String, Expect, Expect, Expect, Expect)> = vec![
        ("GET", "/admin".into(), Login, Ok, Ok, Ok),
        ("GET", "/admin/bookings".into(), Login, Ok, Ok, Ok),
        (
            "GET",
            format!("/admin/bookings/{ba}"),
            Login,
            Ok,
            NotFound,
            Ok,
        ),
        (
            "GET",
            format!("/admin/bookings/{ba}/resume"),
            Login,
            Ok,
            NotFound,
            Ok,
        ),
        (
            "GET",
            format!("/admin/bookings/{bb}"),
            Login,
            NotFound,
            Ok,
            Ok,
        ),
        (
            "GET",
            format!("/admin/bookings/{bb}/resume"),
            Login,
            NotFound,
            Ok,
            Ok,
        ),
        (
            "GET",
            "/admin/bookings/nosuchbooking0000000000000".into(),
            Login,
            NotFound,
            NotFound,
            NotFound,
        ),
        (
            "POST",
            format!("/admin/bookings/{bb}/acknowledge"),
            Login,
            NotFound,
            Ok,
            Ok,
        ),
        (
            "POST",
            format!("/admin/bookings/{ba}/refund"),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        ("GET", "/admin/profile".into(), Login, Ok, Ok, Ok),
        ("GET", "/admin/account/password".into(), Login, Ok, Ok, Ok),
        (
            "GET",
            "/admin/interviewers".into(),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        (
            "GET",
            format!("/admin/interviewers/{ia}/profile"),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        (
            "POST",
            format!("/admin/interviewers/{ia}/profile"),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        (
            "POST",
            format!("/admin/interviewers/{ia}/listing"),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        (
            "POST",
            "/admin/interviewers".into(),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        ("GET", "/admin/tags".into(), Login, NotFound, NotFound, Ok),
        (
            "POST",
            "/admin/tags/merge".into(),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        (
            "GET",
            "/admin/content".into(),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        (
            "POST",
            "/admin/testimonials".into(),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        (
            "POST",
            "/admin/companies".into(),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
        (
            "POST",
            format!("/admin/interviewers/{ia}/deactivate"),
            Login,
            NotFound,
            NotFound,
            Ok,
        ),
    ];
    for (method, path, anonymous, a, b, staff) in &matrix {
        check(&p.app, &p.anonymous, "anonymous", method, path, *anonymous).await;
        check(&p.app, &p.a, "interviewer A", method, path, *a).await;
        check(&p.app, &p.b, "interviewer B", method, path, *b).await;
        check(&p.app, &p.staff, "staff", method, path, *staff).await;
    }
}

#[sqlx::test]
async fn interviewers_see_only_their_own_bookings_in_the_list(pool: PgPool) {
    let p = personas(pool).await;
    let list = TestApp::page(p.a.get(p.app.url("/admin/bookings")).send().await.unwrap()).await;
    assert!(list.body.contains("Carla Customer"));
    assert!(
        !list.body.contains("Dan Customer"),
        "B's customer is not in A's list"
    );
    let list = TestApp::page(
        p.staff
            .get(p.app.url("/admin/bookings"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(list.body.contains("Carla Customer") && list.body.contains("Dan Customer"));

    let resume =
        p.a.get(
            p.app
                .url(&format!("/admin/bookings/{}/resume", p.booking_a)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resume.headers()["content-type"], "application/pdf");
    assert_eq!(resume.headers()["cache-control"], "private, no-store");
    assert!(resume.bytes().await.unwrap().starts_with(b"%PDF-"));
}

#[sqlx::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it(pool: PgPool) {
    small_catalogue(&pool).await;
    add_user(&pool, "ada@example.com", false, Some("ada-alpha")).await;
    let app = spawn_app(pool).await;
    let cookie_of = |r: &reqwest::Response| {
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    let plain = Client::builder().redirect(Policy::none()).build().unwrap();
    let first = log_in(&app, &plain, "ada@example.com", PASSWORD).await;
    let set_cookie = first.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.contains("Secure"),
        "not Secure over plain http in development"
    );
    let first = cookie_of(&first);
    let second = plain
        .post(app.url("/admin/login"))
        .header("Origin", BASE_URL)
        .header("Cookie", &first)
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = cookie_of(&second);
    assert_ne!(first, second, "a new session id at every sign-in");
    let old = plain
        .get(app.url("/admin/bookings"))
        .header("Cookie", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::SEE_OTHER, "the old session ended");
    let current = plain
        .get(app.url("/admin/bookings"))
        .header("Cookie", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(current.status(), StatusCode::OK);

    let out = plain
        .post(app.url("/admin/logout"))
        .header("Origin", BASE_URL)
        .header("Cookie", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = plain
        .get(app.url("/admin/bookings"))
        .header("Cookie", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "signed out");

    // Idle sessions end.
    let third = cookie_of(&log_in(&app, &plain, "ada@example.com", PASSWORD).await);
    sqlx::query("update session set last_seen_at = now() - interval '2 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    let idle = plain
        .get(app.url("/admin/bookings"))
        .header("Cookie", &third)
        .send()
        .await
        .unwrap();
    assert_eq!(idle.status(), StatusCode::SEE_OTHER, "idle session ended");
}

#[sqlx::test]
async fn production_cookies_are_secure_and_host_prefixed(pool: PgPool) {
    add_user(&pool, "sam@example.com", true, None).await;
    let secret = "k".repeat(40);
    let app = crate::helpers::spawn_app_with(
        pool,
        &[
            ("APP_ENV", "production"),
            ("SECRET_KEY", &secret),
            ("HOST", "127.0.0.1"),
        ],
    )
    .await;
    let response = log_in(&app, &browser(), "sam@example.com", PASSWORD).await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("__Host-session=")
            && cookie.contains("; Secure")
            && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[sqlx::test]
async fn wrong_passwords_and_unknown_emails_get_the_same_answer_until_throttled(pool: PgPool) {
    add_user(&pool, "ada@example.com", false, None).await;
    let app = spawn_app(pool).await;
    let client = browser();
    let wrong =
        TestApp::page(log_in(&app, &client, "ada@example.com", "not the password at all").await)
            .await;
    let unknown = TestApp::page(
        log_in(
            &app,
            &client,
            "nobody@example.com",
            "not the password at all",
        )
        .await,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(
        wrong.texts("[data-testid=login-error]"),
        unknown.texts("[data-testid=login-error]")
    );

    for _ in 0..4 {
        log_in(&app, &client, "ada@example.com", "still not the password").await;
    }
    // Five failures: even the right password is refused for a while, with a clear message.
    let throttled = TestApp::page(log_in(&app, &client, "ada@example.com", PASSWORD).await).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        throttled
            .texts("[data-testid=login-error]")
            .concat()
            .contains("Too many sign-in attempts")
    );
    sqlx::query("update login_attempt set attempted_at = now() - interval '16 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        log_in(&app, &client, "ada@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "the window passes"
    );
}

#[sqlx::test]
async fn sign_in_from_another_site_is_refused(pool: PgPool) {
    add_user(&pool, "ada@example.com", false, None).await;
    let app = spawn_app(pool).await;
    let response = browser()
        .post(app.url("/admin/login"))
        .header("Origin", "https://evil.example")
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

async fn link_from_outbox(app: &TestApp, to: &str) -> String {
    let payload: serde_json::Value = sqlx::query_scalar("select payload from job where kind = 'email' and payload->>'to' = $1 order by job_id desc limit 1")
        .bind(to)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let text = payload["text"].as_str().unwrap();
    let start = text.find(BASE_URL).expect("a link in the email");
    text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches(BASE_URL)
        .to_owned()
}

#[sqlx::test]
async fn reset_links_work_once_and_expire(pool: PgPool) {
    add_user(&pool, "ada@example.com", false, None).await;
    let app = spawn_app(pool).await;
    let client = browser();
    for email in ["ada@example.com", "nobody@example.com"] {
        let page = TestApp::page(
            client
                .post(app.url("/admin/password/forgot"))
                .header("Origin", BASE_URL)
                .form(&[("email", email)])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.count("[data-testid=reset-sent]"),
            1,
            "the same answer for {email}"
        );
    }
    let emails: i64 = sqlx::query_scalar("select count(*) from job where kind = 'email'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(emails, 1, "only the real account gets a link");

    let link = link_from_outbox(&app, "ada@example.com").await;
    assert_eq!(
        client.get(app.url(&link)).send().await.unwrap().status(),
        StatusCode::OK
    );
    let new_password = "another long passphrase";
    let set = client
        .post(app.url(&link))
        .header("Origin", BASE_URL)
        .form(&[("new", new_password), ("confirm", new_password)])
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        log_in(&app, &browser(), "ada@example.com", new_password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        log_in(&app, &browser(), "ada@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old one is gone"
    );

    let reused = TestApp::page(
        client
            .post(app.url(&link))
            .header("Origin", BASE_URL)
            .form(&[
                ("new", "yet another passphrase"),
                ("confirm", "yet another passphrase"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reused.status, StatusCode::NOT_FOUND, "single use");
    assert_eq!(reused.count("[data-testid=token-invalid]"), 1);

    client
        .post(app.url("/admin/password/forgot"))
        .header("Origin", BASE_URL)
        .form(&[("email", "ada@example.com")])
        .send()
        .await
        .unwrap();
    let link = link_from_outbox(&app, "ada@example.com").await;
    sqlx::query(
        "update account_token set expires_at = now() - interval '1 minute' where used_at is null",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        client.get(app.url(&link)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "expired"
    );
}

#[sqlx::test]
async fn acknowledging_emails_the_customer_once(pool: PgPool) {
    let p = personas(pool).await;
    let path = format!("/admin/bookings/{}/acknowledge", p.booking_a);
    for _ in 0..2 {
        let response =
            p.a.post(p.app.url(&path))
                .header("Origin", BASE_URL)
                .form(&[("note", "Looking forward to it. Bring a notepad.")])
                .send()
                .await
                .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let emails: Vec<serde_json::Value> =
        sqlx::query_scalar("select payload from job where kind = 'email'")
            .fetch_all(&p.app.pool)
            .await
            .unwrap();
    assert_eq!(emails.len(), 1, "once");
    assert_eq!(emails[0]["to"], "carla.customer@example.com");
    assert!(
        emails[0]["text"]
            .as_str()
            .unwrap()
            .contains("Bring a notepad.")
    );
    // Customers are greeted by their first name.
    let text = emails[0]["text"].as_str().unwrap();
    assert!(text.starts_with("Hi Carla,\n"), "{text}");
    assert!(
        emails[0]["html"]
            .as_str()
            .unwrap()
            .contains("<p>Hi Carla,</p>")
    );
    let page = TestApp::page(
        p.a.get(p.app.url(&format!("/admin/bookings/{}", p.booking_a)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        page.count("[data-testid=acknowledge]"),
        0,
        "no second acknowledge button"
    );
    assert!(page.body.contains("Bring a notepad."));
}

#[sqlx::test]
async fn staff_refund_under_the_guarantee(pool: PgPool) {
    let p = personas(pool).await;
    let path = format!("/admin/bookings/{}/refund", p.booking_a);
    let empty = p
        .staff
        .post(p.app.url(&path))
        .header("Origin", BASE_URL)
        .form(&[("reason", " ")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        empty.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let done = p
        .staff
        .post(p.app.url(&path))
        .header("Origin", BASE_URL)
        .form(&[("reason", "Interviewer was 20 minutes late.")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let kinds: Vec<String> = sqlx::query_scalar("select kind from job order by job_id")
        .fetch_all(&p.app.pool)
        .await
        .unwrap();
    assert_eq!(kinds, ["stripe_refund", "email"]);
    let email: serde_json::Value =
        sqlx::query_scalar("select payload from job where kind = 'email'")
            .fetch_one(&p.app.pool)
            .await
            .unwrap();
    assert!(
        email["text"].as_str().unwrap().starts_with("Hi Carla,\n"),
        "{email}"
    );
    assert!(email["html"].as_str().unwrap().contains("<p>Hi Carla,</p>"));
    let again = p
        .staff
        .post(p.app.url(&path))
        .header("Origin", BASE_URL)
        .form(&[("reason", "Twice")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "not twice");
}

#[sqlx::test]
async fn an_interviewer_edits_rate_and_tags_and_the_listing_follows(pool: PgPool) {
    let p = personas(pool).await;
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
    let response =
        p.a.post(p.app.url("/admin/profile"))
            .header("Origin", BASE_URL)
            .form(&form)
            .send()
            .await
            .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    let listing = p.app.get("/interviewers?tech=svelte").await;
    assert_eq!(listing.card_names(), ["Ada Alpha"]);
    assert!(listing.body.contains("$199.50"));
    let react = p.app.get("/interviewers?tech=react").await;
    assert_eq!(react.card_names(), ["Cy Gamma"], "React was unticked");

    let mut bad = form.clone();
    bad[3] = ("rate", "free".to_owned());
    let page = TestApp::page(
        p.a.post(p.app.url("/admin/profile"))
            .header("Origin", BASE_URL)
            .form(&bad)
            .send()
            .await
            .unwrap(),
    )
    .await;
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

#[sqlx::test]
async fn staff_invite_an_interviewer_who_sets_a_password_and_signs_in(pool: PgPool) {
    add_user(&pool, "sam@example.com", true, None).await;
    let app = spawn_app(pool).await;
    let staff = signed_in(&app, "sam@example.com").await;
    let response = staff
        .post(app.url("/admin/interviewers"))
        .header("Origin", BASE_URL)
        .form(&[("name", "Nia Newcomer"), ("email", "nia@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("done=invited")
    );
    // The new profile is hidden until it is ready.
    assert_eq!(
        app.get("/interviewers/nia-newcomer").await.status,
        StatusCode::NOT_FOUND
    );

    let link = link_from_outbox(&app, "nia@example.com").await;
    let nia = browser();
    let page = TestApp::page(nia.get(app.url(&link)).send().await.unwrap()).await;
    assert!(page.body.contains("Choose your password"));
    let set = nia
        .post(app.url(&link))
        .header("Origin", BASE_URL)
        .form(&[("new", PASSWORD), ("confirm", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        log_in(&app, &nia, "nia@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        nia.get(app.url("/admin/profile"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // The same email cannot be invited twice.
    let again = staff
        .post(app.url("/admin/interviewers"))
        .header("Origin", BASE_URL)
        .form(&[("name", "Nia Other"), ("email", "NIA@example.com")])
        .send()
        .await
        .unwrap();
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=taken")
    );
}

#[sqlx::test]
async fn deactivating_signs_the_interviewer_out_and_hides_them(pool: PgPool) {
    let p = personas(pool).await;
    let response = p
        .staff
        .post(
            p.app
                .url(&format!("/admin/interviewers/{}/deactivate", p.id_a)),
        )
        .header("Origin", BASE_URL)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        p.a.get(p.app.url("/admin/bookings"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(
        log_in(&p.app, &browser(), "ada@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        p.app.get("/interviewers/ada-alpha").await.status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test]
async fn staff_rename_and_merge_tags(pool: PgPool) {
    let p = personas(pool).await;
    let id = |slug: &'static str| {
        let pool = p.app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select tag_id from tag where slug = $1")
                .bind(slug)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (react, python, frontend) = (id("react").await, id("python").await, id("frontend").await);
    let rename = p
        .staff
        .post(p.app.url(&format!("/admin/tags/{react}/rename")))
        .header("Origin", BASE_URL)
        .form(&[("name", "React.js")])
        .send()
        .await
        .unwrap();
    assert_eq!(rename.status(), StatusCode::SEE_OTHER);
    assert!(p.app.get("/interviewers").await.body.contains("React.js"));

    let across = p
        .staff
        .post(p.app.url("/admin/tags/merge"))
        .header("Origin", BASE_URL)
        .form(&[("from", frontend.to_string()), ("into", python.to_string())])
        .send()
        .await
        .unwrap();
    assert!(
        across.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=merge"),
        "kinds must match"
    );
    let merge = p
        .staff
        .post(p.app.url("/admin/tags/merge"))
        .header("Origin", BASE_URL)
        .form(&[("from", python.to_string()), ("into", react.to_string())])
        .send()
        .await
        .unwrap();
    assert!(
        merge.headers()["location"]
            .to_str()
            .unwrap()
            .contains("done=merged")
    );
    // Bo had Python only: he now carries React.js; Cy had both and keeps one link.
    assert_eq!(
        p.app.get("/interviewers?tech=react").await.card_names(),
        ["Ada Alpha", "Bo Beta", "Cy Gamma"]
    );
    assert_eq!(
        p.app.get("/interviewers/bo-beta").await.status,
        StatusCode::OK
    );
}

#[sqlx::test]
async fn staff_manage_testimonials_and_companies(pool: PgPool) {
    add_user(&pool, "sam@example.com", true, None).await;
    let app = spawn_app(pool).await;
    let staff = signed_in(&app, "sam@example.com").await;
    let post = |path: &'static str, form: Vec<(&'static str, &'static str)>| {
        let staff = staff.clone();
        let url = app.url(path);
        async move {
            staff
                .post(url)
                .header("Origin", BASE_URL)
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    post(
        "/admin/testimonials",
        vec![
            ("quote", "Clear, kind and demanding."),
            ("author", "Eve E."),
            ("context", "Backend"),
            ("is_published", "on"),
            ("display_order", "1"),
        ],
    )
    .await;
    post(
        "/admin/testimonials",
        vec![
            ("quote", "Draft."),
            ("author", "Fay F."),
            ("display_order", "2"),
        ],
    )
    .await;
    post(
        "/admin/companies",
        vec![("name", "Quillfeather"), ("display_order", "1")],
    )
    .await;
    let dup = post("/admin/companies", vec![("name", "Quillfeather")]).await;
    assert!(
        dup.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=company")
    );
    let home = app.get("/").await;
    assert!(
        home.body.contains("Clear, kind and demanding.") && !home.body.contains("Draft."),
        "only published"
    );
    assert!(home.body.contains("Quillfeather"));
}

/// `interview-service create-staff`, run as a process against this test's database.
#[sqlx::test]
async fn the_create_staff_command_makes_an_account_that_can_sign_in(pool: PgPool) {
    use std::io::Write;
    let url = crate::helpers::database_url_of(&pool).await;
    let run = |email: &str, stdin: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_interview-service"))
            .args(["create-staff", "--email", email, "--name", "First Staff"])
            .env("DATABASE_URL", &url)
            .env(
                "DATA_DIR",
                std::env::temp_dir().join("interview-service-tests"),
            )
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let output = run("first@example.com", &format!("{PASSWORD}\n"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let weak = run("second@example.com", "short\n");
    assert!(!weak.status.success(), "weak passwords are refused");
    let again = run("FIRST@example.com", &format!("{PASSWORD}\n"));
    assert!(!again.status.success(), "one account per email");

    let app = spawn_app(pool).await;
    let staff = signed_in(&app, "first@example.com").await;
    assert_eq!(
        staff
            .get(app.url("/admin/interviewers"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
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
