//! Signing in and out: sessions and their cookies, throttling, the CSRF origin check.

use reqwest::{Client, StatusCode, redirect::Policy};
use sqlx::PgPool;

use crate::{
    helpers::{BASE_URL, TestApp, small_catalogue, spawn_app},
    personas::{PASSWORD, Persona, Personas, add_user, browser, log_in},
};

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
    sqlx::query("update rate_limit_hit set hit_at = now() - interval '16 minutes'")
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

/// A session that ended while a form was open (an idle hour, say): the form's POST is sent
/// to sign in, and signing in lands on a page (not the POST-only action, whose GET is 405).
#[sqlx::test]
async fn signing_in_after_a_refused_post_lands_on_a_page(pool: PgPool) {
    let p = Personas::new(pool).await;
    let action = format!("/admin/bookings/{}/acknowledge", p.booking_a);
    let refused = p.anonymous.post_form(&action, &[("note", "")]).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let login = p.anonymous.get(refused.header("location").unwrap()).await;
    let next = login.attrs("input[name=next]", "value").concat();
    let signed_in = p
        .anonymous
        .post_form(
            "/admin/login",
            &[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let landing = signed_in.header("location").unwrap().to_owned();
    assert_eq!(
        p.anonymous.get(&landing).await.status,
        StatusCode::OK,
        "signing in lands on {landing}, a page"
    );

    // The browser says which page the form was on: sign-in returns there.
    let page = format!("/admin/bookings/{}", p.booking_a);
    let signed_out = p.fresh(Persona::Anonymous).await;
    let refused = signed_out
        .send(
            signed_out
                .request(reqwest::Method::POST, &action)
                .header("Referer", format!("{BASE_URL}{page}"))
                .form(&[("note", "")]),
        )
        .await;
    assert_eq!(
        refused.header("location"),
        Some(
            format!(
                "/admin/login?next={}",
                form_urlencoded::byte_serialize(page.as_bytes()).collect::<String>()
            )
            .as_str()
        )
    );
}
