//! Guarantee claims, self-served: within the window after a held session, once per booking;
//! staff refund in full (through the outbox, idempotent, surviving a crash before Stripe is
//! called) or reply; the customer sees the state on their booking page.

use reqwest::{Client, StatusCode};
use sqlx::PgPool;

use crate::booking_support::{Admins, World};
use crate::helpers::TestApp;

struct Setup {
    world: World,
    staff: Client,
    public_id: String,
}

/// A paid session that ended `ended_hours_ago`, marked held by its interviewer.
/// A paid session that ended `ended_hours_ago`, marked held by its interviewer.
async fn held(pool: PgPool, uid: &str, ended_hours_ago: i32) -> Setup {
    let world = World::new(pool).await;
    let Admins { ines, staff } = world.admins().await;
    let public_id = world
        .paid_session_started(uid, i64::from(ended_hours_ago) * 60 + 90)
        .await;
    let path = format!("/admin/bookings/{public_id}/outcome");
    let marked = Admins::post(&world.app, &ines, &path, &[("outcome", "held")]).await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    Setup {
        world,
        staff,
        public_id,
    }
}

async fn claim(world: &World, public_id: &str, reason: &str) -> reqwest::Response {
    world
        .app
        .post(&format!("/bookings/{public_id}/claim"))
        .form(&[("reason", reason)])
        .send()
        .await
        .unwrap()
}

async fn staff_post(s: &Setup, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    Admins::post(&s.world.app, &s.staff, path, fields).await
}

#[sqlx::test]
async fn a_claim_is_made_once_and_refunded_in_full_once_even_after_a_crash(pool: PgPool) {
    let s = held(pool, "uid-claim", 3).await;
    let (world, public_id) = (&s.world, s.public_id.as_str());
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(page.count("[data-testid=claim-form]"), 1);

    let response = claim(world, public_id, "  ").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = TestApp::page(response).await;
    assert_eq!(
        page.texts("#claim-reason-error"),
        ["Say in a sentence or two why the session was not valuable to you."]
    );
    let response = claim(world, public_id, "The questions were far below my level.").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        claim(world, public_id, "Again").await.status(),
        StatusCode::SEE_OTHER,
        "once per booking"
    );
    let claims: i64 = sqlx::query_scalar("select count(*) from guarantee_claim")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(claims, 1);
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert!(page.texts("[data-testid=claim-state]")[0].starts_with("Received"));

    // Staff's queue has it with its reason.
    let queue = TestApp::page(
        s.staff
            .get(world.app.url("/admin/claims"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        queue.texts("[data-testid=claim-reason]"),
        ["The questions were far below my level."]
    );

    // Refunded: decided and queued in one transaction; the worker dies before calling Stripe
    // (nothing drained), and the refund still happens once the worker runs, once.
    let refund_path = format!("/admin/claims/{public_id}/refund");
    assert_eq!(
        staff_post(&s, &refund_path, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let state: String = sqlx::query_scalar("select state::text from guarantee_claim")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(state, "refunded");
    assert!(world.stripe.refunds().is_empty(), "not called yet");
    assert_eq!(
        staff_post(&s, &refund_path, &[]).await.status(),
        StatusCode::CONFLICT,
        "decided once"
    );
    world.drain_jobs().await;
    // The same job run again (a worker that died after Stripe answered): Stripe's idempotency
    // key makes it the same refund.
    sqlx::query("update job set done_at = null, run_at = now() where kind = 'stripe_refund'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.drain_jobs().await;
    let refunds = world.stripe.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], "15000");
    assert_eq!(world.status(public_id).await, "refunded");
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(
        page.texts("[data-testid=claim-state]"),
        ["Refunded in full"]
    );
    let mail = world.wait_for_mail(&world.customer_email, 3).await;
    let subjects: Vec<&str> = mail.iter().filter_map(|m| m["subject"].as_str()).collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("We have your guarantee claim")),
        "{subjects:?}"
    );
}

#[sqlx::test]
async fn staff_may_reply_instead_and_the_customer_reads_it(pool: PgPool) {
    let s = held(pool, "uid-claim-reply", 3).await;
    let (world, public_id) = (&s.world, s.public_id.as_str());
    claim(world, public_id, "It was fine but not what I expected.").await;
    let reply_path = format!("/admin/claims/{public_id}/reply");
    assert_eq!(
        staff_post(&s, &reply_path, &[("reply", "")]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        staff_post(
            &s,
            &reply_path,
            &[("reply", "What did you expect? We can refund or rebook.")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    world.drain_jobs().await;
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(page.texts("[data-testid=claim-state]"), ["Answered"]);
    assert!(page.texts("[data-testid=claim] blockquote")[0].contains("What did you expect?"));
    let mail = world.wait_for_mail(&world.customer_email, 3).await;
    assert!(mail.iter().any(|m| {
        m["text"]
            .as_str()
            .unwrap_or("")
            .contains("What did you expect?")
    }));
    assert!(world.stripe.refunds().is_empty());
    let queue = TestApp::page(
        s.staff
            .get(world.app.url("/admin/claims"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        queue.count("[data-testid=claim]"),
        0,
        "answered claims leave the queue"
    );
}

#[sqlx::test]
async fn the_guarantee_is_claimed_only_within_its_window(pool: PgPool) {
    let s = held(pool, "uid-claim-late", 15 * 24).await;
    let (world, public_id) = (&s.world, s.public_id.as_str());
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(page.count("[data-testid=claim-form]"), 0);
    assert_eq!(
        claim(world, public_id, "Too late?").await.status(),
        StatusCode::SEE_OTHER
    );
    let claims: i64 = sqlx::query_scalar("select count(*) from guarantee_claim")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(claims, 0);
}
