//! Promotion codes, invoices and refunds made outside the app: Checkout offers a code field
//! (unless turned off) and everything after payment counts what was actually paid (the
//! ledger, a cancel's refund, emails, the booking page); a 100%-off code books with no
//! payment at all; invoices and tax ids are asked for when their settings are on; and a
//! refund made in Stripe's dashboard reaches the ledger through `charge.refunded`.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    booking_support::{Admins, World, stripe_event},
    earnings::sums,
    fakes::fake_stripe_fee,
};

/// Ines's price in the booking world (USD cents).
const PRICE: i64 = 15_000;

/// The booking's row, as the checks below read it.
async fn booking(world: &World, public_id: &str) -> Value {
    sqlx::query_scalar(
        "select json_build_object('status', status, 'amount_paid', amount_paid_minor,
                                  'payment_intent', payment_intent_id, 'invoice_url', invoice_url)
         from booking where public_id = $1",
    )
    .bind(public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap()
}

/// Pays with a promotion code at the fake and delivers `checkout.session.completed`.
async fn pay_with_code(world: &World, session_id: &str, percent_off: i64) {
    let session = world.stripe.pay_with_code(session_id, percent_off);
    let event = stripe_event(
        &format!("evt_code_{session_id}"),
        "checkout.session.completed",
        session,
    );
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;
}

fn text_of(mail: &Value) -> &str {
    mail["text"].as_str().unwrap()
}

#[sqlx::test]
async fn a_promotion_code_lowers_what_is_paid_and_everything_after_counts_that(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-code-25").await;
    let (_, asked) = world.stripe.last_create();
    assert_eq!(asked["allow_promotion_codes"], "true", "on by default");
    assert!(
        !asked.contains_key("invoice_creation[enabled]"),
        "off by default"
    );
    assert!(
        !asked.contains_key("tax_id_collection[enabled]"),
        "off by default"
    );

    pay_with_code(&world, &session_id, 25).await;
    let paid = 11_250;
    assert_eq!(
        booking(&world, &public_id).await,
        json!({"status": "paid", "amount_paid": paid,
               "payment_intent": format!("pi_for_{session_id}"), "invoice_url": null})
    );
    // The ledger has the charge as Stripe made it, and its fee on that amount.
    let fee = fake_stripe_fee(paid);
    let entries = sums(&world, &public_id).await;
    assert_eq!(entries["charge"], paid);
    assert_eq!(entries["stripe_fee"], -fee);
    assert_eq!(
        entries["coop_share"].as_i64().unwrap() + entries["interviewer_share"].as_i64().unwrap(),
        paid - fee
    );

    // The emails and the booking page say what was paid.
    let mail = world.wait_for_mail(&world.customer_email, 1).await;
    assert!(
        text_of(&mail[0]).contains("Your payment of $112.50 ($37.50 off with your promotion code)"),
        "{}",
        text_of(&mail[0])
    );
    let host = world.wait_for_mail(&world.host_email, 1).await;
    assert!(
        text_of(&host[0]).contains("paid ($112.50)"),
        "{}",
        text_of(&host[0])
    );
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    let paid_line = page.texts("[data-testid=paid]");
    assert!(
        paid_line[0].starts_with("Paid $112.50 on") && paid_line[0].contains("$37.50 off"),
        "{paid_line:?}"
    );
    assert_eq!(page.count("[data-testid=receipt]"), 1);

    // A cancel refunds what was paid, not the price.
    let cancel = world
        .app
        .get(&format!("/bookings/{public_id}/cancel"))
        .await;
    assert_eq!(
        cancel.texts("[data-testid=cancel-refund]"),
        ["Full refund: $112.50"]
    );
    let response = world
        .app
        .post(&format!("/bookings/{public_id}/cancel"))
        .form(&[("quoted_refund_minor", paid.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    world.drain_jobs().await;
    let refunds = world.stripe.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], paid.to_string());
    let entries = sums(&world, &public_id).await;
    assert_eq!(entries["refund"], -paid);
    assert_eq!(entries["interviewer_share"], 0);
}

#[sqlx::test]
async fn a_100_percent_code_books_with_no_payment(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-code-100").await;
    pay_with_code(&world, &session_id, 100).await;

    // Booked: cal.com confirmed, no PaymentIntent, nothing in the ledger.
    assert_eq!(
        booking(&world, &public_id).await,
        json!({"status": "paid", "amount_paid": 0, "payment_intent": null, "invoice_url": null})
    );
    assert_eq!(world.cal.confirmed(), ["uid-code-100"]);
    assert_eq!(sums(&world, &public_id).await, json!({}));
    let stripe_jobs: i64 = sqlx::query_scalar("select count(*) from job where kind like 'stripe%'")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(
        stripe_jobs, 0,
        "no job waits for a charge that will never exist"
    );

    let mail = world.wait_for_mail(&world.customer_email, 1).await;
    assert!(
        text_of(&mail[0])
            .contains("Your promotion code covered the full price, so nothing was charged"),
        "{}",
        text_of(&mail[0])
    );
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert!(page.texts("[data-testid=paid]")[0].contains("nothing was charged"));
    assert_eq!(page.count("[data-testid=receipt]"), 0);
    let thanks = world
        .app
        .get(&format!("/bookings/{public_id}/thanks"))
        .await;
    assert!(
        thanks
            .body
            .contains("Your promotion code covered the full price."),
        "{}",
        thanks.body
    );

    // Cancelled: nothing to refund, and Stripe is not asked to.
    let response = world
        .app
        .post(&format!("/bookings/{public_id}/cancel"))
        .form(&[("quoted_refund_minor", "0")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    world.drain_jobs().await;
    assert_eq!(world.status(&public_id).await, "cancelled");
    assert!(world.stripe.refunds().is_empty());
}

#[sqlx::test]
async fn a_session_whose_total_is_not_its_price_less_its_discount_does_not_count(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-code-forged").await;
    let mut session = world.stripe.pay_with_code(&session_id, 25);
    // Paid less than the discount allows (a tampered or misread session).
    session["amount_total"] = json!(100);
    let event = stripe_event("evt_forged", "checkout.session.completed", session);
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;
    assert_eq!(world.status(&public_id).await, "awaiting_payment");
    let anomalies: i64 = sqlx::query_scalar("select count(*) from payment_anomaly")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(anomalies, 1);
}

#[sqlx::test]
async fn settings_turn_codes_off_and_invoices_and_tax_ids_on(pool: PgPool) {
    let world = World::with(
        pool,
        &[
            ("STRIPE_PROMOTION_CODES", "false"),
            ("STRIPE_INVOICES", "true"),
            ("STRIPE_TAX_ID_COLLECTION", "true"),
        ],
    )
    .await;
    let (public_id, session_id) = world.book_and_checkout("uid-invoice").await;
    let (_, asked) = world.stripe.last_create();
    assert!(!asked.contains_key("allow_promotion_codes"));
    assert_eq!(asked["invoice_creation[enabled]"], "true");
    assert_eq!(
        asked["invoice_creation[invoice_data][metadata][booking_id]"],
        public_id
    );
    assert_eq!(asked["tax_id_collection[enabled]"], "true");

    world.pay(&session_id).await;
    world.drain_jobs().await;
    let invoice_url = format!("https://invoice.stripe.com/i/acct_test/in_for_{session_id}");
    assert_eq!(
        booking(&world, &public_id).await["invoice_url"],
        invoice_url
    );
    let page = world.app.get(&format!("/bookings/{public_id}")).await;
    assert_eq!(page.attrs("[data-testid=invoice]", "href"), [invoice_url]);
    assert_eq!(page.count("[data-testid=receipt]"), 1);
}

#[sqlx::test]
async fn refunds_made_in_stripe_s_dashboard_reach_the_ledger(pool: PgPool) {
    let world = World::new(pool).await;
    let (public_id, session_id) = world.book_and_checkout("uid-dashboard").await;
    world.pay(&session_id).await;
    world.drain_jobs().await;
    let payment_intent = format!("pi_for_{session_id}");
    let fee = fake_stripe_fee(PRICE);

    // A partial refund: in the ledger, and the booking stays paid.
    let charge = world.stripe.dashboard_refund(&payment_intent, 5_000);
    let event = stripe_event("evt_refund_1", "charge.refunded", charge);
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;
    assert_eq!(sums(&world, &public_id).await["refund"], -5_000);
    assert_eq!(world.status(&public_id).await, "paid");
    // Delivered again: nothing new.
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;
    assert_eq!(sums(&world, &public_id).await["refund"], -5_000);

    // The rest: refunded in full, Stripe keeps its fee, the co-op bears it.
    let charge = world
        .stripe
        .dashboard_refund(&payment_intent, PRICE - 5_000);
    let event = stripe_event("evt_refund_2", "charge.refunded", charge);
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    world.drain_jobs().await;
    assert_eq!(world.status(&public_id).await, "refunded");
    assert_eq!(
        sums(&world, &public_id).await,
        json!({"charge": PRICE, "stripe_fee": -fee, "refund": -PRICE,
               "coop_share": -fee, "interviewer_share": 0})
    );
}

/// A paid booking that staff refund in full while Stripe answers refunds as `pending`; its
/// jobs have run.
async fn refunded_while_pending(world: &World, uid: &str) -> String {
    let Admins { staff, .. } = world.admins().await;
    let (public_id, session_id) = world.book_and_checkout(uid).await;
    world.pay(&session_id).await;
    world.drain_jobs().await;
    world.stripe.make_refunds_pending();
    let refunded = Admins::post(
        &world.app,
        &staff,
        &format!("/admin/bookings/{public_id}/refund"),
        &[("reason", "Goodwill")],
    )
    .await;
    assert_eq!(refunded.status(), StatusCode::SEE_OTHER);
    world.drain_jobs().await;
    public_id
}

#[sqlx::test]
async fn a_pending_refund_enters_the_ledger_once_it_succeeds(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = refunded_while_pending(&world, "uid-refund-pending").await;
    // Asked for and under way: the customer is told, the ledger waits for the money to move.
    assert_eq!(world.status(&public_id).await, "refunded");
    assert_eq!(sums(&world, &public_id).await.get("refund"), None);

    world.stripe.settle_refunds("succeeded");
    world.make_jobs_due().await;
    world.drain_jobs().await;
    assert_eq!(sums(&world, &public_id).await["refund"], -PRICE);
    assert_eq!(sums(&world, &public_id).await["interviewer_share"], 0);
}

#[sqlx::test]
async fn a_refund_that_fails_never_enters_the_ledger(pool: PgPool) {
    let world = World::new(pool).await;
    let public_id = refunded_while_pending(&world, "uid-refund-fails").await;
    world.stripe.settle_refunds("failed");
    world.make_jobs_due().await;
    world.drain_jobs().await;
    assert_eq!(sums(&world, &public_id).await.get("refund"), None);
    let waiting: i64 = sqlx::query_scalar(
        "select count(*) from job where kind = 'stripe_refunds' and done_at is null",
    )
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(
        waiting, 0,
        "a failed refund is final: nothing is asked again"
    );
}
