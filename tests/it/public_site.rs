//! The homepage, the interviewers listing with its filters, profiles, SEO files and errors.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{BASE_URL, small_catalogue, spawn_app};

#[sqlx::test]
async fn homepage_shows_featured_listed_interviewers_and_published_social_proof(pool: PgPool) {
    small_catalogue(&pool).await;
    sqlx::query(
        "insert into testimonial (quote, author, context, is_published, display_order) values
         ('Sharp, specific feedback.', 'Priya S.', 'Backend engineer', true, 1),
         ('Draft quote nobody approved.', 'Hidden H.', '', false, 2)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("insert into company (name, display_order) values ('Hooli', 1), ('Initrode', 2)")
        .execute(&pool)
        .await
        .unwrap();
    let app = spawn_app(pool).await;

    let page = app.get("/").await;

    assert_eq!(page.status, StatusCode::OK);
    // Featured and listed only: Hal is featured but hidden.
    assert_eq!(page.card_names(), ["Ada Alpha", "Cy Gamma"]);
    assert!(page.body.contains("Sharp, specific feedback."));
    assert!(!page.body.contains("Draft quote nobody approved."));
    assert!(page.body.contains("Hooli") && page.body.contains("Initrode"));
    // "From" the cheapest listed rate: Ada's $120.
    assert!(page.body.contains("$120"), "price from");
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        [format!("{BASE_URL}/")]
    );
    assert_eq!(page.count("h1"), 1);
    assert!(page.attrs("meta[property='og:title']", "content").len() == 1);
    let jsonld = page.texts("script[type='application/ld+json']");
    assert!(
        jsonld.len() == 1 && jsonld[0].contains("\"Organization\""),
        "{jsonld:?}"
    );
}

#[sqlx::test]
async fn homepage_is_sane_with_an_empty_catalogue(pool: PgPool) {
    let app = spawn_app(pool).await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.card_names().is_empty());
    assert_eq!(page.count("h1"), 1);
}

#[sqlx::test]
async fn listing_shows_every_listed_interviewer_in_display_order(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;

    let page = app.get("/interviewers").await;

    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.card_names(), ["Ada Alpha", "Bo Beta", "Cy Gamma"]);
    assert!(
        page.body.contains("$180.50"),
        "Bo's fractional rate is shown exactly"
    );
    assert!(
        page.body
            .contains("Staff Engineer at Hooli; before that Initrode")
    );
    // Filter options: tags someone listed carries; Rust (only on hidden Hal) and System
    // Design (nobody) are not offered.
    assert_eq!(page.attrs("input[name=tech]", "value"), ["python", "react"]);
    assert_eq!(
        page.attrs("input[name=subject]", "value"),
        ["backend", "frontend"]
    );
    assert!(page.attrs("input[name=tech][checked]", "value").is_empty());
}

#[sqlx::test]
async fn filters_require_every_selected_tag(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;

    // (query, expected names)
    let cases: &[(&str, &[&str])] = &[
        ("tech=react", &["Ada Alpha", "Cy Gamma"]),
        ("subject=backend", &["Bo Beta", "Cy Gamma"]),
        ("tech=react&subject=backend", &["Cy Gamma"]),
        ("tech=react&tech=python", &["Cy Gamma"]),
        (
            "tech=python&subject=frontend&subject=backend",
            &["Cy Gamma"],
        ),
        ("tech=react&tech=react", &["Ada Alpha", "Cy Gamma"]),
        // A tag only a hidden interviewer carries matches nobody listed.
        ("tech=rust", &[]),
        // A tag nobody carries.
        ("subject=system-design", &[]),
    ];
    for (query, expected) in cases {
        let page = app.get(&format!("/interviewers?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert_eq!(page.card_names(), *expected, "{query}");
        let count = page.texts("[data-testid=result-count]");
        assert_eq!(count.len(), 1, "{query}: one result count");
        assert!(
            count[0].starts_with(&expected.len().to_string()),
            "{query}: {count:?}"
        );
    }
}

#[sqlx::test]
async fn a_filtered_listing_marks_its_selection_and_links_to_remove_each_tag(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;

    let page = app.get("/interviewers?subject=backend&tech=react").await;

    assert_eq!(page.attrs("input[name=tech][checked]", "value"), ["react"]);
    assert_eq!(
        page.attrs("input[name=subject][checked]", "value"),
        ["backend"]
    );
    // Canonical order: technologies first.
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        [format!(
            "{BASE_URL}/interviewers?tech=react&subject=backend"
        )]
    );
    let remove = page.attrs("[data-testid=selected-tag] a[href]", "href");
    assert!(
        remove.contains(&"/interviewers?subject=backend".to_owned()),
        "{remove:?}"
    );
    assert!(
        remove.contains(&"/interviewers?tech=react".to_owned()),
        "{remove:?}"
    );
    assert_eq!(
        page.attrs("[data-testid=clear-filters]", "href"),
        ["/interviewers"]
    );
}

#[sqlx::test]
async fn an_empty_result_explains_itself_and_offers_a_way_out(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;

    let page = app.get("/interviewers?tech=rust&subject=frontend").await;

    assert!(page.card_names().is_empty());
    assert_eq!(page.count("[data-testid=empty-state]"), 1);
    assert_eq!(
        page.attrs("[data-testid=clear-filters]", "href"),
        ["/interviewers"]
    );
}

#[sqlx::test]
async fn htmx_gets_only_the_results_fragment(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;

    let fragment = app.get_htmx("/interviewers?tech=python").await;

    assert_eq!(fragment.status, StatusCode::OK);
    assert!(!fragment.body.contains("<html"), "no layout in a fragment");
    assert!(
        !fragment.body.contains("<form"),
        "the filter form stays on the page"
    );
    assert_eq!(fragment.count("#results"), 1);
    assert_eq!(fragment.card_names(), ["Bo Beta", "Cy Gamma"]);
    assert!(
        fragment
            .header("vary")
            .is_some_and(|v| v.contains("HX-Request"))
    );

    // A history restore (Back after the cache was lost) needs the whole page.
    let restore = app
        .get_with(
            "/interviewers?tech=python",
            &[
                ("HX-Request", "true"),
                ("HX-History-Restore-Request", "true"),
            ],
        )
        .await;
    assert!(restore.body.contains("<html"));
}

#[sqlx::test]
async fn bad_query_strings_never_break_the_listing(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;
    let long = "x".repeat(5000);
    let many = (0..500)
        .map(|i| format!("tech=t{i}"))
        .collect::<Vec<_>>()
        .join("&");
    let queries = [
        "tech=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_owned(),
        "tech=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E".to_owned(),
        "tech=%FF%FE%FD&subject=%C3%28".to_owned(),
        "tech=react&tech=%E2%82%AC".to_owned(),
        format!("tech={long}"),
        many,
        "tech&subject&&&=&==".to_owned(),
        "tech=React&subject=Frontend".to_owned(),
        "subject=react&tech=frontend".to_owned(),
        "page=-1&sort=drop%20table&tech[]=react".to_owned(),
        "%%%%".to_owned(),
    ];
    for query in &queries {
        for htmx in [false, true] {
            let path = format!("/interviewers?{query}");
            let page = if htmx {
                app.get_htmx(&path).await
            } else {
                app.get(&path).await
            };
            assert_eq!(page.status, StatusCode::OK, "{query}");
            assert!(
                !page.body.contains("<script>alert"),
                "{query}: echoed markup"
            );
            assert!(
                !page.body.contains("onerror=alert"),
                "{query}: echoed markup"
            );
            assert!(!page.body.contains(&long), "{query}: echoed a long value");
        }
    }
    // Valid tags still apply next to junk, and the junk is reported as ignored.
    let page = app
        .get("/interviewers?tech=react&tech=%3Cb%3E&subject=nope")
        .await;
    assert_eq!(page.card_names(), ["Ada Alpha", "Cy Gamma"]);
    let note = page.texts("[data-testid=ignored-filters]");
    assert!(note.len() == 1 && note[0].contains('2'), "{note:?}");
    // A tag under the wrong kind is unknown for that kind.
    let page = app.get("/interviewers?tech=frontend").await;
    assert_eq!(page.card_names(), ["Ada Alpha", "Bo Beta", "Cy Gamma"]);
    assert_eq!(page.texts("[data-testid=ignored-filters]").len(), 1);
}

#[sqlx::test]
async fn a_profile_is_a_full_page_or_the_modal_body(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;

    let page = app.get("/interviewers/cy-gamma").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("h1"), ["Cy Gamma"]);
    assert_eq!(
        page.attrs("a[href='/interviewers/cy-gamma/book']", "href")
            .len(),
        1
    );
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        [format!("{BASE_URL}/interviewers/cy-gamma")]
    );
    assert_eq!(
        page.attrs("meta[property='og:type']", "content"),
        ["profile"]
    );
    let jsonld = page.texts("script[type='application/ld+json']");
    assert!(
        jsonld[0].contains("\"Offer\"") && jsonld[0].contains("\"150.00\""),
        "{jsonld:?}"
    );
    assert!(page.body.contains("First paragraph about Cy Gamma."));

    let modal = app.get_htmx("/interviewers/cy-gamma").await;
    assert_eq!(modal.status, StatusCode::OK);
    assert!(!modal.body.contains("<html"));
    assert_eq!(modal.texts("#dialog-title"), ["Cy Gamma"]);
    assert_eq!(
        modal
            .attrs("a[href='/interviewers/cy-gamma/book']", "href")
            .len(),
        1
    );
    assert!(
        modal
            .header("vary")
            .is_some_and(|v| v.contains("HX-Request"))
    );
}

#[sqlx::test]
async fn a_profile_without_a_calendar_says_booking_opens_soon_instead_of_a_button(pool: PgPool) {
    small_catalogue(&pool).await; // Ada has no calendar, Cy has one
    let app = spawn_app(pool).await;

    for page in [
        app.get("/interviewers/ada-alpha").await,
        app.get_htmx("/interviewers/ada-alpha").await,
    ] {
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.texts(".profile__actions [data-testid=booking-soon]"),
            ["Booking opens soon"]
        );
        assert_eq!(
            page.count("a[href='/interviewers/ada-alpha/book']"),
            0,
            "no button leading to \"not open yet\""
        );
        assert_eq!(page.count(".profile__actions a.button--accent"), 0);
        assert_eq!(
            page.attrs(".profile__notice a", "href"),
            ["mailto:hello@508.dev?subject=Booking%20with%20Ada%20Alpha"],
            "a way to book anyway"
        );
    }
    // The modal still leads to the full profile.
    let modal = app.get_htmx("/interviewers/ada-alpha").await;
    assert_eq!(
        modal.texts(".profile__actions a.button--secondary"),
        ["Open full profile"]
    );

    for page in [
        app.get("/interviewers/cy-gamma").await,
        app.get_htmx("/interviewers/cy-gamma").await,
    ] {
        assert_eq!(
            page.texts(".profile__actions a.button--accent"),
            ["Book an interview with Cy Gamma"]
        );
        assert_eq!(
            page.count("[data-testid=booking-soon], .profile__notice"),
            0
        );
    }
    // Cards have no Book button, bookable or not: only the link to the profile.
    let listing = app.get("/interviewers").await;
    assert_eq!(
        listing.count("[data-testid=interviewer-card] a[href$='/book']"),
        0
    );
}

#[sqlx::test]
async fn the_demo_catalogue_points_at_no_made_up_calendar(pool: PgPool) {
    assert!(
        interview_service::db::seed::seed_demo_if_empty(&pool)
            .await
            .unwrap()
    );
    let with_calendar: i64 = sqlx::query_scalar(
        "select count(*) from interviewer where cal_link is not null or cal_event_type_id is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(with_calendar, 0, "no cal.com link that 404s in the embed");
    let app = spawn_app(pool).await;
    let page = app.get("/interviewers/ada-lindqvist").await;
    assert_eq!(
        page.texts("[data-testid=booking-soon]"),
        ["Booking opens soon"]
    );
    let book = app.get("/interviewers/ada-lindqvist/book").await;
    assert_eq!(book.count("[data-cal-embed]"), 0);
    assert_eq!(book.count("[data-testid=booking-closed]"), 1);
}

#[sqlx::test]
async fn unknown_hidden_and_malformed_profiles_are_404_pages(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;

    for path in [
        "/interviewers/nobody",
        "/interviewers/hal-hidden",
        "/interviewers/%3Cscript%3E",
        "/interviewers/Ada-Alpha",
        "/no/such/page",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("<html"), "{path}: a real page");
        assert_eq!(
            page.attrs("meta[name=robots]", "content"),
            ["noindex"],
            "{path}"
        );
        assert!(!page.body.contains("<script>"), "{path}");
        assert!(
            !page.attrs("a[href='/interviewers']", "href").is_empty(),
            "{path}: a way on"
        );

        let fragment = app.get_htmx(path).await;
        assert_eq!(fragment.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            !fragment.body.contains("<html"),
            "{path}: a fragment for htmx"
        );
        assert!(fragment.body.contains("Page not found"), "{path}");
    }
}

#[sqlx::test]
async fn robots_and_sitemap_list_only_listed_profiles(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(
        robots
            .body
            .contains(&format!("Sitemap: {BASE_URL}/sitemap.xml"))
    );
    assert!(robots.body.contains("Disallow: /admin/"));

    let sitemap = app.get("/sitemap.xml").await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert!(
        sitemap
            .header("content-type")
            .unwrap()
            .starts_with("application/xml")
    );
    for listed in ["ada-alpha", "bo-beta", "cy-gamma"] {
        assert!(
            sitemap
                .body
                .contains(&format!("<loc>{BASE_URL}/interviewers/{listed}</loc>")),
            "{listed}"
        );
    }
    assert!(!sitemap.body.contains("hal-hidden"));
}

#[sqlx::test]
async fn healthz_checks_the_database_and_pages_say_when_it_is_down(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ok = app.get("/healthz").await;
    assert_eq!(ok.status, StatusCode::OK);

    pool.close().await;
    let down = app.get("/healthz").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    let page = app.get("/interviewers").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("briefly unavailable"));
}

#[sqlx::test]
async fn assets_are_cache_busted_compressed_and_cached(pool: PgPool) {
    let app = spawn_app(pool).await;
    let home = app.get("/").await;
    let css = home.attrs("link[rel=stylesheet]", "href");
    assert_eq!(css.len(), 1);
    assert!(
        css[0].starts_with("/static/app.")
            && css[0].ends_with(".css")
            && css[0] != "/static/app.css",
        "{css:?}"
    );
    let scripts = home.attrs("script[src]", "src");
    assert!(
        scripts.iter().all(|s| s.starts_with("/static/")),
        "own origin only: {scripts:?}"
    );

    let asset = app
        .get_with(&css[0], &[("Accept-Encoding", "gzip, br")])
        .await;
    assert_eq!(asset.status, StatusCode::OK);
    assert!(asset.header("content-encoding").is_some(), "compressed");
    assert!(
        asset
            .header("cache-control")
            .is_some_and(|v| v.contains("max-age"))
    );
    assert!(asset.header("etag").is_some());
}

#[sqlx::test]
async fn html_responses_are_compressed_and_carry_basic_security_headers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let page = app.get_with("/", &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
}

#[sqlx::test]
async fn pages_carry_a_strict_content_security_policy_with_a_nonce(pool: PgPool) {
    small_catalogue(&pool).await;
    let app = spawn_app(pool).await;
    let page = app.get("/").await;
    let csp = page
        .header("content-security-policy")
        .expect("a CSP")
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce")
        .to_owned();
    assert!(nonce.len() >= 22, "a fresh random nonce: {nonce}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    // Every script we render carries this request's nonce, and nothing needs inline styles.
    let scripts = page.attrs("script", "nonce");
    assert_eq!(scripts.len(), page.count("script"));
    assert!(scripts.iter().all(|n| n == &nonce));
    assert_eq!(
        page.count("[style]"),
        0,
        "no style attributes (the CSP forbids them)"
    );
    assert_ne!(
        app.get("/")
            .await
            .header("content-security-policy")
            .unwrap(),
        csp,
        "a new nonce per request"
    );
    assert!(
        page.header("permissions-policy")
            .is_some_and(|p| p.contains("camera=()"))
    );
    assert!(
        page.header("strict-transport-security").is_none(),
        "HSTS only in production, over HTTPS"
    );

    let listing = app.get("/interviewers?tech=react").await;
    assert_eq!(listing.count("[style]"), 0);
    let csp = listing.header("content-security-policy").unwrap();
    assert!(
        !csp.contains("cal.com") && !csp.contains("stripe"),
        "third parties only where needed: {csp}"
    );
}

#[sqlx::test]
async fn third_party_origins_appear_only_on_the_pages_that_need_them(pool: PgPool) {
    let world = crate::booking_support::World::new(pool).await;
    let book = world.app.get("/interviewers/ines-interviewer/book").await;
    let csp = book.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self' 'nonce-") && csp.contains("https://app.cal.com"),
        "{csp}"
    );
    assert!(csp.contains("frame-src https://app.cal.com"), "{csp}");
    // embed.js injects an @font-face loading cal.com's font.
    assert!(
        csp.contains("font-src 'self' https://app.cal.com https://cal.com"),
        "{csp}"
    );
    let public_id = world.book("uid-csp").await;
    let details = world
        .app
        .get(&format!("/bookings/{public_id}/details"))
        .await;
    let csp = details.header("content-security-policy").unwrap();
    assert!(
        csp.contains("form-action 'self' https://checkout.stripe.com"),
        "{csp}"
    );
    assert!(!csp.contains("cal.com"), "{csp}");
}

#[sqlx::test]
async fn production_sends_hsts(pool: PgPool) {
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
    let page = app.get("/").await;
    assert!(
        page.header("strict-transport-security")
            .is_some_and(|v| v.contains("max-age="))
    );
}

#[sqlx::test]
async fn long_listings_come_in_pages_that_keep_the_filter(pool: PgPool) {
    small_catalogue(&pool).await;
    for i in 0..30 {
        crate::helpers::interviewer(&format!("Paged Person{i:02}"))
            .order(10 + i)
            .tags(&["python"])
            .insert(&pool)
            .await;
    }
    let app = spawn_app(pool).await;
    // Bo and Cy carry Python too: 32 matches, 24 a page.
    let first = app.get("/interviewers?tech=python").await;
    assert_eq!(first.card_names().len(), 24);
    assert!(first.texts("[data-testid=result-count]")[0].starts_with("32"));
    assert_eq!(
        first.attrs("[data-testid=next-page]", "href"),
        ["/interviewers?tech=python&page=2"]
    );
    assert!(first.attrs("a[rel=prev]", "href").is_empty());

    let second = app.get("/interviewers?tech=python&page=2").await;
    assert_eq!(second.card_names().len(), 8);
    assert_eq!(
        second.attrs("a[rel=prev]", "href"),
        ["/interviewers?tech=python"]
    );
    assert!(second.attrs("[data-testid=next-page]", "href").is_empty());
    assert_eq!(
        second.attrs("link[rel=canonical]", "href"),
        [format!("{BASE_URL}/interviewers?tech=python&page=2")]
    );
    assert!(second.sql_queries() <= 2);
    let fragment = app.get_htmx("/interviewers?tech=python&page=2").await;
    assert_eq!(fragment.card_names().len(), 8);

    let past = app.get("/interviewers?tech=python&page=9").await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.card_names().is_empty());
    assert_eq!(past.count("[data-testid=empty-state]"), 1);
    assert_eq!(past.attrs("meta[name=robots]", "content"), ["noindex"]);
    for junk in ["page=0", "page=-1", "page=abc", "page=99999999999999999999"] {
        assert_eq!(
            app.get(&format!("/interviewers?tech=python&{junk}"))
                .await
                .card_names()
                .len(),
            24,
            "{junk}: page 1"
        );
    }
}
