//! Pages render from at most two SQL statements whatever the number of interviewers, cold
//! (the first request after a catalogue change), and from none while the catalogue is unchanged.
//! Counted by the app itself (`Server-Timing: sql;desc="N queries"`), from sqlx's own
//! per-statement events.

use sqlx::PgPool;

use crate::helpers::{interviewer, small_catalogue, spawn_app, tag};

async fn add_interviewers(pool: &PgPool, n: usize) {
    for kind_slug in [("technology", "go"), ("subject", "mobile")] {
        tag(pool, kind_slug.0, kind_slug.1, kind_slug.1).await;
    }
    for i in 0..n {
        interviewer(&format!("Person Number{i}"))
            .featured()
            .tags(&["react", "go", "backend", "mobile"])
            .role("Hooli", "Engineer")
            .role("Initrode", "Engineer")
            .role("Globex", "Intern")
            .insert(pool)
            .await;
    }
}

async fn assert_query_counts(pool: PgPool, interviewers: usize) {
    small_catalogue(&pool).await;
    add_interviewers(&pool, interviewers).await;
    let app = spawn_app(pool).await;

    let paths = [
        // The homepage names its cards' tags from the listing's tag list (read once per version).
        ("/", false, 2),
        ("/interviewers", false, 2),
        ("/interviewers?tech=react&subject=backend", false, 2),
        ("/interviewers?tech=react&subject=backend", true, 2),
        ("/interviewers/person-number1", false, 1),
        ("/interviewers/person-number1", true, 1),
    ];
    let get = |path: &'static str, htmx: bool| {
        let app = &app;
        async move {
            if htmx {
                app.get_htmx(path).await
            } else {
                app.get(path).await
            }
        }
    };
    for (path, htmx, expected) in paths {
        // Cold: the first request after a catalogue change.
        app.touch_catalogue().await;
        let page = get(path, htmx).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(
            page.sql_queries(),
            expected,
            "{path} (htmx: {htmx}) with {interviewers} interviewers, cold"
        );
        let warm = get(path, htmx).await;
        assert_eq!(
            warm.sql_queries(),
            0,
            "{path} (htmx: {htmx}) warm: from memory"
        );
    }
    // The listing's tags and counts are read once per catalogue version for every filter.
    app.touch_catalogue().await;
    assert_eq!(app.get("/interviewers").await.sql_queries(), 2);
    assert_eq!(app.get("/interviewers?tech=react").await.sql_queries(), 1);
    assert_eq!(
        app.get_htmx("/interviewers?subject=backend")
            .await
            .sql_queries(),
        1
    );
    let listing = app.get("/interviewers?tech=go").await;
    assert_eq!(
        listing.card_names().len(),
        interviewers.min(24),
        "one page of cards"
    );
    assert!(
        listing.texts("[data-testid=result-count]")[0].starts_with(&interviewers.to_string()),
        "the count covers every page"
    );
}

#[sqlx::test]
async fn the_booking_pages_render_from_at_most_two_queries(pool: PgPool) {
    let world = crate::booking_support::World::new(pool).await;
    let public_id = world.book("uid-query-count").await;
    for path in [
        "/interviewers/ines-interviewer/book".to_owned(),
        format!("/bookings/{public_id}/details"),
        format!("/bookings/{public_id}"),
        format!("/bookings/{public_id}/reschedule"),
    ] {
        let page = world.app.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.sql_queries() <= 2,
            "{path}: {} queries",
            page.sql_queries()
        );
    }
}

/// The homepage's HTML, CSS and JS, compressed as served, stay under 60 KB (images aside).
#[sqlx::test]
async fn the_homepage_stays_under_its_weight_budget(pool: PgPool) {
    small_catalogue(&pool).await;
    add_interviewers(&pool, 6).await;
    let app = spawn_app(pool).await;
    let home = app.get("/").await;
    let mut paths = vec!["/".to_owned()];
    paths.extend(home.attrs("link[rel=stylesheet]", "href"));
    paths.extend(home.attrs("script[src]", "src"));
    assert_eq!(paths.len(), 3, "one stylesheet and one script: {paths:?}");
    let mut total = 0;
    for path in &paths {
        // reqwest is built without decompression, so these are the bytes on the wire.
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .header("Accept-Encoding", "br, gzip")
            .send()
            .await
            .unwrap();
        assert!(
            response.headers().contains_key("content-encoding"),
            "{path} is compressed"
        );
        total += response.bytes().await.unwrap().len();
    }
    assert!(
        total < 60 * 1024,
        "the homepage weighs {total} bytes compressed"
    );
}

#[sqlx::test]
async fn pages_use_the_same_few_queries_with_5_interviewers(pool: PgPool) {
    assert_query_counts(pool, 5).await;
}

#[sqlx::test]
async fn pages_use_the_same_few_queries_with_200_interviewers(pool: PgPool) {
    assert_query_counts(pool, 200).await;
}
