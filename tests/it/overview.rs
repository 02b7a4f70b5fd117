//! Staff's overview against known data: bookings by status, money, claims and their rate,
//! each interviewer's held sessions, rating and overdue reports, and the weekly chart.

use sqlx::PgPool;

use crate::helpers::{TestApp, small_catalogue, spawn_app};
use crate::personas::{add_user, paid_booking, signed_in};

async fn exec(app: &TestApp, sql: &str, id: &str) {
    sqlx::query(sql).bind(id).execute(&app.pool).await.unwrap();
}

#[sqlx::test]
async fn the_overview_adds_up(pool: PgPool) {
    small_catalogue(&pool).await;
    add_user(&pool, "sam@example.com", true, None).await;
    let app = spawn_app(pool).await;
    let staff = signed_in(&app, "sam@example.com").await;
    // Ada: two held sessions (one reviewed 4 stars, one with an overdue report and a claim),
    // one upcoming. Bo: one refunded in full ($150).
    let held_a = paid_booking(&app, "ada-alpha", "Carla Customer").await;
    let held_b = paid_booking(&app, "ada-alpha", "Dan Customer").await;
    let _upcoming = paid_booking(&app, "ada-alpha", "Eve Customer").await;
    let refunded = paid_booking(&app, "bo-beta", "Fay Customer").await;
    for id in [&held_a, &held_b] {
        exec(
            &app,
            "update booking set starts_at = now() - interval '3 days', ends_at = now() - interval '3 days' + interval '90 minutes',
                    session_outcome = 'held', outcome_recorded_at = now() where public_id = $1",
            id,
        )
        .await;
    }
    exec(&app, "insert into review (booking_id, interviewer_id, rating, body, display_name)
                select booking_id, interviewer_id, 4, 'Useful.', 'Carla C.' from booking where public_id = $1", &held_a).await;
    exec(&app, "update interviewer set review_count = 1, review_sum = 4 where slug = 'ada-alpha' and $1 <> ''", &held_a).await;
    exec(&app, "insert into feedback_report (booking_id, rubric, submitted_at) select booking_id, 'coding', now() from booking where public_id = $1", &held_a).await;
    exec(&app, "insert into guarantee_claim (booking_id, reason) select booking_id, 'Not for me.' from booking where public_id = $1", &held_b).await;
    exec(&app, "update booking set status = 'refunded', refund_minor = 15000, refunded_at = now() where public_id = $1", &refunded).await;

    let page = TestApp::page(staff.get(app.url("/admin/overview")).send().await.unwrap()).await;
    assert_eq!(page.status, 200);
    let statuses = page.texts("[data-testid=status-table] tbody tr");
    assert_eq!(statuses, ["Paid 3 3", "Refunded 1 1"]);
    assert_eq!(
        page.texts("[data-testid=money-table] tbody tr"),
        ["USD $600 $150 $600 $150 $450"]
    );
    assert_eq!(
        page.texts("[data-testid=claim-rate]"),
        ["50.0%"],
        "1 claim per 2 held sessions"
    );
    let lines = page.texts("[data-testid=interviewer-line]");
    assert!(
        lines.contains(&"Ada Alpha 2 4.0 · 1 review 1".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"Bo Beta 0 No reviews yet 0".to_owned()),
        "{lines:?}"
    );
    let weeks = page.texts("[data-testid=weekly-table] tbody tr");
    assert_eq!(weeks.len(), 12);
    assert!(
        weeks.last().unwrap().ends_with(" 4"),
        "this week's payments: {weeks:?}"
    );
    assert_eq!(page.count("[data-testid=weekly-chart] rect"), 12);
}
