//! Verified reviews: only from the customer of a held, paid session, once; published whatever
//! they say; shown on the profile and cards with the average and count, and in the profile's
//! JSON-LD; hidden by staff only for a listed reason, which its author sees; one reply.

use reqwest::StatusCode;
use sqlx::PgPool;

use reqwest::Client;

use crate::booking_support::{Admins, World};
use crate::helpers::{BASE_URL, TestApp};

/// A paid session that ended 90 minutes ago.
async fn session_over(world: &World, uid: &str) -> String {
    world.paid_session_started(uid, 180).await
}

/// Its interviewer marks it `outcome`.
async fn mark(world: &World, ines: &Client, public_id: &str, outcome: &str) {
    let path = format!("/admin/bookings/{public_id}/outcome");
    let marked = Admins::post(&world.app, ines, &path, &[("outcome", outcome)]).await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
}

async fn post_review(world: &World, public_id: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    world
        .app
        .post(&format!("/bookings/{public_id}/review"))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn review_count(world: &World) -> i64 {
    sqlx::query_scalar("select count(*) from review")
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_held_session_is_reviewed_once_and_the_profile_shows_it(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, .. } = world.admins().await;
    let public_id = session_over(&world, "uid-review").await;
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(
        page.count("[data-testid=review-form]"),
        0,
        "not before it is marked held"
    );
    assert_eq!(
        post_review(&world, &public_id, &[("rating", "5"), ("body", "Great")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(review_count(&world).await, 0);

    mark(&world, &ines, &public_id, "held").await;
    let invite_due: f64 = sqlx::query_scalar(
        "select extract(epoch from j.run_at - b.ends_at)::float8 / 3600 from job j
         join booking b on b.booking_id = (j.payload->>'booking_id')::bigint where j.kind = 'review_invite'",
    )
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert!(
        (invite_due - 24.0).abs() < 0.01,
        "invited 24 hours after the end: {invite_due}"
    );

    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(page.count("[data-testid=review-form]"), 1);
    // Missing stars and words: each said at its field, what was written kept.
    let response = post_review(&world, &public_id, &[("body", "   ")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = TestApp::page(response).await;
    assert_eq!(page.texts("#rating-error"), ["Choose from 1 to 5 stars."]);
    assert_eq!(
        page.texts("#body-error"),
        ["Say in a few words how the session went."]
    );
    let response = post_review(
        &world,
        &public_id,
        &[("rating", "9"), ("body", "Sharp questions.")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        TestApp::page(response).await.texts("#review-body"),
        ["Sharp questions."]
    );

    let response = post_review(
        &world,
        &public_id,
        &[
            ("rating", "4"),
            ("body", "Sharp questions, fair feedback.\nWould book again."),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/bookings/{public_id}?done=reviewed#review").as_str()
    );
    // Once per booking.
    assert_eq!(
        post_review(
            &world,
            &public_id,
            &[("rating", "1"), ("body", "Changed my mind")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(review_count(&world).await, 1);
    let page = world
        .app
        .get(&format!("/bookings/{public_id}?done=reviewed"))
        .await;
    assert_eq!(page.count("[data-testid=your-review]"), 1);
    assert_eq!(page.count("[data-testid=review-form]"), 0);

    let profile = world.app.get("/interviewers/ines-interviewer").await;
    assert_eq!(
        profile.texts("[data-testid=profile-rating] a"),
        ["4.0 · 1 review"]
    );
    let reviews = profile.texts("[data-testid=review]");
    assert_eq!(reviews.len(), 1);
    assert!(
        reviews[0].contains("Sharp questions, fair feedback."),
        "{reviews:?}"
    );
    assert!(
        reviews[0].contains("Ada C.,"),
        "first name and initial: {reviews:?}"
    );
    let listing = world.app.get("/interviewers").await;
    assert_eq!(
        listing.texts("[data-testid=card-rating]"),
        ["★ 4.0 · 1 review"]
    );
    let json_ld: serde_json::Value = serde_json::from_str(
        &profile
            .html()
            .select(&scraper::Selector::parse("script[type='application/ld+json']").unwrap())
            .map(|s| s.inner_html())
            .find(|s| s.contains("\"Person\""))
            .expect("the Person JSON-LD"),
    )
    .unwrap();
    assert_eq!(json_ld["aggregateRating"]["ratingValue"], "4.0");
    assert_eq!(json_ld["aggregateRating"]["reviewCount"], 1);
    assert_eq!(json_ld["review"][0]["reviewRating"]["ratingValue"], 4);
    assert_eq!(json_ld["review"][0]["author"]["name"], "Ada C.");
}

#[sqlx::test]
async fn staff_hide_only_for_a_listed_reason_the_author_sees_it_and_the_interviewer_replies_once(
    pool: PgPool,
) {
    let world = World::new(pool).await;
    let Admins { ines, staff } = world.admins().await;
    let public_id = session_over(&world, "uid-review-hide").await;
    mark(&world, &ines, &public_id, "held").await;
    post_review(
        &world,
        &public_id,
        &[
            ("rating", "2"),
            ("body", "Call me on 555-0100"),
            ("anonymous", "1"),
        ],
    )
    .await;
    let profile = world.app.get("/interviewers/ines-interviewer").await;
    assert!(profile.texts("[data-testid=review]")[0].contains("Anonymous"));

    // The interviewer replies, once.
    let post = |who: &reqwest::Client, path: String, fields: Vec<(&'static str, &'static str)>| {
        who.post(world.app.url(&path))
            .header("Origin", BASE_URL)
            .form(&fields)
            .send()
    };
    let reply_path = format!("/admin/bookings/{public_id}/review/reply");
    assert_eq!(
        post(
            &ines,
            reply_path.clone(),
            vec![("reply", "Thank you; let's talk by email.")]
        )
        .await
        .unwrap()
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&ines, reply_path.clone(), vec![("reply", "Another one.")])
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        post(&staff, reply_path, vec![("reply", "Staff reply.")])
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN,
        "only the interviewer replies"
    );
    let profile = world.app.get("/interviewers/ines-interviewer").await;
    assert!(profile.texts("[data-testid=review]")[0].contains("Thank you; let's talk by email."));

    // A reason from outside the list (say, "negative") hides nothing.
    let hide_path = format!("/admin/bookings/{public_id}/review/hide");
    assert_eq!(
        post(&staff, hide_path.clone(), vec![("reason", "negative")])
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post(&ines, hide_path.clone(), vec![("reason", "personal_data")])
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND,
        "interviewers cannot hide reviews"
    );
    assert_eq!(
        post(&staff, hide_path, vec![("reason", "personal_data")])
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
    let (reason, by): (String, Option<i64>) =
        sqlx::query_as("select hidden_reason::text, hidden_by from review")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(reason, "personal_data");
    assert!(by.is_some(), "who hid it is recorded");
    let profile = world.app.get("/interviewers/ines-interviewer").await;
    assert_eq!(profile.count("[data-testid=review]"), 0);
    assert_eq!(
        profile.count("[data-testid=profile-rating]"),
        0,
        "no published reviews left"
    );
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(
        page.texts("[data-testid=review-hidden]"),
        [
            "Hidden by 508.dev staff: It shares someone's personal data. Only you see it now. Questions: hello@508.dev ."
        ]
    );
}

#[sqlx::test]
async fn a_customer_who_did_not_come_cannot_review(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, .. } = world.admins().await;
    let public_id = session_over(&world, "uid-review-no-show").await;
    mark(&world, &ines, &public_id, "customer_no_show").await;
    assert_eq!(
        post_review(
            &world,
            &public_id,
            &[("rating", "1"), ("body", "Never happened")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(review_count(&world).await, 0);
}
