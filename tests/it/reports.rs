//! The written feedback report: only after a held session, written by the booking's own
//! interviewer, saved as a draft that survives a reload, submitted once with everything it
//! needs, then read-only; the customer emailed and reading it on their booking page; the
//! reminders at 24 and 44 hours; staff seeing overdue reports.

use reqwest::{Client, StatusCode};
use serde_json::Value;
use sqlx::PgPool;

use crate::booking_support::{Admins, World};
use crate::helpers::TestApp;

/// A paid session that ended `ended_hours_ago` hours ago.
async fn held_session(world: &World, uid: &str, ended_hours_ago: i64) -> String {
    world
        .paid_session_started(uid, ended_hours_ago * 60 + 90)
        .await
}

async fn get(app: &TestApp, who: &Client, path: &str) -> crate::helpers::Page {
    TestApp::page(who.get(app.url(path)).send().await.unwrap()).await
}

async fn post(
    app: &TestApp,
    who: &Client,
    path: &str,
    fields: &[(&str, &str)],
    htmx: bool,
) -> reqwest::Response {
    if !htmx {
        return Admins::post(app, who, path, fields).await;
    }
    who.post(app.url(path))
        .header("Origin", crate::helpers::BASE_URL)
        .header("HX-Request", "true")
        .form(fields)
        .send()
        .await
        .unwrap()
}

pub const COMPLETE: &[(&str, &str)] = &[
    ("score_problem_solving", "3"),
    ("score_coding", "2"),
    ("score_communication", "4"),
    ("score_testing", "1"),
    ("strengths", "You asked about the input size before coding."),
    ("focus_first", "Walk through an example before saying done."),
    ("focus_second", "Name the complexity as you go."),
    ("focus_third", ""),
    ("resources", "The Algorithm Design Manual, chapter 3."),
    ("overall_level", "close"),
    ("overall_note", "One more round of practice on testing."),
];

#[sqlx::test]
async fn the_interviewer_writes_a_report_that_survives_a_reload_and_is_sent_once(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, staff } = world.admins().await;
    let public_id = held_session(&world, "uid-report", 2).await;
    let report_path = format!("/admin/bookings/{public_id}/report");
    let draft_path = format!("{report_path}/draft");

    // Before the session is marked held there is nothing to write.
    let page = get(&world.app, &ines, &report_path).await;
    assert_eq!(page.count("[data-testid=no-report]"), 1);
    let marked = post(
        &world.app,
        &ines,
        &format!("/admin/bookings/{public_id}/outcome"),
        &[("outcome", "held")],
        false,
    )
    .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);

    // The form follows the subject's rubric (a coding round) with the 1-4 scale.
    let page = get(&world.app, &ines, &report_path).await;
    assert_eq!(page.count("[data-testid=report-form]"), 1);
    assert_eq!(
        page.texts(".report-criterion legend"),
        [
            "Problem solving",
            "Coding",
            "Communication",
            "Testing and verification"
        ]
    );
    assert_eq!(page.count("input[name=score_coding]"), 4);

    // Autosave (HTMX) keeps a partial draft; a reload shows it.
    let saved = post(
        &world.app,
        &ines,
        &draft_path,
        &[("score_coding", "2"), ("strengths", "Good questions.")],
        true,
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let status = saved.text().await.unwrap();
    assert!(status.contains("Draft saved at"), "{status}");
    let page = get(&world.app, &ines, &report_path).await;
    assert_eq!(page.texts("#strengths"), ["Good questions."]);
    assert_eq!(
        page.attrs("input[name=score_coding][checked]", "value"),
        ["2"]
    );
    // Too long is refused with the reason, and the last draft stays.
    let long = "x".repeat(4001);
    let refused = post(
        &world.app,
        &ines,
        &draft_path,
        &[("strengths", &long)],
        true,
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Not saved: Please keep this under 4,000 characters")
    );
    assert_eq!(
        get(&world.app, &ines, &report_path)
            .await
            .texts("#strengths"),
        ["Good questions."]
    );

    // Staff read the draft but do not write it.
    let page = get(&world.app, &staff, &report_path).await;
    assert_eq!(page.count("[data-testid=report-form]"), 0);
    assert_eq!(page.count("[data-testid=report-not-sent]"), 1);
    assert_eq!(
        post(&world.app, &staff, &report_path, COMPLETE, false)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // Submitting needs everything: each missing part is named, what was typed kept.
    let incomplete = post(
        &world.app,
        &ines,
        &report_path,
        &[("score_coding", "2"), ("strengths", "Good questions.")],
        false,
    )
    .await;
    assert_eq!(incomplete.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = TestApp::page(incomplete).await;
    for field in [
        "score_problem_solving",
        "score_communication",
        "score_testing",
        "focus_first",
        "overall_level",
    ] {
        assert_eq!(page.count(&format!("#{field}-error")), 1, "{field}");
    }
    assert_eq!(page.texts("#strengths"), ["Good questions."]);
    assert!(world.mail_to(&world.customer_email).await.iter().all(|m| {
        !m["subject"]
            .as_str()
            .unwrap_or("")
            .contains("feedback report")
    }));

    let sent = post(&world.app, &ines, &report_path, COMPLETE, false).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        sent.headers()["location"],
        format!("/admin/bookings/{public_id}?done=report").as_str()
    );
    // Once sent it is read-only: another submission or draft changes nothing.
    let again = post(
        &world.app,
        &ines,
        &report_path,
        &[("strengths", "Changed my mind.")],
        false,
    )
    .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        post(
            &world.app,
            &ines,
            &draft_path,
            &[("strengths", "Changed.")],
            false
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let page = get(&world.app, &ines, &report_path).await;
    assert_eq!(page.count("[data-testid=report-form]"), 0);
    assert_eq!(page.count("[data-testid=report-submitted]"), 1);
    assert!(page.texts("[data-testid=report]")[0].contains("You asked about the input size"));

    // The customer is emailed once and reads it on their booking page.
    world.drain_jobs().await;
    let mail = world.wait_for_mail(&world.customer_email, 2).await;
    let ready: Vec<&Value> = mail
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or("")
                .contains("feedback report")
        })
        .collect();
    assert_eq!(ready.len(), 1);
    assert!(
        ready[0]["text"]
            .as_str()
            .unwrap()
            .contains(&format!("/bookings/{public_id}/report"))
    );
    let booking_page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(
        booking_page.attrs("[data-testid=report-link]", "href"),
        [format!("/bookings/{public_id}/report")]
    );
    assert!(
        booking_page.texts("[data-testid=report-ready]")[0].contains("Close: a few things to fix")
    );
    let report = world
        .app
        .get(&format!("/bookings/{public_id}/report"))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(
        report.texts("[data-testid=report-score] td .report__level"),
        [
            "3 / 4 · Solid",
            "2 / 4 · Developing",
            "4 / 4 · Strong",
            "1 / 4 · Not yet"
        ]
    );
    assert_eq!(
        report.texts("[data-testid=report-focus] li"),
        [
            "Walk through an example before saying done.",
            "Name the complexity as you go."
        ]
    );
    assert_eq!(
        report.texts("[data-testid=report-overall]"),
        ["Close: a few things to fix"]
    );
}

/// Reminders at 24 and 44 hours after the end while the report is not in; none once it is;
/// staff see the overdue ones.
#[sqlx::test]
async fn reminders_chase_a_missing_report_and_staff_see_it_overdue(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, staff } = world.admins().await;
    let public_id = held_session(&world, "uid-report-late", 1).await;
    post(
        &world.app,
        &ines,
        &format!("/admin/bookings/{public_id}/outcome"),
        &[("outcome", "held")],
        false,
    )
    .await;
    let due: Vec<(String, f64)> = sqlx::query_as(
        "select payload->>'which', extract(epoch from j.run_at - b.ends_at)::float8 / 3600
         from job j join booking b on b.booking_id = (j.payload->>'booking_id')::bigint
         where j.kind = 'report_reminder' order by 2",
    )
    .fetch_all(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(due[0].0, "24h");
    assert!((due[0].1 - 24.0).abs() < 0.01);
    assert_eq!(due[1].0, "44h");
    assert!((due[1].1 - 44.0).abs() < 0.01);
    let list = get(&world.app, &ines, "/admin/bookings").await;
    assert_eq!(
        list.count("[data-testid=reports-list] [data-testid=booking-row]"),
        1
    );

    let before = world.mail_to(&world.host_email).await.len();
    sqlx::query("update job set run_at = now() where kind = 'report_reminder' and payload->>'which' = '24h'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.drain_jobs().await;
    let host = world.wait_for_mail(&world.host_email, before + 1).await;
    let reminders = host
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Reminder: the feedback report")
        })
        .count();
    assert_eq!(reminders, 1);

    // Overdue: staff see it; then it is sent and the last reminder says nothing.
    sqlx::query("update booking set ends_at = now() - interval '49 hours', starts_at = now() - interval '50 hours 30 minutes' where public_id = $1")
        .bind(&public_id)
        .execute(&world.app.pool)
        .await
        .unwrap();
    let list = get(&world.app, &staff, "/admin/bookings").await;
    assert_eq!(
        list.count("[data-testid=reports-list] [data-testid=booking-row]"),
        1
    );
    assert!(list.texts("[data-testid=report-due]")[0].starts_with("Report overdue since"));
    assert_eq!(
        post(
            &world.app,
            &ines,
            &format!("/admin/bookings/{public_id}/report"),
            COMPLETE,
            false
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    sqlx::query("update job set run_at = now() where kind = 'report_reminder'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.drain_jobs().await;
    let host = world.mail_to(&world.host_email).await;
    assert_eq!(
        host.iter()
            .filter(|m| m["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Reminder: the feedback report"))
            .count(),
        1,
        "no reminder once the report is in"
    );
    let list = get(&world.app, &staff, "/admin/bookings").await;
    assert_eq!(list.count("[data-testid=reports-list]"), 0);
}
