//! The page cache (src/web/page_cache.rs): catalogue pages come from memory while the
//! catalogue is unchanged, each with its own nonce; every kind of catalogue write shows at
//! once on the instance that made it and within a second on a second instance (the release
//! binary's debug build, started here as its own process on the same database); a dropped
//! listener connection recovers.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    booking_support::{Admins, World},
    helpers::{Page, TestApp, database_url_of, small_catalogue, spawn_app},
    personas::Personas,
};

/// How long another instance may show the old catalogue (the promise).
const FRESH_WITHIN: Duration = Duration::from_secs(1);

/// The app binary, started as its own process on the test's database.
struct SecondInstance {
    child: Child,
    address: String,
    client: reqwest::Client,
}

impl SecondInstance {
    async fn start(pool: &PgPool) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data_dir = std::env::temp_dir().join(format!("interview-service-second-{port}"));
        let child = Command::new(env!("CARGO_BIN_EXE_interview-service"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url_of(pool).await)
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .env("DATA_DIR", &data_dir)
            .env("SEED_DEMO", "false")
            .env("RUN_WORKER", "false")
            .env("LIVE_RELOAD", "false")
            .env("SERVER_TIMING", "true")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the app binary starts");
        let instance = Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(r) = instance.client.get(instance.url("/healthz")).send().await
                && r.status() == StatusCode::OK
            {
                return instance;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the second instance did not answer /healthz within 30 s");
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    async fn get(&self, path: &str) -> Page {
        TestApp::page(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// Loads `path` until it is served from memory (no SQL), so a later change must reach
    /// this instance's cache to show.
    async fn warm(&self, path: &str) {
        self.get(path).await;
        let page = self.get(path).await;
        assert_eq!(page.sql_queries(), 0, "{path} is served from memory");
    }

    /// Asks for `path` until `shows` holds, for at most [`FRESH_WITHIN`] after `since`.
    async fn shows_within(
        &self,
        path: &str,
        since: Instant,
        what: &str,
        shows: impl Fn(&Page) -> bool,
    ) {
        loop {
            let page = self.get(path).await;
            if shows(&page) {
                return;
            }
            assert!(
                since.elapsed() < FRESH_WITHIN,
                "the second instance still shows the old {path} a second after: {what}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SecondInstance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The same for the test's own app, which must show a change on the very next request.
async fn warm(app: &TestApp, path: &str) {
    app.get(path).await;
    assert_eq!(
        app.get(path).await.sql_queries(),
        0,
        "{path} is served from memory"
    );
}

/// The nonce of a response's Content-Security-Policy.
fn csp_nonce(page: &Page) -> String {
    let csp = page.header("content-security-policy").expect("a CSP");
    csp.split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce")
        .to_owned()
}

#[sqlx::test]
async fn catalogue_pages_come_from_memory_each_with_its_own_nonce(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;
    for path in [
        "/",
        "/interviewers",
        "/interviewers?tech=react",
        "/interviewers/ada-alpha",
    ] {
        let cold = app.get(path).await;
        let warm = app.get(path).await;
        assert_eq!(cold.status, StatusCode::OK);
        assert!(cold.sql_queries() >= 1 && cold.sql_queries() <= 2, "{path}");
        assert_eq!(warm.sql_queries(), 0, "{path} is served from memory");
        let (cold_nonce, warm_nonce) = (csp_nonce(&cold), csp_nonce(&warm));
        assert_ne!(cold_nonce, warm_nonce, "a new nonce per response");
        for (page, nonce) in [(&cold, &cold_nonce), (&warm, &warm_nonce)] {
            let scripts = page.attrs("script", "nonce");
            assert!(!scripts.is_empty());
            assert!(
                scripts.iter().all(|n| n == nonce),
                "{path}: {scripts:?} vs {nonce}"
            );
            assert!(!page.body.contains("noncePlaceholder"), "{path}");
        }
        assert_eq!(
            cold.body.replace(&cold_nonce, ""),
            warm.body.replace(&warm_nonce, ""),
            "{path}: the same page"
        );
    }
    // The HTMX fragment and the full page are kept apart.
    let fragment = app.get_htmx("/interviewers?tech=react").await;
    assert!(!fragment.body.contains("<html"), "a fragment");
    assert!(
        app.get("/interviewers?tech=react")
            .await
            .body
            .contains("<html")
    );
    assert!(
        !app.get_htmx("/interviewers?tech=react")
            .await
            .body
            .contains("<html")
    );
    // Unknown profiles are not kept (nor can they fill memory): each one asks the database.
    let missing = app.get("/interviewers/nobody-here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/interviewers/nobody-here").await.sql_queries(), 1);
}

#[sqlx::test]
async fn visitors_arriving_together_after_a_change_wait_for_one_render(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;
    app.touch_catalogue().await;
    let visits = (0..16).map(|_| app.get("/interviewers"));
    let pages = futures_util::future::join_all(visits).await;
    assert!(pages.iter().all(|p| p.status == StatusCode::OK));
    let statements: u32 = pages.iter().map(Page::sql_queries).sum();
    assert_eq!(
        statements, 2,
        "the listing's two statements, once for all sixteen"
    );
}

#[sqlx::test]
async fn every_catalogue_write_shows_at_once_here_and_within_a_second_on_another_instance(
    pool: PgPool,
) {
    let p = Personas::new(pool).await;
    let second = SecondInstance::start(&p.app.pool).await;
    let (app, staff) = (&p.app, &p.staff);
    let id_of = |slug: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select tag_id from tag where slug = $1")
                .bind(slug)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (react, python) = (id_of("react").await, id_of("python").await);

    /// One write, then the same check on both instances.
    macro_rules! write_then_check {
        ($what:expr, $path:expr, $write:expr, $shows:expr) => {{
            let path: &str = $path;
            warm(app, path).await;
            second.warm(path).await;
            let shows = $shows;
            assert!(
                !shows(&app.get(path).await),
                "{}: not before the write",
                $what
            );
            let response = $write;
            assert_eq!(
                response.status,
                StatusCode::SEE_OTHER,
                "{}: {}",
                $what,
                response.body
            );
            let since = Instant::now();
            assert!(
                shows(&app.get(path).await),
                "{}: at once on the instance that wrote",
                $what
            );
            second.shows_within(path, since, $what, &shows).await;
        }};
    }

    write_then_check!(
        "a profile edit (headline, rate, tags)",
        "/interviewers/ada-alpha",
        p.a.post_form(
            "/admin/profile",
            &[
                ("name", "Ada Alpha".to_owned()),
                ("headline", "Frontend and Svelte interviews".to_owned()),
                ("bio", "Hello.".to_owned()),
                ("rate", "199.50".to_owned()),
                ("currency", "USD".to_owned()),
                ("time_zone", "Europe/Stockholm".to_owned()),
                ("is_active", "on".to_owned()),
                ("tag", react.to_string()),
                ("new_technologies", "Svelte".to_owned()),
            ],
        )
        .await,
        |page: &Page| page.body.contains("Frontend and Svelte interviews")
            && page.body.contains("$199.50")
            && page.body.contains("Svelte")
    );
    // The listing had no such filter before; both instances hold the empty answer.
    write_then_check!(
        "a tag added by a profile edit reaches the listing's filter",
        "/interviewers?tech=go-lang",
        p.a.post_form(
            "/admin/profile",
            &[
                ("name", "Ada Alpha".to_owned()),
                ("headline", "Frontend and Svelte interviews".to_owned()),
                ("bio", "Hello.".to_owned()),
                ("rate", "199.50".to_owned()),
                ("currency", "USD".to_owned()),
                ("time_zone", "Europe/Stockholm".to_owned()),
                ("is_active", "on".to_owned()),
                ("tag", react.to_string()),
                ("new_technologies", "Go lang".to_owned()),
            ],
        )
        .await,
        |page: &Page| page.card_names() == ["Ada Alpha"]
    );
    write_then_check!(
        "staff feature a profile on the homepage",
        "/",
        staff
            .post_form(
                &format!("/admin/interviewers/{}/listing", p.id_b),
                &[("featured", "on"), ("display_order", "1")],
            )
            .await,
        |page: &Page| page.card_names().contains(&"Bo Beta".to_owned())
    );
    write_then_check!(
        "staff rename a tag",
        "/interviewers",
        staff
            .post_form(
                &format!("/admin/tags/{react}/rename"),
                &[("name", "React.js")]
            )
            .await,
        |page: &Page| page.body.contains("React.js")
    );
    write_then_check!(
        "staff merge two tags",
        "/interviewers?tech=react",
        staff
            .post_form(
                "/admin/tags/merge",
                &[("from", python.to_string()), ("into", react.to_string())],
            )
            .await,
        |page: &Page| page.card_names().contains(&"Bo Beta".to_owned())
    );
    write_then_check!(
        "staff publish a testimonial",
        "/",
        staff
            .post_form(
                "/admin/testimonials",
                &[
                    ("quote", "The mock round was harder than the real one."),
                    ("author", "Jo Reader"),
                    ("context", "Backend engineer"),
                    ("interviewer_id", ""),
                    ("is_published", "on"),
                    ("display_order", "1"),
                ],
            )
            .await,
        |page: &Page| page
            .body
            .contains("The mock round was harder than the real one.")
    );
    write_then_check!(
        "staff add a company",
        "/",
        staff
            .post_form(
                "/admin/companies",
                &[("name", "Initech"), ("display_order", "1")]
            )
            .await,
        |page: &Page| page.body.contains("Initech")
    );
    write_then_check!(
        "staff take a profile off the site",
        "/interviewers",
        staff
            .post_form(
                &format!("/admin/interviewers/{}/deactivate", p.id_b),
                &Vec::<(&str, &str)>::new(),
            )
            .await,
        |page: &Page| !page.card_names().contains(&"Bo Beta".to_owned())
    );
    assert_eq!(
        second.get("/interviewers/bo-beta").await.status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test]
async fn a_review_and_its_hiding_show_on_the_profile_here_and_on_another_instance(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, staff } = world.admins().await;
    let second = SecondInstance::start(&world.app.pool).await;
    let app = &world.app;
    let profile = "/interviewers/ines-interviewer";
    let public_id = world.paid_session_started("uid-cache-review", 180).await;
    let marked = Admins::post(
        app,
        &ines,
        &format!("/admin/bookings/{public_id}/outcome"),
        &[("outcome", "held")],
    )
    .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);

    warm(app, profile).await;
    second.warm(profile).await;
    let reviewed = app
        .post(&format!("/bookings/{public_id}/review"))
        .form(&[("rating", "4"), ("body", "Sharp questions, useful notes.")])
        .send()
        .await
        .unwrap();
    assert_eq!(reviewed.status(), StatusCode::SEE_OTHER);
    let since = Instant::now();
    let has_review = |page: &Page| page.body.contains("Sharp questions, useful notes.");
    assert!(has_review(&app.get(profile).await), "at once here");
    second
        .shows_within(profile, since, "a new review", has_review)
        .await;

    second.warm(profile).await;
    let hidden = Admins::post(
        app,
        &staff,
        &format!("/admin/bookings/{public_id}/review/hide"),
        &[("reason", "personal_data")],
    )
    .await;
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    let since = Instant::now();
    assert!(!has_review(&app.get(profile).await), "hidden at once here");
    second
        .shows_within(profile, since, "a hidden review", |page| !has_review(page))
        .await;
}

#[sqlx::test]
async fn a_write_from_outside_the_app_and_a_dropped_listener_both_reach_the_pages(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;
    let path = "/interviewers/ada-alpha";
    let headline = |text: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query("update interviewer set headline = $1 where slug = 'ada-alpha'")
                .bind(text)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    let shows_within = |text: &'static str| {
        let app = &app;
        async move {
            let since = Instant::now();
            while !app.get(path).await.body.contains(text) {
                assert!(since.elapsed() < FRESH_WITHIN, "{text} a second later");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let listener_pid = || {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i32>(
                "select pid from pg_stat_activity
                 where datname = current_database() and query ilike 'listen%'",
            )
            .fetch_optional(&pool)
            .await
            .unwrap()
        }
    };

    // A write by another program (psql, a migration): the notification brings it.
    warm(&app, path).await;
    headline("Edited in psql").await;
    shows_within("Edited in psql").await;

    // The listening connection is cut (a restart of PostgreSQL's side, a proxy's idle timeout).
    let started = Instant::now();
    let old_pid = loop {
        if let Some(pid) = listener_pid().await {
            break pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the app listens"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let cut: bool = sqlx::query_scalar("select pg_terminate_backend($1)")
        .bind(old_pid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(cut);
    warm(&app, path).await;
    headline("Edited while the listener was down").await;
    shows_within("Edited while the listener was down").await;

    // ...and the listener comes back on a new connection, so notifications flow again.
    let started = Instant::now();
    loop {
        if listener_pid().await.is_some_and(|pid| pid != old_pid) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the listener reconnects"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    warm(&app, path).await;
    headline("Edited after the reconnect").await;
    shows_within("Edited after the reconnect").await;
}

#[sqlx::test]
async fn the_counts_kept_at_commit_match_a_live_count_even_with_interleaved_writers(pool: PgPool) {
    small_catalogue(&pool).await;
    let live = "select coalesce(array_agg(format('%s:%s', tag_id, n) order by tag_id), '{}')
                from (select it.tag_id, count(*) as n
                      from interviewer_tag it join interviewer i using (interviewer_id)
                      where i.is_active group by it.tag_id) counted";
    let kept = "select coalesce(array_agg(format('%s:%s', tag_id, listed) order by tag_id), '{}')
                from tag_listed_count";
    let check = |when: &'static str| {
        let pool = pool.clone();
        async move {
            let live: Vec<String> = sqlx::query_scalar(live).fetch_one(&pool).await.unwrap();
            let kept: Vec<String> = sqlx::query_scalar(kept).fetch_one(&pool).await.unwrap();
            assert_eq!(kept, live, "tag counts {when}");
            let (listed, counted): (i64, i64) = sqlx::query_as(
                "select listed_count, (select count(*) from interviewer where is_active)
                 from catalogue_version",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            assert_eq!(listed, counted, "listed interviewers {when}");
        }
    };
    check("after the catalogue was filled").await;
    sqlx::query("update interviewer set is_active = false where slug = 'cy-gamma'")
        .execute(&pool)
        .await
        .unwrap();
    check("after a profile left the site").await;
    sqlx::query("delete from tag where slug = 'python'")
        .execute(&pool)
        .await
        .unwrap();
    check("after a tag was deleted").await;

    // Two writers at once, committing in the opposite order to their start: the one that
    // commits last counts what the other committed while it waited for the version row.
    let mut first = pool.begin().await.unwrap();
    let mut second = pool.begin().await.unwrap();
    let add_rust = "insert into interviewer_tag (interviewer_id, tag_id)
                    select i.interviewer_id, t.tag_id from interviewer i, tag t
                    where i.slug = $1 and t.slug = 'rust'";
    sqlx::query(add_rust)
        .bind("ada-alpha")
        .execute(&mut *first)
        .await
        .unwrap();
    sqlx::query(add_rust)
        .bind("bo-beta")
        .execute(&mut *second)
        .await
        .unwrap();
    second.commit().await.unwrap();
    first.commit().await.unwrap();
    check("after two interleaved writers").await;
}
