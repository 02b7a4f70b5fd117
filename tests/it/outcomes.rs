//! After the session: held, the customer did not come, the interviewer did not come. Who may
//! mark what and when, the refunds each one gives, cal.com being told, the sessions nobody
//! marked, and the customer's one goodwill move.

use reqwest::{Client, StatusCode};
use serde_json::Value;
use sqlx::PgPool;

use crate::booking_support::{Admins, World};
use crate::helpers::TestApp;

async fn admins(world: &World) -> Admins {
    world.admins().await
}

/// A paid booking whose session started `minutes_ago` (and lasts 90 minutes).
async fn session(world: &World, uid: &str, minutes_ago: i64) -> String {
    world.paid_session_started(uid, minutes_ago).await
}

async fn mark(app: &TestApp, who: &Client, public_id: &str, outcome: &str) -> reqwest::Response {
    let path = format!("/admin/bookings/{public_id}/outcome");
    Admins::post(app, who, &path, &[("outcome", outcome)]).await
}

async fn outcome(world: &World, public_id: &str) -> (Option<String>, bool, String) {
    sqlx::query_as(
        "select session_outcome::text, outcome_assumed, status::text from booking where public_id = $1",
    )
    .bind(public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap()
}

fn absent_calls(world: &World) -> Vec<(String, Value)> {
    world.cal.state.lock().unwrap().absent.clone()
}

#[sqlx::test]
async fn marking_opens_15_minutes_after_the_start_and_only_staff_record_an_absent_interviewer(
    pool: PgPool,
) {
    let world = World::new(pool).await;
    let admins = admins(&world).await;
    let early = session(&world, "uid-early-mark", 10).await;
    let page = TestApp::page(
        admins
            .ines
            .get(world.app.url(&format!("/admin/bookings/{early}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.count("[data-testid=mark-session]"), 0, "not yet");
    let response = mark(&world.app, &admins.ines, &early, "held").await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = TestApp::page(response).await;
    assert_eq!(
        page.texts("[data-testid=error]"),
        ["A session can be marked from 15 minutes after its start."]
    );
    assert_eq!(outcome(&world, &early).await.0, None);

    let due = session(&world, "uid-due-mark", 20).await;
    let list = TestApp::page(
        admins
            .ines
            .get(world.app.url("/admin/bookings"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        list.count("[data-testid=to-mark-list] [data-testid=booking-row]"),
        1
    );
    let page = TestApp::page(
        admins
            .ines
            .get(world.app.url(&format!("/admin/bookings/{due}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.count("[data-testid=mark-held]"), 1);
    assert_eq!(page.count("[data-testid=mark-customer-no-show]"), 1);
    assert_eq!(
        page.count("[data-testid=mark-interviewer-no-show]"),
        0,
        "the interviewer is not offered it"
    );
    let response = mark(&world.app, &admins.ines, &due, "interviewer_no_show").await;
    assert_eq!(
        response.status(),
        StatusCode::CONFLICT,
        "and cannot post it"
    );
    assert_eq!(outcome(&world, &due).await.0, None);
    let response = mark(&world.app, &admins.ines, &due, "held").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/admin/bookings/{due}?done=held").as_str()
    );
    assert_eq!(
        outcome(&world, &due).await,
        (Some("held".to_owned()), false, "paid".to_owned())
    );
    // Once marked, the interviewer cannot change it.
    let response = mark(&world.app, &admins.ines, &due, "customer_no_show").await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let response = mark(&world.app, &admins.ines, &due, "sideways").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    world.drain_jobs().await;
    assert!(absent_calls(&world).is_empty(), "held: nobody was absent");
    assert!(world.stripe.refunds().is_empty());
}

/// The customer did not come: no refund, cal.com is told the attendee was absent, the
/// customer is emailed with the one free move, and that move works once.
#[sqlx::test]
async fn a_customer_who_did_not_come_is_not_refunded_and_may_move_it_once(pool: PgPool) {
    let world = World::new(pool).await;
    let admins = admins(&world).await;
    let public_id = session(&world, "uid-no-show", 30).await;
    let before = world.mail_to(&world.customer_email).await.len();
    let response = mark(&world.app, &admins.ines, &public_id, "customer_no_show").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    world.drain_jobs().await;
    assert!(world.stripe.refunds().is_empty(), "no refund");
    let calls = absent_calls(&world);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "uid-no-show");
    assert_eq!(
        calls[0].1,
        serde_json::json!({"attendees": [{"email": world.customer_email, "absent": true}]})
    );
    let mail = world.wait_for_mail(&world.customer_email, before + 1).await;
    let missed: Vec<&Value> = mail
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("We missed you")
        })
        .collect();
    assert_eq!(missed.len(), 1);
    assert!(missed[0]["text"].as_str().unwrap().contains("not refunded"));
    assert!(
        missed[0]["text"]
            .as_str()
            .unwrap()
            .contains("move it to another time, free of charge")
    );

    // The booking page says so and offers the move, not a cancel.
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(
        page.texts("[data-testid=booking-status] .booking-panel__state"),
        ["You did not come"]
    );
    assert_eq!(page.count("[data-testid=reschedule-link]"), 1);
    assert_eq!(page.count("[data-testid=cancel-link]"), 0);
    assert_eq!(
        world
            .app
            .get(&format!("/bookings/{public_id}/cancel"))
            .await
            .status,
        StatusCode::SEE_OTHER,
        "no cancel after the session"
    );

    world
        .cal
        .add_reschedule("uid-no-show-again", "uid-no-show", 72);
    let response = world
        .app
        .post(&format!("/bookings/{public_id}/reschedule"))
        .header("Accept", "application/json")
        .form(&[("uid", "uid-no-show-again")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["next"], format!("/bookings/{public_id}?done=moved"));
    let (uid, outcome_now, used): (String, Option<String>, bool) = sqlx::query_as(
        "select cal_booking_uid, session_outcome::text, goodwill_reschedule_used from booking where public_id = $1",
    )
    .bind(&public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(
        (uid.as_str(), outcome_now, used),
        ("uid-no-show-again", None, true),
        "a session to come again"
    );
    world.drain_jobs().await;
    assert!(
        world
            .cal
            .confirmed()
            .contains(&"uid-no-show-again".to_owned())
    );

    // Missed again: no second free move.
    sqlx::query("update booking set starts_at = now() - interval '30 minutes', ends_at = now() + interval '1 hour' where public_id = $1")
        .bind(&public_id)
        .execute(&world.app.pool)
        .await
        .unwrap();
    let response = mark(&world.app, &admins.ines, &public_id, "customer_no_show").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(page.count("[data-testid=reschedule-link]"), 0);
    world
        .cal
        .add_reschedule("uid-no-show-third", "uid-no-show-again", 72);
    let response = world
        .app
        .post(&format!("/bookings/{public_id}/reschedule"))
        .header("Accept", "application/json")
        .form(&[("uid", "uid-no-show-third")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
}

/// Staff record that the interviewer did not come (even over the interviewer's own "held"):
/// a full refund at once, cal.com told the host was absent, both sides emailed, and the
/// booking page apologises and offers to book again. Done twice, it refunds once.
#[sqlx::test]
async fn an_interviewer_who_did_not_come_means_a_full_refund_at_once(pool: PgPool) {
    let world = World::new(pool).await;
    let admins = admins(&world).await;
    let public_id = session(&world, "uid-host-absent", 120).await;
    assert_eq!(
        mark(&world.app, &admins.ines, &public_id, "held")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let page = TestApp::page(
        admins
            .staff
            .get(world.app.url(&format!("/admin/bookings/{public_id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        page.count("[data-testid=mark-interviewer-no-show]"),
        1,
        "staff may correct a held mark"
    );
    let response = mark(&world.app, &admins.staff, &public_id, "interviewer_no_show").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        mark(&world.app, &admins.staff, &public_id, "interviewer_no_show")
            .await
            .status(),
        StatusCode::CONFLICT,
        "recorded once"
    );
    world.drain_jobs().await;
    let refunds = world.stripe.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], "15000");
    assert_eq!(
        outcome(&world, &public_id).await,
        (
            Some("interviewer_no_show".to_owned()),
            false,
            "refunded".to_owned()
        )
    );
    let calls = absent_calls(&world);
    assert_eq!(
        calls,
        [(
            "uid-host-absent".to_owned(),
            serde_json::json!({"host": true})
        )]
    );
    let customer = world.wait_for_mail(&world.customer_email, 2).await;
    let sorry: Vec<&Value> = customer
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Sorry: your interviewer did not come")
        })
        .collect();
    assert_eq!(sorry.len(), 1);
    assert!(
        sorry[0]["text"]
            .as_str()
            .unwrap()
            .contains("We are refunding $150")
    );
    assert!(
        sorry[0]["text"]
            .as_str()
            .unwrap()
            .contains("/interviewers/ines-interviewer/book")
    );
    let host = world.wait_for_mail(&world.host_email, 2).await;
    assert_eq!(
        host.iter()
            .filter(|m| m["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Recorded: you did not come"))
            .count(),
        1
    );
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(
        page.texts("[data-testid=booking-status] .booking-panel__state"),
        ["Refunded"]
    );
}

/// Nobody marked it: a day after its end it counts as held ("assumed"), never before, and
/// staff see it so.
#[sqlx::test]
async fn a_session_nobody_marks_is_assumed_held_a_day_after_its_end(pool: PgPool) {
    let world = World::new(pool).await;
    let admins = admins(&world).await;
    let recent = session(&world, "uid-unmarked-recent", 60 * 20).await; // ended 18.5 hours ago
    let old = session(&world, "uid-unmarked-old", 60 * 30).await; // ended 28.5 hours ago
    world.worker.sweep().await.unwrap();
    assert_eq!(outcome(&world, &recent).await.0, None);
    assert_eq!(
        outcome(&world, &old).await,
        (Some("held".to_owned()), true, "paid".to_owned())
    );
    let list = TestApp::page(
        admins
            .staff
            .get(world.app.url("/admin/bookings"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        list.count("[data-testid=to-mark-list] [data-testid=booking-row]"),
        1,
        "the recent one"
    );
    assert_eq!(list.texts("[data-testid=outcome]"), ["Held (assumed)"]);
    // An assumed "held" can still be corrected by staff.
    assert_eq!(
        mark(&world.app, &admins.staff, &old, "interviewer_no_show")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}
