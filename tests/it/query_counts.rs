//! Pages render from at most two SQL statements whatever the number of interviewers.
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
        ("/", false, 1),
        ("/interviewers", false, 2),
        ("/interviewers?tech=react&subject=backend", false, 2),
        ("/interviewers?tech=react&subject=backend", true, 2),
        ("/interviewers/person-number1", false, 1),
        ("/interviewers/person-number1", true, 1),
    ];
    for (path, htmx, expected) in paths {
        let page = if htmx {
            app.get_htmx(path).await
        } else {
            app.get(path).await
        };
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(
            page.sql_queries(),
            expected,
            "{path} (htmx: {htmx}) with {interviewers} interviewers"
        );
    }
    let listing = app.get("/interviewers?tech=go").await;
    assert_eq!(listing.card_names().len(), interviewers);
}

#[sqlx::test]
async fn pages_use_the_same_few_queries_with_5_interviewers(pool: PgPool) {
    assert_query_counts(pool, 5).await;
}

#[sqlx::test]
async fn pages_use_the_same_few_queries_with_200_interviewers(pool: PgPool) {
    assert_query_counts(pool, 200).await;
}
