//! Opening Checkout under concurrency: many submissions of one booking at once end with
//! exactly one payable Checkout Session, the one the booking records, and other visitors are
//! served meanwhile (no submission holds a lock or a pooled connection across Stripe's API).

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{booking_support::World, helpers::Page};

/// How many submissions race, and how many of them change the email (a new session each).
const SUBMISSIONS: usize = 100;
const EVERY_NTH_CHANGES_EMAIL: usize = 10;

#[sqlx::test]
async fn a_hundred_concurrent_submissions_end_with_one_open_session_and_the_site_keeps_answering(
    pool: PgPool,
) {
    let world = World::new(pool).await;
    let (public_id, first_session) = world.book_and_checkout("uid-race").await;

    // The details again, 100 times at once (a customer hammering Pay in several tabs); one in
    // ten with another email, which needs a new session. No resume: the stored one stays.
    let submissions = (0..SUBMISSIONS).map(|i| {
        let world = &world;
        let public_id = public_id.clone();
        async move {
            let mut form = world.details_form(None);
            if i % EVERY_NTH_CHANGES_EMAIL == 0 {
                form = form.text("email", format!("racer-{i}@example.com"));
            }
            world.submit_details(&public_id, form).await
        }
    });
    // Meanwhile another visitor browses the listing, over and over.
    let browsing = async {
        let mut statuses = Vec::new();
        for _ in 0..20 {
            let page = world.app.get("/interviewers").await;
            statuses.push(page.status);
        }
        statuses
    };
    let (answers, listing): (Vec<Page>, Vec<StatusCode>) =
        tokio::join!(futures_util::future::join_all(submissions), browsing);

    assert!(
        listing.iter().all(|s| *s == StatusCode::OK),
        "the listing answered {listing:?}"
    );
    for page in &answers {
        match page.status {
            // Off to a Checkout Session.
            StatusCode::SEE_OTHER => assert!(
                page.header("location")
                    .is_some_and(|l| l.starts_with("https://checkout.stripe.test/")),
                "{:?}",
                page.header("location")
            ),
            // "Your payment page is still being prepared": the details are kept.
            StatusCode::UNPROCESSABLE_ENTITY => assert_eq!(
                page.texts("[data-testid=general-error]").len(),
                1,
                "{}",
                page.body
            ),
            other => panic!("a submission got {other}: {}", page.body),
        }
    }

    let (recorded, status): (Option<String>, String) = sqlx::query_as(
        "select checkout_session_id, status::text from booking where public_id = $1",
    )
    .bind(&public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(status, "awaiting_payment");
    let open = world.stripe.open_sessions_of(&public_id);
    assert_eq!(open.len(), 1, "exactly one payable session: {open:?}");
    assert_eq!(
        recorded.as_deref(),
        Some(open[0].as_str()),
        "and the booking records it"
    );
    assert_ne!(
        open[0], first_session,
        "the email changed, so the first one was replaced"
    );
    // Every other session this booking opened is known to be closed.
    let still_open: Vec<String> = sqlx::query_scalar(
        "select s.session_id from checkout_session s join booking b using (booking_id)
         where b.public_id = $1 and s.closed_at is null",
    )
    .bind(&public_id)
    .fetch_all(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(still_open, open);
}
