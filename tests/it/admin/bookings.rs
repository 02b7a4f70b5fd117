//! The bookings pages: the list, one booking, its resume, Acknowledge and the refund.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::personas::Personas;

#[sqlx::test]
async fn interviewers_see_only_their_own_bookings_in_the_list(pool: PgPool) {
    let p = Personas::new(pool).await;
    let list = p.a.get("/admin/bookings").await;
    assert!(list.body.contains("Carla Customer"));
    assert!(
        !list.body.contains("Dan Customer"),
        "B's customer is not in A's list"
    );
    let list = p.staff.get("/admin/bookings").await;
    assert!(list.body.contains("Carla Customer") && list.body.contains("Dan Customer"));

    let resume =
        p.a.get(&format!("/admin/bookings/{}/resume", p.booking_a))
            .await;
    assert_eq!(resume.headers["content-type"], "application/pdf");
    assert_eq!(resume.headers["cache-control"], "no-store");
    assert!(resume.body.as_bytes().starts_with(b"%PDF-"));
}

#[sqlx::test]
async fn acknowledging_emails_the_customer_once(pool: PgPool) {
    let p = Personas::new(pool).await;
    let path = format!("/admin/bookings/{}/acknowledge", p.booking_a);
    for _ in 0..2 {
        let response =
            p.a.post_form(
                &path,
                &[("note", "Looking forward to it. Bring a notepad.")],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
    }
    let emails: Vec<serde_json::Value> =
        sqlx::query_scalar("select payload from job where kind = 'email'")
            .fetch_all(&p.app.pool)
            .await
            .unwrap();
    assert_eq!(emails.len(), 1, "once");
    assert_eq!(emails[0]["to"], "carla.customer@example.com");
    assert!(
        emails[0]["text"]
            .as_str()
            .unwrap()
            .contains("Bring a notepad.")
    );
    // Customers are greeted by their first name.
    let text = emails[0]["text"].as_str().unwrap();
    assert!(text.starts_with("Hi Carla,\n"), "{text}");
    assert!(
        emails[0]["html"]
            .as_str()
            .unwrap()
            .contains("<p>Hi Carla,</p>")
    );
    let page = p.a.get(&format!("/admin/bookings/{}", p.booking_a)).await;
    assert_eq!(
        page.count("[data-testid=acknowledge]"),
        0,
        "no second acknowledge button"
    );
    assert!(page.body.contains("Bring a notepad."));
    // The reference the customer quotes (their booking page shows the same).
    let id: i64 = sqlx::query_scalar("select booking_id from booking where public_id = $1")
        .bind(&p.booking_a)
        .fetch_one(&p.app.pool)
        .await
        .unwrap();
    assert_eq!(
        page.texts("[data-testid=booking-reference]"),
        [interview_service::domain::reference::of(id)]
    );
}

#[sqlx::test]
async fn staff_refund_under_the_guarantee(pool: PgPool) {
    let p = Personas::new(pool).await;
    let path = format!("/admin/bookings/{}/refund", p.booking_a);
    let empty = p.staff.post_form(&path, &[("reason", " ")]).await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let done = p
        .staff
        .post_form(&path, &[("reason", "Interviewer was 20 minutes late.")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let kinds: Vec<String> = sqlx::query_scalar("select kind from job order by job_id")
        .fetch_all(&p.app.pool)
        .await
        .unwrap();
    assert_eq!(kinds, ["stripe_refund", "email"]);
    let email: serde_json::Value =
        sqlx::query_scalar("select payload from job where kind = 'email'")
            .fetch_one(&p.app.pool)
            .await
            .unwrap();
    assert!(
        email["text"].as_str().unwrap().starts_with("Hi Carla,\n"),
        "{email}"
    );
    assert!(email["html"].as_str().unwrap().contains("<p>Hi Carla,</p>"));
    let again = p.staff.post_form(&path, &[("reason", "Twice")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "not twice");
}
