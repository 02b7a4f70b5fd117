//! Staff pages: interviewers (deactivate), tags, testimonials and companies, and the
//! `create-staff` command.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    helpers::{BASE_URL, spawn_app},
    personas::{PASSWORD, Personas, add_user, browser, log_in, signed_in},
};

#[sqlx::test]
async fn deactivating_signs_the_interviewer_out_and_hides_them(pool: PgPool) {
    let p = Personas::new(pool).await;
    let no_fields: [(&str, &str); 0] = [];
    let response = p
        .staff
        .post_form(
            &format!("/admin/interviewers/{}/deactivate", p.id_a),
            &no_fields,
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.a.get("/admin/bookings").await.status,
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
    let p = Personas::new(pool).await;
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
        .post_form(
            &format!("/admin/tags/{react}/rename"),
            &[("name", "React.js")],
        )
        .await;
    assert_eq!(rename.status, StatusCode::SEE_OTHER);
    assert!(p.app.get("/interviewers").await.body.contains("React.js"));

    let across = p
        .staff
        .post_form(
            "/admin/tags/merge",
            &[("from", frontend.to_string()), ("into", python.to_string())],
        )
        .await;
    assert!(
        across.header("location").unwrap().contains("error=merge"),
        "kinds must match"
    );
    let merge = p
        .staff
        .post_form(
            "/admin/tags/merge",
            &[("from", python.to_string()), ("into", react.to_string())],
        )
        .await;
    assert!(merge.header("location").unwrap().contains("done=merged"));
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
