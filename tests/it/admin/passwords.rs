//! Password links (reset and invitation) and choosing a password from one.

use reqwest::StatusCode;
use sqlx::PgPool;

use super::link_from_outbox;
use crate::{
    helpers::{BASE_URL, TestApp, spawn_app},
    personas::{PASSWORD, add_user, browser, log_in, signed_in},
};

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
    // The worker looks the addresses up (the requests did the same work for both).
    app.run_jobs().await;
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
    app.run_jobs().await;
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
    // Signed in by choosing the password: straight to the profile, welcomed.
    assert_eq!(set.headers()["location"], "/admin/profile?welcome=1");
    let page = TestApp::page(
        nia.get(app.url("/admin/profile?welcome=1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("[data-testid=welcome]"), 1);
    // And the password works for the next sign-in.
    assert_eq!(
        log_in(&app, &browser(), "nia@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Inviting the owner of an existing profile says what happened to that profile.
    let (id, listed): (i64, bool) = sqlx::query_as(
        "insert into interviewer (slug, name, headline, bio, rate_minor, currency, is_active)
         values ('olga-owner', 'Olga Owner', 'Backend', '', 15000, 'USD', true)
         returning interviewer_id, is_active",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(listed);
    let response = staff
        .post(app.url("/admin/interviewers"))
        .header("Origin", BASE_URL)
        .form(&[
            ("name", "Olga Owner"),
            ("email", "olga@example.com"),
            ("interviewer_id", &id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("done=invited-existing"), "{location}");
    let page = TestApp::page(staff.get(app.url(&location)).send().await.unwrap()).await;
    let flash = page.texts("[data-testid=flash-done]").join(" ");
    assert!(
        flash.contains("it stays listed or hidden as it was"),
        "{flash}"
    );
    assert!(!flash.contains("new profile"), "{flash}");
    assert_eq!(
        app.get("/interviewers/olga-owner").await.status,
        StatusCode::OK,
        "still listed"
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
