//! The customer's own booking page (`/bookings/{id}`): what it shows, cancelling under our
//! policy (refund shown before confirming), rescheduling through cal.com's flow, the calendar
//! invites (parsed back) and the reminders.

use icalendar::{Component, EventLike};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::booking_support::{EVENT_TYPE_ID, World, invite_of};
use crate::helpers::TestApp;

/// A booking paid and settled: cal.com confirmed, emails sent, the receipt recorded.
async fn paid(world: &World, uid: &str) -> String {
    let (public_id, session_id) = world.book_and_checkout(uid).await;
    world.pay(&session_id).await;
    world.drain_jobs().await;
    public_id
}

fn subjects(mail: &[Value], prefix: &str) -> Vec<Value> {
    mail.iter()
        .filter(|m| m["subject"].as_str().unwrap_or("").starts_with(prefix))
        .cloned()
        .collect()
}

async fn booking_id(world: &World, public_id: &str) -> i64 {
    sqlx::query_scalar("select booking_id from booking where public_id = $1")
        .bind(public_id)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

async fn move_start(world: &World, public_id: &str, hours_ahead: i64) {
    sqlx::query(
        "update booking set starts_at = now() + make_interval(hours => $2),
                            ends_at = now() + make_interval(hours => $2, mins => 90)
         where public_id = $1",
    )
    .bind(public_id)
    .bind(hours_ahead as i32)
    .execute(&world.app.pool)
    .await
    .unwrap();
}

#[sqlx::test]
async fn a_paid_booking_shows_its_time_in_both_zones_its_links_and_what_was_sent(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = paid(&world, "uid-page").await;
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("cache-control"),
        Some("private, no-store"),
        "the page is the customer's own"
    );
    assert_eq!(
        page.texts("[data-testid=booking-status] .booking-panel__state"),
        ["Confirmed"]
    );
    let reference = interview_service::domain::reference::of(booking_id(&world, &public_id).await);
    assert_eq!(page.texts("[data-testid=booking-reference]"), [reference]);
    let interviewer_time = page.texts("[data-testid=interviewer-time]");
    assert!(
        interviewer_time[0].ends_with("(Europe/Berlin, UTC+1)"),
        "{interviewer_time:?}"
    );
    assert_eq!(
        page.attrs("[data-testid=meeting-link]", "href"),
        ["https://app.cal.com/video/uid-page"],
        "the video link cal.com made on confirming"
    );
    let calendar_links = page.attrs("[data-testid=add-to-calendar] a", "href");
    assert_eq!(
        calendar_links[0],
        format!("/bookings/{public_id}/calendar.ics")
    );
    assert!(
        calendar_links[1]
            .starts_with("https://calendar.google.com/calendar/render?action=TEMPLATE")
    );
    assert!(
        calendar_links[1].contains("&dates=2"),
        "{}",
        calendar_links[1]
    );
    assert!(calendar_links[2].starts_with("https://outlook.live.com/calendar/0/deeplink/compose?"));
    let submitted = page.texts("[data-testid=submitted] dd").join(" | ");
    assert!(submitted.contains("six years of Python"), "{submitted}");
    assert!(submitted.contains("cv.pdf"), "{submitted}");
    assert_eq!(
        page.count("[data-testid=submitted] textarea, [data-testid=submitted] input"),
        0,
        "read-only"
    );
    assert!(
        page.texts("[data-testid=acknowledged]")[0].contains("has not confirmed reading it yet")
    );
    assert_eq!(
        page.attrs("[data-testid=receipt]", "href"),
        ["https://pay.stripe.com/receipts/payment/ch_for_pi_for_cs_test_1"],
        "Stripe's receipt of the charge"
    );
    let terms = page.texts("[data-testid=cancel-terms]");
    assert!(terms[0].contains("full refund of $150"), "{terms:?}");
    assert_eq!(page.count("[data-testid=reschedule-link]"), 1);

    // The calendar file is the event the emails carry, to import.
    let response = world
        .app
        .client
        .get(
            world
                .app
                .url(&format!("/bookings/{public_id}/calendar.ics")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let ics = response.text().await.unwrap();
    let calendar: icalendar::Calendar = ics.parse().unwrap();
    assert_eq!(calendar.property_value("METHOD"), Some("PUBLISH"));
    let event = calendar.events().next().unwrap().clone();
    let mail = world.wait_for_mail(&world.customer_email, 1).await;
    let (_, emailed) = invite_of(&mail[0]).await;
    assert_eq!(event.get_uid(), emailed.get_uid());
    assert_eq!(
        event.get_location(),
        Some("https://app.cal.com/video/uid-page")
    );
    assert_eq!(event.get_start(), emailed.get_start());
}

#[sqlx::test]
async fn an_acknowledged_booking_says_so_with_the_note(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = paid(&world, "uid-ack-page").await;
    sqlx::query("update booking set acknowledged_at = now(), acknowledgement_note = 'Bring a whiteboard pen' where public_id = $1")
        .bind(&public_id)
        .execute(&world.app.pool)
        .await
        .unwrap();
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    let ack = page.texts("[data-testid=acknowledged]");
    assert!(
        ack[0].starts_with("Ines Interviewer has read it"),
        "{ack:?}"
    );
    assert!(ack[0].contains("Bring a whiteboard pen"), "{ack:?}");
}

async fn post_cancel(app: &TestApp, public_id: &str, quoted: i64) -> reqwest::Response {
    app.post(&format!("/bookings/{public_id}/cancel"))
        .form(&[
            ("quoted_refund_minor", quoted.to_string()),
            ("reason", "A clash at work".to_owned()),
        ])
        .send()
        .await
        .unwrap()
}

/// Three days ahead, outside the 24-hour window: the page promises a full refund, and a
/// cancel gives exactly that through Stripe, frees the slot in cal.com, and tells both sides
/// with a calendar cancellation.
#[sqlx::test]
async fn a_cancel_outside_the_window_refunds_in_full_as_the_page_said(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = paid(&world, "uid-cancel-early").await;
    let before = world.mail_to(&world.customer_email).await.len();
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/cancel"))
        .await;
    assert_eq!(
        page.texts("[data-testid=cancel-refund]"),
        ["Full refund: $150"]
    );
    assert_eq!(
        page.attrs("input[name=quoted_refund_minor]", "value"),
        ["15000"]
    );
    assert_eq!(
        page.texts("[data-testid=confirm-cancel]"),
        ["Cancel and refund $150"]
    );

    let response = post_cancel(&world.app, &public_id, 15000).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/bookings/{public_id}?done=cancelled").as_str()
    );
    assert_eq!(world.status(&public_id).await, "cancelled");
    world.drain_jobs().await;
    let refunds = world.stripe.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], "15000");
    assert_eq!(
        world.cal.cancelled(),
        ["uid-cancel-early"],
        "the slot is freed in cal.com"
    );
    assert_eq!(world.status(&public_id).await, "refunded");

    let customer = world.wait_for_mail(&world.customer_email, before + 1).await;
    let cancelled = subjects(&customer, "Cancelled:");
    assert_eq!(cancelled.len(), 1);
    assert!(
        cancelled[0]["text"]
            .as_str()
            .unwrap()
            .contains("We are refunding $150")
    );
    let (method, event) = invite_of(&cancelled[0]).await;
    assert_eq!(method, "CANCEL");
    assert!(
        event
            .get_uid()
            .unwrap_or("")
            .starts_with(&format!("booking-{public_id}@")),
        "the booking's one event"
    );
    let host = world.wait_for_mail(&world.host_email, 2).await;
    let host_cancelled = subjects(&host, "Cancelled:");
    assert_eq!(host_cancelled.len(), 1);
    assert!(
        host_cancelled[0]["text"]
            .as_str()
            .unwrap()
            .contains("A clash at work")
    );
    assert_eq!(invite_of(&host_cancelled[0]).await.0, "CANCEL");

    // cal.com's own webhook for the cancel arrives afterwards: nothing more happens.
    let event = serde_json::json!({
        "triggerEvent": "BOOKING_CANCELLED",
        "payload": {"uid": "uid-cancel-early", "cancelledBy": world.customer_email,
                    "organizer": {"email": world.host_email}}
    });
    assert_eq!(world.post_cal_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;
    assert_eq!(world.stripe.refunds().len(), 1);
    assert_eq!(
        subjects(&world.mail_to(&world.customer_email).await, "Cancelled:").len(),
        1
    );

    let page = world
        .app
        .get(&format!("/bookings/{public_id}?done=cancelled"))
        .await;
    assert_eq!(
        page.texts("[data-testid=booking-status] .booking-panel__state"),
        ["Refunded"]
    );
    assert!(page.texts("[data-testid=refund]")[0].starts_with("Refund: $150, sent"));
    assert_eq!(
        page.count("[data-testid=changes]"),
        0,
        "nothing left to change"
    );
}

/// Twenty hours ahead, inside the window: the page says plainly there is no refund and offers
/// a move instead; a cancel confirmed against the earlier promise is refused and changes
/// nothing; confirmed as shown, it cancels with no refund.
#[sqlx::test]
async fn a_cancel_inside_the_window_gives_no_refund_and_offers_a_move_first(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = paid(&world, "uid-cancel-late").await;
    move_start(&world, &public_id, 20).await;
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert!(page.texts("[data-testid=cancel-terms]")[0].contains("cancelling now gives no refund"));
    assert_eq!(
        page.count("[data-testid=reschedule-link]"),
        1,
        "a move is still allowed"
    );
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/cancel"))
        .await;
    assert_eq!(page.texts("[data-testid=cancel-refund]"), ["No refund"]);
    assert_eq!(page.count("[data-testid=reschedule-instead]"), 1);

    // The customer opened the page when a full refund was due; it is not any more.
    let response = post_cancel(&world.app, &public_id, 15000).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = TestApp::page(response).await;
    assert_eq!(page.count("[data-testid=refund-changed]"), 1);
    assert_eq!(page.texts("[data-testid=cancel-refund]"), ["No refund"]);
    assert_eq!(
        page.texts("textarea[name=reason]"),
        ["A clash at work"],
        "what they wrote is kept"
    );
    assert_eq!(world.status(&public_id).await, "paid", "nothing cancelled");

    let response = post_cancel(&world.app, &public_id, 0).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    world.drain_jobs().await;
    assert_eq!(world.status(&public_id).await, "cancelled");
    assert!(
        world.stripe.refunds().is_empty(),
        "no refund, exactly as shown"
    );
    assert_eq!(world.cal.cancelled(), ["uid-cancel-late"]);
    let mail = world.wait_for_mail(&world.customer_email, 2).await;
    let cancelled = subjects(&mail, "Cancelled:");
    assert!(
        cancelled[0]["text"]
            .as_str()
            .unwrap()
            .contains("no automatic refund applies")
    );
    let host = world.wait_for_mail(&world.host_email, 2).await;
    assert!(
        subjects(&host, "Cancelled:")[0]["text"]
            .as_str()
            .unwrap()
            .contains("No refund applies.")
    );
}

#[sqlx::test]
async fn a_reason_that_is_too_long_is_explained_and_cancels_nothing(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = paid(&world, "uid-long-reason").await;
    let response = world
        .app
        .post(&format!("/bookings/{public_id}/cancel"))
        .form(&[
            ("quoted_refund_minor", "15000".to_owned()),
            ("reason", "x".repeat(501)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = TestApp::page(response).await;
    assert_eq!(
        page.texts("#reason-error"),
        ["Please keep this under 500 characters (it is 501)."]
    );
    assert_eq!(world.status(&public_id).await, "paid");
}

async fn post_reschedule(world: &World, public_id: &str, uid: &str) -> (StatusCode, Value) {
    let response = world
        .app
        .post(&format!("/bookings/{public_id}/reschedule"))
        .header("Accept", "application/json")
        .form(&[("uid", uid)])
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// cal.com's reschedule flow from the booking page: the new booking is checked with cal.com
/// (it must replace ours), ours moves with no new payment, the new cal.com booking is
/// confirmed once, and both sides get the updated invite with a higher SEQUENCE, once, even
/// when cal.com's `BOOKING_REQUESTED` webhook reports the same move afterwards.
#[sqlx::test]
async fn a_reschedule_from_the_page_moves_the_booking_and_updates_the_invites(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = paid(&world, "uid-page-move").await;
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/reschedule"))
        .await;
    assert_eq!(
        page.attrs("[data-cal-embed]", "data-reschedule-uid"),
        ["uid-page-move"],
        "cal.com's reschedule flow for this booking"
    );
    let csp = page
        .header("content-security-policy")
        .unwrap_or_default()
        .to_owned();
    assert!(csp.contains("frame-src https://app.cal.com"), "{csp}");

    // A booking cal.com made for someone else is not a move of ours.
    world.cal.add_booking(
        "uid-stranger",
        EVENT_TYPE_ID,
        100,
        "pending",
        &world.host_email,
        "x@example.com",
    );
    let (status, answer) = post_reschedule(&world, &public_id, "uid-stranger").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(world.status(&public_id).await, "paid");

    world
        .cal
        .add_reschedule("uid-page-moved", "uid-page-move", 120);
    let (status, answer) = post_reschedule(&world, &public_id, "uid-page-moved").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["next"], format!("/bookings/{public_id}?done=moved"));
    let (uid, sequence): (String, i32) = sqlx::query_as(
        "select cal_booking_uid, calendar_sequence from booking where public_id = $1",
    )
    .bind(&public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!((uid.as_str(), sequence), ("uid-page-moved", 1));
    // cal.com's webhook for the same move.
    let event = serde_json::json!({
        "triggerEvent": "BOOKING_REQUESTED",
        "payload": {"uid": "uid-page-moved", "rescheduleUid": "uid-page-move", "status": "PENDING",
                    "startTime": world.cal.state.lock().unwrap().bookings["uid-page-moved"]["start"],
                    "endTime": world.cal.state.lock().unwrap().bookings["uid-page-moved"]["end"]}
    });
    assert_eq!(world.post_cal_event(&event).await, StatusCode::OK);
    let (status, _) = post_reschedule(&world, &public_id, "uid-page-moved").await;
    assert_eq!(status, StatusCode::OK, "a repeated report is the same move");
    world.drain_jobs().await;
    assert_eq!(world.cal.confirmed(), ["uid-page-move", "uid-page-moved"]);
    assert_eq!(world.stripe.session_count(), 1, "no new payment");

    for address in [&world.customer_email, &world.host_email] {
        let mail = world.wait_for_mail(address, 2).await;
        let moved = subjects(&mail, "Moved:");
        assert_eq!(moved.len(), 1, "{address}: one update");
        let (method, event) = invite_of(&moved[0]).await;
        assert_eq!(method, "REQUEST");
        assert_eq!(
            event.get_sequence(),
            Some(1),
            "a later version of the same event"
        );
        let first = subjects(
            &mail,
            if address == &world.host_email {
                "New practice interview"
            } else {
                "Confirmed:"
            },
        );
        let (_, original) = invite_of(&first[0]).await;
        assert_eq!(original.get_uid(), event.get_uid());
        assert_eq!(original.get_sequence(), Some(0));
    }
    let page = world
        .app
        .get(&format!("/bookings/{public_id}?done=moved"))
        .await;
    assert_eq!(page.count("[data-testid=done]"), 1);
    assert_eq!(
        page.attrs("[data-testid=meeting-link]", "href"),
        ["https://app.cal.com/video/uid-page-moved"],
        "the new booking's video link"
    );
}

/// Inside the notice window the page offers no move, and a move reported anyway is refused.
#[sqlx::test]
async fn a_booking_too_close_to_its_start_cannot_move(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = paid(&world, "uid-no-move").await;
    move_start(&world, &public_id, 6).await;
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(page.count("[data-testid=reschedule-link]"), 0);
    let page = world
        .app
        .get(&format!("/bookings/{public_id}/reschedule"))
        .await;
    assert_eq!(page.count("[data-cal-embed]"), 0);
    assert!(page.texts("[data-testid=reschedule-closed]")[0].contains("can no longer be moved"));
    // A move reported anyway (cal.com's own reschedule link, say) is refused under our
    // policy: the new request is declined, the booking keeps its time, the customer told.
    world
        .cal
        .add_reschedule("uid-no-move-2", "uid-no-move", 100);
    let (status, answer) = post_reschedule(&world, &public_id, "uid-no-move-2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer["next"],
        format!("/bookings/{public_id}?done=move-refused")
    );
    world.drain_jobs().await;
    assert_eq!(world.cal.declined(), ["uid-no-move-2"]);
    assert_eq!(world.status(&public_id).await, "paid");
    let page = world
        .app
        .get(&format!("/bookings/{public_id}?done=move-refused"))
        .await;
    assert!(page.texts("[data-testid=done]")[0].contains("could not be moved"));
}

async fn reminder_runs(world: &World, public_id: &str) -> Vec<(String, f64)> {
    sqlx::query_as(
        "select payload->>'which', extract(epoch from b.starts_at - j.run_at)::float8 / 3600
         from job j join booking b on b.booking_id = (j.payload->>'booking_id')::bigint
         where j.kind = 'reminder' and b.public_id = $1 and j.done_at is null order by 2 desc",
    )
    .bind(public_id)
    .fetch_all(&world.app.pool)
    .await
    .unwrap()
}

/// Reminders go 24 hours and 1 hour before the start to both sides, only when due, once,
/// and never for a booking that moved or was cancelled since they were scheduled.
#[sqlx::test]
async fn reminders_are_sent_when_due_once_and_never_for_moved_or_cancelled_bookings(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = paid(&world, "uid-remind").await;
    let runs = reminder_runs(&world, &public_id).await;
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].0, "24h");
    assert!((runs[0].1 - 24.0).abs() < 0.01, "{runs:?}");
    assert_eq!(runs[1].0, "1h");
    assert!((runs[1].1 - 1.0).abs() < 0.01, "{runs:?}");
    // Not due yet: the worker leaves them.
    world.drain_jobs().await;
    let reminders = |mail: Vec<Value>| subjects(&mail, "Reminder:");
    assert!(reminders(world.mail_to(&world.customer_email).await).is_empty());

    assert_eq!(world.make_reminders_due().await, 2);
    world.drain_jobs().await;
    let customer = reminders(world.wait_for_mail(&world.customer_email, 3).await);
    assert_eq!(customer.len(), 2, "the 24-hour and the 1-hour reminder");
    let text = customer[0]["text"].as_str().unwrap();
    assert!(
        text.contains("Join the video call: https://app.cal.com/video/uid-remind"),
        "{text}"
    );
    assert_eq!(
        invite_of(&customer[0]).await.0,
        "REQUEST",
        "with the invite, now with the link"
    );
    assert_eq!(
        reminders(world.wait_for_mail(&world.host_email, 3).await).len(),
        2
    );
    // Run again: never twice.
    sqlx::query("update job set done_at = null, run_at = now() where kind = 'reminder'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.drain_jobs().await;
    assert_eq!(
        reminders(world.mail_to(&world.customer_email).await).len(),
        2
    );

    // A booking that moved: the old reminders find it moved; the new time has its own.
    let moved = paid(&world, "uid-remind-move").await;
    world
        .cal
        .add_reschedule("uid-remind-moved", "uid-remind-move", 100);
    let (status, _) = post_reschedule(&world, &moved, "uid-remind-moved").await;
    assert_eq!(status, StatusCode::OK);
    let runs = reminder_runs(&world, &moved).await;
    assert_eq!(runs.len(), 4, "two old, two new");
    // A cancelled booking: none at all.
    let cancelled = paid(&world, "uid-remind-cancel").await;
    assert_eq!(
        post_cancel(&world.app, &cancelled, 15000).await.status(),
        StatusCode::SEE_OTHER
    );
    world.drain_jobs().await;
    let sent_before: i64 = sqlx::query_scalar(
        "select count(*) from job where kind = 'email' and dedupe_key like 'email:%reminder%'",
    )
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(world.make_reminders_due().await, 6);
    world.drain_jobs().await;
    let sent_after: i64 = sqlx::query_scalar(
        "select count(*) from job where kind = 'email' and dedupe_key like 'email:%reminder%'",
    )
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(
        sent_after - sent_before,
        4,
        "the moved booking's new time only: two reminders to each side"
    );
    let moved_id = booking_id(&world, &moved).await;
    let keys: Vec<String> = sqlx::query_scalar("select dedupe_key from job where kind = 'email' and dedupe_key like 'email:%reminder%' and dedupe_key like $1")
        .bind(format!("%:{moved_id}:%"))
        .fetch_all(&world.app.pool)
        .await
        .unwrap();
    assert!(
        keys.iter().all(|k| k.contains("uid-remind-moved")),
        "{keys:?}"
    );
}

/// A booking made ten hours ahead gets only the 1-hour reminder: the 24-hour moment passed.
#[sqlx::test]
async fn a_reminder_whose_moment_has_passed_is_not_scheduled(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world
        .book_and_checkout_hours_ahead("uid-soon-remind", 10)
        .await;
    world.pay(&session_id).await;
    let runs = reminder_runs(&world, &public_id).await;
    assert_eq!(
        runs.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ["1h"]
    );
}
